/**
 * PyRadiomics 3.1 texture classes (glcm, glrlm, glszm, gldm, ngtdm) on a discretised ROI, with
 * PyRadiomics' own feature names (`glcm_JointEnergy`, `gldm_DependenceEntropy`, …) and conventions.
 *
 * PyRadiomics computes (`distances` default [1]; other distances use PyRadiomics' angle set, see
 * {@link pyradiomicsAngles}):
 * - GLCM and GLRLM: one symmetric matrix per angle over the whole ROI (13 angles in 3D, the 4 in-plane
 *   ones with `force2D`), features per angle, then the mean over angles ignoring NaN — IBSI `3D_avg`
 *   (ITBB), or `2.5D_dmrg` (JJUI) with `force2D`. Angles along an axis where the ROI's bounding box is
 *   one voxel thick are not used (PyRadiomics' `generateAngles`); this matters for GLRLM only.
 * - GLSZM, GLDM (= IBSI NGLDM), NGTDM: one matrix — IBSI `3D` (KOBO), or `2.5D` (62GR) with `force2D`.
 *
 * PyRadiomics settings: `symmetricalGLCM: false` keeps PyRadiomics' one-direction GLCM of each angle
 * ({@link pyradiomicsGlcmCounts}); `weightingNorm` merges the GLCM / GLRLM angles into one matrix with
 * {@link pyradiomicsAngleWeight} weights.
 *
 * Deviations from IBSI implemented here, each as PyRadiomics documents it:
 * - N_g in IDN / IDMN is the largest grey level present in the ROI (PyRadiomics `coefficients['Ng']`),
 *   not the number of bins;
 * - GLCM Correlation is 1 for an angle whose σ_x σ_y = 0 (IBSI: undefined);
 * - GLCM Imc1 is (HXY − HXY1) / max(HX, HY), 0 when both are 0;
 * - GLCM Imc2 is 0 when HXY2 = HXY and NaN (ignored by the angle mean) when rounding makes HXY2 < HXY;
 * - GLCM MCC (maximal correlation coefficient, not in IBSI): √ of the second largest eigenvalue of
 *   Q(i, j) = Σ_k p(i,k) p(j,k) / (p_x(i) p_y(k)) over the grey levels present in the ROI; 1 when only
 *   one grey level is present;
 * - NGTDM Coarseness is 10⁶ when Σ p_i s_i = 0 (IBSI: infinite);
 * - features PyRadiomics deprecated (Dissimilarity, Homogeneity1/2, SumVariance, GLDM GLNN and
 *   DependencePercentage) are not produced.
 * PyRadiomics adds ε = 2.2e-16 inside every log2; the effect is below 1e-15 relative and is ignored.
 * Not verified against a PyRadiomics run (PyRadiomics cannot be installed here); the per-class
 * definitions were checked against the IBSI implementations in the tests.
 */
import type { DiscretisedImage } from '../types';
import type { FeatureValue } from '../types';
import { CooccurrenceAggregator, cooccurrenceCodes, cooccurrenceCodesOfRoi } from './glcm';
import { glrlmMatrix } from './glrlm';
import { findZones, glszmFromZones } from './zones';
import { neighbourhoodMatrices, type Offsets } from './neighbourhood';
import { DIRECTIONS_2D, DIRECTIONS_OUT_OF_PLANE, checkDiscretised } from './matrix-utils';
import * as G from './glcm-features';
import { type GlcmProbabilities, type SparseCounts, glcmProbabilitiesSparse } from './glcm-features';
import * as R from './runlike-features';
import { type RunLikeStats, runLikeStats } from './runlike-features';
import * as T from './ngtdm-features';
import type { NgtdmMatrix, RoiVoxels, RunLikeMatrix } from './types';

export type PyradiomicsTextureClass = 'glcm' | 'glrlm' | 'glszm' | 'gldm' | 'ngtdm';

export interface PyradiomicsTextureOptions {
  classes?: readonly PyradiomicsTextureClass[];
  /** PyRadiomics `distances` (default [1]): Chebyshev distances of the GLCM angles and of the NGTDM/GLDM neighbours */
  distances?: readonly number[];
  /** PyRadiomics `force2D` (slices are the z planes, `force2Ddimension` 0) */
  force2D?: boolean;
  /** PyRadiomics `gldm_a` (default 0) */
  gldmAlpha?: number;
  /**
   * PyRadiomics `symmetricalGLCM` (default true). false: each angle's GLCM counts only (centre voxel level,
   * level of the voxel at centre + angle) — PyRadiomics' C matrix before its optional `P += Pᵀ` — so p_x ≠ p_y;
   * see {@link pyradiomicsGlcmCounts}.
   */
  symmetricalGLCM?: boolean;
  /**
   * PyRadiomics `weightingNorm` (default null = features per angle, then their mean). Otherwise the GLCMs (and
   * GLRLMs) of all angles are weighted ({@link pyradiomicsAngleWeight}) and summed into one matrix per class,
   * and the features are computed once on it.
   */
  weightingNorm?: PyradiomicsWeightingNorm | null;
}

