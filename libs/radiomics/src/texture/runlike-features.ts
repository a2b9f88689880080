/**
 * Features of the run-like matrices: GLRLM (IBSI 1 §3.7), GLSZM (§3.8), GLDZM (§3.9) and NGLDM (§3.11).
 *
 * The four families share one algebra. With r_ij the matrix entry of grey level i (1..Ng) and column
 * value j (run length, zone size, zone distance or dependence count), N_s = Σ_ij r_ij the number of
 * runs/zones/voxels counted, r_i. = Σ_j r_ij, r_.j = Σ_i r_ij, p_ij = r_ij / N_s and N_v the number of
 * voxels the matrix was computed from. The generic functions below implement each formula once;
 * every family exports its own documented, IBSI-coded name for them.
 *
 * Edge cases: an empty matrix (N_s = 0) has no features — the aggregation code skips such matrices
 * (an ROI slice without voxels) and a fully empty ROI is rejected before; on an empty matrix every
 * function here returns NaN (0/0). Reference: IBSI reference manual, arXiv:1612.07003.
 */
import type { RunLikeMatrix } from './types';
import type { FeatureDescriptor } from './glcm-features';

/**
 * A run-like matrix compacted to its non-empty rows and columns, with its sums, computed once. Row r
 * holds grey level `iValues[r]`; `ng` is the number of rows kept. Features cost O(rows × columns kept),
 * whatever the number of grey levels or the longest possible run.
 */
export interface RunLikeStats extends RunLikeMatrix {
  /** grey level of each row */
  iValues: Float64Array;
  /** N_s = Σ r_ij */
  ns: number;
  /** r_i. per row */
  rowSums: Float64Array;
  /** r_.j per column (index of `jValues`) */
  colSums: Float64Array;
}

/** Computes the sums of a run-like matrix and drops its empty rows and columns. */
export function runLikeStats(m: RunLikeMatrix): RunLikeStats {
  const { ng, nj, counts } = m;
  const fullRows = new Float64Array(ng);
  const fullCols = new Float64Array(nj);
  for (let i = 0; i < ng; i++)
    for (let c = 0; c < nj; c++) {
      const v = counts[i * nj + c];
      if (v !== 0) {
        fullRows[i] += v;
        fullCols[c] += v;
      }
    }
  const rows: number[] = [];
  const cols: number[] = [];
  let ns = 0;
  for (let i = 0; i < ng; i++)
    if (fullRows[i] !== 0) {
      rows.push(i);
      ns += fullRows[i];
    }
  for (let c = 0; c < nj; c++) if (fullCols[c] !== 0) cols.push(c);
  const r = rows.length;
  const k = cols.length;
  const compact = new Float64Array(r * k);
  for (let a = 0; a < r; a++) for (let b = 0; b < k; b++) compact[a * k + b] = counts[rows[a] * nj + cols[b]];
  return {
    ng: r,
    nj: k,
    jValues: Float64Array.from(cols, (c) => m.jValues[c]),
    iValues: Float64Array.from(rows, (i) => i + 1),
    counts: compact,
    nv: m.nv,
    ns,
    rowSums: Float64Array.from(rows, (i) => fullRows[i]),
    colSums: Float64Array.from(cols, (c) => fullCols[c]),
  };
}

