/**
 * CART trees, gradient boosting and random forests for binary outcomes.
 *
 * Splits (scikit-learn's best splitter): for every candidate feature the node's samples are sorted by value and each
 * boundary between distinct values (gap > 1e-7) is scored by the squared-error reduction n_l·n_r·(ȳ_r − ȳ_l)²
 * (scikit-learn's friedman_mse proxy; for a 0/1 target the Gini decrease orders splits identically). Threshold =
 * midpoint of the two values; samples with value ≤ threshold go left. Strictly better improvements win, so among
 * exact ties the first feature visited wins (features are visited in index order for boosting and in seeded random
 * order for forests).
 *
 * - `GradientBoostingClassifier` = scikit-learn GradientBoostingClassifier(loss = "log_loss", subsample = 1,
 *   criterion = "friedman_mse"): raw score starts at the prior log-odds; each stage fits a regression tree of depth
 *   `maxDepth` to the residuals y − p, then sets each leaf to the Newton step Σ(y − p)/Σ p(1 − p) and adds
 *   learningRate × leaf value. Deterministic.
 * - `RandomForestClassifier`: bootstrap samples and √p features tried per node (xoshiro128**, seeded), fully grown
 *   trees (minSamplesLeaf 1), probability = mean of the trees' leaf class-1 fractions. Follows scikit-learn's
 *   algorithm but not its random numbers: equal to sklearn in distribution, not bit for bit.
 */
import { expit } from './distributions';
import { assertFinite, Matrix } from './matrix';
import { Rng } from './rng';
import { NumArray, StatsInputError } from './util';

interface TreeNode {
  feature: number; // −1 = leaf
  threshold: number;
  left: number;
  right: number;
  value: number;
  samples: number[];
}

export interface Tree {
  nodes: TreeNode[];
}

interface GrowOptions {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: number;
  rng: Rng | null;
}

/** Argsort of every column (column-major x), computed once per fit and shared by all trees. */
function presort(xc: Float64Array, n: number, p: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  for (let j = 0; j < p; j++) {
    const col = j * n;
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) => xc[col + a] - xc[col + b]);
    out.push(idx);
  }
  return out;
}

/**
 * Grow a squared-error tree on target `t` over the given sample indices (duplicates allowed: bootstrap) of the
 * column-major x. Large nodes scan the presorted global order of each feature, small nodes sort their own samples.
 */
function growTree(xc: Float64Array, n: number, p: number, t: Float64Array, rootSamples: number[], o: GrowOptions, order: Uint32Array[]): Tree {
  const nodes: TreeNode[] = [];
  const count = new Int32Array(n);
  const build = (samples: number[], depth: number): number => {
    const id = nodes.length;
    let sum = 0;
    for (const i of samples) sum += t[i];
    const node: TreeNode = { feature: -1, threshold: 0, left: -1, right: -1, value: sum / samples.length, samples };
    nodes.push(node);
    const m = samples.length;
    let pure = true;
    for (const i of samples) if (t[i] !== t[samples[0]]) pure = false;
    if (depth >= o.maxDepth || m < o.minSamplesSplit || m < 2 * o.minSamplesLeaf || pure) return id;
    const features = Array.from({ length: p }, (_, j) => j);
    if (o.rng) o.rng.shuffle(features);
    let bestImp = 0;
    let bestF = -1;
    let bestThr = 0;
    let tried = 0;
    const useScan = m * Math.log2(m + 1) * 8 > n;
    if (useScan) for (const i of samples) count[i]++;
    const sorted = useScan ? [] : new Array<number>(m);
    for (const f of features) {
      if (tried >= o.maxFeatures) break;
      const col = f * n;
      // visit the node's samples in increasing value of feature f, calling step(i, multiplicity)
      let vmin = Infinity;
      let vmax = -Infinity;
      for (const i of samples) {
        const v = xc[col + i];
        if (v < vmin) vmin = v;
        if (v > vmax) vmax = v;
      }
      if (vmax <= vmin + 1e-7) continue; // constant here: not counted (as sklearn)
      tried++;
      let sl = 0;
      let nl = 0;
      let prev = NaN;
      const consider = (i: number, c: number) => {
        const v = xc[col + i];
        if (nl > 0 && v > prev + 1e-7 && nl >= o.minSamplesLeaf && m - nl >= o.minSamplesLeaf) {
          const nr = m - nl;
          const diff = (sum - sl) * nl - sl * nr;
          const imp = (diff * diff) / (nl * nr);
          if (imp > bestImp) {
            bestImp = imp;
            bestF = f;
            let thr = prev / 2 + v / 2;
            if (thr === v || !Number.isFinite(thr)) thr = prev;
            bestThr = thr;
          }
        }
        sl += c * t[i];
        nl += c;
        prev = v;
      };
      if (useScan) {
        const ord = order[f];
        for (let q = 0; q < n; q++) {
          const i = ord[q];
          const c = count[i];
          if (c > 0) consider(i, c);
        }
      } else {
        for (let q = 0; q < m; q++) sorted[q] = samples[q];
        sorted.sort((a, b) => xc[col + a] - xc[col + b]);
        for (let q = 0; q < m; q++) consider(sorted[q], 1);
      }
    }
    if (useScan) for (const i of samples) count[i] = 0;
    if (bestF < 0) return id;
    const col = bestF * n;
    const left: number[] = [];
    const right: number[] = [];
    for (const i of samples) (xc[col + i] <= bestThr ? left : right).push(i);
    node.feature = bestF;
    node.threshold = bestThr;
    node.left = build(left, depth + 1);
    node.right = build(right, depth + 1);
    return id;
  };
  build(rootSamples, 0);
  return { nodes };
}

