/**
 * Elastic-net penalised logistic regression with glmnet's conventions (Friedman, Hastie & Tibshirani 2010;
 * R glmnet `family = "binomial"`):
 *
 *   minimise −(1/n)·Σ [yᵢηᵢ − log(1 + e^{ηᵢ})] + λ·[(1 − α)/2·‖β‖² + α·‖β‖₁]
 *
 * on standardised predictors (mean 0, variance with denominator n), unpenalised intercept; coefficients are reported
 * on the original scale (β_j = β̃_j/sd_j, β₀ = β̃₀ − Σ β_j·mean_j). Constant columns get coefficient 0.
 *
 * - Lambda path: λ_max = max_j |x̃_jᵀ(y − ȳ)|/(n·max(α, 0.001)); `nlambda` (100) values log-spaced down to
 *   λ_max·ratio, ratio = 1e-4 when n ≥ p else 0.01. As glmnet's lognet, a default path stops early (after at least
 *   5 lambdas) when the deviance ratio rises by less than 1e-5 (absolute, `fdev`) or exceeds 0.999 (`devmax`);
 *   user-supplied lambdas are never truncated.
 * - Solver: proximal-Newton outer loop (IRLS quadratic approximation, weights p(1 − p)) and cyclic coordinate descent
 *   with soft-thresholding and active-set cycling inside, warm starts along the path; convergence by glmnet's `thresh` rule
 *   (default 1e-7 as glmnet); with `thresh: 1e-20` the result is the exact optimum
 *   (KKT residuals ~1e-14), which is what the goldens (glmnet with thresh = 1e-14) are compared against.
 * - k-fold CV (cv.glmnet, type.measure = "deviance", grouped): per fold, binomial deviance of held-out predictions
 *   clipped to [1e-5, 1 − 1e-5], fold means combined weighted by fold size; cvsd = √(weighted var/(K − 1)).
 *   lambda.min = largest λ reaching min cvm; lambda.1se = largest λ with cvm ≤ cvm(lambda.min) + cvsd(lambda.min).
 *   Folds: `foldid` if given, else a seeded (xoshiro128**) random permutation of 1..K repeated.
 */
import { expit } from './distributions';
import { assertFinite, Matrix } from './matrix';
import { Rng } from './rng';
import { NumArray, StatsInputError } from './util';

export interface GlmnetSettings {
  alpha?: number;
  nlambda?: number;
  lambdaMinRatio?: number;
  standardize?: boolean;
  /**
   * Convergence threshold with glmnet's meaning (`thresh`): coordinate descent and Newton steps stop when every
   * max_j (Σ wᵢx̃ᵢⱼ²)·Δβ_j² < thresh·(null deviance/n). Default 1e-7, glmnet's default (same speed/accuracy trade-off);
   * use 1e-20 for the exact optimum (KKT residuals ~1e-14).
   */
  thresh?: number;
  maxIter?: number;
}

export interface GlmnetFit {
  names: string[];
  alpha: number;
  lambda: Float64Array;
  /** Intercepts (original scale), one per lambda. */
  a0: Float64Array;
  /** Coefficients (original scale): beta[k] for lambda[k]. */
  beta: Float64Array[];
  /** Deviance ratio 1 − dev/nulldev per lambda. */
  devRatio: Float64Array;
  /** Number of non-zero coefficients per lambda. */
  df: Int32Array;
  /** Coefficients at lambda index k with names, intercept first as "(Intercept)". */
  coefficientsAt(k: number): { name: string; estimate: number }[];
  /** Predicted probabilities at lambda index k. */
  predict(x: Matrix, k: number): Float64Array;
}

export interface GlmnetCv {
  lambda: Float64Array;
  cvm: Float64Array;
  cvsd: Float64Array;
  lambdaMin: number;
  lambda1se: number;
  indexMin: number;
  index1se: number;
  folds: number;
  foldid: Int32Array;
  fit: GlmnetFit;
}

/** @internal standardised design shared by the glmnet-style solvers. */
export interface Prepared {
  n: number;
  p: number;
  xs: Float64Array; // column-major standardised
  means: Float64Array;
  sds: Float64Array;
  y: Uint8Array;
  names: string[];
  /** Null deviance / n of the model being fitted (set by the estimator; scales the convergence threshold). */
  scale: number;
}

function prepare(fn: string, x: Matrix, yIn: NumArray, standardize: boolean): Prepared {
  return prepareX(fn, x, binaryOutcome(fn, yIn, x.rows), standardize);
}