/** Σ_j r_.j / j² / N_s */
export function smallColumnEmphasis(s: RunLikeStats): number {
  let a = 0;
  for (let c = 0; c < s.nj; c++) a += s.colSums[c] / (s.jValues[c] * s.jValues[c]);
  return a / s.ns;
}
/** Σ_j r_.j j² / N_s */
export function largeColumnEmphasis(s: RunLikeStats): number {
  let a = 0;
  for (let c = 0; c < s.nj; c++) a += s.colSums[c] * s.jValues[c] * s.jValues[c];
  return a / s.ns;
}
/** Σ_i r_i. / i² / N_s */
export function lowGreyEmphasis(s: RunLikeStats): number {
  let a = 0;
  for (let i = 0; i < s.ng; i++) a += s.rowSums[i] / (s.iValues[i] * s.iValues[i]);
  return a / s.ns;
}
/** Σ_i r_i. i² / N_s */
export function highGreyEmphasis(s: RunLikeStats): number {
  let a = 0;
  for (let i = 0; i < s.ng; i++) a += s.rowSums[i] * s.iValues[i] * s.iValues[i];
  return a / s.ns;
}
function weighted(s: RunLikeStats, pi: number, pj: number): number {
  let a = 0;
  for (let i = 0; i < s.ng; i++) {
    const wi = s.iValues[i] ** pi;
    for (let c = 0; c < s.nj; c++) {
      const v = s.counts[i * s.nj + c];
      if (v !== 0) a += v * wi * s.jValues[c] ** pj;
    }
  }
  return a / s.ns;
}
/** Σ_ij r_ij / (i² j²) / N_s */
export function smallColumnLowGreyEmphasis(s: RunLikeStats): number {
  return weighted(s, -2, -2);
}
/** Σ_ij r_ij i² / j² / N_s */
export function smallColumnHighGreyEmphasis(s: RunLikeStats): number {
  return weighted(s, 2, -2);
}
/** Σ_ij r_ij j² / i² / N_s */
export function largeColumnLowGreyEmphasis(s: RunLikeStats): number {
  return weighted(s, -2, 2);
}
/** Σ_ij r_ij i² j² / N_s */
export function largeColumnHighGreyEmphasis(s: RunLikeStats): number {
  return weighted(s, 2, 2);
}
/** Σ_i r_i.² / N_s */
export function greyNonUniformity(s: RunLikeStats): number {
  let a = 0;
  for (let i = 0; i < s.ng; i++) a += s.rowSums[i] * s.rowSums[i];
  return a / s.ns;
}
/** Σ_i r_i.² / N_s² */
export function greyNonUniformityNormalised(s: RunLikeStats): number {
  return greyNonUniformity(s) / s.ns;
}
/** Σ_j r_.j² / N_s */
export function columnNonUniformity(s: RunLikeStats): number {
  let a = 0;
  for (let c = 0; c < s.nj; c++) a += s.colSums[c] * s.colSums[c];
  return a / s.ns;
}
/** Σ_j r_.j² / N_s² */
export function columnNonUniformityNormalised(s: RunLikeStats): number {
  return columnNonUniformity(s) / s.ns;
}
/** N_s / N_v */
export function percentage(s: RunLikeStats): number {
  return s.ns / s.nv;
}
/** Σ_ij (i − μ)² p_ij, μ = Σ_ij i p_ij */
export function greyVariance(s: RunLikeStats): number {
  let mu = 0;
  for (let i = 0; i < s.ng; i++) mu += s.iValues[i] * s.rowSums[i];
  mu /= s.ns;
  let a = 0;
  for (let i = 0; i < s.ng; i++) a += (s.iValues[i] - mu) ** 2 * s.rowSums[i];
  return a / s.ns;
}
/** Σ_ij (j − μ)² p_ij, μ = Σ_ij j p_ij */
export function columnVariance(s: RunLikeStats): number {
  let mu = 0;
  for (let c = 0; c < s.nj; c++) mu += s.jValues[c] * s.colSums[c];
  mu /= s.ns;
  let a = 0;
  for (let c = 0; c < s.nj; c++) a += (s.jValues[c] - mu) ** 2 * s.colSums[c];
  return a / s.ns;
}
/** −Σ_ij p_ij log2 p_ij */
export function runLikeEntropy(s: RunLikeStats): number {
  let a = 0;
  for (let k = 0; k < s.counts.length; k++) {
    const v = s.counts[k];
    if (v > 0) {
      const p = v / s.ns;
      a -= p * Math.log2(p);
    }
  }
  return a;
}
/** Σ_ij p_ij² */
export function runLikeEnergy(s: RunLikeStats): number {
  let a = 0;
  for (let k = 0; k < s.counts.length; k++) a += s.counts[k] * s.counts[k];
  return a / (s.ns * s.ns);
}

