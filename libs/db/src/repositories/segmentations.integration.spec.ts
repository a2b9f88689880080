import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';
import { CohortRepository } from './cohorts';
import { SegmentationConflictError, SegmentationRepository } from './segmentations';

describe(`segmentation versions and cohort splits (${process.env.DATABASE_URL ? 'postgresql' : 'pglite'})`, () => {
  let t: TestDatabase;
  let seriesId: string;
  let patientIds: string[];
  beforeAll(async () => {
    t = await createTestDatabase();
    const p = t.db.prisma;
    const pt = await p.patient.create({ data: { pseudoId: 'S-1' }, select: { id: true } });
    const st = await p.study.create({ data: { patientId: pt.id, modality: 'CT' }, select: { id: true } });
    const se = await p.series.create({
      data: { studyId: st.id, phase: 'PORTAL_VENOUS', dims: [4, 4, 2], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], storageUri: 'file:series/x.nii.gz', sha256: 'a' },
      select: { id: true },
    });
    seriesId = se.id;
    patientIds = [pt.id];
    for (let i = 2; i <= 6; i++) patientIds.push((await p.patient.create({ data: { pseudoId: `S-${i}` }, select: { id: true } })).id);
  });
  afterAll(() => t?.cleanup());

  const mask = (n: number) => ({ source: 'MANUAL' as const, maskUri: `file:segmentations/${n}.nii.gz`, sha256: String(n), labels: { '1': 'liver' } });

  it('chains versions, supersedes the edited one, and reports history and head', async () => {
    const repo = new SegmentationRepository(t.db.prisma);
    const v1 = await repo.create({ seriesId, structure: 'LIVER', ...mask(1) });
    const v2 = await repo.createVersion(v1.id, mask(2));
    const v3 = await repo.createVersion(v2.id, { ...mask(3), source: 'SEMI_AUTO' });
    expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
    expect(v3).toMatchObject({ seriesId, structure: 'LIVER', previousId: v2.id, status: 'DRAFT' });
    expect((await repo.history(v1.id)).map((s) => [s.version, s.status])).toEqual([
      [1, 'SUPERSEDED'],
      [2, 'SUPERSEDED'],
      [3, 'DRAFT'],
    ]);
    expect((await repo.head(v1.id)).id).toBe(v3.id);
    expect((await repo.listHeads(seriesId)).map((s) => s.id)).toEqual([v3.id]);
    expect(await repo.review(v3.id, 'ACCEPTED', 'ok')).toMatchObject({ status: 'ACCEPTED', reviewNote: 'ok' });
    await expect(repo.review(v1.id, 'ACCEPTED')).rejects.toBeInstanceOf(SegmentationConflictError);
  });

  it('an edit of an outdated version is refused with the newer version named', async () => {
    const repo = new SegmentationRepository(t.db.prisma);
    const v1 = await repo.create({ seriesId, structure: 'LESION', ...mask(10) });
    const v2 = await repo.createVersion(v1.id, mask(11));
    const err = await repo.createVersion(v1.id, mask(12)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SegmentationConflictError);
    expect((err as SegmentationConflictError).currentHeadId).toBe(v2.id);
    expect((err as Error).message).toMatch(/changed by someone else/);
  });

  it('two concurrent edits of the same version: exactly one is saved, the other gets a conflict', async () => {
    const repo = new SegmentationRepository(t.db.prisma);
    const base = await repo.create({ seriesId, structure: 'VESSELS', ...mask(20) });
    const results = await Promise.allSettled([repo.createVersion(base.id, mask(21)), repo.createVersion(base.id, mask(22))]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const bad = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.reason).toBeInstanceOf(SegmentationConflictError);
    expect(await t.db.prisma.segmentation.count({ where: { previousId: base.id } })).toBe(1);
  });

  it('adds members without duplicates and writes splits in bulk', async () => {
    const repo = new CohortRepository(t.db.prisma);
    const c = await t.db.prisma.cohort.create({ data: { name: 'split-me' }, select: { id: true } });
    expect(await repo.addMembers(c.id, patientIds)).toBe(6);
    expect(await repo.addMembers(c.id, patientIds.slice(0, 2))).toBe(0);
    const assignment = new Map(patientIds.map((id, k) => [id, k < 4 ? ('TRAINING' as const) : ('VALIDATION' as const)]));
    assignment.set(patientIds[5]!, null as never);
    expect(await repo.setSplits(c.id, assignment)).toBe(6);
    expect(await repo.splitCounts(c.id)).toEqual({ TRAINING: 4, VALIDATION: 1, unassigned: 1 });
  });
});
