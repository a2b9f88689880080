/**
 * Log-rank test for K ≥ 2 groups, equal to R `survdiff(Surv(time, event) ~ group)` (rho = 0).
 * At each distinct event time with d events among n at risk (n_g in group g):
 * E_g += d·n_g/n, V_gh += d(n − d)/(n − 1) · n_g/n · (δ_gh − n_h/n).
 * χ² = (O − E)ᵀ V⁻ (O − E) over groups 2..K (survdiff drops the first group), df = K − 1.
 */
import { pchisqUpper } from '../distributions';
import { ginvQuadForm } from '../linalg';
import { StatsInputError, NumArray } from '../util';
import { checkSurv, orderByTime } from './data';

export interface LogRankResult {
  groups: (string | number)[];
  n: number[];
  observed: number[];
  expected: number[];
  variance: number[][];
  chisq: number;
  df: number;
  p: number;
}

export function logRank(time: NumArray, event: NumArray, group: ArrayLike<string | number>): LogRankResult {
  const { time: t, event: e, n } = checkSurv('logRank', time, event);
  if (group.length !== n) throw new StatsInputError(`logRank: group has ${group.length} values but time has ${n}`);
  const levels = Array.from(new Set(Array.from(group))).sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const k = levels.length;
  if (k < 2) throw new StatsInputError(`logRank: need at least 2 groups, got ${k}`);
  const gi = new Int32Array(n);
  const map = new Map(levels.map((v, i) => [v, i]));
  for (let i = 0; i < n; i++) gi[i] = map.get(group[i])!;
  const idx = orderByTime(t, e);
  const risk = new Float64Array(k);
  const counts = new Array(k).fill(0);
  for (let i = 0; i < n; i++) {
    risk[gi[i]]++;
    counts[gi[i]]++;
  }
  const obs = new Float64Array(k);
  const exp = new Float64Array(k);
  const V = new Float64Array(k * k);
  const dg = new Float64Array(k);
  const leave = new Float64Array(k);
  let nRisk = n;
  let i = 0;
  while (i < n) {
    const ti = t[idx[i]];
    dg.fill(0);
    leave.fill(0);
    let d = 0;
    let m = 0;
    while (i < n && t[idx[i]] === ti) {
      const g = gi[idx[i]];
      if (e[idx[i]]) {
        dg[g]++;
        d++;
      }
      leave[g]++;
      m++;
      i++;
    }
    if (d > 0) {
      const f = nRisk > 1 ? (d * (nRisk - d)) / (nRisk - 1) : 0;
      for (let a = 0; a < k; a++) {
        obs[a] += dg[a];
        exp[a] += (d * risk[a]) / nRisk;
        const pa = risk[a] / nRisk;
        for (let b = 0; b < k; b++) V[a * k + b] += f * pa * ((a === b ? 1 : 0) - risk[b] / nRisk);
      }
    }
    for (let a = 0; a < k; a++) risk[a] -= leave[a];
    nRisk -= m;
  }
  const r = k - 1;
  const sub = new Float64Array(r * r);
  const diff = new Float64Array(r);
  for (let a = 1; a < k; a++) {
    diff[a - 1] = obs[a] - exp[a];
    for (let b = 1; b < k; b++) sub[(a - 1) * r + (b - 1)] = V[a * k + b];
  }
  const { value } = ginvQuadForm(sub, r, diff);
  let df = 0;
  for (let a = 0; a < k; a++) if (exp[a] > 0) df++;
  df -= 1;
  const variance: number[][] = [];
  for (let a = 0; a < k; a++) variance.push(Array.from(V.subarray(a * k, a * k + k)));
  return { groups: levels, n: counts, observed: Array.from(obs), expected: Array.from(exp), variance, chisq: value, df, p: pchisqUpper(value, df) };
}
