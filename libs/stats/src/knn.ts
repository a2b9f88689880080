/**
 * k-nearest-neighbour classifier (Euclidean distance, uniform weights), equal to scikit-learn
 * KNeighborsClassifier(n_neighbors = k, weights = "uniform") predict_proba for class 1. Among equidistant
 * neighbours the lower training index wins (stable sort). Scale features first (e.g. z-scores): kNN is not
 * scale-invariant.
 */
import { assertFinite, Matrix } from './matrix';
import { NumArray, StatsInputError } from './util';

export class KNearestNeighbors {
  constructor(readonly settings: { k?: number } = {}) {}

  fit(x: Matrix, y: NumArray): { k: number; predict(xn: Matrix): Float64Array } {
    assertFinite('KNearestNeighbors.fit', x);
    const k = this.settings.k ?? 5;
    if (y.length !== x.rows) throw new StatsInputError(`KNearestNeighbors.fit: y has ${y.length} values but x has ${x.rows} rows`);
    if (!(k >= 1 && k <= x.rows)) throw new StatsInputError(`KNearestNeighbors: k must be in [1, ${x.rows}], got ${k}`);
    const train = Float64Array.from(x.data);
    const labels = Float64Array.from(y);
    const n = x.rows;
    const p = x.cols;
    return {
      k,
      predict(xn: Matrix): Float64Array {
        if (xn.cols !== p) throw new StatsInputError(`KNearestNeighbors.predict: expected ${p} columns but got ${xn.cols}`);
        const out = new Float64Array(xn.rows);
        const d = new Float64Array(n);
        const idx = new Uint32Array(n);
        for (let q = 0; q < xn.rows; q++) {
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j < p; j++) {
              const t = xn.data[q * p + j] - train[i * p + j];
              s += t * t;
            }
            d[i] = s;
            idx[i] = i;
          }
          idx.sort((a, b) => d[a] - d[b] || a - b);
          let pos = 0;
          for (let m = 0; m < k; m++) pos += labels[idx[m]] === 1 ? 1 : 0;
          out[q] = pos / k;
        }
        return out;
      },
    };
  }
}
