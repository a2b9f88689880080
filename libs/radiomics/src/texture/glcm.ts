/**
 * Grey level co-occurrence matrices (IBSI 1, section 3.6) and their six aggregation methods.
 *
 * A GLCM for direction (dx, dy, dz) × δ counts the ordered grey-level pairs (i, j) of ROI voxels x
 * and x + δ·(dx, dy, dz); IBSI matrices are symmetric, so each pair is counted as (i, j) and (j, i).
 * Only pairs where both voxels lie inside the ROI count. 2D matrices use the 4 in-plane directions
 * inside each z slice; 3D matrices use the 13 unique directions of the 26-neighbourhood.
 *
 * Matrices are kept sparse (non-zero cells only): pairs are first written as cell codes into a
 * reusable buffer, then aggregated through one reusable dense scratch of Ng² cells (or by sorting when
 * Ng² is too large for a scratch), so time and memory grow with the number of voxel pairs and occupied
 * cells, never with Ng² per slice — thousands of grey levels (undiscretised CT) stay fast. The 3D
 * matrices of the 4 in-plane directions are the slice-merged 2D matrices.
 */
import type { CooccurrenceMatrix, DiscretisedImage, DirectionalAggregation, RoiVoxels } from './types';
import type { FeatureValue } from '../types';
import { GLCM_FEATURES, glcmProbabilitiesSparse, type SparseCounts } from './glcm-features';
import { DIRECTIONS_2D, DIRECTIONS_OUT_OF_PLANE, FeatureAverager, checkDiscretised, evaluate, writeFeatures } from './matrix-utils';

/**
 * Adds the symmetric co-occurrence counts of offset (dx, dy, dz) to `out` (dense ng × ng), for first
 * voxels in slices z ∈ [zFrom, zTo). Allocation-free.
 */
export function accumulateCooccurrence(
  img: DiscretisedImage,
  dx: number,
  dy: number,
  dz: number,
  zFrom: number,
  zTo: number,
  out: Float64Array,
): void {
  const { ng } = img;
  forEachPair(img, dx, dy, dz, zFrom, zTo, (a, b) => {
    out[(a - 1) * ng + (b - 1)] += 1;
    out[(b - 1) * ng + (a - 1)] += 1;
  });
}

function forEachPair(
  img: DiscretisedImage,
  dx: number,
  dy: number,
  dz: number,
  zFrom: number,
  zTo: number,
  f: (a: number, b: number) => void,
): void {
  const [nx, ny, nz] = img.dims;
  const { levels } = img;
  const x0 = Math.max(0, -dx);
  const x1 = Math.min(nx, nx - dx);
  const y0 = Math.max(0, -dy);
  const y1 = Math.min(ny, ny - dy);
  const z0 = Math.max(zFrom, -dz);
  const z1 = Math.min(zTo, nz - dz);
  const step = dx + nx * (dy + ny * dz);
  for (let z = z0; z < z1; z++)
    for (let y = y0; y < y1; y++) {
      let idx = x0 + nx * (y + ny * z);
      for (let x = x0; x < x1; x++, idx++) {
        const a = levels[idx];
        if (a === 0) continue;
        const b = levels[idx + step];
        if (b !== 0) f(a, b);
      }
    }
}

/**
 * Writes the cell codes (i − 1)·Ng + (j − 1) of every ROI pair of offset (dx, dy, dz) with first voxel in slices
 * [zFrom, zTo) into `codes`; returns the count. Allocation-free. `bothOrientations` (default) also writes (j, i),
 * the symmetric matrix; without it, row = the first voxel, column = the voxel at the offset.
 */
export function cooccurrenceCodes(
  img: DiscretisedImage,
  dx: number,
  dy: number,
  dz: number,
  zFrom: number,
  zTo: number,
  codes: Int32Array,
  bothOrientations = true,
): number {
  const [nx, ny, nz] = img.dims;
  const { levels, ng } = img;
  const x0 = Math.max(0, -dx);
  const x1 = Math.min(nx, nx - dx);
  const y0 = Math.max(0, -dy);
  const y1 = Math.min(ny, ny - dy);
  const z0 = Math.max(zFrom, -dz);
  const z1 = Math.min(zTo, nz - dz);
  const step = dx + nx * (dy + ny * dz);
  let n = 0;
  for (let z = z0; z < z1; z++)
    for (let y = y0; y < y1; y++) {
      let idx = x0 + nx * (y + ny * z);
      for (let x = x0; x < x1; x++, idx++) {
        const a = levels[idx];
        if (a === 0) continue;
        const b = levels[idx + step];
        if (b === 0) continue;
        codes[n++] = (a - 1) * ng + (b - 1);
        if (bothOrientations) codes[n++] = (b - 1) * ng + (a - 1);
      }
    }
  return n;
}

/**
 * {@link cooccurrenceCodes} over the whole volume, visiting only the listed ROI voxels (same codes, same order): the
 * cell codes of every ROI pair (x, x + (dx, dy, dz)) in voxel order of x, with (j, i) too when `bothOrientations`.
 */