function binaryOutcome(fn: string, yIn: NumArray, n: number): Uint8Array {
  if (yIn.length !== n)
    throw new StatsInputError(`${fn}: the outcome has ${yIn.length} values but the design matrix has ${n} rows`);
  const y = new Uint8Array(n);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (yIn[i] !== 0 && yIn[i] !== 1) throw new StatsInputError(`${fn}: outcome row ${i} = ${yIn[i]} is not 0 or 1`);
    y[i] = yIn[i];
    pos += y[i];
  }
  if (pos === 0 || pos === n)
    throw new StatsInputError(`${fn}: the outcome has only one class (${pos} events out of ${n})`);
  return y;
}

/** @internal standardise columns (1/n variance); `y` is carried along. */
export function prepareX(fn: string, x: Matrix, y: Uint8Array, standardize: boolean): Prepared {
  assertFinite(fn, x);
  const n = x.rows;
  const p = x.cols;
  const means = new Float64Array(p);
  const sds = new Float64Array(p);
  const xs = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x.data[i * p + j];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x.data[i * p + j] - m) ** 2;
    const sd = Math.sqrt(v / n);
    means[j] = m;
    sds[j] = standardize ? sd : 1;
    const col = j * n;
    for (let i = 0; i < n; i++) xs[col + i] = sd > 0 ? (x.data[i * p + j] - m) / sds[j] : 0;
    if (!(sd > 0)) sds[j] = 0; // constant column: excluded
  }
  return { n, p, xs, means, sds, y, names: x.names ?? Array.from({ length: p }, (_, j) => `x${j + 1}`), scale: 1 };
}

function binomialDeviance(y: Uint8Array, eta: Float64Array): number {
  let d = 0;
  for (let i = 0; i < y.length; i++) {
    const e = eta[i];
    // −2[y·η − log(1 + e^η)], stable
    const l1p = e > 0 ? e + Math.log1p(Math.exp(-e)) : Math.log1p(Math.exp(e));
    d += 2 * (l1p - y[i] * e);
  }
  return d;
}

export function softThreshold(z: number, g: number): number {
  return z > g ? z - g : z < -g ? z + g : 0;
}

/**
 * Working weights and gradient of the smooth loss at η: fills w (diagonal Hessian/n) and r (−gradient/n,
 * i.e. w·(z − η) for working response z).
 */
export type Work = (eta: Float64Array, w: Float64Array, r: Float64Array) => void;

function logisticWork(y: Uint8Array): Work {
  const n = y.length;
  return (eta, w, r) => {
    for (let i = 0; i < n; i++) {
      const mu = Math.min(Math.max(expit(eta[i]), 1e-15), 1 - 1e-15);
      w[i] = Math.max(mu * (1 - mu), 1e-15) / n;
      r[i] = (y[i] - mu) / n;
    }
  };
}

/**
 * Solve one lambda on standardised data by warm-started proximal Newton (quadratic approximation from `work`) and
 * cyclic coordinate descent with active-set cycling. `b0` null = no intercept (Cox).
 */
