import type { QueueLike } from './queue';

/**
 * Where the worker reports job state for the portal. The API may pass its own (e.g. through the
 * repositories of `@hepatoscope/db`); the default `sqlJobReporter` updates the application's `"Job"` table
 * (Prisma model `Job`: state, progress 0..1, message, error, result) in the same database as the queue,
 * matching rows by `"bossJobId"` or `id`. When that table does not exist it only logs.
 */
export interface JobReporter {
  started(jobId: string, queue: string, attempt: number): Promise<void>;
  progress(jobId: string, fraction: number, message: string): Promise<void>;
  completed(jobId: string, result: unknown): Promise<void>;
  /** `final` is false when pg-boss will retry the job. */
  failed(jobId: string, error: string, final: boolean): Promise<void>;
}

type Db = ReturnType<QueueLike['getDb']>;

/** Reporter over the `"Job"` table; progress writes are throttled to one per `minIntervalMs` per job. */
export function sqlJobReporter(db: Db, opts: { minIntervalMs?: number; log?: (m: string) => void } = {}): JobReporter {
  const log = opts.log ?? (() => {});
  const minInterval = opts.minIntervalMs ?? 500;
  const lastWrite = new Map<string, number>();
  let available: Promise<boolean> | null = null;
  const hasTable = () =>
    (available ??= db
      .executeSql(`SELECT to_regclass('"Job"') IS NOT NULL AS ok`)
      .then((r) => Boolean((r as { rows: { ok: boolean }[] }).rows[0]?.ok))
      .catch(() => false)
      .then((ok) => {
        if (!ok) log('job reporter: no "Job" table in this database; progress is logged only');
        return ok;
      }));
  const update = async (jobId: string, set: string, values: unknown[]) => {
    if (!(await hasTable())) return;
    await db.executeSql(`UPDATE "Job" SET ${set}, "updatedAt" = now() WHERE "bossJobId" = $1 OR id = $1`, [
      jobId,
      ...values,
    ]);
  };
  return {
    started: (jobId, queue, attempt) =>
      update(
        jobId,
        `state = 'RUNNING', "startedAt" = COALESCE("startedAt", now()), progress = 0, message = $2, error = NULL`,
        [attempt > 0 ? `${queue}: retry ${attempt}` : `${queue}: started`],
      ),
    progress: async (jobId, fraction, message) => {
      const now = Date.now();
      if (fraction < 1 && now - (lastWrite.get(jobId) ?? 0) < minInterval) return;
      lastWrite.set(jobId, now);
      await update(jobId, `progress = $2, message = $3`, [Math.max(0, Math.min(1, fraction)), message]);
    },
    completed: async (jobId, result) => {
      lastWrite.delete(jobId);
      await update(
        jobId,
        `state = 'COMPLETED', progress = 1, message = 'done', result = $2::jsonb, "finishedAt" = now()`,
        [JSON.stringify(result)],
      );
    },
    failed: async (jobId, error, final) => {
      lastWrite.delete(jobId);
      if (final) await update(jobId, `state = 'FAILED', error = $2, message = 'failed', "finishedAt" = now()`, [error]);
      else await update(jobId, `state = 'QUEUED', error = $2, message = 'will retry'`, [error]);
    },
  };
}
