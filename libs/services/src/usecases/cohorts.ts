import type { Prisma } from '@hepatoscope/db';
import { Rng } from '@hepatoscope/stats';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import { validatePatientCsv, type CsvTarget } from '../cohorts/validate';
import { bclcEnum, bclcLabel, type BclcLabel } from './mappers';

export interface CohortFilter {
  bclc?: BclcLabel[];
  sex?: 'M' | 'F';
  ageMin?: number;
  ageMax?: number;
  aetiology?: string[];
  childPugh?: Array<'A' | 'B' | 'C'>;
  sourceCohortId?: string;
}

export interface SplitInput {
  id: string;
  by: 'random' | 'centre' | 'date';
  /** random: fraction of members put in VALIDATION (default 0.3). */
  validationFraction: number;
  seed: number;
  /** centre: centres whose patients form the VALIDATION set. */
  validationCentres?: string[];
  /** date: patients diagnosed on or after this ISO date form the VALIDATION set (temporal validation). */
  cutoffDate?: string;
}

export interface CsvImportInput {
  cohortName: string;
  csv: string;
  mapping: Partial<Record<CsvTarget, string>>;
}

/** Prisma filter for a cohort definition (AND of the given criteria). */
export function cohortWhere(f: CohortFilter): Prisma.PatientWhereInput {
  const and: Prisma.PatientWhereInput[] = [];
  if (f.bclc?.length) and.push({ bclc: { in: f.bclc.map(bclcEnum) } });
  if (f.sex) and.push({ sex: f.sex === 'M' ? 'MALE' : 'FEMALE' });
  if (f.ageMin !== undefined) and.push({ age: { gte: f.ageMin } });
  if (f.ageMax !== undefined) and.push({ age: { lte: f.ageMax } });
  if (f.aetiology?.length) and.push({ aetiology: { in: f.aetiology } });
  if (f.childPugh?.length) and.push({ childPugh: { in: f.childPugh } });
  if (f.sourceCohortId) and.push({ cohortMemberships: { some: { cohortId: f.sourceCohortId } } });
  return { AND: and };
}

/**
 * Cohorts: list, detail, create by filter, and CSV import in two steps. `previewCsvImport` validates every
 * row and returns the report with a `reportHash`; nothing is written. `acceptCsvImport` re-validates the same
 * CSV + mapping, refuses if the hash differs from the accepted report, then creates the cohort, the valid rows'
 * patients (rows whose pseudoId already exists are linked, not overwritten) and memberships in one transaction.
 */
