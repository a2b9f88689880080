/**
 * PyRadiomics image types other than the filters (radiomics.imageoperations, PyRadiomics 3.1):
 * Square, SquareRoot, Logarithm, Exponential, Gradient and LBP2D. Each returns a float64 image on
 * the input grid. The intensity transforms rescale with M = max |x| over the whole image, exactly
 * as PyRadiomics does; an all-zero image has M = 0 and is rejected (PyRadiomics would produce NaN).
 * When the image was cropped before filtering, pass the uncropped image's M as `maxAbs` to keep
 * PyRadiomics' values.
 */
import type { Image3D } from '../types';
import type { ResponseMap } from './types';
import { responseOf, toFloat } from './convolve';

function maxAbsOf(a: Float64Array, where: string): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]));
  if (m === 0) throw new Error(`${where}: every voxel is 0, so max |x| = 0 and the PyRadiomics rescaling is undefined`);
  return m;
}

/** Square (PyRadiomics `getSquareImage`): f(x) = (x / √M)², M = max |x|. */
export function squareImage(img: Image3D, maxAbs?: number): ResponseMap {
  const a = toFloat(img, 'squareImage');
  const c = 1 / Math.sqrt(maxAbs ?? maxAbsOf(a, 'squareImage'));
  for (let k = 0; k < a.length; k++) a[k] = (c * a[k]) ** 2;
  return responseOf(img, a);
}

/** Square root (PyRadiomics `getSquareRootImage`): f(x) = sign(x) · √(|x| · M). */
export function squareRootImage(img: Image3D, maxAbs?: number): ResponseMap {
  const a = toFloat(img, 'squareRootImage');
  const m = maxAbs ?? maxAbsOf(a, 'squareRootImage');
  for (let k = 0; k < a.length; k++) a[k] = a[k] > 0 ? Math.sqrt(a[k] * m) : a[k] < 0 ? -Math.sqrt(-a[k] * m) : 0;
  return responseOf(img, a);
}

/**
 * Logarithm (PyRadiomics `getLogarithmImage`): g(x) = sign(x) · ln(|x| + 1), then rescaled so that
 * max |f| = M: f = g · M / max |g|, where max |g| = ln(M + 1) (g is monotonic in |x|).
 */
export function logarithmImage(img: Image3D, maxAbs?: number): ResponseMap {
  const a = toFloat(img, 'logarithmImage');
  const m = maxAbs ?? maxAbsOf(a, 'logarithmImage');
  const g = Math.log(m + 1);
  for (let k = 0; k < a.length; k++) a[k] = a[k] > 0 ? Math.log(a[k] + 1) : a[k] < 0 ? -Math.log(-(a[k] - 1)) : 0;
  for (let k = 0; k < a.length; k++) a[k] *= m / g;
  return responseOf(img, a);
}

/** Exponential (PyRadiomics `getExponentialImage`): f(x) = exp(x · ln(M) / M). */
export function exponentialImage(img: Image3D, maxAbs?: number): ResponseMap {
  const a = toFloat(img, 'exponentialImage');
  const m = maxAbs ?? maxAbsOf(a, 'exponentialImage');
  const c = Math.log(m) / m;
  for (let k = 0; k < a.length; k++) a[k] = Math.exp(c * a[k]);
  return responseOf(img, a);
}

/**
 * Gradient magnitude (PyRadiomics `getGradientImage` = SimpleITK GradientMagnitude): central
 * differences g_a = (x[i+1] − x[i−1]) / (2 s_a) along each axis (s_a the spacing when `useSpacing`,
 * else 1), border voxels repeated (ITK zero-flux Neumann condition); f = √(Σ g_a²).
 */
export function gradientImage(img: Image3D, useSpacing = true): ResponseMap {
  const a = toFloat(img, 'gradientImage');
  const [nx, ny, nz] = img.dims;
  const n = [nx, ny, nz];
  const stride = [1, nx, nx * ny];
  const out = new Float64Array(a.length);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const k = x + nx * (y + ny * z);
        let s = 0;
        for (let ax = 0; ax < 3; ax++) {
          const c = ax === 0 ? x : ax === 1 ? y : z; // no per-voxel allocation
          const lo = c > 0 ? k - stride[ax] : k;
          const hi = c < n[ax] - 1 ? k + stride[ax] : k;
          const g = (a[hi] - a[lo]) / (2 * (useSpacing ? img.spacing[ax] : 1));
          s += g * g;
        }
        out[k] = Math.sqrt(s);
      }
  return responseOf(img, out);
}

