import { roleProcedure, router } from '../trpc';
import { trainInput } from '../inputs';
import { trainSurvivalInput } from '../inputs-analysis';

export const labRouter = router({
  /** Fit a logistic (or lasso) model on a cohort with k-fold CV; stores it as a DRAFT model with its metrics. */
  train: roleProcedure('CLINICIAN', 'ADMIN')
    .meta({
      audit: {
        action: 'model.train',
        entity: 'Cohort',
        id: (input) => (input as { cohortId?: string })?.cohortId ?? null,
        details: (_, out) => ({ modelId: (out as { modelId?: string } | undefined)?.modelId }),
      },
    })
    .input(trainInput)
    .mutation(({ ctx, input }) => ctx.services.lab.train(ctx.actor, input)),

  /** Cox PH on os/rfs with k-fold CV: C-index, KM by out-of-fold risk tertile, log-rank; stores a DRAFT cox model. */
  trainSurvival: roleProcedure('CLINICIAN', 'ADMIN')
    .meta({
      audit: {
        action: 'model.train',
        entity: 'Cohort',
        id: (input) => (input as { cohortId?: string })?.cohortId ?? null,
        details: (_, out) => ({ modelId: (out as { modelId?: string } | undefined)?.modelId, estimator: 'cox' }),
      },
    })
    .input(trainSurvivalInput)
    .mutation(({ ctx, input }) => ctx.services.lab.trainSurvival(ctx.actor, input)),
});
