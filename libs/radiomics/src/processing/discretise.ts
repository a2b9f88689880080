/**
 * Intensity discretisation (IBSI 1, section 2.7).
 *
 * Both methods map the intensities of the voxels inside the intensity mask to grey levels 1..N_g and write
 * 0 outside the mask (the {@link DiscretisedImage} contract of the texture families).
 */
import type { DiscretisedImage, Image3D, Mask3D } from '../types';

/**
 * Fixed bin number (FBN, IBSI K15C):
 *   X_d = ⌊N_g (X − X_min) / (X_max − X_min)⌋ + 1, and X_d = N_g when X = X_max,
 * with X_min, X_max the minimum and maximum intensity inside the intensity mask.
 * Edge cases: a flat ROI (X_max = X_min) puts every voxel in bin 1; an empty mask gives ng = 0.
 */
export function discretiseFixedBinNumber(image: Image3D, mask: Mask3D, binCount: number): DiscretisedImage {
  if (!(Number.isInteger(binCount) && binCount >= 1)) throw new Error(`discretiseFixedBinNumber: binCount must be a positive integer, got ${binCount}`);
  const d = image.data;
  const m = mask.data;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < m.length; i++) if (m[i]) { const v = d[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
  const levels = new Int32Array(m.length);
  if (lo === Infinity) return { levels, dims: image.dims, spacing: image.spacing, ng: 0 };
  const range = hi - lo;
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    if (range === 0) { levels[i] = 1; continue; }
    const l = Math.floor((binCount * (d[i] - lo)) / range) + 1;
    levels[i] = l > binCount ? binCount : l;
  }
  return { levels, dims: image.dims, spacing: image.spacing, ng: binCount };
}

/** How the first bin of fixed-bin-size discretisation is placed. */
export type FbsLowerBound = 'ibsi' | 'pyradiomics';

/**
 * Fixed bin size (FBS, IBSI Q3RU): X_d = ⌊(X − X_min) / w_b⌋ + 1.
 *
 * `lowerBound: 'ibsi'` (default): X_min is `options.minimum` — the lower bound of the re-segmentation range
 * when one is set, as IBSI prescribes — or else the minimum intensity in the mask.
 * `lowerBound: 'pyradiomics'`: bin edges are multiples of w_b (PyRadiomics' `getBinEdges`), i.e.
 * X_d = ⌊X / w_b⌋ − ⌊X_min / w_b⌋ + 1 (a documented PyRadiomics deviation from IBSI).
 *
 * N_g is the highest grey level inside the mask. Edge case: an empty mask gives ng = 0. Voxels below an
 * explicit `minimum` get level 1 (they should have been removed by re-segmentation).
 */
export function discretiseFixedBinSize(image: Image3D, mask: Mask3D, binWidth: number, options: { minimum?: number; lowerBound?: FbsLowerBound } = {}): DiscretisedImage {
  if (!(binWidth > 0)) throw new Error(`discretiseFixedBinSize: binWidth must be > 0, got ${binWidth}`);
  const d = image.data;
  const m = mask.data;
  let lo = Infinity;
  for (let i = 0; i < m.length; i++) if (m[i] && d[i] < lo) lo = d[i];
  const levels = new Int32Array(m.length);
  if (lo === Infinity) return { levels, dims: image.dims, spacing: image.spacing, ng: 0 };
  const mode = options.lowerBound ?? 'ibsi';
  const xmin = options.minimum ?? lo;
  let ng = 0;
  const base = Math.floor(xmin / binWidth);
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    let l = mode === 'ibsi' ? Math.floor((d[i] - xmin) / binWidth) + 1 : Math.floor(d[i] / binWidth) - base + 1;
    if (l < 1) l = 1;
    levels[i] = l;
    if (l > ng) ng = l;
  }
  return { levels, dims: image.dims, spacing: image.spacing, ng };
}

/**
 * No discretisation: the intensities are used as grey levels as they are. Every intensity in the mask must
 * be an integer ≥ 1 (e.g. the IBSI digital phantom); N_g is the maximum. Throws otherwise, naming the value.
 */
export function discretiseNone(image: Image3D, mask: Mask3D): DiscretisedImage {
  const d = image.data;
  const m = mask.data;
  const levels = new Int32Array(m.length);
  let ng = 0;
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    const v = d[i];
    if (!Number.isInteger(v) || v < 1) throw new Error(`discretiseNone: intensity ${v} at voxel ${i} is not an integer grey level ≥ 1; choose fixed bin number or fixed bin size`);
    levels[i] = v;
    if (v > ng) ng = v;
  }
  return { levels, dims: image.dims, spacing: image.spacing, ng };
}

/** The grey levels inside the ROI (levels > 0), in voxel order. */
export function roiLevels(img: DiscretisedImage): Int32Array {
  const l = img.levels;
  let n = 0;
  for (let i = 0; i < l.length; i++) if (l[i] > 0) n++;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < l.length; i++) if (l[i] > 0) out[k++] = l[i];
  return out;
}
