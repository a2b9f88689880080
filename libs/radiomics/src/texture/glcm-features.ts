/**
 * GLCM features (IBSI 1, section 3.6). Every feature is a pure function of the normalised
 * co-occurrence probabilities {@link GlcmProbabilities}, built once per matrix by
 * {@link glcmProbabilities} (dense input) or {@link glcmProbabilitiesSparse}. Grey levels are 1-based;
 * the non-zero cells are listed with their linear index (i − 1)·Ng + (j − 1).
 *
 * Notation (IBSI): p_ij joint probability; p_i. / p_.j marginals; p_{i+j}(k), k = 2..2Ng, and
 * p_{i−j}(k), k = 0..Ng−1, the diagonal and cross-diagonal probabilities; μ_i, σ_i the marginal
 * mean and standard deviation. Entropies use log2. Reference: Zwanenburg A et al., IBSI reference
 * manual, arXiv:1612.07003, section 3.6.
 */
import type { CooccurrenceMatrix } from './types';

/**
 * Normalised co-occurrence probabilities and their marginals, computed once per matrix. The joint
 * distribution is stored sparsely (only non-zero cells), so every feature costs O(non-zero cells + Ng)
 * instead of O(Ng²) — a ROI with thousands of grey levels (undiscretised CT) stays fast.
 */
export interface GlcmProbabilities {
  ng: number;
  /** linear index (i − 1) · ng + (j − 1) of each non-zero cell */
  idx: Int32Array;
  /** p_ij of each non-zero cell */
  val: Float64Array;
  /** row marginal p_i. (index i−1) */
  px: Float64Array;
  /** column marginal p_.j (index j−1) */
  py: Float64Array;
  /** p_{i+j}(k) at index k (0..2ng; k < 2 unused) */
  pSum: Float64Array;
  /** p_{i−j}(k) at index k = |i − j| (0..ng−1) */
  pDiff: Float64Array;
  muX: number;
  muY: number;
  sigmaX: number;
  sigmaY: number;
}

/** Non-zero cells of a co-occurrence matrix: linear indices (unique) and counts. */
export interface SparseCounts {
  idx: Int32Array;
  cnt: Float64Array;
}

/**
 * Normalises a dense co-occurrence matrix and computes its marginals.
 * @throws when the matrix holds no pair (a matrix without pairs has no probabilities; callers skip it)
 */
export function glcmProbabilities(m: CooccurrenceMatrix): GlcmProbabilities {
  let n = 0;
  for (let k = 0; k < m.counts.length; k++) if (m.counts[k] !== 0) n++;
  const idx = new Int32Array(n);
  const cnt = new Float64Array(n);
  n = 0;
  for (let k = 0; k < m.counts.length; k++)
    if (m.counts[k] !== 0) {
      idx[n] = k;
      cnt[n++] = m.counts[k];
    }
  return glcmProbabilitiesSparse(m.ng, { idx, cnt });
}

/**
 * Normalises a sparse co-occurrence matrix (unique cell indices) and computes its marginals, O(cells + Ng).
 * @throws when the matrix holds no pair
 */
export function glcmProbabilitiesSparse(ng: number, m: SparseCounts): GlcmProbabilities {
  const { idx, cnt } = m;
  let total = 0;
  for (let k = 0; k < cnt.length; k++) total += cnt[k];
  if (!(total > 0)) throw new Error(`glcmProbabilities: the ${ng}×${ng} co-occurrence matrix holds no voxel pair`);
  const val = new Float64Array(cnt.length);
  const px = new Float64Array(ng);
  const py = new Float64Array(ng);
  const pSum = new Float64Array(2 * ng + 1);
  const pDiff = new Float64Array(ng);
  for (let k = 0; k < idx.length; k++) {
    const v = cnt[k] / total;
    val[k] = v;
    const i = (idx[k] / ng) | 0;
    const j = idx[k] - i * ng;
    px[i] += v;
    py[j] += v;
    pSum[i + j + 2] += v;
    pDiff[i > j ? i - j : j - i] += v;
  }
  let muX = 0;
  let muY = 0;
  for (let i = 0; i < ng; i++) {
    muX += (i + 1) * px[i];
    muY += (i + 1) * py[i];
  }
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < ng; i++) {
    vx += (i + 1 - muX) ** 2 * px[i];
    vy += (i + 1 - muY) ** 2 * py[i];
  }
  return { ng, idx, val, px, py, pSum, pDiff, muX, muY, sigmaX: Math.sqrt(vx), sigmaY: Math.sqrt(vy) };
}

