import { crossValidateAuc, stratifiedFolds, takeRows } from './cv';
import { KNearestNeighbors } from './knn';
import { LogisticRegression } from './logistic';
import { fromColumns } from './matrix';
import { auc } from './roc';
import { expectAllClose, loadGolden, nums } from './spec-helpers';
import { plattScaling, SupportVectorClassifier } from './svm';
import { GradientBoostingClassifier, RandomForestClassifier } from './trees';

const g = loadGolden('estimators');
const x = fromColumns(g.X.map(nums), g.features);
const y = nums(g.y);
const trRows = Array.from({ length: g.nTrain }, (_, i) => i);
const teRows = Array.from({ length: x.rows - g.nTrain }, (_, i) => i + g.nTrain);
const xtr = takeRows(x, trRows);
const xte = takeRows(x, teRows);
const ytr = trRows.map((i) => y[i]);
const yte = teRows.map((i) => y[i]);

describe('classifiers vs scikit-learn', () => {
  it.each([1, 5, 15])('kNN k = %i predict_proba (exact)', (k) => {
    const p = new KNearestNeighbors({ k }).fit(xtr, ytr).predict(xte);
    expectAllClose(p, nums(g.knn[String(k)]), 1e-15, 0, 'proba');
  });
  // Training-set decision values must match exactly (same partitions, Newton leaf values); on new data, nodes where
  // two features induce the same partition may route a test point differently (sklearn breaks such ties in a random
  // feature order), so test-set scores are compared through their AUC.
  it.each([
    ['gbt', 50, 0.1, 3],
    ['gbt2', 30, 0.3, 2],
  ])('gradient boosting %s: training decision function (1e-9) and test AUC (±0.02)', (key, nEstimators, learningRate, maxDepth) => {
    const e = g[key as string];
    const m = new GradientBoostingClassifier({ nEstimators: nEstimators as number, learningRate: learningRate as number, maxDepth: maxDepth as number }).fit(xtr, ytr);
    if (e.init !== undefined) expectAllClose([m.init], [e.init], 1e-12, 0, 'init');
    expectAllClose(m.decisionFunction(xtr), nums(e.train), 1e-9, 1e-12, 'train decision');
    expect(Math.abs(auc(yte, m.decisionFunction(xte)) - auc(yte, nums(e.decision)))).toBeLessThan(0.02);
  });
  it('random forest: seeded and reproducible; hold-out AUC within 0.05 of sklearn (mean of 5 seeds)', () => {
    const a = new RandomForestClassifier({ nEstimators: 300, seed: 3 }).fit(xtr, ytr);
    const b = new RandomForestClassifier({ nEstimators: 300, seed: 3 }).fit(xtr, ytr);
    const pa = a.predict(xte);
    expect(Array.from(pa)).toEqual(Array.from(b.predict(xte)));
    expect(Math.abs(auc(yte, pa) - g.rf.meanAuc)).toBeLessThan(0.05);
    expect(a.importances.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });
});

describe('SVM vs scikit-learn SVC (libsvm)', () => {
  for (const [key, e] of Object.entries(g.svm) as [string, { kernel: 'linear' | 'rbf'; C: number; gamma: number | null; decision: number[]; nSupport: number; gammaUsed: number; platt: { decision: number[]; a: number; b: number } }][]) {
    it(`${key}: decision function (1e-6 absolute on values of order 1: both solvers stop at KKT tolerance 1e-10) and support size`, () => {
      const m = new SupportVectorClassifier({ kernel: e.kernel, C: e.C, gamma: e.gamma ?? undefined, tol: 1e-10 }).fitDecision(xtr, ytr);
      expectAllClose([m.gamma], [e.gammaUsed], 1e-12, 0, 'gamma');
      expectAllClose(m.decisionFunction(xte), nums(e.decision), 1e-6, 1e-6, 'decision');
      expect(m.supportIndices.length).toBe(e.nSupport);
    });
    it(`${key}: Platt sigmoid = sklearn _sigmoid_calibration (1e-5)`, () => {
      const ab = plattScaling(nums(e.platt.decision), ytr);
      expectAllClose([ab.a, ab.b], [e.platt.a, e.platt.b], 1e-5, 1e-7, 'A, B');
    });
  }
  it('fit() calibrates probabilities on internal CV, reproducibly', () => {
    const a = new SupportVectorClassifier({ kernel: 'rbf', C: 1, seed: 2 }).fit(xtr, ytr).predict(xte);
    const b = new SupportVectorClassifier({ kernel: 'rbf', C: 1, seed: 2 }).fit(xtr, ytr).predict(xte);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every((v) => v > 0 && v < 1)).toBe(true);
  });
});

describe('resampling', () => {
  it('stratified folds keep class proportions and are seeded', () => {
    const f = stratifiedFolds(y, 5, 9);
    expect(Array.from(f)).toEqual(Array.from(stratifiedFolds(y, 5, 9)));
    const pos = y.reduce((s, v) => s + v, 0);
    for (let k = 1; k <= 5; k++) {
      const inFold = y.filter((_, i) => f[i] === k);
      const p = inFold.reduce((s, v) => s + v, 0);
      expect(Math.abs(p - pos / 5)).toBeLessThanOrEqual(1);
      expect(Math.abs(inFold.length - y.length / 5)).toBeLessThanOrEqual(1);
    }
  });
  it('repeated stratified CV of logistic regression gives per-fold AUCs and out-of-fold predictions', () => {
    const r = crossValidateAuc(() => new LogisticRegression(), x, y, { folds: 5, repeats: 3, seed: 4 });
    expect(r.foldAuc).toHaveLength(15);
    expect(r.meanAuc).toBeGreaterThan(0.6);
    expect(r.oof).toHaveLength(x.rows);
    expect(r.pooledAuc).toHaveLength(3);
  });
});
