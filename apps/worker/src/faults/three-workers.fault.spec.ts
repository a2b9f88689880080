/**
 * Fault/scale: three worker processes on one queue, one PostgreSQL database, 200 jobs. Every job completes exactly
 * once: 200 completed pg-boss jobs, 200 result directories (one per job id, no staging leftovers), one commit per
 * job in the fault log, and 200 COMPLETED "Job" rows. Prints the jobs per worker and the drain time.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Database } from '@hepatoscope/db';
import type { PgCluster } from '@hepatoscope/testing';
import {
  closeTestSetup,
  describeFaults,
  figure,
  readFaultLog,
  resultDirs,
  startFaultDatabase,
  startFaultWorker,
  tally,
  waitUntil,
  type Child,
} from './harness';

const JOBS = Number(process.env.HEPATOSCOPE_FAULT_JOBS ?? 200);
const WORKERS = 3;

describeFaults('fault: three workers on one queue', () => {
  let pg: PgCluster;
  let db: Database;
  let boss: PgBoss;
  let dir: string;
  const workers: Child[] = [];

  beforeAll(async () => {
    ({ dir, pg, db, boss } = await startFaultDatabase('three'));
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await w.stop(5000).catch(() => undefined);
    await closeTestSetup({ boss, db, pg, dir });
  }, 60_000);

  test(`${JOBS} jobs, ${WORKERS} workers: every job completed exactly once`, async () => {
    const faultLog = join(dir, 'fault.log');
    const env = {
      DATABASE_URL: pg.url('faults'),
      HEPATOSCOPE_DATA_DIR: join(dir, 'data'),
      HEPATOSCOPE_FAULT_LOG: faultLog,
    };
    // all three start together (they race to create the queues)
    workers.push(
      ...(await Promise.all(Array.from({ length: WORKERS }, (_, k) => startFaultWorker(`worker ${k + 1}`, env)))),
    );
    const ids = Array.from({ length: JOBS }, () => randomUUID());
    await db.sql.query(
      `INSERT INTO "Job" (id, type, input, "bossJobId", "updatedAt")
       SELECT id, 'test-echo', '{}', id, now() FROM unnest($1::text[]) AS id`,
      [ids],
    );
    const t0 = Date.now();
    await boss.insert(
      'test-echo',
      ids.map((id, n) => ({ id, data: { n } })),
    );
    const completed = await waitUntil(
      `${JOBS} completed jobs`,
      async () => {
        const { rows } = await db.sql.query<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'test-echo' GROUP BY state`,
        );
        const by = Object.fromEntries(rows.map((r) => [r.state, r.n]));
        return (by.completed ?? 0) + (by.failed ?? 0) >= JOBS ? by : null;
      },
      180_000,
      250,
    );
    const drainMs = Date.now() - t0;

    expect(completed).toEqual({ completed: JOBS });
    const events = readFaultLog(faultLog);
    const commits = events.filter((e) => e.event === 'commit');
    expect(commits).toHaveLength(JOBS);
    expect(new Set(commits.map((e) => e.jobId))).toEqual(new Set(ids));
    const starts = events.filter((e) => e.event === 'start');
    const results = resultDirs(join(dir, 'data', 'files', 'jobs'));
    expect(results.staging).toEqual([]);
    expect(results.jobs.sort()).toEqual([...ids].sort());
    // each result file holds its own job's payload
    const ns = ids.map((id) => Number(readFileSync(join(dir, 'data', 'files', 'jobs', id, 'echo.txt'), 'utf8')));
    expect(ns).toEqual(ids.map((_, n) => n));
    const { rows } = await db.sql.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM "Job" WHERE type = 'test-echo' GROUP BY state`,
    );
    expect(rows).toEqual([{ state: 'COMPLETED', n: JOBS }]);

    const perWorker = tally(commits.map((e) => e.pid));
    const names = Object.fromEntries(workers.map((w) => [String(w.pid), w.name]));
    expect(Object.keys(perWorker).every((pid) => names[pid])).toBe(true);
    figure(
      'three workers',
      `${JOBS} jobs drained in ${(drainMs / 1000).toFixed(1)} s (${((JOBS * 1000) / drainMs).toFixed(1)} jobs/s); ` +
        `per worker: ${Object.entries(perWorker)
          .map(([pid, n]) => `${names[pid]} ${n}`)
          .join(', ')}; executions ${starts.length} (re-runs ${starts.length - JOBS}); commits ${commits.length}; ` +
        `result dirs ${results.jobs.length}; staging leftovers ${results.staging.length}`,
    );
  }, 300_000);
});