/** Joint maximum (GYBY): F = max p_ij. Always defined. */
export function glcmJointMaximum(g: GlcmProbabilities): number {
  let m = 0;
  for (let k = 0; k < g.val.length; k++) if (g.val[k] > m) m = g.val[k];
  return m;
}

/** Joint average (60VM): F = Σ_i Σ_j i p_ij. Always defined. */
export function glcmJointAverage(g: GlcmProbabilities): number {
  return g.muX;
}

/** Joint variance (UR99): F = Σ_i Σ_j (i − μ)² p_ij with μ the joint average. 0 for one grey level. */
export function glcmJointVariance(g: GlcmProbabilities): number {
  return g.sigmaX * g.sigmaX;
}

/** Joint entropy (TU9B): F = −Σ_i Σ_j p_ij log2 p_ij (terms with p_ij = 0 are 0). */
export function glcmJointEntropy(g: GlcmProbabilities): number {
  return entropy(g.val);
}

/** Difference average (TF7R): F = Σ_{k=0}^{Ng−1} k p_{i−j}(k). */
export function glcmDifferenceAverage(g: GlcmProbabilities): number {
  let s = 0;
  for (let k = 1; k < g.ng; k++) s += k * g.pDiff[k];
  return s;
}

/** Difference variance (D3YU): F = Σ_k (k − μ_{i−j})² p_{i−j}(k), μ_{i−j} the difference average. */
export function glcmDifferenceVariance(g: GlcmProbabilities): number {
  const mu = glcmDifferenceAverage(g);
  let s = 0;
  for (let k = 0; k < g.ng; k++) s += (k - mu) ** 2 * g.pDiff[k];
  return s;
}

/** Difference entropy (NTRS): F = −Σ_k p_{i−j}(k) log2 p_{i−j}(k). */
export function glcmDifferenceEntropy(g: GlcmProbabilities): number {
  return entropy(g.pDiff);
}

/** Sum average (ZGXS): F = Σ_{k=2}^{2Ng} k p_{i+j}(k). */
export function glcmSumAverage(g: GlcmProbabilities): number {
  let s = 0;
  for (let k = 2; k <= 2 * g.ng; k++) s += k * g.pSum[k];
  return s;
}

/** Sum variance (OEEB): F = Σ_k (k − μ_{i+j})² p_{i+j}(k), μ_{i+j} the sum average. */
export function glcmSumVariance(g: GlcmProbabilities): number {
  const mu = glcmSumAverage(g);
  let s = 0;
  for (let k = 2; k <= 2 * g.ng; k++) s += (k - mu) ** 2 * g.pSum[k];
  return s;
}

/** Sum entropy (P6QZ): F = −Σ_k p_{i+j}(k) log2 p_{i+j}(k). */
export function glcmSumEntropy(g: GlcmProbabilities): number {
  return entropy(g.pSum);
}

/** Angular second moment / energy (8ZQL): F = Σ_i Σ_j p_ij². 1 for a single occupied cell. */
export function glcmAngularSecondMoment(g: GlcmProbabilities): number {
  let s = 0;
  for (let k = 0; k < g.val.length; k++) s += g.val[k] * g.val[k];
  return s;
}

/** Contrast (ACUI): F = Σ_i Σ_j (i − j)² p_ij. */
export function glcmContrast(g: GlcmProbabilities): number {
  let s = 0;
  for (let k = 1; k < g.ng; k++) s += k * k * g.pDiff[k];
  return s;
}

/** Dissimilarity (8S9J): F = Σ_i Σ_j |i − j| p_ij (equals the difference average). */
export function glcmDissimilarity(g: GlcmProbabilities): number {
  return glcmDifferenceAverage(g);
}

/** Inverse difference (IB1Z): F = Σ_k p_{i−j}(k) / (1 + k). */
export function glcmInverseDifference(g: GlcmProbabilities): number {
  let s = 0;
  for (let k = 0; k < g.ng; k++) s += g.pDiff[k] / (1 + k);
  return s;
}

/** Normalised inverse difference (NDRX): F = Σ_k p_{i−j}(k) / (1 + k / Ng), Ng the number of grey levels. */
export function glcmNormalisedInverseDifference(g: GlcmProbabilities): number {
  let s = 0;
  for (let k = 0; k < g.ng; k++) s += g.pDiff[k] / (1 + k / g.ng);
  return s;
}