/** PyRadiomics' distance weighting norms (`weightingNorm`). */
export type PyradiomicsWeightingNorm = 'manhattan' | 'euclidean' | 'infinity' | 'no_weighting';
export const PYRADIOMICS_WEIGHTING_NORMS: readonly PyradiomicsWeightingNorm[] = ['manhattan', 'euclidean', 'infinity', 'no_weighting'];

/**
 * PyRadiomics' weight of one angle when `weightingNorm` merges the angles' matrices. With the physical offset
 * d = (|a_x| s_x, |a_y| s_y, |a_z| s_z) in mm (`spacing` of the image the matrix is computed on) and ‖d‖ its
 * manhattan (Σ d_k), euclidean (√Σ d_k²) or infinity (max d_k) norm:
 * - GLCM: w = exp(−‖d‖²) (PyRadiomics `glcm.py`);
 * - GLRLM: w = ‖d‖ (PyRadiomics `glrlm.py`);
 * - 'no_weighting': w = 1 for both (the matrices are simply summed).
 * Throws on any other norm (PyRadiomics logs a warning and uses 1; here a typo is an error).
 */
export function pyradiomicsAngleWeight(
  angle: readonly [number, number, number],
  spacing: readonly [number, number, number],
  norm: PyradiomicsWeightingNorm,
  matrix: 'glcm' | 'glrlm',
): number {
  if (norm === 'no_weighting') return 1;
  const d = [0, 1, 2].map((k) => Math.abs(angle[k]) * spacing[k]);
  let n: number;
  if (norm === 'manhattan') n = d[0] + d[1] + d[2];
  else if (norm === 'euclidean') n = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
  else if (norm === 'infinity') n = Math.max(d[0], d[1], d[2]);
  else throw new Error(`pyradiomicsAngleWeight: weightingNorm must be one of ${PYRADIOMICS_WEIGHTING_NORMS.join(', ')} or null, got ${JSON.stringify(norm)}`);
  return matrix === 'glcm' ? Math.exp(-(n * n)) : n;
}

/**
 * The co-occurrence cell codes (i − 1)·N_g + (j − 1) of one PyRadiomics angle over the whole ROI, written into
 * `codes` (returns their count): i = level of an ROI voxel x, j = level of x + angle when that voxel is in the
 * ROI. `symmetrical` (PyRadiomics `symmetricalGLCM: true`) also writes (j, i) for every pair — PyRadiomics'
 * P + Pᵀ. Without it the matrix is PyRadiomics' asymmetrical one: row = centre voxel, column = neighbour in the
 * direction of the angle (whose first non-zero component of (z, y, x) is positive, {@link pyradiomicsAngles}).
 * `roi` (the image's ROI voxel list): the same codes, visiting only those voxels.
 */
export function pyradiomicsGlcmCounts(img: DiscretisedImage, angle: readonly [number, number, number], symmetrical: boolean, codes: Int32Array, roi?: RoiVoxels): number {
  if (roi) return cooccurrenceCodesOfRoi(img, roi, angle[0], angle[1], angle[2], codes, symmetrical);
  return cooccurrenceCodes(img, angle[0], angle[1], angle[2], 0, img.dims[2], codes, symmetrical);
}

/**
 * PyRadiomics' angles (cmatrices `build_angles`): every offset whose Chebyshev norm is one of
 * `distances`, one of each ± pair; axes where the ROI bounding box is one voxel thick (and z with
 * force2D) take offset 0 only. Returned with the first non-zero component of z, y, x positive.
 */
export function pyradiomicsAngles(distances: readonly number[], thick: readonly boolean[], force2D: boolean): [number, number, number][] {
  const dmax = Math.max(...distances);
  const range = (a: number) => (thick[a] && !(force2D && a === 2) ? dmax : 0);
  const out: [number, number, number][] = [];
  for (let z = -range(2); z <= range(2); z++)
    for (let y = -range(1); y <= range(1); y++)
      for (let x = -range(0); x <= range(0); x++) {
        const norm = Math.max(Math.abs(x), Math.abs(y), Math.abs(z));
        if (norm === 0 || !distances.includes(norm)) continue;
        // keep one of ±: first non-zero of (z, y, x) positive
        const first = z !== 0 ? z : y !== 0 ? y : x;
        if (first > 0) out.push([x, y, z]);
      }
  return out;
}

/** Context shared by the PyRadiomics GLCM features: N_g = largest grey level present in the ROI. */
interface GlcmCtx {
  g: GlcmProbabilities;
  ngMax: number;
  present: Int32Array;
  /** the matrix is symmetric (PyRadiomics `symmetricalGLCM: true`) */
  symmetric: boolean;
}

function entropy2(px: Float64Array): number {
  let s = 0;
  for (const v of px) if (v > 0) s -= v * Math.log2(v);
  return s;
}

/**
 * Eigenvalues of a symmetric n×n matrix (row-major, not modified): Householder reduction to tridiagonal form,
 * then the implicit QL algorithm with Wilkinson-type shifts (Golub & Van Loan §8.3; eigenvalues only). O(n³)
 * with a small constant (≈ 4n³/3 for the reduction), ~15× faster than cyclic Jacobi at n = 32. Order unspecified.
 */
export function symmetricEigenvalues(a0: Float64Array, n: number): Float64Array {
  const a = a0.slice(); // (not Float64Array.from: its generic iterator path is slow before the JIT)
  const d = new Float64Array(n), e = new Float64Array(n);
  householderTridiagonal(a, n, d, e);
  tridiagonalQl(d, e, n);
  return d;
}

