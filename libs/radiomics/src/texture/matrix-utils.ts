/**
 * Shared helpers of the texture matrices: direction sets, ROI checks, run-like matrix construction
 * and merging, and NaN-aware feature averaging.
 */
import type { DiscretisedImage, RunLikeMatrix } from './types';
import type { FeatureValue } from '../types';

/**
 * The 4 unique in-plane directions of IBSI (each with its opposite implied by symmetry), as
 * (dx, dy, dz) voxel steps: 0°, 45°, 90°, 135°.
 */
export const DIRECTIONS_2D: readonly (readonly [number, number, number])[] = [
  [1, 0, 0],
  [1, 1, 0],
  [0, 1, 0],
  [-1, 1, 0],
];

/** The 9 unique 3D directions with a z component; with {@link DIRECTIONS_2D} they make the 13 of IBSI. */
export const DIRECTIONS_OUT_OF_PLANE: readonly (readonly [number, number, number])[] = [
  [0, 0, 1],
  [1, 0, 1],
  [-1, 0, 1],
  [0, 1, 1],
  [0, -1, 1],
  [1, 1, 1],
  [-1, 1, 1],
  [1, -1, 1],
  [-1, -1, 1],
];

/**
 * Checks a discretised image: dims match the array, levels in 0..ng, at least one ROI voxel.
 * @returns the number of ROI voxels and the ROI voxel count of every z slice
 */
export function checkDiscretised(img: DiscretisedImage, where: string): { nRoi: number; perSlice: Int32Array } {
  const [nx, ny, nz] = img.dims;
  const n = nx * ny * nz;
  if (!Number.isInteger(img.ng) || img.ng < 1)
    throw new Error(`${where}: ng must be a positive integer, got ${img.ng}`);
  if (img.levels.length !== n)
    throw new Error(`${where}: levels has ${img.levels.length} voxels but dims ${nx}×${ny}×${nz} need ${n}`);
  const perSlice = new Int32Array(nz);
  const nxy = nx * ny;
  let nRoi = 0;
  for (let z = 0; z < nz; z++) {
    let c = 0;
    for (let k = z * nxy, e = k + nxy; k < e; k++) {
      const g = img.levels[k];
      if (g !== 0) {
        if (g < 0 || g > img.ng)
          throw new Error(`${where}: voxel ${k} has grey level ${g}, outside 1..${img.ng} (0 marks outside the ROI)`);
        c++;
      }
    }
    perSlice[z] = c;
    nRoi += c;
  }
  if (nRoi === 0) throw new Error(`${where}: the ROI is empty (no voxel has a grey level in 1..${img.ng})`);
  return { nRoi, perSlice };
}

/** A dense run-like matrix with columns j = 1..width. */
export function runLikeFromDense(counts: Float64Array, ng: number, width: number, nv: number): RunLikeMatrix {
  const jValues = new Float64Array(width);
  for (let c = 0; c < width; c++) jValues[c] = c + 1;
  return { ng, nj: width, jValues, counts, nv };
}

/**
 * A compressed run-like matrix from a list of entries (grey level, column value), e.g. zones.
 * @param levels grey level 1..ng of each entry
 * @param values column value (zone size, distance, …) of each entry, > 0
 * @param n number of entries used from the arrays
 */
export function runLikeFromEntries(
  levels: Int32Array,
  values: Int32Array,
  n: number,
  ng: number,
  nv: number,
): RunLikeMatrix {
  const sorted = values.slice(0, n).sort();
  let nj = 0;
  for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[nj++] = sorted[k];
  const jValues = new Float64Array(nj);
  for (let c = 0; c < nj; c++) jValues[c] = sorted[c];
  const counts = new Float64Array(ng * nj);
  for (let k = 0; k < n; k++) {
    const v = values[k];
    let lo = 0;
    let hi = nj - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    counts[(levels[k] - 1) * nj + lo] += 1;
  }
  return { ng, nj, jValues, counts, nv };
}

/** Merges (sums) run-like matrices of the same ng, over the union of their column values; N_v adds up. */
export function mergeRunLike(ms: readonly RunLikeMatrix[]): RunLikeMatrix {
  if (ms.length === 0) throw new Error('mergeRunLike: nothing to merge');
  const ng = ms[0].ng;
  const all = new Set<number>();
  for (const m of ms) {
    if (m.ng !== ng) throw new Error(`mergeRunLike: matrices have ${m.ng} and ${ng} grey levels`);
    for (let c = 0; c < m.nj; c++) all.add(m.jValues[c]);
  }
  const jValues = Float64Array.from([...all].sort((a, b) => a - b));
  const nj = jValues.length;
  const index = new Map<number, number>();
  jValues.forEach((v, c) => index.set(v, c));
  const counts = new Float64Array(ng * nj);
  let nv = 0;
  for (const m of ms) {
    nv += m.nv;
    for (let c = 0; c < m.nj; c++) {
      const t = index.get(m.jValues[c])!;
      for (let i = 0; i < ng; i++) counts[i * nj + t] += m.counts[i * m.nj + c];
    }
  }
  return { ng, nj, jValues, counts, nv };
}

/** Sum of all entries of a typed array. */
export function total(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
}

/**
 * Accumulates feature vectors of several matrices and averages them (IBSI averaging aggregation).
 * NaN values of single matrices are left out of the mean of that feature (a slice with a single grey
 * level has no GLCM correlation, yet the other slices do); a feature NaN in every matrix stays NaN.
 */
export class FeatureAverager {
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  matrices = 0;
  constructor(readonly nFeatures: number) {
    this.sum = new Float64Array(nFeatures);
    this.count = new Float64Array(nFeatures);
  }
  add(values: ArrayLike<number>): void {
    this.matrices++;
    for (let f = 0; f < this.nFeatures; f++) {
      const v = values[f];
      if (!Number.isNaN(v)) {
        this.sum[f] += v;
        this.count[f]++;
      }
    }
  }
  mean(): Float64Array {
    const out = new Float64Array(this.nFeatures);
    for (let f = 0; f < this.nFeatures; f++) out[f] = this.count[f] > 0 ? this.sum[f] / this.count[f] : Number.NaN;
    return out;
  }
}

/** Evaluates a descriptor list on one prepared matrix. */
export function evaluate<M>(features: readonly { fn: (m: M) => number }[], m: M): Float64Array {
  const out = new Float64Array(features.length);
  for (let f = 0; f < features.length; f++) out[f] = features[f].fn(m);
  return out;
}

/**
 * Writes feature values under `<family>_<key>_<aggregation>` keys, attaching a reason to every NaN.
 * @param emptyReason reason used when no matrix could be computed at all (values all NaN)
 */
export function writeFeatures(
  out: Record<string, FeatureValue>,
  family: string,
  aggregation: string,
  features: readonly { key: string; nanReason?: string }[],
  values: Float64Array | null,
  emptyReason: string,
): void {
  for (let f = 0; f < features.length; f++) {
    const name = `${family}_${features[f].key}_${aggregation}`;
    if (values === null) out[name] = { value: Number.NaN, reason: emptyReason };
    else {
      const v = values[f];
      out[name] = Number.isNaN(v)
        ? { value: v, reason: features[f].nanReason ?? `${family} ${features[f].key} is undefined for this matrix (0/0)` }
        : { value: v };
    }
  }
}
