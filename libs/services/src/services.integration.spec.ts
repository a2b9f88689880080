/**
 * Use cases against a real database: PostgreSQL when DATABASE_URL is set (fresh schema), else PGlite.
 */
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, createPublishedModel, fixtureActor, loginMeta } from '@hepatoscope/testing/fixtures';
import type { Services } from './index';
import { FIXTURE_PASSWORD, type Fixture } from './fixture';
import type { Actor } from './types';
import { DomainError } from './errors';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let clock = new Date('2026-01-01T10:00:00Z');
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

beforeAll(async () => ({ t, fx, services } = await createFixtureServices({ now: () => clock })));
afterAll(() => t?.cleanup());

const actor = (key: keyof Fixture['users']): Actor =>
  fixtureActor(fx, key, { sessionId: 'test', clientAddress: '10.0.0.1' });
const meta = loginMeta('10.0.0.1');
const code = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};

describe('auth', () => {
  it('logs in, resolves the session, and logs out', async () => {
    const { token, session } = await services.auth.login('CLINICIAN@fixture.test', FIXTURE_PASSWORD, meta);
    expect(session.user).toMatchObject({ email: 'clinician@fixture.test', role: 'CLINICIAN' });
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const resolved = await services.auth.resolveSession(token);
    expect(resolved?.sessionId).toBe(session.sessionId);
    // stored hashed, never in clear
    const row = await t.db.prisma.session.findUniqueOrThrow({ where: { id: session.sessionId } });
    expect(row.tokenHash).not.toBe(token);
    await services.auth.logout({ ...actor('clinician'), sessionId: session.sessionId });
    expect(await services.auth.resolveSession(token)).toBeNull();
  });

  it('issues a new session id on every login and revokes the one presented (no fixation)', async () => {
    const a = await services.auth.login('clinician@fixture.test', FIXTURE_PASSWORD, meta);
    const b = await services.auth.login('clinician@fixture.test', FIXTURE_PASSWORD, {
      ...meta,
      previousToken: a.token,
    });
    expect(b.session.sessionId).not.toBe(a.session.sessionId);
    expect(b.token).not.toBe(a.token);
    expect(b.session.csrfToken).not.toBe(a.session.csrfToken);
    expect(await services.auth.resolveSession(a.token)).toBeNull();
    expect((await services.auth.resolveSession(b.token))?.sessionId).toBe(b.session.sessionId);
  });

  it('expires sessions after the idle timeout', async () => {
    const { token } = await services.auth.login('clinician@fixture.test', FIXTURE_PASSWORD, meta);
    advance(2 * 3600_000 + 1000);
    expect(await services.auth.resolveSession(token)).toBeNull();
  });

  it('gives the same answer for an unknown e-mail and a wrong password, and audits both', async () => {
    await expect(services.auth.login('nobody@fixture.test', 'x', meta)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Invalid e-mail or password',
    });
    await expect(services.auth.login('admin@fixture.test', 'wrong', meta)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Invalid e-mail or password',
    });
    const ev = await t.db.prisma.auditEvent.findMany({
      where: { action: 'auth.login', outcome: 'FAILURE' },
      orderBy: { seq: 'desc' },
      take: 2,
    });
    expect(ev.map((e) => e.userEmail).sort()).toEqual(['admin@fixture.test', 'nobody@fixture.test']);
    expect(ev.every((e) => e.ipAddress === '10.0.0.1')).toBe(true);
  });

  it('locks the account after 5 failures in 15 minutes, refuses even the right password, then unlocks', async () => {
    advance(60 * 60_000);
    const email = 'board@fixture.test';
    for (let i = 0; i < 4; i++) {
      await expect(services.auth.login(email, 'wrong', meta)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      advance(60_000);
    }
    await expect(services.auth.login(email, 'wrong', meta)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(services.auth.login(email, FIXTURE_PASSWORD, meta)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const u = await t.db.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(u.failedLoginCount).toBe(5);
    expect(u.lockedUntil!.getTime()).toBe(clock.getTime() - 4 * 60_000 + 15 * 60_000);
    advance(11 * 60_000 + 1);
    const ok = await services.auth.login(email, FIXTURE_PASSWORD, meta);
    expect(ok.session.user.role).toBe('TUMOR_BOARD');
    const after = await t.db.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(after.failedLoginCount).toBe(0);
    expect(after.lockedUntil).toBeNull();
  });

  it('throttles an address after 20 failures in the window, whatever the accounts', async () => {
    advance(60 * 60_000);
    const spray = { ...meta, clientAddress: '198.51.100.20' };
    for (let i = 0; i < 20; i++) {
      await expect(services.auth.login(`spray${i}@fixture.test`, 'x', spray)).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    }
    await expect(services.auth.login('admin@fixture.test', FIXTURE_PASSWORD, spray)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect((await services.auth.login('admin@fixture.test', FIXTURE_PASSWORD, meta)).session.user.role).toBe('ADMIN'); // other addresses unaffected
    advance(15 * 60_000 + 1);
    expect((await services.auth.login('admin@fixture.test', FIXTURE_PASSWORD, spray)).session.user.role).toBe('ADMIN');
  });

  it('refuses disabled users and revokes their sessions', async () => {
    const { token } = await services.auth.login('clinician2@fixture.test', FIXTURE_PASSWORD, meta);
    await services.admin.setUserDisabled(actor('admin'), fx.users.clinician2.id, true);
    expect(await services.auth.resolveSession(token)).toBeNull();
    await expect(services.auth.login('clinician2@fixture.test', FIXTURE_PASSWORD, meta)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await services.admin.setUserDisabled(actor('admin'), fx.users.clinician2.id, false);
  });
});

describe('patient scope', () => {
  it('clinician sees cohort members and patients in care only; board sees agenda cases; admin none', async () => {
    const ids = async (a: Actor) =>
      (await services.patients.list(a, { page: 1, pageSize: 25 })).items.map((p) => p.pseudoId);
    expect(await ids(actor('clinician'))).toEqual(['FX-001', 'FX-002']);
    expect(await ids(actor('clinician2'))).toEqual([]);
    expect(await ids(actor('board'))).toEqual(['FX-001']);
    expect(await ids(actor('admin'))).toEqual([]);
    expect(await code(services.patients.get(actor('clinician'), fx.patients.p3))).toBe('NOT_FOUND');
    expect(await code(services.patients.get(actor('board'), fx.patients.p2))).toBe('NOT_FOUND');
  });

  it('filters, searches and paginates', async () => {
    const c = actor('clinician');
    expect(
      (await services.patients.list(c, { bclc: 'A', page: 1, pageSize: 25 })).items.map((p) => p.pseudoId),
    ).toEqual(['FX-002']);
    expect((await services.patients.list(c, { search: 'fx-001', page: 1, pageSize: 25 })).total).toBe(1);
    expect(
      (await services.patients.list(c, { cohortId: fx.cohortA, page: 1, pageSize: 25 })).items.map((p) => p.pseudoId),
    ).toEqual(['FX-001']);
    const page2 = await services.patients.list(c, { page: 2, pageSize: 1 });
    expect(page2).toMatchObject({ total: 2, items: [{ pseudoId: 'FX-002' }] });
    const first = (await services.patients.list(c, { page: 1, pageSize: 1 })).items[0]!;
    expect(first).toMatchObject({ bclc: 'B', cohortNames: ['Fixture cohort A'], studyCount: 1, synthetic: true });
  });

  it('case detail has studies with file URLs, lesions and a dated timeline', async () => {
    const p = await services.patients.get(actor('clinician'), fx.patients.p1);
    expect(p.studies).toHaveLength(1);
    expect(p.studies[0]!.series[0]).toMatchObject({
      id: fx.seriesId,
      phase: 'ARTERIAL',
      dims: [4, 4, 2],
      url: `/api/files/series/${fx.seriesId}`,
    });
    expect(p.studies[0]!.segmentations[0]).toMatchObject({
      id: fx.segmentationId,
      url: `/api/files/segmentations/${fx.segmentationId}`,
      labels: { '1': 'lesion' },
    });
    expect(p.studies[0]!.lesions).toEqual([expect.objectContaining({ label: 'L1', diameterMm: 31 })]);
    expect(p.timeline.map((e) => e.kind)).toEqual(['STUDY', 'TREATMENT', 'BOARD']);
    expect(JSON.stringify(p)).not.toContain('file:'); // storage URIs never leave the server
  });
});

describe('predictions', () => {
  it('scores with a validated logistic model: probability, delta-method CI, nomogram; stored with inputs', async () => {
    const r = await services.predictions.run(actor('clinician'), {
      patientId: fx.patients.p1,
      modelId: fx.models.validated,
    });
    if (r.kind !== 'probability') throw new Error('expected a probability');
    // η = 1.2 + 0.9·log10(120) − 0.8·3.9
    const eta = 1.2 + 0.9 * Math.log10(120) - 0.8 * 3.9;
    expect(r.linearPredictor).toBeCloseTo(eta, 12);
    expect(r.probability).toBeCloseTo(1 / (1 + Math.exp(-eta)), 12);
    expect(r.ci![0]).toBeLessThan(r.probability);
    expect(r.ci![1]).toBeGreaterThan(r.probability);
    expect(r.nomogram.points.map((p) => p.predictor)).toEqual(['afp', 'albumin']);
    const stored = await t.db.prisma.prediction.findUniqueOrThrow({ where: { id: r.id } });
    expect(stored.modelVersion).toBe('1.0.0');
    expect((stored.inputSnapshot as { values: Record<string, number> }).values).toEqual({ afp: 120, albumin: 3.9 });
    const list = await services.predictions.listForPatient(actor('board'), fx.patients.p1);
    expect(list[0]).toMatchObject({ id: r.id, modelName: 'Fixture MVI', ci: r.ci });
  });

  it('scores a Cox model into a survival curve with horizons and median', async () => {
    const r = await services.predictions.run(actor('clinician'), { patientId: fx.patients.p1, modelId: fx.models.cox });
    if (r.kind !== 'survival') throw new Error('expected survival');
    const hr = Math.exp(0.03 * (64 - 60));
    expect(r.horizons[1]).toMatchObject({ t: 24 });
    expect(r.horizons[1]!.s).toBeCloseTo(Math.pow(0.55, hr), 12);
    expect(Math.pow(0.55, hr)).toBeGreaterThan(0.5); // so the median is the next step
    expect(r.medianMonths).toBe(36);
  });

  it('scores a linear-score model (ALBI-style) into a graded score', async () => {
    const m = await createPublishedModel(t.db.prisma, {
      name: 'ALBI test',
      task: 'SURVIVAL',
      kind: 'linear-score',
      inputs: [
        { name: 'bilirubin', field: 'bilirubin', transform: 'log10' },
        { name: 'albumin', field: 'albumin' },
      ],
      parameters: {
        intercept: 0.8138,
        coefficients: { bilirubin: 0.66, albumin: -0.85 },
        grades: [
          { label: 'ALBI grade 1', upTo: -2.6 },
          { label: 'ALBI grade 2', upTo: -1.39 },
          { label: 'ALBI grade 3', upTo: null },
        ],
      },
    });
    const r = await services.predictions.run(actor('clinician'), { patientId: fx.patients.p1, modelId: m.id });
    if (r.kind !== 'score') throw new Error('expected a score');
    // ALBI = 0.66·log10(0.9·17.1) − 0.085·39 = −2.533 → grade 2
    expect(r.score).toBeCloseTo(0.66 * Math.log10(0.9 * 17.1) - 0.085 * 39, 3);
    expect(r.grade).toBe('ALBI grade 2');
  });

  it('refuses draft models, out-of-scope patients, foreign lesions and missing predictors', async () => {
    expect(
      await code(services.predictions.run(actor('clinician'), { patientId: fx.patients.p1, modelId: fx.models.draft })),
    ).toBe('INVALID');
    expect(
      await code(
        services.predictions.run(actor('clinician'), { patientId: fx.patients.p3, modelId: fx.models.validated }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await code(
        services.predictions.run(actor('clinician'), {
          patientId: fx.patients.p2,
          modelId: fx.models.validated,
          lesionId: fx.lesionId,
        }),
      ),
    ).toBe('NOT_FOUND');
    await t.db.prisma.patient.update({ where: { id: fx.patients.p2 }, data: { albumin: null } });
    await expect(
      services.predictions.run(actor('clinician'), { patientId: fx.patients.p2, modelId: fx.models.validated }),
    ).rejects.toMatchObject({
      code: 'INVALID',
      message: 'Patient FX-002 lacks values for predictor(s) albumin',
    });
    await t.db.prisma.patient.update({ where: { id: fx.patients.p2 }, data: { albumin: 4.2 } });
  });
});

describe('models registry', () => {
  it('imports by coefficients as DRAFT, promotes once, retires once', async () => {
    const m = await services.models.importPublished(actor('admin'), {
      name: 'Published X',
      task: 'MVI',
      description: 'test',
      reference: 'doi:10/x',
      intercept: -1,
      predictors: [{ name: 'afp', coefficient: 0.01, min: 0, max: 1000 }],
    });
    expect(m).toMatchObject({ status: 'DRAFT', origin: 'PUBLISHED', version: '1.0.0', predictors: ['afp'] });
    expect((await services.models.promote(actor('admin'), m.id, 'ok')).status).toBe('VALIDATED');
    expect(await code(services.models.promote(actor('admin'), m.id, 'again'))).toBe('CONFLICT');
    const r = await services.models.retire(actor('admin'), m.id, 'superseded');
    expect(r.status).toBe('RETIRED');
    expect((r.card as { statusHistory: unknown[] }).statusHistory).toHaveLength(2);
    expect(await code(services.models.retire(actor('admin'), m.id, ''))).toBe('CONFLICT');
    const again = await services.models.importPublished(actor('admin'), {
      name: 'Published X',
      task: 'MVI',
      description: '',
      reference: '',
      intercept: 0,
      predictors: [{ name: 'afp', coefficient: 1 }],
    });
    expect(again.version).toBe('2.0.0');
  });
});

describe('tumour boards', () => {
  it('freezes a snapshot on the agenda, records a decision, and makes sign-off final', async () => {
    const m = await services.boards.createMeeting(actor('board'), {
      title: 'Liver MDT',
      scheduledAt: '2026-02-01T08:00:00Z',
    });
    const added = await services.boards.addToAgenda(actor('clinician'), {
      meetingId: m.id,
      patientId: fx.patients.p2,
      question: 'Resection?',
    });
    expect(
      await code(
        services.boards.addToAgenda(actor('clinician'), { meetingId: m.id, patientId: fx.patients.p2, question: '' }),
      ),
    ).toBe('CONFLICT');
    await t.db.prisma.patient.update({ where: { id: fx.patients.p2 }, data: { afp: 9999 } });
    const view = await services.boards.meeting(actor('board'), m.id);
    expect(view.agenda[0]).toMatchObject({
      discussionId: added.discussionId,
      status: 'PENDING',
      patient: { pseudoId: 'FX-002' },
    });
    expect((view.agenda[0]!.snapshot as { patient: { afp: number } }).patient.afp).toBe(8); // frozen
    const resection = (signOff: boolean) =>
      services.boards.recordDecision(actor('board'), {
        discussionId: added.discussionId,
        decision: 'RESECTION',
        recommendation: 'Right hepatectomy',
        attendees: ['Dr A', 'Dr B'],
        signOff,
      });
    const d1 = await resection(false);
    expect(d1.status).toBe('DECIDED');
    const d2 = await resection(true);
    expect(d2).toMatchObject({ status: 'SIGNED_OFF', attendees: ['Dr A', 'Dr B'] });
    expect(
      await code(
        services.boards.recordDecision(actor('board'), {
          discussionId: added.discussionId,
          decision: 'TACE',
          recommendation: '',
          attendees: [],
          signOff: false,
        }),
      ),
    ).toBe('CONFLICT');
    await t.db.prisma.patient.update({ where: { id: fx.patients.p2 }, data: { afp: 8 } });
  });
});

describe('cohorts', () => {
  const csv = 'id,sex,age,bclc,os,dead\nCSV-1,M,60,A,10,1\nCSV-2,F,x,B,5,0\nFX-001,M,64,B,20,1\n';
  const mapping = { pseudoId: 'id', sex: 'sex', age: 'age', bclc: 'bclc', osMonths: 'os', osEvent: 'dead' } as const;

  it('CSV import: preview writes nothing; accept needs the same report; valid rows imported, existing linked', async () => {
    const before = await t.db.prisma.patient.count();
    const preview = await services.cohorts.previewCsvImport(actor('admin'), { cohortName: 'CSV cohort', csv, mapping });
    expect(preview).toMatchObject({ totalRows: 3, validRows: 2, invalidRows: 1, existingPatients: 1 });
    expect(preview.rows.find((r) => r.pseudoId === 'CSV-2')!.errors).toEqual(['age "x" is not a number']);
    expect(await t.db.prisma.patient.count()).toBe(before);
    expect(await t.db.prisma.cohort.count({ where: { name: 'CSV cohort' } })).toBe(0);
    expect(
      await code(
        services.cohorts.acceptCsvImport(actor('admin'), {
          cohortName: 'CSV cohort',
          csv: csv + 'CSV-9,M,1,A,1,1\n',
          mapping,
          reportHash: preview.importId,
        }),
      ),
    ).toBe('CONFLICT');
    const res = await services.cohorts.acceptCsvImport(actor('admin'), {
      cohortName: 'CSV cohort',
      csv,
      mapping,
      reportHash: preview.importId,
    });
    expect(res).toMatchObject({ imported: 1, linkedExisting: 1, skippedInvalid: 1 });
    expect(await t.db.prisma.patient.count()).toBe(before + 1);
    const c = await services.cohorts.get(actor('admin'), res.cohortId);
    expect(c.members.map((m) => m.pseudoId)).toEqual(['CSV-1', 'FX-001']);
    expect((await t.db.prisma.patient.findUniqueOrThrow({ where: { pseudoId: 'FX-001' } })).age).toBe(64); // existing not overwritten
  });

  it('creates a cohort by filter; clinicians only see cohorts they may access', async () => {
    const r = await services.cohorts.createByFilter(actor('admin'), {
      name: 'BCLC B-C',
      description: '',
      filter: { bclc: ['B', 'C'] },
    });
    expect(r.size).toBe(2);
    expect(
      await code(services.cohorts.createByFilter(actor('admin'), { name: 'BCLC B-C', description: '', filter: {} })),
    ).toBe('CONFLICT');
    expect(
      await code(
        services.cohorts.createByFilter(actor('admin'), { name: 'none', description: '', filter: { ageMin: 119 } }),
      ),
    ).toBe('INVALID');
    expect((await services.cohorts.list(actor('clinician'))).map((c) => c.name)).toEqual(['Fixture cohort A']);
    expect(await code(services.cohorts.get(actor('clinician'), r.id))).toBe('NOT_FOUND');
  });
});

describe('reports', () => {
  it('renders a deterministic, escaped HTML report with lesions, model outputs with CI and the board decision', async () => {
    const a = await services.reports.generate(actor('clinician'), { patientId: fx.patients.p1 });
    const b = await services.reports.generate(actor('clinician'), { patientId: fx.patients.p1 });
    expect(b.id).not.toBe(a.id);
    expect(b.sha256).toBe(a.sha256); // same data → byte-identical report
    expect(b.html).toBe(a.html);
    expect(a.html).toContain('Structured report — FX-001');
    expect(a.html).toContain('APHE with washout');
    expect(a.html).toContain('31 mm');
    expect(a.html).toMatch(/Fixture MVI v1\.0\.0.*\d+\.\d % – \d+\.\d %/s);
    expect(a.html).toContain('SYNTHETIC');
    expect(a.html).toContain('Fixture MDT');
    // escaping: a hostile lesion note cannot inject markup
    await t.db.prisma.lesion.update({
      where: { id: fx.lesionId },
      data: { enhancementPattern: '<script>alert(1)</script>' },
    });
    const c = await services.reports.generate(actor('clinician'), { patientId: fx.patients.p1 });
    expect(c.html).not.toContain('<script>');
    expect(c.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(c.sha256).not.toBe(a.sha256);
    await t.db.prisma.lesion.update({ where: { id: fx.lesionId }, data: { enhancementPattern: 'APHE with washout' } });
    expect((await services.reports.get(actor('board'), a.id)).sha256).toBe(a.sha256);
    expect((await services.reports.listForPatient(actor('clinician'), fx.patients.p1)).length).toBe(3);
    expect(await code(services.reports.generate(actor('clinician'), { patientId: fx.patients.p3 }))).toBe('NOT_FOUND');
  });
});

describe('jobs, files, audit', () => {
  it('jobs are visible to their owner and admins only', async () => {
    expect(await services.jobs.get(actor('clinician'), fx.jobId)).toMatchObject({ state: 'RUNNING', progress: 0.5 });
    expect(await code(services.jobs.get(actor('board'), fx.jobId))).toBe('NOT_FOUND');
    expect(await code(services.jobs.get(actor('admin'), fx.jobId))).toBe('OK');
  });

  it('file refs check patient scope', async () => {
    const ref = await services.files.series(actor('clinician'), fx.seriesId);
    expect(ref.absPath.startsWith(t.filesDir)).toBe(true);
    expect(await code(services.files.series(actor('clinician2'), fx.seriesId))).toBe('NOT_FOUND');
  });

  it('audit is append-only (the database refuses UPDATE and DELETE) and queryable', async () => {
    await services.audit.record({
      userId: fx.users.admin.id,
      action: 'test.event',
      entityType: 'Patient',
      entityId: fx.patients.p1,
      clientAddress: '1.2.3.4',
    });
    const page = await services.audit.query({ page: 1, pageSize: 5, action: 'test.event' });
    expect(page.items[0]).toMatchObject({
      action: 'test.event',
      entity: 'Patient',
      entityId: fx.patients.p1,
      clientAddress: '1.2.3.4',
    });
    await expect(
      t.db.prisma.auditEvent.updateMany({ where: { action: 'test.event' }, data: { action: 'x' } }),
    ).rejects.toThrow();
    await expect(t.db.prisma.auditEvent.deleteMany({ where: { action: 'test.event' } })).rejects.toThrow();
  });
});
