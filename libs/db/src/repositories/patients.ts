import type { PatientListQuery } from '@hepatoscope/domain';
import type { DbClient } from '../client';
import type { Prisma } from '../generated/prisma/client';

/** One row of the patient list (DEVELOPERS.md `patients.list`). */
export interface PatientListItem {
  id: string;
  pseudoId: string;
  sex: string | null;
  age: number | null;
  aetiology: string | null;
  bclc: string | null;
  childPugh: string | null;
  afp: number | null;
  cohortNames: string[];
  studyCount: number;
}

/** The patient columns of a list row: PatientListItem less `cohortNames` and `studyCount`. */
export const PATIENT_LIST_COLUMNS = {
  id: true,
  pseudoId: true,
  sex: true,
  age: true,
  aetiology: true,
  bclc: true,
  childPugh: true,
  afp: true,
} as const satisfies Prisma.PatientSelect;

/** Patients: filtered, paginated lists and access checks. */
export class PatientRepository {
  constructor(private readonly db: DbClient) {}

  /**
   * Filter for what a user may see: ADMIN everything; CLINICIAN patients in their care or in cohorts they can
   * access; TUMOR_BOARD patients on the agenda of a meeting that is not closed/cancelled.
   */
  static accessFilter(user: { id: string; role: 'CLINICIAN' | 'TUMOR_BOARD' | 'ADMIN' }): Prisma.PatientWhereInput {
    if (user.role === 'ADMIN') return {};
    if (user.role === 'TUMOR_BOARD') return { discussions: { some: { meeting: { status: { in: ['SCHEDULED', 'IN_PROGRESS'] } } } } };
    return {
      OR: [{ careAssignments: { some: { userId: user.id } } }, { cohortMemberships: { some: { cohort: { access: { some: { userId: user.id } } } } } }],
    };
  }

  /** Builds the `where` of a list query (exported for tests and for counting). */
  static where(q: Partial<PatientListQuery>, access: Prisma.PatientWhereInput = {}): Prisma.PatientWhereInput {
    const and: Prisma.PatientWhereInput[] = [access];
    if (q.search) and.push({ pseudoId: { contains: q.search, mode: 'insensitive' } });
    if (q.bclc) and.push({ bclc: q.bclc });
    if (q.childPugh) and.push({ childPugh: q.childPugh });
    if (q.sex) and.push({ sex: q.sex });
    if (q.sourceDataset) and.push({ sourceDataset: q.sourceDataset });
    if (q.cohortId || q.split) and.push({ cohortMemberships: { some: { ...(q.cohortId ? { cohortId: q.cohortId } : {}), ...(q.split ? { split: q.split } : {}) } } });
    return { AND: and };
  }

  /** One page ordered by pseudoId, with the total count of matches. */
  async list(q: Partial<PatientListQuery>, access: Prisma.PatientWhereInput = {}): Promise<{ items: PatientListItem[]; total: number }> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 25;
    const where = PatientRepository.where(q, access);
    const [rows, total] = await Promise.all([
      this.db.patient.findMany({
        where,
        orderBy: { pseudoId: 'asc' },
        skip: (page - 1) * pageSize,
        take: pageSize,
        // One statement per relation, as before relationJoins: with LATERAL joins PostgreSQL would load the
        // relations of every skipped row too (deep pages 4-5x the database CPU).
        relationLoadStrategy: 'query',
        select: {
          ...PATIENT_LIST_COLUMNS,
          cohortMemberships: { select: { cohort: { select: { name: true } } } },
          _count: { select: { studies: true } },
        },
      }),
      this.db.patient.count({ where }),
    ]);
    return {
      total,
      items: rows.map(({ cohortMemberships, _count, ...r }) => ({
        ...r,
        cohortNames: cohortMemberships.map((m) => m.cohort.name).sort(),
        studyCount: _count.studies,
      })),
    };
  }

  /** True when the patient exists and matches `access`. */
  async canAccess(patientId: string, access: Prisma.PatientWhereInput): Promise<boolean> {
    return (await this.db.patient.count({ where: { AND: [{ id: patientId }, access] } })) > 0;
  }
}
