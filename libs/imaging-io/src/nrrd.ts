import { splitAffine } from './geometry';
import { asUint8, gunzip, gzip } from './gzip';
import { swapBytes } from './nifti';
import type { NumericArray, Vec3, Volume, VolumeDType, VolumeMetadata } from './types';
import { arrayCtor, bytesPerVoxel, createVolume } from './volume';

/**
 * NRRD reader/writer (http://teem.sourceforge.net/nrrd/format.html), 3-D scalar images.
 *
 * Supported: NRRD0001–0005 magic; types int8…uint32, float, double (all the spellings of the spec);
 * encodings raw, gzip (`gz`) and ascii (`text`/`txt`); endian little/big; `space` LPS/RAS/LAS (and their
 * long names) with `space directions` and `space origin`, or `spacings` without a space; `byte skip`
 * for raw data; detached headers (`data file`) through a caller-supplied loader. 2-D images become one
 * slice. Hepatoscope metadata round-trips through the key/value pair `hepatoscope:=<json>`.
 */

const NRRD_TYPES: Record<string, VolumeDType> = {};
for (const [names, t] of [
  [['signed char', 'int8', 'int8_t'], 'int8'],
  [['uchar', 'unsigned char', 'uint8', 'uint8_t'], 'uint8'],
  [['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t'], 'int16'],
  [['ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t'], 'uint16'],
  [['int', 'signed int', 'int32', 'int32_t'], 'int32'],
  [['uint', 'unsigned int', 'uint32', 'uint32_t'], 'uint32'],
  [['float'], 'float32'],
  [['double'], 'float64'],
] as const) {
  for (const n of names) NRRD_TYPES[n] = t;
}
const NRRD_TYPE_NAME: Record<VolumeDType, string> = {
  int8: 'int8',
  uint8: 'uint8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  float32: 'float',
  float64: 'double',
};

/** Parsed NRRD header: `fields` (lower-cased keys) and `keyValues` (`key:=value`). */
export interface NrrdHeader {
  fields: Record<string, string>;
  keyValues: Record<string, string>;
  /** byte offset of the data in the file (after the blank line), or -1 when the header has none */
  dataOffset: number;
}

/** Parses the text header of a NRRD file. */
export function parseNrrdHeader(bytes: Uint8Array, name: string): NrrdHeader {
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (!/^NRRD000[1-5]$/.test(magic)) {
    throw new Error(`readNrrd: ${name} is not a NRRD file (magic "${magic.replace(/[^\x20-\x7e]/g, '?')}", expected NRRD0001..NRRD0005)`);
  }
  // find the blank line that ends the header
  let end = -1;
  let dataOffset = -1;
  for (let i = 8; i < bytes.length - 1; i++) {
    if (bytes[i] === 10 && bytes[i + 1] === 10) {
      end = i;
      dataOffset = i + 2;
      break;
    }
    if (bytes[i] === 10 && bytes[i + 1] === 13 && bytes[i + 2] === 10) {
      end = i;
      dataOffset = i + 3;
      break;
    }
  }
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, end < 0 ? bytes.length : end));
  const fields: Record<string, string> = {};
  const keyValues: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li];
    if (line === '' || line.startsWith('#')) continue;
    const kv = line.indexOf(':=');
    const f = line.indexOf(': ');
    if (kv >= 0 && (f < 0 || kv < f)) {
      keyValues[line.slice(0, kv)] = line.slice(kv + 2);
    } else if (f >= 0) {
      fields[line.slice(0, f).trim().toLowerCase()] = line.slice(f + 2).trim();
    } else {
      throw new Error(`readNrrd: ${name} has a malformed header line ${li + 1}: "${line.slice(0, 60)}"`);
    }
  }
  return { fields, keyValues, dataOffset };
}

function parseVector(s: string, name: string, what: string): number[] | null {
  const t = s.trim();
  if (t === 'none') return null;
  const m = /^\(([^)]*)\)$/.exec(t);
  if (!m) throw new Error(`readNrrd: ${name} has a malformed ${what} vector "${t}"`);
  const v = m[1].split(',').map((x) => Number(x));
  if (v.some((x) => !Number.isFinite(x))) throw new Error(`readNrrd: ${name} has a non-numeric ${what} vector "${t}"`);
  return v;
}

function splitVectors(s: string): string[] {
  return s.match(/\([^)]*\)|none/g) ?? [];
}