type F = (s: RunLikeStats) => number;

// ---------------------------------------------------------------- GLRLM (IBSI 1 §3.7), j = run length
/** GLRLM short runs emphasis (22OV): F = (1/N_s) Σ_j r_.j / j². */
export const glrlmShortRunsEmphasis: F = smallColumnEmphasis;
/** GLRLM long runs emphasis (W4KF): F = (1/N_s) Σ_j r_.j j². */
export const glrlmLongRunsEmphasis: F = largeColumnEmphasis;
/** GLRLM low grey level run emphasis (V3SW): F = (1/N_s) Σ_i r_i. / i². */
export const glrlmLowGreyLevelRunEmphasis: F = lowGreyEmphasis;
/** GLRLM high grey level run emphasis (G3QZ): F = (1/N_s) Σ_i r_i. i². */
export const glrlmHighGreyLevelRunEmphasis: F = highGreyEmphasis;
/** GLRLM short run low grey level emphasis (HTZT): F = (1/N_s) Σ_ij r_ij / (i² j²). */
export const glrlmShortRunLowGreyLevelEmphasis: F = smallColumnLowGreyEmphasis;
/** GLRLM short run high grey level emphasis (GD3A): F = (1/N_s) Σ_ij r_ij i² / j². */
export const glrlmShortRunHighGreyLevelEmphasis: F = smallColumnHighGreyEmphasis;
/** GLRLM long run low grey level emphasis (IVPO): F = (1/N_s) Σ_ij r_ij j² / i². */
export const glrlmLongRunLowGreyLevelEmphasis: F = largeColumnLowGreyEmphasis;
/** GLRLM long run high grey level emphasis (3KUM): F = (1/N_s) Σ_ij r_ij i² j². */
export const glrlmLongRunHighGreyLevelEmphasis: F = largeColumnHighGreyEmphasis;
/** GLRLM grey level non-uniformity (R5YN): F = (1/N_s) Σ_i r_i.². */
export const glrlmGreyLevelNonUniformity: F = greyNonUniformity;
/** GLRLM normalised grey level non-uniformity (OVBL): F = (1/N_s²) Σ_i r_i.². */
export const glrlmNormalisedGreyLevelNonUniformity: F = greyNonUniformityNormalised;
/** GLRLM run length non-uniformity (W92Y): F = (1/N_s) Σ_j r_.j². */
export const glrlmRunLengthNonUniformity: F = columnNonUniformity;
/** GLRLM normalised run length non-uniformity (IC23): F = (1/N_s²) Σ_j r_.j². */
export const glrlmNormalisedRunLengthNonUniformity: F = columnNonUniformityNormalised;
/** GLRLM run percentage (9ZK5): F = N_s / N_v; for merged matrices N_v is summed over the merged matrices (IBSI). */
export const glrlmRunPercentage: F = percentage;
/** GLRLM grey level variance (8CE5): F = Σ_ij (i − μ)² p_ij. 0 for one grey level. */
export const glrlmGreyLevelVariance: F = greyVariance;
/** GLRLM run length variance (SXLW): F = Σ_ij (j − μ)² p_ij. */
export const glrlmRunLengthVariance: F = columnVariance;
/** GLRLM run entropy (HJ9O): F = −Σ_ij p_ij log2 p_ij. */
export const glrlmRunEntropy: F = runLikeEntropy;

