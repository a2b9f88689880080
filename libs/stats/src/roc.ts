/**
 * ROC analysis equal to R's pROC (Robin et al., BMC Bioinformatics 2011).
 *
 * Conventions (pROC):
 * - labels: 1 = case (diseased), 0 = control. `direction: '<'` (default) means controls score lower than cases, so a
 *   subject is called positive when score > threshold. `'>'` is the reverse. `'auto'` picks '<' unless the median
 *   control score is above the median case score (pROC's auto rule).
 * - thresholds: −∞, the midpoints between consecutive distinct scores, +∞ (pROC `roc.utils.thresholds`); they never
 *   equal an observed score, so ≥ and > classify identically at every curve point.
 * - AUC = Mann–Whitney probability P(case > control) + ½·P(tie) (direction '<').
 * - DeLong variance (DeLong, DeLong & Clarke-Pearson 1988) from placement values V10 (per case) and V01 (per
 *   control), computed in O(N log N) with mid-ranks (Sun & Xu 2014): Var = s²(V10)/m + s²(V01)/n.
 *   95% CI = AUC ± z·√Var, clipped to [0, 1] (pROC `ci.auc(method="delong")`).
 */
import { ptTwoSided, pTwoSidedNormal, qnorm } from './distributions';
import { Rng, toRng } from './rng';
import { checkBinary, covariance, midranks, NumArray, quantileType7, StatsInputError, variance } from './util';

export type RocDirection = '<' | '>';

export interface RocPoint {
  threshold: number;
  sensitivity: number;
  specificity: number;
}

export interface RocCurve {
  direction: RocDirection;
  nCases: number;
  nControls: number;
  /**
   * Thresholds in pROC's order (sensitivity falling from 1 to 0): ascending −∞ … +∞ for '<' (positive = score >
   * threshold), descending +∞ … −∞ for '>' (positive = score < threshold).
   */
  thresholds: Float64Array;
  sensitivities: Float64Array;
  specificities: Float64Array;
  auc: number;
}

export interface RocOptions {
  direction?: RocDirection | 'auto';
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  return quantileType7(s, 0.5);
}

/** Split scores into cases and controls, resolving the direction. */
export function splitByLabel(fn: string, labels: NumArray, scores: NumArray, direction: RocDirection | 'auto' = '<') {
  const { y, s } = checkBinary(fn, labels, scores);
  let m = 0;
  for (let i = 0; i < y.length; i++) m += y[i];
  const n = y.length - m;
  if (m === 0 || n === 0) throw new StatsInputError(`${fn}: need at least one case (label 1) and one control (label 0); got ${m} cases and ${n} controls`);
  const cases = new Float64Array(m);
  const controls = new Float64Array(n);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) cases[a++] = s[i];
    else controls[b++] = s[i];
  }
  let dir: RocDirection;
  if (direction === 'auto') dir = median(controls) > median(cases) ? '>' : '<';
  else dir = direction;
  return { cases, controls, direction: dir };
}

/** Build the empirical ROC curve (pROC `roc()`). O(N log N). */
export function roc(labels: NumArray, scores: NumArray, options: RocOptions = {}): RocCurve {
  const { cases, controls, direction } = splitByLabel('roc', labels, scores, options.direction ?? '<');
  return rocFromGroups(cases, controls, direction);
}

/** ROC curve from the case and control score vectors. */
export function rocFromGroups(cases: Float64Array, controls: Float64Array, direction: RocDirection = '<'): RocCurve {
  const m = cases.length;
  const n = controls.length;
  const sc = Float64Array.from(cases).sort();
  const sn = Float64Array.from(controls).sort();
  // distinct values of the pooled scores
  const all = new Float64Array(m + n);
  all.set(sc);
  all.set(sn, m);
  all.sort();
  const uniq: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) uniq.push(all[i]);
  const k = uniq.length + 1;
  const thresholds = new Float64Array(k);
  thresholds[0] = -Infinity;
  thresholds[k - 1] = Infinity;
  for (let i = 1; i < k - 1; i++) {
    const a = uniq[i - 1];
    const b = uniq[i];
    const t1 = (a + b) / 2;
    thresholds[i] = Math.abs(t1) > 1e100 ? a / 2 + b / 2 : t1;
  }
  const sens = new Float64Array(k);
  const spec = new Float64Array(k);
  // counts of cases/controls strictly above each threshold via merge pointers
  let ic = 0; // number of cases ≤ threshold
  let in_ = 0;
  for (let t = 0; t < k; t++) {
    const thr = thresholds[t];
    while (ic < m && sc[ic] <= thr) ic++;
    while (in_ < n && sn[in_] <= thr) in_++;
    if (direction === '<') {
      sens[t] = (m - ic) / m; // cases > thr
      spec[t] = in_ / n; // controls ≤ thr
    } else {
      sens[t] = ic / m; // cases < thr
      spec[t] = (n - in_) / n;
    }
  }
  if (direction === '>') {
    // pROC orders the curve so that sensitivity decreases from 1 to 0: descending thresholds for '>'
    thresholds.reverse();
    sens.reverse();
    spec.reverse();
  }
  return { direction, nCases: m, nControls: n, thresholds, sensitivities: sens, specificities: spec, auc: delongPlacements(cases, controls, direction).auc };
}

