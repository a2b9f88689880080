/**
 * Risk groups from a continuous risk score (e.g. a Cox linear predictor or nomogram total points): cut-offs at
 * R type-7 quantiles of the score (median → 2 groups, tertiles → 3, or explicit `probs` / `cutoffs`), groups
 * numbered 1 (lowest risk) … k with intervals closed on the right; then Kaplan–Meier per group and the log-rank test.
 */
import { NumArray, quantileType7, StatsInputError } from '../util';
import { kaplanMeier, KmMedian } from './km';
import { logRank, LogRankResult } from './logrank';

export interface RiskGroupOptions {
  /** Quantile probabilities strictly inside (0, 1); default [0.5]. */
  probs?: number[];
  /** Explicit cut-offs (overrides probs). */
  cutoffs?: number[];
}

/** Group (1..k) of every score: group g holds scores in (c_{g−1}, c_g]. */
export function riskGroups(score: NumArray, options: RiskGroupOptions = {}): { groups: Int32Array; cutoffs: number[] } {
  const s = Float64Array.from(score);
  for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i])) throw new StatsInputError(`riskGroups: score[${i}] = ${s[i]} is not finite`);
  let cut = options.cutoffs;
  if (!cut) {
    const probs = options.probs ?? [0.5];
    if (probs.some((p) => !(p > 0 && p < 1))) throw new StatsInputError(`riskGroups: probs must lie in (0, 1), got ${probs.join(', ')}`);
    const sorted = Float64Array.from(s).sort();
    cut = probs.map((p) => quantileType7(sorted, p));
  }
  const c = [...cut].sort((a, b) => a - b);
  const groups = new Int32Array(s.length);
  for (let i = 0; i < s.length; i++) {
    let g = 0;
    while (g < c.length && s[i] > c[g]) g++;
    groups[i] = g + 1;
  }
  return { groups, cutoffs: c };
}

export interface RiskGroupAnalysis {
  cutoffs: number[];
  groups: { group: number; n: number; events: number; median: KmMedian }[];
  logrank: LogRankResult | null;
}

/** Risk groups plus per-group KM medians and the log-rank test across groups. */
export function riskGroupAnalysis(time: NumArray, event: NumArray, score: NumArray, options: RiskGroupOptions = {}): RiskGroupAnalysis {
  if (score.length !== time.length) throw new StatsInputError(`riskGroupAnalysis: score has ${score.length} values but time has ${time.length}`);
  const { groups, cutoffs } = riskGroups(score, options);
  const levels = Array.from(new Set(Array.from(groups))).sort((a, b) => a - b);
  const out = levels.map((g) => {
    const t: number[] = [];
    const e: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      if (groups[i] === g) {
        t.push(time[i]);
        e.push(event[i]);
      }
    }
    const km = kaplanMeier(t, e);
    return { group: g, n: km.n, events: km.events, median: km.median };
  });
  return { cutoffs, groups: out, logrank: levels.length > 1 ? logRank(time, event, Array.from(groups)) : null };
}
