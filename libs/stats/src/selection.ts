/**
 * Feature selection and feature-stability statistics (samples in rows, features in columns).
 *
 * - `varianceFilter`: keep columns whose population variance (denominator n, as scikit-learn VarianceThreshold)
 *   exceeds `threshold`.
 * - `correlationFilter`: greedy, left to right: a column is dropped when |r| with an already kept column exceeds
 *   `threshold` (Pearson, or Spearman = Pearson on mid-ranks). Put the preferred features first.
 * - `anovaF`: one-way ANOVA F and p per column (scikit-learn `f_classif`).
 * - `mannWhitney`: Wilcoxon rank-sum / Mann–Whitney U per column, normal approximation with tie and continuity
 *   correction (R `wilcox.test(exact = FALSE, correct = TRUE)`); U is for the class labelled 1, auc = U/(n₁n₀).
 * - `mrmr`: minimum-redundancy maximum-relevance, "FCQ" scheme (Ding & Peng 2005; Zhao et al. 2019, the default of
 *   the `mrmr_selection` package): relevance = ANOVA F, redundancy = mean |Pearson r| with the already selected
 *   features, score = relevance / redundancy (the first pick is the largest F). Ties → the lower column index.
 * - `icc`: Shrout & Fleiss intraclass correlations ICC(1,1), ICC(2,1), ICC(3,1) and their k-rater means with
 *   F-based 95% CIs, equal to R psych::ICC (subjects × raters/segmentations matrix, complete cases).
 * - `rfe`: recursive feature elimination around any importance function.
 */
import { pfUpper, pTwoSidedNormal, qf } from './distributions';
import { column, Matrix } from './matrix';
import { midranks, NumArray, StatsInputError } from './util';

/** Column indices with population variance > threshold. */
export function varianceFilter(x: Matrix, threshold = 0): { kept: number[]; variances: Float64Array } {
  const v = new Float64Array(x.cols);
  for (let j = 0; j < x.cols; j++) {
    const c = column(x, j);
    let m = 0;
    for (const a of c) m += a;
    m /= c.length;
    let s = 0;
    for (const a of c) s += (a - m) * (a - m);
    v[j] = s / c.length;
  }
  const kept: number[] = [];
  for (let j = 0; j < x.cols; j++) if (v[j] > threshold) kept.push(j);
  return { kept, variances: v };
}

/** Pearson correlation (null when either vector is constant). */
export function pearson(a: NumArray, b: NumArray): number | null {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? null : sab / Math.sqrt(saa * sbb);
}

/** Greedy correlation filter. */
export function correlationFilter(x: Matrix, threshold = 0.9, method: 'pearson' | 'spearman' = 'pearson'): { kept: number[]; dropped: { index: number; correlatedWith: number; r: number }[] } {
  const cols = Array.from({ length: x.cols }, (_, j) => (method === 'spearman' ? midranks(column(x, j)) : column(x, j)));
  const kept: number[] = [];
  const dropped: { index: number; correlatedWith: number; r: number }[] = [];
  for (let j = 0; j < x.cols; j++) {
    let hit: { index: number; correlatedWith: number; r: number } | null = null;
    for (const k of kept) {
      const r = pearson(cols[j], cols[k]);
      if (r !== null && Math.abs(r) > threshold) {
        hit = { index: j, correlatedWith: k, r };
        break;
      }
    }
    if (hit) dropped.push(hit);
    else kept.push(j);
  }
  return { kept, dropped };
}

export interface AnovaResult {
  f: Float64Array;
  p: Float64Array;
  df1: number;
  df2: number;
}

/** One-way ANOVA F test of every column across the classes in `y` (scikit-learn f_classif). */
export function anovaF(x: Matrix, y: NumArray): AnovaResult {
  if (y.length !== x.rows) throw new StatsInputError(`anovaF: y has ${y.length} values but x has ${x.rows} rows`);
  const classes = Array.from(new Set(Array.from(y))).sort((a, b) => a - b);
  const k = classes.length;
  if (k < 2) throw new StatsInputError('anovaF: y has only one class');
  const idx = new Map(classes.map((c, i) => [c, i]));
  const g = Int32Array.from(Array.from(y), (v) => idx.get(v)!);
  const n = x.rows;
  const cnt = new Float64Array(k);
  for (let i = 0; i < n; i++) cnt[g[i]]++;
  const f = new Float64Array(x.cols);
  const p = new Float64Array(x.cols);
  const df1 = k - 1;
  const df2 = n - k;
  for (let j = 0; j < x.cols; j++) {
    const sums = new Float64Array(k);
    let tot = 0;
    for (let i = 0; i < n; i++) {
      const v = x.data[i * x.cols + j];
      sums[g[i]] += v;
      tot += v;
    }
    const grand = tot / n;
    let ssb = 0;
    for (let c = 0; c < k; c++) ssb += cnt[c] * (sums[c] / cnt[c] - grand) ** 2;
    let ssw = 0;
    for (let i = 0; i < n; i++) ssw += (x.data[i * x.cols + j] - sums[g[i]] / cnt[g[i]]) ** 2;
    f[j] = ssb / df1 / (ssw / df2);
    p[j] = Number.isFinite(f[j]) ? pfUpper(f[j], df1, df2) : f[j] === Infinity ? 0 : NaN;
  }
  return { f, p, df1, df2 };
}

