/**
 * GLCM features (IBSI 1, section 3.6). Every feature is a pure function of the normalised
 * co-occurrence probabilities {@link GlcmProbabilities}, built once per matrix by
 * {@link glcmProbabilities}. Grey levels are 1-based: p_ij is `p[(i - 1) * ng + (j - 1)]`.
 *
 * Notation (IBSI): p_ij joint probability; p_i. / p_.j marginals; p_{i+j}(k), k = 2..2Ng, and
 * p_{i−j}(k), k = 0..Ng−1, the diagonal and cross-diagonal probabilities; μ_i, σ_i the marginal
 * mean and standard deviation. Entropies use log2. Reference: Zwanenburg A et al., IBSI reference
 * manual, arXiv:1612.07003, section 3.6.
 */
import type { CooccurrenceMatrix } from './types';

/** Normalised co-occurrence probabilities and their marginals, computed once per matrix. */
export interface GlcmProbabilities {
  ng: number;
  /** p_ij, ng × ng, row i−1, column j−1 */
  p: Float64Array;
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

/**
 * Normalises a co-occurrence matrix and computes its marginals.
 * @throws when the matrix holds no pair (a matrix without pairs has no probabilities; callers skip it)
 */
export function glcmProbabilities(m: CooccurrenceMatrix): GlcmProbabilities {
  const { ng, counts } = m;
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k];
  if (!(total > 0)) throw new Error(`glcmProbabilities: the ${ng}×${ng} co-occurrence matrix holds no voxel pair`);
  const p = new Float64Array(ng * ng);
  const px = new Float64Array(ng);
  const py = new Float64Array(ng);
  const pSum = new Float64Array(2 * ng + 1);
  const pDiff = new Float64Array(ng);
  for (let i = 0; i < ng; i++) {
    for (let j = 0; j < ng; j++) {
      const v = counts[i * ng + j] / total;
      p[i * ng + j] = v;
      px[i] += v;
      py[j] += v;
      pSum[i + j + 2] += v;
      pDiff[i > j ? i - j : j - i] += v;
    }
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
  return { ng, p, px, py, pSum, pDiff, muX, muY, sigmaX: Math.sqrt(vx), sigmaY: Math.sqrt(vy) };
}

/** Joint maximum (GYBY): F = max p_ij. Always defined. */
export function glcmJointMaximum(g: GlcmProbabilities): number {
  let m = 0;
  for (let k = 0; k < g.p.length; k++) if (g.p[k] > m) m = g.p[k];
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
  return entropy(g.p);
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
  for (let k = 0; k < g.p.length; k++) s += g.p[k] * g.p[k];
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
  const { ng, p, muX, muY } = g;
  const d = g.sigmaX * g.sigmaY;
  if (!(d > 0)) return Number.NaN;
  let s = 0;
  for (let i = 0; i < ng; i++) for (let j = 0; j < ng; j++) s += (i + 1 - muX) * (j + 1 - muY) * p[i * ng + j];
  return s / d;
}

/** Autocorrelation (QWB0): F = Σ_i Σ_j i j p_ij. */
export function glcmAutocorrelation(g: GlcmProbabilities): number {
  const { ng, p } = g;
  let s = 0;
  for (let i = 0; i < ng; i++) for (let j = 0; j < ng; j++) s += (i + 1) * (j + 1) * p[i * ng + j];
  return s;
}

function clusterMoment(g: GlcmProbabilities, power: number): number {
  const { ng, p } = g;
  const mu = g.muX + g.muY;
  let s = 0;
  for (let i = 0; i < ng; i++) for (let j = 0; j < ng; j++) s += (i + j + 2 - mu) ** power * p[i * ng + j];
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
  const { ng, p, px, py } = g;
  const hx = entropy(px);
  if (!(hx > 0)) return Number.NaN;
  let hxy1 = 0;
  for (let i = 0; i < ng; i++)
    for (let j = 0; j < ng; j++) {
      const v = p[i * ng + j];
      if (v > 0) hxy1 -= v * Math.log2(px[i] * py[j]);
    }
  return (entropy(p) - hxy1) / hx;
}

/**
 * Information correlation 2 (JN9H): F = √(1 − exp(−2 (HXY2 − HXY))), with
 * HXY2 = −Σ_i Σ_j p_i. p_.j log2(p_i. p_.j). 0 for a single grey level (HXY2 = HXY = 0).
 * Rounding can make HXY2 − HXY a tiny negative number; it is clamped at 0.
 */
export function glcmInformationCorrelation2(g: GlcmProbabilities): number {
  const { ng, px, py } = g;
  let hxy2 = 0;
  for (let i = 0; i < ng; i++)
    for (let j = 0; j < ng; j++) {
      const v = px[i] * py[j];
      if (v > 0) hxy2 -= v * Math.log2(v);
    }
  const d = Math.max(0, hxy2 - entropy(g.p));
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