export interface ParseNrrdOptions {
  /** Loads a detached data file named in the header (`data file:`), relative to the header. */
  loadDataFile?: (file: string) => Uint8Array;
}

/**
 * Parses a NRRD file held in memory into a `Volume` (LPS).
 * @param name used in error messages
 */
export function parseNrrd(input: Uint8Array, name = '<buffer>', options: ParseNrrdOptions = {}): Volume {
  const bytes = asUint8(input);
  const { fields, keyValues, dataOffset } = parseNrrdHeader(bytes, name);
  const req = (k: string) => {
    const v = fields[k];
    if (v === undefined) throw new Error(`readNrrd: ${name} lacks the required field "${k}"`);
    return v;
  };
  const typeName = req('type');
  const dtype = NRRD_TYPES[typeName];
  if (!dtype) throw new Error(`readNrrd: ${name} has type "${typeName}", which is not supported`);
  const ndim = Number(req('dimension'));
  const sizes = req('sizes').split(/\s+/).map(Number);
  if (sizes.length !== ndim || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error(`readNrrd: ${name} has dimension ${ndim} but sizes "${fields.sizes}"`);
  }
  if (ndim < 2 || ndim > 3) {
    throw new Error(`readNrrd: ${name} has ${ndim} dims [${sizes.join(', ')}] but a 2-D or 3-D scalar image was expected`);
  }
  const dims: [number, number, number] = [sizes[0], sizes[1], ndim === 3 ? sizes[2] : 1];
  const encoding = (fields.encoding ?? 'raw').toLowerCase();
  const endian = (fields.endian ?? 'little').toLowerCase();
  const n = dims[0] * dims[1] * dims[2];
  const bpv = bytesPerVoxel(dtype);

  // data bytes
  let payload: Uint8Array;
  const dataFile = fields['data file'] ?? fields.datafile;
  if (dataFile) {
    if (!options.loadDataFile) throw new Error(`readNrrd: ${name} is a detached header (data file ${dataFile}); read it from a path`);
    if (/^LIST|%/.test(dataFile)) throw new Error(`readNrrd: ${name} uses a multi-file data list "${dataFile}", which is not supported`);
    payload = asUint8(options.loadDataFile(dataFile));
  } else {
    if (dataOffset < 0) throw new Error(`readNrrd: ${name} is truncated: the header has no terminating blank line and no data`);
    payload = bytes.subarray(dataOffset);
  }
  let raw: Uint8Array;
  if (encoding === 'raw') {
    raw = payload;
    const skip = Number(fields['byte skip'] ?? fields.byteskip ?? 0);
    if (skip === -1) raw = payload.subarray(Math.max(0, payload.length - n * bpv));
    else if (skip > 0) raw = payload.subarray(skip);
  } else if (encoding === 'gzip' || encoding === 'gz') {
    // bounded by the declared size: a gzip bomb stops at n·bpv bytes
    raw = asUint8(gunzip(payload, name, 'readNrrd', Number.isSafeInteger(n * bpv) ? n * bpv : undefined));
  } else if (encoding === 'ascii' || encoding === 'text' || encoding === 'txt') {
    const vals = new TextDecoder('latin1').decode(payload).trim().split(/[\s,]+/).filter(Boolean).map(Number);
    if (vals.length < n) throw new Error(`readNrrd: ${name} is truncated: ${vals.length} ascii values, ${n} needed`);
    const arr = new (arrayCtor(dtype))(n);
    for (let i = 0; i < n; i++) arr[i] = vals[i];
    raw = new Uint8Array(arr.buffer);
  } else {
    throw new Error(`readNrrd: ${name} uses encoding "${encoding}", which is not supported (raw, gzip, ascii are)`);
  }
  if (raw.length < n * bpv) {
    throw new Error(`readNrrd: ${name} is truncated: ${n} ${typeName} voxels need ${n * bpv} bytes of data, found ${raw.length}`);
  }
  const copy = raw.slice(0, n * bpv);
  if (endian === 'big' && bpv > 1 && encoding !== 'ascii' && encoding !== 'text' && encoding !== 'txt') swapBytes(copy, bpv);
  const data: NumericArray = new (arrayCtor(dtype))(copy.buffer, 0, n);

  // geometry
  const space = (fields.space ?? '').toLowerCase();
  let flip: [number, number] = [1, 1];
  const warnings: string[] = [];
  if (space === 'right-anterior-superior' || space === 'ras') flip = [-1, -1];
  else if (space === 'left-anterior-superior' || space === 'las') flip = [1, -1];
  else if (space && space !== 'left-posterior-superior' && space !== 'lps') {
    warnings.push(`space "${fields.space}" is not LPS/RAS/LAS; axes taken as LPS`);
  }
  let spacing: Vec3 = [1, 1, 1];
  let origin: Vec3 = [0, 0, 0];
  let direction: Volume['direction'] = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (fields['space directions']) {
    const vecs = splitVectors(fields['space directions']).map((s) => parseVector(s, name, 'space directions'));
    if (vecs.length !== ndim) throw new Error(`readNrrd: ${name} has ${vecs.length} space directions for ${ndim} axes`);
    const cols = vecs.map((v) => v ?? [0, 0, 0]);
    while (cols.length < 3) cols.push([0, 0, 0]);
    const m = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let c = 0; c < 3; c++) {
      const v = cols[c];
      if (v.length !== 3) throw new Error(`readNrrd: ${name} has a ${v.length}-component space direction; 3 expected`);
      m[c] = v[0] * flip[0];
      m[3 + c] = v[1] * flip[1];
      m[6 + c] = v[2];
    }
    const sp = fields.spacings?.split(/\s+/).map(Number);
    const parts = splitAffine(m, [0, 0, 0], [sp?.[0] || 1, sp?.[1] || 1, sp?.[2] || 1]);
    spacing = parts.spacing;
    direction = parts.direction;
  } else if (fields.spacings) {
    const sp = fields.spacings.split(/\s+/).map(Number);
    spacing = [sp[0] > 0 ? sp[0] : 1, sp[1] > 0 ? sp[1] : 1, sp[2] > 0 ? sp[2] : 1];
  }
  if (fields['space origin']) {
    const o = parseVector(fields['space origin'], name, 'space origin');
    if (o && o.length === 3) origin = [o[0] * flip[0], o[1] * flip[1], o[2]];
  }
  let meta: VolumeMetadata = {};
  if (keyValues.hepatoscope) {
    try {
      meta = JSON.parse(keyValues.hepatoscope) as VolumeMetadata;
    } catch {
      warnings.push('hepatoscope key/value is not valid JSON; ignored');
    }
  }
  return createVolume({
    data,
    dims,
    spacing,
    origin,
    direction,
    metadata: { ...meta, sourceFormat: 'nrrd', ...(warnings.length ? { warnings } : {}) },
  });
}