// ---------------------------------------------------------------- GLSZM (IBSI 1 §3.8), j = zone size
/** GLSZM small zone emphasis (5QRC; no code in the reference CSV): F = (1/N_s) Σ_j s_.j / j². */
export const glszmSmallZoneEmphasis: F = smallColumnEmphasis;
/** GLSZM large zone emphasis (48P8): F = (1/N_s) Σ_j s_.j j². */
export const glszmLargeZoneEmphasis: F = largeColumnEmphasis;
/** GLSZM low grey level zone emphasis (XMSY): F = (1/N_s) Σ_i s_i. / i². */
export const glszmLowGreyLevelZoneEmphasis: F = lowGreyEmphasis;
/** GLSZM high grey level zone emphasis (5GN9): F = (1/N_s) Σ_i s_i. i². */
export const glszmHighGreyLevelZoneEmphasis: F = highGreyEmphasis;
/** GLSZM small zone low grey level emphasis (5RAI): F = (1/N_s) Σ_ij s_ij / (i² j²). */
export const glszmSmallZoneLowGreyLevelEmphasis: F = smallColumnLowGreyEmphasis;
/** GLSZM small zone high grey level emphasis (HW1V): F = (1/N_s) Σ_ij s_ij i² / j². */
export const glszmSmallZoneHighGreyLevelEmphasis: F = smallColumnHighGreyEmphasis;
/** GLSZM large zone low grey level emphasis (YH51): F = (1/N_s) Σ_ij s_ij j² / i². */
export const glszmLargeZoneLowGreyLevelEmphasis: F = largeColumnLowGreyEmphasis;
/** GLSZM large zone high grey level emphasis (J17V): F = (1/N_s) Σ_ij s_ij i² j². */
export const glszmLargeZoneHighGreyLevelEmphasis: F = largeColumnHighGreyEmphasis;
/** GLSZM grey level non-uniformity (JNSA): F = (1/N_s) Σ_i s_i.². */
export const glszmGreyLevelNonUniformity: F = greyNonUniformity;
/** GLSZM normalised grey level non-uniformity (Y1RO): F = (1/N_s²) Σ_i s_i.². */
export const glszmNormalisedGreyLevelNonUniformity: F = greyNonUniformityNormalised;
/** GLSZM zone size non-uniformity (4JP3): F = (1/N_s) Σ_j s_.j². */
export const glszmZoneSizeNonUniformity: F = columnNonUniformity;
/** GLSZM normalised zone size non-uniformity (VB3A): F = (1/N_s²) Σ_j s_.j². */
export const glszmNormalisedZoneSizeNonUniformity: F = columnNonUniformityNormalised;
/** GLSZM zone percentage (P30P): F = N_s / N_v. */
export const glszmZonePercentage: F = percentage;
/** GLSZM grey level variance (BYLV): F = Σ_ij (i − μ)² p_ij. */
export const glszmGreyLevelVariance: F = greyVariance;
/** GLSZM zone size variance (3NSA): F = Σ_ij (j − μ)² p_ij. 0 when all zones have one size. */
export const glszmZoneSizeVariance: F = columnVariance;
/** GLSZM zone size entropy (GU8N): F = −Σ_ij p_ij log2 p_ij. */
export const glszmZoneSizeEntropy: F = runLikeEntropy;

