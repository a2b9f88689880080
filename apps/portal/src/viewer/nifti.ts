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

/**
 * A stream of bytes already in memory, handed out in `chunk`-byte pieces as the consumer pulls (a decompressor then
 * inflates piece by piece, so the first bytes come out before the whole file is inflated). Not
 * `new Blob([bytes]).stream()`: a Blob's stream is read back from the browser process, one IPC round trip and task
 * per 64 KB, each delayed on a busy machine.
 */
export function memoryStream(bytes: Uint8Array, chunk = 65536): ReadableStream<BufferSource> {
  let at = 0;
  return new ReadableStream<BufferSource>(
    {
      pull(c) {
        if (at < bytes.length) c.enqueue(bytes.subarray(at, (at += chunk)) as Uint8Array<ArrayBuffer>);
        if (at >= bytes.length) c.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Gunzips with the native streaming decoder (much faster than a JS inflate for 50 MB volumes). */
export async function gunzip(bytes: Uint8Array): Promise<ArrayBuffer> {
  const stream = memoryStream(bytes).pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

/** Fetches an API file (absolute URL from the path, session cookie); the bytes as sent (maybe gzipped). */
async function fetchBytes(path: string, signal?: AbortSignal): Promise<Uint8Array> {
  const url = new URL(path, window.location.href).href;
  const res = await fetch(url, { credentials: 'same-origin', signal });
  if (!res.ok) throw new Error(`Could not load image ${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

const PREFETCH_TTL_MS = 60_000;

/**
 * Starts loading series files (download, then inflation one series at a time in this order, with the middle-slice
 * preview on the way; see `seriesLoad`) before the viewer (a large code chunk) has loaded, so the transfers overlap
 * the chunk download and cornerstone's start-up. Call it while rendering the case (before the viewer's effects run).
 * Paths loading or loaded within the last minute are not loaded again.
 */
export function prefetch(paths: readonly string[]): void {
  if (typeof window === 'undefined') return;
  for (const p of paths) seriesLoad(p);
}

/** Downloads an API file (absolute URL from the path, session cookie); returns the bytes as sent (maybe gzipped). */
export async function download(path: string, signal?: AbortSignal): Promise<Uint8Array> {
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

// ── progressive loading: streaming inflate + a preview of the middle axial slice ──

/**
 * Gunzips (native DecompressionStream) into one buffer sized from the gzip trailer (ISIZE), calling `onProgress`
 * with the buffer and the bytes written so far after each chunk, so a caller can use the first slices before the
 * rest is inflated. No concatenation copy at the end (the buffer is returned as is when ISIZE was right; it grows
 * when a file holds more, e.g. multi-member gzip). Raw (non-gzip) bytes are copied once and reported at once.
 */
export async function inflateProgressive(bytes: Uint8Array, onProgress?: (buf: Uint8Array, written: number) => void): Promise<ArrayBuffer> {
  if (!isGzip(bytes)) {
    const copy = new Uint8Array(bytes);
    onProgress?.(copy, copy.length);
    return copy.buffer;
  }
  const isize = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
  let out = new Uint8Array(Math.max(isize, 1024));
  let written = 0;
  const reader = memoryStream(bytes)
    .pipeThrough(new DecompressionStream('gzip'))
    .getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (written + value.length > out.length) {
      const bigger = new Uint8Array(Math.max(out.length * 2, written + value.length));
      bigger.set(out.subarray(0, written));
      out = bigger;
    }
    out.set(value, written);
    written += value.length;
    onProgress?.(out, written);
  }
  return written === out.length ? (out.buffer as ArrayBuffer) : (out.buffer.slice(0, written) as ArrayBuffer);
}

/** How an axial slice (i = row axis, j = column axis of the file) maps onto the screen of an axial view. */
export interface AxialLayout {
  /** True when screen x follows j (the file's axes are swapped relative to LPS x/y). */
  transpose: boolean;
  flipX: boolean;
  flipY: boolean;
}

/**
 * Screen layout of the file's slices in cornerstone's axial view (screen right = LPS +x, screen down = LPS +y), from
 * the row-major LPS direction cosines (see `affineToLps`); null when the slices are not axial or the in-plane axes
 * are oblique (no cheap preview then).
 */
export function axialLayout(direction: readonly number[]): AxialLayout | null {
  const [ix, iy, iz, jx, jy, jz, , , kz] = direction;
  const near = (v: number) => Math.abs(v) > 0.99;
  if (!near(kz) || Math.abs(iz) > 0.01 || Math.abs(jz) > 0.01) return null;
  if (near(ix) && near(jy)) return { transpose: false, flipX: ix < 0, flipY: jy < 0 };
  if (near(iy) && near(jx)) return { transpose: true, flipX: jx < 0, flipY: iy < 0 };
  return null;
}

/** The middle axial slice of a volume in screen orientation, in modality units (HU for CT). */
export interface PreviewSlice {
  width: number;
  height: number;
  /** Row-major, screen orientation (row 0 at the top). */
  values: Float32Array;
  /** Physical size of a screen pixel (mm): [x, y]. */
  spacing: [number, number];
  /** Slice index (k) it was taken from. */
  slice: number;
}

/** Bytes per voxel of the datatypes a preview reads (uint8, int16, int32, float32, float64, int8, uint16). */
const VOXEL_BYTES: Record<number, number> = { 2: 1, 4: 2, 8: 4, 16: 4, 64: 8, 256: 1, 512: 2 };

/**
 * The voxels of one slice (`bytes`: its raw bytes in the file) as a typed array of the file's datatype, in file order:
 * a copy (the slice is small; the copy is aligned) swapped to the platform's byte order when the file's differs.
 */
function sliceValues(bytes: Uint8Array, datatype: number, littleEndian: boolean): ArrayLike<number> {
  const size = VOXEL_BYTES[datatype];
  const copy = bytes.slice();
  const platformLe = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (size > 1 && littleEndian !== platformLe) for (let o = 0; o < copy.length; o += size) copy.subarray(o, o + size).reverse();
  const b = copy.buffer;
  switch (datatype) {
    case 2:
      return copy;
    case 4:
      return new Int16Array(b);
    case 8:
      return new Int32Array(b);
    case 16:
      return new Float32Array(b);
    case 64:
      return new Float64Array(b);
    case 256:
      return new Int8Array(b);
    case 512:
      return new Uint16Array(b);
    default:
      throw new Error(`sliceValues: datatype ${datatype} is not supported`);
  }
}

/** The NIfTI-1 header fields a preview needs (as nifti-reader-js reads them). */
export interface Nifti1Basics {
  littleEndian: boolean;
  dims: number[];
  datatypeCode: number;
  vox_offset: number;
  scl_slope: number;
  scl_inter: number;
  /** RAS affine (4×4 row-major): sform when sform_code > 0, else qform when qform_code > 0, else pixdim scaling. */
  affine: number[][];
}

/** Reads a NIfTI-1 header (either byte order); null when `head` is not one (NIfTI-2 included: no preview then). */
export function readNifti1Header(head: Uint8Array): Nifti1Basics | null {
  if (head.length < 348) return null;
  const dv = new DataView(head.buffer, head.byteOffset, 348);
  const le = dv.getInt32(0, true) === 348;
  if (!le && dv.getInt32(0, false) !== 348) return null;
  const i16 = (o: number) => dv.getInt16(o, le);
  const f32 = (o: number) => dv.getFloat32(o, le);
  const dims = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => i16(40 + 2 * i));
  const pix = [0, 1, 2, 3].map((i) => f32(76 + 4 * i));
  let affine: number[][];
  if (i16(254) > 0) {
    affine = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => f32(280 + 16 * r + 4 * c)));
  } else if (i16(252) > 0) {
    // nifti1_io's quatern_to_mat44
    let [b, c, d] = [f32(256), f32(260), f32(264)];
    let a = 1 - (b * b + c * c + d * d);
    if (a < 1e-7) {
      a = 1 / Math.sqrt(b * b + c * c + d * d);
      b *= a;
      c *= a;
      d *= a;
      a = 0;
    } else a = Math.sqrt(a);
    const xd = pix[1] > 0 ? pix[1] : 1;
    const yd = pix[2] > 0 ? pix[2] : 1;
    const zd = (pix[3] > 0 ? pix[3] : 1) * (pix[0] < 0 ? -1 : 1);
    affine = [
      [(a * a + b * b - c * c - d * d) * xd, 2 * (b * c - a * d) * yd, 2 * (b * d + a * c) * zd, f32(268)],
      [2 * (b * c + a * d) * xd, (a * a + c * c - b * b - d * d) * yd, 2 * (c * d - a * b) * zd, f32(272)],
      [2 * (b * d - a * c) * xd, 2 * (c * d + a * b) * yd, (a * a + d * d - c * c - b * b) * zd, f32(276)],
    ];
  } else {
    affine = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => (c === r ? pix[r + 1] || 1 : 0)));
  }
  affine.push([0, 0, 0, 1]);
  return { littleEndian: le, dims, datatypeCode: i16(70), vox_offset: f32(108), scl_slope: f32(112), scl_inter: f32(116), affine };
}

/**
 * Plans the preview of a NIfTI whose first bytes (at least the header) are `head`: how many bytes of the
 * uncompressed file must be in before the middle axial slice is complete, and how to cut it out. Null when the file
 * has no preview (not NIfTI, unsupported datatype, not axial, 2D/4D data).
 */
export function planPreview(head: Uint8Array): { needed: number; take(buf: Uint8Array): PreviewSlice } | null {
  const header = readNifti1Header(head);
  if (!header) return null;
  const bytesPer = VOXEL_BYTES[header.datatypeCode];
  const [nx, ny, nz] = [header.dims[1], header.dims[2], Math.max(1, header.dims[3])];
  if (!bytesPer || !(nx > 0 && ny > 0) || (header.dims[0] > 3 && header.dims[4] > 1)) return null;
  const geo = affineToLps(header.affine, [nx, ny, nz]);
  const layout = axialLayout(geo.direction);
  if (!layout) return null;
  const k = Math.floor(nz / 2);
  const off = Math.round(header.vox_offset) + k * nx * ny * bytesPer;
  const needed = off + nx * ny * bytesPer;
  const slope = header.scl_slope && Number.isFinite(header.scl_slope) ? header.scl_slope : 1;
  const inter = Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  const le = header.littleEndian;
  const [width, height] = layout.transpose ? [ny, nx] : [nx, ny];
  const spacing: [number, number] = layout.transpose ? [geo.spacing[1], geo.spacing[0]] : [geo.spacing[0], geo.spacing[1]];
  return {
    needed,
    take(buf) {
      if (buf.length < needed) throw new Error(`planPreview: ${buf.length} bytes in, ${needed} needed`);
      const src = sliceValues(buf.subarray(off, needed), header.datatypeCode, le);
      const values = new Float32Array(width * height);
      // screen index of voxel (i, j): sx = a0 + ai·i + aj·j (+ the same for sy·width), one multiply-add per voxel
      const [xi, xj] = layout.transpose ? [0, 1] : [1, 0];
      const [yi, yj] = layout.transpose ? [1, 0] : [0, 1];
      const ax = layout.flipX ? -1 : 1;
      const ay = layout.flipY ? -1 : 1;
      const base = (layout.flipX ? width - 1 : 0) + (layout.flipY ? height - 1 : 0) * width;
      const di = ax * xi + ay * yi * width;
      const dj = ax * xj + ay * yj * width;
      for (let j = 0, n = 0; j < ny; j++) {
        let o = base + dj * j;
        for (let i = 0; i < nx; i++, n++, o += di) values[o] = src[n] * slope + inter;
      }
      return { width, height, values, spacing, slice: k };
    },
  };
}

/** Grey levels (RGBA, opaque) of a preview slice under a VOI window [lower, upper] (linear, clamped). */
export function windowPixels(p: PreviewSlice, voi: { lower: number; upper: number }): Uint8ClampedArray {
  const out = new Uint8ClampedArray(p.width * p.height * 4);
  const scale = 255 / Math.max(1e-6, voi.upper - voi.lower);
  for (let n = 0, o = 0; n < p.values.length; n++, o += 4) {
    const g = (p.values[n] - voi.lower) * scale;
    out[o] = out[o + 1] = out[o + 2] = g;
    out[o + 3] = 255;
  }
  return out;
}

/** One series being loaded: raw NIfTI bytes (inflated) and the middle-slice preview as soon as its bytes are in. */
export interface SeriesLoad {
  raw: Promise<ArrayBuffer>;
  /** Null when the file has no preview (see `planPreview`) or failed to load. */
  preview: Promise<PreviewSlice | null>;
}

const loads = new Map<string, SeriesLoad>();
/** Inflation runs one series at a time, in the order loads were started (display order): the first image first. */
let inflateTurn: Promise<void> = Promise.resolve();

/**
 * The load of an API series file: started on the first call (download at once; inflation after the loads started
 * before it), shared by later calls (the case's prefetch, the preview, the viewer) for a minute or until `release`.
 */
export function seriesLoad(path: string): SeriesLoad {
  const have = loads.get(path);
  if (have) return have;
  const bytes = fetchBytes(path);
  const before = inflateTurn;
  let done!: () => void;
  inflateTurn = new Promise<void>((r) => (done = r));
  let showPreview!: (p: PreviewSlice | null) => void;
  const preview = new Promise<PreviewSlice | null>((r) => (showPreview = r));
  const raw = (async () => {
    try {
      const b = await bytes;
      await before;
      let plan: ReturnType<typeof planPreview> | undefined;
      const buf = await inflateProgressive(b, (out, written) => {
        if (plan === null) return;
        if (plan === undefined && (written >= 544 || written === out.length)) {
          plan = planPreview(out.subarray(0, Math.min(written, 544)));
          if (!plan) return showPreview(null);
        }
        if (plan && written >= plan.needed) {
          try {
            showPreview(plan.take(out));
          } catch {
            showPreview(null);
          }
          plan = null;
        }
      });
      showPreview(null); // no-op when it was shown
      return buf;
    } catch (e) {
      showPreview(null);
      throw e;
    } finally {
      done();
    }
  })();
  raw.catch(() => undefined);
  const load = { raw, preview };
  loads.set(path, load);
  setTimeout(() => {
    if (loads.get(path) === load) loads.delete(path);
  }, PREFETCH_TTL_MS);
  return load;
}
