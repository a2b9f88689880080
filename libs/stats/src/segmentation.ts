/**
 * Agreement between a reference and a predicted binary mask on a voxel grid with physical spacing (mm).
 *
 * Masks: `data[x + nx·(y + ny·z)]`, non-zero = foreground; `shape = [nx, ny, nz]`, `spacing = [sx, sy, sz]`.
 * Size-1 axes are ignored (a 2-D slice is treated as 2-D, as scipy does on the squeezed array).
 *
 * Overlap: Dice 2|A∩B|/(|A|+|B|), Jaccard |A∩B|/|A∪B| (both null when both masks are empty), volumes in mm³,
 * volumeDifference V_pred − V_ref (mm³), relativeVolumeDifference (V_pred − V_ref)/V_ref, ARVD = |…| (null when
 * V_ref = 0), voxel-wise Cohen's κ over the whole grid.
 *
 * Surfaces (MedPy `__surface_distances`, MONAI `get_mask_edges`): the surface of a mask is mask XOR its erosion by
 * the face-connected (connectivity 1) structuring element, with voxels outside the grid counted as background.
 * Distances: exact Euclidean distance transform with anisotropic spacing (Felzenszwalb & Huttenlocher 2012) from
 * each surface voxel of one mask to the nearest surface voxel of the other; d(P→R) and d(R→P).
 *
 * Conventions:
 * - `medpy` (MedPy 0.4 `hd`, `hd95`, `assd`): HD = max of both directed maxima; HD95 = 95th percentile (linear
 *   interpolation, numpy default) of the pooled distances d(P→R) ∪ d(R→P); ASSD = (mean d(P→R) + mean d(R→P))/2.
 * - `monai` (MONAI 1.x `compute_hausdorff_distance(percentile = 95)`, `compute_average_surface_distance(symmetric =
 *   True)`): HD95 = max of the two directed 95th percentiles; ASSD = mean of the pooled distances.
 * HD (100th percentile) is the same in both. Surface metrics are null when either mask is empty.
 */
import { cohenKappa } from './classification';
import { StatsInputError } from './util';

export interface Mask {
  data: ArrayLike<number>;
  shape: [number, number, number];
  spacing: [number, number, number];
}

export type SurfaceStyle = 'medpy' | 'monai';

export interface SegmentationMetrics {
  dice: number | null;
  jaccard: number | null;
  referenceVolume: number;
  predictionVolume: number;
  volumeDifference: number;
  relativeVolumeDifference: number | null;
  arvd: number | null;
  hausdorff: number | null;
  hd95: number | null;
  assd: number | null;
  kappa: number | null;
  style: SurfaceStyle;
}

function checkPair(a: Mask, b: Mask) {
  for (let k = 0; k < 3; k++) {
    if (a.shape[k] !== b.shape[k]) throw new StatsInputError(`segmentationMetrics: reference shape ${a.shape.join('×')} differs from prediction shape ${b.shape.join('×')}`);
    if (Math.abs(a.spacing[k] - b.spacing[k]) > 1e-6 * Math.abs(a.spacing[k])) throw new StatsInputError(`segmentationMetrics: reference spacing ${a.spacing.join('×')} differs from prediction spacing ${b.spacing.join('×')}`);
    if (!(a.spacing[k] > 0)) throw new StatsInputError(`segmentationMetrics: spacing ${a.spacing.join('×')} must be positive`);
  }
  const n = a.shape[0] * a.shape[1] * a.shape[2];
  if (a.data.length !== n || b.data.length !== n) throw new StatsInputError(`segmentationMetrics: data length ${a.data.length}/${b.data.length} does not match shape ${a.shape.join('×')} (${n})`);
}

/** Surface voxels (mask XOR face-connected erosion; outside the grid = background; size-1 axes ignored). */
export function surfaceVoxels(m: Mask): Uint8Array {
  const [nx, ny, nz] = m.shape;
  const n = nx * ny * nz;
  const out = new Uint8Array(n);
  const sx = 1;
  const sy = nx;
  const sz = nx * ny;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (!m.data[i]) continue;
        let border = false;
        if (nx > 1) border ||= x === 0 || x === nx - 1 || !m.data[i - sx] || !m.data[i + sx];
        if (!border && ny > 1) border ||= y === 0 || y === ny - 1 || !m.data[i - sy] || !m.data[i + sy];
        if (!border && nz > 1) border ||= z === 0 || z === nz - 1 || !m.data[i - sz] || !m.data[i + sz];
        if (border) out[i] = 1;
      }
    }
  }
  return out;
}

