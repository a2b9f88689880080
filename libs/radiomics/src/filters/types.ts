/**
 * Types of the convolutional filters (IBSI 2: Depeursinge A et al., "Standardised convolutional
 * filtering for radiomics", arXiv:2006.05470) and the PyRadiomics image types.
 */
import type { Dims3, Vec3 } from '../types';

/**
 * Boundary condition (IBSI 2, padding): how the image is extended beyond its border.
 * - `zero`: 0 outside (SciPy `constant`, cval 0);
 * - `nearest`: the nearest border voxel (SciPy `nearest`: a a a | a b c d | d d d);
 * - `periodic`: the image repeats (SciPy `wrap`: b c d | a b c d | a b c);
 * - `mirror`: the image is mirrored about its border, border voxel repeated (SciPy `reflect`,
 *   NumPy `symmetric`: c b a | a b c d | d c b) — the IBSI 2 convention.
 */
export type Boundary = 'zero' | 'nearest' | 'periodic' | 'mirror';

export const BOUNDARIES: readonly Boundary[] = ['zero', 'nearest', 'periodic', 'mirror'];

/** `2D`: filter each z slice on its own (kernels in x and y only); `3D`: filter the volume. */
export type FilterDimensionality = '2D' | '3D';

/** Pooling of the response maps of rotated kernels (IBSI 2 rotation invariance). */
export type Pooling = 'max' | 'mean' | 'min';

/** A filter response map: float64 voxels on the input grid (x fastest). */
export interface ResponseMap {
  data: Float64Array;
  dims: Dims3;
  spacing: Vec3;
  origin?: Vec3;
}
