/**
 * Run-length masks for the inference hot path. A CT-sized volume has 26 M voxels; touching each of them
 * once in JS costs more than the whole model. So the cascade never builds a full-resolution probability
 * map or a full binary mask: probabilities stay on the model's plane (e.g. 128×128), are thresholded while
 * mapping back into runs `[x0, x1)` of voxels on row (y, z), the largest 3D component is found on the runs
 * (union–find over overlapping runs of neighbouring rows and slices = 6-connectivity) and only the kept
 * runs are written into the output labels with `fill`.
 */
import type { Region } from './preprocess';

/** Runs [x0, x1) on row y of slice z, appended in raster order (z, then y, then x). */
export class RunList {
  /** Flat storage: z, y, x0, x1 per run. */
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(4 * Math.max(1, capacity));
  }

  push(z: number, y: number, x0: number, x1: number): void {
    if (4 * this.length + 4 > this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const o = 4 * this.length++;
    this.data[o] = z;
    this.data[o + 1] = y;
    this.data[o + 2] = x0;
    this.data[o + 3] = x1;
  }

  /** Total voxels covered. */
  voxels(): number {
    let s = 0;
    for (let i = 0, o = 0; i < this.length; i++, o += 4) s += this.data[o + 3] - this.data[o + 2];
    return s;
  }
}

/** Precomputed bilinear mapping from an H×W model plane back onto the voxels of a region of an nx×ny slice. */
export interface BackMap {
  H: number;
  W: number;
  /** Voxel columns [xa, xb) and rows [ya, yb) whose centre lies inside the region. */
  xa: number;
  xb: number;
  ya: number;
  yb: number;
  /** Per voxel column x - xa: plane columns a, b and weight f of b. */
  ua: Int32Array;
  ub: Int32Array;
  fu: Float32Array;
  /** Per voxel row y - ya: plane rows and weight. */
  va: Int32Array;
  vb: Int32Array;
  fv: Float32Array;
  /** Segments of consecutive voxel columns sharing (a, b): start offsets (relative to xa), length nSeg + 1. */
  segStart: Int32Array;
  nSeg: number;
  /** segOfU[u]: first segment whose b ≥ u; segOfULast[u]: last segment whose a ≤ u. */
  segFirst: Int32Array;
  segLast: Int32Array;
}

/**
 * Bilinear back-mapping of a plane of H×W pixels covering `region` onto voxel centres: voxel x maps to
 * u = (x + 0.5 - x0)·W/(x1 - x0) - 0.5, clamped to [0, W-1] (same for y). Voxels whose centre lies outside
 * the region are not covered.
 */
export function backMap(region: Region, H: number, W: number, nx: number, ny: number): BackMap {
  const axis = (r0: number, r1: number, n: number, P: number) => {
    const s = P / (r1 - r0);
    const a0 = Math.max(0, Math.ceil(r0 - 0.5));
    const a1 = Math.max(a0, Math.min(n, Math.ceil(r1 - 0.5)));
    const len = a1 - a0;
    const ia = new Int32Array(len);
    const ib = new Int32Array(len);
    const f = new Float32Array(len);
    for (let x = a0; x < a1; x++) {
      let u = (x + 0.5 - r0) * s - 0.5;
      if (u < 0) u = 0;
      if (u > P - 1) u = P - 1;
      const k = Math.floor(u);
      ia[x - a0] = k;
      ib[x - a0] = Math.min(k + 1, P - 1);
      f[x - a0] = u - k;
    }
    return { a0, a1, ia, ib, f };
  };
  const ax = axis(region.x0, region.x1, nx, W);
  const ay = axis(region.y0, region.y1, ny, H);
  const len = ax.a1 - ax.a0;
  const starts: number[] = [];
  for (let i = 0; i < len; i++) if (i === 0 || ax.ia[i] !== ax.ia[i - 1] || ax.ib[i] !== ax.ib[i - 1]) starts.push(i);
  starts.push(len);
  const nSeg = starts.length - 1;
  const segStart = Int32Array.from(starts);
  const segFirst = new Int32Array(W).fill(nSeg);
  const segLast = new Int32Array(W).fill(-1);
  for (let s = nSeg - 1; s >= 0; s--) {
    const b = ax.ib[segStart[s]];
    for (let u = 0; u <= b; u++) segFirst[u] = s;
  }
  for (let s = 0; s < nSeg; s++) {
    const a = ax.ia[segStart[s]];
    for (let u = a; u < W; u++) segLast[u] = s;
  }
  return {
    H,
    W,
    xa: ax.a0,
    xb: ax.a1,
    ya: ay.a0,
    yb: ay.a1,
    ua: ax.ia,
    ub: ax.ib,
    fu: ax.f,
    va: ay.ia,
    vb: ay.ib,
    fv: ay.f,
    segStart,
    nSeg,
    segFirst,
    segLast,
  };
}