/** 1-D squared distance transform (Felzenszwalb–Huttenlocher) of f sampled at positions k·s. */
function edt1d(f: Float64Array, n: number, s: number, d: Float64Array, v: Int32Array, z: Float64Array) {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] === Infinity) continue;
    const xq = q * s;
    while (k >= 0) {
      const xv = v[k] * s;
      const sInt = (f[q] + xq * xq - (f[v[k]] + xv * xv)) / (2 * (xq - xv));
      if (sInt <= z[k]) k--;
      else {
        k++;
        v[k] = q;
        z[k] = sInt;
        z[k + 1] = Infinity;
        break;
      }
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      z[1] = Infinity;
    }
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) d[q] = Infinity;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    const xq = q * s;
    while (z[j + 1] < xq) j++;
    const dx = xq - v[j] * s;
    d[q] = dx * dx + f[v[j]];
  }
}

/** Exact squared Euclidean distance (mm²) from every voxel to the nearest voxel where `seed` is non-zero. */
export function squaredDistanceTransform(seed: Uint8Array, shape: [number, number, number], spacing: [number, number, number]): Float64Array {
  const [nx, ny, nz] = shape;
  const n = nx * ny * nz;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = seed[i] ? 0 : Infinity;
  const maxN = Math.max(nx, ny, nz);
  const f = new Float64Array(maxN);
  const d = new Float64Array(maxN);
  const v = new Int32Array(maxN);
  const z = new Float64Array(maxN + 1);
  const pass = (len: number, stride: number, s: number, starts: number[]) => {
    for (const base of starts) {
      for (let q = 0; q < len; q++) f[q] = g[base + q * stride];
      edt1d(f, len, s, d, v, z);
      for (let q = 0; q < len; q++) g[base + q * stride] = d[q];
    }
  };
  const startsX: number[] = [];
  for (let zz = 0; zz < nz; zz++) for (let y = 0; y < ny; y++) startsX.push(nx * (y + ny * zz));
  const startsY: number[] = [];
  for (let zz = 0; zz < nz; zz++) for (let x = 0; x < nx; x++) startsY.push(x + nx * ny * zz);
  const startsZ: number[] = [];
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) startsZ.push(x + nx * y);
  if (nx > 1) pass(nx, 1, spacing[0], startsX);
  if (ny > 1) pass(ny, nx, spacing[1], startsY);
  if (nz > 1) pass(nz, nx * ny, spacing[2], startsZ);
  return g;
}

/** Distances (mm) from each surface voxel of `from` to the surface of `to`. */
export function directedSurfaceDistances(from: Mask, to: Mask): Float64Array {
  const sFrom = surfaceVoxels(from);
  const dt = squaredDistanceTransform(surfaceVoxels(to), to.shape, to.spacing);
  const out: number[] = [];
  for (let i = 0; i < sFrom.length; i++) if (sFrom[i]) out.push(Math.sqrt(dt[i]));
  return Float64Array.from(out);
}

/** numpy.percentile with linear interpolation (= R type 7). */
export function percentileLinear(values: Float64Array, q: number): number {
  const s = Float64Array.from(values).sort();
  const h = (s.length - 1) * (q / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

function meanOf(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

/** All agreement metrics between a reference and a predicted mask. */
export function segmentationMetrics(reference: Mask, prediction: Mask, style: SurfaceStyle = 'medpy'): SegmentationMetrics {
  checkPair(reference, prediction);
  const n = reference.data.length;
  let a = 0;
  let b = 0;
  let both = 0;
  const r = new Uint8Array(n);
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const ra = reference.data[i] ? 1 : 0;
    const pb = prediction.data[i] ? 1 : 0;
    r[i] = ra;
    p[i] = pb;
    a += ra;
    b += pb;
    both += ra & pb;
  }
  const voxelVolume = reference.spacing[0] * reference.spacing[1] * reference.spacing[2];
  const vr = a * voxelVolume;
  const vp = b * voxelVolume;
  const union = a + b - both;
  let hausdorff: number | null = null;
  let hd95: number | null = null;
  let assd: number | null = null;
  if (a > 0 && b > 0) {
    const dPR = directedSurfaceDistances(prediction, reference);
    const dRP = directedSurfaceDistances(reference, prediction);
    const pooled = new Float64Array(dPR.length + dRP.length);
    pooled.set(dPR);
    pooled.set(dRP, dPR.length);
    hausdorff = Math.max(percentileLinear(dPR, 100), percentileLinear(dRP, 100));
    if (style === 'medpy') {
      hd95 = percentileLinear(pooled, 95);
      assd = (meanOf(dPR) + meanOf(dRP)) / 2;
    } else {
      hd95 = Math.max(percentileLinear(dPR, 95), percentileLinear(dRP, 95));
      assd = meanOf(pooled);
    }
  }
  return {
    dice: a + b === 0 ? null : (2 * both) / (a + b),
    jaccard: union === 0 ? null : both / union,
    referenceVolume: vr,
    predictionVolume: vp,
    volumeDifference: vp - vr,
    relativeVolumeDifference: vr === 0 ? null : (vp - vr) / vr,
    arvd: vr === 0 ? null : Math.abs(vp - vr) / vr,
    hausdorff,
    hd95,
    assd,
    kappa: cohenKappa(r, p),
    style,
  };
}
