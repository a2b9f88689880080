import type { DbClient } from '../client';
import type { Job, Prisma } from '../generated/prisma/client';

/** Application mirror of background jobs: idempotent creation, progress, terminal states. */
export class JobRepository {
  constructor(private readonly db: DbClient) {}

  /**
   * Creates a QUEUED job, or returns the existing one with the same `idempotencyKey` (`created: false`).
   * Safe under concurrency: the unique key decides, the loser reads the winner's row.
   */
  async createOrGet(input: {
    type: string;
    input: Prisma.InputJsonValue;
    idempotencyKey?: string;
    entityType?: string;
    entityId?: string;
    createdById?: string;
  }): Promise<{ job: Job; created: boolean }> {
    if (input.idempotencyKey) {
      const existing = await this.db.job.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing) return { job: existing, created: false };
    }
    try {
      const job = await this.db.job.create({ data: { ...input } });
      return { job, created: true };
    } catch (err) {
      if (input.idempotencyKey && (err as { code?: string }).code === 'P2002') {
        const job = await this.db.job.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (job) return { job, created: false };
      }
      throw err;
    }
  }

  get(id: string): Promise<Job | null> {
    return this.db.job.findUnique({ where: { id } });
  }

  /** Links the pg-boss id after enqueueing. */
  async setBossJobId(id: string, bossJobId: string): Promise<void> {
    await this.db.job.update({ where: { id }, data: { bossJobId } });
  }

  /** RUNNING with progress clamped to [0, 1]; sets startedAt on the first call. Ignored once terminal. */
  async progress(id: string, progress: number, message?: string): Promise<void> {
    const p = Math.min(1, Math.max(0, Number.isFinite(progress) ? progress : 0));
    await this.db.job.updateMany({ where: { id, state: { in: ['QUEUED', 'RUNNING'] } }, data: { state: 'RUNNING', progress: p, ...(message !== undefined ? { message } : {}) } });
    await this.db.job.updateMany({ where: { id, startedAt: null }, data: { startedAt: new Date() } });
  }

  async complete(id: string, result: Prisma.InputJsonValue, message?: string): Promise<void> {
    await this.db.job.update({ where: { id }, data: { state: 'COMPLETED', progress: 1, result, message: message ?? null, finishedAt: new Date() } });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db.job.update({ where: { id }, data: { state: 'FAILED', error, finishedAt: new Date() } });
  }
}
