/**
 * Intensity-volume histogram features (IBSI 1, section 3.5, family P88C).
 *
 * Input: the ROI intensities after the IVH discretisation (discrete intensities X on a grid
 * X_min, X_min + w, …, X_max with step w: calibrated integers such as HU with w = 1, fixed-bin-size
 * values, or grey levels 1..N_g with w = 1). The intensity fraction is γ(X) = (X − X_min)/(X_max − X_min),
 * where X_min/X_max are the re-segmentation range bounds when given (calibrated units) or else the ROI
 * minimum/maximum. The fractional volume ν(X) is the fraction of ROI voxels with intensity ≥ X.
 *
 * Edge cases: empty ROI → NaN; X_max = X_min → γ is 0 for the only level, V_x = 1 for x ≤ 0, I_x = X_min
 * and AUC = 0 (IBSI); when no grid intensity has ν ≤ x, I_x = X_max + w (the first intensity above the ROI).
 *
 * Choosing the grid (IBSI 3.5): discrete calibrated intensities (CT): the values as they are, w = 1, range =
 * the re-segmentation range (upper bound max(X) when half-open) or [min X, max X]; continuous calibrated
 * (PET): fixed-bin-size bins replaced by their centres X_min + (X_d − 0.5) w_b, range [X_min + w_b/2,
 * X_max − w_b/2], w = w_b; arbitrary units: fixed bin number levels 1..N_g, w = 1, range [1, N_g]. The
 * `extractFeatures` pipeline does this from `ivhDiscretisation`.
 *
 * Reference: Zwanenburg A et al., IBSI reference manual, arXiv:1612.07003, section 3.5.
 */
import type { FeatureMap, ReasonMap } from './intensity-statistics';

export interface IvhOptions {
  /** grid step w (default 1) */
  step?: number;
  /** X_min of the intensity fraction (default: ROI minimum) */
  min?: number;
  /** X_max of the intensity fraction (default: ROI maximum) */
  max?: number;
}

/** The IVH curve: grid intensities X_k and their fractional volumes ν_k = P(X ≥ X_k). */
export function ivhCurve(x: ArrayLike<number>, options: IvhOptions = {}): { intensities: Float64Array; volumes: Float64Array; min: number; max: number; step: number } {
  const step = options.step ?? 1;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < x.length; i++) { if (x[i] < lo) lo = x[i]; if (x[i] > hi) hi = x[i]; }
  const min = options.min ?? lo;
  const max = options.max ?? hi;
  if (!x.length) return { intensities: new Float64Array(0), volumes: new Float64Array(0), min, max, step };
  const nk = Math.max(1, Math.round((max - min) / step) + 1);
  if (nk > 1e7) throw new Error(`ivhCurve: ${nk} intensity levels between ${min} and ${max} with step ${step}; discretise first (ivhDiscretisation)`);
  const counts = new Float64Array(nk + 1);
  for (let i = 0; i < x.length; i++) {
    let k = Math.round((x[i] - min) / step);
    if (k < 0) k = 0; else if (k > nk - 1) k = nk - 1;
    counts[k]++;
  }
  const volumes = new Float64Array(nk);
  let acc = 0;
  for (let k = nk - 1; k >= 0; k--) { acc += counts[k]; volumes[k] = acc / x.length; }
  const intensities = new Float64Array(nk);
  for (let k = 0; k < nk; k++) intensities[k] = min + k * step;
  return { intensities, volumes, min, max, step };
}

/** Volume at intensity fraction (BC2M): V_x = ν at the lowest grid intensity with γ ≥ x (x in 0..1). */
export function ivhVolumeAtIntensityFraction(curve: ReturnType<typeof ivhCurve>, fraction: number): number {
  const { intensities, volumes, min, max } = curve;
  if (!volumes.length) return NaN;
  for (let k = 0; k < intensities.length; k++) {
    const g = max === min ? 0 : (intensities[k] - min) / (max - min);
    if (g >= fraction - 1e-12) return volumes[k];
  }
  return 0;
}

/** Intensity at volume fraction (GBPN): I_x = the lowest grid intensity with ν ≤ x (x in 0..1). */
export function ivhIntensityAtVolumeFraction(curve: ReturnType<typeof ivhCurve>, fraction: number): number {
  const { intensities, volumes, step } = curve;
  if (!volumes.length) return NaN;
  for (let k = 0; k < intensities.length; k++) if (volumes[k] <= fraction + 1e-12) return intensities[k];
  return intensities[intensities.length - 1] + step;
}

/** Area under the IVH curve (9CMM; no IBSI reference value): trapezoidal ∫ ν dγ over γ ∈ [0, 1]. */
export function ivhAreaUnderCurve(curve: ReturnType<typeof ivhCurve>): number {
  const { intensities, volumes, min, max } = curve;
  if (!volumes.length) return NaN;
  if (max === min || volumes.length < 2) return 0; // IBSI: one discretised intensity → AUC = 0
  let a = 0;
  for (let k = 1; k < volumes.length; k++) {
    const g0 = (intensities[k - 1] - min) / (max - min);
    const g1 = (intensities[k] - min) / (max - min);
    a += ((volumes[k - 1] + volumes[k]) / 2) * (g1 - g0);
  }
  return a;
}

/**
 * IVH features keyed by IBSI tag: ivh_v10, ivh_v90 (BC2M), ivh_i10, ivh_i90 (GBPN), ivh_diff_v10_v90 (DDTU),
 * ivh_diff_i10_i90 (CNV2), ivh_auc (9CMM).
 */
export function ivhFeatures(x: ArrayLike<number>, options: IvhOptions = {}, reasons: ReasonMap = {}): FeatureMap {
  const c = ivhCurve(x, options);
  const v10 = ivhVolumeAtIntensityFraction(c, 0.1);
  const v90 = ivhVolumeAtIntensityFraction(c, 0.9);
  const i10 = ivhIntensityAtVolumeFraction(c, 0.1);
  const i90 = ivhIntensityAtVolumeFraction(c, 0.9);
  const f: FeatureMap = {
    ivh_v10: v10, ivh_v90: v90, ivh_i10: i10, ivh_i90: i90,
    ivh_diff_v10_v90: v10 - v90, ivh_diff_i10_i90: i10 - i90, ivh_auc: ivhAreaUnderCurve(c),
  };
  if (!x.length) for (const k of Object.keys(f)) reasons[k] = 'empty intensity mask';
  return f;
}