export interface Placements {
  auc: number;
  /** V10: one placement value per case. */
  v10: Float64Array;
  /** V01: one placement value per control. */
  v01: Float64Array;
}

/**
 * DeLong placement values via mid-ranks: V10_i = (R_i − R_i^cases)/n, V01_j = 1 − (R_j − R_j^controls)/m,
 * where R is the mid-rank in the pooled sample (ties count ½). For direction '>' scores are negated.
 */
export function delongPlacements(cases: NumArray, controls: NumArray, direction: RocDirection = '<'): Placements {
  const m = cases.length;
  const n = controls.length;
  const sign = direction === '<' ? 1 : -1;
  const pooled = new Float64Array(m + n);
  for (let i = 0; i < m; i++) pooled[i] = sign * cases[i];
  for (let j = 0; j < n; j++) pooled[m + j] = sign * controls[j];
  const rAll = midranks(pooled);
  const rX = midranks(pooled.subarray(0, m));
  const rY = midranks(pooled.subarray(m));
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    v10[i] = (rAll[i] - rX[i]) / n;
    sum += v10[i];
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (rAll[m + j] - rY[j]) / m;
  return { auc: sum / m, v10, v01 };
}

/** AUC (Mann–Whitney) of scores against 0/1 labels. */
export function auc(labels: NumArray, scores: NumArray, options: RocOptions = {}): number {
  const { cases, controls, direction } = splitByLabel('auc', labels, scores, options.direction ?? '<');
  return delongPlacements(cases, controls, direction).auc;
}

export interface AucCi {
  auc: number;
  lower: number;
  upper: number;
  method: 'delong' | 'bootstrap';
  level: number;
  /** DeLong variance of the AUC (DeLong method only). */
  variance?: number;
  /** Bootstrap replicates used (bootstrap only). */
  replicates?: number;
}

/** DeLong variance of the AUC. */
export function delongVariance(p: Placements): number {
  const m = p.v10.length;
  const n = p.v01.length;
  if (m < 2 || n < 2) return NaN;
  return variance(p.v10) / m + variance(p.v01) / n;
}

/** AUC with DeLong CI (pROC `ci.auc(method = "delong")`), clipped to [0, 1]. */
export function aucCiDelong(labels: NumArray, scores: NumArray, options: RocOptions & { level?: number } = {}): AucCi {
  const level = options.level ?? 0.95;
  const { cases, controls, direction } = splitByLabel('aucCiDelong', labels, scores, options.direction ?? '<');
  const p = delongPlacements(cases, controls, direction);
  const v = delongVariance(p);
  const z = qnorm(1 - (1 - level) / 2);
  const sd = Math.sqrt(v);
  return { auc: p.auc, lower: Math.max(0, p.auc - z * sd), upper: Math.min(1, p.auc + z * sd), method: 'delong', level, variance: v };
}

/**
 * Stratified bootstrap CI of the AUC (pROC `ci.auc(method = "bootstrap", stratified = TRUE)`): cases and controls are
 * resampled separately with replacement (so every replicate keeps the original class sizes); the limits are R type-7
 * quantiles of the replicate AUCs. Seeded xoshiro128**: reproducible here, equal to pROC only within Monte-Carlo error.
 */
export function aucCiBootstrap(
  labels: NumArray,
  scores: NumArray,
  options: RocOptions & { level?: number; replicates?: number; seed?: number | Rng; stratified?: boolean } = {},
): AucCi {
  const level = options.level ?? 0.95;
  const B = options.replicates ?? 2000;
  const rng = toRng(options.seed, 42);
  const { cases, controls, direction } = splitByLabel('aucCiBootstrap', labels, scores, options.direction ?? '<');
  const m = cases.length;
  const n = controls.length;
  const stratified = options.stratified ?? true;
  const reps = new Float64Array(B);
  const bc = new Float64Array(m);
  const bn = new Float64Array(n);
  const pooledS = stratified ? null : Float64Array.from([...cases, ...controls]);
  let r = 0;
  for (let b = 0; b < B; b++) {
    if (stratified) {
      for (let i = 0; i < m; i++) bc[i] = cases[rng.int(m)];
      for (let j = 0; j < n; j++) bn[j] = controls[rng.int(n)];
      reps[r++] = delongPlacements(bc, bn, direction).auc;
    } else {
      // non-stratified: resample subjects; replicates with one class only are skipped (pROC does the same)
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < m + n; i++) {
        const k = rng.int(m + n);
        if (k < m) xs.push(pooledS![k]);
        else ys.push(pooledS![k]);
      }
      if (xs.length && ys.length) reps[r++] = delongPlacements(xs, ys, direction).auc;
    }
  }
  const sorted = reps.subarray(0, r).sort();
  const a = (1 - level) / 2;
  return {
    auc: delongPlacements(cases, controls, direction).auc,
    lower: quantileType7(sorted, a),
    upper: quantileType7(sorted, 1 - a),
    method: 'bootstrap',
    level,
    replicates: r,
  };
}

