/**
 * Cox proportional-hazards regression equal to R `coxph(Surv(time, event) ~ ., ties = "efron" | "breslow")`.
 *
 * - Partial likelihood with Breslow or Efron handling of tied event times (Efron: at a time with d events the k-th
 *   "virtual" risk set is S0 − (k/d)·D0, k = 0..d−1). Newton–Raphson from β = 0 on centred covariates, step halving
 *   when the log-likelihood decreases, convergence |1 − ℓ_old/ℓ| < tol (default 1e-12; coxph uses 1e-9).
 * - SE from the inverse information; HR = e^β with Wald CI e^(β ± z·SE); two-sided normal p.
 * - Global tests (all df = p): likelihood ratio 2(ℓ(β̂) − ℓ(0)); Wald β̂ᵀ I(β̂) β̂; score U(0)ᵀ I(0)⁻¹ U(0).
 * - Baseline cumulative hazard at x = 0 (R `basehaz(fit, centered = FALSE)`), with survfit.coxph's default estimator:
 *   Breslow increments d/S0 for ties = "breslow", Efron increments Σ_k 1/(S0 − (k/d)·D0) for ties = "efron".
 * - Predicted survival for a covariate profile x: S(t | x) = exp(−H0(t)·e^{xβ}) (survfit.coxph, stype = 2).
 * - Monotone likelihood (e.g. a covariate that separates events): coefficients diverge; the fit stops (likelihood
 *   converged or `maxIter`) and `warnings` names the variable when |β|·SD(x) > 10 or SE·SD(x) > 1000 (coxph: "Loglik converged before variable … ; coefficient may be infinite").
 */
import { pchisqUpper, pTwoSidedNormal, qnorm } from '../distributions';
import { cholesky, cholInverse, cholSolve, quadForm, SingularMatrixError } from '../linalg';
import { assertFinite, Matrix } from '../matrix';
import { NumArray, StatsInputError } from '../util';
import { checkSurv } from './data';

export type CoxTies = 'efron' | 'breslow';

export interface CoxSettings {
  ties?: CoxTies;
  maxIter?: number;
  tol?: number;
  level?: number;
}

export interface CoxCoefficient {
  name: string;
  estimate: number;
  se: number;
  hr: number;
  lower: number;
  upper: number;
  z: number;
  p: number;
}

export interface ChiSqTest {
  statistic: number;
  df: number;
  p: number;
}

export interface FittedCox {
  kind: 'cox';
  ties: CoxTies;
  names: string[];
  beta: Float64Array;
  coefficients: CoxCoefficient[];
  vcov: Float64Array;
  /** [ℓ(0), ℓ(β̂)]. */
  logLik: [number, number];
  means: Float64Array;
  tests: { wald: ChiSqTest; lr: ChiSqTest; score: ChiSqTest };
  n: number;
  events: number;
  iterations: number;
  converged: boolean;
  warnings: string[];
  /** Distinct observed times and the baseline cumulative hazard H0 at x = 0. */
  baseline: { time: Float64Array; cumHazard: Float64Array };
  /** x·β for new rows; `centered` subtracts the training means (R `predict(type = "lp")`). */
  linearPredictor(x: Matrix, centered?: boolean): Float64Array;
  /** Survival curve S(t | profile) at the baseline times. */
  survival(profile: NumArray): { time: Float64Array; survival: Float64Array };
  /** S(t | profile) at arbitrary times (step function; 1 before the first time). */
  survivalAt(profile: NumArray, times: NumArray): Float64Array;
}

interface PassResult {
  loglik: number;
  u: Float64Array;
  info: Float64Array;
}

