/**
 * Concordance indices for right-censored data and a risk score (higher score = higher risk = shorter survival).
 *
 * Harrell's C, equal to R `concordance(coxfit)` / `concordance(Surv ~ lp, reverse = TRUE)`:
 * a pair is comparable when the subject with the shorter time had an event, or both times are equal and only
 * one had an event (the censored one is still at risk, survival's convention). Pairs of events at the same time
 * are not comparable (tied.y). C = (concordant + ½·tied.x)/(concordant + discordant + tied.x).
 *
 * Uno's C (Uno et al. 2011): the same pairs weighted by 1/G(tᵢ)², where G is the Kaplan–Meier estimate of the
 * censoring distribution (censorings as events, events as censorings) and tᵢ the earlier event time; optional
 * truncation time τ (pairs with tᵢ > τ are dropped). O(n log n) with a Fenwick tree over risk ranks.
 */
import { NumArray, StatsInputError } from '../util';
import { checkSurv, orderByTime } from './data';

export interface ConcordanceResult {
  concordance: number;
  concordant: number;
  discordant: number;
  tiedRisk: number;
  tiedTime: number;
  comparable: number;
}

/** Fenwick (binary indexed) tree of weights over risk ranks 1..m. */
class Fenwick {
  private readonly t: Float64Array;
  constructor(private readonly m: number) {
    this.t = new Float64Array(m + 1);
  }
  add(i: number, v: number): void {
    for (; i <= this.m; i += i & -i) this.t[i] += v;
  }
  /** Sum over ranks 1..i. */
  sum(i: number): number {
    let s = 0;
    for (; i > 0; i -= i & -i) s += this.t[i];
    return s;
  }
}

/**
 * O(n log n) pair counting: subjects are visited by descending time; a Fenwick tree over risk ranks holds everyone
 * with a later time. Within a block of equal times, censored subjects enter the tree before the block's events are
 * queried (a censored subject at the event time is still at risk), the events enter after.
 */
function run(fn: string, time: NumArray, event: NumArray, risk: NumArray, weightOf: ((t: number) => number) | null, tau: number): ConcordanceResult {
  const { time: t, event: e, n } = checkSurv(fn, time, event);
  if (risk.length !== n) throw new StatsInputError(`${fn}: risk has ${risk.length} values but time has ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(risk[i])) throw new StatsInputError(`${fn}: risk[${i}] = ${risk[i]} is not finite`);
  // dense ranks of the risk score (1-based)
  const byRisk = new Uint32Array(n);
  for (let i = 0; i < n; i++) byRisk[i] = i;
  byRisk.sort((a, b) => risk[a] - risk[b]);
  const rank = new Int32Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    if (k === 0 || risk[byRisk[k]] !== risk[byRisk[k - 1]]) m++;
    rank[byRisk[k]] = m;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => t[b] - t[a]);
  const tree = new Fenwick(m);
  let inTree = 0;
  let conc = 0;
  let disc = 0;
  let tiedX = 0;
  let tiedY = 0;
  let k = 0;
  while (k < n) {
    const tk = t[order[k]];
    let end = k;
    while (end < n && t[order[end]] === tk) end++;
    for (let q = k; q < end; q++) {
      const i = order[q];
      if (!e[i]) {
        tree.add(rank[i], 1);
        inTree++;
      }
    }
    let nEvents = 0;
    for (let q = k; q < end; q++) {
      const i = order[q];
      if (!e[i]) continue;
      nEvents++;
      if (tk > tau) continue;
      const w = weightOf ? weightOf(tk) : 1;
      const below = tree.sum(rank[i] - 1);
      const tie = tree.sum(rank[i]) - below;
      conc += w * below;
      tiedX += w * tie;
      disc += w * (inTree - below - tie);
    }
    if (nEvents > 1 && tk <= tau) tiedY += ((weightOf ? weightOf(tk) : 1) * nEvents * (nEvents - 1)) / 2;
    for (let q = k; q < end; q++) {
      const i = order[q];
      if (e[i]) {
        tree.add(rank[i], 1);
        inTree++;
      }
    }
    k = end;
  }
  const comparable = conc + disc + tiedX;
  return { concordance: comparable === 0 ? NaN : (conc + tiedX / 2) / comparable, concordant: conc, discordant: disc, tiedRisk: tiedX, tiedTime: tiedY, comparable };
}

/** Harrell's C of a risk score. */
export function harrellC(time: NumArray, event: NumArray, risk: NumArray): ConcordanceResult {
  return run('harrellC', time, event, risk, null, Infinity);
}

/** Kaplan–Meier of the censoring distribution as a function G(t−) (left limit: censorings strictly before t). */
export function censoringSurvival(time: NumArray, event: NumArray): (t: number) => number {
  const { time: tt, event: e, n } = checkSurv('censoringSurvival', time, event);
  const idx = orderByTime(tt, e);
  const times: number[] = [];
  const surv: number[] = [];
  let atRisk = n;
  let g = 1;
  let i = 0;
  while (i < n) {
    const ti = tt[idx[i]];
    let c = 0;
    let m = 0;
    while (i < n && tt[idx[i]] === ti) {
      if (!e[idx[i]]) c++;
      m++;
      i++;
    }
    if (c > 0) {
      g *= (atRisk - c) / atRisk;
      times.push(ti);
      surv.push(g);
    }
    atRisk -= m;
  }
  return (t: number) => {
    let v = 1;
    for (let k = 0; k < times.length && times[k] < t; k++) v = surv[k];
    return v;
  };
}

/** Uno's C with inverse-probability-of-censoring weights 1/G(t−)², optionally truncated at `tau`. */
export function unoC(time: NumArray, event: NumArray, risk: NumArray, tau = Infinity): ConcordanceResult {
  const G = censoringSurvival(time, event);
  return run('unoC', time, event, risk, (t) => {
    const g = G(t);
    return 1 / (g * g);
  }, tau);
}
