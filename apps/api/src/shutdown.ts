import type { RunningWorker } from '@hepatoscope/worker';

/**
 * Graceful shutdown of the API process (SIGINT/SIGTERM), in this order: stop accepting HTTP, give the in-process
 * worker {@link WORKER_GRACE_MS} to finish running jobs (it then needs up to {@link WORKER_RELEASE_MS} to release the
 * rest for retry, see RunningWorker.stop), stop pg-boss (at most {@link BOSS_STOP_MS}), close the database.
 * {@link SHUTDOWN_FORCE_MS} is above the sum, so the forced exit fires only when a step hangs.
 */
export const WORKER_GRACE_MS = 10_000;
/** How long RunningWorker.stop waits, after the grace period, for aborted jobs to release (apps/worker/src/worker.ts). */
export const WORKER_RELEASE_MS = 10_000;
export const BOSS_STOP_MS = 5_000;
export const SHUTDOWN_FORCE_MS = 30_000;

export interface ShutdownParts {
  /** Work to let finish before anything closes (e.g. the background radiomics demo seed). */
  pending?: Promise<unknown>;
  http: { close(): Promise<void> };
  /** The in-process worker (embedded mode); its option type is the worker's own, so a wrong key does not compile. */
  worker?: Pick<RunningWorker, 'stop'>;
  boss?: { stop(opts: { graceful: boolean; timeout: number }): Promise<void> };
  db: { close(): Promise<void> };
  onError?: (step: string, e: unknown) => void;
}

/** Runs the shutdown steps in order; a failing step is reported through `onError` and does not stop the next. */
export async function stopInOrder(p: ShutdownParts): Promise<void> {
  const step = async (name: string, fn: () => Promise<unknown> | undefined) => {
    try {
      await fn();
    } catch (e) {
      p.onError?.(name, e);
    }
  };
  await step('pending work', () => p.pending);
  await step('http', () => p.http.close());
  await step('worker', () => p.worker?.stop({ graceMs: WORKER_GRACE_MS }));
  await step('job queue', () => p.boss?.stop({ graceful: true, timeout: BOSS_STOP_MS }));
  await step('database', () => p.db.close());
}