// ---------------------------------------------------------------- GLDZM (IBSI 1 §3.9), j = zone distance
/** GLDZM small distance emphasis (0GBI): F = (1/N_s) Σ_j d_.j / j². */
export const gldzmSmallDistanceEmphasis: F = smallColumnEmphasis;
/** GLDZM large distance emphasis (MB4I): F = (1/N_s) Σ_j d_.j j². */
export const gldzmLargeDistanceEmphasis: F = largeColumnEmphasis;
/** GLDZM low grey level zone emphasis (S1RA): F = (1/N_s) Σ_i d_i. / i². */
export const gldzmLowGreyLevelZoneEmphasis: F = lowGreyEmphasis;
/** GLDZM high grey level zone emphasis (K26C): F = (1/N_s) Σ_i d_i. i². */
export const gldzmHighGreyLevelZoneEmphasis: F = highGreyEmphasis;
/** GLDZM small distance low grey level emphasis (RUVG): F = (1/N_s) Σ_ij d_ij / (i² j²). */
export const gldzmSmallDistanceLowGreyLevelEmphasis: F = smallColumnLowGreyEmphasis;
/** GLDZM small distance high grey level emphasis (DKNJ): F = (1/N_s) Σ_ij d_ij i² / j². */
export const gldzmSmallDistanceHighGreyLevelEmphasis: F = smallColumnHighGreyEmphasis;
/** GLDZM large distance low grey level emphasis (A7WM): F = (1/N_s) Σ_ij d_ij j² / i². */
export const gldzmLargeDistanceLowGreyLevelEmphasis: F = largeColumnLowGreyEmphasis;
/** GLDZM large distance high grey level emphasis (KLTH): F = (1/N_s) Σ_ij d_ij i² j². */
export const gldzmLargeDistanceHighGreyLevelEmphasis: F = largeColumnHighGreyEmphasis;
/** GLDZM grey level non-uniformity (VFT7): F = (1/N_s) Σ_i d_i.². */
export const gldzmGreyLevelNonUniformity: F = greyNonUniformity;
/** GLDZM normalised grey level non-uniformity (7HP3): F = (1/N_s²) Σ_i d_i.². */
export const gldzmNormalisedGreyLevelNonUniformity: F = greyNonUniformityNormalised;
/** GLDZM zone distance non-uniformity (V294): F = (1/N_s) Σ_j d_.j². */
export const gldzmZoneDistanceNonUniformity: F = columnNonUniformity;
/** GLDZM normalised zone distance non-uniformity (IATH): F = (1/N_s²) Σ_j d_.j². */
export const gldzmNormalisedZoneDistanceNonUniformity: F = columnNonUniformityNormalised;
/** GLDZM zone percentage (VIWW): F = N_s / N_v. */
export const gldzmZonePercentage: F = percentage;
/** GLDZM grey level variance (QK93): F = Σ_ij (i − μ)² p_ij. */
export const gldzmGreyLevelVariance: F = greyVariance;
/** GLDZM zone distance variance (7WT1): F = Σ_ij (j − μ)² p_ij. */
export const gldzmZoneDistanceVariance: F = columnVariance;
/** GLDZM zone distance entropy (GBDU): F = −Σ_ij p_ij log2 p_ij. */
export const gldzmZoneDistanceEntropy: F = runLikeEntropy;

// ---------------------------------------------------------------- NGLDM (IBSI 1 §3.11), j = dependence count
/** NGLDM low dependence emphasis (SODN): F = (1/N_s) Σ_j s_.j / j². */
export const ngldmLowDependenceEmphasis: F = smallColumnEmphasis;
/** NGLDM high dependence emphasis (IMOQ): F = (1/N_s) Σ_j s_.j j². */
export const ngldmHighDependenceEmphasis: F = largeColumnEmphasis;
/** NGLDM low grey level count emphasis (TL9H): F = (1/N_s) Σ_i s_i. / i². */
export const ngldmLowGreyLevelCountEmphasis: F = lowGreyEmphasis;
/** NGLDM high grey level count emphasis (OAE7): F = (1/N_s) Σ_i s_i. i². */
export const ngldmHighGreyLevelCountEmphasis: F = highGreyEmphasis;
/** NGLDM low dependence low grey level emphasis (EQ3F): F = (1/N_s) Σ_ij s_ij / (i² j²). */
export const ngldmLowDependenceLowGreyLevelEmphasis: F = smallColumnLowGreyEmphasis;
/** NGLDM low dependence high grey level emphasis (JA6D): F = (1/N_s) Σ_ij s_ij i² / j². */
export const ngldmLowDependenceHighGreyLevelEmphasis: F = smallColumnHighGreyEmphasis;
/** NGLDM high dependence low grey level emphasis (NBZI): F = (1/N_s) Σ_ij s_ij j² / i². */
export const ngldmHighDependenceLowGreyLevelEmphasis: F = largeColumnLowGreyEmphasis;
/** NGLDM high dependence high grey level emphasis (9QMG): F = (1/N_s) Σ_ij s_ij i² j². */
export const ngldmHighDependenceHighGreyLevelEmphasis: F = largeColumnHighGreyEmphasis;
/** NGLDM grey level non-uniformity (FP8K): F = (1/N_s) Σ_i s_i.². */
export const ngldmGreyLevelNonUniformity: F = greyNonUniformity;
/** NGLDM normalised grey level non-uniformity (5SPA): F = (1/N_s²) Σ_i s_i.². */
export const ngldmNormalisedGreyLevelNonUniformity: F = greyNonUniformityNormalised;
/** NGLDM dependence count non-uniformity (Z87G): F = (1/N_s) Σ_j s_.j². */
export const ngldmDependenceCountNonUniformity: F = columnNonUniformity;
/** NGLDM normalised dependence count non-uniformity (OKJI): F = (1/N_s²) Σ_j s_.j². */
export const ngldmNormalisedDependenceCountNonUniformity: F = columnNonUniformityNormalised;
/** NGLDM dependence count percentage (6XV8): F = N_s / N_v; 1 by construction (every ROI voxel is counted). */
export const ngldmDependenceCountPercentage: F = percentage;
/** NGLDM grey level variance (1PFV): F = Σ_ij (i − μ)² p_ij. */
export const ngldmGreyLevelVariance: F = greyVariance;
/** NGLDM dependence count variance (DNX2): F = Σ_ij (j − μ)² p_ij. */
export const ngldmDependenceCountVariance: F = columnVariance;
/** NGLDM dependence count entropy (FCBV): F = −Σ_ij p_ij log2 p_ij. */
export const ngldmDependenceCountEntropy: F = runLikeEntropy;
/** NGLDM dependence count energy (CAS9): F = Σ_ij p_ij². */
export const ngldmDependenceCountEnergy: F = runLikeEnergy;

