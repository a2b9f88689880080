/**
 * Resampling: stratified and repeated stratified k-fold splits (seeded xoshiro128**) and cross-validated AUC of any
 * binary classifier with the estimator shape `{ fit(x, y) → { predict(x) → probabilities } }`.
 *
 * Stratification: the indices of each class are shuffled separately and dealt round-robin to folds 1..k (class 0
 * first, continuing the deal with class 1), so every fold holds ⌊n_c/k⌋ or ⌈n_c/k⌉ subjects of class c.
 * Repeat r uses the generator seeded with `seed + r`. Results are reproducible here; they do not equal
 * scikit-learn's StratifiedKFold (a different generator).
 */
import { Matrix } from './matrix';
import { Rng } from './rng';
import { aucCiDelong } from './roc';
import { NumArray, StatsInputError } from './util';

export interface BinaryClassifier {
  fit(x: Matrix, y: NumArray): { predict(x: Matrix): Float64Array };
}

/** Fold number (1..k) for each subject, stratified by the 0/1 (or any discrete) label. */
export function stratifiedFolds(y: NumArray, k: number, seed = 1): Int32Array {
  const n = y.length;
  if (!(Number.isInteger(k) && k >= 2 && k <= n)) throw new StatsInputError(`stratifiedFolds: k must be an integer in [2, ${n}], got ${k}`);
  const rng = new Rng(seed);
  const classes = Array.from(new Set(Array.from(y))).sort((a, b) => a - b);
  const folds = new Int32Array(n);
  let deal = 0;
  for (const c of classes) {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (y[i] === c) idx.push(i);
    rng.shuffle(idx);
    for (const i of idx) folds[i] = (deal++ % k) + 1;
  }
  return folds;
}

/** Rows of a matrix. */
export function takeRows(x: Matrix, rows: number[]): Matrix {
  const data = new Float64Array(rows.length * x.cols);
  rows.forEach((r, q) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), q * x.cols));
  return { rows: rows.length, cols: x.cols, data, names: x.names };
}

export interface CvResult {
  folds: number;
  repeats: number;
  /** AUC of every held-out fold (repeats × folds, fold order). */
  foldAuc: number[];
  meanAuc: number;
  sdAuc: number;
  /** AUC of the pooled out-of-fold predictions of each repeat. */
  pooledAuc: number[];
  /** Out-of-fold predicted probabilities of the first repeat. */
  oof: Float64Array;
}

/** Repeated stratified k-fold cross-validated AUC. Folds with a single class get AUC NaN and are skipped in the mean. */
export function crossValidateAuc(make: () => BinaryClassifier, x: Matrix, y: NumArray, options: { folds?: number; repeats?: number; seed?: number } = {}): CvResult {
  const k = options.folds ?? 5;
  const R = options.repeats ?? 1;
  const seed = options.seed ?? 1;
  if (y.length !== x.rows) throw new StatsInputError(`crossValidateAuc: y has ${y.length} values but x has ${x.rows} rows`);
  const foldAuc: number[] = [];
  const pooledAuc: number[] = [];
  let first: Float64Array | null = null;
  for (let r = 0; r < R; r++) {
    const folds = stratifiedFolds(y, k, seed + r);
    const oof = new Float64Array(x.rows);
    for (let f = 1; f <= k; f++) {
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < x.rows; i++) (folds[i] === f ? te : tr).push(i);
      const model = make().fit(takeRows(x, tr), tr.map((i) => y[i]));
      const p = model.predict(takeRows(x, te));
      te.forEach((i, q) => (oof[i] = p[q]));
      const yt = te.map((i) => y[i]);
      const pos = yt.filter((v) => v === 1).length;
      foldAuc.push(pos > 0 && pos < yt.length ? aucCiDelong(yt, p).auc : NaN);
    }
    pooledAuc.push(aucCiDelong(y, oof).auc);
    if (!first) first = oof;
  }
  const ok = foldAuc.filter((v) => Number.isFinite(v));
  const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
  const sd = Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / (ok.length - 1));
  return { folds: k, repeats: R, foldAuc, meanAuc: mean, sdAuc: sd, pooledAuc, oof: first! };
}
