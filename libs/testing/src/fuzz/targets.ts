/**
 * Fuzz targets: the parsers that read untrusted input. Each mutates valid seeds (built here with the project's own
 * writers, nothing binary is committed) and states what an expected rejection is:
 *
 * | target | code under test | expected rejection |
 * | --- | --- | --- |
 * | nifti, nifti-gz | `parseNifti` | `Error` "readNifti: …" / "createVolume: …" |
 * | nrrd | `parseNrrd` | `Error` "readNrrd: …" / "createVolume: …" |
 * | dicom | `parseDicomFile` + `assembleDicomSeries` (one Part-10 file, single- or multi-frame, native or RLE) | `Error` "readDicom: …" |
 * | dicom-series | `assembleDicomSeries` over a 4-slice series with one file mutated | `Error` "readDicom: …" |
 * | csv | `validatePatientCsv` (parse + per-row validation report) | `Error` "parseCsv: …"; a report whose invalid rows all name their errors |
 * | zip | `unzipDicomArchive` + `parseDicomFile` per entry (the DICOM zip upload) | `DomainError` INVALID |
 * | trpc | every procedure's zod input validator, on arbitrary JSON (fast-check) and on mutated valid-looking objects | a ZodError whose issues all carry a message |
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { zipSync, type Zippable } from 'fflate';
import {
  assembleDicomSeries,
  createVolume,
  encodeDicom,
  encodeDicomSeries,
  encodeEnhancedCt,
  encodeNifti,
  encodeNrrd,
  parseDicomFile,
  parseNifti,
  parseNrrd,
  type DicomFile,
  type Volume,
} from '@hepatoscope/imaging-io';
import { isDomainError, unzipDicomArchive, validatePatientCsv } from '@hepatoscope/services';
import { appRouter } from '@hepatoscope/api-trpc';
import { garbage, mutate, Prng, type Mutation } from './mutate';
import { errorKind, plainErrorWithPrefix, type Target } from './oracle';

// ---------------------------------------------------------------------------------------------------------------
// seeds

function smallCt(dims: [number, number, number] = [6, 5, 4]): Volume {
  const n = dims[0] * dims[1] * dims[2];
  const data = new Int16Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 37) % 2000) - 1000;
  return createVolume({ data, dims, spacing: [0.8, 0.9, 2.5], origin: [-100.5, 20.25, 55], metadata: { modality: 'CT', synthetic: true } });
}

let cache: ReturnType<typeof buildSeeds> | null = null;
function seeds() {
  return (cache ??= buildSeeds());
}

function buildSeeds() {
  const vol = smallCt();
  const f32 = createVolume({ ...vol, data: Float32Array.from(vol.data, (x) => x / 3), metadata: {} });
  const nifti = [encodeNifti(vol), encodeNifti(f32, { metadataExtension: false })];
  const niftiGz = nifti.map((b) => new Uint8Array(gzipSync(b)));
  const nrrd = [
    encodeNrrd(vol, { encoding: 'raw' }),
    encodeNrrd(vol, { encoding: 'gzip' }),
    new TextEncoder().encode(
      'NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\nspacings: 1 1 2\nencoding: ascii\n\n1 2 3 4 5 6 7 8\n',
    ),
    new TextEncoder().encode(
      'NRRD0005\ntype: float\ndimension: 2\nsizes: 3 2\nspace: RAS\nspace directions: (1,0,0) (0,2,0)\nspace origin: (1,2,3)\nendian: big\nencoding: raw\n\n' +
        '\0'.repeat(24),
    ),
  ];
  const series = encodeDicomSeries(vol, { seriesDescription: 'PORTAL VENOUS', patientName: 'FUZZ^SEED', patientId: 'FZ1' });
  const implicit = encodeDicomSeries(smallCt([4, 3, 2]), { transferSyntax: '1.2.840.10008.1.2' });
  const enhanced = encodeEnhancedCt(smallCt([4, 4, 3]));
  const rle = rleFile();
  return { nifti, niftiGz, nrrd, dicom: [...series.files.slice(0, 2), implicit.files[0]!, enhanced, rle], series: series.files };
}

/** A one-frame RLE Lossless file (16-bit, literal PackBits runs) built with the project's writer. */
function rleFile(): Uint8Array {
  const rows = 4;
  const cols = 5;
  const n = rows * cols;
  const planes = [new Uint8Array(n), new Uint8Array(n)];
  for (let i = 0; i < n; i++) {
    const v = (i * 97) & 0xffff;
    planes[0]![i] = v >> 8;
    planes[1]![i] = v & 0xff;
  }
  const seg = (p: Uint8Array) => {
    const out: number[] = [];
    for (let i = 0; i < p.length; i += 128) {
      const chunk = p.subarray(i, i + 128);
      out.push(chunk.length - 1, ...chunk);
    }
    if (out.length % 2) out.push(0x80);
    return Uint8Array.from(out);
  };
  const s0 = seg(planes[0]!);
  const s1 = seg(planes[1]!);
  const frame = new Uint8Array(64 + s0.length + s1.length);
  const v = new DataView(frame.buffer);
  v.setUint32(0, 2, true);
  v.setUint32(4, 64, true);
  v.setUint32(8, 64 + s0.length, true);
  frame.set(s0, 64);
  frame.set(s1, 64 + s0.length);
  // an encapsulated Pixel Data element: empty offset table item, one fragment, sequence delimiter
  const parts = new Uint8Array(8 + 4 + 8 + 8 + frame.length + 8);
  const pv = new DataView(parts.buffer);
  let o = 0;
  const u16 = (x: number) => (pv.setUint16(o, x, true), (o += 2));
  const u32 = (x: number) => (pv.setUint32(o, x, true), (o += 4));
  for (const x of [0x7fe0, 0x0010, 0x424f, 0]) u16(x); // tag, "OB", reserved
  u32(0xffffffff);
  u16(0xfffe);
  u16(0xe000);
  u32(0);
  u16(0xfffe);
  u16(0xe000);
  u32(frame.length);
  parts.set(frame, o);
  o += frame.length;
  u16(0xfffe);
  u16(0xe0dd);
  u32(0);
  const head = encodeDicom(
    [
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
      { tag: 0x00080018, vr: 'UI', value: '2.25.1' },
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x0020000e, vr: 'UI', value: '2.25.2' },
      { tag: 0x00200032, vr: 'DS', value: [0, 0, 0] },
      { tag: 0x00200037, vr: 'DS', value: [1, 0, 0, 0, 1, 0] },
      { tag: 0x00280002, vr: 'US', value: 1 },
      { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
      { tag: 0x00280010, vr: 'US', value: rows },
      { tag: 0x00280011, vr: 'US', value: cols },
      { tag: 0x00280100, vr: 'US', value: 16 },
      { tag: 0x00280101, vr: 'US', value: 16 },
      { tag: 0x00280102, vr: 'US', value: 15 },
      { tag: 0x00280103, vr: 'US', value: 0 },
    ],
    '1.2.840.10008.1.2.5',
  );
  const out = new Uint8Array(head.length + parts.length);
  out.set(head);
  out.set(parts, head.length);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// format-aware mutations

const setI16 = (offsets: number[]): Mutation => (b, r) => {
  const o = Uint8Array.from(b);
  if (o.length < 350) return o;
  const v = new DataView(o.buffer);
  v.setInt16(r.pick(offsets), r.pick([0, -1, 1, 7, 8, 32767, -32768, 1000, 30000, r.int(65536) - 32768]), true);
  return o;
};
const setF32 = (offsets: number[]): Mutation => (b, r) => {
  const o = Uint8Array.from(b);
  if (o.length < 350) return o;
  new DataView(o.buffer).setFloat32(r.pick(offsets), r.pick([0, -1, NaN, Infinity, -Infinity, 1e30, 3.4e38, 352, 1e9, -352]), true);
  return o;
};

const NIFTI_MUTATIONS: Record<string, Mutation> = {
  // dim[0..7], datatype, bitpix
  niftiDims: setI16([40, 42, 44, 46, 48, 50, 52, 54, 70, 72]),
  // pixdim, vox_offset, scl_slope/inter, quatern, srow
  niftiFloats: setF32([76, 80, 84, 88, 108, 112, 116, 256, 260, 264, 268, 280, 284, 296, 312]),
  niftiCodes: setI16([252, 254]),
  niftiSizeofHdr(b, r) {
    const o = Uint8Array.from(b);
    if (o.length >= 4) new DataView(o.buffer).setInt32(0, r.pick([348, 540, 0, -1, 0x5c010000]), r.bool(0.8));
    return o;
  },
  niftiExtension(b, r) {
    // corrupt the extension header (esize/ecode) that follows the 348-byte header
    const o = Uint8Array.from(b);
    if (o.length < 360) return o;
    const v = new DataView(o.buffer);
    o[348] = 1;
    v.setInt32(352, r.pick([0, 8, 7, -16, 0x7ffffff0, 16]), true);
    return o;
  },
};

const gzipGarbage: Mutation = (b, r) => {
  const gz = new Uint8Array(gzipSync(b));
  // corrupt the deflate stream or the trailer (CRC / size), keeping the magic
  const o = Uint8Array.from(gz);
  const where = r.bool() ? 10 + r.int(Math.max(1, o.length - 18)) : o.length - 1 - r.int(8);
  o[Math.max(2, where)] ^= 1 + r.int(255);
  return r.bool(0.3) ? o.slice(0, r.int(o.length)) : o;
};

const NRRD_LINES = [
  'sizes: 100000 100000 100000',
  'sizes: -1 2 2',
  'sizes: 0 0 0',
  'sizes: 2 2',
  'sizes: 1e9 1 1',
  'dimension: 4',
  'dimension: NaN',
  'type: complex',
  'type: double',
  'encoding: bzip2',
  'encoding: gzip',
  'encoding: ascii',
  'encoding: raw',
  'endian: big',
  'byte skip: -1',
  'byte skip: 999999999',
  'data file: /etc/passwd',
  'data file: LIST',
  'space: scanner-xyz',
  'space directions: (1,0,0) (0,1,0)',
  'space directions: (NaN,0,0) (0,1,0) (0,0,1)',
  'space directions: (0,0,0) (0,0,0) (0,0,0)',
  'space directions: none (1,2) (0,0,1)',
  'space origin: (1,2)',
  'spacings: 0 -1 NaN',
  'hepatoscope:={not json',
  'malformed line without separator',
];

const NRRD_MUTATIONS: Record<string, Mutation> = {
  nrrdHeaderLine(b, r) {
    const text = new TextDecoder('latin1').decode(b);
    const end = text.indexOf('\n\n');
    if (end < 0) return b;
    const lines = text.slice(0, end).split('\n');
    const line = r.pick(NRRD_LINES);
    const key = line.split(':')[0]!;
    const at = lines.findIndex((l) => l.startsWith(key + ':'));
    if (at > 0 && r.bool(0.7)) lines[at] = line;
    else lines.splice(1 + r.int(lines.length), 0, line);
    const head = new TextEncoder().encode(lines.join('\n'));
    const out = new Uint8Array(head.length + b.length - end);
    out.set(head);
    out.set(b.subarray(end), head.length);
    return out;
  },
  nrrdGzipBody(b, r) {
    const text = new TextDecoder('latin1').decode(b);
    const end = text.indexOf('\n\n');
    if (end < 0) return b;
    return concat(b.subarray(0, end + 2), gzipGarbage(b.subarray(end + 2), r));
  },
};

/** Offsets of the data elements of an explicit- or implicit-VR file (value length fields and values). */
function dicomElements(b: Uint8Array): Array<{ tag: number; lenAt: number; lenSize: 2 | 4; valueAt: number; len: number }> {
  const out: Array<{ tag: number; lenAt: number; lenSize: 2 | 4; valueAt: number; len: number }> = [];
  if (b.length < 144) return out;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 132;
  let guard = 0;
  while (o + 8 <= b.length && guard++ < 400) {
    const tag = ((v.getUint16(o, true) << 16) | v.getUint16(o + 2, true)) >>> 0;
    const vr = String.fromCharCode(b[o + 4]!, b[o + 5]!);
    let lenAt: number;
    let lenSize: 2 | 4;
    let valueAt: number;
    if (/^[A-Z]{2}$/.test(vr)) {
      if (['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UT', 'UN', 'UC', 'UR'].includes(vr)) {
        lenAt = o + 8;
        lenSize = 4;
        valueAt = o + 12;
      } else {
        lenAt = o + 6;
        lenSize = 2;
        valueAt = o + 8;
      }
    } else {
      lenAt = o + 4;
      lenSize = 4;
      valueAt = o + 8;
    }
    if (valueAt > b.length) break;
    const len = lenSize === 2 ? v.getUint16(lenAt, true) : v.getUint32(lenAt, true);
    if (len !== 0xffffffff && valueAt + len > b.length) break; // a value past the end (an earlier mutation)
    out.push({ tag, lenAt, lenSize, valueAt, len });
    if (len === 0xffffffff) break; // undefined length (sequence / encapsulated): stop walking here
    o = valueAt + len;
  }
  return out;
}

const HOSTILE_STRINGS = ['999999999', '-1', '0', 'NaN', '1e308', '', ' ', '\0\0', '65535', '4294967296', '1\\2\\3', 'A'.repeat(64)];

const DICOM_MUTATIONS: Record<string, Mutation> = {
  dicomLength(b, r) {
    const els = dicomElements(b);
    if (!els.length) return b;
    const e = r.pick(els);
    const o = Uint8Array.from(b);
    const v = new DataView(o.buffer);
    const val = r.pick([0, 1, 0xffff, 0xfffe, 0x7fffffff, 0xffffffff, e.len + 2, Math.max(0, e.len - 2), o.length]);
    if (e.lenSize === 2) v.setUint16(e.lenAt, val & 0xffff, true);
    else v.setUint32(e.lenAt, val >>> 0, true);
    return o;
  },
  dicomValue(b, r) {
    // rewrite a short value (Rows, Columns, BitsAllocated, NumberOfFrames, DS vectors, UIDs …) with a hostile one
    const els = dicomElements(b).filter((e) => e.len > 0 && e.len <= 64 && e.tag !== 0x7fe00010);
    if (!els.length) return b;
    const e = r.pick(els);
    const o = Uint8Array.from(b);
    if (e.len === 2 && r.bool(0.6)) {
      new DataView(o.buffer).setUint16(e.valueAt, r.pick([0, 1, 3, 7, 8, 12, 15, 16, 24, 32, 33, 64, 0x7fff, 0xffff]), true);
      return o;
    }
    const s = new TextEncoder().encode(r.pick(HOSTILE_STRINGS).padEnd(e.len, ' ').slice(0, e.len));
    o.set(s, e.valueAt);
    return o;
  },
  dicomNumberOfFrames(b, r) {
    // a huge NumberOfFrames / Rows / Columns in an otherwise valid file
    const els = dicomElements(b);
    const o = Uint8Array.from(b);
    const v = new DataView(o.buffer);
    for (const e of els) {
      if ((e.tag === 0x00280010 || e.tag === 0x00280011) && e.len === 2 && r.bool(0.5)) v.setUint16(e.valueAt, r.pick([0xffff, 40000, 0]), true);
      if (e.tag === 0x00280008 && e.len > 0) o.set(new TextEncoder().encode(r.pick(['99999999', '1000000', '-5', '0 ']).padEnd(e.len, ' ').slice(0, e.len)), e.valueAt);
    }
    return o;
  },
  dicomTransferSyntax(b, r) {
    const els = dicomElements(b).filter((e) => e.tag === 0x00020010);
    if (!els.length) return b;
    const e = els[0]!;
    const o = Uint8Array.from(b);
    const ts = r.pick(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.5', '1.2.840.10008.1.2.4.70', '1.2.3']);
    o.set(new TextEncoder().encode(ts.padEnd(e.len, '\0').slice(0, e.len)), e.valueAt);
    return o;
  },
};

/** The gunzipped bytes, or the bytes themselves when they are not (or no longer) valid gzip. */
function tryGunzip(b: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(b));
  } catch {
    return b;
  }
}

