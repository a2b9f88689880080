/**
 * Scoring of published/trained linear-predictor models (logistic and Cox) for one patient, with confidence
 * intervals and nomogram points. Small, pure functions; no I/O.
 *
 * Parameter format stored in `Model.parameters` (documented in DEVELOPERS.md "Model parameters"):
 *   logistic: { intercept, coefficients: {name: β}, covariance?: number[][], covarianceOrder?: string[],
 *               riskThresholds?: [low, high] }
 *   cox:      { coefficients: {name: β}, means?: {name: x̄}, baseline: [{t, s}], covariance?, covarianceOrder?,
 *               riskThresholds? }   (baseline survival S0(t) at the means; t in months)
 * Predictor definitions in `Model.inputs`: [{ name, source: 'clinical'|'feature', field, transform?, min?, max?, unit? }].
 */

export const Z95 = 1.959963984540054;

export function expit(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export interface PredictorDef {
  name: string;
  source?: 'clinical' | 'feature';
  /** Patient field (clinical), `field=VALUE` for an indicator, or feature name (feature). Defaults to `name`. */
  field?: string;
  transform?: 'identity' | 'log' | 'log10' | 'log1p';
  /** Range of the (transformed) value, used for the nomogram axis. */
  min?: number;
  max?: number;
  unit?: string;
}

/** Apply a predictor transform; throws for values outside the transform's domain. */
export function transformValue(x: number, t: PredictorDef['transform'] = 'identity', name = 'value'): number {
  switch (t) {
    case 'log':
      if (!(x > 0)) throw new Error(`${name}: log transform needs a positive value, got ${x}`);
      return Math.log(x);
    case 'log10':
      if (!(x > 0)) throw new Error(`${name}: log10 transform needs a positive value, got ${x}`);
      return Math.log10(x);
    case 'log1p':
      if (!(x > -1)) throw new Error(`${name}: log1p transform needs a value > -1, got ${x}`);
      return Math.log1p(x);
    default:
      return x;
  }
}

/**
 * Linear predictor η = b0 + Σ βj·(xj − x̄j) and its standard error by the delta method,
 * se(η) = sqrt(gᵀ Σ g) with gradient g = [1, x1 − x̄1, …] (the intercept entry only when `intercept` is given).
 * `covariance` rows/cols follow `covarianceOrder` (names; '(Intercept)' for the intercept); without it the order is
 * ['(Intercept)', ...names] for logistic and [...names] for Cox. Returns se = null when no covariance is stored.
 */
export function linearPredictor(
  names: readonly string[],
  x: Readonly<Record<string, number>>,
  coefficients: Readonly<Record<string, number>>,
  opts: {
    intercept?: number;
    means?: Readonly<Record<string, number>>;
    covariance?: number[][];
    covarianceOrder?: string[];
  } = {},
): { eta: number; se: number | null } {
  let eta = opts.intercept ?? 0;
  const centred: Record<string, number> = {};
  for (const n of names) {
    const b = coefficients[n];
    if (b === undefined) throw new Error(`linearPredictor: no coefficient for predictor ${n}`);
    const v = (x[n] as number) - (opts.means?.[n] ?? 0);
    if (!Number.isFinite(v)) throw new Error(`linearPredictor: predictor ${n} has no finite value`);
    centred[n] = v;
    eta += b * v;
  }
  if (!opts.covariance) return { eta, se: null };
  const order = opts.covarianceOrder ?? (opts.intercept !== undefined ? ['(Intercept)', ...names] : [...names]);
  const cov = opts.covariance;
  if (cov.length !== order.length || cov.some((r) => r.length !== order.length)) {
    throw new Error(
      `linearPredictor: covariance is ${cov.length}x${cov[0]?.length ?? 0} but ${order.length} terms were expected`,
    );
  }
  const g = order.map((n) => (n === '(Intercept)' ? 1 : (centred[n] ?? 0)));
  let v = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) v += g[i]! * cov[i]![j]! * g[j]!;
  return { eta, se: v >= 0 ? Math.sqrt(v) : null };
}

export interface NomogramPoint {
  predictor: string;
  value: number;
  points: number;
}

