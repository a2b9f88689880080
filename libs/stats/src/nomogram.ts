/**
 * Nomograms from a fitted logistic or Cox model, with rms::nomogram's scoring (Harrell, *Regression Modeling
 * Strategies*, §10.10 / rms `nomogram`):
 *
 * - For predictor j with coefficient β_j and axis values v_j1..v_jK, its contribution is c_jk = β_j·v_jk.
 * - scale = maxPoints / max_j (max_k c_jk − min_k c_jk): the predictor with the widest effect over its axis gets
 *   0…maxPoints (100) points.
 * - points_j(x) = (β_j·x − min_k c_jk)·scale; total points T = Σ_j points_j.
 * - Linear predictor lp(T) = b₀ + Σ_j min_k c_jk + T/scale (b₀ = intercept for logistic, 0 for Cox with uncentred
 *   covariates); probability = expit(lp); survival at horizon t = exp(−H₀(t)·e^{lp}) with H₀ the model's baseline
 *   cumulative hazard at x = 0.
 *
 * Axis values default to 5 evenly spaced "pretty" values over the observed range of each predictor (0/1 for binary
 * predictors); pass `axes` to set them (rms's defaults come from datadist; pass the same values to reproduce it).
 */
import { expit } from './distributions';
import { FittedLogistic } from './logistic';
import { Matrix, column } from './matrix';
import { FittedCox } from './survival/cox';
import { StatsInputError } from './util';

export interface NomogramAxis {
  name: string;
  beta: number;
  values: number[];
  points: number[];
}

export interface NomogramScore {
  points: Record<string, number>;
  totalPoints: number;
  linearPredictor: number;
  /** Logistic models: predicted probability. */
  probability?: number;
  /** Cox models: survival at each horizon. */
  survival?: { horizon: number; survival: number }[];
}

export interface Nomogram {
  kind: 'logistic' | 'cox';
  maxPoints: number;
  /** Points per unit of linear predictor. */
  scale: number;
  axes: NomogramAxis[];
  horizons: number[];
  /** Linear predictor at total points T. */
  linearPredictorAt(totalPoints: number): number;
  /** Total points that give linear predictor lp. */
  totalPointsAt(lp: number): number;
  /** Probability (logistic) at T. */
  probabilityAt(totalPoints: number): number;
  /** Survival at horizon (Cox) at T. */
  survivalAt(totalPoints: number, horizon: number): number;
  /** Points of one patient, predictor by predictor, and the resulting prediction. */
  score(profile: Record<string, number>): NomogramScore;
}

export interface NomogramSettings {
  maxPoints?: number;
  /** Axis values per predictor name. */
  axes?: Record<string, number[]>;
  /** Training matrix used for default axes (required when `axes` misses a predictor). */
  data?: Matrix;
  /** Cox: horizons for survival (e.g. [12, 24, 60]). */
  horizons?: number[];
}

function prettyAxis(x: Float64Array): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  const distinct = new Set<number>();
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    if (distinct.size < 3) distinct.add(v);
  }
  if (distinct.size <= 2) return Array.from(distinct).sort((a, b) => a - b);
  const raw = (hi - lo) / 4;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const start = Math.floor(lo / step) * step;
  const out: number[] = [];
  for (let v = start; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < hi) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

/** Build a nomogram from a fitted logistic or Cox model. */
export function nomogram(model: FittedLogistic | FittedCox, settings: NomogramSettings = {}): Nomogram {
  const maxPoints = settings.maxPoints ?? 100;
  const isLogistic = model.kind === 'logistic';
  const names = isLogistic && model.intercept ? model.names.slice(1) : model.names;
  const betas = isLogistic && model.intercept ? Array.from(model.beta.slice(1)) : Array.from(model.beta);
  const b0 = isLogistic && model.intercept ? model.beta[0] : 0;
  const axesIn = settings.axes ?? {};
  const axes: NomogramAxis[] = names.map((name, j) => {
    let values = axesIn[name];
    if (!values) {
      if (!settings.data) throw new StatsInputError(`nomogram: no axis values for ${name}; pass settings.axes or settings.data`);
      values = prettyAxis(column(settings.data, j));
    }
    return { name, beta: betas[j], values: [...values], points: [] };
  });
  let widest = 0;
  const mins = axes.map((a) => {
    const c = a.values.map((v) => a.beta * v);
    widest = Math.max(widest, Math.max(...c) - Math.min(...c));
    return Math.min(...c);
  });
  if (!(widest > 0)) throw new StatsInputError('nomogram: every predictor has zero effect over its axis');
  const scale = maxPoints / widest;
  axes.forEach((a, j) => {
    a.points = a.values.map((v) => (a.beta * v - mins[j]) * scale);
  });
  const offset = b0 + mins.reduce((s, v) => s + v, 0);
  const horizons = settings.horizons ?? [];
  const lpAt = (t: number) => offset + t / scale;
  const survivalAt = (t: number, horizon: number): number => {
    if (isLogistic) throw new StatsInputError('nomogram: survival is only defined for Cox models');
    const cox = model as FittedCox;
    let h = 0;
    for (let m = 0; m < cox.baseline.time.length && cox.baseline.time[m] <= horizon; m++) h = cox.baseline.cumHazard[m];
    return Math.exp(-h * Math.exp(lpAt(t)));
  };
  return {
    kind: model.kind,
    maxPoints,
    scale,
    axes,
    horizons,
    linearPredictorAt: lpAt,
    totalPointsAt: (lp) => (lp - offset) * scale,
    probabilityAt: (t) => {
      if (!isLogistic) throw new StatsInputError('nomogram: probability is only defined for logistic models');
      return expit(lpAt(t));
    },
    survivalAt,
    score(profile) {
      const points: Record<string, number> = {};
      let total = 0;
      axes.forEach((a, j) => {
        const x = profile[a.name];
        if (!Number.isFinite(x)) throw new StatsInputError(`nomogram.score: the profile has no finite value for ${a.name}`);
        const pt = (a.beta * x - mins[j]) * scale;
        points[a.name] = pt;
        total += pt;
      });
      const lp = lpAt(total);
      const out: NomogramScore = { points, totalPoints: total, linearPredictor: lp };
      if (isLogistic) out.probability = expit(lp);
      else out.survival = horizons.map((h) => ({ horizon: h, survival: survivalAt(total, h) }));
      return out;
    },
  };
}
