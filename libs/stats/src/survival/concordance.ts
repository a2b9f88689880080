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
 * truncation time τ (pairs with tᵢ > τ are dropped). O(n²) pair loop.
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

function run(fn: string, time: NumArray, event: NumArray, risk: NumArray, weightOf: ((t: number) => number) | null, tau: number): ConcordanceResult {
  const { time: t, event: e, n } = checkSurv(fn, time, event);
  if (risk.length !== n) throw new StatsInputError(`${fn}: risk has ${risk.length} values but time has ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(risk[i])) throw new StatsInputError(`${fn}: risk[${i}] = ${risk[i]} is not finite`);
  let conc = 0;
  let disc = 0;
  let tiedX = 0;
  let tiedY = 0;
  for (let i = 0; i < n; i++) {
    if (!e[i] || t[i] > tau) continue;
    const w = weightOf ? weightOf(t[i]) : 1;
    const ri = risk[i];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      if (t[j] > t[i] || (t[j] === t[i] && !e[j])) {
        const rj = risk[j];
        if (ri > rj) conc += w;
        else if (ri < rj) disc += w;
        else tiedX += w;
      } else if (t[j] === t[i] && e[j] && j > i) tiedY += w;
    }
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
