/**
 * NGTDM features (IBSI 1, section 3.10). Notation: n_i the number of ROI voxels of level i with a
 * non-empty neighbourhood, N_v,c = Σ n_i, p_i = n_i / N_v,c, s_i the summed absolute difference
 * between level i and the mean neighbourhood level, N_g,p the number of levels with p_i > 0.
 * Sums over (i, j) run over levels with p_i > 0 and p_j > 0. Reference: arXiv:1612.07003, 3.10.
 */
import type { NgtdmMatrix } from './types';
import type { FeatureDescriptor } from './glcm-features';

/**
 * The occupied grey levels (p_i > 0) with their p_i and s_i: the pairwise sums below run over these
 * only, O(N_g,p²) instead of O(N_g²).
 */
function prep(m: NgtdmMatrix): { lv: Float64Array; p: Float64Array; s: Float64Array; nvc: number; sumS: number; ngp: number } {
  let nvc = 0;
  let sumS = 0;
  let ngp = 0;
  for (let i = 0; i < m.ng; i++) {
    nvc += m.n[i];
    sumS += m.s[i];
    if (m.n[i] > 0) ngp++;
  }
  const lv = new Float64Array(ngp);
  const p = new Float64Array(ngp);
  const s = new Float64Array(ngp);
  for (let i = 0, k = 0; i < m.ng; i++)
    if (m.n[i] > 0) {
      lv[k] = i + 1;
      p[k] = m.n[i] / nvc;
      s[k++] = m.s[i];
    }
  return { lv, p, s, nvc, sumS, ngp };
}

/**
 * Coarseness (QCDE): F = 1 / Σ_i p_i s_i.
 * NaN when Σ p_i s_i = 0 (every voxel equals its neighbourhood mean, e.g. a single grey level):
 * coarseness is then infinite. PyRadiomics reports 10⁶ instead.
 */
export function ngtdmCoarseness(m: NgtdmMatrix): number {
  const { p, s } = prep(m);
  let a = 0;
  for (let i = 0; i < p.length; i++) a += p[i] * s[i];
  return a > 0 ? 1 / a : Number.NaN;
}

/**
 * Contrast (65HE): F = [1 / (N_g,p (N_g,p − 1)) Σ_i Σ_j p_i p_j (i − j)²] · [(1 / N_v,c) Σ_i s_i].
 * 0 when a single grey level is present (N_g,p = 1: there is no grey-level contrast), as in PyRadiomics.
 */
export function ngtdmContrast(m: NgtdmMatrix): number {
  const { lv, p, nvc, sumS, ngp } = prep(m);
  if (ngp < 2) return 0;
  // Σ_i Σ_j p_i p_j (i − j)² = 2 Σ_i p_i (i − μ)², μ = Σ p_i i (Σ p_i = 1): O(N_g,p), two-pass stable
  let mu = 0;
  for (let i = 0; i < ngp; i++) mu += p[i] * lv[i];
  let a = 0;
  for (let i = 0; i < ngp; i++) a += p[i] * (lv[i] - mu) ** 2;
  a *= 2;
  return (a / (ngp * (ngp - 1))) * (sumS / nvc);
}

/**
 * Busyness (NQ30): F = Σ_i p_i s_i / Σ_i Σ_j |i p_i − j p_j| (p_i, p_j > 0).
 * 0 when a single grey level is present (the denominator vanishes with the numerator), as in PyRadiomics.
 */
export function ngtdmBusyness(m: NgtdmMatrix): number {
  const { lv, p, s } = prep(m);
  let num = 0;
  for (let i = 0; i < p.length; i++) num += p[i] * s[i];
  // Σ_i Σ_j |v_i − v_j| with v = i p_i: sorted ascending, = 2 Σ_k v_(k) (2k − n + 1), O(n log n)
  const v = Float64Array.from(p, (pi, i) => lv[i] * pi).sort();
  let den = 0;
  for (let k = 0; k < v.length; k++) den += v[k] * (2 * k - v.length + 1);
  den *= 2;
  return den > 0 ? num / den : 0;
}

/** Complexity (HDEZ): F = (1 / N_v,c) Σ_i Σ_j |i − j| (p_i s_i + p_j s_j) / (p_i + p_j) (p_i, p_j > 0). 0 for one level. */
export function ngtdmComplexity(m: NgtdmMatrix): number {
  const { lv, p, s, nvc } = prep(m);
  let a = 0;
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < p.length; j++) a += (Math.abs(lv[i] - lv[j]) * (p[i] * s[i] + p[j] * s[j])) / (p[i] + p[j]);
  return a / nvc;
}

/**
 * Strength (1X9X): F = Σ_i Σ_j (p_i + p_j)(i − j)² / Σ_i s_i (p_i, p_j > 0).
 * 0 when Σ s_i = 0 (no voxel differs from its neighbourhood), as in PyRadiomics.
 */
export function ngtdmStrength(m: NgtdmMatrix): number {
  const { lv, p, sumS } = prep(m);
  if (!(sumS > 0)) return 0;
  // Σ_i Σ_j (p_i + p_j)(i − j)² = 2 Σ_i p_i Σ_j (i − j)² and Σ_j (i − j)² = n (i − m)² + Σ_j (j − m)²,
  // m the unweighted mean of the n occupied levels: O(n)
  const n = p.length;
  let mean = 0;
  for (let j = 0; j < n; j++) mean += lv[j];
  mean /= n;
  let vsum = 0;
  for (let j = 0; j < n; j++) vsum += (lv[j] - mean) ** 2;
  let a = 0;
  for (let i = 0; i < n; i++) a += p[i] * (n * (lv[i] - mean) ** 2 + vsum);
  return (2 * a) / sumS;
}

/** The 5 NGTDM features with their stable keys (`ngtdm_<key>_<aggregation>`). */
export const NGTDM_FEATURES: readonly FeatureDescriptor<NgtdmMatrix>[] = [
  {
    key: 'coarseness',
    name: 'Coarseness',
    ibsiCode: 'QCDE',
    fn: ngtdmCoarseness,
    nanReason: 'NGTDM coarseness is infinite: Σ p_i s_i = 0 (every voxel equals its neighbourhood mean)',
  },
  { key: 'contrast', name: 'Contrast', ibsiCode: '65HE', fn: ngtdmContrast },
  { key: 'busyness', name: 'Busyness', ibsiCode: 'NQ30', fn: ngtdmBusyness },
  { key: 'complexity', name: 'Complexity', ibsiCode: 'HDEZ', fn: ngtdmComplexity },
  { key: 'strength', name: 'Strength', ibsiCode: '1X9X', fn: ngtdmStrength },
];