function concat(...arrays: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// targets

const volumeCheck = (v: unknown): string | null => {
  const vol = v as Volume;
  const n = vol.dims[0] * vol.dims[1] * vol.dims[2];
  if (!(vol.data.length === n)) return `data has ${vol.data.length} voxels for dims ${vol.dims.join('×')}`;
  if (!vol.spacing.every((s) => s > 0 && Number.isFinite(s))) return `spacing ${vol.spacing.join(', ')} is not positive/finite`;
  if (![...vol.origin, ...vol.direction].every(Number.isFinite)) return 'non-finite origin or direction';
  return null;
};

function bytesTarget(
  name: string,
  pool: () => Uint8Array[],
  extra: Record<string, Mutation>,
  run: (b: Uint8Array) => unknown,
  prefixes: string[],
  check?: (v: unknown) => string | null,
): Target<Uint8Array> {
  return {
    name,
    generate(seed) {
      const r = new Prng(seed);
      if (r.bool(0.03)) return { input: garbage(r), ops: ['garbage'] };
      const base = r.pick(pool());
      const { bytes, ops } = mutate(base, r, extra);
      return { input: bytes, ops };
    },
    run,
    expected: (e) => (plainErrorWithPrefix(e, prefixes) ? errorKind(e) : null),
    check,
  };
}

const IMAGING_PREFIXES = ['readNifti:', 'readNrrd:', 'readDicom:', 'createVolume:'];

export const niftiTarget = bytesTarget('nifti', () => seeds().nifti, NIFTI_MUTATIONS, (b) => parseNifti(b, 'fuzz.nii'), IMAGING_PREFIXES, volumeCheck);
export const niftiGzTarget = bytesTarget(
  'nifti-gz',
  () => seeds().niftiGz,
  {
    gzipGarbage: (b, r) => gzipGarbage(tryGunzip(b), r),
    gzipOfMutant: (b, r) => new Uint8Array(gzipSync(mutate(tryGunzip(b), r, NIFTI_MUTATIONS).bytes)),
  },
  (b) => parseNifti(b, 'fuzz.nii.gz'),
  IMAGING_PREFIXES,
  volumeCheck,
);
export const nrrdTarget = bytesTarget('nrrd', () => seeds().nrrd, NRRD_MUTATIONS, (b) => parseNrrd(b, 'fuzz.nrrd'), IMAGING_PREFIXES, volumeCheck);
export const dicomTarget = bytesTarget(
  'dicom',
  () => seeds().dicom,
  DICOM_MUTATIONS,
  (b) => assembleDicomSeries([parseDicomFile(b, 'fuzz.dcm')], { unevenSpacing: 'warn', duplicates: 'first' }),
  IMAGING_PREFIXES,
  volumeCheck,
);

export const dicomSeriesTarget: Target<Uint8Array[]> = {
  name: 'dicom-series',
  generate(seed) {
    const r = new Prng(seed);
    const files = [...seeds().series];
    const k = r.int(files.length);
    const { bytes, ops } = mutate(files[k]!, r, DICOM_MUTATIONS);
    files[k] = bytes;
    if (r.bool(0.2)) files.splice(r.int(files.length), 1);
    return { input: files, ops: [`file ${k}`, ...ops] };
  },
  run(files) {
    const parsed: DicomFile[] = [];
    for (const [i, b] of files.entries()) {
      try {
        parsed.push(parseDicomFile(b, `slice${i}.dcm`));
      } catch (e) {
        // the upload skips unreadable entries the same way; the error itself must be a clear one
        if (!plainErrorWithPrefix(e, ['readDicom:'])) throw e;
      }
    }
    return assembleDicomSeries(parsed, {});
  },
  expected: (e) => (plainErrorWithPrefix(e, IMAGING_PREFIXES) ? errorKind(e) : null),
  check: volumeCheck,
};

// CSV ------------------------------------------------------------------------------------------------------------

const CSV_SEED = [
  'mrn,name,sex,age,bclc,child_pugh,afp,os_months,death,birth_date',
  'HCC-001,Doe^Jane,F,64,B,A,120,20,1,1961-02-03',
  'HCC-002,Roe^Richard,M,58,A,A,8.5,40,0,1967-07-08',
  '"HCC-003","Smith, Ann",F,71,C,B,900,,,1954-11-30',
].join('\n');
const CSV_MAPPING = { pseudoId: 'mrn', sex: 'sex', age: 'age', bclc: 'bclc', childPugh: 'child_pugh', afp: 'afp', osMonths: 'os_months', osEvent: 'death' };
const CSV_TOKENS = ['"', '""', ',', ';', '\n', '\r\n', '\r', '\uFEFF', '\0', 'NaN', '-1', '1e309', 'NA', ' ', '\t', 'é', '𝔘', 'BCLC D', 'Child-Pugh C', 'x'.repeat(300), '=cmd|calc', '<script>'];

export const csvTarget: Target<{ csv: string; mapping: Record<string, string> }> = {
  name: 'csv',
  generate(seed) {
    const r = new Prng(seed);
    let csv = CSV_SEED;
    const ops: string[] = [];
    const k = 1 + r.int(4);
    for (let t = 0; t < k; t++) {
      const at = r.int(csv.length + 1);
      const op = r.int(4);
      if (op === 0) csv = csv.slice(0, at) + r.pick(CSV_TOKENS) + csv.slice(at);
      else if (op === 1) csv = csv.slice(0, at) + csv.slice(at + 1 + r.int(20));
      else if (op === 2) csv = csv.slice(0, at);
      else csv = csv + '\n' + csv.split('\n').slice(1).join('\n');
      ops.push(['insert', 'delete', 'truncate', 'duplicate rows'][op]!);
    }
    const mapping: Record<string, string> = { ...CSV_MAPPING };
    if (r.bool(0.2)) {
      const key = r.pick(Object.keys(mapping));
      if (r.bool()) delete mapping[key];
      else mapping[key] = r.pick(['nope', '', 'name', 'birth_date']);
      ops.push('mapping');
    }
    return { input: { csv, mapping }, ops };
  },
  run: ({ csv, mapping }) => validatePatientCsv(csv, mapping),
  expected: (e) => (plainErrorWithPrefix(e, ['parseCsv:']) ? errorKind(e) : null),
  check(result) {
    const rep = result as ReturnType<typeof validatePatientCsv>;
    if (rep.validRows + rep.invalidRows !== rep.totalRows) return 'valid + invalid ≠ total rows';
    const silent = rep.rows.find((row) => !row.ok && !row.errors.length);
    if (silent) return `line ${silent.line} is invalid without an error message`;
    if (rep.drafts.some((d) => !/^[A-Za-z0-9._:-]{1,64}$/.test(d.pseudoId))) return 'a draft has an invalid pseudoId';
    return null;
  },
};

// zip ------------------------------------------------------------------------------------------------------------

const zipSeedCache = new Map<number, Uint8Array>();
function zipSeeds(r: Prng): { zip: Uint8Array; ops: string[] } {
  const kind = r.int(7);
  const cached = zipSeedCache.get(kind);
  if (cached) return { zip: cached, ops: [`zip kind ${kind}`] };
  const dcm = seeds().series[0]!;
  const files: Zippable = {};
  if (kind === 0) {
    files['study/series1/IM0001.dcm'] = dcm;
    files['study/series1/IM0002.dcm'] = seeds().series[1]!;
    files['DICOMDIR'] = new TextEncoder().encode('not a dicomdir');
  } else if (kind === 1) {
    files['../../../../etc/cron.d/evil'] = dcm;
    files['/absolute/path.dcm'] = dcm;
    files['C:\\windows\\system32\\x.dcm'] = dcm;
  } else if (kind === 2) {
    // a symlink entry (Unix mode 0120777 in the external attributes): its "content" is a target path
    files['link.dcm'] = [new TextEncoder().encode('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }];
    files['real.dcm'] = dcm;
  } else if (kind === 3) {
    // a highly compressible entry (ratio > 1000:1)
    files['zeros.dcm'] = [new Uint8Array(2 * 1024 * 1024), { level: 9 }];
  } else if (kind === 4) {
    // many entries (over the limit)
    for (let i = 0; i < 5100; i++) files[`e${i}.dcm`] = new Uint8Array(1);
  } else if (kind === 5) {
    files['a/b/c/d/e/f/g/h/i/j/k/deep.dcm'] = dcm;
    files['dir/'] = new Uint8Array(0);
    files['\u0000nul.dcm'] = dcm;
  } else {
    files['x.dcm'] = garbage(r, 512);
  }
  const zip = zipSync(files, { level: kind === 3 ? 9 : 1 });
  if (kind !== 6) zipSeedCache.set(kind, zip);
  return { zip, ops: [`zip kind ${kind}`] };
}

/** Sets the declared uncompressed size of every entry (local and central headers) to `size`. */
function lieAboutSizes(zip: Uint8Array, size: number): Uint8Array {
  const o = Uint8Array.from(zip);
  const v = new DataView(o.buffer);
  for (let i = 0; i + 30 <= o.length; i++) {
    const sig = v.getUint32(i, true);
    if (sig === 0x04034b50) v.setUint32(i + 22, size >>> 0, true);
    else if (sig === 0x02014b50 && i + 46 <= o.length) v.setUint32(i + 24, size >>> 0, true);
  }
  return o;
}

export const zipTarget: Target<Uint8Array> = {
  name: 'zip',
  generate(seed) {
    const r = new Prng(seed);
    const { zip, ops } = zipSeeds(r);
    let bytes = zip;
    if (r.bool(0.15)) {
      bytes = lieAboutSizes(bytes, r.pick([0xffffffff, 0x7fffffff, 65 * 1024 * 1024, 0, 1]));
      ops.push('declared sizes');
    }
    if (r.bool(0.6)) {
      const m = mutate(bytes, r);
      bytes = m.bytes;
      ops.push(...m.ops);
    }
    return { input: bytes, ops };
  },
  run(zip) {
    const files = unzipDicomArchive(zip);
    let dicom = 0;
    for (const [name, b] of Object.entries(files)) {
      try {
        parseDicomFile(b, name);
        dicom++;
      } catch (e) {
        if (!plainErrorWithPrefix(e, ['readDicom:'])) throw e;
      }
    }
    return { entries: Object.keys(files).length, dicom, bytes: Object.values(files).reduce((a, b) => a + b.length, 0) };
  },
  expected: (e) => (isDomainError(e) && e.code === 'INVALID' && e.message.length > 0 ? errorKind(e) : null),
  check(result) {
    const r = result as { entries: number; bytes: number };
    if (r.entries > 5000) return `${r.entries} entries accepted (limit 5000)`;
    if (r.bytes > 2 * 1024 * 1024 * 1024) return 'more than 2 GiB expanded';
    return null;
  },
  budgetMs: 5000,
};

// tRPC inputs ------------------------------------------------------------------------------------------------------

interface ZodLike {
  safeParse(x: unknown): { success: true; data: unknown } | { success: false; error: { issues: Array<{ message: string; path: PropertyKey[] }> } };
  shape?: Record<string, unknown>;
}

/** Every procedure of the app router with its input validator (procedures without input get `undefined`). */
let procCache: Array<{ path: string; schema: ZodLike | null; keys: string[] }> | null = null;
export function procedureInputs(): Array<{ path: string; schema: ZodLike | null; keys: string[] }> {
  if (procCache) return procCache;
  const procs = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { inputs: ZodLike[] } }> } })._def.procedures;
  procCache = Object.entries(procs).map(([path, p]) => {
    const schema = p._def.inputs[0] ?? null;
    return { path, schema, keys: schema?.shape ? Object.keys(schema.shape) : [] };
  });
  return procCache;
}

