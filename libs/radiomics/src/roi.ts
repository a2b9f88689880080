/**
 * ROI helpers: gathering the intensities of a mask, bounding boxes, label and connected-component splitting.
 */
import type { Dims3, Mask3D, NumericArray } from './types';

/** Throws when the image and the mask are not on the same grid (dims, spacing, origin), naming both geometries. */
export function assertSameGrid(image: { dims: Dims3; spacing: readonly number[]; origin?: readonly number[] }, mask: { dims: Dims3; spacing: readonly number[]; origin?: readonly number[] }, where = 'radiomics'): void {
  const o1 = image.origin ?? [0, 0, 0];
  const o2 = mask.origin ?? [0, 0, 0];
  const same =
    image.dims.every((d, i) => d === mask.dims[i]) &&
    image.spacing.every((s, i) => Math.abs(s - mask.spacing[i]) <= 1e-4 * Math.max(1, Math.abs(s))) &&
    o1.every((o, i) => Math.abs(o - o2[i]) <= 1e-3);
  if (!same) {
    const g = (x: { dims: Dims3; spacing: readonly number[] }, o: readonly number[]) =>
      `size ${x.dims.join('×')}, spacing ${x.spacing.map((v) => +v.toFixed(6)).join('×')} mm, origin (${o.map((v) => +v.toFixed(4)).join(', ')})`;
    throw new Error(`${where}: image and mask geometries differ — image: ${g(image, o1)}; mask: ${g(mask, o2)}`);
  }
}

/** Number of voxels with mask value > 0. */
export function countMask(mask: { data: ArrayLike<number> }): number {
  const d = mask.data;
  let n = 0;
  for (let i = 0; i < d.length; i++) if (d[i] > 0) n++;
  return n;
}

/** The intensities of the voxels inside `mask`, in voxel order, as Float64Array. */
export function roiValues(image: { data: NumericArray }, mask: { data: ArrayLike<number> }): Float64Array {
  const d = image.data;
  const m = mask.data;
  const out = new Float64Array(countMask(mask));
  let k = 0;
  for (let i = 0; i < m.length; i++) if (m[i] > 0) out[k++] = d[i];
  return out;
}

/** True for typed arrays of integers, which cannot hold NaN or ±Infinity. */
function isIntegerArray(d: unknown): boolean {
  return d instanceof Int16Array || d instanceof Uint8Array || d instanceof Int32Array || d instanceof Uint16Array || d instanceof Int8Array || d instanceof Uint32Array || d instanceof Uint8ClampedArray;
}

/**
 * Throws when any voxel of the image inside the mask (or anywhere when no mask) is NaN or ±Infinity.
 * Integer images (Int16Array CT, …) cannot hold either and are not scanned.
 */
export function assertFinite(image: { data: NumericArray }, mask?: { data: ArrayLike<number> }, where = 'radiomics'): void {
  const d = image.data;
  if (isIntegerArray(d)) return;
  for (let i = 0; i < d.length; i++) {
    if ((!mask || mask.data[i] > 0) && !Number.isFinite(d[i])) {
      throw new Error(`${where}: the image has a non-finite voxel (${d[i]}) at index ${i}; NaN/Inf intensities are not allowed`);
    }
  }
}

/** Inclusive voxel bounding box [x0, y0, z0, x1, y1, z1] of `mask > 0`, or null for an empty mask. */
export function maskBoundingBox(mask: { data: ArrayLike<number>; dims: Dims3 }): [number, number, number, number, number, number] | null {
  const [nx, ny, nz] = mask.dims;
  let x0 = nx, y0 = ny, z0 = nz, x1 = -1, y1 = -1, z1 = -1;
  const d = mask.data;
  let i = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        if (d[i] > 0) {
          if (x < x0) x0 = x; if (x > x1) x1 = x;
          if (y < y0) y0 = y; if (y > y1) y1 = y;
          if (z < z0) z0 = z; if (z > z1) z1 = z;
        }
      }
  return x1 < 0 ? null : [x0, y0, z0, x1, y1, z1];
}

/**
 * Inclusive voxel bounding box [x0, y0, z0, x1, y1, z1] and voxel count of `mask > 0` in one pass, or null for an
 * empty mask (same box as {@link maskBoundingBox}). A Uint8Array mask is read four voxels at a time (a zero 32-bit
 * word has no ROI voxel), so the pass over a whole image around a small ROI is cheap even before the JIT compiles it.
 */