type D = FeatureDescriptor<RunLikeStats>;

/** The 16 GLRLM features with their stable keys (`glrlm_<key>_<aggregation>`). */
export const GLRLM_FEATURES: readonly D[] = [
  { key: 'sre', name: 'Short runs emphasis', ibsiCode: '22OV', fn: glrlmShortRunsEmphasis },
  { key: 'lre', name: 'Long runs emphasis', ibsiCode: 'W4KF', fn: glrlmLongRunsEmphasis },
  { key: 'lgre', name: 'Low grey level run emphasis', ibsiCode: 'V3SW', fn: glrlmLowGreyLevelRunEmphasis },
  { key: 'hgre', name: 'High grey level run emphasis', ibsiCode: 'G3QZ', fn: glrlmHighGreyLevelRunEmphasis },
  { key: 'srlge', name: 'Short run low grey level emphasis', ibsiCode: 'HTZT', fn: glrlmShortRunLowGreyLevelEmphasis },
  { key: 'srhge', name: 'Short run high grey level emphasis', ibsiCode: 'GD3A', fn: glrlmShortRunHighGreyLevelEmphasis },
  { key: 'lrlge', name: 'Long run low grey level emphasis', ibsiCode: 'IVPO', fn: glrlmLongRunLowGreyLevelEmphasis },
  { key: 'lrhge', name: 'Long run high grey level emphasis', ibsiCode: '3KUM', fn: glrlmLongRunHighGreyLevelEmphasis },
  { key: 'glnu', name: 'Grey level non-uniformity', ibsiCode: 'R5YN', fn: glrlmGreyLevelNonUniformity },
  { key: 'glnu_norm', name: 'Normalised grey level non-uniformity', ibsiCode: 'OVBL', fn: glrlmNormalisedGreyLevelNonUniformity },
  { key: 'rlnu', name: 'Run length non-uniformity', ibsiCode: 'W92Y', fn: glrlmRunLengthNonUniformity },
  { key: 'rlnu_norm', name: 'Normalised run length non-uniformity', ibsiCode: 'IC23', fn: glrlmNormalisedRunLengthNonUniformity },
  { key: 'r_perc', name: 'Run percentage', ibsiCode: '9ZK5', fn: glrlmRunPercentage },
  { key: 'gl_var', name: 'Grey level variance', ibsiCode: '8CE5', fn: glrlmGreyLevelVariance },
  { key: 'rl_var', name: 'Run length variance', ibsiCode: 'SXLW', fn: glrlmRunLengthVariance },
  { key: 'rl_entr', name: 'Run entropy', ibsiCode: 'HJ9O', fn: glrlmRunEntropy },
];

