import { roleProcedure, router } from '../trpc';
import { patientIdInput, predictionRunInput } from '../inputs';

export const predictionsRouter = router({
  /** Score a patient (or lesion) with a VALIDATED model; stores the input snapshot and model version. */
  run: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'prediction.create',
        entity: 'Patient',
        id: (input) => (input as { patientId?: string })?.patientId ?? null,
        details: (input, out) => ({
          modelId: (input as { modelId?: string })?.modelId,
          predictionId: (out as { id?: string } | undefined)?.id,
        }),
      },
    })
    .input(predictionRunInput)
    .mutation(({ ctx, input }) => ctx.services.predictions.run(ctx.actor, input)),

  listForPatient: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: {
        action: 'prediction.list',
        entity: 'Patient',
        id: (input) => (input as { patientId?: string })?.patientId ?? null,
      },
    })
    .input(patientIdInput)
    .query(({ ctx, input }) => ctx.services.predictions.listForPatient(ctx.actor, input.patientId)),
});
