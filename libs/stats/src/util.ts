/** Shared input validation and small numeric helpers. */

/** Error for invalid statistical input; the message names the argument, row or column at fault. */
export class StatsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatsInputError';
  }
}

export type NumArray = ArrayLike<number>;

/** Check that `labels` is binary 0/1 and `scores` finite with the same length; returns typed copies. */
export function checkBinary(fn: string, labels: NumArray, scores: NumArray, scoreName = 'scores'): { y: Uint8Array; s: Float64Array } {
  if (labels.length !== scores.length) {
    throw new StatsInputError(`${fn}: labels has ${labels.length} values but ${scoreName} has ${scores.length}`);
  }
  const n = labels.length;
  const y = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (l !== 0 && l !== 1) throw new StatsInputError(`${fn}: labels[${i}] = ${l} is not 0 or 1`);
    y[i] = l;
    const v = scores[i];
    if (!Number.isFinite(v)) throw new StatsInputError(`${fn}: ${scoreName}[${i}] = ${v} is not a finite number`);
    s[i] = v;
  }
  return { y, s };
}

/**
 * Sample quantile with R's default type 7: h = (n − 1)·p, linear interpolation between order statistics.
 * `sorted` must be ascending.
 */
export function quantileType7(sorted: NumArray, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h + 4 * Number.EPSILON * h);
  const frac = h - lo;
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

/**
 * Mid-ranks (1-based, ties get the average rank) of `x`: native numeric sort of a copy, then for each value
 * rank = (#{< v} + #{≤ v} + 1)/2 by binary search. O(n log n).
 */
export function midranks(x: NumArray): Float64Array {
  const n = x.length;
  const s = Float64Array.from(x as ArrayLike<number>).sort();
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    const below = lo;
    hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    r[i] = (below + lo + 1) / 2;
  }
  return r;
}

export function mean(x: NumArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Sample variance with denominator n − 1. */
export function variance(x: NumArray): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) * (x[i] - m);
  return s / (x.length - 1);
}

/** Sample covariance with denominator n − 1. */
export function covariance(x: NumArray, y: NumArray): number {
  const mx = mean(x);
  const my = mean(y);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - mx) * (y[i] - my);
  return s / (x.length - 1);
}

/** Ratio that is null (not NaN/0) when the denominator is 0. */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}