// The two stages are separate functions so that V8 optimises each on its own (a single function got optimised
// during the reduction and deoptimised again on reaching the QL loop, three compilations for a cold run).

/** Householder reduction of the symmetric `a` (row-major, overwritten) to tridiagonal form: diagonal d, sub-diagonal e[1..]. */
function householderTridiagonal(a: Float64Array, n: number, d: Float64Array, e: Float64Array): void {
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1, ri = i * n;
    let h = 0, scale = 0;
    if (l > 0) {
      for (let k = 0; k <= l; k++) scale += Math.abs(a[ri + k]);
      if (scale === 0) e[i] = a[ri + l];
      else {
        for (let k = 0; k <= l; k++) { a[ri + k] /= scale; h += a[ri + k] * a[ri + k]; }
        let f = a[ri + l];
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[ri + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          g = 0;
          for (let k = 0; k <= j; k++) g += a[j * n + k] * a[ri + k];
          for (let k = j + 1; k <= l; k++) g += a[k * n + j] * a[ri + k];
          e[j] = g / h;
          f += e[j] * a[ri + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          const fj = a[ri + j];
          const gj = (e[j] -= hh * fj);
          for (let k = 0; k <= j; k++) a[j * n + k] -= fj * e[k] + gj * a[ri + k];
        }
      }
    } else e[i] = a[ri + l];
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
}

/** Implicit QL with shifts on the tridiagonal (d, e from {@link householderTridiagonal}): eigenvalues into d. */
function tridiagonalQl(d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0, m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= 2.220446049250313e-16 * dd) break;
      }
      if (m !== l) {
        if (iter++ === 100) throw new Error('symmetricEigenvalues: QL did not converge');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1, c = 1, p = 0;
        let i: number;
        let underflow = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i], b = c * e[i];
          e[i + 1] = r = Math.hypot(f, g);
          if (r === 0) { d[i + 1] -= p; e[m] = 0; underflow = true; break; }
          s = f / r; c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] -= p; e[l] = g; e[m] = 0;
      }
    } while (m !== l);
  }
}

/**
 * GLCM maximal correlation coefficient (PyRadiomics `MCC`): √λ₂(Q), Q = D_x⁻¹ P D_y⁻¹ Pᵀ over the
 * grey levels present in the ROI. For a symmetric P (p_x = p_y = d), Q's eigenvalues are the squares
 * of those of the symmetric M = D^{-1/2} P D^{-1/2}, computed here (Jacobi for up to 150 occupied levels,
 * deflated power iteration on M² beyond); levels with p_x = 0 in this matrix give eigenvalue 0. Needs at
 * least 2 present levels in the ROI (the caller returns 1 otherwise).
 *
 * `symmetric: false` (PyRadiomics `symmetricalGLCM: false`, p_x ≠ p_y): Q = D_x⁻¹ P D_y⁻¹ Pᵀ is similar to
 * M Mᵀ with M = D_x^{-1/2} P D_y^{-1/2}, so its eigenvalues are the squared singular values of M; they are
 * taken as the eigenvalues of the symmetric M Mᵀ (levels with p_x > 0), the largest being 1 (left vector √p_x).
 */
export function glcmMaximalCorrelationCoefficient(g: GlcmProbabilities, present: Int32Array, symmetric = true): number {
  if (!symmetric) return asymmetricMcc(g, present);
  const levels = Array.from(present).filter((l) => g.px[l - 1] > 0);
  const n = levels.length;
  if (n < 2) return 0; // a single occupied level: Q has one non-zero eigenvalue (1), the others are 0
  const pos = new Int32Array(g.ng).fill(-1);
  levels.forEach((l, a) => (pos[l - 1] = a));
  // M = D^{-1/2} P D^{-1/2} as sparse entries
  const rows = new Int32Array(g.idx.length);
  const cols = new Int32Array(g.idx.length);
  const vals = new Float64Array(g.idx.length);
  for (let k = 0; k < g.idx.length; k++) {
    const i = (g.idx[k] / g.ng) | 0;
    const j = g.idx[k] - i * g.ng;
    rows[k] = pos[i];
    cols[k] = pos[j];
    vals[k] = g.val[k] / Math.sqrt(g.px[i] * g.py[j]);
  }
  if (n <= 150) {
    const m = new Float64Array(n * n);
    for (let k = 0; k < vals.length; k++) m[rows[k] * n + cols[k]] = vals[k];
    const ev = Array.from(symmetricEigenvalues(m, n), (v) => v * v).sort((a, b) => a - b);
    return Math.sqrt(Math.max(0, ev[n - 2]));
  }
  // large N_g,p: the top eigenvector of M is u₁ ∝ √p_x (eigenvalue 1); power iteration on M² with u₁
  // deflated gives the second largest eigenvalue of Q = the second largest μ².
  const mv = (x: Float64Array, y: Float64Array) => {
    y.fill(0);
    for (let k = 0; k < vals.length; k++) y[rows[k]] += vals[k] * x[cols[k]];
  };
  const t = new Float64Array(n);
  return sqrtSecondEigenvalue(
    Float64Array.from(levels, (l) => Math.sqrt(g.px[l - 1])),
    (x, y) => {
      mv(x, t);
      mv(t, y);
    },
  );
}

