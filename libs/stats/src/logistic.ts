/**
 * Binary logistic regression by iteratively reweighted least squares (Newton–Raphson on the binomial
 * log-likelihood), equal to R `glm(y ~ ., family = binomial)` at convergence.
 *
 * - Start: μ = (y + ½)/2 as glm.fit; step-halving when the deviance increases (or is not finite).
 * - Convergence: |dev − dev_old|/(|dev| + 0.1) < tol (glm's rule; default tol 1e-12, tighter than glm's 1e-8 so that
 *   coefficients reach the exact optimum), at most `maxIter` iterations — it never hangs.
 * - SE from the inverse Fisher information (Xᵀ W X)⁻¹; z = β/SE; two-sided normal p; Wald CI β ± z₀.₉₇₅·SE
 *   (R `confint.default`, not the profile-likelihood `confint`).
 * - deviance = −2·loglik; AIC = deviance + 2p (0/1 outcomes).
 * - Perfect or quasi-complete separation: fitted probabilities reach 0 or 1 and coefficients diverge; the fit stops at
 *   `maxIter` and `warnings` says so (R warns "fitted probabilities numerically 0 or 1 occurred").
 * - Collinear or constant predictors: a StatsInputError naming the column.
 */
import { expit, pTwoSidedNormal, qnorm } from './distributions';
import { cholesky, cholInverse, cholSolve, SingularMatrixError } from './linalg';
import { assertFinite, Matrix } from './matrix';
import { NumArray, StatsInputError } from './util';

export interface LogisticSettings {
  intercept?: boolean;
  maxIter?: number;
  tol?: number;
  level?: number;
}

export interface Coefficient {
  name: string;
  estimate: number;
  se: number;
  z: number;
  p: number;
  lower: number;
  upper: number;
}

export interface FittedLogistic {
  kind: 'logistic';
  names: string[];
  intercept: boolean;
  /** Coefficients in order: (Intercept) first when fitted. */
  beta: Float64Array;
  coefficients: Coefficient[];
  /** Variance–covariance matrix of beta (row-major). */
  vcov: Float64Array;
  deviance: number;
  nullDeviance: number;
  logLik: number;
  aic: number;
  dfResidual: number;
  n: number;
  iterations: number;
  converged: boolean;
  warnings: string[];
  /** Fitted probabilities on the training data. */
  fitted: Float64Array;
  /** Linear predictor for new rows (same columns as the training matrix, intercept added automatically). */
  linearPredictor(x: Matrix, offset?: NumArray): Float64Array;
  /** Probabilities for new rows. */
  predict(x: Matrix, offset?: NumArray): Float64Array;
}

function binomDeviance(y: Uint8Array, mu: Float64Array): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    const m = mu[i];
    if (y[i] === 1) d -= 2 * Math.log(m);
    else d -= 2 * Math.log1p(-m);
  }
  return d;
}

/**
 * IRLS core on a design matrix that already contains the intercept column when wanted.
 * Exported for calibration (offset models) and nomograms.
 */