export function solveLambda(
  d: Prepared,
  lambda: number,
  alpha: number,
  b: Float64Array,
  b0: { v: number } | null,
  thresh: number,
  maxIter: number,
  work: Work,
  screen: { lambdaPrev: number; gradPrev: Float64Array } | null = null,
): { cycles: number; grad: Float64Array } {
  const { n, p, xs } = d;
  const eta = new Float64Array(n);
  const w = new Float64Array(n);
  const r = new Float64Array(n);
  const xwx = new Float64Array(p);
  const l1 = lambda * alpha;
  const l2 = lambda * (1 - alpha);
  const active = new Uint8Array(p);
  // glmnet's rule: converged when max_j (Σ wᵢx̃ᵢⱼ²)·Δβ_j² < thresh · (null deviance / n); the same rule on the
  // Newton (outer) step. `d.scale` holds null deviance / n.
  const innerTol = thresh * d.scale;
  let total = 0;
  /** η = β₀ + X̃β (over the non-zero coefficients), then the weights and working residuals at η. */
  const refreshWorkingResponse = () => {
    eta.fill(b0 ? b0.v : 0);
    for (let j = 0; j < p; j++) {
      const bj = b[j];
      if (bj === 0) continue;
      const col = j * n;
      for (let i = 0; i < n; i++) eta[i] += xs[col + i] * bj;
    }
    work(eta, w, r);
  };
  // sequential strong rule (Tibshirani et al. 2012): only columns with |∇_j(λ_prev)| ≥ α(2λ − λ_prev) or already
  // non-zero are cycled; a KKT check over all columns at the end adds any violators and re-solves.
  const strong = new Uint8Array(p);
  for (let j = 0; j < p; j++) {
    strong[j] =
      !screen || b[j] !== 0 || Math.abs(screen.gradPrev[j]) >= alpha * (2 * lambda - screen.lambdaPrev) ? 1 : 0;
  }
  const grad = new Float64Array(p);
  for (let round = 0; round < 100; round++) {
    for (let outer = 0; outer < 1000; outer++) {
      refreshWorkingResponse();
      let sw = 0;
      for (let i = 0; i < n; i++) sw += w[i];
      // Σ wᵢx̃ᵢⱼ² is computed lazily: only for columns that are (or become) non-zero
      xwx.fill(NaN);
      const xwxOf = (j: number): number => {
        let v = xwx[j];
        if (Number.isNaN(v)) {
          const col = j * n;
          v = 0;
          for (let i = 0; i < n; i++) v += w[i] * xs[col + i] * xs[col + i];
          xwx[j] = v;
        }
        return v;
      };
      const bOld = Float64Array.from(b);
      const b0Old = b0 ? b0.v : 0;
      const cycle = (onlyActive: boolean): number => {
        let maxDelta = 0;
        for (let j = 0; j < p; j++) {
          if (d.sds[j] === 0 || !strong[j] || (onlyActive && !active[j])) continue;
          const col = j * n;
          let g = 0;
          for (let i = 0; i < n; i++) g += xs[col + i] * r[i];
          const bj = b[j];
          if (bj === 0 && Math.abs(g) <= l1) continue; // stays at zero
          const xv = xwxOf(j);
          const nb = softThreshold(g + xv * bj, l1) / (xv + l2);
          if (nb !== bj) {
            const delta = nb - bj;
            for (let i = 0; i < n; i++) r[i] -= w[i] * xs[col + i] * delta;
            b[j] = nb;
            maxDelta = Math.max(maxDelta, xv * delta * delta);
            if (nb !== 0) active[j] = 1;
          }
        }
        if (b0) {
          let s = 0;
          for (let i = 0; i < n; i++) s += r[i];
          const d0 = s / sw;
          if (d0 !== 0) {
            for (let i = 0; i < n; i++) r[i] -= w[i] * d0;
            b0.v += d0;
            maxDelta = Math.max(maxDelta, sw * d0 * d0);
          }
        }
        return maxDelta;
      };
      for (let inner = 0; inner < maxIter; inner++) {
        total++;
        const full = cycle(false);
        if (full < innerTol) break;
        for (let k = 0; k < maxIter; k++) {
          total++;
          if (cycle(true) < innerTol) break;
        }
      }
      let change = b0 ? sw * (b0.v - b0Old) ** 2 : 0;
      for (let j = 0; j < p; j++) if (b[j] !== bOld[j]) change = Math.max(change, xwxOf(j) * (b[j] - bOld[j]) ** 2);
      if (change < innerTol || outer === 999) break;
    }
    // KKT check over every column at the solution
    refreshWorkingResponse();
    let violated = false;
    for (let j = 0; j < p; j++) {
      if (d.sds[j] === 0) continue;
      const col = j * n;
      let g = 0;
      for (let i = 0; i < n; i++) g += xs[col + i] * r[i];
      grad[j] = g;
      if (!strong[j] && Math.abs(g) > l1 * (1 + 1e-9) + 1e-15) {
        strong[j] = 1;
        violated = true;
      }
    }
    if (!violated) break;
  }
  return { cycles: total, grad };
}

/** Elastic-net logistic estimator with glmnet's conventions. */
export class GlmnetLogistic {
  readonly settings: Required<GlmnetSettings>;
  constructor(settings: GlmnetSettings = {}) {
    this.settings = {
      alpha: 1,
      nlambda: 100,
      lambdaMinRatio: NaN,
      standardize: true,
      thresh: 1e-7,
      maxIter: 10000,
      ...settings,
    };
    if (!(this.settings.alpha >= 0 && this.settings.alpha <= 1))
      throw new StatsInputError(`GlmnetLogistic: alpha must be in [0, 1], got ${this.settings.alpha}`);
  }

  /** λ_max and the default path for this data. */
  lambdaPath(x: Matrix, y: NumArray): Float64Array {
    return this.path(prepare('GlmnetLogistic.lambdaPath', x, y, this.settings.standardize));
  }

