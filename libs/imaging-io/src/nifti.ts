import { flipXY, flipXYRows, matToQuatern, quaternToMat, splitAffine } from './geometry';
import { asUint8, maybeGunzip } from './gzip';
import type { NumericArray, Vec3, Volume, VolumeDType, VolumeMetadata } from './types';
import { arrayCtor, bytesPerVoxel, createVolume } from './volume';

/**
 * NIfTI-1 / NIfTI-2 reader and NIfTI-1 writer (https://nifti.nimh.nih.gov/nifti-1/).
 *
 * Geometry: the voxel→world affine is taken from the sform when `sform_code > 0`, else from the qform
 * (quaternion, `pixdim[0]` = qfac) when `qform_code > 0`, else `diag(pixdim)` (ANALYZE "method 1") — the
 * same precedence as nibabel. NIfTI world space is RAS; it is flipped to LPS (x → −x, y → −y).
 * Intensity scaling: when `scl_slope ≠ 0` and (slope, inter) ≠ (1, 0), values become
 * `slope · stored + inter` (int16/int32 when slope and inter are integers and the result fits, float32
 * otherwise).
 *
 * Hepatoscope metadata (e.g. `synthetic`, `phase`) is kept in a NIfTI header extension (ecode 6,
 * "comment") holding `{"hepatoscope": {...metadata}}` JSON, and read back from it.
 */

const NIFTI_DTYPES: Record<number, VolumeDType> = {
  2: 'uint8',
  4: 'int16',
  8: 'int32',
  16: 'float32',
  64: 'float64',
  256: 'int8',
  512: 'uint16',
  768: 'uint32',
};
const NIFTI_CODE: Record<VolumeDType, number> = {
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  float64: 64,
  int8: 256,
  uint16: 512,
  uint32: 768,
};
const NIFTI_DTYPE_NAMES: Record<number, string> = {
  1: 'BINARY',
  32: 'COMPLEX64',
  128: 'RGB24',
  1024: 'INT64',
  1280: 'UINT64',
  1536: 'FLOAT128',
  1792: 'COMPLEX128',
  2048: 'COMPLEX256',
  2304: 'RGBA32',
};

/** ecode of the header extension that carries Hepatoscope metadata ("comment"). */
const HEPATOSCOPE_ECODE = 6;

interface RawHeader {
  version: 1 | 2;
  littleEndian: boolean;
  dim: number[];
  datatype: number;
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: Vec3;
  srow: number[]; // 12 values, row-major 3×4
  descrip: string;
  headerSize: number;
}

function readCString(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && bytes[end] !== 0) end++;
  return new TextDecoder('latin1').decode(bytes.subarray(offset, end));
}