/** The 16 GLSZM features with their stable keys (`glszm_<key>_<aggregation>`). */
export const GLSZM_FEATURES: readonly D[] = [
  { key: 'sze', name: 'Small zone emphasis', ibsiCode: '5QRC', fn: glszmSmallZoneEmphasis },
  { key: 'lze', name: 'Large zone emphasis', ibsiCode: '48P8', fn: glszmLargeZoneEmphasis },
  { key: 'lgze', name: 'Low grey level zone emphasis', ibsiCode: 'XMSY', fn: glszmLowGreyLevelZoneEmphasis },
  { key: 'hgze', name: 'High grey level zone emphasis', ibsiCode: '5GN9', fn: glszmHighGreyLevelZoneEmphasis },
  { key: 'szlge', name: 'Small zone low grey level emphasis', ibsiCode: '5RAI', fn: glszmSmallZoneLowGreyLevelEmphasis },
  { key: 'szhge', name: 'Small zone high grey level emphasis', ibsiCode: 'HW1V', fn: glszmSmallZoneHighGreyLevelEmphasis },
  { key: 'lzlge', name: 'Large zone low grey level emphasis', ibsiCode: 'YH51', fn: glszmLargeZoneLowGreyLevelEmphasis },
  { key: 'lzhge', name: 'Large zone high grey level emphasis', ibsiCode: 'J17V', fn: glszmLargeZoneHighGreyLevelEmphasis },
  { key: 'glnu', name: 'Grey level non-uniformity', ibsiCode: 'JNSA', fn: glszmGreyLevelNonUniformity },
  { key: 'glnu_norm', name: 'Normalised grey level non-uniformity', ibsiCode: 'Y1RO', fn: glszmNormalisedGreyLevelNonUniformity },
  { key: 'zsnu', name: 'Zone size non-uniformity', ibsiCode: '4JP3', fn: glszmZoneSizeNonUniformity },
  { key: 'zsnu_norm', name: 'Normalised zone size non-uniformity', ibsiCode: 'VB3A', fn: glszmNormalisedZoneSizeNonUniformity },
  { key: 'z_perc', name: 'Zone percentage', ibsiCode: 'P30P', fn: glszmZonePercentage },
  { key: 'gl_var', name: 'Grey level variance', ibsiCode: 'BYLV', fn: glszmGreyLevelVariance },
  { key: 'zs_var', name: 'Zone size variance', ibsiCode: '3NSA', fn: glszmZoneSizeVariance },
  { key: 'zs_entr', name: 'Zone size entropy', ibsiCode: 'GU8N', fn: glszmZoneSizeEntropy },
];

/** The 16 GLDZM features with their stable keys (`gldzm_<key>_<aggregation>`). */
export const GLDZM_FEATURES: readonly D[] = [
  { key: 'sde', name: 'Small distance emphasis', ibsiCode: '0GBI', fn: gldzmSmallDistanceEmphasis },
  { key: 'lde', name: 'Large distance emphasis', ibsiCode: 'MB4I', fn: gldzmLargeDistanceEmphasis },
  { key: 'lgze', name: 'Low grey level zone emphasis', ibsiCode: 'S1RA', fn: gldzmLowGreyLevelZoneEmphasis },
  { key: 'hgze', name: 'High grey level zone emphasis', ibsiCode: 'K26C', fn: gldzmHighGreyLevelZoneEmphasis },
  { key: 'sdlge', name: 'Small distance low grey level emphasis', ibsiCode: 'RUVG', fn: gldzmSmallDistanceLowGreyLevelEmphasis },
  { key: 'sdhge', name: 'Small distance high grey level emphasis', ibsiCode: 'DKNJ', fn: gldzmSmallDistanceHighGreyLevelEmphasis },
  { key: 'ldlge', name: 'Large distance low grey level emphasis', ibsiCode: 'A7WM', fn: gldzmLargeDistanceLowGreyLevelEmphasis },
  { key: 'ldhge', name: 'Large distance high grey level emphasis', ibsiCode: 'KLTH', fn: gldzmLargeDistanceHighGreyLevelEmphasis },
  { key: 'glnu', name: 'Grey level non-uniformity', ibsiCode: 'VFT7', fn: gldzmGreyLevelNonUniformity },
  { key: 'glnu_norm', name: 'Normalised grey level non-uniformity', ibsiCode: '7HP3', fn: gldzmNormalisedGreyLevelNonUniformity },
  { key: 'zdnu', name: 'Zone distance non-uniformity', ibsiCode: 'V294', fn: gldzmZoneDistanceNonUniformity },
  { key: 'zdnu_norm', name: 'Normalised zone distance non-uniformity', ibsiCode: 'IATH', fn: gldzmNormalisedZoneDistanceNonUniformity },
  { key: 'z_perc', name: 'Zone percentage', ibsiCode: 'VIWW', fn: gldzmZonePercentage },
  { key: 'gl_var', name: 'Grey level variance', ibsiCode: 'QK93', fn: gldzmGreyLevelVariance },
  { key: 'zd_var', name: 'Zone distance variance', ibsiCode: '7WT1', fn: gldzmZoneDistanceVariance },
  { key: 'zd_entr', name: 'Zone distance entropy', ibsiCode: 'GBDU', fn: gldzmZoneDistanceEntropy },
];

