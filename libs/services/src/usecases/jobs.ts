import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';

/** Background jobs (mirrored from pg-boss by the worker): status and progress. Users see their own jobs; admins all. */
export function createJobsService(deps: ResolvedDeps, onCompleted?: (jobId: string) => Promise<unknown>) {
  return {
    async get(actor: Actor, id: string) {
      let j = await deps.prisma.job.findUnique({ where: { id } });
      if (!j || (actor.role !== 'ADMIN' && j.createdById !== actor.userId))
        throw new DomainError('NOT_FOUND', `Job ${id} was not found`);
      // Results that become records (e.g. a segmentation mask) are imported the first time a finished job is read.
      if (onCompleted && j.state === 'COMPLETED' && j.message !== 'imported') {
        await onCompleted(j.id);
        j = (await deps.prisma.job.findUnique({ where: { id } }))!;
      }
      return {
        id: j.id,
        type: j.type,
        state: j.state,
        progress: j.progress,
        message: j.message,
        error: j.error ?? undefined,
        result: publicResult(j.result),
        createdAt: j.createdAt.toISOString(),
        startedAt: j.startedAt?.toISOString() ?? null,
        finishedAt: j.finishedAt?.toISOString() ?? null,
      };
    },
  };
}

/** A job result without server file paths (keys ending in `Path`): storage locations never leave the server. */
export function publicResult(r: unknown): unknown {
  if (!r || typeof r !== 'object' || Array.isArray(r)) return r ?? null;
  return Object.fromEntries(Object.entries(r as Record<string, unknown>).filter(([k]) => !/Path$/.test(k)));
}

export type JobsService = ReturnType<typeof createJobsService>;

type Enqueue = NonNullable<ResolvedDeps['enqueue']>;

/** The job queue of this API process, or UNAVAILABLE saying how to get one. */
export function requireQueue(deps: ResolvedDeps): Enqueue {
  if (!deps.enqueue)
    throw new DomainError(
      'UNAVAILABLE',
      'The job queue is not running in this API process; start the worker (apps/worker) with the same database',
    );
  return deps.enqueue;
}

/**
 * Sends `payload` to the worker `queue` under the id of its Job row, then records pg-boss's id on the row. When it
 * cannot be queued, the row is marked FAILED and UNAVAILABLE names the job (`what`, e.g. "segmentation").
 */
export async function enqueueJobRow(
  deps: ResolvedDeps,
  enqueue: Enqueue,
  jobId: string,
  queue: string,
  payload: Record<string, unknown>,
  what: string,
): Promise<void> {
  let bossId: string | null;
  try {
    bossId = await enqueue(queue, payload, { id: jobId });
  } catch (e) {
    await deps.prisma.job.update({
      where: { id: jobId },
      data: { state: 'FAILED', error: `could not be queued: ${(e as Error).message}`, finishedAt: deps.now() },
    });
    throw new DomainError(
      'UNAVAILABLE',
      `The ${what} job could not be queued (${(e as Error).message}); is the worker running?`,
    );
  }
  await deps.prisma.job.update({ where: { id: jobId }, data: { bossJobId: bossId ?? jobId } });
}
