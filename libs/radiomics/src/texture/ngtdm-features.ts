/**
 * NGTDM features (IBSI 1, section 3.10). Notation: n_i the number of ROI voxels of level i with a
 * non-empty neighbourhood, N_v,c = Σ n_i, p_i = n_i / N_v,c, s_i the summed absolute difference
 * between level i and the mean neighbourhood level, N_g,p the number of levels with p_i > 0.
 * Sums over (i, j) run over levels with p_i > 0 and p_j > 0. Reference: arXiv:1612.07003, 3.10.
 */
import type { NgtdmMatrix } from './types';
import type { FeatureDescriptor } from './glcm-features';

function prep(m: NgtdmMatrix): { p: Float64Array; nvc: number; sumS: number; ngp: number } {
  let nvc = 0;
  let sumS = 0;
  let ngp = 0;
  for (let i = 0; i < m.ng; i++) {
    nvc += m.n[i];
    sumS += m.s[i];
    if (m.n[i] > 0) ngp++;
  }
  const p = new Float64Array(m.ng);
  for (let i = 0; i < m.ng; i++) p[i] = m.n[i] / nvc;
  return { p, nvc, sumS, ngp };
}

/**
 * Coarseness (QCDE): F = 1 / Σ_i p_i s_i.
 * NaN when Σ p_i s_i = 0 (every voxel equals its neighbourhood mean, e.g. a single grey level):
 * coarseness is then infinite. PyRadiomics reports 10⁶ instead.
 */
export function ngtdmCoarseness(m: NgtdmMatrix): number {
  const { p } = prep(m);
  let a = 0;
  for (let i = 0; i < m.ng; i++) a += p[i] * m.s[i];
  return a > 0 ? 1 / a : Number.NaN;
}

/**
 * Contrast (65HE): F = [1 / (N_g,p (N_g,p − 1)) Σ_i Σ_j p_i p_j (i − j)²] · [(1 / N_v,c) Σ_i s_i].
 * 0 when a single grey level is present (N_g,p = 1: there is no grey-level contrast), as in PyRadiomics.
 */
export function ngtdmContrast(m: NgtdmMatrix): number {
  const { p, nvc, sumS, ngp } = prep(m);
  if (ngp < 2) return 0;
  let a = 0;
  for (let i = 0; i < m.ng; i++) for (let j = 0; j < m.ng; j++) a += p[i] * p[j] * (i - j) * (i - j);
  return (a / (ngp * (ngp - 1))) * (sumS / nvc);
}

/**
 * Busyness (NQ30): F = Σ_i p_i s_i / Σ_i Σ_j |i p_i − j p_j| (p_i, p_j > 0).
 * 0 when a single grey level is present (the denominator vanishes with the numerator), as in PyRadiomics.
 */
export function ngtdmBusyness(m: NgtdmMatrix): number {
  const { p } = prep(m);
  let num = 0;
  let den = 0;
  for (let i = 0; i < m.ng; i++) {
    if (p[i] === 0) continue;
    num += p[i] * m.s[i];
    for (let j = 0; j < m.ng; j++) if (p[j] > 0) den += Math.abs((i + 1) * p[i] - (j + 1) * p[j]);
  }
  return den > 0 ? num / den : 0;
}

/** Complexity (HDEZ): F = (1 / N_v,c) Σ_i Σ_j |i − j| (p_i s_i + p_j s_j) / (p_i + p_j) (p_i, p_j > 0). 0 for one level. */
export function ngtdmComplexity(m: NgtdmMatrix): number {
  const { p, nvc } = prep(m);
  let a = 0;
  for (let i = 0; i < m.ng; i++) {
    if (p[i] === 0) continue;
    for (let j = 0; j < m.ng; j++) {
      if (p[j] === 0) continue;
      a += (Math.abs(i - j) * (p[i] * m.s[i] + p[j] * m.s[j])) / (p[i] + p[j]);
    }
  }
  return a / nvc;
}

/**
 * Strength (1X9X): F = Σ_i Σ_j (p_i + p_j)(i − j)² / Σ_i s_i (p_i, p_j > 0).
 * 0 when Σ s_i = 0 (no voxel differs from its neighbourhood), as in PyRadiomics.
 */
export function ngtdmStrength(m: NgtdmMatrix): number {
  const { p, sumS } = prep(m);
  if (!(sumS > 0)) return 0;
  let a = 0;
  for (let i = 0; i < m.ng; i++) {
    if (p[i] === 0) continue;
    for (let j = 0; j < m.ng; j++) if (p[j] > 0) a += (p[i] + p[j]) * (i - j) * (i - j);
  }
  return a / sumS;
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
