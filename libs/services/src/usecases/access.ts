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
      // the planner build the whole in-scope set for one patient.
      const { prisma } = deps;
      let ok = false;
      if (actor.role === 'CLINICIAN') {
        ok =
          (await prisma.careAssignment.count({ where: { userId: actor.userId, patientId } })) > 0 ||
          (await prisma.cohortMembership.count({
            where: { patientId, cohort: { access: { some: { userId: actor.userId } } } },
          })) > 0;
      } else if (actor.role === 'TUMOR_BOARD') {
        ok = (await prisma.caseDiscussion.count({ where: { patientId } })) > 0;
      }
      if (!ok)
        throw new DomainError('NOT_FOUND', `Patient ${patientId} was not found among the patients you may access`);
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
