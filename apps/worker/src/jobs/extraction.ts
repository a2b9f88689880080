import { z } from 'zod';
import type { LabelRow } from '@hepatoscope/radiomics';
import type { JobContext, JobDefinition } from '../types';
import { lesionRows, type LesionFailure, type LesionStart } from './extract-lesions';
import { extractionThreadEnabled, lesionRowsInThread } from './extract-thread';

export type { LesionFailure } from './extract-lesions';

/**
 * `feature-extraction` job: radiomics of every lesion of a label map with `@hepatoscope/radiomics`
 * (`extractFeaturesPerLabel`), settings from a named preset (default `liver-ct`) or an explicit settings
 * object. Writes `features.json` (all rows, with NaN reasons) into the job's result directory and returns
 * the rows (label, component, voxels, features) with the settings hash and software version.
 * A lesion whose extraction fails (e.g. a 1-voxel island brushed in the portal that has no voxel left after
 * resampling) does not fail the job: the other lesions' rows are stored and the lesion is listed in `failed` with
 * its reason (also in the final progress message). Only when every lesion fails does the job fail, naming each.
 */
export const extractionPayload = z.object({
  imagePath: z.string().min(1),
  /** Label map on the image grid (e.g. a segmentation job's mask.nii.gz or instances.nii.gz). */
  maskPath: z.string().min(1),
  preset: z.string().optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  /** Only this label (e.g. 2 = tumour in a LiTS mask); its connected components become separate rows. */
  label: z.number().int().min(1).optional(),
  /** Labels to leave out when `label` is not given (default [1]: the liver of a LiTS mask). */
  exclude: z.array(z.number().int()).optional(),
  splitComponents: z.boolean().optional(),
});
export type ExtractionPayload = z.infer<typeof extractionPayload>;

export interface ExtractionJobResult {
  featuresPath: string;
  settingsHash: string;
  softwareVersion: string;
  rows: { label: number; component: number; voxels: number; features: Record<string, number | null> }[];
  /** Lesions that could not be extracted, with the reason (empty when all worked). */
  failed: LesionFailure[];
}

/** `label 2 #3 (1 voxels): reason; …` — the per-lesion failures in one line for progress/errors. */
export function describeFailures(failed: LesionFailure[]): string {
  return failed.map((f) => `label ${f.label} #${f.component} (${f.voxels} voxels): ${f.reason}`).join('; ');
}

/** Progress stage of the k-th lesion (0-based) of `total`: `extracting lesion 2 of 3 (label 2 #2, 812 voxels)`. */
export function extractionStage(
  k: number,
  total: number,
  l: { label: number; component: number; voxels: number },
): string {
  const which = l.component ? `label ${l.label} #${l.component}` : `label ${l.label}`;
  return `extracting lesion ${k + 1} of ${total} (${which}, ${l.voxels} voxels)`;
}

export const extractionJob: JobDefinition<ExtractionPayload, ExtractionJobResult> = {
  queue: 'feature-extraction',
  payload: extractionPayload,
  async run(data: ExtractionPayload, ctx: JobContext): Promise<ExtractionJobResult> {
    const [inf, rad] = [await import('@hepatoscope/inference'), await import('@hepatoscope/radiomics')];
    await ctx.progress(0.02, 'reading image and mask');
    const image = await inf.readImage(data.imagePath);
    const mask = await inf.readImage(data.maskPath);
    if (image.dims.some((d, i) => d !== mask.dims[i])) {
      throw new Error(
        `feature-extraction: mask ${data.maskPath} is ${mask.dims.join('×')} but image ${data.imagePath} is ${image.dims.join('×')}`,
      );
    }
    if (data.preset && data.settings) throw new Error('feature-extraction: give either preset or settings, not both');
    const settings = data.settings
      ? rad.parseExtractSettings(data.settings)
      : rad.presetSettings(data.preset ?? 'liver-ct');
    ctx.signal.throwIfAborted();
    const labelMap = { ...mask, spacing: image.spacing, origin: image.origin };
    const lesionOptions = {
      label: data.label,
      exclude: data.label === undefined ? (data.exclude ?? [1]) : undefined,
      splitComponents: data.splitComponents,
    };
    const stage = (l: LesionStart) => ctx.progress(0.1 + (0.85 * l.k) / l.total, extractionStage(l.k, l.total, l));
    let rows: LabelRow[];
    let failed: LesionFailure[];
    if (extractionThreadEnabled()) {
      // Off the main thread: an API hosting this worker in-process (embedded mode) keeps answering meanwhile.
      let reported = Promise.resolve();
      ({ rows, failed } = await lesionRowsInThread(
        { image, labelMap, lesionOptions, settings },
        (l) => {
          reported = reported.then(() => stage(l)).catch(() => {});
        },
        ctx.signal,
      ));
      await reported;
    } else {
      // In-process: between lesions the loop yields a macrotask (progress writes are throttled and may do no I/O).
      const it = lesionRows(rad, image, labelMap, lesionOptions, settings);
      for (let step = it.next(); ; step = it.next()) {
        if (step.done) {
          ({ rows, failed } = step.value);
          break;
        }
        ctx.signal.throwIfAborted();
        await new Promise<void>((resolve) => setImmediate(resolve));
        await stage(step.value);
      }
    }
    if (!rows.length) {
      throw new Error(`feature-extraction: no lesion could be extracted: ${describeFailures(failed)}`);
    }
    await ctx.progress(0.95, 'writing features');
    // JSON has no NaN: undefined features become null, their reasons are kept in features.json.
    const clean = rows.map((r) => ({
      label: r.label,
      component: r.component,
      voxels: r.voxels,
      features: Object.fromEntries(Object.entries(r.features).map(([k, v]) => [k, Number.isFinite(v) ? v : null])),
    }));
    const full = JSON.stringify(
      rows.map((r, i) => ({ ...clean[i], reasons: r.reasons, diagnostics: r.diagnostics })),
      null,
      1,
    );
    const { result } = ctx.store.commit(ctx.jobId, { 'features.json': new TextEncoder().encode(full) }, (dir) => ({
      featuresPath: `${dir}/features.json`,
      settingsHash: rows[0]?.settingsHash ?? rad.settingsHash(settings),
      softwareVersion: rad.SOFTWARE_VERSION,
      rows: clean,
      failed,
    }));
    if (failed.length) {
      await ctx.progress(
        1,
        `features for ${rows.length} of ${rows.length + failed.length} lesions; skipped ${describeFailures(failed)}`,
      );
    }
    return result;
  },
};
