import type { DbClient } from '../client';
import type { AuditOutcome, Prisma, Role } from '../generated/prisma/client';

/** What to record. */
export interface AuditInput {
  userId?: string | null;
  userEmail?: string | null;
  userRole?: Role | null;
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  outcome?: AuditOutcome;
  ipAddress?: string | null;
  userAgent?: string | null;
  details?: Prisma.InputJsonValue;
}

/** An audit event as returned to callers; `seq` is a decimal string (it is a BIGINT). */
export interface AuditRecord {
  seq: string;
  at: Date;
  userId: string | null;
  userEmail: string | null;
  userRole: Role | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: AuditOutcome;
  ipAddress: string | null;
  userAgent: string | null;
  details: Prisma.JsonValue | null;
}

/** The append-only audit trail (the database rejects UPDATE/DELETE/TRUNCATE; this class only appends and reads). */
export class AuditRepository {
  constructor(private readonly db: DbClient) {}

  async append(e: AuditInput): Promise<string> {
    const row = await this.db.auditEvent.create({
      data: {
        userId: e.userId ?? null,
        userEmail: e.userEmail ?? null,
        userRole: e.userRole ?? null,
        action: e.action,
        entityType: e.entityType ?? null,
        entityId: e.entityId ?? null,
        outcome: e.outcome ?? 'SUCCESS',
        ipAddress: e.ipAddress ?? null,
        userAgent: e.userAgent ?? null,
        details: e.details,
      },
      select: { seq: true },
    });
    return row.seq.toString();
  }

  /** Newest first, filtered, paginated. */
  async list(q: { page?: number; pageSize?: number; userId?: string; entityType?: string; entityId?: string; action?: string; since?: Date } = {}): Promise<{ items: AuditRecord[]; total: number }> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const where: Prisma.AuditEventWhereInput = {
      ...(q.userId ? { userId: q.userId } : {}),
      ...(q.entityType ? { entityType: q.entityType } : {}),
      ...(q.entityId ? { entityId: q.entityId } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.since ? { at: { gte: q.since } } : {}),
    };
    const [rows, total] = await Promise.all([
      this.db.auditEvent.findMany({ where, orderBy: { seq: 'desc' }, skip: (page - 1) * pageSize, take: pageSize }),
      this.db.auditEvent.count({ where }),
    ]);
    return { total, items: rows.map((r) => ({ ...r, seq: r.seq.toString() })) };
  }
}
