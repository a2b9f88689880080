/**
 * Helpers for the imaging-io tests (not exported from the package): build small volumes and tamper
 * with DICOM files.
 */
import { deflateRawSync } from 'node:zlib';
import type { Mat3, Volume } from './types';
import { createVolume } from './volume';

/** A small CT-like volume in HU with a distinct value per voxel. */
export function ctVolume(dims: [number, number, number] = [6, 5, 4], direction?: Mat3, spacing: [number, number, number] = [0.8, 0.9, 2.5]): Volume<Int16Array> {
  const n = dims[0] * dims[1] * dims[2];
  const data = new Int16Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 37) % 2000) - 1000;
  return createVolume({ data, dims, spacing, origin: [-100.5, 20.25, 55], direction, metadata: { modality: 'CT' } });
}

/** Byte offset where the data set starts (after preamble, DICM, and the file meta group). */
export function dataSetOffset(file: Uint8Array): number {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const metaLen = v.getUint32(132 + 8, true);
  return 132 + 12 + metaLen;
}

/** Re-encodes an explicit-LE file as Deflated Explicit VR Little Endian (only the meta UID changes otherwise). */
export function deflateFile(file: Uint8Array, withTsUid: (f: Uint8Array) => Uint8Array): Uint8Array {
  const f = withTsUid(file);
  const off = dataSetOffset(f);
  const body = deflateRawSync(f.subarray(off));
  const out = new Uint8Array(off + body.length);
  out.set(f.subarray(0, off));
  out.set(body, off);
  return out;
}

/** Encapsulated Pixel Data element bytes (empty basic offset table, one fragment per frame). */
export function encapsulatedPixelData(fragments: Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  const u16 = (x: number) => parts.push(x & 0xff, x >> 8);
  const u32 = (x: number) => {
    u16(x & 0xffff);
    u16(x >>> 16);
  };
  u16(0x7fe0);
  u16(0x0010);
  parts.push(0x4f, 0x42, 0, 0); // "OB" + reserved
  u32(0xffffffff);
  u16(0xfffe);
  u16(0xe000);
  u32(0);
  for (const f of fragments) {
    const even = f.length % 2 ? Uint8Array.from([...f, 0]) : f;
    u16(0xfffe);
    u16(0xe000);
    u32(even.length);
    for (const b of even) parts.push(b);
  }
  u16(0xfffe);
  u16(0xe0dd);
  u32(0);
  return Uint8Array.from(parts);
}

export function concat(...arrays: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}
