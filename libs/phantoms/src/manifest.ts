import { PHASES, type LesionRecord, type Phantom, type Phase } from './types';

/**
 * The phantom manifest (`DIR/manifest.json`), in the format of issue 5:
 * `{"synthetic":true,"seed":N,"phases":{"NATIVE":"…nii.gz",…},"liverMask":"…","lesionMask":"…",
 *   "lesions":[{"label","type","diameterMm",latent labels…}]}` — paths relative to DIR. With T > 1
 * timepoints the top-level entry describes the baseline and `timepoints` holds one entry per timepoint
 * (baseline included) with its `timepoint` index and `dayOffset`.
 */

export interface ManifestTimepoint {
  timepoint: number;
  dayOffset: number;
  phases: Record<Phase, string>;
  liverMask: string;
  lesionMask: string;
  lesions: LesionRecord[];
}

export interface PhantomManifest {
  synthetic: true;
  seed: number;
  phases: Record<Phase, string>;
  liverMask: string;
  lesionMask: string;
  lesions: LesionRecord[];
  timepoints?: ManifestTimepoint[];
}

/** Relative file names of timepoint t: `native.nii.gz` … (T = 1) or `t1/native.nii.gz` … (T > 1). */
export function phantomFileNames(t: number, T: number): { phases: Record<Phase, string>; liverMask: string; lesionMask: string } {
  const prefix = T > 1 ? `t${t}/` : '';
  const phases = {} as Record<Phase, string>;
  for (const p of PHASES) phases[p] = `${prefix}${p.toLowerCase()}.nii.gz`;
  return { phases, liverMask: `${prefix}liver_mask.nii.gz`, lesionMask: `${prefix}lesion_mask.nii.gz` };
}

/** Builds the manifest of a generated phantom (file names from `phantomFileNames`). */
export function buildManifest(phantom: Phantom): PhantomManifest {
  const T = phantom.timepoints.length;
  const entries: ManifestTimepoint[] = phantom.timepoints.map((tp) => ({
    timepoint: tp.timepoint,
    dayOffset: tp.dayOffset,
    ...phantomFileNames(tp.timepoint, T),
    lesions: tp.lesions,
  }));
  const base = entries[0];
  return {
    synthetic: true,
    seed: phantom.seed,
    phases: base.phases,
    liverMask: base.liverMask,
    lesionMask: base.lesionMask,
    lesions: base.lesions,
    ...(T > 1 ? { timepoints: entries } : {}),
  };
}
