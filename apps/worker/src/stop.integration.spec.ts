import { join } from 'node:path';
import { z } from 'zod';
import type { PgBoss } from 'pg-boss';
import { openPgliteBoss, type PgliteBoss } from './spec-helpers';
import { startWorker } from './worker';
import type { JobDefinition } from './types';

/**
 * Stopping a worker (what SIGTERM does in main.ts) with a job in hand: a job that does not finish within the
 * grace period is aborted and released; pg-boss retries it and another worker completes it.
 */
let q: PgliteBoss;
let boss: PgBoss;

beforeAll(async () => {
  q = await openPgliteBoss('hs-worker-stop-');
  boss = q.boss;
}, 120_000);

afterAll(() => q?.close(), 60_000);

test('a running job is released on stop and completed by the next worker', async () => {
  const attempts: number[] = [];
  let started: () => void = () => {};
  const isStarted = new Promise<void>((r) => (started = r));
  const slow: JobDefinition<object, { attempt: number }> = {
    queue: 'test-slow',
    payload: z.object({}),
    async run(_data, ctx) {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 0) {
        started();
        // a long computation that checks the signal between steps, like the cascade between batches
        while (!ctx.signal.aborted) await new Promise((r) => setTimeout(r, 50));
        ctx.signal.throwIfAborted();
      }
      return { attempt: ctx.attempt };
    },
  };
  const opts = {
    boss,
    resultsDir: join(q.dir, 'results'),
    jobs: [slow],
    retry: { retryLimit: 2, retryDelay: 1, retryBackoff: false },
    pollingIntervalSeconds: 0.5,
    log: () => {},
  };
  const first = await startWorker(opts);
  const id = (await boss.send('test-slow', {}))!;
  await isStarted;
  await first.stop({ graceMs: 300 });
  const second = await startWorker(opts);
  let job = await boss.getJobById('test-slow', id);
  for (
    const t0 = Date.now();
    job?.state !== 'completed' && Date.now() - t0 < 60_000;
    await new Promise((r) => setTimeout(r, 200))
  ) {
    job = await boss.getJobById('test-slow', id);
  }
  await second.stop({ graceMs: 1000 });
  expect(job?.state).toBe('completed');
  expect(attempts).toEqual([0, 1]);
  expect(job?.output).toEqual({ attempt: 1 });
}, 120_000);