/**
 * √ of the second largest eigenvalue of a symmetric positive semi-definite operator whose top eigenvector is
 * `u1` (any scale): power iteration from a fixed start with `u1` deflated at every step (relative tolerance 1e-13,
 * at most 5,000 steps). `apply(x, y)` writes the operator times x into y.
 */
function sqrtSecondEigenvalue(u1: Float64Array, apply: (x: Float64Array, y: Float64Array) => void): number {
  const n = u1.length;
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((acc, x) => acc + x * x, 0));
  const n1 = norm(u1);
  for (let a = 0; a < n; a++) u1[a] /= n1;
  let x = Float64Array.from({ length: n }, (_, a) => Math.sin(a + 1));
  const y = new Float64Array(n);
  let lambda = 0;
  for (let it = 0; it < 5000; it++) {
    let d = 0;
    for (let a = 0; a < n; a++) d += x[a] * u1[a];
    for (let a = 0; a < n; a++) x[a] -= d * u1[a];
    const nx = norm(x);
    if (nx === 0) return 0;
    for (let a = 0; a < n; a++) x[a] /= nx;
    apply(x, y);
    let next = 0;
    for (let a = 0; a < n; a++) next += x[a] * y[a];
    x = Float64Array.from(y);
    if (Math.abs(next - lambda) <= 1e-13 * Math.max(1, next)) {
      lambda = next;
      break;
    }
    lambda = next;
  }
  return Math.sqrt(Math.max(0, lambda));
}

/** MCC of an asymmetric GLCM: √ of the second largest eigenvalue of M Mᵀ (see {@link glcmMaximalCorrelationCoefficient}). */
function asymmetricMcc(g: GlcmProbabilities, present: Int32Array): number {
  const rowsL = Array.from(present).filter((l) => g.px[l - 1] > 0);
  const colsL = Array.from(present).filter((l) => g.py[l - 1] > 0);
  const n = rowsL.length, m = colsL.length;
  if (n < 2) return 0; // one occupied row: M Mᵀ has one non-zero eigenvalue (1); the other present levels give 0
  const posR = new Int32Array(g.ng).fill(-1), posC = new Int32Array(g.ng).fill(-1);
  rowsL.forEach((l, a) => (posR[l - 1] = a));
  colsL.forEach((l, a) => (posC[l - 1] = a));
  const nz = g.idx.length;
  const rows = new Int32Array(nz), cols = new Int32Array(nz), vals = new Float64Array(nz);
  for (let k = 0; k < nz; k++) {
    const i = (g.idx[k] / g.ng) | 0;
    const j = g.idx[k] - i * g.ng;
    rows[k] = posR[i];
    cols[k] = posC[j];
    vals[k] = g.val[k] / Math.sqrt(g.px[i] * g.py[j]);
  }
  if (n <= 150) {
    const mm = new Float64Array(n * m);
    for (let k = 0; k < nz; k++) mm[rows[k] * m + cols[k]] = vals[k];
    const a = new Float64Array(n * n);
    for (let r = 0; r < n; r++)
      for (let q = 0; q <= r; q++) {
        let s = 0;
        for (let c = 0; c < m; c++) s += mm[r * m + c] * mm[q * m + c];
        a[r * n + q] = s;
        a[q * n + r] = s;
      }
    const ev = Array.from(symmetricEigenvalues(a, n)).sort((x, y) => x - y);
    return Math.sqrt(Math.max(0, ev[n - 2]));
  }
  // power iteration on M Mᵀ with its top eigenvector √p_x deflated
  const t = new Float64Array(m);
  return sqrtSecondEigenvalue(
    Float64Array.from(rowsL, (l) => Math.sqrt(g.px[l - 1])),
    (x, y) => {
      t.fill(0);
      for (let k = 0; k < nz; k++) t[cols[k]] += vals[k] * x[rows[k]]; // t = Mᵀ x
      y.fill(0);
      for (let k = 0; k < nz; k++) y[rows[k]] += vals[k] * t[cols[k]]; // y = M t
    },
  );
}

