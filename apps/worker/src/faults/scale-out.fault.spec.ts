/**
 * Scale-out and a PostgreSQL restart, on one private PostgreSQL cluster (`startPgCluster`) shared by two API
 * processes (apps/api/src/main.ts) and two worker processes (fault-worker.ts = apps/worker/src/main.ts plus the
 * `test-echo` job type), as docs/scale-out.md describes (the load balancer is the test itself, which talks to
 * both APIs).
 *
 * 1. Stateless APIs: a login on API #1, the same cookie (and CSRF token) on API #2; a feature-extraction job
 *    requested through API #2 runs on one of the workers and its result is visible through API #1.
 * 2. `pg_ctl restart -m fast` in the middle of a batch of `test-echo` jobs: the workers and both APIs survive and
 *    reconnect, every job completes exactly once (one commit, one result directory, one COMPLETED "Job" row each),
 *    and the session from before the restart is still valid on both APIs.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Database } from '@hepatoscope/db';
import { freePort, makeTempDir, startPgCluster, type PgCluster } from '@hepatoscope/testing';
import {
  closeTestSetup,
  DEMO_PASSWORD,
  describeFaults,
  figure,
  login,
  openTestClients,
  readFaultLog,
  resultDirs,
  startApi,
  startFaultWorker,
  tally,
  trpcMutation,
  trpcQuery,
  waitUntil,
  type Child,
} from './harness';

const JOBS = Number(process.env.HEPATOSCOPE_FAULT_RESTART_JOBS ?? 60);

describeFaults('scale-out: 2 APIs + 2 workers on one PostgreSQL', () => {
  let pg: PgCluster;
  let db: Database;
  let boss: PgBoss;
  let dir: string;
  let faultLog: string;
  const apis: { child: Child; base: string }[] = [];
  const workers: Child[] = [];
  const children = () => [...apis.map((a) => a.child), ...workers];
  let session: Awaited<ReturnType<typeof login>>;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    dir = makeTempDir('fault-scale');
    faultLog = join(dir, 'fault.log');
    pg = await startPgCluster();
    await pg.createDatabase('hepatoscope');
    // every process gets the same settings; HEPATOSCOPE_DATA_DIR stands for the shared storage of all machines
    const env = {
      DATABASE_URL: pg.url('hepatoscope'),
      HEPATOSCOPE_DATA_DIR: join(dir, 'shared'),
      HEPATOSCOPE_DEMO_PASSWORD: DEMO_PASSWORD,
      HEPATOSCOPE_FAULT_LOG: faultLog,
    };
    let t = Date.now();
    // API #1 applies the migrations (advisory lock) and seeds the demo once; the others find both done
    apis.push(await startApi('API #1', { ...env, API_PORT: String(await freePort()) }));
    timings.api1 = Date.now() - t;
    t = Date.now();
    const [api2, ...ws] = await Promise.all([
      startApi('API #2', { ...env, API_PORT: String(await freePort()) }),
      startFaultWorker('worker 1', env),
      startFaultWorker('worker 2', env),
    ]);
    apis.push(api2);
    workers.push(...ws);
    timings.rest = Date.now() - t;
    ({ db, boss } = await openTestClients(pg.url('hepatoscope')));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(children().map((c) => c.stop(5000).catch(() => undefined)));
    await closeTestSetup({ boss, db, pg, dir });
  }, 60_000);

  test('a session from API #1 works on API #2; a job sent through API #2 is done by a worker and read through API #1', async () => {
    const [a1, a2] = [apis[0]!, apis[1]!];
    session = await login(a1.base);
    expect(session.status).toBe(200);
    const me2 = await trpcQuery<{ user: { email: string }; csrfToken: string }>(a2.base, 'auth.me', session.cookie);
    expect(me2.status).toBe(200);
    expect(me2.data.user.email).toBe(session.user!.email);
    expect(me2.data.csrfToken).toBe(session.csrf);

    // a seeded tumour-board patient in the clinician's care, and its lesion segmentation
    const meetings = await trpcQuery<{ id: string; caseCount: number }[]>(a2.base, 'boards.meetings', session.cookie);
    const meeting = meetings.data.find((m) => m.caseCount > 0)!;
    const agenda = await trpcQuery<{ agenda: { patient: { id: string } }[] }>(
      a1.base,
      'boards.meeting',
      session.cookie,
      {
        id: meeting.id,
      },
    );
    const patientId = agenda.data.agenda[0]!.patient.id;
    const patient = await trpcQuery<{
      studies: { segmentations: { id: string; structure: string }[] }[];
    }>(a2.base, 'patients.get', session.cookie, { id: patientId });
    const seg = patient.data.studies.flatMap((s) => s.segmentations).find((s) => s.structure === 'LESION')!;
    expect(seg).toBeTruthy();

    const t0 = Date.now();
    // a mutation on API #2 with the CSRF token API #1 issued
    const req = await trpcMutation<{ jobId: string }>(a2.base, 'features.request', session, { segmentationId: seg.id });
    expect(req.status).toBe(200);
    const jobId = req.data.jobId;
    const job = await waitUntil(
      'the job, read through API #1',
      async () => {
        const r = await trpcQuery<{ state: string; result: { rows: unknown[] } }>(a1.base, 'jobs.get', session.cookie, {
          id: jobId,
        });
        return r.data && ['COMPLETED', 'FAILED'].includes(r.data.state) ? r.data : null;
      },
      120_000,
      300,
    );
    const ms = Date.now() - t0;
    expect(job.state).toBe('COMPLETED');
    expect(job.result.rows.length).toBeGreaterThan(0);
    const features = await trpcQuery<{ segmentationId: string }[]>(a1.base, 'features.forPatient', session.cookie, {
      patientId,
    });
    expect(features.data.filter((f) => f.segmentationId === seg.id).length).toBe(job.result.rows.length);
    const commits = readFaultLog(faultLog).filter((e) => e.jobId === jobId && e.event === 'commit');
    expect(commits).toHaveLength(1);
    const by = workers.find((w) => w.pid === commits[0]!.pid)!;
    expect(by).toBeTruthy();
    // logout on API #1: at once there; on API #2 within its per-process session cache (sessionCacheMs, 5 s)
    const other = await login(a1.base);
    expect((await trpcQuery(a2.base, 'auth.me', other.cookie)).data).toBeTruthy(); // now cached on #2
    const out = await trpcMutation(a1.base, 'auth.logout', other, null);
    expect(out.status).toBe(200);
    const tLogout = Date.now();
    expect((await trpcQuery(a1.base, 'auth.me', other.cookie)).data).toBeNull();
    await waitUntil(
      'the logout to reach API #2',
      async () => (await trpcQuery(a2.base, 'auth.me', other.cookie)).data === null,
      30_000,
      100,
    );
    const logoutWindow = Date.now() - tLogout;
    figure(
      'scale-out',
      `API #1 up in ${(timings.api1! / 1000).toFixed(1)} s (migrations + demo seed), API #2 and 2 workers in ` +
        `${(timings.rest! / 1000).toFixed(1)} s; login on #1, me + features.request on #2, job ${jobId.slice(0, 8)} ` +
        `done by ${by.name} and read through #1 after ${(ms / 1000).toFixed(1)} s (${job.result.rows.length} feature rows); a logout on #1 ` +
        `reached #2 after ${(logoutWindow / 1000).toFixed(1)} s (per-process session cache)`,
    );
  }, 180_000);

  test(`PostgreSQL restart during a batch of ${JOBS} jobs: workers and APIs reconnect, nothing lost or duplicated`, async () => {
    const counts = async () => {
      const { rows } = await db.sql.query<{ state: string; n: number }>(
        `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'test-echo' GROUP BY state`,
      );
      return Object.fromEntries(rows.map((r) => [r.state, r.n])) as Record<string, number>;
    };
    const ids: string[] = Array.from({ length: JOBS }, () => randomUUID());
    await db.sql.query(
      `INSERT INTO "Job" (id, type, input, "bossJobId", "updatedAt")
       SELECT id, 'test-echo', '{}', id, now() FROM unnest($1::text[]) AS id`,
      [ids],
    );
    const t0 = Date.now();
    await boss.insert(
      'test-echo',
      ids.map((id, n) => ({ id, data: { n, sleepMs: 300 } })),
    );
    const before = await waitUntil('a quarter of the batch', async () => {
      const c = await counts();
      return (c.completed ?? 0) >= JOBS / 4 ? c : null;
    });
    const tRestart = Date.now();
    const { downMs } = await pg.restart();
    const done = await waitUntil(
      'the whole batch',
      async () => {
        const c = await counts();
        return (c.completed ?? 0) + (c.failed ?? 0) >= JOBS ? c : null;
      },
      180_000,
      250,
    );
    const tDone = Date.now();

    for (const c of children())
      expect({ name: c.name, exit: c.proc.exitCode ?? c.proc.signalCode }).toEqual({ name: c.name, exit: null });
    expect(done).toEqual({ completed: JOBS });
    const events = readFaultLog(faultLog).filter((e) => ids.includes(e.jobId));
    const commits = events.filter((e) => e.event === 'commit');
    expect(commits).toHaveLength(JOBS);
    expect(new Set(commits.map((e) => e.jobId))).toEqual(new Set(ids));
    const results = resultDirs(join(dir, 'shared', 'files', 'jobs'));
    expect(results.staging).toEqual([]);
    expect(results.jobs.filter((j) => ids.includes(j)).sort()).toEqual([...ids].sort());
    const rows = await waitUntil('every "Job" row COMPLETED', async () => {
      const { rows: r } = await db.sql.query<{ state: string; n: number }>(
        `SELECT state, count(*)::int AS n FROM "Job" WHERE type = 'test-echo' GROUP BY state`,
      );
      return r.length === 1 && r[0]!.state === 'COMPLETED' ? r : null;
    });
    expect(rows).toEqual([{ state: 'COMPLETED', n: JOBS }]);

    // both APIs reconnected: the session from before the restart reads back, and a new login works
    for (const api of apis) {
      const me = await waitUntil(`auth.me on ${api.child.name} after the restart`, async () => {
        const r = await trpcQuery<{ user: { email: string } }>(api.base, 'auth.me', session.cookie);
        return r.status === 200 && r.data?.user ? r : null;
      });
      expect(me.data.user.email).toBe(session.user!.email);
      expect((await login(api.base)).status).toBe(200);
    }

    const starts = events.filter((e) => e.event === 'start');
    const reused = events.filter((e) => e.event === 'reused').length;
    const names = Object.fromEntries(workers.map((w) => [String(w.pid), w.name]));
    const perWorker = Object.entries(tally(commits.map((e) => e.pid)))
      .map(([pid, n]) => `${names[pid]} ${n}`)
      .join(', ');
    const errors = workers.map((w) => (w.output().match(/pg-boss error|failed:/g) ?? []).length);
    figure(
      'PostgreSQL restart',
      `${JOBS} jobs (300 ms each), 2 workers + 2 APIs; restart after ${before.completed} completed, server down ` +
        `${(downMs / 1000).toFixed(1)} s (pg_ctl restart -m fast); batch drained ${((tDone - tRestart) / 1000).toFixed(1)} s ` +
        `after the restart began, ${((tDone - t0) / 1000).toFixed(1)} s in all; executions ${starts.length} (re-runs ` +
        `${starts.length - JOBS}, found committed ${reused}); commits ${commits.length}; per worker: ${perWorker}; ` +
        `errors logged per worker ${errors.join('/')}; sessions valid on both APIs after the restart`,
    );
  }, 300_000);
});