  private path(d: Prepared): Float64Array {
    const { n, p, xs, y } = d;
    let ybar = 0;
    for (let i = 0; i < n; i++) ybar += y[i];
    ybar /= n;
    let m = 0;
    for (let j = 0; j < p; j++) {
      if (d.sds[j] === 0) continue;
      let g = 0;
      for (let i = 0; i < n; i++) g += xs[j * n + i] * (y[i] - ybar);
      m = Math.max(m, Math.abs(g));
    }
    const lmax = m / (n * Math.max(this.settings.alpha, 1e-3));
    const ratio = Number.isNaN(this.settings.lambdaMinRatio) ? (n >= p ? 1e-4 : 1e-2) : this.settings.lambdaMinRatio;
    const k = this.settings.nlambda;
    const out = new Float64Array(k);
    // glmnet's recursion: λ_k = λ_{k−1}·ratio^(1/(k_max − 1))
    const step = Math.exp(Math.log(ratio) / (k - 1));
    out[0] = lmax;
    for (let i = 1; i < k; i++) out[i] = out[i - 1] * step;
    return out;
  }

  /** Fit the path (default or `options.lambda`, which must be decreasing for warm starts to help). */
  fit(x: Matrix, yIn: NumArray, options: { lambda?: NumArray } = {}): GlmnetFit {
    const d = prepare('GlmnetLogistic.fit', x, yIn, this.settings.standardize);
    return this.fitPrepared(d, options.lambda ? Float64Array.from(options.lambda) : null);
  }

  private fitPrepared(d: Prepared, userLambda: Float64Array | null): GlmnetFit {
    const { n, p, y } = d;
    const { alpha, thresh, maxIter } = this.settings;
    const lambdas = userLambda ?? this.path(d);
    let ybar = 0;
    for (let i = 0; i < n; i++) ybar += y[i];
    ybar /= n;
    const nullEta = new Float64Array(n).fill(Math.log(ybar / (1 - ybar)));
    const nullDev = binomialDeviance(y, nullEta);
    d.scale = nullDev / n;
    const b = new Float64Array(p);
    const b0 = { v: Math.log(ybar / (1 - ybar)) };
    const a0s: number[] = [];
    const betas: Float64Array[] = [];
    const devRatio: number[] = [];
    const dfs: number[] = [];
    const eta = new Float64Array(n);
    const work = logisticWork(y);
    let screen: { lambdaPrev: number; gradPrev: Float64Array } | null = null;
    for (let k = 0; k < lambdas.length; k++) {
      const res = solveLambda(d, lambdas[k], alpha, b, b0, thresh, maxIter, work, screen);
      screen = { lambdaPrev: lambdas[k], gradPrev: res.grad };
      for (let i = 0; i < n; i++) {
        let e = b0.v;
        for (let j = 0; j < p; j++) if (b[j] !== 0) e += d.xs[j * n + i] * b[j];
        eta[i] = e;
      }
      const dr = 1 - binomialDeviance(y, eta) / nullDev;
      const beta = new Float64Array(p);
      let a0 = b0.v;
      let nz = 0;
      for (let j = 0; j < p; j++) {
        if (d.sds[j] === 0) continue;
        beta[j] = b[j] / d.sds[j];
        a0 -= beta[j] * d.means[j];
        if (b[j] !== 0) nz++;
      }
      a0s.push(a0);
      betas.push(beta);
      devRatio.push(dr);
      dfs.push(nz);
      if (!userLambda && k > 0) {
        if (k + 1 >= 5 && (dr - devRatio[k - 1] < 1e-5 || dr > 0.999)) break;
      }
    }
    const lam = lambdas.slice(0, betas.length);
    const names = d.names;
    return {
      names,
      alpha,
      lambda: lam,
      a0: Float64Array.from(a0s),
      beta: betas,
      devRatio: Float64Array.from(devRatio),
      df: Int32Array.from(dfs),
      coefficientsAt: (k) => [
        { name: '(Intercept)', estimate: a0s[k] },
        ...names.map((name, j) => ({ name, estimate: betas[k][j] })),
      ],
      predict: (xn, k) => {
        if (xn.cols !== p) throw new StatsInputError(`GlmnetFit.predict: expected ${p} columns but got ${xn.cols}`);
        const out = new Float64Array(xn.rows);
        for (let i = 0; i < xn.rows; i++) {
          let e = a0s[k];
          for (let j = 0; j < p; j++) e += betas[k][j] * xn.data[i * p + j];
          out[i] = expit(e);
        }
        return out;
      },
    };
  }