/** The 17 NGLDM features with their stable keys (`ngldm_<key>_<aggregation>`). */
export const NGLDM_FEATURES: readonly D[] = [
  { key: 'lde', name: 'Low dependence emphasis', ibsiCode: 'SODN', fn: ngldmLowDependenceEmphasis },
  { key: 'hde', name: 'High dependence emphasis', ibsiCode: 'IMOQ', fn: ngldmHighDependenceEmphasis },
  { key: 'lgce', name: 'Low grey level count emphasis', ibsiCode: 'TL9H', fn: ngldmLowGreyLevelCountEmphasis },
  { key: 'hgce', name: 'High grey level count emphasis', ibsiCode: 'OAE7', fn: ngldmHighGreyLevelCountEmphasis },
  { key: 'ldlge', name: 'Low dependence low grey level emphasis', ibsiCode: 'EQ3F', fn: ngldmLowDependenceLowGreyLevelEmphasis },
  { key: 'ldhge', name: 'Low dependence high grey level emphasis', ibsiCode: 'JA6D', fn: ngldmLowDependenceHighGreyLevelEmphasis },
  { key: 'hdlge', name: 'High dependence low grey level emphasis', ibsiCode: 'NBZI', fn: ngldmHighDependenceLowGreyLevelEmphasis },
  { key: 'hdhge', name: 'High dependence high grey level emphasis', ibsiCode: '9QMG', fn: ngldmHighDependenceHighGreyLevelEmphasis },
  { key: 'glnu', name: 'Grey level non-uniformity', ibsiCode: 'FP8K', fn: ngldmGreyLevelNonUniformity },
  { key: 'glnu_norm', name: 'Normalised grey level non-uniformity', ibsiCode: '5SPA', fn: ngldmNormalisedGreyLevelNonUniformity },
  { key: 'dcnu', name: 'Dependence count non-uniformity', ibsiCode: 'Z87G', fn: ngldmDependenceCountNonUniformity },
  { key: 'dcnu_norm', name: 'Normalised dependence count non-uniformity', ibsiCode: 'OKJI', fn: ngldmNormalisedDependenceCountNonUniformity },
  { key: 'dc_perc', name: 'Dependence count percentage', ibsiCode: '6XV8', fn: ngldmDependenceCountPercentage },
  { key: 'gl_var', name: 'Grey level variance', ibsiCode: '1PFV', fn: ngldmGreyLevelVariance },
  { key: 'dc_var', name: 'Dependence count variance', ibsiCode: 'DNX2', fn: ngldmDependenceCountVariance },
  { key: 'dc_entr', name: 'Dependence count entropy', ibsiCode: 'FCBV', fn: ngldmDependenceCountEntropy },
  { key: 'dc_energy', name: 'Dependence count energy', ibsiCode: 'CAS9', fn: ngldmDependenceCountEnergy },
];
