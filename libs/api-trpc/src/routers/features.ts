import { roleProcedure, router } from '../trpc';
import { patientIdInput } from '../inputs';

export const featuresRouter = router({
  /** Radiomics feature sets of the patient's segmentations. */
  forPatient: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({ audit: { action: 'feature.list', entity: 'Patient', id: (input) => (input as { patientId?: string })?.patientId ?? null } })
    .input(patientIdInput)
    .query(({ ctx, input }) => ctx.services.features.forPatient(ctx.actor, input.patientId)),
});
