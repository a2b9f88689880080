import { kaplanMeier, logRank } from '@hepatoscope/stats';

/** One risk group's Kaplan–Meier estimate (log-log 95 % CI per step), as stored in model metrics. */
export interface KmGroup {
  group: 'low' | 'intermediate' | 'high';
  n: number;
  events?: number;
  median: number | null;
  curve: { t: number; s: number; lo: number | null; hi: number | null }[];
}

export interface KmByRiskGroup {
  /** Tertile cut points of the score (R type-7 quantiles at 1/3 and 2/3). */
  cutoffs: [number, number];
  kmByRiskGroup: KmGroup[];
  logRank: { chisq: number; df: number; p: number };
}

/** Tertile cut points of a numeric array (R type-7 quantiles at 1/3 and 2/3). */
export function tertiles(v: readonly number[]): [number, number] {
  if (v.length === 0) throw new Error('tertiles: no values');
  const s = [...v].sort((a, b) => a - b);
  const q = (p: number) => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
  };
  return [q(1 / 3), q(2 / 3)];
}

/**
 * Kaplan–Meier curves of the low / intermediate / high tertiles of a risk score (higher = worse; group g holds
 * scores in (c_{g−1}, c_g]) with the log-rank test across the groups.
 */
export function kmByRiskTertile(
  time: readonly number[],
  event: readonly number[],
  score: readonly number[],
): KmByRiskGroup {
  if (time.length !== event.length || time.length !== score.length) {
    throw new Error(
      `kmByRiskTertile: time, event and score have ${time.length}, ${event.length}, ${score.length} values`,
    );
  }
  const [c1, c2] = tertiles(score);
  const group = score.map((v) => (v <= c1 ? 'low' : v <= c2 ? 'intermediate' : 'high'));
  const km = (['low', 'intermediate', 'high'] as const).map((g): KmGroup => {
    const idx = group.map((x, i) => (x === g ? i : -1)).filter((i) => i >= 0);
    if (!idx.length) return { group: g, n: 0, curve: [], median: null };
    const fit = kaplanMeier(
      idx.map((i) => time[i]!),
      idx.map((i) => event[i]!),
    );
    return {
      group: g,
      n: fit.n,
      events: fit.events,
      median: fit.median.median,
      curve: fit.table.map((r) => ({ t: r.time, s: r.survival, lo: r.lower, hi: r.upper })),
    };
  });
  const lr = logRank(time, event, group);
  return { cutoffs: [c1, c2], kmByRiskGroup: km, logRank: { chisq: lr.chisq, df: lr.df, p: lr.p } };
}
