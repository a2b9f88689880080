import { roleProcedure, router } from '../trpc';
import { cohortCreateInput, cohortSplitInput, csvAcceptInput, csvPreviewInput, idInput } from '../inputs';

const outId = (_: unknown, out: unknown) =>
  (out as { id?: string; cohortId?: string } | undefined)?.cohortId ?? (out as { id?: string } | undefined)?.id ?? null;

export const cohortsRouter = router({
  list: roleProcedure('CLINICIAN', 'TUMOR_BOARD', 'ADMIN').query(({ ctx }) => ctx.services.cohorts.list(ctx.actor)),

  /** Cohort with members (pseudonymous ids) and summary. */
  get: roleProcedure('CLINICIAN', 'ADMIN')
    .meta({ audit: { action: 'cohort.read', entity: 'Cohort', id: (input) => (input as { id?: string })?.id ?? null } })
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.cohorts.get(ctx.actor, input.id)),

  /** New cohort from a filter over existing patients. */
  createByFilter: roleProcedure('ADMIN')
    .meta({ audit: { action: 'cohort.create', entity: 'Cohort', id: outId } })
    .input(cohortCreateInput)
    .mutation(({ ctx, input }) => ctx.services.cohorts.createByFilter(ctx.actor, input)),

  /** Validate a CSV with a column mapping; returns a per-row report and an import id. Imports nothing. */
  previewCsvImport: roleProcedure('ADMIN')
    .meta({
      audit: {
        action: 'cohort.import.preview',
        entity: 'Cohort',
        details: (_, out) => ({ importId: (out as { importId?: string } | undefined)?.importId }),
      },
    })
    .input(csvPreviewInput)
    .mutation(({ ctx, input }) => ctx.services.cohorts.previewCsvImport(ctx.actor, input)),

  /** Accept a previewed import: creates the cohort and the valid rows' patients in one transaction. */
  acceptCsvImport: roleProcedure('ADMIN')
    .meta({ audit: { action: 'cohort.import.accept', entity: 'Cohort', id: outId } })
    .input(csvAcceptInput)
    .mutation(({ ctx, input }) => ctx.services.cohorts.acceptCsvImport(ctx.actor, input)),

  /** TRAINING / VALIDATION split by seeded random, centre or date. */
  split: roleProcedure('ADMIN')
    .meta({
      audit: { action: 'cohort.split', entity: 'Cohort', id: (input) => (input as { id?: string })?.id ?? null },
    })
    .input(cohortSplitInput)
    .mutation(({ ctx, input }) => ctx.services.cohorts.split(ctx.actor, input)),
});
