/**
 * The standalone worker (`src/main.ts`: same `main()`, signals, pg-boss on DATABASE_URL, results under
 * HEPATOSCOPE_DATA_DIR) with two test-only additions, for the fault tests in this folder. Never used in production.
 *
 * - `feature-extraction` is the real job, preceded by a slow, interruptible step when HEPATOSCOPE_FAULT_SLOW_MS is
 *   set (progress 0.01 … 0.05 every 100 ms), so that a test can kill the process while the job is visibly running.
 * - `test-echo` (payload `{ n, sleepMs? }`): a light job that commits `echo.txt` + `result.json` through the same
 *   `ResultStore` as the real jobs and returns `{ n, pid }`.
 *
 * When HEPATOSCOPE_FAULT_LOG is set, every attempt appends `<jobId> <pid> <attempt> start|commit|reused <epoch ms>` to it
 * (O_APPEND; one short line per write), so a test can count executions and commits per job across processes.
 *
 *   DATABASE_URL=… HEPATOSCOPE_DATA_DIR=… npx tsx apps/worker/src/faults/fault-worker.ts
 */
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { main } from '../main';
import { extractionJob } from '../jobs/extraction';
import { segmentationJob } from '../jobs/segmentation';
import type { JobContext, JobDefinition } from '../types';

const logFile = process.env.HEPATOSCOPE_FAULT_LOG;
/** Appends one event line to the fault log (if any). */
export function faultLog(jobId: string, attempt: number, event: 'start' | 'commit' | 'reused'): void {
  if (logFile) appendFileSync(logFile, `${jobId} ${process.pid} ${attempt} ${event} ${Date.now()}\n`);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/** The real feature-extraction job behind an optional slow step (HEPATOSCOPE_FAULT_SLOW_MS). */
export const slowExtractionJob: JobDefinition<unknown, unknown> = {
  queue: extractionJob.queue,
  payload: extractionJob.payload,
  async run(data, ctx: JobContext) {
    faultLog(ctx.jobId, ctx.attempt, 'start');
    const slowMs = Number(process.env.HEPATOSCOPE_FAULT_SLOW_MS ?? 0);
    for (let t = 0; t < slowMs; t += 100) {
      await ctx.progress(0.01 + (0.04 * t) / slowMs, 'fault test: slow step');
      await sleep(100, ctx.signal);
    }
    const before = ctx.store.get(ctx.jobId);
    const result = await extractionJob.run(data as never, ctx);
    faultLog(ctx.jobId, ctx.attempt, before === null ? 'commit' : 'reused');
    return result;
  },
};

/** A light job through the real ResultStore (many-jobs tests). */
export const echoJob: JobDefinition<{ n: number; sleepMs?: number }, { n: number; pid: number; dir: string }> = {
  queue: 'test-echo',
  payload: z.object({ n: z.number().int(), sleepMs: z.number().int().min(0).max(60_000).optional() }),
  async run(data, ctx) {
    faultLog(ctx.jobId, ctx.attempt, 'start');
    await ctx.progress(0.5, 'echo');
    if (data.sleepMs) await sleep(data.sleepMs, ctx.signal);
    const { result, reused } = ctx.store.commit(
      ctx.jobId,
      { 'echo.txt': new TextEncoder().encode(`${data.n}\n`) },
      (dir) => ({ n: data.n, pid: process.pid, dir }),
    );
    faultLog(ctx.jobId, ctx.attempt, reused ? 'reused' : 'commit');
    return result;
  },
};

if (require.main === module) {
  main(process.argv.slice(2), {
    jobs: [segmentationJob, slowExtractionJob, echoJob],
    retry: {
      retryDelay: Number(process.env.HEPATOSCOPE_FAULT_RETRY_DELAY_S ?? 1),
      retryBackoff: false,
      retryLimit: 5,
    },
    pollingIntervalSeconds: 0.5,
  }).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`fault-worker: ${(e as Error).stack ?? e}`);
      process.exit(1);
    },
  );
}