function parseHeader(bytes: Uint8Array, name: string): RawHeader {
  if (bytes.length < 4) throw new Error(`readNifti: ${name} is too short (${bytes.length} bytes) to be a NIfTI file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getInt32(0, true);
  const be = view.getInt32(0, false);
  let version: 1 | 2;
  let littleEndian: boolean;
  if (le === 348 || be === 348) {
    version = 1;
    littleEndian = le === 348;
  } else if (le === 540 || be === 540) {
    version = 2;
    littleEndian = le === 540;
  } else {
    throw new Error(
      `readNifti: ${name} is not a NIfTI file (sizeof_hdr is ${le}, expected 348 for NIfTI-1 or 540 for NIfTI-2)`,
    );
  }
  const headerSize = version === 1 ? 348 : 540;
  if (bytes.length < headerSize) {
    throw new Error(`readNifti: ${name} is truncated: ${bytes.length} bytes, the NIfTI-${version} header alone needs ${headerSize}`);
  }
  const i16 = (o: number) => view.getInt16(o, littleEndian);
  const i32 = (o: number) => view.getInt32(o, littleEndian);
  const f32 = (o: number) => view.getFloat32(o, littleEndian);
  const f64 = (o: number) => view.getFloat64(o, littleEndian);
  const i64 = (o: number) => Number(view.getBigInt64(o, littleEndian));
  if (version === 1) {
    const magic = readCString(bytes, 344, 4);
    if (magic !== 'n+1' && magic !== 'ni1') {
      throw new Error(`readNifti: ${name} has a NIfTI-1 header size but the magic is "${magic}", expected "n+1" or "ni1"`);
    }
    if (magic === 'ni1') {
      throw new Error(`readNifti: ${name} is a two-file NIfTI (.hdr/.img, magic "ni1"); only single-file .nii is supported`);
    }
    const dim = Array.from({ length: 8 }, (_, t) => i16(40 + 2 * t));
    const pixdim = Array.from({ length: 8 }, (_, t) => f32(76 + 4 * t));
    return {
      version,
      littleEndian,
      dim,
      datatype: i16(70),
      pixdim,
      voxOffset: f32(108),
      sclSlope: f32(112),
      sclInter: f32(116),
      qformCode: i16(252),
      sformCode: i16(254),
      quatern: [f32(256), f32(260), f32(264)],
      qoffset: [f32(268), f32(272), f32(276)],
      srow: Array.from({ length: 12 }, (_, t) => f32(280 + 4 * t)),
      descrip: readCString(bytes, 148, 80),
      headerSize,
    };
  }
  const magic = readCString(bytes, 4, 4);
  if (magic !== 'n+2') throw new Error(`readNifti: ${name} has a NIfTI-2 header size but the magic is "${magic}", expected "n+2"`);
  return {
    version,
    littleEndian,
    dim: Array.from({ length: 8 }, (_, t) => i64(16 + 8 * t)),
    datatype: i16(12),
    pixdim: Array.from({ length: 8 }, (_, t) => f64(104 + 8 * t)),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, t) => f64(400 + 8 * t)),
    descrip: readCString(bytes, 240, 80),
    headerSize,
  };
}

/** Parses header extensions and returns Hepatoscope metadata found in them (or {}). */
function parseExtensions(bytes: Uint8Array, h: RawHeader): VolumeMetadata {
  const start = h.headerSize;
  if (h.voxOffset < start + 4 || bytes.length < start + 4 || bytes[start] === 0) return {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = start + 4;
  while (o + 8 <= h.voxOffset && o + 8 <= bytes.length) {
    const esize = view.getInt32(o, h.littleEndian);
    const ecode = view.getInt32(o + 4, h.littleEndian);
    if (esize < 8 || o + esize > bytes.length) break;
    if (ecode === HEPATOSCOPE_ECODE) {
      const text = readCString(bytes, o + 8, esize - 8);
      if (text.startsWith('{"hepatoscope"')) {
        try {
          const parsed = JSON.parse(text) as { hepatoscope?: VolumeMetadata };
          if (parsed.hepatoscope && typeof parsed.hepatoscope === 'object') return parsed.hepatoscope;
        } catch {
          /* a foreign comment: ignore */
        }
      }
    }
    o += esize;
  }
  return {};
}

function voxelToWorld(h: RawHeader, name: string): { spacing: Vec3; origin: Vec3; direction: Volume['direction'] } {
  const pix: Vec3 = [Math.abs(h.pixdim[1]) || 1, Math.abs(h.pixdim[2]) || 1, Math.abs(h.pixdim[3]) || 1];
  let m: number[];
  let off: Vec3;
  if (h.sformCode > 0) {
    const s = h.srow;
    m = [s[0], s[1], s[2], s[4], s[5], s[6], s[8], s[9], s[10]];
    off = [s[3], s[7], s[11]];
  } else if (h.qformCode > 0) {
    const r = quaternToMat(h.quatern[0], h.quatern[1], h.quatern[2]);
    const qfac = h.pixdim[0] < 0 ? -1 : 1;
    const sc = [pix[0], pix[1], pix[2] * qfac];
    m = r.map((v, t) => v * sc[t % 3]);
    off = h.qoffset;
  } else {
    m = [pix[0], 0, 0, 0, pix[1], 0, 0, 0, pix[2]];
    off = [0, 0, 0];
  }
  if (m.some((v) => !Number.isFinite(v)) || off.some((v) => !Number.isFinite(v))) {
    throw new Error(`readNifti: ${name} has a non-finite ${h.sformCode > 0 ? 'sform' : 'qform'} affine`);
  }
  return splitAffine(flipXYRows(m), flipXY(off), pix);
}

/**
 * Parses a NIfTI-1/2 file held in memory (gzip-compressed or not) into a `Volume` (LPS geometry).
 * Accepts 2-D images (nz = 1) and 4-D images with a single time point; anything else is an error.
 * @param name used in error messages (usually the path)
 */
export function parseNifti(input: Uint8Array, name = '<buffer>'): Volume {
  const bytes = asUint8(maybeGunzip(asUint8(input), name, 'readNifti'));
  const h = parseHeader(bytes, name);
  const ndim = h.dim[0];
  if (!(ndim >= 1 && ndim <= 7)) throw new Error(`readNifti: ${name} has an invalid dim[0] = ${ndim} (must be 1..7)`);
  const d = h.dim.slice(1, 1 + ndim);
  if (d.some((v) => !(v >= 1))) throw new Error(`readNifti: ${name} has a non-positive size in dim = [${d.join(', ')}]`);
  const extra = d.slice(3).reduce((a, b) => a * b, 1);
  if (extra !== 1) {
    throw new Error(
      `readNifti: ${name} has ${ndim} dims [${d.join(', ')}] with ${extra} volumes, but a single 3-D volume was expected`,
    );
  }
  const dims: [number, number, number] = [d[0] ?? 1, d[1] ?? 1, d[2] ?? 1];
  const dtype = NIFTI_DTYPES[h.datatype];
  if (!dtype) {
    const what = NIFTI_DTYPE_NAMES[h.datatype] ?? 'unknown';
    throw new Error(`readNifti: ${name} has datatype ${h.datatype} (${what}), which is not supported`);
  }
  const n = dims[0] * dims[1] * dims[2];
  const bpv = bytesPerVoxel(dtype);
  const offset = Math.floor(h.voxOffset);
  if (!(offset >= h.headerSize)) throw new Error(`readNifti: ${name} has vox_offset ${h.voxOffset} inside the header`);
  const need = offset + n * bpv;
  if (bytes.length < need) {
    throw new Error(
      `readNifti: ${name} is truncated: ${n} ${dtype} voxels need ${need} bytes from offset ${offset}, the file has ${bytes.length}`,
    );
  }
  // copy into an aligned buffer, swapping bytes for big-endian files
  const raw = bytes.slice(offset, need);
  if (!h.littleEndian && bpv > 1) swapBytes(raw, bpv);
  let data: NumericArray = new (arrayCtor(dtype))(raw.buffer, 0, n);
  const slope = h.sclSlope;
  const inter = h.sclInter;
  if (Number.isFinite(slope) && slope !== 0 && !(slope === 1 && (inter === 0 || !Number.isFinite(inter)))) {
    data = applyScaling(data, slope, Number.isFinite(inter) ? inter : 0, dtype);
  }
  const geom = voxelToWorld(h, name);
  const meta = parseExtensions(bytes, h);
  return createVolume({
    data,
    dims,
    ...geom,
    metadata: { ...meta, sourceFormat: 'nifti', ...(h.descrip ? { description: h.descrip } : {}) },
  });
}

/** In-place byte swap of `bpv`-byte words. */
export function swapBytes(b: Uint8Array, bpv: number): void {
  for (let i = 0; i + bpv <= b.length; i += bpv) {
    for (let a = 0, z = bpv - 1; a < z; a++, z--) {
      const t = b[i + a];
      b[i + a] = b[i + z];
      b[i + z] = t;
    }
  }
}

/** `slope·x + inter`, as int16/int32 when exact and in range, float32 otherwise (float64 stays float64). */
export function applyScaling(data: NumericArray, slope: number, inter: number, dtype: VolumeDType): NumericArray {
  const n = data.length;
  const integral = Number.isInteger(slope) && Number.isInteger(inter) && !dtype.startsWith('float');
  if (integral) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = slope * data[i] + inter;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const out =
      lo >= -32768 && hi <= 32767
        ? new Int16Array(n)
        : lo >= -2147483648 && hi <= 2147483647
          ? new Int32Array(n)
          : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = slope * data[i] + inter;
    return out;
  }
  const out = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = slope * data[i] + inter;
  return out;
}

export interface EncodeNiftiOptions {
  /** Text for the 80-byte `descrip` field (truncated). */
  description?: string;
  /** Store `volume.metadata` as JSON in a header extension (default true). */
  metadataExtension?: boolean;
}

/**
 * Encodes a volume as an uncompressed single-file NIfTI-1 (.nii) byte array, little-endian, with
 * sform_code = qform_code = 1 (scanner) describing the same LPS geometry (converted to RAS), xyzt_units
 * = mm, scl_slope = 1.
 */
export function encodeNifti(volume: Volume, options: EncodeNiftiOptions = {}): Uint8Array {
  const { dims, spacing, origin, direction, dtype } = volume;
  const n = dims[0] * dims[1] * dims[2];
  if (volume.data.length !== n) {
    throw new Error(`writeNifti: data has ${volume.data.length} voxels but dims [${dims.join(', ')}] need ${n}`);
  }
  let ext = new Uint8Array(0);
  if (options.metadataExtension !== false) {
    const meta = { ...volume.metadata };
    delete meta.sourcePath;
    delete meta.sourceFormat;
    const json = new TextEncoder().encode(JSON.stringify({ hepatoscope: meta }));
    const esize = Math.ceil((json.length + 1 + 8) / 16) * 16;
    ext = new Uint8Array(esize);
    const ev = new DataView(ext.buffer);
    ev.setInt32(0, esize, true);
    ev.setInt32(4, HEPATOSCOPE_ECODE, true);
    ext.set(json, 8);
  }
  const voxOffset = 352 + ext.length;
  const bpv = bytesPerVoxel(dtype);
  const out = new Uint8Array(voxOffset + n * bpv);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  v.setInt16(40, 3, true);
  v.setInt16(42, dims[0], true);
  v.setInt16(44, dims[1], true);
  v.setInt16(46, dims[2], true);
  for (let t = 4; t < 8; t++) v.setInt16(40 + 2 * t, 1, true);
  if (dims.some((x) => x > 32767)) throw new Error(`writeNifti: dims [${dims.join(', ')}] exceed the NIfTI-1 limit of 32767`);
  v.setInt16(70, NIFTI_CODE[dtype], true);
  v.setInt16(72, bpv * 8, true);
  // RAS linear part = flip(D)·diag(spacing)
  const rasDir = flipXYRows(direction);
  const q = matToQuatern(rasDir);
  v.setFloat32(76, q.qfac, true);
  v.setFloat32(80, spacing[0], true);
  v.setFloat32(84, spacing[1], true);
  v.setFloat32(88, spacing[2], true);
  for (let t = 4; t < 8; t++) v.setFloat32(76 + 4 * t, 1, true);
  v.setFloat32(108, voxOffset, true);
  v.setFloat32(112, 1, true);
  v.setFloat32(116, 0, true);
  out[123] = 2 | 8; // mm, seconds
  const descrip = new TextEncoder().encode((options.description ?? (volume.metadata.synthetic ? 'hepatoscope synthetic' : 'hepatoscope')).slice(0, 79));
  out.set(descrip, 148);
  v.setInt16(252, 1, true);
  v.setInt16(254, 1, true);
  v.setFloat32(256, q.b, true);
  v.setFloat32(260, q.c, true);
  v.setFloat32(264, q.d, true);
  const o = flipXY(origin);
  v.setFloat32(268, o[0], true);
  v.setFloat32(272, o[1], true);
  v.setFloat32(276, o[2], true);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) v.setFloat32(280 + 16 * r + 4 * c, rasDir[3 * r + c] * spacing[c], true);
    v.setFloat32(280 + 16 * r + 12, o[r], true);
  }
  out.set(new TextEncoder().encode('n+1'), 344);
  if (ext.length) {
    out[348] = 1;
    out.set(ext, 352);
  }
  const src = volume.data;
  out.set(new Uint8Array(src.buffer, src.byteOffset, n * bpv), voxOffset);
  return out;
}
