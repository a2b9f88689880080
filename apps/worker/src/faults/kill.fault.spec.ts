/**
 * Fault: `kill -9` a worker in the middle of a job. A real worker process (fault-worker.ts = main.ts + a slow step
 * before the real feature-extraction job) takes the job; once the job's "Job" row shows progress > 0 the process
 * is SIGKILLed; a second worker starts. pg-boss's heartbeat (10 s here) lets the second worker's supervisor fail the
 * orphaned job, which is retried there: one result directory for the job id, no staging leftovers, the "Job" row
 * COMPLETED, pg-boss retryCount recorded. Prints the time from the kill to the completed job.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Database } from '@hepatoscope/db';
import type { PgCluster } from '@hepatoscope/testing';
import { lesionPhantomFiles } from '../spec-helpers';
import {
  closeTestSetup,
  describeFaults,
  figure,
  readFaultLog,
  resultDirs,
  startFaultDatabase,
  startFaultWorker,
  waitUntil,
  type Child,
} from './harness';

describeFaults('fault: kill -9 a worker mid-job', () => {
  let pg: PgCluster;
  let db: Database;
  let boss: PgBoss;
  let dir: string;
  const children: Child[] = [];

  beforeAll(async () => {
    ({ dir, pg, db, boss } = await startFaultDatabase('kill'));
  }, 120_000);

  afterAll(async () => {
    for (const c of children) await c.stop(2000).catch(() => undefined);
    await closeTestSetup({ boss, db, pg, dir });
  }, 60_000);

  test('the job is retried on another worker and its result is written exactly once', async () => {
    const { imagePath, maskPath } = lesionPhantomFiles(dir, 48, 16);
    const faultLog = join(dir, 'fault.log');
    const env = {
      DATABASE_URL: pg.url('faults'),
      HEPATOSCOPE_DATA_DIR: join(dir, 'data'),
      HEPATOSCOPE_FAULT_LOG: faultLog,
    };

    const victim = await startFaultWorker('worker A', { ...env, HEPATOSCOPE_FAULT_SLOW_MS: '120000' });
    children.push(victim);
    const id = randomUUID();
    await db.sql.query(
      `INSERT INTO "Job" (id, type, input, "bossJobId", "updatedAt") VALUES ($1, 'feature-extraction', '{}', $1, now())`,
      [id],
    );
    await boss.send('feature-extraction', { imagePath, maskPath, preset: 'pyradiomics-default' }, { id });

    await waitUntil(
      'the job to run on worker A (progress > 0)',
      async () => {
        const { rows } = await db.sql.query<{ progress: number; state: string }>(
          `SELECT progress, state FROM "Job" WHERE id = $1`,
          [id],
        );
        return rows[0] && rows[0].state === 'RUNNING' && rows[0].progress > 0;
      },
      90_000,
    );
    const tKill = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    // what a kill between staging and rename leaves (simulated: the kill above lands in the slow step), 2 h old
    const resultsRoot = join(dir, 'data', 'files', 'jobs');
    const orphan = join(resultsRoot, `.staging-${id}-killed-attempt`);
    mkdirSync(orphan, { recursive: true });
    writeFileSync(join(orphan, 'features.json'), '[');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(orphan, old, old);
    const rescuer = await startFaultWorker('worker B', env);
    children.push(rescuer);
    const tUp = Date.now();
    const done = await waitUntil(
      'the job to complete on worker B',
      async () => {
        const j = await boss.getJobById('feature-extraction', id);
        return j && ['completed', 'failed'].includes(j.state) ? j : null;
      },
      120_000,
      250,
    );
    const tDone = Date.now();
    const events = readFaultLog(faultLog).filter((e) => e.jobId === id);
    const restart = events.find((e) => e.pid === rescuer.pid && e.event === 'start');

    expect(done.state).toBe('completed');
    expect(done.retryCount).toBeGreaterThanOrEqual(1);
    // attempts: started on A (killed), then on B, which committed the only result
    expect(events.filter((e) => e.event === 'start').map((e) => e.pid)).toEqual(
      expect.arrayContaining([victim.pid, rescuer.pid]),
    );
    expect(events.filter((e) => e.event === 'commit')).toEqual([
      expect.objectContaining({ pid: rescuer.pid, jobId: id }),
    ]);
    const results = resultDirs(resultsRoot);
    expect(results).toEqual({ jobs: [id], staging: [] }); // the orphan was swept at worker B's start
    expect(rescuer.output()).toContain('removed 1 stale staging dir(s)');
    const features = JSON.parse(readFileSync(join(dir, 'data', 'files', 'jobs', id, 'features.json'), 'utf8'));
    expect(features.length).toBeGreaterThan(0);

    const { rows } = await db.sql.query<{
      state: string;
      progress: number;
      result: { featuresPath: string; rows: unknown[] };
    }>(`SELECT state, progress, result FROM "Job" WHERE id = $1`, [id]);
    expect(rows[0]).toMatchObject({ state: 'COMPLETED', progress: 1 });
    expect(rows[0]!.result.featuresPath).toBe(join(dir, 'data', 'files', 'jobs', id, 'features.json'));
    expect(rows[0]!.result.rows).toHaveLength(features.length);

    figure(
      'kill -9',
      `job ${id.slice(0, 8)}: killed worker A (pid ${victim.pid}) at progress > 0; worker B up after ` +
        `${((tUp - tKill) / 1000).toFixed(1)} s; job restarted on B ${restart ? ((restart.at - tKill) / 1000).toFixed(1) : '?'} s ` +
        `after the kill; completed ${((tDone - tKill) / 1000).toFixed(1)} s after the kill (heartbeat 10 s, supervise 1 s, ` +
        `retry delay 1 s); attempts ${done.retryCount + 1} (pg-boss retryCount ${done.retryCount}); result dirs 1, staging leftovers 0 (a 2 h old orphan staging dir swept)`,
    );
  }, 240_000);
});