type GF = (c: GlcmCtx) => number;
const glcmPy: [string, GF][] = [
  ['Autocorrelation', (c) => G.glcmAutocorrelation(c.g)],
  ['JointAverage', (c) => G.glcmJointAverage(c.g)],
  ['ClusterProminence', (c) => G.glcmClusterProminence(c.g)],
  ['ClusterShade', (c) => G.glcmClusterShade(c.g)],
  ['ClusterTendency', (c) => G.glcmClusterTendency(c.g)],
  ['Contrast', (c) => G.glcmContrast(c.g)],
  ['Correlation', (c) => (c.g.sigmaX * c.g.sigmaY === 0 ? 1 : G.glcmCorrelation(c.g))],
  ['DifferenceAverage', (c) => G.glcmDifferenceAverage(c.g)],
  ['DifferenceEntropy', (c) => G.glcmDifferenceEntropy(c.g)],
  ['DifferenceVariance', (c) => G.glcmDifferenceVariance(c.g)],
  ['JointEnergy', (c) => G.glcmAngularSecondMoment(c.g)],
  ['JointEntropy', (c) => G.glcmJointEntropy(c.g)],
  [
    'Imc1',
    (c) => {
      const hx = entropy2(c.g.px);
      const hy = entropy2(c.g.py);
      const div = Math.max(hx, hy);
      if (div === 0) return 0;
      let hxy1 = 0;
      const { ng, idx, val, px, py } = c.g;
      for (let k = 0; k < idx.length; k++) {
        const i = (idx[k] / ng) | 0;
        hxy1 -= val[k] * Math.log2(px[i] * py[idx[k] - i * ng]);
      }
      return (G.glcmJointEntropy(c.g) - hxy1) / div;
    },
  ],
  [
    'Imc2',
    (c) => {
      const hxy2 = entropy2(c.g.px) + entropy2(c.g.py); // = −Σ_ij p_i p_j log2(p_i p_j)
      const d = hxy2 - G.glcmJointEntropy(c.g);
      return d === 0 ? 0 : d < 0 ? Number.NaN : Math.sqrt(1 - Math.exp(-2 * d));
    },
  ],
  ['Idm', (c) => G.glcmInverseDifferenceMoment(c.g)],
  ['MCC', (c) => (c.present.length < 2 ? 1 : glcmMaximalCorrelationCoefficient(c.g, c.present, c.symmetric))],
  [
    'Idmn',
    (c) => {
      let s = 0;
      for (let k = 0; k < c.g.ng; k++) s += c.g.pDiff[k] / (1 + (k * k) / (c.ngMax * c.ngMax));
      return s;
    },
  ],
  ['Id', (c) => G.glcmInverseDifference(c.g)],
  [
    'Idn',
    (c) => {
      let s = 0;
      for (let k = 0; k < c.g.ng; k++) s += c.g.pDiff[k] / (1 + k / c.ngMax);
      return s;
    },
  ],
  ['InverseVariance', (c) => G.glcmInverseVariance(c.g)],
  ['MaximumProbability', (c) => G.glcmJointMaximum(c.g)],
  ['SumAverage', (c) => G.glcmSumAverage(c.g)],
  ['SumEntropy', (c) => G.glcmSumEntropy(c.g)],
  ['SumSquares', (c) => G.glcmJointVariance(c.g)],
];

/**
 * The PyRadiomics GLCM features of one angle, one function per feature ({@link glcmPy}, in that order): the
 * reference definition that {@link pyradiomicsGlcmAngle} fuses (the tests check both agree bit for bit).
 */
export function pyradiomicsGlcmAnglePerFeature(g: GlcmProbabilities, ngMax: number, present: Int32Array, symmetric = true): number[] {
  const ctx: GlcmCtx = { g, ngMax, present, symmetric };
  return glcmPy.map(([, f]) => f(ctx));
}

/**
 * All PyRadiomics GLCM features of one angle's matrix in {@link glcmPy} order, written into `out` (length 24):
 * the same per-feature arithmetic in the same summation order as the per-feature functions (so the values are
 * bit-identical), fused into one pass over the non-zero cells, one over p_{i−j} and one per marginal entropy.
 * One function instead of 24 closures per angle: much less for V8 to interpret and compile on the first
 * extraction of a process (a one-case CLI run).
 */
export function pyradiomicsGlcmAngle(g: GlcmProbabilities, ngMax: number, present: Int32Array, out: Float64Array, symmetric = true): void {
  const { ng, idx, val, px, py, pDiff, pSum, muX, muY } = g;
  const hx = entropy2(px), hy = entropy2(py);
  // non-zero cells: Autocorrelation, Correlation, JointEnergy, JointEntropy, MaximumProbability, HXY1
  const d = g.sigmaX * g.sigmaY;
  let auto = 0, corr = 0, energy = 0, je = 0, maxP = 0, hxy1 = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = (idx[k] / ng) | 0;
    const j = idx[k] - i * ng;
    const v = val[k];
    auto += (i + 1) * (j + 1) * v;
    corr += (i + 1 - muX) * (j + 1 - muY) * v;
    energy += v * v;
    if (v > 0) je -= v * Math.log2(v);
    if (v > maxP) maxP = v;
    hxy1 -= v * Math.log2(px[i] * py[j]);
  }
  // p_{i−j}: Contrast, DifferenceAverage, DifferenceEntropy, Idm, Idmn, Id, Idn, InverseVariance
  let contrast = 0, dAvg = 0, dEnt = 0, idm = 0, idmn = 0, id = 0, idn = 0, iv = 0;
  const ngMax2 = ngMax * ngMax;
  for (let k = 0; k < ng; k++) {
    const v = pDiff[k];
    if (k >= 1) {
      contrast += k * k * v;
      dAvg += k * v;
      iv += v / (k * k);
    }
    if (v > 0) dEnt -= v * Math.log2(v);
    idm += v / (1 + k * k);
    idmn += v / (1 + (k * k) / ngMax2);
    id += v / (1 + k);
    idn += v / (1 + k / ngMax);
  }
  let dVar = 0;
  for (let k = 0; k < ng; k++) dVar += (k - dAvg) ** 2 * pDiff[k];
  let sAvg = 0;
  for (let k = 2; k <= 2 * ng; k++) sAvg += k * pSum[k];
  const div = Math.max(hx, hy);
  const dh = hx + hy - je;
  out[0] = auto;
  out[1] = muX;
  out[2] = G.glcmClusterProminence(g);
  out[3] = G.glcmClusterShade(g);
  out[4] = G.glcmClusterTendency(g);
  out[5] = contrast;
  out[6] = d === 0 ? 1 : d > 0 ? corr / d : Number.NaN;
  out[7] = dAvg;
  out[8] = dEnt;
  out[9] = dVar;
  out[10] = energy;
  out[11] = je;
  out[12] = div === 0 ? 0 : (je - hxy1) / div;
  out[13] = dh === 0 ? 0 : dh < 0 ? Number.NaN : Math.sqrt(1 - Math.exp(-2 * dh));
  out[14] = idm;
  out[15] = present.length < 2 ? 1 : glcmMaximalCorrelationCoefficient(g, present, symmetric);
  out[16] = idmn;
  out[17] = id;
  out[18] = idn;
  out[19] = iv;
  out[20] = maxP;
  out[21] = sAvg;
  out[22] = entropy2(pSum);
  out[23] = g.sigmaX * g.sigmaX;
}

