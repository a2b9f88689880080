import { roleProcedure, router } from '../trpc';
import { featureRequestInput, patientIdInput } from '../inputs';

export const featuresRouter = router({
  /** Radiomics feature sets of the patient's segmentations. */
  forPatient: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: {
        action: 'feature.list',
        entity: 'Patient',
        id: (input) => (input as { patientId?: string })?.patientId ?? null,
      },
    })
    .input(patientIdInput)
    .query(({ ctx, input }) => ctx.services.features.forPatient(ctx.actor, input.patientId)),

  /** Queue radiomics extraction for a segmentation (optionally on another phase of the same study); poll jobs.get. */
  request: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'feature.request',
        entity: 'Segmentation',
        id: (input) => (input as { segmentationId?: string })?.segmentationId ?? null,
      },
    })
    .input(featureRequestInput)
    .mutation(({ ctx, input }) => ctx.services.features.request(ctx.actor, input)),

  /** Delta radiomics between consecutive timepoints of each lesion (same phase, settings and software version). */
  delta: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: {
        action: 'feature.delta',
        entity: 'Patient',
        id: (input) => (input as { patientId?: string })?.patientId ?? null,
      },
    })
    .input(patientIdInput)
    .query(({ ctx, input }) => ctx.services.features.delta(ctx.actor, input.patientId)),
});