export interface RocTestResult {
  auc1: number;
  auc2: number;
  difference: number;
  z: number;
  p: number;
  paired: boolean;
  /** Welch–Satterthwaite degrees of freedom (unpaired test only; the paired test is normal). */
  df?: number;
  method: 'delong';
}

/**
 * DeLong test for two correlated AUCs (same subjects, two scores; pROC `roc.test(paired = TRUE, method = "delong")`):
 * z = (A1 − A2)/√(V1 + V2 − 2·Cov), Cov = cov(V10¹, V10²)/m + cov(V01¹, V01²)/n; two-sided normal p.
 * When both AUCs are equal and the variance is 0, z = 0 and p = 1.
 */
export function rocTestPaired(labels: NumArray, score1: NumArray, score2: NumArray, options: { direction1?: RocDirection; direction2?: RocDirection } = {}): RocTestResult {
  if (score1.length !== score2.length) throw new StatsInputError(`rocTestPaired: score1 has ${score1.length} values but score2 has ${score2.length}`);
  const a = splitByLabel('rocTestPaired', labels, score1, options.direction1 ?? '<');
  const b = splitByLabel('rocTestPaired', labels, score2, options.direction2 ?? '<');
  const p1 = delongPlacements(a.cases, a.controls, a.direction);
  const p2 = delongPlacements(b.cases, b.controls, b.direction);
  const m = p1.v10.length;
  const n = p1.v01.length;
  const v1 = delongVariance(p1);
  const v2 = delongVariance(p2);
  const cov = covariance(p1.v10, p2.v10) / m + covariance(p1.v01, p2.v01) / n;
  const diff = p1.auc - p2.auc;
  const sd = Math.sqrt(v1 + v2 - 2 * cov);
  const z = diff === 0 && !(sd > 0) ? 0 : diff / sd;
  return { auc1: p1.auc, auc2: p2.auc, difference: diff, z, p: pTwoSidedNormal(z), paired: true, method: 'delong' };
}

/**
 * DeLong test for two independent AUCs (different subjects; pROC `roc.test(paired = FALSE, method = "delong")`):
 * D = (A1 − A2)/√(V1 + V2), referred (as pROC does) to Student's t with Welch–Satterthwaite
 * df = (V1 + V2)² / (V1²/(N1 − 1) + V2²/(N2 − 1)), N = cases + controls of each curve. `z` holds D.
 */
export function rocTestUnpaired(labels1: NumArray, score1: NumArray, labels2: NumArray, score2: NumArray, options: { direction1?: RocDirection; direction2?: RocDirection } = {}): RocTestResult {
  const a = splitByLabel('rocTestUnpaired', labels1, score1, options.direction1 ?? '<');
  const b = splitByLabel('rocTestUnpaired', labels2, score2, options.direction2 ?? '<');
  const p1 = delongPlacements(a.cases, a.controls, a.direction);
  const p2 = delongPlacements(b.cases, b.controls, b.direction);
  const diff = p1.auc - p2.auc;
  const v1 = delongVariance(p1);
  const v2 = delongVariance(p2);
  const sd = Math.sqrt(v1 + v2);
  const z = diff === 0 && !(sd > 0) ? 0 : diff / sd;
  const n1 = p1.v10.length + p1.v01.length;
  const n2 = p2.v10.length + p2.v01.length;
  const df = ((v1 + v2) * (v1 + v2)) / ((v1 * v1) / (n1 - 1) + (v2 * v2) / (n2 - 1));
  return { auc1: p1.auc, auc2: p2.auc, difference: diff, z, df, p: z === 0 ? 1 : ptTwoSided(z, df), paired: false, method: 'delong' };
}

export interface YoudenResult {
  threshold: number;
  sensitivity: number;
  specificity: number;
  /** J = sensitivity + specificity − 1. */
  j: number;
}

/**
 * Youden-optimal point (pROC `coords(x, "best", best.method = "youden")`): the curve point(s) maximising
 * sensitivity + specificity. Ties: every tied point is returned in curve order (pROC also returns every tie); the
 * ±∞ end points (J = 0) are returned only when no threshold does better than chance.
 */
export function youden(curve: RocCurve): YoudenResult[] {
  let best = -Infinity;
  const k = curve.thresholds.length;
  for (let t = 0; t < k; t++) best = Math.max(best, curve.sensitivities[t] + curve.specificities[t]);
  const out: YoudenResult[] = [];
  for (let t = 0; t < k; t++) {
    const s = curve.sensitivities[t] + curve.specificities[t];
    if (Math.abs(s - best) <= 1e-12) out.push({ threshold: curve.thresholds[t], sensitivity: curve.sensitivities[t], specificity: curve.specificities[t], j: s - 1 });
  }
  return out;
}

/** Curve as an array of points (for JSON output), ascending threshold; ±∞ thresholds become ±Infinity. */
export function rocPoints(curve: RocCurve): RocPoint[] {
  const pts: RocPoint[] = [];
  for (let t = 0; t < curve.thresholds.length; t++) pts.push({ threshold: curve.thresholds[t], sensitivity: curve.sensitivities[t], specificity: curve.specificities[t] });
  return pts;
}
