/**
 * Metrics at a fixed threshold. Convention: a subject is predicted positive when score ≥ threshold.
 * Every ratio whose denominator is 0 is `null` (never a silent 0 or NaN).
 *
 * Formulas (TP, FP, TN, FN; N = total):
 * - accuracy (TP+TN)/N; sensitivity TP/(TP+FN); specificity TN/(TN+FP); PPV TP/(TP+FP); NPV TN/(TN+FN)
 * - F1 = 2TP/(2TP+FP+FN); balanced accuracy = (sens + spec)/2 (null if either is null)
 * - Cohen's κ = (pₒ − pₑ)/(1 − pₑ); MCC = (TP·TN − FP·FN)/√((TP+FP)(TP+FN)(TN+FP)(TN+FN)) (null when a margin is 0,
 *   where scikit-learn returns 0)
 * - Wilson score interval (Wilson 1927) = R `prop.test(x, n, correct = FALSE)$conf.int`.
 */
import { qnorm } from './distributions';
import { NumArray, ratio, StatsInputError } from './util';

export interface ProportionCi {
  estimate: number;
  lower: number;
  upper: number;
}

/** Wilson score CI for x successes out of n; null when n = 0. */
export function wilsonCi(x: number, n: number, level = 0.95): ProportionCi | null {
  if (n === 0) return null;
  if (x < 0 || x > n) throw new StatsInputError(`wilsonCi: x = ${x} is outside [0, n = ${n}]`);
  const z = qnorm(1 - (1 - level) / 2);
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const den = 1 + z2 / n;
  return { estimate: p, lower: x === 0 ? 0 : Math.max(0, (centre - half) / den), upper: x === n ? 1 : Math.min(1, (centre + half) / den) };
}

export interface ConfusionMatrix {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ThresholdMetrics extends ConfusionMatrix {
  threshold: number;
  n: number;
  accuracy: number | null;
  sensitivity: number | null;
  specificity: number | null;
  ppv: number | null;
  npv: number | null;
  f1: number | null;
  balancedAccuracy: number | null;
  kappa: number | null;
  mcc: number | null;
  /** Wilson 95% CIs of the proportions (null when the denominator is 0). */
  ci: {
    accuracy: ProportionCi | null;
    sensitivity: ProportionCi | null;
    specificity: ProportionCi | null;
    ppv: ProportionCi | null;
    npv: ProportionCi | null;
  };
}

/** Confusion matrix with positive = score ≥ threshold. */
export function confusionMatrix(labels: NumArray, scores: NumArray, threshold: number): ConfusionMatrix {
  if (labels.length !== scores.length) throw new StatsInputError(`confusionMatrix: labels has ${labels.length} values but scores has ${scores.length}`);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    const s = scores[i];
    if (l !== 0 && l !== 1) throw new StatsInputError(`confusionMatrix: labels[${i}] = ${l} is not 0 or 1`);
    if (Number.isNaN(s)) throw new StatsInputError(`confusionMatrix: scores[${i}] is NaN`);
    const pos = s >= threshold;
    if (l === 1) {
      if (pos) tp++;
      else fn++;
    } else if (pos) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/** All threshold metrics from a confusion matrix. */
export function metricsFromConfusion(cm: ConfusionMatrix, threshold = NaN, level = 0.95): ThresholdMetrics {
  const { tp, fp, tn, fn } = cm;
  const n = tp + fp + tn + fn;
  const sensitivity = ratio(tp, tp + fn);
  const specificity = ratio(tn, tn + fp);
  const po = n === 0 ? null : (tp + tn) / n;
  const pe = n === 0 ? null : ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (n * n);
  const kappa = po === null || pe === null || pe === 1 ? null : (po - pe) / (1 - pe);
  const mccDen = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    n,
    accuracy: po,
    sensitivity,
    specificity,
    ppv: ratio(tp, tp + fp),
    npv: ratio(tn, tn + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    balancedAccuracy: sensitivity === null || specificity === null ? null : (sensitivity + specificity) / 2,
    kappa,
    mcc: mccDen === 0 ? null : (tp * tn - fp * fn) / Math.sqrt(mccDen),
    ci: {
      accuracy: wilsonCi(tp + tn, n, level),
      sensitivity: wilsonCi(tp, tp + fn, level),
      specificity: wilsonCi(tn, tn + fp, level),
      ppv: wilsonCi(tp, tp + fp, level),
      npv: wilsonCi(tn, tn + fn, level),
    },
  };
}

/** Confusion matrix and metrics at `threshold` (positive = score ≥ threshold). */
export function thresholdMetrics(labels: NumArray, scores: NumArray, threshold: number, level = 0.95): ThresholdMetrics {
  return metricsFromConfusion(confusionMatrix(labels, scores, threshold), threshold, level);
}

export type KappaWeights = 'none' | 'linear' | 'quadratic';

/**
 * Cohen's kappa for two raters on K ordered categories (integers 0..K−1 or any labels sorted ascending), optionally
 * weighted: w_ij = |i − j| (linear) or (i − j)² (quadratic) as disagreement weights;
 * κ = 1 − Σ w·O / Σ w·E (scikit-learn `cohen_kappa_score`). Null when the expected disagreement is 0.
 */
export function cohenKappa(rater1: NumArray, rater2: NumArray, weights: KappaWeights = 'none'): number | null {
  if (rater1.length !== rater2.length) throw new StatsInputError(`cohenKappa: rater1 has ${rater1.length} values but rater2 has ${rater2.length}`);
  const levels = Array.from(new Set([...Array.from(rater1), ...Array.from(rater2)])).sort((a, b) => a - b);
  const k = levels.length;
  const index = new Map(levels.map((v, i) => [v, i]));
  const n = rater1.length;
  if (n === 0) return null;
  const obs = new Float64Array(k * k);
  const r1 = new Float64Array(k);
  const r2 = new Float64Array(k);
  for (let t = 0; t < n; t++) {
    const i = index.get(rater1[t])!;
    const j = index.get(rater2[t])!;
    obs[i * k + j]++;
    r1[i]++;
    r2[j]++;
  }
  let wo = 0;
  let we = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weights === 'none' ? (i === j ? 0 : 1) : weights === 'linear' ? Math.abs(i - j) : (i - j) * (i - j);
      wo += (w * obs[i * k + j]) / n;
      we += (w * r1[i] * r2[j]) / (n * n);
    }
  }
  return we === 0 ? null : 1 - wo / we;
}