/** Reusable scratch for planeToRuns (per-row hot spans of the plane). */
export interface RunScratch {
  lo: Int32Array;
  hi: Int32Array;
}

export function runScratch(H: number): RunScratch {
  return { lo: new Int32Array(H), hi: new Int32Array(H) };
}

/**
 * Thresholds the bilinear interpolation of one plane (H×W at `offset` in `prob`) at the voxel centres of
 * slice z and appends the runs of voxels with p > t to `runs`. Equal to evaluating every voxel: plane rows
 * with no pixel above t are skipped, and a segment of voxels between four plane pixels is decided at once
 * when all four are ≤ t (none marked: a bilinear mix cannot exceed its largest corner) or all exceed
 * t + 1e-6 (all marked); only segments straddling t are evaluated voxel by voxel.
 */
export function planeToRuns(
  prob: Float32Array,
  offset: number,
  map: BackMap,
  z: number,
  t: number,
  runs: RunList,
  scratch: RunScratch = runScratch(map.H),
): number {
  const { H, W, xa, ua, ub, fu, va, vb, fv, segStart, segFirst, segLast } = map;
  const { lo, hi } = scratch;
  for (let v = 0; v < H; v++) {
    const r = offset + v * W;
    let a = -1;
    let b = -1;
    for (let u = 0; u < W; u++) {
      if (prob[r + u] > t) {
        if (a < 0) a = u;
        b = u;
      }
    }
    lo[v] = a;
    hi[v] = b;
  }
  const tHi = t + 1e-6;
  let marked = 0;
  for (let y = map.ya; y < map.yb; y++) {
    const k = y - map.ya;
    const v0 = va[k];
    const v1 = vb[k];
    const l0 = lo[v0];
    const l1 = lo[v1];
    if (l0 < 0 && l1 < 0) continue;
    const uLo = l0 < 0 ? l1 : l1 < 0 ? l0 : l0 < l1 ? l0 : l1;
    const uHi = hi[v0] > hi[v1] ? hi[v0] : hi[v1];
    const g = fv[k];
    const r0 = offset + v0 * W;
    const r1 = offset + v1 * W;
    let start = -1;
    const sEnd = segLast[uHi];
    for (let s = segFirst[uLo]; s <= sEnd; s++) {
      const i0 = segStart[s];
      const i1 = segStart[s + 1];
      const ca = ua[i0];
      const cb = ub[i0];
      const p00 = prob[r0 + ca];
      const p01 = prob[r0 + cb];
      const p10 = prob[r1 + ca];
      const p11 = prob[r1 + cb];
      let mx = p00 > p01 ? p00 : p01;
      if (p10 > mx) mx = p10;
      if (p11 > mx) mx = p11;
      if (mx <= t) {
        if (start >= 0) {
          runs.push(z, y, xa + start, xa + i0);
          marked += i0 - start;
          start = -1;
        }
        continue;
      }
      let mn = p00 < p01 ? p00 : p01;
      if (p10 < mn) mn = p10;
      if (p11 < mn) mn = p11;
      if (mn > tHi) {
        if (start < 0) start = i0;
        continue;
      }
      for (let i = i0; i < i1; i++) {
        const f = fu[i];
        const p = (p00 * (1 - f) + p01 * f) * (1 - g) + (p10 * (1 - f) + p11 * f) * g;
        if (p > t) {
          if (start < 0) start = i;
        } else if (start >= 0) {
          runs.push(z, y, xa + start, xa + i);
          marked += i - start;
          start = -1;
        }
      }
    }
    if (start >= 0) {
      const end = segStart[sEnd + 1];
      runs.push(z, y, xa + start, xa + end);
      marked += end - start;
    }
  }
  return marked;
}

/**
 * The largest 6-connected component of a run-length mask (ties: the one whose first voxel comes first in
 * raster order, as `largestComponent`). Runs on the same slice in rows y and y-1, or on the same row of
 * slices z and z-1, are connected when their x ranges overlap.
 */
