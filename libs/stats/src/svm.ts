/**
 * Support-vector classification (C-SVC) with linear or RBF kernels, solved by SMO with libsvm's second-order
 * working-set selection (Fan, Chen & Lin 2005) and libsvm's bias rule (mean of y·∇ over free support vectors), so the
 * decision function equals scikit-learn SVC / libsvm at the same tolerance. Positive decision = label 1.
 *
 * Probabilities: Platt scaling p = 1/(1 + exp(A·f + B)) fitted by Newton's method with backtracking (Lin, Lin &
 * Weng 2007, libsvm `sigmoid_train`) on decision values with Platt's smoothed targets (N₊ + 1)/(N₊ + 2) and
 * 1/(N₋ + 2); `plattScaling` equals scikit-learn's `_sigmoid_calibration`. By default `fit` calibrates on the
 * decision values of an internal stratified k-fold CV (seeded), as libsvm/sklearn do with `probability = True`
 * (their folds come from another generator, so probabilities agree in distribution, not digit for digit).
 */
import { stratifiedFolds, takeRows } from './cv';
import { assertFinite, Matrix } from './matrix';
import { NumArray, StatsInputError } from './util';

export interface SvmSettings {
  kernel?: 'linear' | 'rbf';
  C?: number;
  /** RBF γ; default 1/(p·Var(X)) as scikit-learn's gamma = "scale". */
  gamma?: number;
  /** KKT tolerance (libsvm eps); default 1e-3 as sklearn. */
  tol?: number;
  maxIter?: number;
  /** Folds of the internal CV used to fit Platt's sigmoid (0 = fit it on the training decision values). */
  plattFolds?: number;
  seed?: number;
}

export interface FittedSvm {
  supportIndices: number[];
  dualCoef: Float64Array;
  rho: number;
  gamma: number;
  platt: { a: number; b: number };
  decisionFunction(x: Matrix): Float64Array;
  predict(x: Matrix): Float64Array;
}

/** Platt's sigmoid fit; returns A, B of p = 1/(1 + exp(A·f + B)). */
export function plattScaling(decision: NumArray, labels: NumArray): { a: number; b: number } {
  const n = decision.length;
  if (labels.length !== n) throw new StatsInputError(`plattScaling: decision has ${n} values but labels has ${labels.length}`);
  let prior1 = 0;
  for (let i = 0; i < n; i++) prior1 += labels[i] === 1 ? 1 : 0;
  const prior0 = n - prior1;
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = Float64Array.from({ length: n }, (_, i) => (labels[i] === 1 ? hi : lo));
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  const fval = (a: number, b: number) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const fApB = decision[i] * a + b;
      f += fApB >= 0 ? t[i] * fApB + Math.log1p(Math.exp(-fApB)) : (t[i] - 1) * fApB + Math.log1p(Math.exp(fApB));
    }
    return f;
  };
  let fv = fval(A, B);
  for (let it = 0; it < 200; it++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const fApB = decision[i] * A + B;
      let p: number;
      let q: number;
      if (fApB >= 0) {
        p = Math.exp(-fApB) / (1 + Math.exp(-fApB));
        q = 1 / (1 + Math.exp(-fApB));
      } else {
        p = 1 / (1 + Math.exp(fApB));
        q = Math.exp(fApB) / (1 + Math.exp(fApB));
      }
      const d2 = p * q;
      h11 += decision[i] * decision[i] * d2;
      h22 += d2;
      h21 += decision[i] * d2;
      const d1 = t[i] - p;
      g1 += decision[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-12 && Math.abs(g2) < 1e-12) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    let moved = false;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = fval(nA, nB);
      if (nf < fv + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fv = nf;
        moved = true;
        break;
      }
      step /= 2;
    }
    if (!moved) break;
  }
  return { a: A, b: B };
}

