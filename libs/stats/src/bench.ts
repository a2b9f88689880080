/**
 * Speed figures for @hepatoscope/stats (`npm run bench -w @hepatoscope/stats`). Prints timings; asserts nothing.
 * The same work in R: `Rscript tools/goldens/stats/bench.R` (sizes and data-generating models match).
 */
import { performance } from 'node:perf_hooks';
import { GlmnetLogistic } from './glmnet';
import { GlmnetCox } from './glmnet-cox';
import { RandomForestClassifier } from './trees';
import { LogisticRegression } from './logistic';
import { Matrix } from './matrix';
import { Rng } from './rng';
import { aucCiDelong, roc, rocTestPaired } from './roc';
import { harrellC } from './survival/concordance';
import { CoxPH } from './survival/cox';
import { kaplanMeier } from './survival/km';

function time<T>(label: string, f: () => T, reps = 3): T {
  let out!: T;
  const ts: number[] = [];
  if (reps > 1) f(); // JIT warm-up, untimed
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} median ${ts[Math.floor(reps / 2)].toFixed(1).padStart(9)} ms  (min ${ts[0].toFixed(1)}, ${reps} runs)`);
  return out;
}

const rng = new Rng(2024);
function randn(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

// 1. AUC + DeLong on 100,000 scores
{
  const n = 100_000;
  const y = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < 0.3 ? 1 : 0;
    s[i] = rng.normal() + 0.8 * y[i];
  }
  const s2 = Float64Array.from(s, (v) => v + 0.5 * rng.normal());
  time('AUC + DeLong CI, n = 100,000', () => aucCiDelong(y, s));
  time('ROC curve (all thresholds), n = 100,000', () => roc(y, s));
  time('paired DeLong test, n = 100,000', () => rocTestPaired(y, s, s2));
}

// 2. Cox PH (Efron) on 10,000 × 20
{
  const n = 10_000;
  const p = 20;
  const x: Matrix = { rows: n, cols: p, data: randn(n * p), names: Array.from({ length: p }, (_, j) => `x${j + 1}`) };
  const t = new Float64Array(n);
  const e = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let j = 0; j < 5; j++) lp += 0.3 * x.data[i * p + j];
    const tt = -Math.log(rng.next()) / (0.1 * Math.exp(lp));
    const c = -Math.log(rng.next()) / 0.05;
    t[i] = Math.ceil(Math.min(tt, c)); // integer times: many ties
    e[i] = tt <= c ? 1 : 0;
  }
  const fit = time('Cox PH Efron, 10,000 × 20 (integer times, ties)', () => new CoxPH({ ties: 'efron' }).fit(x, t, e));
  time('Cox PH Breslow, 10,000 × 20', () => new CoxPH({ ties: 'breslow' }).fit(x, t, e));
  time("Harrell's C, n = 10,000", () => harrellC(t, e, fit.linearPredictor(x)));
  time('Kaplan–Meier, n = 10,000', () => kaplanMeier(t, e));
}

// 3. Logistic IRLS 10,000 × 20
{
  const n = 10_000;
  const p = 20;
  const x: Matrix = { rows: n, cols: p, data: randn(n * p) };
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.next() < 1 / (1 + Math.exp(-(x.data[i * p] - 0.5 * x.data[i * p + 1]))) ? 1 : 0;
  time('logistic regression IRLS, 10,000 × 20', () => new LogisticRegression().fit(x, y));
}

// 4. LASSO-CV path on 500 × 1,000 (radiomics-sized)
{
  const n = 500;
  const p = 1000;
  const x: Matrix = { rows: n, cols: p, data: randn(n * p) };
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let lp = 0;
    for (let j = 0; j < 10; j++) lp += 0.5 * x.data[i * p + j];
    y[i] = rng.next() < 1 / (1 + Math.exp(-lp)) ? 1 : 0;
  }
  const net = new GlmnetLogistic({ alpha: 1 });
  // glmnet's default thresh (1e-7) on both sides
  time('LASSO logistic path (default, 100 λ max), 500 × 1,000', () => net.fit(x, y), 1);
  time('LASSO logistic 10-fold CV, 500 × 1,000', () => net.crossValidate(x, y, { folds: 10, seed: 1 }), 1);
}

// 5. Random forest on 1,000 × 200
{
  const n = 1000;
  const p = 200;
  const x: Matrix = { rows: n, cols: p, data: randn(n * p) };
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.next() < 1 / (1 + Math.exp(-(x.data[i * p] + x.data[i * p + 1] - x.data[i * p + 2]))) ? 1 : 0;
  time('random forest, 100 trees, 1,000 × 200 (mtry = 14)', () => new RandomForestClassifier({ nEstimators: 100, seed: 1 }).fit(x, y), 1);
}

// 6. Penalised Cox path on 1,000 × 100
{
  const n = 1000;
  const p = 100;
  const x: Matrix = { rows: n, cols: p, data: randn(n * p) };
  const t = new Float64Array(n);
  const e = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const lp = 0.5 * (x.data[i * p] - x.data[i * p + 1]);
    const tt = -Math.log(rng.next()) / Math.exp(lp);
    const c = -Math.log(rng.next()) / 0.5;
    t[i] = Math.min(tt, c);
    e[i] = tt <= c ? 1 : 0;
  }
  time('LASSO Cox path (default), 1,000 × 100', () => new GlmnetCox({ alpha: 1 }).fit(x, t, e), 1);
}
