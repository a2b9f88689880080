/**
 * The direct GET path for tRPC queries (trpc-get.ts) answers exactly as tRPC's standard handler: two API
 * servers on one database and one set of services — one with the direct path, one without — get the same requests
 * and must give the same status, headers (but the framing: Content-Length vs chunked) and body, and write the same
 * audit events. Every query procedure is called as every role and anonymously, with a valid input, with none and
 * with a wrong one, singly and in batches, plus the requests the direct path must decline. PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import { appRouter } from '@hepatoscope/api-trpc';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase } from '@hepatoscope/testing/fixtures';
import { createServices, FIXTURE_PASSWORD, type Fixture } from '@hepatoscope/services';
import { createApiServer, type ApiServer } from './server';

let t: TestDatabase;
let fx: Fixture;
let direct: ApiServer;
let standard: ApiServer;
let directBase: string;
let standardBase: string;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  ({ t, fx } = await createFixtureDatabase());
  const services = createServices({ prisma: t.db.prisma, dbKind: t.db.kind, filesDir: t.filesDir, bcryptCost: 4 });
  direct = createApiServer({ db: t.db, filesDir: t.filesDir, services, logError: () => {}, trpcFastGet: true });
  standard = createApiServer({ db: t.db, filesDir: t.filesDir, services, logError: () => {}, trpcFastGet: false });
  directBase = await direct.listen(0);
  standardBase = await standard.listen(0);
  for (const who of ['clinician', 'board', 'admin'] as const) {
    const r = await fetch(`${standardBase}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: fx.users[who].email, password: FIXTURE_PASSWORD }),
    });
    cookies[who] = r.headers.getSetCookie()[0]!.split(';')[0]!;
  }
});
afterAll(async () => {
  await direct?.close();
  await standard?.close();
  await t?.cleanup();
});

/** Headers that differ by framing or time only. */
const FRAMING = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

interface Snapshot {
  status: number;
  headers: Array<[string, string]>;
  body: string;
  audit: unknown[];
}

async function auditSeq(): Promise<bigint> {
  const last = await t.db.prisma.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true } });
  return last?.seq ?? 0n;
}

/** One request, its response and the audit events it wrote (without ids and times). */
async function snapshot(base: string, url: string, headers: Record<string, string>): Promise<Snapshot & { direct: boolean }> {
  const before = await auditSeq();
  const r = await fetch(base + url, { headers });
  const body = await r.text();
  const audit = await t.db.prisma.auditEvent.findMany({ where: { seq: { gt: before } }, orderBy: { seq: 'asc' } });
  return {
    status: r.status,
    headers: [...r.headers].filter(([k]) => !FRAMING.has(k)).sort(),
    body,
    // as a set: a batch's calls run concurrently and write their events in completion order
    audit: audit.map(({ seq: _s, at: _a, ...rest }) => rest).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)),
    // the direct path writes one Content-Length body; the standard handler streams chunks
    direct: r.headers.get('content-length') !== null,
  };
}

async function compare(url: string, headers: Record<string, string> = {}) {
  const a = await snapshot(directBase, url, headers);
  const b = await snapshot(standardBase, url, headers);
  const { direct: servedDirectly, ...fast } = a;
  const { direct: _d, ...std } = b;
  expect({ url, ...fast }).toEqual({ url, ...std });
  expect(b.direct).toBe(false);
  return { servedDirectly, status: a.status, body: a.body };
}