export function cooccurrenceCodesOfRoi(img: DiscretisedImage, roi: RoiVoxels, dx: number, dy: number, dz: number, codes: Int32Array, bothOrientations = true): number {
  const [nx, ny, nz] = img.dims;
  const { levels, ng } = img;
  const { index, x, y, z, count } = roi;
  const step = dx + nx * (dy + ny * dz);
  let n = 0;
  for (let k = 0; k < count; k++) {
    const xx = x[k] + dx, yy = y[k] + dy, zz = z[k] + dz;
    if (xx < 0 || xx >= nx || yy < 0 || yy >= ny || zz < 0 || zz >= nz) continue;
    const idx = index[k];
    const b = levels[idx + step];
    if (b === 0) continue;
    const a = levels[idx];
    codes[n++] = (a - 1) * ng + (b - 1);
    if (bothOrientations) codes[n++] = (b - 1) * ng + (a - 1);
  }
  return n;
}

/** Largest Ng² for which a dense scratch (8 bytes a cell) is kept. */
const DENSE_SCRATCH_CELLS = 1 << 22; // 32 MiB

/**
 * Turns lists of cell codes into sparse matrices with unique, sorted cells. When the codes are many
 * compared with the Ng² cells, they are counted in one reusable dense scratch (cache-friendly for small
 * Ng); otherwise they are sorted and run-length encoded, which stays cache-friendly for large Ng.
 * Sparse matrices are merged by linear merges of their sorted cell lists.
 */
export class CooccurrenceAggregator {
  private scratch: Float64Array | null = null;
  private touched: Int32Array | null = null;
  constructor(readonly ng: number) {}

  /** Sparse matrix of the first `n` codes, each counted once. */
  aggregate(codes: Int32Array, n: number): SparseCounts {
    const cells = this.ng * this.ng;
    if (cells <= DENSE_SCRATCH_CELLS && n * 8 >= cells) return this.byScratch(codes, n);
    const sorted = codes.slice(0, n).sort();
    let u = 0;
    for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) u++;
    const idx = new Int32Array(u);
    const cnt = new Float64Array(u);
    u = -1;
    for (let k = 0; k < n; k++) {
      if (k === 0 || sorted[k] !== sorted[k - 1]) idx[++u] = sorted[k];
      cnt[u]++;
    }
    return { idx, cnt };
  }

  private byScratch(codes: Int32Array, n: number): SparseCounts {
    const cells = this.ng * this.ng;
    const s = (this.scratch ??= new Float64Array(cells));
    const touched = (this.touched ??= new Int32Array(cells));
    let t = 0;
    for (let k = 0; k < n; k++) {
      const c = codes[k];
      if (s[c] === 0) touched[t++] = c;
      s[c] += 1;
    }
    const idx = touched.slice(0, t).sort();
    const cnt = new Float64Array(t);
    for (let k = 0; k < t; k++) {
      cnt[k] = s[idx[k]];
      s[idx[k]] = 0;
    }
    return { idx, cnt };
  }

  /** Sum of sparse matrices (sorted cells), by balanced pairwise linear merges. */
  merge(ms: readonly SparseCounts[]): SparseCounts {
    if (ms.length === 0) return { idx: new Int32Array(0), cnt: new Float64Array(0) };
    let list = [...ms];
    while (list.length > 1) {
      const next: SparseCounts[] = [];
      for (let k = 0; k < list.length; k += 2) next.push(k + 1 < list.length ? mergeTwo(list[k], list[k + 1]) : list[k]);
      list = next;
    }
    return list[0];
  }
}

function mergeTwo(a: SparseCounts, b: SparseCounts): SparseCounts {
  const idx = new Int32Array(a.idx.length + b.idx.length);
  const cnt = new Float64Array(idx.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.idx.length || j < b.idx.length) {
    if (j >= b.idx.length || (i < a.idx.length && a.idx[i] < b.idx[j])) {
      idx[n] = a.idx[i];
      cnt[n++] = a.cnt[i++];
    } else if (i >= a.idx.length || b.idx[j] < a.idx[i]) {
      idx[n] = b.idx[j];
      cnt[n++] = b.cnt[j++];
    } else {
      idx[n] = a.idx[i];
      cnt[n++] = a.cnt[i++] + b.cnt[j++];
    }
  }
  return { idx: idx.slice(0, n), cnt: cnt.slice(0, n) };
}

/**
 * The symmetric GLCM of one direction over the whole volume (or slices [zFrom, zTo)), dense.
 * @param distance Chebyshev distance δ ≥ 1 (the direction is scaled by δ)
 */
export function glcmMatrix(
  img: DiscretisedImage,
  direction: readonly [number, number, number],
  distance = 1,
  zFrom = 0,
  zTo = img.dims[2],
): CooccurrenceMatrix {
  const counts = new Float64Array(img.ng * img.ng);
  accumulateCooccurrence(img, direction[0] * distance, direction[1] * distance, direction[2] * distance, zFrom, zTo, counts);
  return { ng: img.ng, counts };
}

