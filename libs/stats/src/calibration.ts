/**
 * Calibration of predicted probabilities and decision-curve analysis.
 *
 * - Brier score: mean (p − y)².
 * - Calibration intercept ("calibration-in-the-large"): α in logit P(y=1) = α + offset(logit p), the offset-only
 *   logistic model (R `glm(y ~ offset(qlogis(p)), binomial)`); 0 when calibrated.
 * - Calibration slope: β in logit P(y=1) = a + β·logit p (R `glm(y ~ qlogis(p), binomial)`); 1 when calibrated.
 * - Hosmer–Lemeshow: groups = R type-7 quantiles of p at 0, 1/g, …, 1 (duplicates removed), intervals closed on the
 *   right with the lowest value included (R `cut(..., include.lowest = TRUE)`); statistic Σ over groups and both
 *   outcome columns of (O − E)²/E; df = g − 2; exactly ResourceSelection::hoslem.test (Lele et al.).
 * - Calibration curve: the same groups (or equal-width bins) with mean predicted, observed proportion and its
 *   Wilson 95% CI.
 * - Decision curve (Vickers & Elkin 2006): net benefit at threshold probability t, treating p ≥ t:
 *   NB = TP/n − FP/n · t/(1 − t); treat-all NB = π − (1 − π)·t/(1 − t); treat-none 0.
 */
import { wilsonCi } from './classification';
import { pchisqUpper } from './distributions';
import { irls } from './logistic';
import { checkBinary, NumArray, quantileType7, StatsInputError } from './util';

function checkProbs(fn: string, labels: NumArray, probs: NumArray, open: boolean) {
  const { y, s } = checkBinary(fn, labels, probs, 'probs');
  for (let i = 0; i < s.length; i++) {
    const p = s[i];
    if (open ? !(p > 0 && p < 1) : !(p >= 0 && p <= 1)) {
      throw new StatsInputError(`${fn}: probs[${i}] = ${p} is not a probability in ${open ? '(0, 1)' : '[0, 1]'}`);
    }
  }
  return { y, p: s };
}

/** Brier score mean (p − y)². */
export function brierScore(labels: NumArray, probs: NumArray): number {
  const { y, p } = checkProbs('brierScore', labels, probs, false);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i] - y[i]) * (p[i] - y[i]);
  return s / y.length;
}

export interface CalibrationFit {
  /** Offset-only intercept (calibration-in-the-large). */
  intercept: number;
  /** Slope of logit(p) in the recalibration model. */
  slope: number;
  /** Intercept of the recalibration model that estimates the slope. */
  slopeIntercept: number;
  converged: boolean;
}

/** Calibration intercept and slope by logistic recalibration (probabilities must be strictly inside (0, 1)). */
export function calibrationInterceptSlope(labels: NumArray, probs: NumArray): CalibrationFit {
  const fn = 'calibrationInterceptSlope';
  const { y, p } = checkProbs(fn, labels, probs, true);
  const n = y.length;
  const lp = p.map((v) => Math.log(v / (1 - v)));
  const ones = new Float64Array(n).fill(1);
  const a = irls(fn, ones, n, 1, y, ['(Intercept)'], lp, 100, 1e-14);
  const x = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = 1;
    x[2 * i + 1] = lp[i];
  }
  const b = irls(fn, x, n, 2, y, ['(Intercept)', 'logit(p)'], null, 100, 1e-14);
  return { intercept: a.beta[0], slope: b.beta[1], slopeIntercept: b.beta[0], converged: a.converged && b.converged };
}

export interface CalibrationGroup {
  n: number;
  meanPredicted: number;
  observed: number;
  events: number;
  expected: number;
  /** Wilson 95% CI of the observed proportion. */
  lower: number;
  upper: number;
}

/** Group subjects by quantile breaks (HL convention) or equal-width bins on [0, 1]. */
function group(p: Float64Array, g: number, strategy: 'quantile' | 'uniform'): Int32Array {
  const n = p.length;
  let breaks: number[];
  if (strategy === 'quantile') {
    const sorted = Float64Array.from(p).sort();
    const qs: number[] = [];
    for (let k = 0; k <= g; k++) qs.push(quantileType7(sorted, k / g));
    breaks = qs.filter((v, i) => i === 0 || v !== qs[i - 1]);
  } else {
    breaks = Array.from({ length: g + 1 }, (_, k) => k / g);
  }
  const idx = new Int32Array(n);
  const nb = breaks.length - 1;
  for (let i = 0; i < n; i++) {
    // right-closed intervals (b_k, b_{k+1}], lowest included
    let k = 0;
    while (k < nb - 1 && p[i] > breaks[k + 1]) k++;
    idx[i] = k;
  }
  return idx;
}

