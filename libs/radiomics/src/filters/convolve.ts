/**
 * Separable convolution on 3D grids (x fastest) with the IBSI 2 boundary conditions.
 *
 * Convolution follows SciPy's `ndimage.convolve1d` with `origin = 0` for odd kernels:
 * out[i] = Σ_{j=0}^{L−1} w[j] · in[i + c − j], c = ⌊L/2⌋ — i.e. the kernel is flipped, as in a true
 * convolution, and centred. Even-length kernels are first extended with a trailing 0 (the IBSI 2 /
 * MIRP convention for wavelet filters). One output line buffer per call; no per-voxel allocation.
 */
import type { Boundary, ResponseMap } from './types';
import type { Dims3, Image3D } from '../types';

/**
 * Maps an index outside [0, n) into it according to the boundary condition; −1 means "zero".
 * Works for any overshoot (kernels longer than the image).
 */
export function boundaryIndex(i: number, n: number, boundary: Boundary): number {
  if (i >= 0 && i < n) return i;
  switch (boundary) {
    case 'zero':
      return -1;
    case 'nearest':
      return i < 0 ? 0 : n - 1;
    case 'periodic':
      return ((i % n) + n) % n;
    case 'mirror': {
      const p = 2 * n;
      const m = ((i % p) + p) % p;
      return m < n ? m : p - 1 - m;
    }
  }
}

/** Extends an even-length kernel with a trailing 0 so that it has a centre (IBSI 2 / MIRP). */
export function oddKernel(w: ArrayLike<number>): Float64Array {
  const out = new Float64Array(w.length % 2 === 0 ? w.length + 1 : w.length);
  for (let k = 0; k < w.length; k++) out[k] = w[k];
  return out;
}

/**
 * Convolves `src` along one axis (0 = x, 1 = y, 2 = z) with kernel `w` into `dst` (may not alias src).
 */
export function convolveAxis(
  src: Float64Array,
  dims: Dims3,
  axis: 0 | 1 | 2,
  kernel: ArrayLike<number>,
  boundary: Boundary,
  dst: Float64Array = new Float64Array(src.length),
): Float64Array {
  const w = oddKernel(kernel);
  const L = w.length;
  const c = L >> 1;
  const [nx, ny, nz] = dims;
  const n = dims[axis];
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  // index table for the padded line: position p ∈ [0, n + L − 1) ↔ i = p − (L − 1 − c)
  const pad = L - 1;
  const lead = L - 1 - c;
  const map = new Int32Array(n + pad);
  for (let p = 0; p < n + pad; p++) map[p] = boundaryIndex(p - lead, n, boundary);
  const line = new Float64Array(n + pad);
  const lines = (nx * ny * nz) / n;
  for (let l = 0; l < lines; l++) {
    // base offset of line l
    let base: number;
    if (axis === 0) base = l * nx;
    else if (axis === 1) base = (l % nx) + nx * ny * Math.floor(l / nx);
    else base = l;
    for (let p = 0; p < n + pad; p++) {
      const m = map[p];
      line[p] = m < 0 ? 0 : src[base + m * stride];
    }
    // out[i] = Σ_j w[j] in[i + c − j] = Σ_j w[j] line[i + c − j + lead] = Σ_j w[j] line[i + L − 1 − j]
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i + L - 1;
      for (let j = 0; j < L; j++) s += w[j] * line[o - j];
      dst[base + i * stride] = s;
    }
  }
  return dst;
}

/**
 * Moving average of odd width `m` along one axis (the box kernel 1/m, as SciPy `uniform_filter1d`):
 * a running sum over the boundary-extended line, O(1) per voxel whatever m.
 */
export function boxAxis(src: Float64Array, dims: Dims3, axis: 0 | 1 | 2, m: number, boundary: Boundary, dst: Float64Array): Float64Array {
  const [nx, ny, nz] = dims;
  const n = dims[axis];
  const c = m >> 1;
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const map = new Int32Array(n + m - 1);
  for (let p = 0; p < map.length; p++) map[p] = boundaryIndex(p - c, n, boundary);
  const line = new Float64Array(n + m - 1);
  const lines = (nx * ny * nz) / n;
  for (let l = 0; l < lines; l++) {
    const base = axis === 0 ? l * nx : axis === 1 ? (l % nx) + nx * ny * Math.floor(l / nx) : l;
    for (let p = 0; p < line.length; p++) {
      const q = map[p];
      line[p] = q < 0 ? 0 : src[base + q * stride];
    }
    let sum = 0;
    for (let p = 0; p < m; p++) sum += line[p];
    dst[base] = sum / m;
    for (let i = 1; i < n; i++) {
      sum += line[i + m - 1] - line[i - 1];
      dst[base + i * stride] = sum / m;
    }
  }
  return dst;
}

/**
 * Applies 1D kernels along x, y and z (null: no filtering along that axis), z first, then y, then x
 * (the order of SciPy-based references; the result is the same up to rounding).
 */
export function convolveSeparable(
  src: Float64Array,
  dims: Dims3,
  kernels: readonly [ArrayLike<number> | null, ArrayLike<number> | null, ArrayLike<number> | null],
  boundary: Boundary,
): Float64Array {
  let cur = src;
  let spare: Float64Array | null = null;
  for (const axis of [2, 1, 0] as const) {
    const k = kernels[axis];
    if (!k) continue;
    const out: Float64Array = spare && spare !== src ? spare : new Float64Array(src.length);
    convolveAxis(cur, dims, axis, k, boundary, out);
    spare = cur === src ? null : cur;
    cur = out;
  }
  return cur === src ? src.slice() : cur;
}

/** Copies any numeric image into float64 and checks its geometry. */
export function toFloat(img: Image3D, where: string): Float64Array {
  const [nx, ny, nz] = img.dims;
  if (img.data.length !== nx * ny * nz)
    throw new Error(`${where}: image has ${img.data.length} voxels but dims ${nx}×${ny}×${nz} need ${nx * ny * nz}`);
  const out = new Float64Array(img.data.length);
  out.set(img.data as ArrayLike<number>); // (not Float64Array.from: its generic iterator path is slow before the JIT)
  for (let k = 0; k < out.length; k++)
    if (!Number.isFinite(out[k])) throw new Error(`${where}: voxel ${k} is ${out[k]} (NaN/Inf voxels are not allowed)`);
  return out;
}

/** Wraps data as a response map on the grid of `img`. */
export function responseOf(img: Image3D, data: Float64Array): ResponseMap {
  return { data, dims: img.dims, spacing: img.spacing, ...(img.origin ? { origin: img.origin } : {}) };
}

/** Voxel-wise pooling of response maps into `acc` (max, min or sum; divide by the count for mean). */
export function poolInto(acc: Float64Array, x: Float64Array, pooling: 'max' | 'min' | 'mean'): void {
  if (pooling === 'max') for (let k = 0; k < acc.length; k++) acc[k] = x[k] > acc[k] ? x[k] : acc[k];
  else if (pooling === 'min') for (let k = 0; k < acc.length; k++) acc[k] = x[k] < acc[k] ? x[k] : acc[k];
  else for (let k = 0; k < acc.length; k++) acc[k] += x[k];
}
