import type { AuditRecord as StoredAuditEvent, Prisma } from '@hepatoscope/db';
import type { ResolvedDeps } from '../deps';
import type { AuditEventView, Page, Role } from '../types';

export type AuditOutcome = 'SUCCESS' | 'DENIED' | 'FAILURE';

export interface AuditRecord {
  userId: string | null;
  userEmail?: string | null;
  userRole?: Role | null;
  /** Dotted verb, e.g. `patient.read`, `auth.login`. */
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  outcome?: AuditOutcome;
  clientAddress?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
  /** Event time (default: the service clock now). */
  at?: Date;
}

export interface AuditQuery {
  page: number;
  pageSize: number;
  userId?: string;
  entity?: string;
  entityId?: string;
  action?: string;
}

/**
 * The append-only audit trail. `record` only ever INSERTs (the database additionally rejects UPDATE/DELETE on
 * the table); `query` is the admin's read side, newest first.
 */
export function createAuditService(deps: ResolvedDeps) {
  const { prisma } = deps;

  // Group commit: events recorded while an INSERT is in flight are written together by the next one (one
  // multi-row INSERT). Every caller still awaits the commit of its own event before it answers, so nothing is
  // acknowledged unaudited and nothing is lost on a crash; under load this turns N round trips into a few.
  // The INSERT is raw SQL over arrays (one statement text whatever the batch size): Prisma's createMany has no query
  // plan cache entry for a varying row count and compiled every batch (≈8 % of the API CPU under the bench).
  type Pending = { row: AuditRow; done: (e?: unknown) => void };
  let queue: Pending[] = [];
  let inFlight = false;
  const flush = () => {
    if (inFlight || !queue.length) return;
    const batch = queue;
    queue = [];
    inFlight = true;
    insertAuditRows(
      prisma,
      batch.map((b) => b.row),
    )
      .then(
        (): unknown => batch.forEach((b) => b.done()),
        // one bad row must not fail the others: fall back to one INSERT each
        (err): unknown =>
          batch.length === 1
            ? batch[0]!.done(err ?? new Error('audit insert failed'))
            : Promise.all(
                batch.map((b) =>
                  insertAuditRows(prisma, [b.row]).then(
                    () => b.done(),
                    (e) => b.done(e ?? new Error('audit insert failed')),
                  ),
                ),
              ),
      )
      .finally(() => {
        inFlight = false;
        flush();
      });
  };
  const insert = (row: AuditRow) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ row, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!inFlight) setImmediate(flush);
    });

  return {
    async record(e: AuditRecord): Promise<void> {
      await insert({
        userId: e.userId,
        userEmail: e.userEmail ?? null,
        userRole: e.userRole ?? null,
        action: e.action,
        entityType: e.entityType ?? null,
        entityId: e.entityId ?? null,
        outcome: e.outcome ?? 'SUCCESS',
        ipAddress: e.clientAddress ?? null,
        userAgent: e.userAgent ?? null,
        details: e.details == null ? null : JSON.stringify(e.details),
        at: (e.at ?? deps.now()).toISOString(),
      });
    },

    async query(q: AuditQuery): Promise<Page<AuditEventView>> {
      const where: Prisma.AuditEventWhereInput = {
        ...(q.userId ? { userId: q.userId } : {}),
        ...(q.entity ? { entityType: q.entity } : {}),
        ...(q.entityId ? { entityId: q.entityId } : {}),
        ...(q.action ? { action: q.action } : {}),
      };
      const [rows, total] = await Promise.all([
        prisma.auditEvent.findMany({
          where,
          orderBy: { seq: 'desc' },
          skip: (q.page - 1) * q.pageSize,
          take: q.pageSize,
        }),
        prisma.auditEvent.count({ where }),
      ]);
      return {
        total,
        items: rows.map((r) => ({
          id: r.seq.toString(),
          at: r.at.toISOString(),
          userId: r.userId,
          userEmail: r.userEmail,
          userRole: r.userRole,
          action: r.action,
          entity: r.entityType ?? '',
          entityId: r.entityId,
          outcome: r.outcome,
          clientAddress: r.ipAddress ?? '',
          details: r.details ?? null,
        })),
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

/** One AuditEvent row as the raw INSERT takes it: the stored event (@hepatoscope/db) less `seq`, with `details` as JSON text or null and `at` an ISO timestamp. */
type AuditRow = Omit<StoredAuditEvent, 'seq' | 'details' | 'at'> & { details: string | null; at: string };

const AUDIT_COLUMNS = [
  ['userId', 'text'],
  ['userEmail', 'text'],
  ['userRole', '"Role"'],
  ['action', 'text'],
  ['entityType', 'text'],
  ['entityId', 'text'],
  ['outcome', '"AuditOutcome"'],
  ['ipAddress', 'text'],
  ['userAgent', 'text'],
  ['details', 'jsonb'],
  ['at', 'timestamptz'],
] as const satisfies ReadonlyArray<readonly [keyof AuditRow, string]>;

/** `INSERT … SELECT FROM unnest($1::text[], …) WITH ORDINALITY`: one parameter per column, rows in `seq` order. */
const AUDIT_INSERT_SQL =
  `INSERT INTO "AuditEvent" (${AUDIT_COLUMNS.map(([c]) => `"${c}"`).join(', ')}) ` +
  `SELECT ${AUDIT_COLUMNS.map(([c, t]) => (t === 'text' ? `u."${c}"` : `u."${c}"::${t}`)).join(', ')} ` +
  `FROM unnest(${AUDIT_COLUMNS.map((_, i) => `$${i + 1}::text[]`).join(', ')}) WITH ORDINALITY ` +
  `AS u(${AUDIT_COLUMNS.map(([c]) => `"${c}"`).join(', ')}, ord) ORDER BY u.ord`;

/** Appends `rows` in one statement (all or none). */
async function insertAuditRows(prisma: ResolvedDeps['prisma'], rows: readonly AuditRow[]): Promise<void> {
  await prisma.$executeRawUnsafe(AUDIT_INSERT_SQL, ...AUDIT_COLUMNS.map(([c]) => rows.map((r) => r[c])));
}
