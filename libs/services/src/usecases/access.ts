import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';

/**
 * Record-level access rules for patient data (the role check per procedure happens in the API; this is the
 * second, finer gate):
 * - CLINICIAN: patients assigned to them (CareAssignment) or members of a cohort they may access (CohortAccess);
 * - TUMOR_BOARD: patients with a case on any meeting agenda;
 * - ADMIN: no patient records (admins manage cohorts, models, users and the audit trail).
 *
 * Out-of-scope records are reported as NOT_FOUND so that their existence is not revealed.
 */
export function patientScope(actor: Actor, accessibleCohortIds?: readonly string[]): Prisma.PatientWhereInput {
  switch (actor.role) {
    case 'CLINICIAN':
      return {
        OR: [
          { careAssignments: { some: { userId: actor.userId } } },
          // With the cohort ids resolved up front the planner needs one join less (≈2× faster counts on 10k patients).
          accessibleCohortIds
            ? { cohortMemberships: { some: { cohortId: { in: [...accessibleCohortIds] } } } }
            : { cohortMemberships: { some: { cohort: { access: { some: { userId: actor.userId } } } } } },
        ],
      };
    case 'TUMOR_BOARD':
      return { discussions: { some: {} } };
    default:
      return { id: { in: [] } };
  }
}

/**
 * How a raw SQL list applies the record scope (same rows either way; `scopeCondition`):
 * - `walk`: one index probe per row (`CohortMembership(patientId)` filtered on the accessible cohort ids, which an
 *   init plan reads from `CohortAccess` once per statement), fenced with `OFFSET 0` so that the planner cannot hash
 *   the whole scope instead; the user's care assignments (few) are left to the planner (it hashes them once). Best
 *   when the scope is dense: an ordered page walks `(skip + take) / density` patients and stops. Measured on 10,000
 *   patients (one clinician seeing all, unvacuumed as after a bulk load), PostgreSQL CPU: 1,000 rows walked 1.8-3.1 ms
 *   against 3.1-4.4 ms for the earlier probes (membership, then `CohortAccess` by PK, then `CareAssignment` by PK,
 *   per row) and 3.1-4.4 ms for `planner`.
 * - `set`: the in-scope ids first (`id IN (care assignments UNION members of accessible cohorts)`, index-only scans
 *   on those PKs), then the patients by id. Best when the scope is a small part of all patients.
 * - `planner`: plain EXISTS, the planner's choice (counts: it hashes the scope once, like `set`).
 */
export type ScopeStrategy = 'walk' | 'set' | 'planner';

/**
 * The record scope of `actor` as a SQL condition on `"Patient" p`; `bind(value)` adds a query parameter and returns
 * its placeholder (`$n`). The same rules as `patientScope`.
 */
export function scopeCondition(actor: Actor, bind: (value: unknown) => string, strategy: ScopeStrategy): string {
  switch (actor.role) {
    case 'CLINICIAN': {
      const userParam = bind(actor.userId);
      if (strategy === 'set')
        return (
          `p.id IN (SELECT a."patientId" FROM "CareAssignment" a WHERE a."userId" = ${userParam} ` +
          `UNION SELECT m."patientId" FROM "CohortAccess" ca JOIN "CohortMembership" m ON m."cohortId" = ca."cohortId" ` +
          `WHERE ca."userId" = ${userParam})`
        );
      if (strategy === 'walk')
        return (
          `(EXISTS (SELECT 1 FROM "CareAssignment" a WHERE a."userId" = ${userParam} AND a."patientId" = p.id) ` +
          `OR EXISTS (SELECT 1 FROM "CohortMembership" m WHERE m."cohortId" = ANY (ARRAY(SELECT ca."cohortId" ` +
          `FROM "CohortAccess" ca WHERE ca."userId" = ${userParam})) AND m."patientId" = p.id OFFSET 0))`
        );
      return (
        `(EXISTS (SELECT 1 FROM "CareAssignment" a WHERE a."userId" = ${userParam} AND a."patientId" = p.id) ` +
        `OR EXISTS (SELECT 1 FROM "CohortMembership" m JOIN "CohortAccess" ca ON ca."cohortId" = m."cohortId" ` +
        `AND ca."userId" = ${userParam} WHERE m."patientId" = p.id))`
      );
    }
    case 'TUMOR_BOARD':
      return `EXISTS (SELECT 1 FROM "CaseDiscussion" d WHERE d."patientId" = p.id)`;
    default:
      return 'FALSE';
  }
}

export function createAccess(deps: ResolvedDeps) {
  return {
    /** The list scope with the actor's accessible cohorts resolved first (one small query). */
    async scope(actor: Actor): Promise<Prisma.PatientWhereInput> {
      if (actor.role !== 'CLINICIAN') return patientScope(actor);
      const rows = await deps.prisma.cohortAccess.findMany({
        where: { userId: actor.userId },
        select: { cohortId: true },
      });
      return patientScope(
        actor,
        rows.map((r) => r.cohortId),
      );
    },

    /** Throws NOT_FOUND unless `patientId` is in the actor's scope. */
    async assertPatient(actor: Actor, patientId: string): Promise<void> {
      // Point lookups on the (userId, patientId) / (patientId) indexes rather than the list scope, which would make
      // the planner build the whole in-scope set for one patient; both in one statement (one round trip), on the
      // PostgreSQL pool without Prisma's query pipeline ($queryReadOnly).
      const { prisma } = deps;
      let ok = false;
      if (actor.role === 'CLINICIAN') {
        const [row] = await prisma.$queryReadOnly<{ ok: boolean }>(
          `SELECT (EXISTS (SELECT 1 FROM "CareAssignment" a WHERE a."userId" = $1 AND a."patientId" = $2)
                OR EXISTS (SELECT 1 FROM "CohortMembership" m JOIN "CohortAccess" ca ON ca."cohortId" = m."cohortId"
                           AND ca."userId" = $1 WHERE m."patientId" = $2)) AS ok`,
          [actor.userId, patientId],
        );
        ok = row?.ok === true;
      } else if (actor.role === 'TUMOR_BOARD') {
        ok = (await prisma.caseDiscussion.count({ where: { patientId } })) > 0;
      }
      if (!ok)
        throw new DomainError('NOT_FOUND', `Patient ${patientId} was not found among the patients you may access`);
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
