/**
 * ComBat harmonisation of multi-centre features (Johnson, Li & Rabinovic 2007; Fortin et al. 2017 for radiomics),
 * parametric empirical Bayes, equal to R sva::ComBat(dat, batch, mod, par.prior = TRUE) (sva 3.46).
 *
 * Input: samples × features matrix `x`, one batch label per sample, optional covariates to preserve (samples ×
 * q, without intercept). Steps (sva's): OLS of each feature on [batch indicators, covariates]; grand mean = batch
 * effects weighted by batch size; pooled variance with denominator n; standardise; per-batch location γ̂ and
 * scale δ̂ (sample variance); normal prior on γ (mean γ̄, variance τ²) and inverse-gamma prior on δ (method of
 * moments a, b); iterate posterior means until the relative change is < 1e-4 (sva's `it.sol`); adjust and
 * un-standardise. `meanOnly` (forced when a batch has one sample) adjusts locations only. Features that are constant
 * within a batch are returned unchanged (as sva).
 */
import { cholesky, cholSolve, SingularMatrixError } from './linalg';
import { assertFinite, Matrix } from './matrix';
import { StatsInputError } from './util';

export interface CombatOptions {
  covariates?: Matrix;
  meanOnly?: boolean;
}

function sampleVar(a: ArrayLike<number>): number {
  const n = a.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += a[i];
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i] - m) ** 2;
  return s / (n - 1);
}