const HOSTILE_JSON: unknown[] = [
  null, true, 0, -1, 1e308, -0, 2 ** 53 + 1, '', ' ', 'x'.repeat(70_000), '../../etc/passwd', '\u0000', '<script>alert(1)</script>',
  "' OR 1=1 --", [], {}, [null], { __proto__: { admin: true } }, { constructor: { prototype: {} } }, '2025-13-45', 'NaN',
];

export const trpcTarget: Target<{ path: string; value: unknown }> = {
  name: 'trpc',
  generate(seed) {
    const procs = procedureInputs();
    const r = new Prng(seed);
    const p = procs[seed % procs.length]!;
    let value: unknown;
    const ops: string[] = [p.path];
    if (r.bool(0.4) || !p.keys.length) {
      value = fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: 1, seed })[0];
      ops.push('arbitrary JSON');
    } else {
      // an object with the schema's keys, each an arbitrary or hostile value
      const o: Record<string, unknown> = {};
      for (const k of p.keys) {
        if (r.bool(0.2)) continue;
        o[k] = r.bool(0.5) ? r.pick(HOSTILE_JSON) : fc.sample(fc.jsonValue({ maxDepth: 2 }), { numRuns: 1, seed: seed * 31 + k.length })[0];
      }
      if (r.bool(0.1)) o['__proto__'] = { role: 'ADMIN' };
      value = o;
      ops.push('keyed object');
    }
    return { input: { path: p.path, value }, ops };
  },
  run({ path, value }) {
    const p = procedureInputs().find((x) => x.path === path)!;
    if (!p.schema) return null;
    const res = p.schema.safeParse(value);
    if (res.success) return { ok: true };
    throw Object.assign(new Error(`${path}: ${res.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`), {
      issues: res.error.issues,
    });
  },
  expected(e) {
    const issues = (e as { issues?: Array<{ message: string; code?: string }> }).issues;
    return issues && issues.length && issues.every((i) => typeof i.message === 'string' && i.message.trim().length > 0)
      ? `ZodError ${issues[0]!.code ?? ''}`.trim()
      : null;
  },
};

/** All targets, in report order. */
export const TARGETS: Target<never>[] = [
  niftiTarget,
  niftiGzTarget,
  nrrdTarget,
  dicomTarget,
  dicomSeriesTarget,
  csvTarget,
  zipTarget,
  trpcTarget,
] as unknown as Target<never>[];