export interface MannWhitneyResult {
  u: number;
  z: number;
  p: number;
  auc: number;
}

/** Mann–Whitney U test of `values` between label 1 and label 0 (normal approximation, tie + continuity correction). */
export function mannWhitney(values: NumArray, labels: NumArray): MannWhitneyResult {
  if (values.length !== labels.length) throw new StatsInputError(`mannWhitney: values has ${values.length} entries but labels has ${labels.length}`);
  const n = values.length;
  const r = midranks(values);
  let n1 = 0;
  let r1 = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new StatsInputError(`mannWhitney: labels[${i}] = ${labels[i]} is not 0 or 1`);
    if (labels[i] === 1) {
      n1++;
      r1 += r[i];
    }
  }
  const n0 = n - n1;
  if (n1 === 0 || n0 === 0) throw new StatsInputError('mannWhitney: both groups need at least one value');
  const u = r1 - (n1 * (n1 + 1)) / 2;
  // tie correction Σ(t³ − t)
  const sorted = Float64Array.from(values).sort();
  let ties = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  const sigma = Math.sqrt(((n1 * n0) / 12) * (n + 1 - ties / (n * (n - 1))));
  let z = u - (n1 * n0) / 2;
  z = (z - Math.sign(z) * 0.5) / sigma;
  return { u, z, p: sigma === 0 ? NaN : pTwoSidedNormal(z), auc: u / (n1 * n0) };
}