/** Sorted, centred data plus a pass computing ℓ, U, I at β. */
function makePass(x: Float64Array, n: number, p: number, time: Float64Array, event: Uint8Array, ties: CoxTies) {
  // order by descending time so the risk set grows as we go
  const ord = new Uint32Array(n);
  for (let i = 0; i < n; i++) ord[i] = i;
  ord.sort((a, b) => time[b] - time[a]);
  const s1 = new Float64Array(p);
  const s2 = new Float64Array(p * p);
  const d1 = new Float64Array(p);
  const d2 = new Float64Array(p * p);
  const xs = new Float64Array(p);
  const tmp1 = new Float64Array(p);
  const w = new Float64Array(n);
  return (beta: Float64Array): PassResult => {
    const u = new Float64Array(p);
    const info = new Float64Array(p * p);
    let loglik = 0;
    for (let i = 0; i < n; i++) {
      let eta = 0;
      for (let j = 0; j < p; j++) eta += x[i * p + j] * beta[j];
      w[i] = eta;
    }
    let s0 = 0;
    s1.fill(0);
    s2.fill(0);
    let k = 0;
    while (k < n) {
      const t = time[ord[k]];
      let d0 = 0;
      let nd = 0;
      d1.fill(0);
      d2.fill(0);
      xs.fill(0);
      let etaSum = 0;
      while (k < n && time[ord[k]] === t) {
        const i = ord[k];
        const r = Math.exp(w[i]);
        s0 += r;
        const row = i * p;
        for (let a = 0; a < p; a++) {
          const xa = x[row + a];
          s1[a] += r * xa;
          for (let b = 0; b <= a; b++) s2[a * p + b] += r * xa * x[row + b];
        }
        if (event[i]) {
          nd++;
          d0 += r;
          etaSum += w[i];
          for (let a = 0; a < p; a++) {
            const xa = x[row + a];
            xs[a] += xa;
            d1[a] += r * xa;
            for (let b = 0; b <= a; b++) d2[a * p + b] += r * xa * x[row + b];
          }
        }
        k++;
      }
      if (nd === 0) continue;
      loglik += etaSum;
      for (let a = 0; a < p; a++) u[a] += xs[a];
      const efron = ties === 'efron' && nd > 1;
      const reps = efron ? nd : 1;
      for (let m = 0; m < reps; m++) {
        const f = efron ? m / nd : 0;
        const mult = efron ? 1 : nd;
        const z0 = s0 - f * d0;
        loglik -= mult * Math.log(z0);
        for (let a = 0; a < p; a++) {
          tmp1[a] = (s1[a] - f * d1[a]) / z0;
          u[a] -= mult * tmp1[a];
        }
        for (let a = 0; a < p; a++) {
          for (let b = 0; b <= a; b++) info[a * p + b] += mult * ((s2[a * p + b] - f * d2[a * p + b]) / z0 - tmp1[a] * tmp1[b]);
        }
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) info[b * p + a] = info[a * p + b];
    return { loglik, u, info };
  };
}

/** Cox PH estimator: `new CoxPH({ ties }).fit(X, time, event)` → FittedCox. */
export class CoxPH {
  readonly settings: Required<CoxSettings>;
  constructor(settings: CoxSettings = {}) {
    this.settings = { ties: 'efron', maxIter: 50, tol: 1e-12, level: 0.95, ...settings };
  }

  fit(xIn: Matrix, time: NumArray, event: NumArray): FittedCox {
    const fn = 'CoxPH.fit';
    assertFinite(fn, xIn);
    const { time: t, event: e, n } = checkSurv(fn, time, event);
    if (xIn.rows !== n) throw new StatsInputError(`${fn}: the design matrix has ${xIn.rows} rows but time has ${n} values`);
    let events = 0;
    for (let i = 0; i < n; i++) events += e[i];
    if (events === 0) throw new StatsInputError(`${fn}: all ${n} observations are censored; a Cox model needs at least one event`);
    const { ties, maxIter, tol, level } = this.settings;
    const p = xIn.cols;
    const names = xIn.names ?? Array.from({ length: p }, (_, j) => `x${j + 1}`);
    const means = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) means[j] += xIn.data[i * p + j];
    for (let j = 0; j < p; j++) means[j] /= n;
    // survival ≥ 3: 0/1 covariates are not centred (their `means` are 0); the fit is invariant to centring
    for (let j = 0; j < p; j++) {
      let binary = true;
      for (let i = 0; i < n && binary; i++) {
        const v = xIn.data[i * p + j];
        if (v !== 0 && v !== 1) binary = false;
      }
      if (binary) means[j] = 0;
    }
    const x = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) x[i * p + j] = xIn.data[i * p + j] - means[j];
    const pass = makePass(x, n, p, t, e, ties);

    const chol = (info: Float64Array) => {
      try {
        return cholesky(info, p, 1e-10);
      } catch (err) {
        if (err instanceof SingularMatrixError) throw new StatsInputError(`${fn}: column ${names[err.index]} is constant or collinear with earlier columns (information matrix singular)`);
        throw err;
      }
    };

    let beta = new Float64Array(p);
    const r0 = pass(beta);
    const l0 = r0.loglik;
    const l0chol = chol(r0.info);
    const scoreStat = quadForm(cholInverse(l0chol, p), p, r0.u);
    let cur = r0;
    let curChol = l0chol;
    let converged = false;
    let iter = 0;
    for (iter = 1; iter <= maxIter; iter++) {
      const step = cholSolve(curChol, p, cur.u);
      let lambda = 1;
      let next: PassResult | null = null;
      let nb = beta;
      for (let h = 0; h < 40; h++) {
        nb = beta.map((b, j) => b + lambda * step[j]);
        const r = pass(nb);
        if (Number.isFinite(r.loglik) && r.loglik >= cur.loglik - 1e-12 * Math.abs(cur.loglik)) {
          next = r;
          break;
        }
        lambda /= 2;
      }
      if (!next) break;
      const done = Math.abs(1 - cur.loglik / next.loglik) < tol;
      beta = nb;
      cur = next;
      curChol = chol(cur.info);
      if (done) {
        converged = true;
        break;
      }
    }
    const warnings: string[] = [];
    if (!converged) warnings.push(`Newton–Raphson did not converge in ${maxIter} iterations`);
    const vcov = cholInverse(curChol, p);
    for (let j = 0; j < p; j++) {
      let sd = 0;
      for (let i = 0; i < n; i++) sd += x[i * p + j] * x[i * p + j];
      sd = Math.sqrt(sd / n);
      if (Math.abs(beta[j]) * sd > 10 || !(Math.sqrt(vcov[j * p + j]) * sd < 1e3)) {
        warnings.push(`coefficient of ${names[j]} may be infinite (monotone likelihood / separation)`);
      }
    }
    const zq = qnorm(1 - (1 - level) / 2);
    const coefficients: CoxCoefficient[] = names.map((name, j) => {
      const se = Math.sqrt(vcov[j * p + j]);
      const b = beta[j];
      const z = b / se;
      return { name, estimate: b, se, hr: Math.exp(b), lower: Math.exp(b - zq * se), upper: Math.exp(b + zq * se), z, p: pTwoSidedNormal(z) };
    });
    const wald = quadForm(cur.info, p, beta);
    const lr = 2 * (cur.loglik - l0);

    // baseline cumulative hazard at x = 0 (uncentred)
    const lpUncentred = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += xIn.data[i * p + j] * beta[j];
      lpUncentred[i] = s;
    }
    const baseline = baselineHazard(t, e, lpUncentred, ties);
    const betaF = beta;
    const lp = (xn: Matrix, centered = true): Float64Array => {
      if (xn.cols !== p) throw new StatsInputError(`FittedCox.linearPredictor: expected ${p} columns but got ${xn.cols}`);
      const out = new Float64Array(xn.rows);
      for (let i = 0; i < xn.rows; i++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += (xn.data[i * p + j] - (centered ? means[j] : 0)) * betaF[j];
        out[i] = s;
      }
      return out;
    };
    const riskOf = (profile: NumArray): number => {
      if (profile.length !== p) throw new StatsInputError(`FittedCox.survival: profile has ${profile.length} values but the model has ${p} covariates`);
      let s = 0;
      for (let j = 0; j < p; j++) s += profile[j] * betaF[j];
      return Math.exp(s);
    };
    return {
      kind: 'cox',
      ties,
      names,
      beta,
      coefficients,
      vcov,
      logLik: [l0, cur.loglik],
      means,
      tests: {
        wald: { statistic: wald, df: p, p: pchisqUpper(wald, p) },
        lr: { statistic: lr, df: p, p: pchisqUpper(lr, p) },
        score: { statistic: scoreStat, df: p, p: pchisqUpper(scoreStat, p) },
      },
      n,
      events,
      iterations: iter,
      converged,
      warnings,
      baseline,
      linearPredictor: lp,
      survival(profile) {
        const r = riskOf(profile);
        return { time: baseline.time, survival: baseline.cumHazard.map((h) => Math.exp(-h * r)) };
      },
      survivalAt(profile, times) {
        const r = riskOf(profile);
        const out = new Float64Array(times.length);
        for (let k = 0; k < times.length; k++) {
          let h = 0;
          for (let m = 0; m < baseline.time.length && baseline.time[m] <= times[k]; m++) h = baseline.cumHazard[m];
          out[k] = Math.exp(-h * r);
        }
        return out;
      },
    };
  }
}

