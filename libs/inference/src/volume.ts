/**
 * The minimal image-volume shape the inference library needs. It is structurally compatible with the
 * `Volume` of `@hepatoscope/imaging-io` (a typed data array, dims [nx, ny, nz] with x fastest, spacing and
 * origin in mm), so that a `Volume` can be passed where a `VolumeLike` is expected without a dependency.
 *
 * Voxel (x, y, z) is at `data[x + nx * (y + ny * z)]`; a slice z is the contiguous block of nx·ny values,
 * which maps onto an image tensor row-major with H = ny, W = nx.
 */
export type VoxelArray =
  Float32Array | Float64Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Int8Array | Uint8Array;

export interface VolumeLike {
  data: ArrayLike<number> & { length: number };
  dims: readonly [number, number, number] | readonly number[];
  spacing: readonly [number, number, number] | readonly number[];
  origin?: readonly number[];
  /** Row-major 3×3 direction cosines (LPS), column c = index axis c; identity when absent. */
  direction?: readonly number[];
}

/** Throws a descriptive error unless `v` has 3 positive integer dims matching its data length. */
export function checkVolume(v: VolumeLike, what = 'volume'): [number, number, number] {
  const d = v.dims;
  if (!d || d.length < 3 || d.slice(0, 3).some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new Error(`${what}: dims must be three positive integers [nx, ny, nz], got ${JSON.stringify(d)}`);
  }
  const [nx, ny, nz] = [d[0], d[1], d[2]];
  if (v.data.length !== nx * ny * nz) {
    throw new Error(`${what}: data has ${v.data.length} voxels but dims ${nx}×${ny}×${nz} need ${nx * ny * nz}`);
  }
  return [nx, ny, nz];
}