const q = (path: string, input?: unknown) =>
  `/api/trpc/${path}` + (input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`);

/** A valid input for each query procedure that takes one (fixture ids). */
const validInputs = (): Record<string, unknown> => ({
  'patients.list': { page: 1, pageSize: 10 },
  'patients.get': { id: fx.patients.p1 },
  'models.get': { id: fx.models.validated },
  'models.compare': { modelA: fx.models.validated, modelB: fx.models.draft, cohortId: fx.cohortA },
  'predictions.listForPatient': { patientId: fx.patients.p1 },
  'features.forPatient': { patientId: fx.patients.p1 },
  'features.delta': { patientId: fx.patients.p1 },
  'segmentations.history': { id: fx.segmentationId },
  'reports.get': { id: '00000000-0000-0000-0000-000000000000' },
  'reports.listForPatient': { patientId: fx.patients.p1 },
  'boards.meeting': { id: fx.meetingId },
  'cohorts.get': { id: fx.cohortA },
  'jobs.get': { id: fx.jobId },
  'admin.audit': { page: 1, pageSize: 5 },
});

const queries = () =>
  Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
    .filter(([, p]) => p._def.type === 'query')
    .map(([path]) => path)
    .sort();

it('answers every query procedure × caller × input exactly as the standard handler', async () => {
  const paths = queries();
  expect(paths.length).toBeGreaterThan(15);
  let served = 0;
  const statuses = new Set<number>();
  for (const path of paths) {
    for (const who of [null, 'clinician', 'board', 'admin'] as const) {
      const headers: Record<string, string> = who ? { cookie: cookies[who]! } : {};
      for (const input of [validInputs()[path], undefined, { id: 42, page: -1 }]) {
        const r = await compare(q(path, input), headers);
        if (r.servedDirectly) served++;
        statuses.add(r.status);
      }
    }
  }
  // the comparison is not vacuous: the direct path served these, with successes and each kind of refusal
  expect(served).toBe(paths.length * 4 * 3);
  for (const s of [200, 400, 401, 403, 404]) expect(statuses).toContain(s);
});

it('answers batches (as the portal sends them) exactly as the standard handler', async () => {
  // admin.audit reads the trail that the batch's other calls write concurrently: its page depends on their timing
  // on either path, so it is batched alone below
  const paths = queries().filter((p) => p !== 'admin.audit');
  const batch = (ps: string[], inputs: Record<number, unknown>) =>
    `/api/trpc/${ps.join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
  const statuses = new Set<number>();
  for (const who of [null, 'clinician', 'board', 'admin'] as const) {
    const headers: Record<string, string> = who ? { cookie: cookies[who]! } : {};
    // every query procedure in one batch, with valid inputs; then with wrong ones; then without any input
    const valid = Object.fromEntries(paths.map((p, i) => [i, validInputs()[p]]));
    const wrong = Object.fromEntries(paths.map((_, i) => [i, { id: 42, page: -1 }]));
    for (const url of [batch(paths, valid), batch(paths, wrong), `/api/trpc/${paths.join(',')}?batch=1`]) {
      const r = await compare(url, headers);
      expect(r.servedDirectly).toBe(true);
      expect(JSON.parse(r.body)).toHaveLength(paths.length);
      statuses.add(r.status);
    }
    // a batch of one, and the portal's usual pair
    for (const [p, input] of [['auth.me', undefined], ['admin.audit', validInputs()['admin.audit']]] as const) {
      const one = await compare(batch([p], { 0: input }), headers);
      expect(one.servedDirectly).toBe(true);
      statuses.add(one.status);
    }
    const pair = await compare(batch(['auth.me', 'patients.list'], { 1: { page: 1, pageSize: 5 } }), headers);
    expect(pair.servedDirectly).toBe(true);
    statuses.add(pair.status);
  }
  // mixed outcomes in one batch are 207, uniform ones their common status
  expect(statuses).toContain(207);
  expect(statuses).toContain(200);
  expect(statuses).toContain(401);
});

it('the same for inputs tRPC must reject: a NUL character, a wrong type, an unknown patient', async () => {
  const c = { cookie: cookies.clinician! };
  const nul = await compare(q('patients.list', { page: 1, pageSize: 10, search: 'a\u0000b' }), c);
  expect(nul).toMatchObject({ servedDirectly: true, status: 400 });
  const wrong = await compare(q('patients.list', { page: 'one', pageSize: 10 }), c);
  expect(wrong).toMatchObject({ servedDirectly: true, status: 400 });
  expect(JSON.parse(wrong.body).error.data.zodIssues[0].path).toBe('page');
  const missing = await compare(q('patients.get', { id: '00000000-0000-0000-0000-000000000000' }), c);
  expect(missing).toMatchObject({ servedDirectly: true, status: 404 });
  const expired = await compare(q('patients.list', { page: 1, pageSize: 10 }), { cookie: 'hs_session=not-a-session' });
  expect(expired).toMatchObject({ servedDirectly: true, status: 401 });
});

it('declines what it does not mirror, and the standard handler answers it', async () => {
  const c = { cookie: cookies.clinician! };
  const declined = [
    ['input that is not JSON', '/api/trpc/patients.list?input=%7Bnope', c],
    ['a batch whose input is not an object', `/api/trpc/auth.me,patients.list?batch=1&input=${encodeURIComponent('[1,2]')}`, c],
    ['a batch with a mutation', '/api/trpc/auth.me,auth.logout?batch=1', c],
    ['batch=2', '/api/trpc/auth.me?batch=2', c],
    ['a mutation over GET', q('auth.logout'), c],
    ['an unknown procedure', q('patients.nope'), c],
    ['an encoded path', '/api/trpc/patients%2Elist', c],
    ['a streaming request', q('auth.me'), { ...c, 'trpc-accept': 'application/jsonl' }],
  ] as const;
  for (const [what, url, headers] of declined) {
    const r = await compare(url, headers);
    expect({ what, direct: r.servedDirectly }).toEqual({ what, direct: false });
  }
});
