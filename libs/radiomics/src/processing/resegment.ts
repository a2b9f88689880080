/**
 * Re-segmentation and the two ROI masks (IBSI 1, sections 2.5 and 2.6).
 *
 * The morphological mask is the ROI as delineated (after interpolation); the intensity mask is the
 * morphological mask minus the voxels removed by re-segmentation. Morphology uses the first, everything
 * intensity-based the second.
 */
import type { Image3D, Mask3D } from '../types';

/**
 * Range re-segmentation (IBSI USB3): keeps the voxels with lo ≤ X ≤ hi. Either bound may be ±Infinity (open).
 * Returns a new mask; the input is not modified.
 */
export function resegmentRange(image: Image3D, mask: Mask3D, lo: number, hi: number): Mask3D {
  if (lo > hi) throw new Error(`resegmentRange: lower bound ${lo} is above upper bound ${hi}`);
  const out = new Uint8Array(mask.data.length);
  const d = image.data;
  for (let i = 0; i < out.length; i++) if (mask.data[i] && d[i] >= lo && d[i] <= hi) out[i] = 1;
  return { ...mask, data: out };
}

/**
 * Outlier re-segmentation (IBSI 7ACA): keeps the voxels with μ − nσ ≤ X ≤ μ + nσ, μ and σ (population
 * standard deviation) computed over the voxels of `mask`. Default n = 3. An empty mask is returned as is.
 */
export function resegmentOutliers(image: Image3D, mask: Mask3D, nSigma = 3): Mask3D {
  const d = image.data;
  let n = 0, s = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) { s += d[i]; n++; }
  if (!n) return { ...mask, data: new Uint8Array(mask.data) };
  const mu = s / n;
  let v = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) v += (d[i] - mu) ** 2;
  const sd = Math.sqrt(v / n);
  return resegmentRange(image, mask, mu - nSigma * sd, mu + nSigma * sd);
}

export interface ResegmentationSettings {
  /** [lo, hi]; null for an open bound */
  range?: [number | null, number | null] | null;
  /** outlier filter μ ± nσ; null/undefined: off */
  outlierSigma?: number | null;
}

/**
 * The morphological and intensity masks: range re-segmentation first, then outlier filtering on what
 * remains (the IBSI order).
 */
export function roiMasks(image: Image3D, roi: Mask3D, settings: ResegmentationSettings = {}): { morphMask: Mask3D; intensityMask: Mask3D } {
  let intensityMask = roi;
  if (settings.range) intensityMask = resegmentRange(image, intensityMask, settings.range[0] ?? -Infinity, settings.range[1] ?? Infinity);
  if (settings.outlierSigma != null) intensityMask = resegmentOutliers(image, intensityMask, settings.outlierSigma);
  return { morphMask: roi, intensityMask };
}