/**
 * Nomogram points (Harrell's convention, as in R `rms::nomogram`): the predictor whose effect range
 * |βj|·(maxj − minj) is largest spans 0–100 points; every predictor scores
 *   points_j = 100 · |βj| · (xj − refj) / maxRange · sign,  refj = minj if βj ≥ 0 else maxj,
 * so points grow with risk and are ≥ 0 inside the axis range (values outside it extrapolate linearly).
 * Total points are a monotone transform of η. Ranges default to [0, 1] (indicator predictors).
 */
export function nomogramPoints(
  defs: readonly PredictorDef[],
  x: Readonly<Record<string, number>>,
  coefficients: Readonly<Record<string, number>>,
): { points: NomogramPoint[]; totalPoints: number } {
  const ranges = defs.map((d) => {
    const lo = d.min ?? 0;
    const hi = d.max ?? 1;
    return { lo, hi, span: Math.abs(coefficients[d.name] ?? 0) * Math.abs(hi - lo) };
  });
  const maxRange = Math.max(...ranges.map((r) => r.span));
  const points = defs.map((d, i) => {
    const b = coefficients[d.name] ?? 0;
    const { lo, hi } = ranges[i]!;
    const value = x[d.name] as number;
    const ref = b >= 0 ? lo : hi;
    const pts = maxRange > 0 ? (100 * b * (value - ref)) / maxRange : 0;
    return { predictor: d.name, value, points: round(pts, 2) };
  });
  return {
    points,
    totalPoints: round(
      points.reduce((s, p) => s + p.points, 0),
      2,
    ),
  };
}

/** Logistic probability with a 95 % CI from the delta method on η (null CI without covariance). */
export function logisticProbability(
  eta: number,
  se: number | null,
): { probability: number; ci: [number, number] | null } {
  return {
    probability: expit(eta),
    ci: se === null ? null : [expit(eta - Z95 * se), expit(eta + Z95 * se)],
  };
}

export interface SurvivalPoint {
  t: number;
  s: number;
  lo: number | null;
  hi: number | null;
}

/**
 * Cox model survival curve S(t|x) = S0(t)^exp(η) with pointwise 95 % limits S0(t)^exp(η ± 1.96·se(η)).
 * The limits reflect the uncertainty of the coefficients only (the baseline hazard is treated as known) and
 * are null without a covariance matrix. `baseline` must be sorted by t.
 */
export function coxCurve(
  baseline: ReadonlyArray<{ t: number; s: number }>,
  eta: number,
  se: number | null,
): SurvivalPoint[] {
  const hr = Math.exp(eta);
  const lo = se === null ? null : Math.exp(eta + Z95 * se); // larger hazard → lower survival
  const hi = se === null ? null : Math.exp(eta - Z95 * se);
  return baseline.map(({ t, s }) => ({
    t,
    s: Math.pow(s, hr),
    lo: lo === null ? null : Math.pow(s, lo),
    hi: hi === null ? null : Math.pow(s, hi),
  }));
}

/** Step-function value of a survival curve at time t (1 before the first point). */
export function survivalAt(curve: readonly SurvivalPoint[], t: number): SurvivalPoint {
  let last: SurvivalPoint = { t, s: 1, lo: curve[0]?.lo == null ? null : 1, hi: curve[0]?.hi == null ? null : 1 };
  for (const p of curve) {
    if (p.t > t) break;
    last = p;
  }
  return { ...last, t };
}

/** First time the curve reaches S ≤ 0.5, or null when it never does (median not reached). */
export function medianSurvival(curve: readonly SurvivalPoint[]): number | null {
  for (const p of curve) if (p.s <= 0.5) return p.t;
  return null;
}

/** Risk group by thresholds [low, high] on a probability: < low → low, < high → intermediate, else high. */
export function riskGroup(
  p: number,
  thresholds: readonly [number, number] = [0.2, 0.5],
): 'low' | 'intermediate' | 'high' {
  if (p < thresholds[0]) return 'low';
  if (p < thresholds[1]) return 'intermediate';
  return 'high';
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