/** NumPy-style round half to even at `decimals` decimals. */
function roundHalfEven(v: number, decimals: number): number {
  const f = 10 ** decimals;
  const y = v * f;
  const r = Math.round(y);
  return (Math.abs(y % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) / f;
}

/**
 * LBP2D (PyRadiomics `getLBP2DImage`, scikit-image `local_binary_pattern(method='uniform')`),
 * computed plane by plane: z slices for PyRadiomics' default `force2Ddimension` 0 (1: y planes, 2: x
 * planes, as PyRadiomics swaps that NumPy axis of its [z, y, x] array to the front). For each pixel, P samples
 * on a circle of radius R (row offset −R sin(2πp/P), column offset R cos(2πp/P), rounded to 5
 * decimals) are bilinearly interpolated (0 outside the slice); s_p = [sample ≥ centre]. With U the
 * number of changes s_p ≠ s_{p+1} for p = 0…P−2 (scikit-image does not close the circle), the code
 * is Σ s_p when U ≤ 2, else P + 1. Rows/columns: (y, x), (z, x) or (y, z) for dimension 0, 1, 2.
 */
export function lbp2DImage(
  img: Image3D,
  options: { radius?: number; samples?: number; force2Ddimension?: 0 | 1 | 2 } = {},
): ResponseMap {
  const { radius = 1, samples: P = 8, force2Ddimension = 0 } = options;
  if (!(radius > 0) || !Number.isInteger(P) || P < 1) throw new Error(`lbp2DImage: radius must be > 0 and samples a positive integer, got ${radius}, ${P}`);
  const a = toFloat(img, 'lbp2DImage');
  const [nx, ny] = img.dims;
  const stride = [1, nx, nx * ny];
  // PyRadiomics swaps NumPy axis `force2Ddimension` (0 = z, 1 = y, 2 = x of the [z, y, x] array) to the front:
  // the planes are then indexed [row][column] = [y][x], [z][x] or [y][z]
  const [stackAxis, rowAxis, colAxis] = ([[2, 1, 0], [1, 2, 0], [0, 1, 2]] as const)[force2Ddimension];
  const nr = img.dims[rowAxis];
  const nc = img.dims[colAxis];
  const rp = new Float64Array(P);
  const cp = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    rp[p] = roundHalfEven(-radius * Math.sin((2 * Math.PI * p) / P), 5);
    cp[p] = roundHalfEven(radius * Math.cos((2 * Math.PI * p) / P), 5);
  }
  const out = new Float64Array(a.length);
  const s = new Uint8Array(P);
  for (let w = 0; w < img.dims[stackAxis]; w++) {
    const base = w * stride[stackAxis];
    const at = (r: number, c: number) => base + r * stride[rowAxis] + c * stride[colAxis];
    const px = (r: number, c: number) => (r < 0 || r >= nr || c < 0 || c >= nc ? 0 : a[at(r, c)]);
    for (let r = 0; r < nr; r++)
      for (let c = 0; c < nc; c++) {
        const centre = a[at(r, c)];
        for (let p = 0; p < P; p++) {
          const rr = r + rp[p];
          const cc = c + cp[p];
          const minr = Math.floor(rr);
          const minc = Math.floor(cc);
          const maxr = Math.ceil(rr);
          const maxc = Math.ceil(cc);
          const dr = rr - minr;
          const dc = cc - minc;
          const top = (1 - dc) * px(minr, minc) + dc * px(minr, maxc);
          const bottom = (1 - dc) * px(maxr, minc) + dc * px(maxr, maxc);
          const v = (1 - dr) * top + dr * bottom;
          s[p] = v - centre >= 0 ? 1 : 0;
        }
        let changes = 0;
        for (let p = 0; p < P - 1; p++) if (s[p] !== s[p + 1]) changes++;
        let code = 0;
        if (changes <= 2) for (let p = 0; p < P; p++) code += s[p];
        else code = P + 1;
        out[at(r, c)] = code;
      }
  }
  return responseOf(img, out);
}