export function combat(x: Matrix, batch: ArrayLike<string | number>, options: CombatOptions = {}): { data: Matrix; batches: (string | number)[]; gammaStar: number[][]; deltaStar: number[][] } {
  const fn = 'combat';
  assertFinite(fn, x);
  const n = x.rows;
  const G = x.cols;
  if (batch.length !== n) throw new StatsInputError(`${fn}: batch has ${batch.length} labels but x has ${n} rows`);
  const levels = Array.from(new Set(Array.from(batch))).sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const nb = levels.length;
  if (nb < 2) throw new StatsInputError(`${fn}: need at least 2 batches, got ${nb}`);
  const bIdx = Int32Array.from(Array.from(batch), (v) => levels.indexOf(v));
  const members: number[][] = levels.map(() => []);
  for (let i = 0; i < n; i++) members[bIdx[i]].push(i);
  const nPer = members.map((m) => m.length);
  const meanOnly = options.meanOnly || nPer.some((c) => c === 1);
  const cov = options.covariates;
  if (cov) {
    assertFinite(fn, cov);
    if (cov.rows !== n) throw new StatsInputError(`${fn}: covariates have ${cov.rows} rows but x has ${n}`);
  }
  const q = cov ? cov.cols : 0;
  const P = nb + q;
  // design and its normal equations
  const design = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    design[i * P + bIdx[i]] = 1;
    for (let c = 0; c < q; c++) design[i * P + nb + c] = cov!.data[i * q + c];
  }
  const xtx = new Float64Array(P * P);
  for (let i = 0; i < n; i++) for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) xtx[a * P + b] += design[i * P + a] * design[i * P + b];
  let L: Float64Array;
  try {
    L = cholesky(xtx, P, 1e-10);
  } catch (e) {
    if (e instanceof SingularMatrixError) throw new StatsInputError(`${fn}: ${e.index < nb ? 'batch' : `covariate ${cov?.names?.[e.index - nb] ?? e.index - nb}`} is confounded with batch or other covariates`);
    throw e;
  }
  // features constant within some batch (with ≥ 2 samples) are left unchanged
  const keep: number[] = [];
  for (let g = 0; g < G; g++) {
    let zero = false;
    for (const m of members) {
      if (m.length < 2) continue;
      const v0 = x.data[m[0] * G + g];
      if (m.every((i) => x.data[i * G + g] === v0)) zero = true;
    }
    if (!zero) keep.push(g);
  }
  const out = Float64Array.from(x.data);
  const gammaStar: number[][] = levels.map(() => new Array(G).fill(0));
  const deltaStar: number[][] = levels.map(() => new Array(G).fill(1));
  const K = keep.length;
  const sdata = new Float64Array(n * K); // samples × kept features, standardised
  const standMean = new Float64Array(n * K);
  const sdPooled = new Float64Array(K);
  keep.forEach((g, kk) => {
    const xty = new Float64Array(P);
    for (let i = 0; i < n; i++) for (let a = 0; a < P; a++) xty[a] += design[i * P + a] * x.data[i * G + g];
    const B = cholSolve(L, P, xty);
    let grand = 0;
    for (let b = 0; b < nb; b++) grand += (nPer[b] / n) * B[b];
    let vp = 0;
    for (let i = 0; i < n; i++) {
      let fit = 0;
      for (let a = 0; a < P; a++) fit += design[i * P + a] * B[a];
      vp += (x.data[i * G + g] - fit) ** 2 / n;
    }
    sdPooled[kk] = Math.sqrt(vp);
    for (let i = 0; i < n; i++) {
      let sm = grand;
      for (let c = 0; c < q; c++) sm += design[i * P + nb + c] * B[nb + c];
      standMean[i * K + kk] = sm;
      sdata[i * K + kk] = (x.data[i * G + g] - sm) / sdPooled[kk];
    }
  });
  for (let b = 0; b < nb; b++) {
    const m = members[b];
    const gHat = new Float64Array(K);
    const dHat = new Float64Array(K);
    for (let kk = 0; kk < K; kk++) {
      const vals = m.map((i) => sdata[i * K + kk]);
      gHat[kk] = vals.reduce((s, v) => s + v, 0) / vals.length;
      dHat[kk] = meanOnly ? 1 : sampleVar(vals);
    }
    const gBar = gHat.reduce((s, v) => s + v, 0) / K;
    const t2 = sampleVar(gHat);
    let gNew = new Float64Array(K);
    let dNew = new Float64Array(K).fill(1);
    if (meanOnly) {
      for (let kk = 0; kk < K; kk++) gNew[kk] = (t2 * 1 * gHat[kk] + 1 * gBar) / (t2 * 1 + 1);
    } else {
      const mD = dHat.reduce((s, v) => s + v, 0) / K;
      const s2 = sampleVar(dHat);
      const aPrior = (2 * s2 + mD * mD) / s2;
      const bPrior = (mD * s2 + mD * mD * mD) / s2;
      const nn = m.length;
      let gOld = Float64Array.from(gHat);
      let dOld = Float64Array.from(dHat);
      let change = 1;
      let count = 0;
      while (change > 1e-4 && count < 10000) {
        gNew = new Float64Array(K);
        dNew = new Float64Array(K);
        change = 0;
        for (let kk = 0; kk < K; kk++) {
          gNew[kk] = (t2 * nn * gHat[kk] + dOld[kk] * gBar) / (t2 * nn + dOld[kk]);
          let sum2 = 0;
          for (const i of m) sum2 += (sdata[i * K + kk] - gNew[kk]) ** 2;
          dNew[kk] = (0.5 * sum2 + bPrior) / (nn / 2 + aPrior - 1);
          change = Math.max(change, Math.abs(gNew[kk] - gOld[kk]) / gOld[kk], Math.abs(dNew[kk] - dOld[kk]) / dOld[kk]);
        }
        gOld = gNew;
        dOld = dNew;
        count++;
      }
    }
    keep.forEach((g, kk) => {
      gammaStar[b][g] = gNew[kk];
      deltaStar[b][g] = dNew[kk];
      for (const i of m) out[i * G + g] = ((sdata[i * K + kk] - gNew[kk]) / Math.sqrt(dNew[kk])) * sdPooled[kk] + standMean[i * K + kk];
    });
  }
  return { data: { rows: n, cols: G, data: out, names: x.names }, batches: levels, gammaStar, deltaStar };
}
