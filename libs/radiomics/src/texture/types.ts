/**
 * Types of the texture module (IBSI 1, sections 3.6–3.11).
 *
 * Every texture matrix is computed from a {@link DiscretisedImage}: grey levels 1..Ng inside the ROI
 * and 0 outside. Slices for 2D and 2.5D aggregation are the (x, y) planes at fixed z.
 */
import type { DiscretisedImage } from '../types';

export type { DiscretisedImage };

/**
 * The ROI voxels (level > 0) of a discretised image in voxel order: linear index and x, y, z of each. Kernels that
 * visit only these (not every voxel of the box) cost little on a cold run, where loops are interpreted.
 */
export interface RoiVoxels {
  count: number;
  index: Int32Array;
  x: Int32Array;
  y: Int32Array;
  z: Int32Array;
}

/** The six texture families of IBSI 1 chapter 3. */
export type TextureFamily = 'glcm' | 'glrlm' | 'glszm' | 'gldzm' | 'ngtdm' | 'ngldm';

export const TEXTURE_FAMILIES: readonly TextureFamily[] = ['glcm', 'glrlm', 'glszm', 'gldzm', 'ngtdm', 'ngldm'];

/**
 * Aggregation of GLCM / GLRLM directional matrices (IBSI 1, section 3.6.1):
 * - `2D_avg` (BTW3): a matrix per slice and 2D direction, features averaged over all of them;
 * - `2D_smrg` (SUJT): the 2D directional matrices of each slice merged, features averaged over slices;
 * - `2.5D_dmrg` (JJUI): the matrices of each 2D direction merged over slices, features averaged over directions;
 * - `2.5D_vmrg` (ZW7Z): all 2D directional matrices of all slices merged into one;
 * - `3D_avg` (ITBB): a matrix per 3D direction (13), features averaged over directions;
 * - `3D_vmrg` (IAZD): all 13 3D directional matrices merged into one.
 */
export type DirectionalAggregation = '2D_avg' | '2D_smrg' | '2.5D_dmrg' | '2.5D_vmrg' | '3D_avg' | '3D_vmrg';

export const DIRECTIONAL_AGGREGATIONS: readonly DirectionalAggregation[] = [
  '2D_avg',
  '2D_smrg',
  '2.5D_dmrg',
  '2.5D_vmrg',
  '3D_avg',
  '3D_vmrg',
];

/**
 * Aggregation of GLSZM / GLDZM / NGTDM / NGLDM (IBSI 1, section 3.8.1 etc.):
 * - `2D` (8QNN): a matrix per slice, features averaged over slices;
 * - `2.5D` (62GR): the slice matrices merged into one;
 * - `3D` (KOBO): one matrix from the 3D volume.
 */
export type ZoneAggregation = '2D' | '2.5D' | '3D';

export const ZONE_AGGREGATIONS: readonly ZoneAggregation[] = ['2D', '2.5D', '3D'];

/** IBSI permanent identifiers of the aggregation methods. */
export const AGGREGATION_CODES: Readonly<Record<DirectionalAggregation | ZoneAggregation, string>> = {
  '2D_avg': 'BTW3',
  '2D_smrg': 'SUJT',
  '2.5D_dmrg': 'JJUI',
  '2.5D_vmrg': 'ZW7Z',
  '3D_avg': 'ITBB',
  '3D_vmrg': 'IAZD',
  '2D': '8QNN',
  '2.5D': '62GR',
  '3D': 'KOBO',
};

/** Settings of the texture matrices. Defaults are the IBSI digital-phantom settings. */
export interface TextureOptions {
  /** families to compute (default: all six) */
  families?: readonly TextureFamily[];
  /** spatial modes to compute (default: 2D, 2.5D and 3D). `2D` also selects `2D_avg`/`2D_smrg`, etc. */
  dimensions?: readonly ZoneAggregation[];
  /** GLCM Chebyshev distance δ: the 13 (3D) / 4 (2D) unit directions are scaled by δ (default 1) */
  glcmDistance?: number;
  /** NGTDM neighbourhood Chebyshev radius δ (default 1) */
  ngtdmDistance?: number;
  /** NGLDM neighbourhood Chebyshev radius δ (default 1) */
  ngldmDistance?: number;
  /** NGLDM coarseness α: neighbours with |level difference| ≤ α are dependent (default 0) */
  ngldmAlpha?: number;
  /**
   * Morphological mask for the GLDZM distance map (1 inside). IBSI measures the distance to the ROI
   * border on the morphological mask; defaults to the intensity ROI (`levels > 0`).
   */
  morphologicalMask?: Uint8Array;
}

/**
 * A run-like matrix (GLRLM, GLSZM, GLDZM, NGLDM) in compressed-column form: grey level i = 1..ng
 * on rows, and a sorted list of distinct column values `jValues` (run length, zone size, distance
 * or dependence count) on columns. `counts[(i - 1) * nj + c]` counts the entries of grey level i with
 * column value `jValues[c]`. `nv` is the number of voxels the matrix was computed from (summed when
 * matrices are merged), the denominator of the percentage features.
 */
export interface RunLikeMatrix {
  ng: number;
  nj: number;
  jValues: Float64Array;
  counts: Float64Array;
  nv: number;
}

/** A symmetric co-occurrence matrix of counts, `counts[(i - 1) * ng + (j - 1)]`. */
export interface CooccurrenceMatrix {
  ng: number;
  counts: Float64Array;
}

/** NGTDM of IBSI 1 section 3.10: per grey level, n_i (voxels with a valid neighbourhood) and s_i. */
export interface NgtdmMatrix {
  ng: number;
  /** n_i: number of voxels of level i that have at least one neighbour in the ROI */
  n: Float64Array;
  /** s_i = Σ |i − Ā_i| over those voxels */
  s: Float64Array;
}
