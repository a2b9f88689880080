import type { Prisma } from '@hepatoscope/db';
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
  return {
    async record(e: AuditRecord): Promise<void> {
      await prisma.auditEvent.create({
        data: {
          userId: e.userId,
          userEmail: e.userEmail ?? null,
          userRole: e.userRole ?? null,
          action: e.action,
          entityType: e.entityType ?? null,
          entityId: e.entityId ?? null,
          outcome: e.outcome ?? 'SUCCESS',
          ipAddress: e.clientAddress ?? null,
          userAgent: e.userAgent ?? null,
          details: (e.details ?? undefined) as Prisma.InputJsonValue | undefined,
          at: e.at ?? deps.now(),
        },
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
