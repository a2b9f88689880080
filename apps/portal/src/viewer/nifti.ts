/**
 * Fetching NIfTI volumes for cornerstone's nifti-volume-loader.
 *
 * The API serves `.nii.gz` bytes at extension-less URLs (`/api/files/series/<id>`), but the loader decides whether to
 * gunzip the header request from the URL *path* (`.gz` suffix). So the viewer fetches the bytes itself (session
 * cookie, same origin), gunzips them with the browser's native DecompressionStream when they start with the gzip
 * magic, and hands the loader an absolute `blob:` URL of the raw NIfTI. The loader's own requests then never touch
 * the network again.
 */

/** True when the buffer starts with the gzip magic bytes 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips with the native streaming decoder (much faster than a JS inflate for 50 MB volumes). */
export async function gunzip(bytes: Uint8Array): Promise<ArrayBuffer> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

/** Fetches an API file (absolute URL from the path, session cookie); the bytes as sent (maybe gzipped). */
async function fetchBytes(path: string, signal?: AbortSignal): Promise<Uint8Array> {
  const url = new URL(path, window.location.href).href;
  const res = await fetch(url, { credentials: 'same-origin', signal });
  if (!res.ok) throw new Error(`Could not load image ${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Prefetched downloads not yet claimed by `download`, by path. */
const prefetched = new Map<string, Promise<Uint8Array>>();
/** Paths downloaded recently (not prefetched again while the viewer holds them). */
const recent = new Set<string>();
const PREFETCH_TTL_MS = 60_000;

function remember(path: string): void {
  recent.add(path);
  setTimeout(() => recent.delete(path), PREFETCH_TTL_MS);
}

/**
 * Starts downloading series files before the viewer (a large code chunk) has loaded, so the transfers overlap the
 * chunk download and cornerstone's start-up. Call it while rendering the case (before the viewer's effects run).
 * Paths already prefetched or downloaded within the last minute are skipped; unclaimed prefetches are dropped after
 * a minute.
 */
export function prefetch(paths: readonly string[]): void {
  if (typeof window === 'undefined') return;
  for (const p of paths) {
    if (prefetched.has(p) || recent.has(p)) continue;
    const pr = fetchBytes(p);
    pr.catch(() => undefined);
    prefetched.set(p, pr);
    setTimeout(() => {
      if (prefetched.get(p) === pr) prefetched.delete(p);
    }, PREFETCH_TTL_MS);
  }
}

/**
 * Downloads an API file (absolute URL from the path, session cookie); returns the bytes as sent (maybe gzipped).
 * Takes a prefetch of the same path when there is one (each prefetch is handed out once).
 */
export async function download(path: string, signal?: AbortSignal): Promise<Uint8Array> {
  const pre = prefetched.get(path);
  remember(path);
  if (pre) {
    prefetched.delete(path);
    return pre;
  }
  return fetchBytes(path, signal);
}

/** Raw NIfTI bytes: gunzipped when they start with the gzip magic. */
export async function inflateNifti(bytes: Uint8Array): Promise<ArrayBuffer> {
  return isGzip(bytes) ? gunzip(bytes) : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Fetches a NIfTI (optionally gzipped) from an API path; returns the raw (uncompressed) bytes. */
export async function fetchNifti(path: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  return inflateNifti(await download(path, signal));
}

/**
 * Zero-copy view of the voxels when the file allows it (little-endian uint8/int16/uint16/float32, identity
 * scaling, aligned vox_offset); null otherwise (the caller then copies and rescales).
 */
export function voxelView(buf: ArrayBuffer): Uint8Array | Int16Array | Uint16Array | Float32Array | null {
  const dv = new DataView(buf);
  if (dv.getInt32(0, true) !== 348) return null; // NIfTI-1, little endian only
  const datatype = dv.getInt16(70, true);
  const off = dv.getFloat32(108, true);
  const slope = dv.getFloat32(112, true);
  const inter = dv.getFloat32(116, true);
  if (!(slope === 0 || slope === 1 || Number.isNaN(slope)) || !(inter === 0 || Number.isNaN(inter))) return null;
  const n = [1, 2, 3].reduce((a, i) => a * Math.max(1, dv.getInt16(40 + 2 * i, true)), 1);
  const bytes = ({ 2: 1, 4: 2, 512: 2, 16: 4 } as Record<number, number>)[datatype];
  if (!bytes || off % bytes !== 0 || off + n * bytes > buf.byteLength) return null;
  if (datatype === 2) return new Uint8Array(buf, off, n);
  if (datatype === 4) return new Int16Array(buf, off, n);
  if (datatype === 512) return new Uint16Array(buf, off, n);
  return new Float32Array(buf, off, n);
}

/** Minimal NIfTI-1/2 header fields the viewer needs to read a label map. */
export interface NiftiLabels {
  dims: [number, number, number];
  data: Uint8Array | Uint16Array | Int16Array | Int32Array | Float32Array;
}

/**
 * Reads dims and voxel data of a NIfTI-1 or NIfTI-2 label image (little or big endian; uint8/int16/uint16/int32/float32).
 * Throws with the reason when the bytes are not such a file.
 */
export function readNiftiLabels(buf: ArrayBuffer): NiftiLabels {
  const dv = new DataView(buf);
  let le = true;
  let size = dv.getInt32(0, true);
  if (size !== 348 && size !== 540) {
    le = false;
    size = dv.getInt32(0, false);
  }
  if (size !== 348 && size !== 540) throw new Error(`readNiftiLabels: not a NIfTI file (sizeof_hdr ${size})`);
  const v2 = size === 540;
  const dim = (i: number) => (v2 ? Number(dv.getBigInt64(16 + 8 * i, le)) : dv.getInt16(40 + 2 * i, le));
  const datatype = v2 ? dv.getInt16(12, le) : dv.getInt16(70, le);
  const voxOffset = v2 ? Number(dv.getBigInt64(168, le)) : dv.getFloat32(108, le);
  const dims: [number, number, number] = [dim(1), dim(2), Math.max(1, dim(3))];
  const n = dims[0] * dims[1] * dims[2];
  const off = Math.round(voxOffset);
  const take = (bytesPer: number) => {
    if (off + n * bytesPer > buf.byteLength) throw new Error(`readNiftiLabels: file holds ${buf.byteLength} bytes, ${off + n * bytesPer} needed`);
    return buf.slice(off, off + n * bytesPer);
  };
  const swap = (arr: Uint16Array | Int16Array | Int32Array | Float32Array, bytesPer: number) => {
    if (le) return arr;
    const u8 = new Uint8Array(arr.buffer);
    for (let i = 0; i < u8.length; i += bytesPer) u8.subarray(i, i + bytesPer).reverse();
    return arr;
  };
  switch (datatype) {
    case 2:
      return { dims, data: new Uint8Array(take(1)) };
    case 4:
      return { dims, data: swap(new Int16Array(take(2)), 2) };
    case 512:
      return { dims, data: swap(new Uint16Array(take(2)), 2) };
    case 8:
      return { dims, data: swap(new Int32Array(take(4)), 4) };
    case 16:
      return { dims, data: swap(new Float32Array(take(4)), 4) };
    default:
      throw new Error(`readNiftiLabels: datatype ${datatype} is not supported for label maps`);
  }
}

/** Geometry of a NIfTI volume in cornerstone's LPS world (the conversion nifti-volume-loader applies). */
export interface LpsGeometry {
  dimensions: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  /** Row-major 3×3 direction cosines: row, column and slice axes (LPS). */
  direction: number[];
}

/**
 * RAS affine (NIfTI sform/qform, 4×4 row-major) → LPS origin, unit direction axes and spacing: the spacing of axis j
 * is the norm of affine column j, the axis is that column divided by it, and RAS→LPS flips x and y.
 * Mirrors nifti-volume-loader's `rasToLps` + `parseAffineMatrix` (not exported by the package).
 */
export function affineToLps(affine: number[][], dims: [number, number, number]): LpsGeometry {
  const spacing = [0, 1, 2].map((j) => Math.hypot(affine[0][j], affine[1][j], affine[2][j]) || 1) as [number, number, number];
  // (+ 0 turns -0 into 0)
  const axis = (j: number) => [-affine[0][j] / spacing[j] + 0, -affine[1][j] / spacing[j] + 0, affine[2][j] / spacing[j] + 0];
  return {
    dimensions: dims,
    spacing,
    origin: [-affine[0][3], -affine[1][3], affine[2][3]],
    direction: [...axis(0), ...axis(1), ...axis(2)],
  };
}
