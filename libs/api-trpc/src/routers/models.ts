import { roleProcedure, router } from '../trpc';
import { idInput, modelImportInput, modelStatusInput, modelValidateInput } from '../inputs';
import { modelCompareInput } from '../inputs-analysis';

const byId = (input: unknown) => (input as { id?: string })?.id ?? null;
const outId = (_: unknown, out: unknown) => (out as { id?: string } | undefined)?.id ?? null;

export const modelsRouter = router({
  list: roleProcedure('CLINICIAN', 'TUMOR_BOARD', 'ADMIN').query(({ ctx }) => ctx.services.models.list()),

  /** Model card. */
  get: roleProcedure('CLINICIAN', 'TUMOR_BOARD', 'ADMIN')
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.models.get(input.id)),

  /** Import a published logistic model by its coefficients (status DRAFT). */
  importPublished: roleProcedure('ADMIN')
    .meta({ audit: { action: 'model.import', entity: 'Model', id: outId } })
    .input(modelImportInput)
    .mutation(({ ctx, input }) => ctx.services.models.importPublished(ctx.actor, input)),

  /** DRAFT → VALIDATED. */
  promote: roleProcedure('ADMIN')
    .meta({ audit: { action: 'model.promote', entity: 'Model', id: byId } })
    .input(modelStatusInput)
    .mutation(({ ctx, input }) => ctx.services.models.promote(ctx.actor, input.id, input.reason)),

  /** Any status → RETIRED (kept for provenance; no longer scores patients). */
  retire: roleProcedure('ADMIN')
    .meta({ audit: { action: 'model.retire', entity: 'Model', id: byId } })
    .input(modelStatusInput)
    .mutation(({ ctx, input }) => ctx.services.models.retire(ctx.actor, input.id, input.reason)),

  /** Validate on a cohort (all members or its VALIDATION split): AUC/CI, calibration, DCA, or C-index and KM by risk group. */
  validate: roleProcedure('ADMIN')
    .meta({
      audit: {
        action: 'model.validate',
        entity: 'Model',
        id: byId,
        details: (input) => ({ cohortId: (input as { cohortId?: string })?.cohortId }),
      },
    })
    .input(modelValidateInput)
    .mutation(({ ctx, input }) => ctx.services.validation.validate(ctx.actor, input)),

  /** Paired DeLong test of two models scored on the same cohort: ΔAUC with 95 % CI, z, p and both ROC curves. */
  compare: roleProcedure('ADMIN')
    .meta({
      audit: {
        action: 'model.compare',
        entity: 'Model',
        id: (input) => (input as { modelA?: string })?.modelA ?? null,
        details: (input) => {
          const i = input as { modelB?: string; cohortId?: string } | undefined;
          return { modelB: i?.modelB, cohortId: i?.cohortId };
        },
      },
    })
    .input(modelCompareInput)
    .query(({ ctx, input }) => ctx.services.validation.compare(input)),
});
