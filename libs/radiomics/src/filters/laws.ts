/**
 * Laws kernels and texture energy maps (IBSI 2, section 2.4).
 */
import type { Image3D } from '../types';
import type { Boundary, FilterDimensionality, Pooling, ResponseMap } from './types';
import { convolveSeparable, poolInto, responseOf, toFloat } from './convolve';
import { meanFilter } from './basic';
import { rotatedKernelSets, type KernelTriple } from './rotation';

/** The 1D Laws kernels before normalisation (IBSI 2 table 2). */
export const LAWS_KERNELS: Readonly<Record<string, readonly number[]>> = {
  L3: [1, 2, 1],
  E3: [-1, 0, 1],
  S3: [-1, 2, -1],
  L5: [1, 4, 6, 4, 1],
  E5: [-1, -2, 0, 2, 1],
  S5: [-1, 0, 2, 0, -1],
  W5: [-1, 2, 0, -2, 1],
  R5: [1, -4, 6, -4, 1],
};

/** A 1D Laws kernel normalised to unit L2 norm (IBSI 2: e.g. L5 = [1, 4, 6, 4, 1] / √70). */
export function lawsKernel(name: string): Float64Array {
  const k = LAWS_KERNELS[name.toUpperCase()];
  if (!k) throw new Error(`lawsKernel: unknown Laws kernel "${name}" (known: ${Object.keys(LAWS_KERNELS).join(', ')})`);
  const n = Math.sqrt(k.reduce((a, v) => a + v * v, 0));
  return Float64Array.from(k, (v) => v / n);
}

export interface LawsFilterOptions {
  /** kernel combination, first along x, then y, then z: e.g. `E5L5S5` (3D) or `L5S5` (2D) */
  kernels: string;
  boundary?: Boundary;
  /** pool over the 4 (2D) / 24 (3D) right-angle rotations of the kernel (default false) */
  rotationInvariant?: boolean;
  pooling?: Pooling;
  /** compute the texture energy map with Chebyshev distance δ (window 2δ + 1); omitted: the response map */
  energyDistance?: number;
}

/**
 * Laws filter response (or energy map). The response is the separable convolution with the
 * normalised 1D kernels; with rotation invariance the responses of all distinct rotated kernels are
 * pooled voxel-wise (max by default). The energy map is the mean of |response| over a (2δ+1)^d
 * window, with the same boundary condition (IBSI 2 / MIRP order: pool, then energy).
 * 2 kernels → 2D filter applied per slice; 3 kernels → 3D.
 */
export function lawsFilter(img: Image3D, options: LawsFilterOptions): ResponseMap {
  const { kernels, boundary = 'mirror', rotationInvariant = false, pooling = 'max', energyDistance } = options;
  const names = kernels.match(/[A-Za-z]\d/g) ?? [];
  if (names.join('') !== kernels || (names.length !== 2 && names.length !== 3))
    throw new Error(`lawsFilter: kernels must be 2 or 3 Laws kernel names such as "E5L5S5", got "${kernels}"`);
  const set: KernelTriple = [lawsKernel(names[0]), lawsKernel(names[1]), names[2] ? lawsKernel(names[2]) : null];
  const data = toFloat(img, 'lawsFilter');
  const sets = rotationInvariant ? rotatedKernelSets(set) : [set];
  let acc: Float64Array | null = null;
  for (const s of sets) {
    const r = convolveSeparable(data, img.dims, s, boundary);
    if (!acc) acc = r;
    else poolInto(acc, r, pooling);
  }
  if (pooling === 'mean' && sets.length > 1) for (let k = 0; k < acc!.length; k++) acc![k] /= sets.length;
  let out = acc!;
  if (energyDistance !== undefined) {
    if (!Number.isInteger(energyDistance) || energyDistance < 0)
      throw new Error(`lawsFilter: energyDistance must be an integer ≥ 0, got ${energyDistance}`);
    for (let k = 0; k < out.length; k++) out[k] = Math.abs(out[k]);
    const dim: FilterDimensionality = names.length === 3 ? '3D' : '2D';
    out = meanFilter({ data: out, dims: img.dims, spacing: img.spacing }, { support: 2 * energyDistance + 1, boundary, dimensionality: dim }).data;
  }
  return responseOf(img, out);
}
