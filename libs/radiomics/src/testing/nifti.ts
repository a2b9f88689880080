/**
 * A minimal NIfTI-1 reader for tests, fixtures and the bench (Node only: `node:fs`, `node:zlib`).
 * Not exported from the package index: the full imaging I/O lives in `@hepatoscope/imaging-io`.
 *
 * Supports single-file `.nii` / `.nii.gz` NIfTI-1 volumes (3D, or 4D with one volume), datatypes
 * uint8, int8, int16, uint16, int32, uint32, float32, float64; applies `scl_slope`/`scl_inter`
 * when the slope is non-zero and not 1 (then the data become Float64Array).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Image3D, NumericArray } from '../types';

export function parseNifti1(bytes: Uint8Array, label = 'buffer'): Image3D {
  let buf = bytes;
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = new Uint8Array(gunzipSync(buf));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let le = true;
  if (dv.getInt32(0, true) !== 348) {
    if (dv.getInt32(0, false) !== 348) throw new Error(`parseNifti1: ${label} is not a NIfTI-1 file (sizeof_hdr != 348)`);
    le = false;
  }
  const ndim = dv.getInt16(40, le);
  if (ndim < 1 || ndim > 4) throw new Error(`parseNifti1: ${label} has ${ndim} dims; 1 to 3 (or 4 with one volume) are supported`);
  const dim = [1, 1, 1, 1].map((_, i) => (i < ndim ? dv.getInt16(42 + 2 * i, le) : 1));
  if (ndim === 4 && dim[3] !== 1) throw new Error(`parseNifti1: ${label} has ${dim[3]} volumes; one was expected`);
  const datatype = dv.getInt16(70, le);
  const pix = [0, 1, 2].map((i) => Math.abs(dv.getFloat32(80 + 4 * i, le)) || 1);
  const voxOffset = Math.max(352, Math.round(dv.getFloat32(108, le)));
  const slope = dv.getFloat32(112, le);
  const inter = dv.getFloat32(116, le);
  const n = dim[0] * dim[1] * dim[2];
  const readers: Record<number, [number, (o: number) => number, new (n: number) => NumericArray]> = {
    2: [1, (o) => dv.getUint8(o), Uint8Array],
    256: [1, (o) => dv.getInt8(o), Int8Array],
    4: [2, (o) => dv.getInt16(o, le), Int16Array],
    512: [2, (o) => dv.getUint16(o, le), Uint16Array],
    8: [4, (o) => dv.getInt32(o, le), Int32Array],
    768: [4, (o) => dv.getUint32(o, le), Uint32Array],
    16: [4, (o) => dv.getFloat32(o, le), Float32Array],
    64: [8, (o) => dv.getFloat64(o, le), Float64Array],
  };
  const r = readers[datatype];
  if (!r) throw new Error(`parseNifti1: ${label} has unsupported datatype ${datatype}`);
  const [size, get, Ctor] = r;
  if (voxOffset + n * size > buf.byteLength) throw new Error(`parseNifti1: ${label} is truncated`);
  const scaled = slope !== 0 && !(slope === 1 && inter === 0);
  const data: NumericArray = scaled ? new Float64Array(n) : new Ctor(n);
  for (let i = 0; i < n; i++) {
    const v = get(voxOffset + i * size);
    data[i] = scaled ? v * slope + inter : v;
  }
  return { data, dims: [dim[0], dim[1], dim[2]], spacing: [pix[0], pix[1], pix[2]], origin: [0, 0, 0] };
}

export function readNifti1(path: string): Image3D {
  return parseNifti1(readFileSync(path), path);
}