export class SupportVectorClassifier {
  readonly settings: Required<SvmSettings>;
  constructor(settings: SvmSettings = {}) {
    const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    this.settings = { kernel: 'rbf', C: 1, gamma: NaN, tol: 1e-3, maxIter: 10_000_000, plattFolds: 5, seed: 1, ...given };
  }

  /** Decision function only (no Platt calibration). */
  fitDecision(x: Matrix, yIn: NumArray): Omit<FittedSvm, 'platt' | 'predict'> {
    const fn = 'SupportVectorClassifier.fit';
    assertFinite(fn, x);
    const n = x.rows;
    const p = x.cols;
    if (yIn.length !== n) throw new StatsInputError(`${fn}: y has ${yIn.length} values but x has ${n} rows`);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (yIn[i] !== 0 && yIn[i] !== 1) throw new StatsInputError(`${fn}: y[${i}] = ${yIn[i]} is not 0 or 1`);
      y[i] = yIn[i] === 1 ? 1 : -1;
    }
    if (y.every((v) => v === y[0])) throw new StatsInputError(`${fn}: the outcome has only one class`);
    const { C, tol, maxIter, kernel } = this.settings;
    let gamma = this.settings.gamma;
    if (Number.isNaN(gamma)) {
      let m = 0;
      for (let i = 0; i < n * p; i++) m += x.data[i];
      m /= n * p;
      let v = 0;
      for (let i = 0; i < n * p; i++) v += (x.data[i] - m) ** 2;
      v /= n * p;
      gamma = v > 0 ? 1 / (p * v) : 1;
    }
    const kfun = (a: Float64Array, ia: number, b: Float64Array, ib: number): number => {
      let s = 0;
      if (kernel === 'linear') {
        for (let j = 0; j < p; j++) s += a[ia * p + j] * b[ib * p + j];
        return s;
      }
      for (let j = 0; j < p; j++) s += (a[ia * p + j] - b[ib * p + j]) ** 2;
      return Math.exp(-gamma * s);
    };
    const X = x.data as Float64Array;
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) K[i * n + j] = K[j * n + i] = kfun(X, i, X, j);
    const alpha = new Float64Array(n);
    const G = new Float64Array(n).fill(-1);
    const Q = (i: number, j: number) => y[i] * y[j] * K[i * n + j];
    for (let iter = 0; iter < maxIter; iter++) {
      // working set selection 3 (libsvm)
      let Gmax = -Infinity;
      let i = -1;
      for (let t = 0; t < n; t++) {
        const up = y[t] === 1 ? alpha[t] < C : alpha[t] > 0;
        if (up && -y[t] * G[t] >= Gmax) {
          Gmax = -y[t] * G[t];
          i = t;
        }
      }
      let Gmin = Infinity;
      let j = -1;
      let objMin = Infinity;
      for (let t = 0; t < n; t++) {
        const low = y[t] === 1 ? alpha[t] > 0 : alpha[t] < C;
        if (!low) continue;
        const v = -y[t] * G[t];
        if (v <= Gmin) Gmin = v;
        if (i >= 0) {
          const b = Gmax - v;
          if (b > 0) {
            let a = K[i * n + i] + K[t * n + t] - 2 * K[i * n + t];
            if (a <= 0) a = 1e-12;
            const obj = -(b * b) / a;
            if (obj <= objMin) {
              objMin = obj;
              j = t;
            }
          }
        }
      }
      if (Gmax - Gmin < tol || j < 0 || i < 0) break;
      const oldAi = alpha[i];
      const oldAj = alpha[j];
      if (y[i] !== y[j]) {
        let quad = Q(i, i) + Q(j, j) + 2 * Q(i, j);
        if (quad <= 0) quad = 1e-12;
        const delta = (-G[i] - G[j]) / quad;
        const diff = alpha[i] - alpha[j];
        alpha[i] += delta;
        alpha[j] += delta;
        if (diff > 0) {
          if (alpha[j] < 0) {
            alpha[j] = 0;
            alpha[i] = diff;
          }
        } else if (alpha[i] < 0) {
          alpha[i] = 0;
          alpha[j] = -diff;
        }
        if (diff > 0) {
          if (alpha[i] > C) {
            alpha[i] = C;
            alpha[j] = C - diff;
          }
        } else if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = C + diff;
        }
      } else {
        let quad = Q(i, i) + Q(j, j) - 2 * Q(i, j);
        if (quad <= 0) quad = 1e-12;
        const delta = (G[i] - G[j]) / quad;
        const sum = alpha[i] + alpha[j];
        alpha[i] -= delta;
        alpha[j] += delta;
        if (sum > C) {
          if (alpha[i] > C) {
            alpha[i] = C;
            alpha[j] = sum - C;
          }
        } else if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = sum;
        }
        if (sum > C) {
          if (alpha[j] > C) {
            alpha[j] = C;
            alpha[i] = sum - C;
          }
        } else if (alpha[i] < 0) {
          alpha[i] = 0;
          alpha[j] = sum;
        }
      }
      const dAi = alpha[i] - oldAi;
      const dAj = alpha[j] - oldAj;
      for (let t = 0; t < n; t++) G[t] += Q(t, i) * dAi + Q(t, j) * dAj;
    }
    // rho (libsvm calculate_rho)
    let ub = Infinity;
    let lb = -Infinity;
    let sumFree = 0;
    let nFree = 0;
    for (let t = 0; t < n; t++) {
      const yG = y[t] * G[t];
      if (alpha[t] >= C) {
        if (y[t] === -1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else if (alpha[t] <= 0) {
        if (y[t] === 1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else {
        nFree++;
        sumFree += yG;
      }
    }
    const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
    const sv: number[] = [];
    for (let t = 0; t < n; t++) if (alpha[t] > 0) sv.push(t);
    const coef = Float64Array.from(sv, (t) => alpha[t] * y[t]);
    const svX = new Float64Array(sv.length * p);
    sv.forEach((t, q) => svX.set(X.subarray(t * p, (t + 1) * p), q * p));
    return {
      supportIndices: sv,
      dualCoef: coef,
      rho,
      gamma,
      decisionFunction(xn: Matrix): Float64Array {
        if (xn.cols !== p) throw new StatsInputError(`SupportVectorClassifier: expected ${p} columns but got ${xn.cols}`);
        const out = new Float64Array(xn.rows);
        const xd = xn.data as Float64Array;
        for (let r = 0; r < xn.rows; r++) {
          let s = -rho;
          for (let q = 0; q < sv.length; q++) s += coef[q] * kfun(svX, q, xd, r);
          out[r] = s;
        }
        return out;
      },
    };
  }

  /** Fit the SVM and Platt's sigmoid (on internal-CV decision values unless plattFolds = 0). */
  fit(x: Matrix, y: NumArray): FittedSvm {
    const core = this.fitDecision(x, y);
    const k = this.settings.plattFolds;
    let dec: Float64Array;
    if (k > 1) {
      const folds = stratifiedFolds(y, k, this.settings.seed);
      dec = new Float64Array(x.rows);
      for (let f = 1; f <= k; f++) {
        const tr: number[] = [];
        const te: number[] = [];
        for (let i = 0; i < x.rows; i++) (folds[i] === f ? te : tr).push(i);
        const sub = new SupportVectorClassifier({ ...this.settings, gamma: core.gamma, plattFolds: 0 }).fitDecision(takeRows(x, tr), tr.map((i) => y[i]));
        const d = sub.decisionFunction(takeRows(x, te));
        te.forEach((i, q) => (dec[i] = d[q]));
      }
    } else dec = core.decisionFunction(x);
    const platt = plattScaling(dec, y);
    return {
      ...core,
      platt,
      predict: (xn) => core.decisionFunction(xn).map((f) => 1 / (1 + Math.exp(platt.a * f + platt.b))),
    };
  }
}