  /** k-fold cross-validation of the path (cv.glmnet, deviance). */
  crossValidate(
    x: Matrix,
    yIn: NumArray,
    options: { folds?: number; foldid?: NumArray; seed?: number; lambda?: NumArray } = {},
  ): GlmnetCv {
    const fn = 'GlmnetLogistic.crossValidate';
    const full = prepare(fn, x, yIn, this.settings.standardize);
    const n = full.n;
    let foldid: Int32Array;
    if (options.foldid) {
      if (options.foldid.length !== n)
        throw new StatsInputError(`${fn}: foldid has ${options.foldid.length} values but there are ${n} rows`);
      foldid = Int32Array.from(options.foldid);
    } else {
      const k = options.folds ?? 10;
      if (!(k >= 3 && k <= n)) throw new StatsInputError(`${fn}: folds must be between 3 and n = ${n}, got ${k}`);
      foldid = new Int32Array(n);
      for (let i = 0; i < n; i++) foldid[i] = (i % k) + 1;
      new Rng(options.seed ?? 1).shuffle(foldid);
    }
    const folds = Array.from(new Set(Array.from(foldid))).sort((a, b) => a - b);
    const fit = this.fitPrepared(full, options.lambda ? Float64Array.from(options.lambda) : null);
    const lambda = fit.lambda;
    const L = lambda.length;
    const foldMeans: Float64Array[] = [];
    const foldN: number[] = [];
    for (const f of folds) {
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < n; i++) (foldid[i] === f ? te : tr).push(i);
      const sub = (idx: number[]): Matrix => {
        const data = new Float64Array(idx.length * x.cols);
        idx.forEach((r, k) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), k * x.cols));
        return { rows: idx.length, cols: x.cols, data, names: x.names };
      };
      const ftr = this.fitPrepared(
        prepare(
          fn,
          sub(tr),
          tr.map((i) => full.y[i]),
          this.settings.standardize,
        ),
        lambda,
      );
      const xte = sub(te);
      const m = new Float64Array(L);
      for (let k = 0; k < L; k++) {
        const pr = ftr.predict(xte, k);
        let s = 0;
        te.forEach((i, q) => {
          const pp = Math.min(Math.max(pr[q], 1e-5), 1 - 1e-5);
          s += -2 * (full.y[i] * Math.log(pp) + (1 - full.y[i]) * Math.log(1 - pp));
        });
        m[k] = s / te.length;
      }
      foldMeans.push(m);
      foldN.push(te.length);
    }
    const K = folds.length;
    const { cvm, cvsd, indexMin, index1se } = summariseCvFolds(lambda, foldMeans, foldN);
    return {
      lambda,
      cvm,
      cvsd,
      lambdaMin: lambda[indexMin],
      lambda1se: lambda[index1se],
      indexMin,
      index1se,
      folds: K,
      foldid,
      fit,
    };
  }
}

/**
 * Aggregates per-fold cross-validation errors the way cv.glmnet does: the weighted mean over folds
 * (weights = fold sizes, or event counts for Cox) and its standard error
 * `sqrt(Σ w_f (e_f − m)² / W / (K − 1))`; `indexMin` is the largest lambda reaching the minimum mean error,
 * `index1se` the largest lambda whose mean error is within one standard error of that minimum.
 */
export function summariseCvFolds(
  lambda: ArrayLike<number>,
  foldErrors: ArrayLike<number>[],
  foldWeights: number[],
): { cvm: Float64Array; cvsd: Float64Array; indexMin: number; index1se: number } {
  const L = lambda.length;
  const K = foldErrors.length;
  const W = foldWeights.reduce((a, b) => a + b, 0);
  const cvm = new Float64Array(L);
  const cvsd = new Float64Array(L);
  for (let k = 0; k < L; k++) {
    let s = 0;
    for (let f = 0; f < K; f++) s += foldErrors[f][k] * foldWeights[f];
    const m = s / W;
    let v = 0;
    for (let f = 0; f < K; f++) v += (foldErrors[f][k] - m) ** 2 * foldWeights[f];
    cvm[k] = m;
    cvsd[k] = Math.sqrt(v / W / (K - 1));
  }
  let cmin = Infinity;
  for (let k = 0; k < L; k++) cmin = Math.min(cmin, cvm[k]);
  let indexMin = -1;
  for (let k = 0; k < L; k++) if (cvm[k] <= cmin && (indexMin < 0 || lambda[k] > lambda[indexMin])) indexMin = k;
  const semin = cvm[indexMin] + cvsd[indexMin];
  let index1se = -1;
  for (let k = 0; k < L; k++) if (cvm[k] <= semin && (index1se < 0 || lambda[k] > lambda[index1se])) index1se = k;
  return { cvm, cvsd, indexMin, index1se };
}
