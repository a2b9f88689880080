import { ModelRegistry } from '@hepatoscope/inference';
import type { Job, QueueLike } from './queue';
import { sqlJobReporter, type JobReporter } from './reporter';
import { ResultStore } from './results';
import type { JobContext, JobDefinition } from './types';
import { segmentationJob } from './jobs/segmentation';
import { extractionJob } from './jobs/extraction';

/** The job types this worker implements (queue name → definition). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const DEFAULT_JOBS: JobDefinition<any, any>[] = [segmentationJob, extractionJob];

export interface RetryPolicy {
  /** Retries after the first attempt (default 3); then the job is failed and dead-lettered. */
  retryLimit: number;
  /** First retry delay in seconds (default 5); doubled each time with `retryBackoff`. */
  retryDelay: number;
  retryBackoff: boolean;
  /** Longest delay between retries, seconds (default 300). */
  retryDelayMax: number;
  /** Seconds a job may run before pg-boss expires (and retries) it (default 3600). */
  expireInSeconds: number;
  /**
   * Liveness of a running job (pg-boss heartbeat, integer >= 10; default 60): the worker refreshes the claim every
   * `heartbeatSeconds / 2`; a job whose worker stopped heart-beating (killed, machine lost) is failed and retried by
   * any worker's supervisor within `heartbeatSeconds` + the supervise interval, instead of waiting for
   * `expireInSeconds` (an hour). A handler that blocks the event loop longer than this (one synchronous radiomics
   * call on a very large volume) can be retried while it still runs; the result is still written once
   * (`ResultStore` commit by atomic rename). Found by the kill -9 fault test (src/faults/kill.fault.spec.ts).
   */
  heartbeatSeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retryLimit: 3,
  retryDelay: 5,
  retryBackoff: true,
  retryDelayMax: 300,
  expireInSeconds: 3600,
  heartbeatSeconds: 60,
};

export interface StartWorkerOptions {
  /** A started pg-boss instance (the API's, or one from `openBoss`). */
  boss: QueueLike;
  /** Root directory of job outputs (`<root>/<jobId>/…`). */
  resultsDir: string;
  /** Jobs handled concurrently per queue (default 1: inference already uses all cores). */
  concurrency?: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  jobs?: JobDefinition<any, any>[];
  retry?: Partial<RetryPolicy>;
  reporter?: JobReporter;
  /** Execution-provider order for ONNX (default: HEPATOSCOPE_ORT_PROVIDERS, else cpu). */
  providers?: string;
  /** Poll interval in seconds (default 2; pg-boss minimum 0.5). */
  pollingIntervalSeconds?: number;
  log?: (message: string) => void;
}

export interface RunningWorker {
  queues: string[];
  models: ModelRegistry;
  /**
   * Stops fetching new jobs and lets running ones finish for up to `graceMs` (default 30 s); jobs still
   * running then are aborted at their next batch boundary and fail, so pg-boss retries them later on any
   * worker (released, not lost). Releases the models. Does not stop the pg-boss instance (its owner does).
   */
  stop(opts?: { graceMs?: number }): Promise<void>;
}

/** Dead-letter queue name for a queue. */
export const deadLetterQueue = (queue: string) => `${queue}__dead`;

