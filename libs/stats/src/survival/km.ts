/**
 * Kaplan–Meier estimator equal to R `survfit(Surv(time, event) ~ 1, conf.type = "log-log")`.
 *
 * - One row per distinct observed time (events or censorings), as survfit's `time` vector.
 * - Greenwood: Var(log S(t)) = Σ d/(n(n − d)); `stdErrLog` is its square root (survfit's `std.err`); `stdErr` is the
 *   SE of S itself, S·stdErrLog (what `summary.survfit` prints).
 * - log-log CI: exp(−exp(log(−log S) ∓ z·se/log S)) (lower uses −, as survfit_confint); null where S is 0 or 1 (survfit NA),
 *   except that while S = 1 before any event the limits are 1 as in survfit.
 * - Median (and any quantile p): survival's rule — the first time at which the curve (or CI limit) is ≤ 1 − p; when
 *   the curve equals 1 − p exactly (within √ε) over an interval, the midpoint of that interval.
 */
import { qnorm } from '../distributions';
import { NumArray } from '../util';
import { checkSurv, orderByTime } from './data';

export interface KmRow {
  time: number;
  nRisk: number;
  nEvent: number;
  nCensor: number;
  survival: number;
  stdErr: number;
  stdErrLog: number;
  lower: number | null;
  upper: number | null;
}

export interface KmMedian {
  median: number | null;
  lower: number | null;
  upper: number | null;
}

export interface KaplanMeierFit {
  n: number;
  events: number;
  table: KmRow[];
  median: KmMedian;
  /** S(t) (right-continuous step function; 1 before the first time). */
  survivalAt(t: number): number;
  quantile(p: number): KmMedian;
}

export function kaplanMeier(time: NumArray, event: NumArray, options: { level?: number } = {}): KaplanMeierFit {
  const { time: t, event: e, n } = checkSurv('kaplanMeier', time, event);
  const z = qnorm(1 - (1 - (options.level ?? 0.95)) / 2);
  const idx = orderByTime(t, e);
  const table: KmRow[] = [];
  let atRisk = n;
  let s = 1;
  let gw = 0;
  let events = 0;
  let i = 0;
  while (i < n) {
    const ti = t[idx[i]];
    let d = 0;
    let c = 0;
    while (i < n && t[idx[i]] === ti) {
      if (e[idx[i]]) d++;
      else c++;
      i++;
    }
    events += d;
    if (d > 0) {
      s *= (atRisk - d) / atRisk;
      gw += atRisk === d ? Infinity : d / (atRisk * (atRisk - d));
    }
    const se = Math.sqrt(gw);
    let lower: number | null;
    let upper: number | null;
    if (s === 1 && gw === 0) {
      lower = 1;
      upper = 1;
    } else if (s === 0 || s === 1 || !Number.isFinite(se)) {
      lower = null;
      upper = null;
    } else {
      const ll = Math.log(-Math.log(s));
      const w = (z * se) / Math.log(s);
      lower = Math.exp(-Math.exp(ll - w));
      upper = Math.exp(-Math.exp(ll + w));
    }
    table.push({ time: ti, nRisk: atRisk, nEvent: d, nCensor: c, survival: s, stdErr: s * se, stdErrLog: se, lower, upper });
    atRisk -= d + c;
  }
  const times = table.map((r) => r.time);
  const quantile = (p: number): KmMedian => ({
    median: findQuantile(times, table.map((r) => r.survival), p),
    lower: findQuantile(times, table.map((r) => r.lower ?? NaN), p),
    upper: findQuantile(times, table.map((r) => r.upper ?? NaN), p),
  });
  return {
    n,
    events,
    table,
    median: quantile(0.5),
    quantile,
    survivalAt(x: number): number {
      let sv = 1;
      for (const r of table) {
        if (r.time <= x) sv = r.survival;
        else break;
      }
      return sv;
    },
  };
}

/**
 * survival's quantile rule on one step curve y(t): first t with y ≤ 1 − p (+ tolerance); if y is within √ε of 1 − p
 * there, the midpoint between that time and the next time at which y drops. NaN entries (undefined CI) are skipped as
 * survfit treats NA limits.
 */
function findQuantile(time: number[], y: number[], p: number): number | null {
  const target = 1 - p;
  const tol = Math.sqrt(2.220446049250313e-16);
  for (let k = 0; k < y.length; k++) {
    const v = y[k];
    if (Number.isNaN(v)) continue;
    if (v <= target + tol) {
      if (Math.abs(v - target) < tol) {
        // flat exactly at the target: average with the next time the curve moves below it
        for (let m = k + 1; m < y.length; m++) {
          if (!Number.isNaN(y[m]) && y[m] < v - tol) return (time[k] + time[m]) / 2;
        }
        return null;
      }
      return time[k];
    }
  }
  return null;
}