function leafOf(tree: Tree, x: Float64Array, row: number, p: number): number {
  let k = 0;
  for (;;) {
    const nd = tree.nodes[k];
    if (nd.feature < 0) return k;
    k = x[row * p + nd.feature] <= nd.threshold ? nd.left : nd.right;
  }
}

function columnMajor(x: Matrix): Float64Array {
  const out = new Float64Array(x.rows * x.cols);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) out[j * x.rows + i] = x.data[i * x.cols + j];
  return out;
}

function binary(fn: string, y: NumArray, n: number): Float64Array {
  if (y.length !== n) throw new StatsInputError(`${fn}: y has ${y.length} values but x has ${n} rows`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new StatsInputError(`${fn}: y[${i}] = ${y[i]} is not 0 or 1`);
    out[i] = y[i];
  }
  return out;
}

export interface GradientBoostingSettings {
  nEstimators?: number;
  learningRate?: number;
  maxDepth?: number;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
}

export class GradientBoostingClassifier {
  readonly settings: Required<GradientBoostingSettings>;
  constructor(settings: GradientBoostingSettings = {}) {
    this.settings = { nEstimators: 100, learningRate: 0.1, maxDepth: 3, minSamplesSplit: 2, minSamplesLeaf: 1, ...settings };
  }

  fit(x: Matrix, yIn: NumArray): { init: number; trees: Tree[]; decisionFunction(x: Matrix): Float64Array; predict(x: Matrix): Float64Array } {
    const fn = 'GradientBoostingClassifier.fit';
    assertFinite(fn, x);
    const n = x.rows;
    const p = x.cols;
    const y = binary(fn, yIn, n);
    let pos = 0;
    for (let i = 0; i < n; i++) pos += y[i];
    if (pos === 0 || pos === n) throw new StatsInputError(`${fn}: the outcome has only one class`);
    const init = Math.log(pos / n / (1 - pos / n));
    const raw = new Float64Array(n).fill(init);
    const xc = columnMajor(x);
    const resid = new Float64Array(n);
    const trees: Tree[] = [];
    const { nEstimators, learningRate, maxDepth, minSamplesSplit, minSamplesLeaf } = this.settings;
    const all = Array.from({ length: n }, (_, i) => i);
    const order = presort(xc, n, p);
    for (let s = 0; s < nEstimators; s++) {
      for (let i = 0; i < n; i++) resid[i] = y[i] - expit(raw[i]);
      const tree = growTree(xc, n, p, resid, all, { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures: p, rng: null }, order);
      for (const nd of tree.nodes) {
        if (nd.feature >= 0) continue;
        let num = 0;
        let den = 0;
        for (const i of nd.samples) {
          const pr = y[i] - resid[i];
          num += resid[i];
          den += pr * (1 - pr);
        }
        nd.value = Math.abs(den) < 1e-150 ? 0 : num / den;
        for (const i of nd.samples) raw[i] += learningRate * nd.value;
      }
      for (const nd of tree.nodes) nd.samples = [];
      trees.push(tree);
    }
    const decisionFunction = (xn: Matrix): Float64Array => {
      if (xn.cols !== p) throw new StatsInputError(`GradientBoostingClassifier.predict: expected ${p} columns but got ${xn.cols}`);
      const out = new Float64Array(xn.rows).fill(init);
      for (const tr of trees) for (let i = 0; i < xn.rows; i++) out[i] += learningRate * tr.nodes[leafOf(tr, xn.data, i, p)].value;
      return out;
    };
    return { init, trees, decisionFunction, predict: (xn) => decisionFunction(xn).map(expit) };
  }
}