export function largestRunComponent(runs: RunList, ny: number, nz: number): RunList {
  const n = runs.length;
  const out = new RunList(Math.max(1, n));
  if (n === 0) return out;
  const d = runs.data;
  const rows = ny * nz;
  const rowStart = new Int32Array(rows + 1);
  for (let i = 0; i < n; i++) rowStart[d[4 * i] * ny + d[4 * i + 1] + 1]++;
  for (let k = 0; k < rows; k++) rowStart[k + 1] += rowStart[k];
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (i: number, j: number) => {
    const a = find(i);
    const b = find(j);
    if (a !== b) {
      if (a < b) parent[b] = a;
      else parent[a] = b;
    }
  };
  // merge-scan two sorted rows, uniting overlapping runs
  const link = (ka: number, kb: number) => {
    let i = rowStart[ka];
    const ie = rowStart[ka + 1];
    let j = rowStart[kb];
    const je = rowStart[kb + 1];
    while (i < ie && j < je) {
      const ax0 = d[4 * i + 2];
      const ax1 = d[4 * i + 3];
      const bx0 = d[4 * j + 2];
      const bx1 = d[4 * j + 3];
      if (ax0 < bx1 && bx0 < ax1) union(i, j);
      if (ax1 < bx1) i++;
      else j++;
    }
  };
  for (let k = 0; k < rows; k++) {
    if (rowStart[k] === rowStart[k + 1]) continue;
    const y = k % ny;
    if (y > 0) link(k, k - 1);
    if (k >= ny) link(k, k - ny);
  }
  const size = new Float64Array(n);
  for (let i = 0; i < n; i++) size[find(i)] += d[4 * i + 3] - d[4 * i + 2];
  // roots are the smallest run index of their component (union keeps the smaller), i.e. raster order
  let best = -1;
  for (let i = 0; i < n; i++) if (parent[i] === i && (best < 0 || size[i] > size[best])) best = i;
  for (let i = 0; i < n; i++) if (find(i) === best) out.push(d[4 * i], d[4 * i + 1], d[4 * i + 2], d[4 * i + 3]);
  return out;
}

/** Writes `value` into every voxel of the runs (labels x-fastest, slice size nx·ny). */
export function fillRuns(labels: Uint8Array, runs: RunList, nx: number, ny: number, value: number): void {
  const d = runs.data;
  for (let i = 0, o = 0; i < runs.length; i++, o += 4) {
    const row = (d[o] * ny + d[o + 1]) * nx;
    labels.fill(value, row + d[o + 2], row + d[o + 3]);
  }
}

/** Bounding box (inclusive) and the sorted distinct slices of a run list; null when empty. */
export function runExtent(
  runs: RunList,
): { xmin: number; xmax: number; ymin: number; ymax: number; zs: number[]; voxels: number } | null {
  if (runs.length === 0) return null;
  const d = runs.data;
  let xmin = Infinity;
  let xmax = -1;
  let ymin = Infinity;
  let ymax = -1;
  let voxels = 0;
  const zs: number[] = [];
  for (let i = 0, o = 0; i < runs.length; i++, o += 4) {
    const z = d[o];
    if (zs.length === 0 || zs[zs.length - 1] !== z) zs.push(z);
    if (d[o + 1] < ymin) ymin = d[o + 1];
    if (d[o + 1] > ymax) ymax = d[o + 1];
    if (d[o + 2] < xmin) xmin = d[o + 2];
    if (d[o + 3] - 1 > xmax) xmax = d[o + 3] - 1;
    voxels += d[o + 3] - d[o + 2];
  }
  return { xmin, xmax, ymin, ymax, zs, voxels };
}

/** The runs of `mask != 0` (x-fastest, dims [nx, ny, nz]) in raster order. */
export function maskToRuns(mask: ArrayLike<number>, dims: readonly number[]): RunList {
  const [nx, ny, nz] = dims;
  const runs = new RunList();
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++) {
      let start = -1;
      for (let x = 0; x < nx; x++, i++) {
        if (mask[i]) {
          if (start < 0) start = x;
        } else if (start >= 0) {
          runs.push(z, y, start, x);
          start = -1;
        }
      }
      if (start >= 0) runs.push(z, y, start, nx);
    }
  return runs;
}
