import { roleProcedure, router } from '../trpc';
import { idInput } from '../inputs';
import { patientListQueryInput } from '../inputs-analysis';

export const patientsRouter = router({
  /**
   * Patients in the caller's scope (CLINICIAN: their care/cohorts; TUMOR_BOARD: cases on agendas); `pendingReview`
   * keeps those with a segmentation awaiting accept/reject.
   */
  list: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: {
        action: 'patient.list',
        entity: 'Patient',
        details: (input, out) => ({
          filter: input ?? {},
          returned: (out as { items?: unknown[] } | undefined)?.items?.length ?? 0,
        }),
      },
    })
    .input(patientListQueryInput)
    .query(({ ctx, input }) => ctx.services.patients.list(ctx.actor, input)),

  /** Case detail: clinical fields, outcomes, studies with series/segmentations/lesions, predictions, discussions. */
  get: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: { action: 'patient.read', entity: 'Patient', id: (input) => (input as { id?: string })?.id ?? null },
    })
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.patients.get(ctx.actor, input.id)),
});