export interface RandomForestSettings {
  nEstimators?: number;
  maxFeatures?: number | 'sqrt';
  maxDepth?: number;
  minSamplesLeaf?: number;
  seed?: number;
}

export class RandomForestClassifier {
  readonly settings: Required<RandomForestSettings>;
  constructor(settings: RandomForestSettings = {}) {
    this.settings = { nEstimators: 100, maxFeatures: 'sqrt', maxDepth: Infinity, minSamplesLeaf: 1, seed: 1, ...settings };
  }

  fit(x: Matrix, yIn: NumArray): { trees: Tree[]; predict(x: Matrix): Float64Array; importances: Float64Array } {
    const fn = 'RandomForestClassifier.fit';
    assertFinite(fn, x);
    const n = x.rows;
    const p = x.cols;
    const y = binary(fn, yIn, n);
    const xc = columnMajor(x);
    const rng = new Rng(this.settings.seed);
    const mf = this.settings.maxFeatures === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(p))) : Math.min(p, this.settings.maxFeatures);
    const trees: Tree[] = [];
    const importances = new Float64Array(p);
    const order = presort(xc, n, p);
    for (let b = 0; b < this.settings.nEstimators; b++) {
      const boot: number[] = [];
      for (let i = 0; i < n; i++) boot.push(rng.int(n));
      const tree = growTree(xc, n, p, y, boot, { maxDepth: this.settings.maxDepth, minSamplesSplit: 2, minSamplesLeaf: this.settings.minSamplesLeaf, maxFeatures: mf, rng }, order);
      // impurity-decrease importance (Gini ∝ squared error for a 0/1 target)
      for (const nd of tree.nodes) {
        if (nd.feature < 0) continue;
        const sse = (s: number[]) => {
          const m = s.reduce((a, i) => a + y[i], 0) / s.length;
          return s.reduce((a, i) => a + (y[i] - m) ** 2, 0);
        };
        importances[nd.feature] += sse(nd.samples) - sse(tree.nodes[nd.left].samples) - sse(tree.nodes[nd.right].samples);
      }
      for (const nd of tree.nodes) nd.samples = [];
      trees.push(tree);
    }
    const tot = importances.reduce((a, b) => a + b, 0);
    if (tot > 0) for (let j = 0; j < p; j++) importances[j] /= tot;
    return {
      trees,
      importances,
      predict(xn: Matrix): Float64Array {
        if (xn.cols !== p) throw new StatsInputError(`RandomForestClassifier.predict: expected ${p} columns but got ${xn.cols}`);
        const out = new Float64Array(xn.rows);
        for (const tr of trees) for (let i = 0; i < xn.rows; i++) out[i] += tr.nodes[leafOf(tr, xn.data, i, p)].value;
        for (let i = 0; i < xn.rows; i++) out[i] /= trees.length;
        return out;
      },
    };
  }
}
