/**
 * Walks EVERY procedure × caller (anonymous, CLINICIAN, TUMOR_BOARD, ADMIN) through the real router and a real
 * database, and checks: the declared roles equal the matrix below; forbidden callers get FORBIDDEN (anonymous:
 * UNAUTHORIZED); allowed callers never do. Adding a procedure without adding it here fails the first test.
 */
import { TRPCError } from '@trpc/server';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, loggedInRequest, testRequest } from '@hepatoscope/testing/fixtures';
import { isDomainError, FIXTURE_PASSWORD, type Fixture, type Role, type Services } from '@hepatoscope/services';
import { appRouter, createCaller } from './root';
import { createContext, type ProcedureMeta } from './trpc';

type Allowed = readonly Role[] | 'public' | 'authenticated';
const C = 'CLINICIAN' as const;
const B = 'TUMOR_BOARD' as const;
const A = 'ADMIN' as const;

/** The role matrix (independent of the code: this is the specification the router must meet). */
const EXPECTED: Record<string, Allowed> = {
  'auth.login': 'public',
  'auth.logout': 'authenticated',
  'auth.me': 'public',
  'patients.list': [C, B],
  'patients.get': [C, B],
  'models.list': [C, B, A],
  'models.get': [C, B, A],
  'models.importPublished': [A],
  'models.promote': [A],
  'models.retire': [A],
  'models.validate': [A],
  'models.compare': [A],
  'predictions.run': [C],
  'predictions.listForPatient': [C, B],
  'features.forPatient': [C, B],
  'features.request': [C],
  'features.delta': [C, B],
  'segmentations.request': [C],
  'segmentations.review': [C],
  'segmentations.history': [C, B],
  'reports.generate': [C, B],
  'reports.get': [C, B],
  'reports.listForPatient': [C, B],
  'reports.rewrite': [C, B],
  'boards.meetings': [C, B, A],
  'boards.meeting': [C, B],
  'boards.createMeeting': [B, A],
  'boards.addToAgenda': [C, B],
  'boards.recordDecision': [B],
  'cohorts.list': [C, B, A],
  'cohorts.get': [C, A],
  'cohorts.createByFilter': [A],
  'cohorts.previewCsvImport': [A],
  'cohorts.acceptCsvImport': [A],
  'cohorts.split': [A],
  'lab.train': [C, A],
  'lab.trainSurvival': [C, A],
  'jobs.get': 'authenticated',
  'admin.users': [A],
  'admin.createUser': [A],
  'admin.setUserDisabled': [A],
  'admin.audit': [A],
  'admin.llmSettings': [A],
  'admin.setLlmSettings': [A],
  'exports.cohortCsv': [C, A],
  'exports.patientsCsv': [C],
  'exports.seriesDicom': [C],
  'pacs.settings': [A],
  'pacs.setSettings': [A],
  'pacs.testConnection': [A],
  'pacs.searchStudies': [C],
  'pacs.importStudy': [C],
  'pacs.exportSegmentation': [C],
  'pacs.exportReport': [C],
};

let t: TestDatabase;
let fx: Fixture;
let services: Services;

beforeAll(async () => ({ t, fx, services } = await createFixtureServices()));
afterAll(() => t?.cleanup());

