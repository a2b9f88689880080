import type { DbClient } from '../client';
import type { CohortSplit } from '../generated/prisma/client';

/** Cohort membership and development splits. */
export class CohortRepository {
  constructor(private readonly db: DbClient) {}

  /** Adds patients (already-present members are skipped); returns how many were added. */
  async addMembers(cohortId: string, patientIds: readonly string[], split: CohortSplit | null = null): Promise<number> {
    let added = 0;
    for (let i = 0; i < patientIds.length; i += 1000) {
      const res = await this.db.cohortMembership.createMany({
        data: patientIds.slice(i, i + 1000).map((patientId) => ({ cohortId, patientId, split })),
        skipDuplicates: true,
      });
      added += res.count;
    }
    return added;
  }

  /**
   * Writes a split assignment (patientId → TRAINING/VALIDATION/null) with one UPDATE per split value.
   * Patients not in the map keep their split. Returns the number of memberships updated.
   */
  async setSplits(cohortId: string, assignment: ReadonlyMap<string, CohortSplit | null>): Promise<number> {
    const groups = new Map<CohortSplit | null, string[]>();
    for (const [pid, split] of assignment) groups.set(split, [...(groups.get(split) ?? []), pid]);
    let n = 0;
    for (const [split, ids] of groups) {
      for (let i = 0; i < ids.length; i += 1000) {
        const res = await this.db.cohortMembership.updateMany({ where: { cohortId, patientId: { in: ids.slice(i, i + 1000) } }, data: { split } });
        n += res.count;
      }
    }
    return n;
  }

  /** Member counts per split (`null` = not split yet). */
  async splitCounts(cohortId: string): Promise<{ TRAINING: number; VALIDATION: number; unassigned: number }> {
    const rows = await this.db.cohortMembership.groupBy({ by: ['split'], where: { cohortId }, _count: { _all: true } });
    const out = { TRAINING: 0, VALIDATION: 0, unassigned: 0 };
    for (const r of rows) {
      if (r.split === null) out.unassigned += r._count._all;
      else out[r.split] += r._count._all;
    }
    return out;
  }
}