/** The symmetric GLCM of one direction as sparse cells (see {@link glcmMatrix}). */
export function glcmSparse(
  img: DiscretisedImage,
  direction: readonly [number, number, number],
  distance = 1,
  zFrom = 0,
  zTo = img.dims[2],
  aggregator = new CooccurrenceAggregator(img.ng),
  codes?: Int32Array,
): SparseCounts {
  const buf = codes ?? new Int32Array(2 * img.levels.length);
  const n = cooccurrenceCodes(img, direction[0] * distance, direction[1] * distance, direction[2] * distance, zFrom, zTo, buf);
  return aggregator.aggregate(buf, n);
}

function featuresOf(ng: number, m: SparseCounts): Float64Array {
  return evaluate(GLCM_FEATURES, glcmProbabilitiesSparse(ng, m));
}

const isEmpty = (m: SparseCounts) => m.idx.length === 0;

/**
 * GLCM features for the requested aggregation methods, keyed `glcm_<feature>_<aggregation>`
 * (e.g. `glcm_joint_max_3D_avg`). Matrices without any voxel pair (a slice with a single ROI
 * voxel, say) are left out of averages; an aggregation without any pair at all gives NaN with reason.
 */
export function glcmFeatures(
  img: DiscretisedImage,
  aggregations: readonly DirectionalAggregation[],
  distance = 1,
): Record<string, FeatureValue> {
  if (!Number.isInteger(distance) || distance < 1) throw new Error(`glcmFeatures: distance must be an integer ≥ 1, got ${distance}`);
  const { perSlice } = checkDiscretised(img, 'glcmFeatures');
  const { ng } = img;
  const [nx, ny, nz] = img.dims;
  const nf = GLCM_FEATURES.length;
  const want = new Set(aggregations);
  const agg = new CooccurrenceAggregator(ng);
  const sliceCodes = new Int32Array(2 * nx * ny);
  // per in-plane direction, the slice matrices (merged later: 2.5D and the in-plane 3D matrices)
  const inPlane: SparseCounts[][] = DIRECTIONS_2D.map(() => []);
  const avg2D = new FeatureAverager(nf);
  const smrg2D = new FeatureAverager(nf);
  for (let z = 0; z < nz; z++) {
    if (perSlice[z] === 0) continue;
    const slice: SparseCounts[] = [];
    for (let d = 0; d < DIRECTIONS_2D.length; d++) {
      const [dx, dy] = DIRECTIONS_2D[d];
      const n = cooccurrenceCodes(img, dx * distance, dy * distance, 0, z, z + 1, sliceCodes);
      if (n === 0) continue;
      const m = agg.aggregate(sliceCodes, n);
      inPlane[d].push(m);
      slice.push(m);
      if (want.has('2D_avg')) avg2D.add(featuresOf(ng, m));
    }
    if (want.has('2D_smrg') && slice.length) smrg2D.add(featuresOf(ng, agg.merge(slice)));
  }
  const out: Record<string, FeatureValue> = {};
  const noPair = (what: string) =>
    `no GLCM can be computed: the ROI holds no pair of voxels at distance ${distance} ${what}`;
  const averaged = (a: FeatureAverager) => (a.matrices > 0 ? a.mean() : null);
  if (want.has('2D_avg')) writeFeatures(out, 'glcm', '2D_avg', GLCM_FEATURES, averaged(avg2D), noPair('within a slice'));
  if (want.has('2D_smrg')) writeFeatures(out, 'glcm', '2D_smrg', GLCM_FEATURES, averaged(smrg2D), noPair('within a slice'));
  const need3D = want.has('3D_avg') || want.has('3D_vmrg');
  if (!(want.has('2.5D_dmrg') || want.has('2.5D_vmrg') || need3D)) return out;
  const dirMerged = inPlane.map((list) => agg.merge(list));
  if (want.has('2.5D_dmrg')) {
    const a = new FeatureAverager(nf);
    for (const m of dirMerged) if (!isEmpty(m)) a.add(featuresOf(ng, m));
    writeFeatures(out, 'glcm', '2.5D_dmrg', GLCM_FEATURES, averaged(a), noPair('within a slice'));
  }
  if (want.has('2.5D_vmrg')) {
    const m = agg.merge(dirMerged);
    writeFeatures(out, 'glcm', '2.5D_vmrg', GLCM_FEATURES, isEmpty(m) ? null : featuresOf(ng, m), noPair('within a slice'));
  }
  if (need3D) {
    const codes = new Int32Array(2 * img.levels.length);
    const all: SparseCounts[] = [...dirMerged];
    for (const dir of DIRECTIONS_OUT_OF_PLANE) all.push(glcmSparse(img, dir, distance, 0, nz, agg, codes));
    if (want.has('3D_avg')) {
      const a = new FeatureAverager(nf);
      for (const m of all) if (!isEmpty(m)) a.add(featuresOf(ng, m));
      writeFeatures(out, 'glcm', '3D_avg', GLCM_FEATURES, averaged(a), noPair('in 3D'));
    }
    if (want.has('3D_vmrg')) {
      const m = agg.merge(all);
      writeFeatures(out, 'glcm', '3D_vmrg', GLCM_FEATURES, isEmpty(m) ? null : featuresOf(ng, m), noPair('in 3D'));
    }
  }
  return out;
}
