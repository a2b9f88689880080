import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';
import { AuditRepository } from './audit';
import { JobRepository } from './jobs';
import { PatientRepository } from './patients';

describe(`repositories (${process.env.DATABASE_URL ? 'postgresql' : 'pglite'})`, () => {
  let t: TestDatabase;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestDatabase();
    const p = t.db.prisma;
    const clin = await p.user.create({ data: { email: 'c@x.org', name: 'C', role: 'CLINICIAN', passwordHash: 'h' }, select: { id: true } });
    const other = await p.user.create({ data: { email: 'o@x.org', name: 'O', role: 'CLINICIAN', passwordHash: 'h' }, select: { id: true } });
    ids.clin = clin.id;
    ids.other = other.id;
    const cohort = await p.cohort.create({ data: { name: 'Cohort X' }, select: { id: true } });
    ids.cohort = cohort.id;
    for (let i = 1; i <= 12; i++) {
      const pt = await p.patient.create({
        data: { pseudoId: `P-${String(i).padStart(2, '0')}`, bclc: i % 2 ? 'B' : 'C', sex: i % 3 ? 'MALE' : 'FEMALE', afp: i * 10 },
        select: { id: true },
      });
      ids[`p${i}`] = pt.id;
      if (i <= 5) await p.cohortMembership.create({ data: { cohortId: cohort.id, patientId: pt.id, split: i <= 3 ? 'TRAINING' : 'VALIDATION' } });
    }
    await p.cohortAccess.create({ data: { userId: clin.id, cohortId: cohort.id } });
    await p.careAssignment.create({ data: { userId: clin.id, patientId: ids.p12! } });
    await p.study.create({ data: { patientId: ids.p1!, modality: 'CT', timepoint: 'BASELINE' } });
  });
  afterAll(() => t?.cleanup());

  it('lists patients with filters, pagination, cohort names and study counts', async () => {
    const repo = new PatientRepository(t.db.prisma);
    const all = await repo.list({ page: 1, pageSize: 5 });
    expect(all.total).toBe(12);
    expect(all.items.map((i) => i.pseudoId)).toEqual(['P-01', 'P-02', 'P-03', 'P-04', 'P-05']);
    expect(all.items[0]).toMatchObject({ cohortNames: ['Cohort X'], studyCount: 1, bclc: 'B', afp: 10 });
    expect((await repo.list({ page: 3, pageSize: 5 })).items.map((i) => i.pseudoId)).toEqual(['P-11', 'P-12']);
    expect((await repo.list({ bclc: 'C' })).total).toBe(6);
    expect((await repo.list({ search: 'p-1' })).total).toBe(3);
    expect((await repo.list({ cohortId: ids.cohort, split: 'VALIDATION' })).items.map((i) => i.pseudoId)).toEqual(['P-04', 'P-05']);
    expect((await repo.list({ sex: 'FEMALE', bclc: 'B' })).items.map((i) => i.pseudoId)).toEqual(['P-03', 'P-09']);
  });

  it('restricts clinicians to their care assignments and cohorts', async () => {
    const repo = new PatientRepository(t.db.prisma);
    const mine = PatientRepository.accessFilter({ id: ids.clin!, role: 'CLINICIAN' });
    const r = await repo.list({ pageSize: 50 }, mine);
    expect(r.items.map((i) => i.pseudoId)).toEqual(['P-01', 'P-02', 'P-03', 'P-04', 'P-05', 'P-12']);
    expect(await repo.canAccess(ids.p6!, mine)).toBe(false);
    expect(await repo.canAccess(ids.p12!, mine)).toBe(true);
    expect((await repo.list({}, PatientRepository.accessFilter({ id: ids.other!, role: 'CLINICIAN' }))).total).toBe(0);
    expect((await repo.list({}, PatientRepository.accessFilter({ id: 'x', role: 'TUMOR_BOARD' }))).total).toBe(0);
    expect((await repo.list({}, PatientRepository.accessFilter({ id: 'x', role: 'ADMIN' }))).total).toBe(12);
  });

  it('appends and queries audit events newest first', async () => {
    const audit = new AuditRepository(t.db.prisma);
    const s1 = await audit.append({ userId: ids.clin, userRole: 'CLINICIAN', action: 'patient.read', entityType: 'Patient', entityId: ids.p1, ipAddress: '127.0.0.1' });
    const s2 = await audit.append({ action: 'auth.login', outcome: 'FAILURE', details: { email: 'nobody@x.org' } });
    expect(BigInt(s2)).toBeGreaterThan(BigInt(s1));
    const page = await audit.list({ page: 1, pageSize: 10 });
    expect(page.items.map((i) => i.action)).toEqual(['auth.login', 'patient.read']);
    expect(page.items[0]).toMatchObject({ outcome: 'FAILURE', details: { email: 'nobody@x.org' }, seq: s2 });
    expect((await audit.list({ entityType: 'Patient', entityId: ids.p1 })).total).toBe(1);
  });

  it('creates jobs idempotently and tracks progress to a terminal state', async () => {
    const jobs = new JobRepository(t.db.prisma);
    const a = await jobs.createOrGet({ type: 'segmentation', input: { seriesId: 's1' }, idempotencyKey: 'k-1' });
    const b = await jobs.createOrGet({ type: 'segmentation', input: { seriesId: 's1' }, idempotencyKey: 'k-1' });
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.job.id).toBe(a.job.id);
    const [c, d] = await Promise.all([
      jobs.createOrGet({ type: 'x', input: {}, idempotencyKey: 'k-race' }),
      jobs.createOrGet({ type: 'x', input: {}, idempotencyKey: 'k-race' }),
    ]);
    expect(c.job.id).toBe(d.job.id);
    expect([c.created, d.created].filter(Boolean)).toHaveLength(1);

    await jobs.progress(a.job.id, 1.7, 'half');
    let j = await jobs.get(a.job.id);
    expect(j).toMatchObject({ state: 'RUNNING', progress: 1, message: 'half' });
    expect(j!.startedAt).toBeInstanceOf(Date);
    await jobs.complete(a.job.id, { ok: true });
    await jobs.progress(a.job.id, 0.2); // ignored after completion
    j = await jobs.get(a.job.id);
    expect(j).toMatchObject({ state: 'COMPLETED', progress: 1, result: { ok: true } });
    await jobs.fail(c.job.id, 'boom');
    expect(await jobs.get(c.job.id)).toMatchObject({ state: 'FAILED', error: 'boom' });
  });
});
