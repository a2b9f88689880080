import { z } from 'zod';
import type { JobContext, JobDefinition } from '../types';

/**
 * `segmentation` job: runs the ONNX liver → tumour cascade on one image file and writes
 * `mask.nii.gz` (LiTS labels 0/1/2), `instances.nii.gz` (one label per lesion) and `result.json` into the
 * job's result directory (`ResultStore`, keyed by job id, written once).
 */
export const segmentationPayload = z.object({
  /** Image to segment: .nii/.nii.gz/.nrrd (or a DICOM series directory once imaging-io reads it). */
  imagePath: z.string().min(1),
  /** Cascade or liver-model directory; default: the cascade bundled with @hepatoscope/inference. */
  modelDir: z.string().min(1).optional(),
  /** A tumour-segmentation model directory: replaces (or adds) the tumour stage behind `modelDir`'s liver stage. */
  tumourModelDir: z.string().min(1).optional(),
  /** Provider order for this job, e.g. "webgpu,cpu"; default: the worker's. */
  providers: z.string().optional(),
  batchSize: z.number().int().min(1).max(64).optional(),
  liverOnly: z.boolean().optional(),
  /** Flip test-time augmentation (the flips each stage's manifest lists in `input.ttaFlips`); default off. */
  tta: z.boolean().optional(),
  /** Sliding-window overlap for patch models, 0..0.9 as the CLI's `--overlap` (default 0.5). */
  overlap: z.number().min(0).max(0.9).optional(),
});
export type SegmentationPayload = z.infer<typeof segmentationPayload>;

export interface SegmentationJobResult {
  maskPath: string;
  instancesPath: string;
  summary: import('@hepatoscope/inference').SegmentationSummary;
}

export const segmentationJob: JobDefinition<SegmentationPayload, SegmentationJobResult> = {
  queue: 'segmentation',
  payload: segmentationPayload,
  async run(data: SegmentationPayload, ctx: JobContext): Promise<SegmentationJobResult> {
    const inf = await import('@hepatoscope/inference');
    await ctx.progress(0.01, 'reading image');
    const image = await inf.readImage(data.imagePath);
    await ctx.progress(0.05, 'loading model');
    const cascade = await inf.SegmentationCascade.load(data.modelDir ?? inf.DEFAULT_CASCADE_DIR, {
      registry: ctx.models,
      providers: data.providers ?? ctx.providers,
      tumourDir: data.tumourModelDir,
    });
    const result = await cascade.segment(image, {
      batchSize: data.batchSize,
      liverOnly: data.liverOnly,
      tta: data.tta,
      overlap: data.overlap,
      signal: ctx.signal,
      onProgress: (p) =>
        void ctx.progress(
          0.05 + 0.9 * p.fraction,
          `${p.stage}${p.slicesTotal ? ` ${p.slicesDone}/${p.slicesTotal}` : ''}`,
        ),
    });
    await ctx.progress(0.96, 'writing masks');
    const enc = inf.encodeSegmentation(image, result, cascade.id);
    const { result: out } = ctx.store.commit(
      ctx.jobId,
      { 'mask.nii.gz': enc.mask, 'instances.nii.gz': enc.instances },
      (dir) => ({
        maskPath: `${dir}/mask.nii.gz`,
        instancesPath: `${dir}/instances.nii.gz`,
        summary: enc.summary,
      }),
    );
    return out;
  },
};
