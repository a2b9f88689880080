import { roleProcedure, router } from '../trpc';
import { idInput, segRequestInput, segReviewInput } from '../inputs';

/** Segmentations. New mask versions are uploaded over HTTP: `POST /api/files/segmentations/:id/versions` (gzip NIfTI body). */
export const segmentationsRouter = router({
  /** Queue an automatic (ONNX) segmentation of a series; poll `jobs.get({id: jobId})`. */
  request: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'segmentation.request',
        entity: 'Series',
        id: (input) => (input as { seriesId?: string })?.seriesId ?? null,
      },
    })
    .input(segRequestInput)
    .mutation(({ ctx, input }) =>
      ctx.services.segmentations.request(ctx.actor, input.seriesId, input.modelId, input.liverModelId),
    ),

  /** Accept or reject a version (CONFLICT when it changed since `expectedUpdatedAt`). */
  review: roleProcedure('CLINICIAN')
    .meta({
      audit: {
        action: 'segmentation.review',
        entity: 'Segmentation',
        id: (input) => (input as { id?: string })?.id ?? null,
        details: (input) => ({ status: (input as { status?: string })?.status }),
      },
    })
    .input(segReviewInput)
    .mutation(({ ctx, input }) => ctx.services.segmentations.review(ctx.actor, input)),

  /** The version chain of a mask, oldest first. */
  history: roleProcedure('CLINICIAN', 'TUMOR_BOARD')
    .meta({
      audit: {
        action: 'segmentation.history',
        entity: 'Segmentation',
        id: (input) => (input as { id?: string })?.id ?? null,
      },
    })
    .input(idInput)
    .query(({ ctx, input }) => ctx.services.segmentations.history(ctx.actor, input.id)),
});