type RF = (s: RunLikeStats) => number;
const glrlmPy: [string, RF][] = [
  ['ShortRunEmphasis', R.glrlmShortRunsEmphasis],
  ['LongRunEmphasis', R.glrlmLongRunsEmphasis],
  ['GrayLevelNonUniformity', R.glrlmGreyLevelNonUniformity],
  ['GrayLevelNonUniformityNormalized', R.glrlmNormalisedGreyLevelNonUniformity],
  ['RunLengthNonUniformity', R.glrlmRunLengthNonUniformity],
  ['RunLengthNonUniformityNormalized', R.glrlmNormalisedRunLengthNonUniformity],
  ['RunPercentage', R.glrlmRunPercentage],
  ['GrayLevelVariance', R.glrlmGreyLevelVariance],
  ['RunVariance', R.glrlmRunLengthVariance],
  ['RunEntropy', R.glrlmRunEntropy],
  ['LowGrayLevelRunEmphasis', R.glrlmLowGreyLevelRunEmphasis],
  ['HighGrayLevelRunEmphasis', R.glrlmHighGreyLevelRunEmphasis],
  ['ShortRunLowGrayLevelEmphasis', R.glrlmShortRunLowGreyLevelEmphasis],
  ['ShortRunHighGrayLevelEmphasis', R.glrlmShortRunHighGreyLevelEmphasis],
  ['LongRunLowGrayLevelEmphasis', R.glrlmLongRunLowGreyLevelEmphasis],
  ['LongRunHighGrayLevelEmphasis', R.glrlmLongRunHighGreyLevelEmphasis],
];
const glszmPy: [string, RF][] = [
  ['SmallAreaEmphasis', R.glszmSmallZoneEmphasis],
  ['LargeAreaEmphasis', R.glszmLargeZoneEmphasis],
  ['GrayLevelNonUniformity', R.glszmGreyLevelNonUniformity],
  ['GrayLevelNonUniformityNormalized', R.glszmNormalisedGreyLevelNonUniformity],
  ['SizeZoneNonUniformity', R.glszmZoneSizeNonUniformity],
  ['SizeZoneNonUniformityNormalized', R.glszmNormalisedZoneSizeNonUniformity],
  ['ZonePercentage', R.glszmZonePercentage],
  ['GrayLevelVariance', R.glszmGreyLevelVariance],
  ['ZoneVariance', R.glszmZoneSizeVariance],
  ['ZoneEntropy', R.glszmZoneSizeEntropy],
  ['LowGrayLevelZoneEmphasis', R.glszmLowGreyLevelZoneEmphasis],
  ['HighGrayLevelZoneEmphasis', R.glszmHighGreyLevelZoneEmphasis],
  ['SmallAreaLowGrayLevelEmphasis', R.glszmSmallZoneLowGreyLevelEmphasis],
  ['SmallAreaHighGrayLevelEmphasis', R.glszmSmallZoneHighGreyLevelEmphasis],
  ['LargeAreaLowGrayLevelEmphasis', R.glszmLargeZoneLowGreyLevelEmphasis],
  ['LargeAreaHighGrayLevelEmphasis', R.glszmLargeZoneHighGreyLevelEmphasis],
];
const gldmPy: [string, RF][] = [
  ['SmallDependenceEmphasis', R.ngldmLowDependenceEmphasis],
  ['LargeDependenceEmphasis', R.ngldmHighDependenceEmphasis],
  ['GrayLevelNonUniformity', R.ngldmGreyLevelNonUniformity],
  ['DependenceNonUniformity', R.ngldmDependenceCountNonUniformity],
  ['DependenceNonUniformityNormalized', R.ngldmNormalisedDependenceCountNonUniformity],
  ['GrayLevelVariance', R.ngldmGreyLevelVariance],
  ['DependenceVariance', R.ngldmDependenceCountVariance],
  ['DependenceEntropy', R.ngldmDependenceCountEntropy],
  ['LowGrayLevelEmphasis', R.ngldmLowGreyLevelCountEmphasis],
  ['HighGrayLevelEmphasis', R.ngldmHighGreyLevelCountEmphasis],
  ['SmallDependenceLowGrayLevelEmphasis', R.ngldmLowDependenceLowGreyLevelEmphasis],
  ['SmallDependenceHighGrayLevelEmphasis', R.ngldmLowDependenceHighGreyLevelEmphasis],
  ['LargeDependenceLowGrayLevelEmphasis', R.ngldmHighDependenceLowGreyLevelEmphasis],
  ['LargeDependenceHighGrayLevelEmphasis', R.ngldmHighDependenceHighGreyLevelEmphasis],
];
const ngtdmPy: [string, (m: NgtdmMatrix) => number][] = [
  ['Coarseness', (m) => {
    const v = T.ngtdmCoarseness(m);
    return Number.isNaN(v) ? 1e6 : v;
  }],
  ['Contrast', T.ngtdmContrast],
  ['Busyness', T.ngtdmBusyness],
  ['Complexity', T.ngtdmComplexity],
  ['Strength', T.ngtdmStrength],
];