const csv = 'id,age\nRT-1,50\n';
/** A valid input for every procedure (ids from the fixture). */
const inputs = (): Record<string, unknown> => ({
  'auth.login': { email: fx.users.admin.email, password: FIXTURE_PASSWORD },
  'auth.logout': undefined,
  'auth.me': undefined,
  'patients.list': { page: 1, pageSize: 10 },
  'patients.get': { id: fx.patients.p1 },
  'models.list': undefined,
  'models.get': { id: fx.models.validated },
  'models.importPublished': {
    name: 'RT model',
    task: 'MVI',
    intercept: 0,
    predictors: [{ name: 'afp', coefficient: 0.1 }],
  },
  'models.promote': { id: fx.models.draft },
  'models.retire': { id: fx.models.draft },
  'models.validate': { id: fx.models.validated, cohortId: fx.cohortA },
  'models.compare': { modelA: fx.models.validated, modelB: fx.models.draft, cohortId: fx.cohortA },
  'predictions.run': { patientId: fx.patients.p1, modelId: fx.models.validated },
  'predictions.listForPatient': { patientId: fx.patients.p1 },
  'features.forPatient': { patientId: fx.patients.p1 },
  'features.request': { segmentationId: fx.segmentationId },
  'features.delta': { patientId: fx.patients.p1 },
  'segmentations.request': { seriesId: fx.seriesId },
  'segmentations.review': { id: fx.segmentationId, status: 'ACCEPTED', expectedUpdatedAt: '2020-01-01T00:00:00Z' },
  'segmentations.history': { id: fx.segmentationId },
  'reports.generate': { patientId: fx.patients.p1 },
  'reports.get': { id: '00000000-0000-0000-0000-000000000000' },
  'reports.listForPatient': { patientId: fx.patients.p1 },
  'reports.rewrite': { id: '00000000-0000-0000-0000-000000000000' },
  'boards.meetings': undefined,
  'boards.meeting': { id: fx.meetingId },
  'boards.createMeeting': { title: 'RT', scheduledAt: '2026-05-01T09:00:00Z' },
  'boards.addToAgenda': { meetingId: fx.meetingId, patientId: fx.patients.p1 },
  'boards.recordDecision': { discussionId: fx.discussionId, decision: 'TACE', attendees: ['Dr A'], signOff: false },
  'cohorts.list': undefined,
  'cohorts.get': { id: fx.cohortA },
  'cohorts.createByFilter': { name: `RT cohort ${Math.random()}`, filter: { bclc: ['B'] } },
  'cohorts.previewCsvImport': { cohortName: 'RT csv', csv, mapping: { pseudoId: 'id', age: 'age' } },
  'cohorts.acceptCsvImport': {
    cohortName: 'RT csv',
    csv,
    mapping: { pseudoId: 'id', age: 'age' },
    reportHash: '0'.repeat(64),
  },
  'cohorts.split': { id: fx.cohortA, by: 'random', seed: 3 },
  'lab.train': {
    cohortId: fx.cohortA,
    outcome: 'osEvent',
    features: ['age'],
    estimator: 'logistic',
    cvFolds: 3,
    seed: 1,
  },
  'lab.trainSurvival': { cohortId: fx.cohortA, outcome: 'os', features: ['age'], cvFolds: 3, seed: 1 },
  'jobs.get': { id: fx.jobId },
  'admin.users': undefined,
  'admin.createUser': {
    email: `rt${Math.random().toString(36).slice(2)}@x.test`,
    name: 'RT',
    role: 'CLINICIAN',
    password: 'a-long-password-123',
  },
  'admin.setUserDisabled': { id: fx.users.clinician2.id, disabled: false },
  'admin.audit': { page: 1 },
  'admin.llmSettings': undefined,
  'admin.setLlmSettings': { enabled: false },
  'exports.cohortCsv': { cohortId: fx.cohortA },
  'exports.patientsCsv': {},
  // the fixture's series bytes are not a NIfTI: an allowed caller gets BAD_REQUEST, which the matrix accepts
  'exports.seriesDicom': { seriesId: fx.seriesId },
  // a closed loopback port: the PACS calls fail fast with SERVICE_UNAVAILABLE (or BAD_REQUEST before configuration)
  'pacs.settings': undefined,
  'pacs.setSettings': { url: 'http://127.0.0.1:1/dicom-web' },
  'pacs.testConnection': undefined,
  'pacs.searchStudies': { patientId: 'FX-001' },
  'pacs.importStudy': { studyInstanceUid: '1.2.3' },
  'pacs.exportSegmentation': { segmentationId: fx.segmentationId },
  'pacs.exportReport': { reportId: '00000000-0000-0000-0000-000000000000' },
});

const userFor: Record<Role, keyof Fixture['users']> = { CLINICIAN: 'clinician', TUMOR_BOARD: 'board', ADMIN: 'admin' };

async function callerAs(role: Role | null, opts: { csrf?: 'valid' | 'missing' | 'wrong' } = {}) {
  const client = { clientAddress: '192.0.2.7' };
  const req = role
    ? await loggedInRequest(services, fx.users[userFor[role]].email, { ...client, csrf: opts.csrf })
    : testRequest(client);
  return createCaller(await createContext(services, req));
}

