/**
 * Intensity histogram features (IBSI 1, section 3.4, family ZVCW), computed on discretised grey levels
 * 1..N_g of the intensity mask. p_i = n_i / N_v is the probability of grey level i.
 *
 * Statistical features mirror the intensity statistics on the discretised values (same percentile rule:
 * linear interpolation, type 7). Entropy uses log₂. Edge case: an empty ROI gives NaN for everything
 * (reason "empty intensity mask").
 *
 * Reference: Zwanenburg A et al., IBSI reference manual, arXiv:1612.07003, section 3.4.
 */
import {
  type FeatureMap, type ReasonMap,
  percentileSorted, statCoefficientOfVariation, statKurtosis, statMean, statMeanAbsoluteDeviation,
  statMedianAbsoluteDeviationSorted, statQuartileCoefficientOfDispersionSorted, statRobustMeanAbsoluteDeviationSorted,
  statSkewness, statVariance, statisticsNanReason,
} from './intensity-statistics';

/** Histogram counts n_i for grey levels 1..ng (index i−1). Levels outside 1..ng are ignored. */
export function greyLevelHistogram(levels: ArrayLike<number>, ng: number): Float64Array {
  const h = new Float64Array(ng);
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l >= 1 && l <= ng) h[l - 1]++;
  }
  return h;
}

/** Mode (AMMC): the most frequent grey level; ties → the lowest such level (IBSI leaves ties open). */
export function histMode(hist: ArrayLike<number>): number {
  let best = -1, arg = NaN;
  for (let i = 0; i < hist.length; i++) if (hist[i] > best) { best = hist[i]; arg = i + 1; }
  return best > 0 ? arg : NaN;
}

/** Entropy (TLU2): −Σ p_i log₂ p_i. */
export function histEntropy(hist: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < hist.length; i++) n += hist[i];
  if (!n) return NaN;
  let e = 0;
  for (let i = 0; i < hist.length; i++) if (hist[i] > 0) { const p = hist[i] / n; e -= p * Math.log2(p); }
  return e;
}

/** Uniformity (BJ5W): Σ p_i². */
export function histUniformity(hist: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < hist.length; i++) n += hist[i];
  if (!n) return NaN;
  let u = 0;
  for (let i = 0; i < hist.length; i++) u += (hist[i] / n) ** 2;
  return u;
}

/**
 * Histogram gradient H′_i (IBSI): n_2 − n_1 at i = 1, (n_{i+1} − n_{i−1})/2 inside, n_Ng − n_{Ng−1} at i = N_g.
 * Edge case: N_g = 1 → H′ = [0].
 */
export function histGradient(hist: ArrayLike<number>): Float64Array {
  const ng = hist.length;
  const g = new Float64Array(ng);
  if (ng < 2) return g;
  g[0] = hist[1] - hist[0];
  g[ng - 1] = hist[ng - 1] - hist[ng - 2];
  for (let i = 1; i < ng - 1; i++) g[i] = (hist[i + 1] - hist[i - 1]) / 2;
  return g;
}

/** Maximum histogram gradient (12CE) and its grey level (8E6O; first occurrence). */
export function histMaxGradient(hist: ArrayLike<number>): { value: number; level: number } {
  const g = histGradient(hist);
  let v = -Infinity, l = NaN;
  for (let i = 0; i < g.length; i++) if (g[i] > v) { v = g[i]; l = i + 1; }
  return g.length ? { value: v, level: l } : { value: NaN, level: NaN };
}

/** Minimum histogram gradient (VQB3) and its grey level (RHQZ; first occurrence). */
export function histMinGradient(hist: ArrayLike<number>): { value: number; level: number } {
  const g = histGradient(hist);
  let v = Infinity, l = NaN;
  for (let i = 0; i < g.length; i++) if (g[i] < v) { v = g[i]; l = i + 1; }
  return g.length ? { value: v, level: l } : { value: NaN, level: NaN };
}

/**
 * All 23 intensity-histogram features keyed by IBSI tag (`ih_mean`, …): mean X6K6, variance CH89,
 * skewness 88K1, kurtosis C3I7, median WIFQ, minimum 1PR8, P10 (1PR8 as published), P90 GPMT, maximum 3NCY,
 * mode AMMC, IQR WR0O, range 5Z3W, MAD D2ZX, rMAD WRZB, MedAD 4RNL, CoV CWYJ, QCoD SLWD, entropy TLU2,
 * uniformity BJ5W, max gradient 12CE / its level 8E6O, min gradient VQB3 / its level RHQZ.
 */
export function intensityHistogramFeatures(levels: ArrayLike<number>, ng: number, reasons: ReasonMap = {}): FeatureMap {
  const x = Float64Array.from(levels).sort();
  const h = greyLevelHistogram(x, ng);
  const n = x.length;
  const maxG = histMaxGradient(h);
  const minG = histMinGradient(h);
  const f: FeatureMap = {
    ih_mean: statMean(x),
    ih_var: statVariance(x),
    ih_skew: statSkewness(x),
    ih_kurt: statKurtosis(x),
    ih_median: percentileSorted(x, 50),
    ih_min: n ? x[0] : NaN,
    ih_p10: percentileSorted(x, 10),
    ih_p90: percentileSorted(x, 90),
    ih_max: n ? x[n - 1] : NaN,
    ih_mode: histMode(h),
    ih_iqr: percentileSorted(x, 75) - percentileSorted(x, 25),
    ih_range: n ? x[n - 1] - x[0] : NaN,
    ih_mad: statMeanAbsoluteDeviation(x),
    ih_rmad: statRobustMeanAbsoluteDeviationSorted(x),
    ih_medad: statMedianAbsoluteDeviationSorted(x),
    ih_cov: statCoefficientOfVariation(x),
    ih_qcod: statQuartileCoefficientOfDispersionSorted(x),
    ih_entropy: histEntropy(h),
    ih_uniformity: histUniformity(h),
    ih_max_grad: n ? maxG.value : NaN,
    ih_max_grad_g: n ? maxG.level : NaN,
    ih_min_grad: n ? minG.value : NaN,
    ih_min_grad_g: n ? minG.level : NaN,
  };
  for (const k of Object.keys(f)) if (Number.isNaN(f[k])) reasons[k] = statisticsNanReason(k, n);
  return f;
}