/** mRMR (FCQ) ranking of `k` columns. */
export function mrmr(x: Matrix, y: NumArray, k: number): { selected: number[]; scores: number[] } {
  const { f } = anovaF(x, y);
  const cols = Array.from({ length: x.cols }, (_, j) => column(x, j));
  const selected: number[] = [];
  const scores: number[] = [];
  const redundancySum = new Float64Array(x.cols);
  const remaining = new Set(Array.from({ length: x.cols }, (_, j) => j));
  for (let step = 0; step < Math.min(k, x.cols); step++) {
    let best = -1;
    let bestScore = -Infinity;
    for (const j of remaining) {
      const rel = Number.isFinite(f[j]) ? f[j] : 0;
      const score = step === 0 ? rel : rel / Math.max(redundancySum[j] / step, 1e-5);
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    selected.push(best);
    scores.push(bestScore);
    remaining.delete(best);
    for (const j of remaining) redundancySum[j] += Math.abs(pearson(cols[j], cols[best]) ?? 0);
  }
  return { selected, scores };
}

export interface IccEstimate {
  type: 'ICC1' | 'ICC2' | 'ICC3' | 'ICC1k' | 'ICC2k' | 'ICC3k';
  icc: number;
  f: number;
  df1: number;
  df2: number;
  p: number;
  lower: number;
  upper: number;
}

/**
 * Intraclass correlation of an n-subjects × k-raters matrix (rows = subjects, e.g. lesions; columns = repeated
 * segmentations or readers), Shrout & Fleiss (1979) / McGraw & Wong (1996), as psych::ICC (two-way ANOVA).
 * ICC2 = absolute agreement, ICC3 = consistency; "k" variants are reliabilities of the mean of k raters.
 */
export function icc(ratings: Matrix, level = 0.95): IccEstimate[] {
  const n = ratings.rows;
  const k = ratings.cols;
  if (n < 2 || k < 2) throw new StatsInputError(`icc: need at least 2 subjects and 2 raters, got ${n} × ${k}`);
  const d = ratings.data;
  let grand = 0;
  const rowM = new Float64Array(n);
  const colM = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const v = d[i * k + j];
      if (!Number.isFinite(v)) throw new StatsInputError(`icc: rating at subject ${i}, rater ${j} is not finite`);
      rowM[i] += v / k;
      colM[j] += v / n;
      grand += v / (n * k);
    }
  }
  let ssr = 0;
  let ssc = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) ssr += k * (rowM[i] - grand) ** 2;
  for (let j = 0; j < k; j++) ssc += n * (colM[j] - grand) ** 2;
  for (let i = 0; i < n * k; i++) sst += (d[i] - grand) ** 2;
  const sse = sst - ssr - ssc;
  const msr = ssr / (n - 1);
  const msc = ssc / (k - 1);
  const mse = sse / ((n - 1) * (k - 1));
  const msw = (ssc + sse) / (n * (k - 1));
  const a = 1 - level;
  const F1 = msr / msw;
  const F3 = msr / mse;
  const df11 = n - 1;
  const df12 = n * (k - 1);
  const df22 = (n - 1) * (k - 1);
  const ICC1 = (msr - msw) / (msr + (k - 1) * msw);
  const ICC2 = (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
  const ICC3 = (msr - mse) / (msr + (k - 1) * mse);
  const F1L = F1 / qf(1 - a / 2, df11, df12);
  const F1U = F1 * qf(1 - a / 2, df12, df11);
  const F3L = F3 / qf(1 - a / 2, df11, df22);
  const F3U = F3 * qf(1 - a / 2, df22, df11);
  const Fj = msc / mse;
  const vn = (k - 1) * (n - 1) * (k * ICC2 * Fj + n * (1 + (k - 1) * ICC2) - k * ICC2) ** 2;
  const vd = (n - 1) * k * k * ICC2 * ICC2 * Fj * Fj + (n * (1 + (k - 1) * ICC2) - k * ICC2) ** 2;
  const v = vn / vd;
  const F2U = qf(1 - a / 2, n - 1, v);
  const F2L = qf(1 - a / 2, v, n - 1);
  const L2 = (n * (msr - F2U * mse)) / (F2U * (k * msc + (k * n - k - n) * mse) + n * msr);
  const U2 = (n * (F2L * msr - mse)) / (k * msc + (k * n - k - n) * mse + n * F2L * msr);
  const L1 = (F1L - 1) / (F1L + (k - 1));
  const U1 = (F1U - 1) / (F1U + (k - 1));
  const L3 = (F3L - 1) / (F3L + (k - 1));
  const U3 = (F3U - 1) / (F3U + (k - 1));
  const p1 = pfUpper(F1, df11, df12);
  const p3 = pfUpper(F3, df11, df22);
  return [
    { type: 'ICC1', icc: ICC1, f: F1, df1: df11, df2: df12, p: p1, lower: L1, upper: U1 },
    { type: 'ICC2', icc: ICC2, f: F3, df1: df11, df2: df22, p: p3, lower: L2, upper: U2 },
    { type: 'ICC3', icc: ICC3, f: F3, df1: df11, df2: df22, p: p3, lower: L3, upper: U3 },
    { type: 'ICC1k', icc: (msr - msw) / msr, f: F1, df1: df11, df2: df12, p: p1, lower: 1 - 1 / F1L, upper: 1 - 1 / F1U },
    { type: 'ICC2k', icc: (msr - mse) / (msr + (msc - mse) / n), f: F3, df1: df11, df2: df22, p: p3, lower: (L2 * k) / (1 + L2 * (k - 1)), upper: (U2 * k) / (1 + U2 * (k - 1)) },
    { type: 'ICC3k', icc: (msr - mse) / msr, f: F3, df1: df11, df2: df22, p: p3, lower: 1 - 1 / F3L, upper: 1 - 1 / F3U },
  ];
}

/**
 * Recursive feature elimination: repeatedly fit `importance(xSubset, y)` (one non-negative score per column, e.g.
 * |standardised coefficient|) and drop the `step` least important columns until `nFeatures` remain.
 * Returns the kept column indices and the elimination ranking (1 = kept; higher = dropped earlier).
 */
export function rfe(x: Matrix, y: NumArray, importance: (x: Matrix, y: NumArray) => ArrayLike<number>, nFeatures: number, step = 1): { kept: number[]; ranking: number[] } {
  if (!(nFeatures >= 1 && nFeatures <= x.cols)) throw new StatsInputError(`rfe: nFeatures must be in [1, ${x.cols}], got ${nFeatures}`);
  let current = Array.from({ length: x.cols }, (_, j) => j);
  const ranking = new Array<number>(x.cols).fill(1);
  const rounds: number[][] = [];
  while (current.length > nFeatures) {
    const sub: Matrix = { rows: x.rows, cols: current.length, data: new Float64Array(x.rows * current.length), names: current.map((j) => x.names?.[j] ?? `x${j + 1}`) };
    for (let i = 0; i < x.rows; i++) current.forEach((j, q) => (sub.data[i * current.length + q] = x.data[i * x.cols + j]));
    const imp = importance(sub, y);
    if (imp.length !== current.length) throw new StatsInputError(`rfe: importance returned ${imp.length} values for ${current.length} columns`);
    const order = current.map((j, q) => ({ j, v: imp[q] })).sort((a, b) => a.v - b.v || b.j - a.j);
    const drop = order.slice(0, Math.min(step, current.length - nFeatures)).map((o) => o.j);
    rounds.push(drop);
    current = current.filter((j) => !drop.includes(j));
  }
  rounds.reverse().forEach((drop, r) => drop.forEach((j) => (ranking[j] = r + 2)));
  return { kept: current, ranking };
}