/**
 * Registers the job handlers on `boss` and starts consuming. Creates each queue (and its dead-letter
 * queue) if missing, with the retry policy. Each job: payload validated (invalid → failed without
 * retries being useful, error names the field), idempotent (a committed result for the job id is
 * returned as is), progress reported, errors kept as the job's output and reported.
 */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { boss } = options;
  const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const jobs = options.jobs ?? DEFAULT_JOBS;
  const store = new ResultStore(options.resultsDir);
  // leftovers of attempts killed mid-commit; older than the job expiry, so no live attempt owns them
  const swept = store.sweepStaging(retry.expireInSeconds * 1000);
  if (swept.length) log(`removed ${swept.length} stale staging dir(s) of killed attempts: ${swept.join(', ')}`);
  const models = new ModelRegistry({ providers: options.providers, log });
  const reporter = options.reporter ?? sqlJobReporter(boss.getDb(), { log });
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const stopping = new AbortController();
  const active = new Set<Promise<unknown>>();
  const workerIds: string[] = [];

  for (const def of jobs) {
    const dead = deadLetterQueue(def.queue);
    if (!(await boss.getQueue(dead))) await boss.createQueue(dead, { retentionSeconds: 14 * 86400 });
    if (!(await boss.getQueue(def.queue))) {
      await boss.createQueue(def.queue, {
        retryLimit: retry.retryLimit,
        retryDelay: retry.retryDelay,
        retryBackoff: retry.retryBackoff,
        // pg-boss accepts retryDelayMax only together with retryBackoff
        ...(retry.retryBackoff ? { retryDelayMax: retry.retryDelayMax } : {}),
        expireInSeconds: retry.expireInSeconds,
        heartbeatSeconds: retry.heartbeatSeconds,
        deadLetter: dead,
      });
    } else if (!(await boss.getQueue(def.queue))?.heartbeatSeconds) {
      // queues created before heartbeats were configured: without one, a killed worker's job waits an hour
      await boss.updateQueue(def.queue, { heartbeatSeconds: retry.heartbeatSeconds });
    }
    const id = await boss.work(
      def.queue,
      {
        includeMetadata: true,
        batchSize: 1,
        localConcurrency: concurrency,
        pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
      },
      async (batch: Job<unknown>[]) => {
        const results = [];
        for (const job of batch) {
          const p = runOne(def, job);
          active.add(p);
          try {
            results.push(await p);
          } finally {
            active.delete(p);
          }
        }
        return results.length === 1 ? results[0] : results;
      },
    );
    workerIds.push(id);
    log(
      `consuming "${def.queue}" (concurrency ${concurrency}, retries ${retry.retryLimit}${retry.retryBackoff ? ' with backoff' : ''}, dead letters → ${dead})`,
    );
  }

  async function runOne(def: JobDefinition<unknown, unknown>, job: Job<unknown>): Promise<unknown> {
    const meta = job as Job<unknown> & { retryLimit?: number };
    const attempt = job.retryCount ?? 0;
    const signal = AbortSignal.any([job.signal, stopping.signal].filter(Boolean) as AbortSignal[]);
    const t0 = Date.now();
    try {
      const existing = store.get(job.id);
      if (existing !== null) {
        log(`${def.queue} ${job.id}: result already committed, returning it`);
        await reporter.completed(job.id, existing);
        return existing;
      }
      const parsed = def.payload.safeParse(job.data);
      if (!parsed.success) {
        throw new Error(
          `invalid ${def.queue} payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        );
      }
      await reporter.started(job.id, def.queue, attempt);
      const ctx: JobContext = {
        jobId: job.id,
        queue: def.queue,
        attempt,
        signal,
        store,
        models,
        providers: options.providers,
        progress: (fraction, message) =>
          reporter
            .progress(job.id, fraction, message)
            .catch((e) => log(`progress report failed: ${(e as Error).message}`)),
      };
      const result = await def.run(parsed.data, ctx);
      await reporter.completed(job.id, result);
      log(`${def.queue} ${job.id}: completed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return result;
    } catch (e) {
      const raw = e instanceof Error ? e.message : String(e);
      const msg = signal.aborted ? `interrupted (${raw})` : raw;
      const final = meta.retryLimit !== undefined ? attempt >= meta.retryLimit : false;
      log(`${def.queue} ${job.id}: attempt ${attempt + 1} failed: ${msg}${final ? ' (final, dead-lettered)' : ''}`);
      await reporter.failed(job.id, msg, final).catch(() => {});
      throw e instanceof Error ? e : new Error(msg);
    }
  }

  return {
    queues: jobs.map((j) => j.queue),
    models,
    async stop({ graceMs = 30_000 } = {}) {
      for (const def of jobs) await boss.offWork(def.queue, { wait: false });
      const wait = (ms: number) =>
        Promise.race([Promise.allSettled([...active]), new Promise((r) => setTimeout(r, ms).unref())]);
      await wait(graceMs);
      if (active.size) {
        log(`stopping: releasing ${active.size} running job(s) for retry`);
        stopping.abort(new Error('worker stopping'));
        await wait(10_000);
      }
      await models.close();
      log('stopped');
    },
  };
}
