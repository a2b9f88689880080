/**
 * IBSI 2 mean and Laplacian-of-Gaussian filters.
 */
import type { Image3D } from '../types';
import type { Boundary, FilterDimensionality, ResponseMap } from './types';
import { boxAxis, convolveSeparable, responseOf, toFloat } from './convolve';
// eslint-disable-next-line @typescript-eslint/no-unused-vars
import type { recursiveLogFilter } from './recursive-gaussian';

export interface MeanFilterOptions {
  /** support M: the kernel is M voxels wide along each filtered axis (odd, ≥ 1) */
  support: number;
  boundary?: Boundary;
  dimensionality?: FilterDimensionality;
}

/**
 * Mean filter (IBSI 2, section 2.2): the average over an M (2D: M × M, 3D: M × M × M) voxel
 * neighbourhood, h = 1/M^d, applied as separable 1D running sums (O(1) per voxel for any M).
 * Default boundary: mirror.
 */
export function meanFilter(img: Image3D, options: MeanFilterOptions): ResponseMap {
  const { support: m, boundary = 'mirror', dimensionality = '3D' } = options;
  if (!Number.isInteger(m) || m < 1 || m % 2 === 0) throw new Error(`meanFilter: support must be an odd integer ≥ 1, got ${m}`);
  const data = toFloat(img, 'meanFilter');
  const tmp = new Float64Array(data.length);
  let cur: Float64Array = data;
  let other: Float64Array = tmp;
  for (const axis of (dimensionality === '3D' ? [2, 1, 0] : [1, 0]) as (0 | 1 | 2)[]) {
    boxAxis(cur, img.dims, axis, m, boundary, other);
    [cur, other] = [other, cur];
  }
  return responseOf(img, cur);
}

/**
 * Sampled 1D Gaussian kernel of order 0 or 2, as SciPy's `ndimage` builds it: radius
 * r = ⌊truncate·σ + 0.5⌋, φ(x) = exp(−x²/(2σ²)) normalised to sum 1, and for order 2
 * φ''(x) = (x²/σ⁴ − 1/σ²) φ(x).
 */
export function gaussianKernel1d(sigma: number, order: 0 | 2, truncate = 4): Float64Array {
  if (!(sigma > 0)) throw new Error(`gaussianKernel1d: sigma must be > 0, got ${sigma}`);
  const r = Math.floor(truncate * sigma + 0.5);
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let x = -r; x <= r; x++) {
    k[x + r] = Math.exp((-0.5 * x * x) / (sigma * sigma));
    s += k[x + r];
  }
  for (let i = 0; i < k.length; i++) {
    k[i] /= s;
    if (order === 2) {
      const x = i - r;
      k[i] *= (x * x) / sigma ** 4 - 1 / (sigma * sigma);
    }
  }
  return k;
}

export interface LogFilterOptions {
  /** σ in mm (converted to voxels per axis with the spacing) */
  sigmaMm: number;
  /** kernel half-width in units of σ (IBSI 2 "cutoff"; default 4) */
  truncate?: number;
  boundary?: Boundary;
  dimensionality?: FilterDimensionality;
  /** multiply the response by σ² (scale normalisation, as ITK's NormalizeAcrossScale); default false */
  scaleNormalise?: boolean;
}

/**
 * Laplacian of Gaussian (IBSI 2, section 2.3): ∇²G_σ ∗ I = Σ_a (∂²G/∂x_a²) ∗ I, each term a
 * separable product of a second-derivative Gaussian along axis a and Gaussians along the others
 * (identical to SciPy `ndimage.gaussian_laplace` with per-axis σ = σ_mm / spacing). Default
 * boundary: mirror. PyRadiomics' `LoG` image type is different — SimpleITK's recursive (Deriche)
 * approximation with scale normalisation and nearest-value borders: use {@link recursiveLogFilter}
 * for it.
 */
export function logFilter(img: Image3D, options: LogFilterOptions): ResponseMap {
  const { sigmaMm, truncate = 4, boundary = 'mirror', dimensionality = '3D', scaleNormalise = false } = options;
  if (!(sigmaMm > 0)) throw new Error(`logFilter: sigmaMm must be > 0, got ${sigmaMm}`);
  const data = toFloat(img, 'logFilter');
  const axes = dimensionality === '3D' ? 3 : 2;
  const g0 = [0, 1, 2].map((a) => gaussianKernel1d(sigmaMm / img.spacing[a], 0, truncate));
  const g2 = [0, 1, 2].map((a) => gaussianKernel1d(sigmaMm / img.spacing[a], 2, truncate));
  const out = new Float64Array(data.length);
  for (let a = 0; a < axes; a++) {
    const ks: [Float64Array | null, Float64Array | null, Float64Array | null] = [null, null, null];
    for (let b = 0; b < axes; b++) ks[b] = b === a ? g2[b] : g0[b];
    const t = convolveSeparable(data, img.dims, ks, boundary);
    for (let k = 0; k < out.length; k++) out[k] += t[k];
  }
  if (scaleNormalise) {
    const s2 = sigmaMm * sigmaMm;
    for (let k = 0; k < out.length; k++) out[k] *= s2;
  }
  return responseOf(img, out);
}
