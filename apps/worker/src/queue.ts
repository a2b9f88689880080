import type { PGlite } from '@electric-sql/pglite';
import type { PgBoss, Job, WorkOptions, Queue } from 'pg-boss';

/**
 * The part of pg-boss the worker uses. The API passes its own `PgBoss` instance (embedded mode shares
 * one PGlite database); the standalone worker opens one with `openBoss`.
 */
export type QueueLike = Pick<
  PgBoss,
  'createQueue' | 'getQueue' | 'updateQueue' | 'work' | 'offWork' | 'send' | 'getDb' | 'stop'
>;
export type { Job, WorkOptions, Queue };

/** The pg-boss schema both the API and the worker use (DEVELOPERS.md: "schema pgboss"). */
export const DEFAULT_BOSS_SCHEMA = 'pgboss';

export type BossTarget = (
  { pglite: PGlite; schema?: string } | { connectionString: string; schema?: string; max?: number }
) & {
  /**
   * How often this instance's supervisor looks for expired jobs and jobs whose worker stopped heart-beating
   * (pg-boss `superviseIntervalSeconds` and `monitorIntervalSeconds`; default pg-boss's 60 s).
   */
  superviseIntervalSeconds?: number;
};

/**
 * Opens and starts pg-boss on PostgreSQL (a connection string; pg-boss's own node-pg pool) or on an
 * embedded PGlite instance. For PGlite it uses pg-boss's `fromPglite` adapter: parameterless SQL may be
 * several statements and goes through `exec()`, whose per-statement results are flattened into one
 * `{ rows }` (pg-boss's lock "bam claim" needs the RETURNING rows of a middle statement), and an aborted
 * transaction is rolled back so that one failed statement does not poison the single connection.
 * The caller owns the PGlite instance (open/close); `boss.stop()` does not close it.
 */
export async function openBoss(target: BossTarget): Promise<PgBoss> {
  const { PgBoss: Boss, fromPglite } = await import('pg-boss');
  const schema = target.schema ?? DEFAULT_BOSS_SCHEMA;
  const supervise = target.superviseIntervalSeconds
    ? {
        superviseIntervalSeconds: target.superviseIntervalSeconds,
        monitorIntervalSeconds: target.superviseIntervalSeconds,
      }
    : {};
  const boss =
    'pglite' in target
      ? new Boss({ db: fromPglite(target.pglite), schema, backend: 'pglite', ...supervise })
      : new Boss({ connectionString: target.connectionString, schema, max: target.max ?? 4, ...supervise });
  boss.on('error', (e: unknown) => console.error(`[worker] pg-boss error: ${(e as Error)?.message ?? e}`));
  await boss.start();
  return boss;
}