export function createCohortsService(deps: ResolvedDeps) {
  const { prisma } = deps;

  async function assertCohortAccess(actor: Actor, id: string) {
    if (actor.role === 'ADMIN') return;
    const n = await prisma.cohortAccess.count({ where: { cohortId: id, userId: actor.userId } });
    if (!n) throw new DomainError('NOT_FOUND', `Cohort ${id} was not found among the cohorts you may access`);
  }

  async function assertNameFree(name: string) {
    if (await prisma.cohort.count({ where: { name } }))
      throw new DomainError('CONFLICT', `A cohort named "${name}" already exists`);
  }

  function reportDto(r: ReturnType<typeof validatePatientCsv>, existing: Set<string>) {
    const { drafts: _drafts, ...rest } = r;
    return {
      ...rest,
      existingPatients: [...existing].length,
      rows: r.rows.map((row) => ({ ...row, existing: row.pseudoId !== null && existing.has(row.pseudoId) })),
    };
  }

  async function existingIds(pseudoIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < pseudoIds.length; i += 1000) {
      const rows = await prisma.patient.findMany({
        where: { pseudoId: { in: pseudoIds.slice(i, i + 1000) } },
        select: { pseudoId: true },
      });
      for (const r of rows) found.add(r.pseudoId);
    }
    return found;
  }

  function validate(input: CsvImportInput) {
    try {
      return validatePatientCsv(input.csv, input.mapping);
    } catch (e) {
      throw new DomainError('INVALID', (e as Error).message);
    }
  }

  return {
    /**
     * Split a cohort into TRAINING / VALIDATION: seeded random (members ordered by pseudoId, shuffled with the
     * seed, the first round(n·fraction) → VALIDATION), by centre (listed centres → VALIDATION), or by date
     * (diagnosed on/after the cutoff → VALIDATION). Members without the needed field stay unassigned (split null).
     */
    async split(actor: Actor, input: SplitInput) {
      const c = await prisma.cohort.findUnique({ where: { id: input.id }, select: { id: true, definition: true } });
      if (!c) throw new DomainError('NOT_FOUND', `Cohort ${input.id} was not found`);
      const members = await prisma.cohortMembership.findMany({
        where: { cohortId: c.id },
        select: { patientId: true, patient: { select: { pseudoId: true, centre: true, diagnosisDate: true } } },
        orderBy: { patient: { pseudoId: 'asc' } },
      });
      const assign = new Map<string, 'TRAINING' | 'VALIDATION' | null>();
      if (input.by === 'random') {
        const ids = members.map((m) => m.patientId);
        const rng = new Rng(input.seed);
        rng.shuffle(ids);
        const k = Math.round(ids.length * input.validationFraction);
        ids.forEach((id, i) => assign.set(id, i < k ? 'VALIDATION' : 'TRAINING'));
      } else if (input.by === 'centre') {
        const centres = [...new Set(members.map((m) => m.patient.centre).filter((x): x is string => !!x))].sort();
        if (!input.validationCentres?.length)
          throw new DomainError(
            'INVALID',
            `Name the validation centres (available: ${centres.join(', ') || 'none recorded'})`,
          );
        const unknown = input.validationCentres.filter((x) => !centres.includes(x));
        if (unknown.length)
          throw new DomainError(
            'INVALID',
            `Unknown centre(s) ${unknown.join(', ')} (available: ${centres.join(', ') || 'none recorded'})`,
          );
        for (const m of members)
          assign.set(
            m.patientId,
            m.patient.centre ? (input.validationCentres.includes(m.patient.centre) ? 'VALIDATION' : 'TRAINING') : null,
          );
      } else {
        if (!input.cutoffDate) throw new DomainError('INVALID', 'A date split needs cutoffDate');
        const cut = new Date(input.cutoffDate).getTime();
        for (const m of members)
          assign.set(
            m.patientId,
            m.patient.diagnosisDate ? (m.patient.diagnosisDate.getTime() >= cut ? 'VALIDATION' : 'TRAINING') : null,
          );
      }
      const groups: Record<'TRAINING' | 'VALIDATION' | 'null', string[]> = { TRAINING: [], VALIDATION: [], null: [] };
      for (const [id, s] of assign) groups[s ?? 'null'].push(id);
      await prisma.$transaction(async (tx) => {
        for (const [key, ids] of Object.entries(groups)) {
          for (let i = 0; i < ids.length; i += 1000) {
            await tx.cohortMembership.updateMany({
              where: { cohortId: c.id, patientId: { in: ids.slice(i, i + 1000) } },
              data: { split: key === 'null' ? null : (key as 'TRAINING' | 'VALIDATION') },
            });
          }
        }
        const def = (c.definition && typeof c.definition === 'object' ? c.definition : {}) as Record<string, unknown>;
        await tx.cohort.update({
          where: { id: c.id },
          data: {
            definition: {
              ...def,
              split: { ...input, by: input.by, at: deps.now().toISOString(), byUser: actor.email },
            } as Prisma.InputJsonValue,
          },
        });
      });
      return {
        cohortId: c.id,
        training: groups.TRAINING.length,
        validation: groups.VALIDATION.length,
        unassigned: groups.null.length,
      };
    },

    async list(actor: Actor) {
      const rows = await prisma.cohort.findMany({
        where: actor.role === 'CLINICIAN' ? { access: { some: { userId: actor.userId } } } : {},
        orderBy: { name: 'asc' },
        include: { _count: { select: { memberships: true } } },
      });
      return rows.map((c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        sourceDataset: c.sourceDataset,
        synthetic: c.synthetic,
        size: c._count.memberships,
        createdAt: c.createdAt.toISOString(),
      }));
    },

    async get(actor: Actor, id: string) {
      await assertCohortAccess(actor, id);
      const c = await prisma.cohort.findUnique({
        where: { id },
        include: {
          memberships: {
            orderBy: { patient: { pseudoId: 'asc' } },
            include: { patient: { select: { id: true, pseudoId: true, bclc: true, osMonths: true, osEvent: true } } },
          },
          createdBy: { select: { email: true, name: true } },
          trainedModels: { select: { id: true, name: true, version: true, status: true } },
        },
      });
      if (!c) throw new DomainError('NOT_FOUND', `Cohort ${id} was not found`);
      const bclcCounts: Record<string, number> = {};
      let events = 0;
      for (const m of c.memberships) {
        const b = bclcLabel(m.patient.bclc) ?? 'unknown';
        bclcCounts[b] = (bclcCounts[b] ?? 0) + 1;
        if (m.patient.osEvent) events++;
      }
      return {
        id: c.id,
        name: c.name,
        description: c.description,
        sourceDataset: c.sourceDataset,
        synthetic: c.synthetic,
        definition: c.definition ?? null,
        createdBy: c.createdBy,
        createdAt: c.createdAt.toISOString(),
        size: c.memberships.length,
        summary: { bclc: bclcCounts, deaths: events },
        members: c.memberships.map((m) => ({ patientId: m.patient.id, pseudoId: m.patient.pseudoId, split: m.split })),
        models: c.trainedModels,
      };
    },

    async createByFilter(actor: Actor, input: { name: string; description: string; filter: CohortFilter }) {
      await assertNameFree(input.name);
      const patients = await prisma.patient.findMany({ where: cohortWhere(input.filter), select: { id: true } });
      if (!patients.length) throw new DomainError('INVALID', 'The filter matches no patients; nothing was created');
      const cohort = await prisma.$transaction(async (tx) => {
        const c = await tx.cohort.create({
          data: {
            name: input.name,
            description: input.description || null,
            definition: { kind: 'filter', filter: input.filter } as unknown as Prisma.InputJsonValue,
            createdById: actor.userId,
          },
        });
        await tx.cohortMembership.createMany({ data: patients.map((p) => ({ cohortId: c.id, patientId: p.id })) });
        await tx.cohortAccess.create({ data: { cohortId: c.id, userId: actor.userId } });
        return c;
      });
      return { id: cohort.id, cohortId: cohort.id, name: cohort.name, size: patients.length };
    },

    async previewCsvImport(_actor: Actor, input: CsvImportInput) {
      const report = validate(input);
      const existing = await existingIds(report.drafts.map((d) => d.pseudoId));
      const nameTaken = (await prisma.cohort.count({ where: { name: input.cohortName } })) > 0;
      return {
        ...reportDto(report, existing),
        importId: report.reportHash,
        cohortName: input.cohortName,
        cohortNameTaken: nameTaken,
      };
    },

    async acceptCsvImport(actor: Actor, input: CsvImportInput & { reportHash: string }) {
      const report = validate(input);
      if (report.reportHash !== input.reportHash) {
        throw new DomainError(
          'CONFLICT',
          'The CSV or its mapping changed since the validation report was produced; preview again and accept the new report',
        );
      }
      if (!report.drafts.length) throw new DomainError('INVALID', 'The report has no valid rows; nothing to import');
      await assertNameFree(input.cohortName);
      const existing = await existingIds(report.drafts.map((d) => d.pseudoId));
      const fresh = report.drafts.filter((d) => !existing.has(d.pseudoId));
      const cohort = await prisma.$transaction(async (tx) => {
        const c = await tx.cohort.create({
          data: {
            name: input.cohortName,
            description: `CSV import by ${actor.email}: ${report.validRows} valid of ${report.totalRows} rows`,
            sourceDataset: 'csv-import',
            definition: {
              kind: 'csv',
              mapping: input.mapping,
              reportHash: report.reportHash,
              invalidRows: report.invalidRows,
            } as unknown as Prisma.InputJsonValue,
            createdById: actor.userId,
          },
        });
        if (fresh.length) {
          await tx.patient.createMany({
            data: fresh.map((d) => ({
              ...d,
              sourceDataset: 'csv-import',
              extra: (d.extra ?? undefined) as Prisma.InputJsonValue | undefined,
            })),
          });
        }
        const ids = await tx.patient.findMany({
          where: { pseudoId: { in: report.drafts.map((d) => d.pseudoId) } },
          select: { id: true },
        });
        await tx.cohortMembership.createMany({ data: ids.map((p) => ({ cohortId: c.id, patientId: p.id })) });
        await tx.cohortAccess.create({ data: { cohortId: c.id, userId: actor.userId } });
        return c;
      });
      return {
        id: cohort.id,
        cohortId: cohort.id,
        name: cohort.name,
        imported: fresh.length,
        linkedExisting: report.drafts.length - fresh.length,
        skippedInvalid: report.invalidRows,
      };
    },
  };
}

export type CohortsService = ReturnType<typeof createCohortsService>;