/**
 * Baseline cumulative hazard at linear predictor 0 given each subject's linear predictor (Breslow or Efron
 * increments), at every distinct observed time.
 */
export function baselineHazard(time: Float64Array, event: Uint8Array, lp: Float64Array, ties: CoxTies): { time: Float64Array; cumHazard: Float64Array } {
  const n = time.length;
  const ord = new Uint32Array(n);
  for (let i = 0; i < n; i++) ord[i] = i;
  ord.sort((a, b) => time[a] - time[b]);
  // risk sums from the end
  const times: number[] = [];
  const inc: number[] = [];
  let s0 = 0;
  for (let i = 0; i < n; i++) s0 += Math.exp(lp[i]);
  let k = 0;
  while (k < n) {
    const t = time[ord[k]];
    let d = 0;
    let d0 = 0;
    let leave = 0;
    let m = k;
    while (m < n && time[ord[m]] === t) {
      const r = Math.exp(lp[ord[m]]);
      if (event[ord[m]]) {
        d++;
        d0 += r;
      }
      leave += r;
      m++;
    }
    let h = 0;
    if (d > 0) {
      if (ties === 'efron' && d > 1) for (let q = 0; q < d; q++) h += 1 / (s0 - (q / d) * d0);
      else h = d / s0;
    }
    times.push(t);
    inc.push(h);
    s0 -= leave;
    k = m;
  }
  const cum = new Float64Array(inc.length);
  let c = 0;
  for (let i = 0; i < inc.length; i++) {
    c += inc[i];
    cum[i] = c;
  }
  return { time: Float64Array.from(times), cumHazard: cum };
}