export function maskExtent(mask: { data: ArrayLike<number>; dims: Dims3 }): { box: [number, number, number, number, number, number]; count: number } | null {
  const d = mask.data;
  const e = { x0: Infinity, y0: Infinity, z0: Infinity, x1: -1, y1: -1, z1: -1, count: 0 };
  const [nx, ny] = mask.dims;
  if (d instanceof Uint8Array && d.byteOffset % 4 === 0) {
    // lengths in locals: an interpreted loop would otherwise load `.length` at every iteration
    const words = new Uint32Array(d.buffer, d.byteOffset, d.length >> 2);
    const nw = words.length, len = d.length;
    for (let w = 0; w < nw; w++) if (words[w] !== 0) for (let i = 4 * w; i < 4 * w + 4; i++) if (d[i] > 0) addVoxel(e, i, nx, ny);
    for (let i = 4 * nw; i < len; i++) if (d[i] > 0) addVoxel(e, i, nx, ny);
  } else {
    const len = d.length;
    for (let i = 0; i < len; i++) if (d[i] > 0) addVoxel(e, i, nx, ny);
  }
  return e.count ? { box: [e.x0, e.y0, e.z0, e.x1, e.y1, e.z1], count: e.count } : null;
}

/** Adds voxel index i (grid nx × ny × …) to a running bounding box and count. */
function addVoxel(e: { x0: number; y0: number; z0: number; x1: number; y1: number; z1: number; count: number }, i: number, nx: number, ny: number): void {
  const x = i % nx, r = (i - x) / nx, y = r % ny, z = (r - y) / ny;
  if (x < e.x0) e.x0 = x; if (x > e.x1) e.x1 = x;
  if (y < e.y0) e.y0 = y; if (y > e.y1) e.y1 = y;
  if (z < e.z0) e.z0 = z; if (z > e.z1) e.z1 = z;
  e.count++;
}

/** Sorted distinct non-zero values of a label map. */
export function labelsPresent(labels: { data: ArrayLike<number> }): number[] {
  const seen = new Set<number>();
  const d = labels.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) seen.add(d[i]);
  return [...seen].sort((a, b) => a - b);
}

/** Binary mask of the voxels equal to `label`; throws listing the labels present when it is absent. */
export function maskForLabel(labels: { data: ArrayLike<number>; dims: Dims3; spacing: readonly [number, number, number]; origin?: readonly [number, number, number] }, label: number): Mask3D {
  const d = labels.data;
  const out = new Uint8Array(d.length);
  let n = 0;
  if ((ArrayBuffer.isView(d) && !(d instanceof DataView)) || Array.isArray(d)) {
    // the label's voxels by the native indexOf (=== comparison): a small lesion in a large label map costs little
    const find = d as unknown as { indexOf(v: number, from?: number): number };
    for (let i = find.indexOf(label); i >= 0; i = find.indexOf(label, i + 1)) { out[i] = 1; n++; }
  } else for (let i = 0; i < out.length; i++) if (d[i] === label) { out[i] = 1; n++; }
  if (n === 0) {
    const present = labelsPresent(labels);
    throw new Error(`maskForLabel: label ${label} is not in the mask; labels present: ${present.length ? present.join(', ') : 'none (empty mask)'}`);
  }
  return { data: out, dims: labels.dims, spacing: labels.spacing, origin: labels.origin };
}

/**
 * Connected components of `mask > 0` (26-connectivity by default, 6 with `connectivity = 6`).
 * Returns an Int32Array of component ids 1..n (0 outside) and n; components are numbered in voxel order
 * of their first voxel. Iterative flood fill with one Int32Array stack (no per-voxel allocation).
 */
export function connectedComponents(mask: { data: ArrayLike<number>; dims: Dims3 }, connectivity: 6 | 26 = 26): { labels: Int32Array; count: number } {
  const [nx, ny, nz] = mask.dims;
  const n = nx * ny * nz;
  const lab = new Int32Array(n);
  const stack = new Int32Array(n);
  const offs: number[][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const m = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (m === 0 || (connectivity === 6 && m > 1)) continue;
        offs.push([dx, dy, dz]);
      }
  let count = 0;
  const d = mask.data;
  for (let s = 0; s < n; s++) {
    if (d[s] <= 0 || lab[s] !== 0) continue;
    count++;
    let top = 0;
    stack[top++] = s;
    lab[s] = count;
    while (top > 0) {
      const v = stack[--top];
      const x = v % nx;
      const y = ((v - x) / nx) % ny;
      const z = (v - x - nx * y) / (nx * ny);
      for (let k = 0; k < offs.length; k++) {
        const o = offs[k];
        const xx = x + o[0], yy = y + o[1], zz = z + o[2];
        if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
        const w = xx + nx * (yy + ny * zz);
        if (d[w] > 0 && lab[w] === 0) { lab[w] = count; stack[top++] = w; }
      }
    }
  }
  return { labels: lab, count };
}
