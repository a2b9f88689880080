import {
  IDENTITY_DIRECTION,
  type Dims3,
  type Mat3,
  type NumericArray,
  type Vec3,
  type Volume,
  type VolumeDType,
  type VolumeMetadata,
} from './types';

type TypedArrayCtor = {
  new (n: number): NumericArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NumericArray;
  BYTES_PER_ELEMENT: number;
};

const CTORS: Record<VolumeDType, TypedArrayCtor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** The typed-array constructor of a dtype. */
export function arrayCtor(dtype: VolumeDType): TypedArrayCtor {
  return CTORS[dtype];
}

/** Bytes per voxel of a dtype. */
export function bytesPerVoxel(dtype: VolumeDType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** A zero-filled typed array of `n` voxels of `dtype`. */
export function allocate(dtype: VolumeDType, n: number): NumericArray {
  return new CTORS[dtype](n);
}

/** The dtype name of a typed array (throws for anything else). */
export function dtypeOf(data: NumericArray): VolumeDType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  throw new Error(`dtypeOf: unsupported array type ${(data as object)?.constructor?.name}`);
}

export interface CreateVolumeInit<T extends NumericArray> {
  data: T;
  dims: Dims3;
  spacing?: Vec3;
  origin?: Vec3;
  direction?: Mat3;
  metadata?: VolumeMetadata;
}

/**
 * Builds a `Volume`, validating that `data.length = nx·ny·nz`, dims are positive integers, spacing is
 * positive and finite. Defaults: spacing 1 mm, origin 0, identity direction, empty metadata.
 */
export function createVolume<T extends NumericArray>(init: CreateVolumeInit<T>): Volume<T> {
  const dims = init.dims;
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`createVolume: dims must be three positive integers, got [${dims.join(', ')}]`);
  }
  const n = dims[0] * dims[1] * dims[2];
  if (init.data.length !== n) {
    throw new Error(`createVolume: data has ${init.data.length} voxels but dims [${dims.join(', ')}] need ${n}`);
  }
  const spacing = init.spacing ?? [1, 1, 1];
  if (spacing.length !== 3 || spacing.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new Error(`createVolume: spacing must be three positive numbers, got [${spacing.join(', ')}]`);
  }
  return {
    data: init.data,
    dims: [dims[0], dims[1], dims[2]],
    spacing: [spacing[0], spacing[1], spacing[2]],
    origin: init.origin ? [init.origin[0], init.origin[1], init.origin[2]] : [0, 0, 0],
    direction: init.direction ?? IDENTITY_DIRECTION,
    dtype: dtypeOf(init.data),
    metadata: init.metadata ? { ...init.metadata } : {},
  };
}

/** A new volume on the same grid as `like`, with the given data (metadata copied, then `metadata` merged). */
export function volumeLike<T extends NumericArray>(like: Volume, data: T, metadata?: VolumeMetadata): Volume<T> {
  return createVolume({
    data,
    dims: like.dims,
    spacing: like.spacing,
    origin: like.origin,
    direction: like.direction,
    metadata: { ...like.metadata, ...(metadata ?? {}) },
  });
}

/** world (LPS mm) of continuous index (i, j, k): origin + D·diag(spacing)·ijk. */
export function indexToWorld(v: Pick<Volume, 'origin' | 'direction' | 'spacing'>, i: number, j: number, k: number): Vec3 {
  const d = v.direction;
  const a = i * v.spacing[0];
  const b = j * v.spacing[1];
  const c = k * v.spacing[2];
  return [
    v.origin[0] + d[0] * a + d[1] * b + d[2] * c,
    v.origin[1] + d[3] * a + d[4] * b + d[5] * c,
    v.origin[2] + d[6] * a + d[7] * b + d[8] * c,
  ];
}

/** Continuous index of a world point (inverse of `indexToWorld`; direction assumed orthonormal). */
export function worldToIndex(v: Pick<Volume, 'origin' | 'direction' | 'spacing'>, p: Vec3): Vec3 {
  const d = v.direction;
  const x = p[0] - v.origin[0];
  const y = p[1] - v.origin[1];
  const z = p[2] - v.origin[2];
  // Dᵀ·(p − o) / spacing
  return [
    (d[0] * x + d[3] * y + d[6] * z) / v.spacing[0],
    (d[1] * x + d[4] * y + d[7] * z) / v.spacing[1],
    (d[2] * x + d[5] * y + d[8] * z) / v.spacing[2],
  ];
}

/** true when two volumes share dims and (within `tol` mm / cosines) spacing, origin and direction. */
export function sameGrid(a: Volume, b: Volume, tol = 1e-3): boolean {
  for (let t = 0; t < 3; t++) {
    if (a.dims[t] !== b.dims[t]) return false;
    if (Math.abs(a.spacing[t] - b.spacing[t]) > tol) return false;
    if (Math.abs(a.origin[t] - b.origin[t]) > tol) return false;
  }
  for (let t = 0; t < 9; t++) if (Math.abs(a.direction[t] - b.direction[t]) > tol) return false;
  return true;
}

/** Minimum and maximum of the data (NaN ignored). */
export function dataRange(data: NumericArray): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}
