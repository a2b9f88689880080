/**
 * Core grid types shared by every radiomics module.
 *
 * Voxel order is x fastest, then y, then z: `index = x + nx * (y + ny * z)` (the NIfTI/ITK order,
 * with x = columns i, y = rows j, z = slices k). Spacing is in millimetres, in the same order.
 */
export type Dims3 = readonly [nx: number, ny: number, nz: number];
export type Vec3 = readonly [number, number, number];

/** Any numeric typed array an image may carry. */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/** A scalar image on a regular grid. */
export interface Image3D<T extends NumericArray = NumericArray> {
  data: T;
  dims: Dims3;
  /** voxel spacing in mm (x, y, z) */
  spacing: Vec3;
  /** world position of voxel (0,0,0) in mm; defaults to (0,0,0) where absent */
  origin?: Vec3;
}

/** A binary region of interest on the same grid as an image: 1 inside, 0 outside. */
export interface Mask3D {
  data: Uint8Array;
  dims: Dims3;
  spacing: Vec3;
  origin?: Vec3;
}

/**
 * A discretised ROI, the input of every texture matrix: `levels[i]` is the grey level 1..ng of
 * voxel i when it belongs to the (intensity) ROI, and 0 outside it.
 */
export interface DiscretisedImage {
  levels: Int32Array;
  dims: Dims3;
  spacing: Vec3;
  /** number of grey levels Ng: levels lie in 1..ng */
  ng: number;
}

/**
 * A feature value with the reason it is undefined. A value of NaN always carries `reason`.
 */
export interface FeatureValue {
  value: number;
  reason?: string;
}