/** The PyRadiomics feature names per class, in PyRadiomics' order. */
export const PYRADIOMICS_TEXTURE_FEATURES: Readonly<Record<PyradiomicsTextureClass, readonly string[]>> = {
  glcm: glcmPy.map((f) => f[0]),
  glrlm: glrlmPy.map((f) => f[0]),
  glszm: glszmPy.map((f) => f[0]),
  gldm: gldmPy.map((f) => f[0]),
  ngtdm: ngtdmPy.map((f) => f[0]),
};

function nanMean(values: number[]): number {
  let s = 0;
  let n = 0;
  for (const v of values)
    if (!Number.isNaN(v)) {
      s += v;
      n++;
    }
  return n ? s / n : Number.NaN;
}

/**
 * ROI bounding box [x0, y0, z0, x1, y1, z1] of a discretised image and its ROI voxels (level > 0) in voxel order
 * (`roi`, filled), marking the grey levels present in `seen` (no per-voxel allocation). Its own function so that V8
 * optimises this loop alone, not the long caller.
 */
function roiBoxAndLevels(img: DiscretisedImage, seen: Uint8Array, roi: RoiVoxels): [number, number, number, number, number, number] {
  const [nx, ny, nz] = img.dims;
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  let count = 0;
  const lv = img.levels;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        const g = lv[i];
        if (!g) continue;
        seen[g] = 1;
        roi.index[count] = i;
        roi.x[count] = x;
        roi.y[count] = y;
        roi.z[count] = z;
        count++;
        if (x < x0) x0 = x; if (x > x1) x1 = x;
        if (y < y0) y0 = y; if (y > y1) y1 = y;
        if (z < z0) z0 = z; if (z > z1) z1 = z;
      }
  roi.count = count;
  return [x0, y0, z0, x1, y1, z1];
}

/** An empty ROI voxel list with room for `n` voxels. */
function roiVoxelList(n: number): RoiVoxels {
  return { count: 0, index: new Int32Array(n), x: new Int32Array(n), y: new Int32Array(n), z: new Int32Array(n) };
}

/**
 * PyRadiomics texture features keyed `<class>_<PyRadiomicsName>` (prefix them with the image type,
 * e.g. `original_`, for PyRadiomics' full names). Values that are NaN carry a reason.
 */
