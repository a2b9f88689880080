/**
 * Intensity-based statistical features (IBSI 1, section 3.3, family code UHIW).
 *
 * Every function takes the ROI intensities `x` of the intensity mask (N_v voxels). Functions named
 * `...Sorted` need `x` sorted ascending (see {@link sortedCopy}). Variance is the biased (population)
 * variance and kurtosis is excess kurtosis, as IBSI defines them. Percentiles use linear interpolation
 * between order statistics (Hyndman–Fan type 7, NumPy's default, as in PyRadiomics); on the IBSI digital
 * phantom this gives the published P10 = 1 and P90 = 4.
 *
 * Edge case common to all: an empty ROI gives NaN, and {@link intensityStatistics} reports the reason.
 *
 * Reference: Zwanenburg A et al., IBSI reference manual, arXiv:1612.07003, section 3.3.
 */

/** Ascending sorted copy (Float64Array sort is numeric). */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  return float64Copy(x).sort();
}

/** A Float64Array copy of x (by `set`: native for typed arrays; Float64Array.from's iterator path is slow before the JIT). */
export function float64Copy(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  out.set(x);
  return out;
}

/** Mean (Q4LE): μ = (1/N_v) Σ x_k. */
export function statMean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : NaN;
}

/** Central moment m_p = (1/N_v) Σ (x_k − μ)^p. */
export function centralMoment(x: ArrayLike<number>, p: number, mean = statMean(x)): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - mean) ** p;
  return x.length ? s / x.length : NaN;
}

/** Variance (ECT3): σ² = (1/N_v) Σ (x_k − μ)² (biased). */
export function statVariance(x: ArrayLike<number>): number {
  return centralMoment(x, 2);
}

/** Skewness (KE2A): m₃ / σ³. Edge case: σ = 0 (flat ROI) → 0 (IBSI convention). */
export function statSkewness(x: ArrayLike<number>): number {
  const mu = statMean(x);
  const m2 = centralMoment(x, 2, mu);
  if (!(m2 > 0)) return x.length ? 0 : NaN;
  return centralMoment(x, 3, mu) / m2 ** 1.5;
}

/** Excess kurtosis (IPH6): m₄ / σ⁴ − 3. Edge case: σ = 0 → 0 (IBSI convention). */
export function statKurtosis(x: ArrayLike<number>): number {
  const mu = statMean(x);
  const m2 = centralMoment(x, 2, mu);
  if (!(m2 > 0)) return x.length ? 0 : NaN;
  return centralMoment(x, 4, mu) / (m2 * m2) - 3;
}

/** p-th percentile (0..100) of sorted data, linear interpolation at rank (N−1)·p/100 (type 7). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (!n) return NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Median (Y12H): P50. */
export function statMedianSorted(sorted: ArrayLike<number>): number {
  return percentileSorted(sorted, 50);
}

/** Minimum (1GSF). */
export function statMinimum(x: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] < m) m = x[i];
  return x.length ? m : NaN;
}

/** Maximum (84IY). */
export function statMaximum(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  return x.length ? m : NaN;
}

/** 10th percentile (QG58). */
export function statP10Sorted(sorted: ArrayLike<number>): number {
  return percentileSorted(sorted, 10);
}

/** 90th percentile (8DWT). */
export function statP90Sorted(sorted: ArrayLike<number>): number {
  return percentileSorted(sorted, 90);
}

/** Interquartile range (SALO): P75 − P25. */
export function statInterquartileRangeSorted(sorted: ArrayLike<number>): number {
  return percentileSorted(sorted, 75) - percentileSorted(sorted, 25);
}

/** Range (2OJQ): max − min. */
export function statRange(x: ArrayLike<number>): number {
  return statMaximum(x) - statMinimum(x);
}

/** Mean absolute deviation (4FUA): (1/N_v) Σ |x_k − μ|. */
export function statMeanAbsoluteDeviation(x: ArrayLike<number>): number {
  const mu = statMean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.abs(x[i] - mu);
  return x.length ? s / x.length : NaN;
}

/**
 * Robust mean absolute deviation (1128): mean absolute deviation from their own mean of the voxels with
 * P10 ≤ x ≤ P90. Edge case: with interpolated percentiles the set can be empty (e.g. two distinct values:
 * P10 and P90 fall strictly between them) → NaN.
 */
export function statRobustMeanAbsoluteDeviationSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (!n) return NaN;
  const p10 = percentileSorted(sorted, 10);
  const p90 = percentileSorted(sorted, 90);
  let s = 0;
  let m = 0;
  for (let i = 0; i < n; i++) if (sorted[i] >= p10 && sorted[i] <= p90) { s += sorted[i]; m++; }
  if (!m) return NaN;
  const mu = s / m;
  let d = 0;
  for (let i = 0; i < n; i++) if (sorted[i] >= p10 && sorted[i] <= p90) d += Math.abs(sorted[i] - mu);
  return d / m;
}

/** Median absolute deviation (N72L): (1/N_v) Σ |x_k − M|, M the median (a mean, as IBSI defines it). */
export function statMedianAbsoluteDeviationSorted(sorted: ArrayLike<number>): number {
  const med = statMedianSorted(sorted);
  let s = 0;
  for (let i = 0; i < sorted.length; i++) s += Math.abs(sorted[i] - med);
  return sorted.length ? s / sorted.length : NaN;
}

/** Coefficient of variation (7TET): σ / μ. Edge case: μ = 0 → NaN (reason: zero mean). */
export function statCoefficientOfVariation(x: ArrayLike<number>): number {
  const mu = statMean(x);
  return mu === 0 ? NaN : Math.sqrt(statVariance(x)) / mu;
}

/** Quartile coefficient of dispersion (9S40): (P75 − P25) / (P75 + P25). Edge case: P75 + P25 = 0 → NaN. */
export function statQuartileCoefficientOfDispersionSorted(sorted: ArrayLike<number>): number {
  const q1 = percentileSorted(sorted, 25);
  const q3 = percentileSorted(sorted, 75);
  return q1 + q3 === 0 ? NaN : (q3 - q1) / (q3 + q1);
}

/** Energy (N8CA): Σ x_k². */
export function statEnergy(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** Root mean square (5ZWQ): √((1/N_v) Σ x_k²). */
export function statRootMeanSquare(x: ArrayLike<number>): number {
  return x.length ? Math.sqrt(statEnergy(x) / x.length) : NaN;
}

/** The reason a statistics / histogram feature is NaN (keys `stat_*`, `ih_*`, PyRadiomics `firstorder_*`). */
export function statisticsNanReason(key: string, n: number): string {
  if (n === 0) return 'empty intensity mask';
  if (/_cov$|CoefficientOfVariation/.test(key)) return 'mean is 0';
  if (/_qcod$/.test(key)) return 'P75 + P25 is 0';
  if (/_rmad$|RobustMeanAbsoluteDeviation/.test(key)) return 'no voxel lies between the 10th and 90th percentiles (too few distinct values)';
  return 'undefined for this ROI';
}

export type FeatureMap = Record<string, number>;
export type ReasonMap = Record<string, string>;

/** All 18 intensity-based statistics, keyed by IBSI feature tag (`stat_mean`, …). */
export function intensityStatistics(x: ArrayLike<number>, reasons: ReasonMap = {}): FeatureMap {
  const s = sortedCopy(x);
  const f: FeatureMap = {
    stat_mean: statMean(s),
    stat_var: statVariance(s),
    stat_skew: statSkewness(s),
    stat_kurt: statKurtosis(s),
    stat_median: statMedianSorted(s),
    stat_min: s.length ? s[0] : NaN,
    stat_p10: statP10Sorted(s),
    stat_p90: statP90Sorted(s),
    stat_max: s.length ? s[s.length - 1] : NaN,
    stat_iqr: statInterquartileRangeSorted(s),
    stat_range: statRange(s),
    stat_mad: statMeanAbsoluteDeviation(s),
    stat_rmad: statRobustMeanAbsoluteDeviationSorted(s),
    stat_medad: statMedianAbsoluteDeviationSorted(s),
    stat_cov: statCoefficientOfVariation(s),
    stat_qcod: statQuartileCoefficientOfDispersionSorted(s),
    stat_energy: statEnergy(s),
    stat_rms: statRootMeanSquare(s),
  };
  for (const k of Object.keys(f)) if (Number.isNaN(f[k])) reasons[k] = statisticsNanReason(k, s.length);
  return f;
}