/** Inverse difference moment (WF0Z): F = Σ_k p_{i−j}(k) / (1 + k²). */
export function glcmInverseDifferenceMoment(g: GlcmProbabilities): number {
  let s = 0;
  for (let k = 0; k < g.ng; k++) s += g.pDiff[k] / (1 + k * k);
  return s;
}

/** Normalised inverse difference moment (1QCO): F = Σ_k p_{i−j}(k) / (1 + k² / Ng²). */
export function glcmNormalisedInverseDifferenceMoment(g: GlcmProbabilities): number {
  let s = 0;
  const n2 = g.ng * g.ng;
  for (let k = 0; k < g.ng; k++) s += g.pDiff[k] / (1 + (k * k) / n2);
  return s;
}

/** Inverse variance (E8JP): F = Σ_{k=1}^{Ng−1} p_{i−j}(k) / k² (the diagonal i = j is left out). 0 when only i = j pairs occur. */
export function glcmInverseVariance(g: GlcmProbabilities): number {
  let s = 0;
  for (let k = 1; k < g.ng; k++) s += g.pDiff[k] / (k * k);
  return s;
}

/**
 * Correlation (NI2N): F = Σ_i Σ_j (i − μ_i)(j − μ_j) p_ij / (σ_i σ_j).
 * NaN when σ_i σ_j = 0 (a single grey level in the matrix: correlation is undefined, 0/0).
 */
export function glcmCorrelation(g: GlcmProbabilities): number {
  const { ng, idx, val, muX, muY } = g;
  const d = g.sigmaX * g.sigmaY;
  if (!(d > 0)) return Number.NaN;
  let s = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = (idx[k] / ng) | 0;
    const j = idx[k] - i * ng;
    s += (i + 1 - muX) * (j + 1 - muY) * val[k];
  }
  return s / d;
}

/** Autocorrelation (QWB0): F = Σ_i Σ_j i j p_ij. */
export function glcmAutocorrelation(g: GlcmProbabilities): number {
  const { ng, idx, val } = g;
  let s = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = (idx[k] / ng) | 0;
    const j = idx[k] - i * ng;
    s += (i + 1) * (j + 1) * val[k];
  }
  return s;
}

function clusterMoment(g: GlcmProbabilities, power: number): number {
  // Σ_ij (i + j − μ)^k p_ij = Σ_s (s − μ)^k p_{i+j}(s)
  const mu = g.muX + g.muY;
  let s = 0;
  for (let k = 2; k < g.pSum.length; k++) if (g.pSum[k] !== 0) s += (k - mu) ** power * g.pSum[k];
  return s;
}

/** Cluster tendency (DG8W): F = Σ_i Σ_j (i + j − μ_i − μ_j)² p_ij. */
export function glcmClusterTendency(g: GlcmProbabilities): number {
  return clusterMoment(g, 2);
}

/** Cluster shade (7NFM): F = Σ_i Σ_j (i + j − μ_i − μ_j)³ p_ij. */
export function glcmClusterShade(g: GlcmProbabilities): number {
  return clusterMoment(g, 3);
}

/** Cluster prominence (AE86): F = Σ_i Σ_j (i + j − μ_i − μ_j)⁴ p_ij. */
export function glcmClusterProminence(g: GlcmProbabilities): number {
  return clusterMoment(g, 4);
}

/**
 * Information correlation 1 (R8DG): F = (HXY − HXY1) / HX, with HXY the joint entropy,
 * HX = −Σ_i p_i. log2 p_i. and HXY1 = −Σ_i Σ_j p_ij log2(p_i. p_.j).
 * NaN when HX = 0 (a single grey level: the marginal carries no information, 0/0).
 */
export function glcmInformationCorrelation1(g: GlcmProbabilities): number {
  const { ng, idx, val, px, py } = g;
  const hx = entropy(px);
  if (!(hx > 0)) return Number.NaN;
  let hxy1 = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = (idx[k] / ng) | 0;
    const j = idx[k] - i * ng;
    hxy1 -= val[k] * Math.log2(px[i] * py[j]);
  }
  return (entropy(val) - hxy1) / hx;
}

/**
 * Information correlation 2 (JN9H): F = √(1 − exp(−2 (HXY2 − HXY))), with
 * HXY2 = −Σ_i Σ_j p_i. p_.j log2(p_i. p_.j) = HX + HY (the marginals sum to 1), computed in O(Ng).
 * 0 for a single grey level (HXY2 = HXY = 0). Rounding can make HXY2 − HXY a tiny negative number;
 * it is clamped at 0.
 */