export function pyradiomicsTextureFeatures(img: DiscretisedImage, options: PyradiomicsTextureOptions = {}): Record<string, FeatureValue> {
  const { classes = ['glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'], force2D = false, gldmAlpha = 0, distances = [1], symmetricalGLCM = true, weightingNorm = null } = options;
  if (weightingNorm !== null && !PYRADIOMICS_WEIGHTING_NORMS.includes(weightingNorm))
    throw new Error(`pyradiomicsTextureFeatures: weightingNorm must be one of ${PYRADIOMICS_WEIGHTING_NORMS.join(', ')} or null, got ${JSON.stringify(weightingNorm)}`);
  if (!distances.length || distances.some((d) => !Number.isInteger(d) || d < 1))
    throw new Error(`pyradiomicsTextureFeatures: distances must be positive integers, got [${distances.join(', ')}]`);
  const { nRoi } = checkDiscretised(img, 'pyradiomicsTextureFeatures');
  const seen = new Uint8Array(img.ng + 1);
  const roi = roiVoxelList(nRoi);
  const [x0, y0, z0, x1, y1, z1] = roiBoxAndLevels(img, seen, roi);
  const roiCount = roi.count;
  const lo = [x0, y0, z0], hi = [x1, y1, z1];
  const present = Int32Array.from(Array.from(seen).flatMap((v, l) => (v ? [l] : [])));
  const ngMax = present[present.length - 1];
  const thick = [0, 1, 2].map((a) => hi[a] - lo[a] + 1 > 1);
  // GLRLM always uses the 13 (4) unit directions; GLCM / NGTDM / GLDM use the distance-based angles
  const angles = (force2D ? DIRECTIONS_2D : [...DIRECTIONS_2D, ...DIRECTIONS_OUT_OF_PLANE]).filter((d) =>
    d.every((c, a) => c === 0 || thick[a]),
  );
  const distAngles = pyradiomicsAngles(distances, thick, force2D);
  const out: Record<string, FeatureValue> = {};
  const put = (cls: string, name: string, v: number, why: string) =>
    (out[`${cls}_${name}`] = Number.isNaN(v) ? { value: v, reason: why } : { value: v });

  if (classes.includes('glcm')) {
    const per: number[][] = glcmPy.map(() => []);
    const vals = new Float64Array(glcmPy.length);
    const agg = new CooccurrenceAggregator(img.ng);
    const codes = new Int32Array(2 * img.levels.length);
    const merged = weightingNorm === null ? null : new Map<number, number>();
    for (const d of distAngles) {
      const m = agg.aggregate(codes, pyradiomicsGlcmCounts(img, d, symmetricalGLCM, codes, roi));
      if (merged) {
        // weightingNorm: Σ_a w_a P_a, features on the one merged matrix
        const w = pyradiomicsAngleWeight(d, img.spacing, weightingNorm!, 'glcm');
        for (let k = 0; k < m.idx.length; k++) merged.set(m.idx[k], (merged.get(m.idx[k]) ?? 0) + w * m.cnt[k]);
        continue;
      }
      if (m.idx.length === 0) continue; // PyRadiomics deletes empty angles
      pyradiomicsGlcmAngle(glcmProbabilitiesSparse(img.ng, m), ngMax, present, vals, symmetricalGLCM);
      for (let k = 0; k < glcmPy.length; k++) per[k].push(vals[k]);
    }
    if (merged && merged.size) {
      const cells = [...merged.keys()].sort((a, b) => a - b);
      const sc: SparseCounts = { idx: Int32Array.from(cells), cnt: Float64Array.from(cells, (c) => merged.get(c)!) };
      let total = 0;
      for (const v of sc.cnt) total += v;
      if (total > 0) {
        pyradiomicsGlcmAngle(glcmProbabilitiesSparse(img.ng, sc), ngMax, present, vals, symmetricalGLCM);
        for (let k = 0; k < glcmPy.length; k++) per[k].push(vals[k]);
      }
    }
    glcmPy.forEach(([name], k) => put('glcm', name, nanMean(per[k]), 'no angle gives a defined value (the ROI has no voxel pair at distance 1)'));
  }
  if (classes.includes('glrlm')) {
    const per: number[][] = glrlmPy.map(() => []);
    let merged: RunLikeMatrix | null = null;
    for (const d of angles) {
      const m = glrlmMatrix(img, d, 0, img.dims[2], roiCount, roi);
      if (weightingNorm !== null) {
        // weightingNorm: Σ_a w_a P_a; N_p of RunPercentage becomes Σ_j j Σ_i P(i, j) of the merged matrix
        const w = pyradiomicsAngleWeight(d, img.spacing, weightingNorm, 'glrlm');
        merged ??= { ng: m.ng, nj: m.nj, jValues: m.jValues, counts: new Float64Array(m.counts.length), nv: 0 };
        for (let k = 0; k < m.counts.length; k++) if (m.counts[k] !== 0) merged.counts[k] += w * m.counts[k];
        continue;
      }
      const s = runLikeStats(m);
      if (s.ns === 0) continue;
      glrlmPy.forEach(([, f], k) => per[k].push(f(s)));
    }
    if (merged) {
      let np = 0;
      for (let i = 0; i < merged.ng; i++) for (let c = 0; c < merged.nj; c++) np += merged.jValues[c] * merged.counts[i * merged.nj + c];
      merged.nv = np;
      const s = runLikeStats(merged);
      if (s.ns > 0) glrlmPy.forEach(([, f], k) => per[k].push(f(s)));
    }
    glrlmPy.forEach(([name], k) => put('glrlm', name, nanMean(per[k]), 'no run in any angle'));
  }
  if (classes.includes('glszm')) {
    const zones = findZones(img, force2D ? '2D' : '3D', undefined, roi);
    const s = runLikeStats(glszmFromZones(zones, img.ng, roiCount));
    glszmPy.forEach(([name, f]) => put('glszm', name, f(s), 'undefined for this matrix'));
  }
  if (classes.includes('gldm') || classes.includes('ngtdm')) {
    // neighbours: the angles in both senses
    const o: Offsets = {
      dx: Int32Array.from([...distAngles.map((a) => a[0]), ...distAngles.map((a) => -a[0])]),
      dy: Int32Array.from([...distAngles.map((a) => a[1]), ...distAngles.map((a) => -a[1])]),
      dz: Int32Array.from([...distAngles.map((a) => a[2]), ...distAngles.map((a) => -a[2])]),
      count: 2 * distAngles.length,
    };
    const mats = neighbourhoodMatrices(img, o, gldmAlpha, 0, img.dims[2], roi);
    if (classes.includes('gldm')) {
      const s = runLikeStats(mats.ngldm);
      gldmPy.forEach(([name, f]) => put('gldm', name, f(s), 'undefined for this matrix'));
    }
    if (classes.includes('ngtdm')) {
      const m = mats.ngtdm;
      let nvc = 0;
      for (const v of m.n) nvc += v;
      ngtdmPy.forEach(([name, f]) =>
        put('ngtdm', name, nvc > 0 ? f(m) : Number.NaN, 'no ROI voxel has a neighbour in the ROI'),
      );
    }
  }
  return out;
}