export interface EncodeNrrdOptions {
  /** 'gzip' (default) or 'raw' */
  encoding?: 'gzip' | 'raw';
  /** gzip level 1..9 (default 6) */
  level?: number;
  /** store metadata as `hepatoscope:=<json>` (default true) */
  metadata?: boolean;
}

const fmt = (x: number) => String(Number.isInteger(x) ? x : Number(x.toPrecision(17)));

/** Encodes a volume as an attached-header NRRD0004 file (LPS space, little endian). */
export function encodeNrrd(volume: Volume, options: EncodeNrrdOptions = {}): Uint8Array {
  const { dims, spacing, origin, direction, dtype } = volume;
  const enc = options.encoding ?? 'gzip';
  const dirs = [0, 1, 2]
    .map((c) => `(${[0, 1, 2].map((r) => fmt(direction[3 * r + c] * spacing[c])).join(',')})`)
    .join(' ');
  const lines = [
    'NRRD0004',
    '# written by @hepatoscope/imaging-io',
    `type: ${NRRD_TYPE_NAME[dtype]}`,
    'dimension: 3',
    'space: left-posterior-superior',
    `sizes: ${dims.join(' ')}`,
    `space directions: ${dirs}`,
    'kinds: domain domain domain',
    'endian: little',
    `encoding: ${enc}`,
    `space origin: (${origin.map(fmt).join(',')})`,
  ];
  if (options.metadata !== false) {
    const meta = { ...volume.metadata };
    delete meta.sourcePath;
    delete meta.sourceFormat;
    lines.push(`hepatoscope:=${JSON.stringify(meta)}`);
  }
  const header = new TextEncoder().encode(lines.join('\n') + '\n\n');
  const src = volume.data;
  let body = new Uint8Array(src.buffer, src.byteOffset, src.length * bytesPerVoxel(dtype));
  if (enc === 'gzip') body = gzip(body, options.level ?? 6);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