export function glcmInformationCorrelation2(g: GlcmProbabilities): number {
  const hxy2 = entropy(g.px) + entropy(g.py);
  const d = Math.max(0, hxy2 - entropy(g.val));
  return Math.sqrt(1 - Math.exp(-2 * d));
}

function entropy(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const v = a[k];
    if (v > 0) s -= v * Math.log2(v);
  }
  return s;
}

/** One GLCM feature: stable key, IBSI name and code, function, and the reason a NaN value has. */
export interface FeatureDescriptor<M> {
  key: string;
  name: string;
  ibsiCode: string;
  fn: (m: M) => number;
  /** why the feature can be NaN, where it can */
  nanReason?: string;
}

/** The 25 IBSI GLCM features in IBSI order, with their stable keys (`glcm_<key>_<aggregation>`). */
export const GLCM_FEATURES: readonly FeatureDescriptor<GlcmProbabilities>[] = [
  { key: 'joint_max', name: 'Joint maximum', ibsiCode: 'GYBY', fn: glcmJointMaximum },
  { key: 'joint_avg', name: 'Joint average', ibsiCode: '60VM', fn: glcmJointAverage },
  { key: 'joint_var', name: 'Joint variance', ibsiCode: 'UR99', fn: glcmJointVariance },
  { key: 'joint_entr', name: 'Joint entropy', ibsiCode: 'TU9B', fn: glcmJointEntropy },
  { key: 'diff_avg', name: 'Difference average', ibsiCode: 'TF7R', fn: glcmDifferenceAverage },
  { key: 'diff_var', name: 'Difference variance', ibsiCode: 'D3YU', fn: glcmDifferenceVariance },
  { key: 'diff_entr', name: 'Difference entropy', ibsiCode: 'NTRS', fn: glcmDifferenceEntropy },
  { key: 'sum_avg', name: 'Sum average', ibsiCode: 'ZGXS', fn: glcmSumAverage },
  { key: 'sum_var', name: 'Sum variance', ibsiCode: 'OEEB', fn: glcmSumVariance },
  { key: 'sum_entr', name: 'Sum entropy', ibsiCode: 'P6QZ', fn: glcmSumEntropy },
  { key: 'energy', name: 'Angular second moment', ibsiCode: '8ZQL', fn: glcmAngularSecondMoment },
  { key: 'contrast', name: 'Contrast', ibsiCode: 'ACUI', fn: glcmContrast },
  { key: 'dissimilarity', name: 'Dissimilarity', ibsiCode: '8S9J', fn: glcmDissimilarity },
  { key: 'inv_diff', name: 'Inverse difference', ibsiCode: 'IB1Z', fn: glcmInverseDifference },
  { key: 'inv_diff_norm', name: 'Normalised inverse difference', ibsiCode: 'NDRX', fn: glcmNormalisedInverseDifference },
  { key: 'inv_diff_mom', name: 'Inverse difference moment', ibsiCode: 'WF0Z', fn: glcmInverseDifferenceMoment },
  {
    key: 'inv_diff_mom_norm',
    name: 'Normalised inverse difference moment',
    ibsiCode: '1QCO',
    fn: glcmNormalisedInverseDifferenceMoment,
  },
  { key: 'inv_var', name: 'Inverse variance', ibsiCode: 'E8JP', fn: glcmInverseVariance },
  {
    key: 'corr',
    name: 'Correlation',
    ibsiCode: 'NI2N',
    fn: glcmCorrelation,
    nanReason: 'GLCM correlation is undefined (0/0): the matrix holds a single grey level, so σ_i σ_j = 0',
  },
  { key: 'auto_corr', name: 'Autocorrelation', ibsiCode: 'QWB0', fn: glcmAutocorrelation },
  { key: 'clust_tend', name: 'Cluster tendency', ibsiCode: 'DG8W', fn: glcmClusterTendency },
  { key: 'clust_shade', name: 'Cluster shade', ibsiCode: '7NFM', fn: glcmClusterShade },
  { key: 'clust_prom', name: 'Cluster prominence', ibsiCode: 'AE86', fn: glcmClusterProminence },
  {
    key: 'info_corr1',
    name: 'Information correlation 1',
    ibsiCode: 'R8DG',
    fn: glcmInformationCorrelation1,
    nanReason: 'GLCM information correlation 1 is undefined (0/0): the matrix holds a single grey level, so HX = 0',
  },
  { key: 'info_corr2', name: 'Information correlation 2', ibsiCode: 'JN9H', fn: glcmInformationCorrelation2 },
];
