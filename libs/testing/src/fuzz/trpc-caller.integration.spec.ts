/**
 * tRPC fuzzing through the real router (createCaller, an authenticated context per role, the fixture database):
 * arbitrary and hostile inputs — with fixture ids slipped into id fields so that handlers run past validation — must
 * end in a result or a coded error (BAD_REQUEST with issues or a domain reason, NOT_FOUND, FORBIDDEN, CONFLICT, …),
 * never INTERNAL_SERVER_ERROR (an unhandled exception in a handler) and never a hang.
 */
import { TRPCError } from '@trpc/server';
import { appRouter, createCaller, createContext } from '@hepatoscope/api-trpc';
import type { Fixture, Role, Services } from '@hepatoscope/services';
import type { TestDatabase } from '../database';
import { createFixtureServices, loggedInRequest } from '../fixtures';
import { Prng } from './mutate';
import { trpcTarget } from './targets';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
const callers = new Map<Role, ReturnType<typeof createCaller>>();

beforeAll(async () => {
  ({ t, fx, services } = await createFixtureServices());
  const who: Record<Role, keyof Fixture['users']> = { CLINICIAN: 'clinician', TUMOR_BOARD: 'board', ADMIN: 'admin' };
  for (const role of ['CLINICIAN', 'TUMOR_BOARD', 'ADMIN'] as Role[]) {
    const req = await loggedInRequest(services, fx.users[who[role]].email, { clientAddress: '192.0.2.50', userAgent: 'fuzz' });
    callers.set(role, createCaller(await createContext(services, req)));
  }
});
afterAll(() => t?.cleanup());

/** Replaces some string values of id-like keys with real fixture ids (deeper paths through the handlers). */
function withFixtureIds(v: unknown, r: Prng): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const ids = [fx.patients.p1, fx.patients.p2, fx.patients.p3, fx.cohortA, fx.studyId, fx.seriesId, fx.segmentationId, fx.lesionId, fx.models.validated, fx.models.cox, fx.meetingId, fx.discussionId, fx.jobId];
  const o = { ...(v as Record<string, unknown>) };
  for (const k of Object.keys(o)) if (/id$/i.test(k) && r.bool(0.7)) o[k] = r.pick(ids);
  return o;
}

const OK_CODES = new Set(['BAD_REQUEST', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHORIZED', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE', 'PRECONDITION_FAILED', 'PAYLOAD_TOO_LARGE']);

/** Cases (FUZZ_TRPC_CASES to run more locally; CI: 300). */
const N = Number(process.env.FUZZ_TRPC_CASES ?? 300);

it('hostile calls through the router: no INTERNAL_SERVER_ERROR, every refusal coded with a message', async () => {
  const procs = appRouter._def.procedures as unknown as Record<string, unknown>;
  const failures: string[] = [];
  const codes: Record<string, number> = {};
  for (let seed = 1; seed <= N; seed++) {
    const r = new Prng(seed * 7919);
    const { input } = trpcTarget.generate(seed);
    const path = input.path;
    if (path === 'auth.logout' || !(path in procs)) continue; // logout would end the shared session
    // mostly a role the procedure allows (deeper paths), sometimes any role (the refusal must be coded too)
    const allowed = (procs[path] as { _def: { meta?: { roles?: unknown } } })._def.meta?.roles;
    const all = ['CLINICIAN', 'TUMOR_BOARD', 'ADMIN'] as Role[];
    const role = Array.isArray(allowed) && r.bool(0.85) ? r.pick(allowed as Role[]) : r.pick(all);
    const value = withFixtureIds(input.value, r);
    const fn = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], callers.get(role)) as (i: unknown) => Promise<unknown>;
    const t0 = performance.now();
    let code = 'OK';
    try {
      await fn(value);
    } catch (e) {
      if (!(e instanceof TRPCError)) failures.push(`seed ${seed} ${path} as ${role}: non-tRPC ${String(e).slice(0, 200)}`);
      else {
        code = e.code;
        if (!OK_CODES.has(e.code) || !e.message.trim())
          failures.push(`seed ${seed} ${path} as ${role} ${JSON.stringify(value).slice(0, 200)}: ${e.code} ${e.message.slice(0, 200)} ${String((e.cause as Error)?.stack ?? '').split('\n').slice(0, 3).join(' | ')}`);
      }
    }
    const ms = performance.now() - t0;
    if (ms > 15_000) failures.push(`seed ${seed} ${path} as ${role}: took ${ms.toFixed(0)} ms`);
    codes[code] = (codes[code] ?? 0) + 1;
  }
  if (process.env.FUZZ_TRPC_CASES) console.log(JSON.stringify(codes));
  expect(failures).toEqual([]);
  // the run reached both outcomes (NUL characters, refused by the rejectNul middleware, used to end as 500s here)
  expect(codes.OK).toBeGreaterThan(0);
  expect(codes.BAD_REQUEST).toBeGreaterThan(0);
});

it('regression: a NUL character in any input field is BAD_REQUEST naming the field (was a 500 from PostgreSQL)', async () => {
  const board = callers.get('TUMOR_BOARD')!;
  await expect(board.boards.meeting({ id: '\u0000' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/Input field id contains a NUL/) });
  const admin = callers.get('ADMIN')!;
  await expect(admin.models.retire({ id: fx.models.draft, reason: 'x\u0000' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/field reason/) });
  const anon = createCaller(await createContext(services, { sessionToken: null, csrfHeader: null, clientAddress: '192.0.2.51', userAgent: null, setSessionCookie: () => {}, clearSessionCookie: () => {} }));
  await expect(anon.auth.login({ email: 'a\u0000@x.test', password: 'whatever-123' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
});

it('regression: control characters in an upload description are dropped, not a 500', async () => {
  const { encodeNifti, createVolume } = await import('@hepatoscope/imaging-io');
  const vol = createVolume({ data: new Int16Array(8), dims: [2, 2, 2], spacing: [1, 1, 1], origin: [0, 0, 0], metadata: {} });
  const clinician = { userId: fx.users.clinician.id, email: fx.users.clinician.email, name: 'c', role: 'CLINICIAN' as const, sessionId: 's', clientAddress: '192.0.2.52' };
  const s = await services.imaging.uploadNifti(clinician, { patientId: fx.patients.p2, description: 'arterial\u0000\u0007 phase' }, encodeNifti(vol));
  const row = await t.db.prisma.series.findUniqueOrThrow({ where: { id: s.id } });
  expect(row.description).toBe('arterial phase');
});