async function invoke(caller: Awaited<ReturnType<typeof callerAs>>, path: string, input: unknown): Promise<string> {
  const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (
    i: unknown,
  ) => Promise<unknown>;
  try {
    await fn(input);
    return 'OK';
  } catch (e) {
    // A business-rule refusal (DomainError INVALID → BAD_REQUEST) is an allowed outcome; bad input is not.
    if (e instanceof TRPCError) return e.code === 'BAD_REQUEST' && isDomainError(e.cause) ? 'DOMAIN_INVALID' : e.code;
    throw e;
  }
}

const procedures = () =>
  appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta; type: string } }>;

it('every procedure is in the role matrix and declares exactly those roles', () => {
  const paths = Object.keys(procedures()).sort();
  expect(paths).toEqual(Object.keys(EXPECTED).sort());
  for (const p of paths) {
    const roles = procedures()[p]!._def.meta?.roles;
    const exp = EXPECTED[p]!;
    expect({ p, roles: Array.isArray(roles) ? [...roles].sort() : roles }).toEqual({
      p,
      roles: Array.isArray(exp) ? [...exp].sort() : exp,
    });
  }
});

const callers: Array<Role | null> = [null, 'CLINICIAN', 'TUMOR_BOARD', 'ADMIN'];
const cases = Object.keys(EXPECTED).flatMap((p) => callers.map((r) => [p, r ?? 'anonymous'] as const));

it.each(cases)('%s as %s', async (path, who) => {
  const role = who === 'anonymous' ? null : (who as Role);
  const allowed = EXPECTED[path]!;
  const outcome = await invoke(await callerAs(role), path, inputs()[path]);
  if (allowed === 'public') {
    expect(['UNAUTHORIZED', 'FORBIDDEN']).not.toContain(outcome);
  } else if (role === null) {
    expect(outcome).toBe('UNAUTHORIZED');
  } else if (allowed === 'authenticated' || allowed.includes(role)) {
    expect(['UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST', 'INTERNAL_SERVER_ERROR']).not.toContain(outcome);
  } else {
    expect(outcome).toBe('FORBIDDEN');
  }
});

describe('CSRF and validation', () => {
  it('mutations need the session CSRF token; queries do not', async () => {
    for (const csrf of ['missing', 'wrong'] as const) {
      const c = await callerAs('ADMIN', { csrf });
      await expect(c.models.promote({ id: fx.models.validated })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringMatching(/CSRF/),
      });
      await expect(c.models.list()).resolves.toBeInstanceOf(Array);
    }
  });

  it('invalid input is BAD_REQUEST with field issues, checked after the role', async () => {
    const admin = await callerAs('ADMIN');
    const err = await admin.admin.audit({ page: 0 } as never).catch((e) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err.code).toBe('BAD_REQUEST');
    const board = await callerAs('TUMOR_BOARD');
    await expect(board.admin.audit({ page: 0 } as never)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('domain errors keep their meaning (NOT_FOUND, CONFLICT)', async () => {
    const c = await callerAs('CLINICIAN');
    await expect(c.patients.get({ id: fx.patients.p3 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const b = await callerAs('TUMOR_BOARD');
    await expect(b.boards.addToAgenda({ meetingId: fx.meetingId, patientId: fx.patients.p1 })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});

describe('audit middleware', () => {
  it('records reads of patient data with user, action, entity, id, time and client address; and denials', async () => {
    const c = await callerAs('CLINICIAN');
    await c.patients.get({ id: fx.patients.p1 });
    await c.patients.get({ id: fx.patients.p3 }).catch(() => undefined);
    const rows = await t.db.prisma.auditEvent.findMany({
      where: { action: 'patient.read', userId: fx.users.clinician.id },
      orderBy: { seq: 'desc' },
      take: 2,
    });
    expect(rows[1]).toMatchObject({
      entityType: 'Patient',
      entityId: fx.patients.p1,
      outcome: 'SUCCESS',
      ipAddress: '192.0.2.7',
      userRole: 'CLINICIAN',
    });
    expect(rows[0]).toMatchObject({ entityType: 'Patient', entityId: fx.patients.p3, outcome: 'DENIED' });
    expect(rows[1]!.at).toBeInstanceOf(Date);
  });

  it('every procedure that takes a patient id is audited', () => {
    for (const [p, proc] of Object.entries(procedures())) {
      const input = inputs()[p] as Record<string, unknown> | undefined;
      if (input && ('patientId' in input || p.startsWith('patients.')))
        expect({ p, audited: !!proc._def.meta?.audit }).toEqual({ p, audited: true });
    }
  });
});