export function irls(
  fn: string,
  x: Float64Array,
  n: number,
  p: number,
  y: Uint8Array,
  names: string[],
  offset: Float64Array | null,
  maxIter: number,
  tol: number,
): { beta: Float64Array; info: Float64Array; mu: Float64Array; deviance: number; iterations: number; converged: boolean } {
  const beta = new Float64Array(p);
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  // glm start: mu = (y + 0.5)/2, solve one weighted LS for beta
  for (let i = 0; i < n; i++) {
    mu[i] = (y[i] + 0.5) / 2;
    eta[i] = Math.log(mu[i] / (1 - mu[i]));
  }
  const info = new Float64Array(p * p);
  const score = new Float64Array(p);
  let devOld = Infinity;
  let converged = false;
  let it = 0;
  let first = true;
  for (it = 1; it <= maxIter; it++) {
    info.fill(0);
    score.fill(0);
    for (let i = 0; i < n; i++) {
      const w = mu[i] * (1 - mu[i]);
      const off = offset ? offset[i] : 0;
      // working response z = eta − offset + (y − mu)/w ; normal equations XᵀWX b = XᵀWz
      const z = eta[i] - off + (y[i] - mu[i]) / w;
      const row = i * p;
      for (let a = 0; a < p; a++) {
        const xa = x[row + a] * w;
        score[a] += xa * z;
        for (let b = 0; b <= a; b++) info[a * p + b] += xa * x[row + b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) info[b * p + a] = info[a * p + b];
    let l: Float64Array;
    try {
      l = cholesky(info, p, 1e-10);
    } catch (e) {
      if (e instanceof SingularMatrixError) {
        throw new StatsInputError(`${fn}: column ${names[e.index]} is constant or collinear with earlier columns (information matrix singular)`);
      }
      throw e;
    }
    const bNew = cholSolve(l, p, score);
    // step halving if the deviance gets worse (never on the first, glm-start step)
    let step = 1;
    let dev = Infinity;
    for (let h = 0; h < 30; h++) {
      for (let i = 0; i < n; i++) {
        let e = offset ? offset[i] : 0;
        const row = i * p;
        for (let a = 0; a < p; a++) e += x[row + a] * (first ? bNew[a] : beta[a] + step * (bNew[a] - beta[a]));
        eta[i] = e;
        mu[i] = Math.min(Math.max(expit(e), 2.220446e-16), 1 - 2.220446e-16);
      }
      dev = binomDeviance(y, mu);
      if (first || (Number.isFinite(dev) && dev <= devOld + 1e-12 * Math.abs(devOld))) break;
      step /= 2;
    }
    for (let a = 0; a < p; a++) beta[a] = first ? bNew[a] : beta[a] + step * (bNew[a] - beta[a]);
    first = false;
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < tol) {
      devOld = dev;
      converged = true;
      break;
    }
    devOld = dev;
  }
  // information at the final estimate
  info.fill(0);
  for (let i = 0; i < n; i++) {
    const w = mu[i] * (1 - mu[i]);
    const row = i * p;
    for (let a = 0; a < p; a++) {
      const xa = x[row + a] * w;
      for (let b = 0; b <= a; b++) info[a * p + b] += xa * x[row + b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) info[b * p + a] = info[a * p + b];
  return { beta, info, mu, deviance: devOld, iterations: Math.min(it, maxIter), converged };
}

function binaryLabels(fn: string, y: NumArray, n: number): Uint8Array {
  if (y.length !== n) throw new StatsInputError(`${fn}: the outcome has ${y.length} values but the design matrix has ${n} rows`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new StatsInputError(`${fn}: outcome row ${i} = ${y[i]} is not 0 or 1`);
    out[i] = y[i];
  }
  return out;
}

/** Logistic regression estimator: `new LogisticRegression(settings).fit(X, y)` → FittedLogistic. */
export class LogisticRegression {
  readonly settings: Required<LogisticSettings>;
  constructor(settings: LogisticSettings = {}) {
    this.settings = { intercept: true, maxIter: 50, tol: 1e-12, level: 0.95, ...settings };
  }

  fit(xIn: Matrix, yIn: NumArray, offsetIn?: NumArray): FittedLogistic {
    const fn = 'LogisticRegression.fit';
    assertFinite(fn, xIn);
    const n = xIn.rows;
    const y = binaryLabels(fn, yIn, n);
    let nPos = 0;
    for (let i = 0; i < n; i++) nPos += y[i];
    if (nPos === 0 || nPos === n) throw new StatsInputError(`${fn}: the outcome has only one class (${nPos} events out of ${n})`);
    const { intercept, maxIter, tol, level } = this.settings;
    const baseNames = xIn.names ?? Array.from({ length: xIn.cols }, (_, j) => `x${j + 1}`);
    const names = intercept ? ['(Intercept)', ...baseNames] : baseNames;
    const p = names.length;
    const x = designWithIntercept(xIn, intercept);
    const offset = offsetIn ? Float64Array.from(offsetIn) : null;
    if (offset && offset.length !== n) throw new StatsInputError(`${fn}: offset has ${offset.length} values but there are ${n} rows`);
    const r = irls(fn, x, n, p, y, names, offset, maxIter, tol);
    const warnings: string[] = [];
    let extreme = false;
    for (let i = 0; i < n; i++) if (r.mu[i] < 1e-10 || r.mu[i] > 1 - 1e-10) extreme = true;
    if (extreme) warnings.push('fitted probabilities numerically 0 or 1 occurred (perfect or quasi-complete separation?)');
    if (!r.converged) warnings.push(`IRLS did not converge in ${maxIter} iterations`);
    const vcov = cholInverse(cholesky(r.info, p, 0), p);
    const zq = qnorm(1 - (1 - level) / 2);
    const coefficients: Coefficient[] = names.map((name, j) => {
      const se = Math.sqrt(vcov[j * p + j]);
      const est = r.beta[j];
      const z = est / se;
      return { name, estimate: est, se, z, p: pTwoSidedNormal(z), lower: est - zq * se, upper: est + zq * se };
    });
    // null deviance: intercept-only (or offset-only) model
    let nullDeviance: number;
    if (intercept && !offset) {
      const pbar = nPos / n;
      nullDeviance = -2 * (nPos * Math.log(pbar) + (n - nPos) * Math.log(1 - pbar));
    } else if (intercept && offset) {
      const ones = new Float64Array(n).fill(1);
      nullDeviance = irls(fn, ones, n, 1, y, ['(Intercept)'], offset, maxIter, tol).deviance;
    } else {
      const mu0 = new Float64Array(n);
      for (let i = 0; i < n; i++) mu0[i] = expit(offset ? offset[i] : 0);
      nullDeviance = binomDeviance(y, mu0);
    }
    const beta = r.beta;
    const linearPredictor = (xn: Matrix, off?: NumArray): Float64Array => {
      if (xn.cols !== xIn.cols) throw new StatsInputError(`FittedLogistic.predict: expected ${xIn.cols} columns but got ${xn.cols}`);
      const out = new Float64Array(xn.rows);
      const k = intercept ? 1 : 0;
      for (let i = 0; i < xn.rows; i++) {
        let e = (intercept ? beta[0] : 0) + (off ? off[i] : 0);
        for (let j = 0; j < xn.cols; j++) e += beta[j + k] * xn.data[i * xn.cols + j];
        out[i] = e;
      }
      return out;
    };
    return {
      kind: 'logistic',
      names,
      intercept,
      beta,
      coefficients,
      vcov,
      deviance: r.deviance,
      nullDeviance,
      logLik: -r.deviance / 2,
      aic: r.deviance + 2 * p,
      dfResidual: n - p,
      n,
      iterations: r.iterations,
      converged: r.converged,
      warnings,
      fitted: r.mu,
      linearPredictor,
      predict: (xn, off) => linearPredictor(xn, off).map(expit),
    };
  }
}

/** Row-major design with a leading column of ones when `intercept`. */
export function designWithIntercept(m: Matrix, intercept: boolean): Float64Array {
  if (!intercept) return Float64Array.from(m.data);
  const p = m.cols + 1;
  const out = new Float64Array(m.rows * p);
  for (let i = 0; i < m.rows; i++) {
    out[i * p] = 1;
    for (let j = 0; j < m.cols; j++) out[i * p + 1 + j] = m.data[i * m.cols + j];
  }
  return out;
}
