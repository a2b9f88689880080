import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { PgBoss } from 'pg-boss';
import { openBoss } from './queue';
import { startWorker, deadLetterQueue, type RunningWorker } from './worker';
import type { JobDefinition } from './types';

/**
 * Worker integration tests on PGlite (always, in a temp dir) and on PostgreSQL when DATABASE_URL is set
 * (a fresh schema per test file, dropped afterwards): retries with backoff, dead letters with the error
 * kept, idempotency by job id, progress and state in the application's "Job" table.
 */
interface Backend {
  name: string;
  open(): Promise<{ boss: PgBoss; sql(text: string): Promise<unknown[]>; close(): Promise<void> }>;
}

const JOB_TABLE = `
  CREATE TYPE "JobState" AS ENUM ('QUEUED','RUNNING','COMPLETED','FAILED','CANCELLED');
  CREATE TABLE "Job" (id text PRIMARY KEY, type text NOT NULL, state "JobState" NOT NULL DEFAULT 'QUEUED',
    progress double precision NOT NULL DEFAULT 0, message text, error text, input jsonb NOT NULL DEFAULT '{}',
    result jsonb, "bossJobId" text, "startedAt" timestamptz, "finishedAt" timestamptz, "updatedAt" timestamptz);`;

const backends: Backend[] = [
  {
    name: 'PGlite',
    async open() {
      const { PGlite } = await import('@electric-sql/pglite');
      const dir = mkdtempSync(join(tmpdir(), 'hs-worker-pglite-'));
      const pglite = await PGlite.create(join(dir, 'pgdata'));
      await pglite.exec(JOB_TABLE);
      const boss = await openBoss({ pglite, schema: 'pgboss' });
      return {
        boss,
        sql: async (text) => (await pglite.query(text)).rows,
        close: async () => {
          await boss.stop({ graceful: false, close: false });
          await pglite.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
if (process.env.DATABASE_URL) {
  backends.push({
    name: 'PostgreSQL',
    async open() {
      const { Client } = await import('pg');
      const schema = `hs_worker_${process.pid}_${Date.now()}`;
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}; ${JOB_TABLE}`);
      const url = new URL(process.env.DATABASE_URL!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const boss = await openBoss({ connectionString: url.toString(), schema: `${schema}_boss` });
      return {
        boss,
        sql: async (text) => (await admin.query(text)).rows,
        close: async () => {
          await boss.stop({ graceful: false });
          await admin.query(`DROP SCHEMA ${schema} CASCADE; DROP SCHEMA ${schema}_boss CASCADE`);
          await admin.end();
        },
      };
    },
  });
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 45_000,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.each(backends)('worker on $name', (backend) => {
  let env: Awaited<ReturnType<Backend['open']>>;
  let worker: RunningWorker;
  let results: string;
  const runs = new Map<string, number>();
  const logs: string[] = [];

  const flaky: JobDefinition<{ failTimes: number; crashAfterCommit?: boolean }, { value: string }> = {
    queue: 'test-flaky',
    payload: z.object({ failTimes: z.number().int().min(0), crashAfterCommit: z.boolean().optional() }),
    async run(data, ctx) {
      const n = (runs.get(ctx.jobId) ?? 0) + 1;
      runs.set(ctx.jobId, n);
      await ctx.progress(0.5, `attempt ${ctx.attempt}`);
      if (n <= data.failTimes) throw new Error(`deliberate failure ${n} of ${data.failTimes}`);
      const { result } = ctx.store.commit(ctx.jobId, { 'out.txt': new TextEncoder().encode('hello') }, (dir) => ({
        value: `${dir}/out.txt`,
      }));
      if (data.crashAfterCommit && n === 1) throw new Error('crash after commit');
      return result;
    },
  };

  beforeAll(async () => {
    env = await backend.open();
    results = mkdtempSync(join(tmpdir(), 'hs-worker-results-'));
    worker = await startWorker({
      boss: env.boss,
      resultsDir: results,
      jobs: [flaky],
      retry: { retryLimit: 2, retryDelay: 1, retryBackoff: true, retryDelayMax: 2 },
      pollingIntervalSeconds: 0.5,
      log: (m) => logs.push(m),
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop({ graceMs: 1000 });
    await env?.close();
    rmSync(results, { recursive: true, force: true });
  }, 60_000);

  async function send(data: object): Promise<string> {
    const id = await env.boss.send('test-flaky', data);
    if (!id) throw new Error('send returned no id');
    await env.sql(`INSERT INTO "Job" (id, type, "bossJobId") VALUES ('app-${id}', 'test-flaky', '${id}')`);
    return id;
  }
  const jobState = (id: string) =>
    env.boss
      .getJobById<{ failTimes: number }>('test-flaky', id)
      .then((j) => (j && ['completed', 'failed'].includes(j.state) ? j : null));

  test('a job that fails twice is retried and completes; progress and result land in "Job"', async () => {
    const id = await send({ failTimes: 2 });
    const job = await waitFor('completion', () => jobState(id));
    expect(job.state).toBe('completed');
    expect(runs.get(id)).toBe(3);
    expect(job.retryCount).toBe(2);
    const [row] = (await env.sql(`SELECT state, progress, result, error FROM "Job" WHERE "bossJobId" = '${id}'`)) as {
      state: string;
      progress: number;
      result: { value: string };
    }[];
    expect(row.state).toBe('COMPLETED');
    expect(row.progress).toBe(1);
    expect(row.result.value).toBe(join(results, id, 'out.txt'));
  }, 90_000);

  test('a job that always fails is dead-lettered with its error kept', async () => {
    const id = await send({ failTimes: 99 });
    const job = await waitFor('failure', () => jobState(id));
    expect(job.state).toBe('failed');
    expect(runs.get(id)).toBe(3); // first attempt + retryLimit 2
    expect(JSON.stringify(job.output)).toContain('deliberate failure 3 of 99');
    const dead = await waitFor('dead letter', async () =>
      (await env.boss.findJobs(deadLetterQueue('test-flaky'))).find(
        (j) => (j.data as { failTimes?: number }).failTimes === 99,
      ),
    );
    expect(dead).toBeTruthy();
    const [row] = (await env.sql(`SELECT state, error FROM "Job" WHERE "bossJobId" = '${id}'`)) as {
      state: string;
      error: string;
    }[];
    expect(row.state).toBe('FAILED');
    expect(row.error).toContain('deliberate failure 3 of 99');
  }, 90_000);

  test('a retry after a crash following the commit returns the committed result without re-running', async () => {
    const id = await send({ failTimes: 0, crashAfterCommit: true });
    const job = await waitFor('completion', () => jobState(id));
    expect(job.state).toBe('completed');
    expect(runs.get(id)).toBe(1);
    expect((job.output as { value: string }).value).toBe(join(results, id, 'out.txt'));
    expect(logs.some((l) => l.includes(`${id}: result already committed`))).toBe(true);
  }, 90_000);

  test('an invalid payload fails with an error naming the field', async () => {
    const id = await send({ failTimes: 'x' });
    const job = await waitFor('failure', () => jobState(id));
    expect(job.state).toBe('failed');
    expect(JSON.stringify(job.output)).toMatch(/invalid test-flaky payload: failTimes/);
    expect(runs.has(id)).toBe(false);
  }, 90_000);
});