function groupTable(y: Uint8Array, p: Float64Array, idx: Int32Array): CalibrationGroup[] {
  let k = 0;
  for (let i = 0; i < idx.length; i++) k = Math.max(k, idx[i] + 1);
  const cnt = new Float64Array(k);
  const sp = new Float64Array(k);
  const sy = new Float64Array(k);
  for (let i = 0; i < idx.length; i++) {
    cnt[idx[i]]++;
    sp[idx[i]] += p[i];
    sy[idx[i]] += y[i];
  }
  const out: CalibrationGroup[] = [];
  for (let j = 0; j < k; j++) {
    if (cnt[j] === 0) continue;
    const ci = wilsonCi(sy[j], cnt[j])!;
    out.push({ n: cnt[j], meanPredicted: sp[j] / cnt[j], observed: sy[j] / cnt[j], events: sy[j], expected: sp[j], lower: ci.lower, upper: ci.upper });
  }
  return out;
}

export interface HosmerLemeshow {
  statistic: number;
  df: number;
  p: number;
  /** Groups actually formed (fewer than requested when quantiles coincide). */
  groups: number;
  table: CalibrationGroup[];
}

/** Hosmer–Lemeshow goodness-of-fit test (ResourceSelection::hoslem.test grouping; df = g − 2). */
export function hosmerLemeshow(labels: NumArray, probs: NumArray, groups = 10): HosmerLemeshow {
  const fn = 'hosmerLemeshow';
  if (!(groups >= 3)) throw new StatsInputError(`${fn}: groups must be ≥ 3, got ${groups}`);
  const { y, p } = checkProbs(fn, labels, probs, false);
  const table = groupTable(y, p, group(p, groups, 'quantile'));
  let chisq = 0;
  for (const t of table) {
    const o1 = t.events;
    const o0 = t.n - t.events;
    const e1 = t.expected;
    const e0 = t.n - t.expected;
    chisq += ((o1 - e1) * (o1 - e1)) / e1 + ((o0 - e0) * (o0 - e0)) / e0;
  }
  const df = groups - 2;
  return { statistic: chisq, df, p: pchisqUpper(chisq, df), groups: table.length, table };
}

/** Calibration-curve points: `bins` quantile groups (default, as HL) or equal-width bins. */
export function calibrationCurve(labels: NumArray, probs: NumArray, bins = 10, strategy: 'quantile' | 'uniform' = 'quantile'): CalibrationGroup[] {
  const { y, p } = checkProbs('calibrationCurve', labels, probs, false);
  return groupTable(y, p, group(p, bins, strategy));
}

export interface DecisionCurvePoint {
  threshold: number;
  netBenefit: number;
  treatAll: number;
  treatNone: number;
}

/** Decision-curve analysis over threshold probabilities in [0, 1) (default 0.01 … 0.99 by 0.01). */
export function decisionCurve(labels: NumArray, probs: NumArray, thresholds?: NumArray): DecisionCurvePoint[] {
  const { y, p } = checkProbs('decisionCurve', labels, probs, false);
  const ts = thresholds ?? Array.from({ length: 99 }, (_, k) => (k + 1) / 100);
  const n = y.length;
  let prev = 0;
  for (let i = 0; i < n; i++) prev += y[i];
  prev /= n;
  const out: DecisionCurvePoint[] = [];
  for (let k = 0; k < ts.length; k++) {
    const t = ts[k];
    if (!(t >= 0 && t < 1)) throw new StatsInputError(`decisionCurve: threshold ${t} is outside [0, 1)`);
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < n; i++) {
      if (p[i] >= t) {
        if (y[i] === 1) tp++;
        else fp++;
      }
    }
    const odds = t / (1 - t);
    out.push({ threshold: t, netBenefit: tp / n - (fp / n) * odds, treatAll: prev - (1 - prev) * odds, treatNone: 0 });
  }
  return out;
}
