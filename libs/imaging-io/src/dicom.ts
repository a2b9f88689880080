import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import * as dicomParser from 'dicom-parser';
import { cross, dot } from './geometry';
import { detectContrastPhase, type PhaseTags } from './phase';
import { decodeRle } from './rle';
import { decodeWithCodec, hasWasmCodec, loadCodecs } from './codecs';
import { asUint8 } from './gzip';
import type { ContrastPhase, Mat3, NumericArray, Vec3, Volume } from './types';
import { createVolume } from './volume';

/**
 * DICOM series reader (dicom-parser): single-frame series and multi-frame (Enhanced / classic) objects.
 *
 * - Slices are sorted along the slice normal n = row × column (from ImageOrientationPatient) by
 *   d = n · ImagePositionPatient; the volume's k axis points along +n, its origin is the first slice.
 * - CT (and any slice carrying Rescale Slope/Intercept) is rescaled: value = slope · stored + intercept
 *   (HU for CT); int16 when slope and intercept are integers and the result fits, float32 otherwise.
 * - Checks, each an Error that names files: unreadable / non-DICOM / truncated files, several series in
 *   the input (unless `seriesInstanceUid` picks one), mixed orientations, mixed rows/columns, duplicate
 *   positions, gaps (missing slices) and uneven spacing (or a warning with `unevenSpacing: 'warn'`),
 *   unsupported transfer syntaxes (named), colour images. Localizers (ImageType LOCALIZER) and non-image
 *   objects (SEG, SR, PR, KO) are dropped with a warning.
 * - Transfer syntaxes: implicit/explicit VR little endian, explicit big endian, deflated, RLE Lossless
 *   (decoded here), JPEG Lossless (process 14 / SV1, via jpeg-lossless-decoder-js), JPEG-LS (CharLS),
 *   JPEG 2000 (OpenJPEG), HTJ2K (OpenJPH) and 8-bit JPEG Baseline (libjpeg-turbo) through WebAssembly codecs (codecs.ts;
 *   `readDicomSeries` loads them; callers of the synchronous `assembleDicomSeries` await `loadCodecs`).
 *   JPEG Extended (12-bit), MPEG and others → an error naming the syntax.
 */

export interface ReadDicomOptions {
  /** pick one series when the input holds several */
  seriesInstanceUid?: string;
  /** 'error' (default) or 'warn': tolerate uneven spacing (mean spacing used, warning recorded) */
  unevenSpacing?: 'error' | 'warn';
  /** 'error' (default) or 'first': keep the first of several slices at the same position */
  duplicates?: 'error' | 'first';
  /** relative tolerance on slice spacing (default 0.01 = 1 %, at least 0.01 mm) */
  spacingTolerance?: number;
  /** manual contrast-phase override */
  phase?: ContrastPhase;
}

export const TRANSFER_SYNTAXES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless, Non-Hierarchical (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Lossy (Near-Lossless)',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Image Compression (Lossless Only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000 Image Compression',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 (Lossless Only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
};
const NATIVE_TS = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);
const DECODABLE_TS = new Set([
  ...NATIVE_TS,
  '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
  '1.2.840.10008.1.2.4.203',
]);
const NON_IMAGE_MODALITIES = new Set(['SEG', 'SR', 'PR', 'KO', 'RTSTRUCT', 'RTPLAN', 'REG', 'DOC']);

/** A parsed DICOM file held in memory. */
export interface DicomFile {
  name: string;
  dataSet: dicomParser.DataSet;
  transferSyntax: string;
}

/** Parses one DICOM file (Part 10 with or without preamble handling by dicom-parser); errors name the file. */
export function parseDicomFile(input: Uint8Array, name: string): DicomFile {
  const bytes = asUint8(input);
  if (bytes.length < 132 || String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) !== 'DICM') {
    throw new Error(
      `readDicom: ${name} is not a DICOM Part-10 file (no "DICM" marker at byte 128${bytes.length < 132 ? `; only ${bytes.length} bytes` : ''})`,
    );
  }
  let dataSet: dicomParser.DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      // Deflated Explicit VR Little Endian: inflate the data set after the file meta group
      inflater: (arr: Uint8Array, position: number) => {
        const inflated = inflateRawSync(arr.subarray(position));
        const full = new Uint8Array(position + inflated.length);
        full.set(arr.subarray(0, position));
        full.set(inflated, position);
        return full;
      },
    } as dicomParser.ParseDicomOptions);
  } catch (e) {
    const msg = typeof e === 'string' ? e : e instanceof Error ? e.message : ((e as { exception?: string })?.exception ?? String(e));
    throw new Error(`readDicom: ${name} is corrupt or truncated (${msg})`);
  }
  const transferSyntax = guarded(name, () => (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').replace(/\0/g, '').trim());
  return { name, dataSet, transferSyntax };
}

const num = (ds: dicomParser.DataSet, tag: string, i = 0): number | undefined => {
  // dicom-parser's floatString(tag, i) throws a TypeError when the element has fewer than i + 1 values
  const s = ds.string(tag);
  if (s === undefined) return undefined;
  const part = s.split('\\')[i];
  const v = part === undefined ? NaN : parseFloat(part);
  return Number.isNaN(v) ? undefined : v;
};

/**
 * dicom-parser reads element values lazily and throws strings ("attempt to read past end of buffer") or TypeErrors
 * on corrupt elements; this turns them into a readDicom error naming the file. Our own errors pass through.
 */
function guarded<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Error && (e.message.startsWith('readDicom:') || !/dicomParser|dicom-parser/.test(e.stack ?? ''))) throw e;
    const msg = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    throw new Error(`readDicom: ${name} has a corrupt or truncated element (${msg})`);
  }
}
const str = (ds: dicomParser.DataSet, tag: string): string | undefined => {
  const v = ds.string(tag);
  return v === undefined ? undefined : v.replace(/\0/g, '').trim();
};
const vec = (ds: dicomParser.DataSet | undefined, tag: string, n: number): number[] | undefined => {
  if (!ds || !ds.elements[tag]) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = num(ds, tag, i);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
};
/** first item data set of a sequence */
const item = (ds: dicomParser.DataSet | undefined, tag: string): dicomParser.DataSet | undefined =>
  ds?.elements[tag]?.items?.[0]?.dataSet;

/** One 2-D frame placed in space: a slice of the future volume. */
interface Frame {
  file: DicomFile;
  frameIndex: number;
  label: string; // file name (+ frame number)
  rows: number;
  cols: number;
  ipp?: Vec3;
  iop?: number[];
  pixelSpacing?: number[]; // [row spacing, column spacing]
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  slope: number;
  intercept: number;
  instanceNumber?: number;
}

interface FileInfo {
  file: DicomFile;
  modality: string;
  seriesUid: string;
  seriesDescription: string;
  imageType: string[];
  sopClassUid: string;
  frames: Frame[];
}

function describeFile(f: DicomFile): FileInfo {
  return guarded(f.name, () => describeFileUnguarded(f));
}

function describeFileUnguarded(f: DicomFile): FileInfo {
  const ds = f.dataSet;
  const modality = str(ds, 'x00080060') ?? '';
  const imageType = (str(ds, 'x00080008') ?? '').split('\\').map((s) => s.trim().toUpperCase());
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  const nFrames = Math.max(1, Number(str(ds, 'x00280008') ?? 1) || 1);
  // a hostile NumberOfFrames must not drive the frame loop: no more frames than the pixel data can hold
  const px = ds.elements['x7fe00010'];
  if (nFrames > 1 && px) {
    const frameBytes = Math.max(1, rows * cols * ((ds.uint16('x00280100') ?? 16) / 8));
    const max = px.encapsulatedPixelData ? (px.fragments?.length ?? 0) : Math.floor(px.length / frameBytes);
    if (!Number.isInteger(nFrames) || nFrames > max) {
      throw new Error(`readDicom: ${f.name} declares NumberOfFrames ${str(ds, 'x00280008')} but its pixel data holds at most ${max} frame(s)`);
    }
  }
  const shared = item(ds, 'x52009229');
  const perFrame = ds.elements['x52009230']?.items;
  const sharedIop = vec(item(shared, 'x00209116'), 'x00200037', 6);
  const sharedMeasures = item(shared, 'x00289110');
  const sharedRescale = item(shared, 'x00289145');
  const frames: Frame[] = [];
  for (let fi = 0; fi < nFrames; fi++) {
    const pf = perFrame?.[fi]?.dataSet;
    const measures = item(pf, 'x00289110') ?? sharedMeasures;
    const rescale = item(pf, 'x00289145') ?? sharedRescale;
    let ipp = (vec(item(pf, 'x00209113'), 'x00200032', 3) ?? (fi === 0 || !perFrame ? vec(ds, 'x00200032', 3) : undefined)) as
      | Vec3
      | undefined;
    const iop = vec(item(pf, 'x00209116'), 'x00200037', 6) ?? sharedIop ?? vec(ds, 'x00200037', 6);
    const sbs = num(measures ?? ds, 'x00180088') ?? num(ds, 'x00180088');
    if (!perFrame && fi > 0 && ipp === undefined) {
      // classic multi-frame: frames stacked along the normal by SpacingBetweenSlices
      const p0 = vec(ds, 'x00200032', 3);
      if (p0 && iop && sbs) {
        const n = cross([iop[0], iop[1], iop[2]], [iop[3], iop[4], iop[5]]);
        ipp = [p0[0] + fi * sbs * n[0], p0[1] + fi * sbs * n[1], p0[2] + fi * sbs * n[2]];
      }
    }
    frames.push({
      file: f,
      frameIndex: fi,
      label: nFrames > 1 ? `${path.basename(f.name)} frame ${fi + 1}` : path.basename(f.name),
      rows,
      cols,
      ipp,
      iop,
      pixelSpacing: vec(measures, 'x00280030', 2) ?? vec(ds, 'x00280030', 2) ?? vec(ds, 'x00181164', 2),
      sliceThickness: num(measures ?? ds, 'x00180050') ?? num(ds, 'x00180050'),
      spacingBetweenSlices: sbs,
      slope: num(rescale ?? ds, 'x00281053') ?? num(ds, 'x00281053') ?? 1,
      intercept: num(rescale ?? ds, 'x00281052') ?? num(ds, 'x00281052') ?? 0,
      instanceNumber: ds.intString('x00200013'),
    });
  }
  return {
    file: f,
    modality,
    seriesUid: str(ds, 'x0020000e') ?? '',
    seriesDescription: str(ds, 'x0008103e') ?? '',
    imageType,
    sopClassUid: str(ds, 'x00080016') ?? '',
    frames,
  };
}

/** Decodes the stored pixel values of one frame into an Int32/Float-free typed array (stored values). */
function decodeFrame(fr: Frame): Int16Array | Uint16Array | Uint8Array | Int8Array | Int32Array | Uint32Array {
  return guarded(fr.file.name, () => decodeFrameUnguarded(fr));
}

function decodeFrameUnguarded(fr: Frame): Int16Array | Uint16Array | Uint8Array | Int8Array | Int32Array | Uint32Array {
  const { file } = fr;
  const ds = file.dataSet;
  const ts = file.transferSyntax;
  if (!DECODABLE_TS.has(ts)) {
    throw new Error(
      `readDicom: ${file.name} uses transfer syntax ${ts} (${TRANSFER_SYNTAXES[ts] ?? 'unknown'}), which cannot be decoded here; ` +
        'convert it to an uncompressed syntax (e.g. dcmdjpeg, gdcmconv --raw)',
    );
  }
  const spp = ds.uint16('x00280002') ?? 1;
  if (spp !== 1) throw new Error(`readDicom: ${file.name} has ${spp} samples per pixel (colour); only greyscale is supported`);
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const signed = (ds.uint16('x00280103') ?? 0) === 1;
  const el = ds.elements['x7fe00010'];
  if (!el) throw new Error(`readDicom: ${file.name} has no Pixel Data (7FE0,0010)`);
  const n = fr.rows * fr.cols;
  if (![8, 16, 32].includes(bitsAllocated)) {
    throw new Error(`readDicom: ${file.name} has BitsAllocated ${bitsAllocated}; 8, 16 or 32 are supported`);
  }
  const bpp = bitsAllocated / 8;
  let bytes: Uint8Array;
  if (NATIVE_TS.has(ts)) {
    const start = el.dataOffset + fr.frameIndex * n * bpp;
    const end = start + n * bpp;
    if (end > ds.byteArray.length || (el.length !== 0xffffffff && (fr.frameIndex + 1) * n * bpp > el.length)) {
      throw new Error(
        `readDicom: ${file.name} is truncated: frame ${fr.frameIndex + 1} needs ${n * bpp} bytes of pixel data at offset ${start}, ` +
          `the file has ${ds.byteArray.length} bytes`,
      );
    }
    bytes = ds.byteArray.slice(start, end);
    if (ts === '1.2.840.10008.1.2.2' && bpp > 1) {
      for (let i = 0; i < bytes.length; i += bpp) bytes.subarray(i, i + bpp).reverse();
    }
  } else {
    let enc: Uint8Array;
    try {
      const nFrames = Math.max(1, Number(str(ds, 'x00280008') ?? 1) || 1);
      if (el.basicOffsetTable && el.basicOffsetTable.length) {
        enc = dicomParser.readEncapsulatedImageFrame(ds, el, fr.frameIndex);
      } else if (nFrames === 1) {
        enc = dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, el.fragments?.length ?? 0);
      } else {
        enc = dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, fr.frameIndex, 1);
      }
    } catch (e) {
      throw new Error(`readDicom: ${file.name} has corrupt encapsulated pixel data (${(e as Error)?.message ?? e})`);
    }
    if (ts === '1.2.840.10008.1.2.5') bytes = decodeRle(enc, fr.rows, fr.cols, bpp, file.name);
    else if (hasWasmCodec(ts)) {
      if (ts === '1.2.840.10008.1.2.4.50' && bpp !== 1) {
        throw new Error(`readDicom: ${file.name} is JPEG Baseline with ${bitsAllocated}-bit samples; baseline JPEG carries 8-bit samples only`);
      }
      bytes = decodeWithCodec(ts, enc, fr.rows, fr.cols, bpp, file.name);
    } else bytes = decodeJpegLossless(enc, n, bpp, file.name);
  }
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n * bpp);
  let out: Int16Array | Uint16Array | Uint8Array | Int8Array | Int32Array | Uint32Array;
  if (bpp === 1) out = signed ? new Int8Array(buf) : new Uint8Array(buf);
  else if (bpp === 2) out = signed ? new Int16Array(buf) : new Uint16Array(buf);
  else out = signed ? new Int32Array(buf) : new Uint32Array(buf);
  if (bitsStored < bitsAllocated) {
    const shift = 32 - bitsStored;
    const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
    for (let i = 0; i < out.length; i++) out[i] = signed ? ((out[i] << shift) >> shift) : out[i] & mask;
  }
  return out;
}

function decodeJpegLossless(enc: Uint8Array, n: number, bpp: number, name: string): Uint8Array {
  // decode() returns the samples as a Uint8Array / Uint16Array (platform byte order = little endian here)
  const { Decoder } = require('jpeg-lossless-decoder-js') as {
    Decoder: new () => { decode(b: ArrayBuffer, o: number, l: number, bpp: number): ArrayBuffer | Uint8Array | Uint16Array };
  };
  let out: ArrayBuffer | Uint8Array | Uint16Array;
  try {
    const ab = enc.buffer.slice(enc.byteOffset, enc.byteOffset + enc.byteLength) as ArrayBuffer;
    out = new Decoder().decode(ab, 0, ab.byteLength, bpp);
  } catch (e) {
    throw new Error(`readDicom: ${name} has corrupt JPEG Lossless data (${(e as Error)?.message ?? e})`);
  }
  const b = ArrayBuffer.isView(out) ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : new Uint8Array(out);
  if (b.length < n * bpp) throw new Error(`readDicom: ${name}: JPEG Lossless frame decoded to ${b.length} bytes, ${n * bpp} expected`);
  return b;
}

const fmtV = (v: ArrayLike<number>) => `(${Array.from(v, (x) => +x.toFixed(4)).join(', ')})`;

function sameIop(a: number[], b: number[]): boolean {
  for (let i = 0; i < 6; i++) if (Math.abs(a[i] - b[i]) > 1e-3) return false;
  return true;
}

/** Reads and parses files; non-DICOM "DICOMDIR" index files are skipped. */
export async function loadDicomFiles(paths: string[]): Promise<DicomFile[]> {
  const out: DicomFile[] = [];
  for (const p of paths) {
    if (path.basename(p).toUpperCase() === 'DICOMDIR') continue;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(p);
    } catch (e) {
      throw new Error(`readDicom: cannot read ${p} (${(e as Error).message})`);
    }
    out.push(parseDicomFile(bytes, p));
  }
  return out;
}

/** Reads a DICOM series from file paths (see the module comment). */
export async function readDicomSeries(paths: string[], options: ReadDicomOptions = {}): Promise<Volume> {
  if (paths.length === 0) throw new Error('readDicom: no files given');
  const files = await loadDicomFiles(paths);
  await loadCodecs(files.map((f) => f.transferSyntax));
  return assembleDicomSeries(files, options);
}

/** Builds one volume from parsed DICOM files (see the module comment). */
export function assembleDicomSeries(files: DicomFile[], options: ReadDicomOptions = {}): Volume {
  return guarded(files.length === 1 ? files[0]!.name : `one of ${files.length} files`, () => assembleUnguarded(files, options));
}

function assembleUnguarded(files: DicomFile[], options: ReadDicomOptions): Volume {
  if (files.length === 0) throw new Error('readDicom: no DICOM files in the input');
  const warnings: string[] = [];
  let infos = files.map(describeFile);

  // drop non-image objects and localizers
  const nonImage = infos.filter((i) => NON_IMAGE_MODALITIES.has(i.modality) || !i.file.dataSet.elements['x7fe00010']);
  if (nonImage.length) {
    warnings.push(`ignored ${nonImage.length} non-image object(s): ${nonImage.slice(0, 3).map((i) => `${path.basename(i.file.name)} (${i.modality || 'no pixel data'})`).join(', ')}`);
    infos = infos.filter((i) => !nonImage.includes(i));
  }
  const localizers = infos.filter((i) => i.imageType.includes('LOCALIZER'));
  if (localizers.length) {
    warnings.push(`ignored ${localizers.length} localizer image(s): ${localizers.slice(0, 3).map((i) => path.basename(i.file.name)).join(', ')}`);
    infos = infos.filter((i) => !localizers.includes(i));
  }
  if (infos.length === 0) throw new Error(`readDicom: none of the ${files.length} file(s) is an image slice (${warnings.join('; ')})`);

  // one series
  const bySeries = new Map<string, FileInfo[]>();
  for (const i of infos) bySeries.set(i.seriesUid, [...(bySeries.get(i.seriesUid) ?? []), i]);
  if (options.seriesInstanceUid) {
    const chosen = bySeries.get(options.seriesInstanceUid);
    if (!chosen) throw new Error(`readDicom: series ${options.seriesInstanceUid} is not in the input (found ${[...bySeries.keys()].join(', ')})`);
    infos = chosen;
  } else if (bySeries.size > 1) {
    const list = [...bySeries.entries()]
      .map(([uid, l]) => `${uid || '(no SeriesInstanceUID)'} "${l[0].seriesDescription}" (${l.length} files, e.g. ${path.basename(l[0].file.name)})`)
      .join('; ');
    throw new Error(`readDicom: the input mixes ${bySeries.size} series: ${list}. Choose one with seriesInstanceUid`);
  }

  let frames = infos.flatMap((i) => i.frames);
  const first = frames[0];

  // same matrix size
  const badSize = frames.find((f) => f.rows !== first.rows || f.cols !== first.cols);
  if (badSize) {
    throw new Error(
      `readDicom: mixed image sizes in one series: ${first.label} is ${first.cols}×${first.rows} but ${badSize.label} is ${badSize.cols}×${badSize.rows}`,
    );
  }
  if (!(first.rows > 0 && first.cols > 0)) throw new Error(`readDicom: ${first.label} has no Rows/Columns`);

  // geometry
  const withGeom = frames.filter((f) => f.ipp && f.iop);
  let normal: Vec3 = [0, 0, 1];
  let rowDir: Vec3 = [1, 0, 0];
  let colDir: Vec3 = [0, 1, 0];
  if (withGeom.length === frames.length) {
    const iop0 = first.iop!;
    const groups: { iop: number[]; frames: Frame[] }[] = [];
    for (const f of frames) {
      const g = groups.find((x) => sameIop(x.iop, f.iop!));
      if (g) g.frames.push(f);
      else groups.push({ iop: f.iop!, frames: [f] });
    }
    if (groups.length > 1) {
      throw new Error(
        'readDicom: the series has mixed orientations: ' +
          groups.map((g) => `${g.frames.length} slice(s) with ImageOrientationPatient ${fmtV(g.iop)} (e.g. ${g.frames[0].label})`).join('; '),
      );
    }
    rowDir = [iop0[0], iop0[1], iop0[2]];
    colDir = [iop0[3], iop0[4], iop0[5]];
    const nr = Math.hypot(...rowDir);
    const nc = Math.hypot(...colDir);
    if (!(Math.abs(nr - 1) < 1e-2 && Math.abs(nc - 1) < 1e-2 && Math.abs(dot(rowDir, colDir)) < 1e-2)) {
      throw new Error(`readDicom: ${first.label} has an invalid ImageOrientationPatient ${fmtV(iop0)} (not two orthonormal vectors)`);
    }
    rowDir = rowDir.map((x) => x / nr) as unknown as Vec3;
    colDir = colDir.map((x) => x / nc) as unknown as Vec3;
    normal = cross(rowDir, colDir);
    const dist = new Map<Frame, number>();
    for (const f of frames) dist.set(f, dot(f.ipp!, normal));
    frames = [...frames].sort((a, b) => dist.get(a)! - dist.get(b)!);
    // duplicates
    const kept: Frame[] = [frames[0]];
    for (let t = 1; t < frames.length; t++) {
      const prev = kept[kept.length - 1];
      if (Math.abs(dist.get(frames[t])! - dist.get(prev)!) < 1e-3) {
        if (options.duplicates === 'first') {
          warnings.push(`dropped ${frames[t].label}: same position as ${prev.label}`);
          continue;
        }
        throw new Error(
          `readDicom: duplicate slice position ${dist.get(prev)!.toFixed(3)} mm along the normal in ${prev.label} and ${frames[t].label}` +
            ' (the same slice twice, or two acquisitions mixed in one series)',
        );
      }
      kept.push(frames[t]);
    }
    frames = kept;
  } else if (withGeom.length === 0) {
    frames = [...frames].sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) || a.frameIndex - b.frameIndex);
    warnings.push('no ImagePositionPatient/ImageOrientationPatient: slices ordered by InstanceNumber, identity orientation');
  } else {
    const missing = frames.find((f) => !(f.ipp && f.iop))!;
    throw new Error(`readDicom: ${missing.label} lacks ImagePositionPatient or ImageOrientationPatient while other slices have them`);
  }

  // slice spacing
  const nz = frames.length;
  let dz = first.spacingBetweenSlices ?? first.sliceThickness ?? 1;
  if (nz > 1 && withGeom.length) {
    const d = frames.map((f) => dot(f.ipp!, normal));
    const diffs = d.slice(1).map((x, t) => x - d[t]);
    const sorted = [...diffs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const tol = Math.max(0.01, (options.spacingTolerance ?? 0.01) * median);
    const gapAt = diffs.findIndex((x) => x > 1.5 * median);
    const unevenAt = diffs.findIndex((x) => Math.abs(x - median) > tol);
    if (gapAt >= 0 && options.unevenSpacing !== 'warn') {
      const missing = Math.round(diffs[gapAt] / median) - 1;
      throw new Error(
        `readDicom: gap in the series: ${diffs[gapAt].toFixed(3)} mm between ${frames[gapAt].label} and ${frames[gapAt + 1].label} ` +
          `where the spacing is ${median.toFixed(3)} mm (about ${missing} missing slice(s))`,
      );
    }
    if (unevenAt >= 0) {
      const msg =
        `uneven slice spacing: ${sorted[0].toFixed(3)} to ${sorted[sorted.length - 1].toFixed(3)} mm ` +
        `(first at ${frames[unevenAt].label} → ${frames[unevenAt + 1].label}: ${diffs[unevenAt].toFixed(3)} mm, median ${median.toFixed(3)} mm)`;
      if (options.unevenSpacing !== 'warn') throw new Error(`readDicom: ${msg}`);
      warnings.push(`${msg}; mean spacing used`);
      dz = (d[d.length - 1] - d[0]) / (nz - 1);
    } else dz = (d[d.length - 1] - d[0]) / (nz - 1);
    // in-plane drift (gantry tilt)
    const p0 = frames[0].ipp!;
    let drift = 0;
    for (const f of frames) {
      const off: Vec3 = [f.ipp![0] - p0[0], f.ipp![1] - p0[1], f.ipp![2] - p0[2]];
      drift = Math.max(drift, Math.abs(dot(off, rowDir)), Math.abs(dot(off, colDir)));
    }
    if (drift > 0.5) warnings.push(`slice positions drift ${drift.toFixed(2)} mm in-plane (gantry tilt?); the volume is not resampled`);
  }

  // pixels
  const [nx, ny] = [first.cols, first.rows];
  const n = nx * ny;
  const identity = frames.every((f) => f.slope === 1 && f.intercept === 0);
  const integral = frames.every((f) => Number.isInteger(f.slope) && Number.isInteger(f.intercept));
  const decoded = frames.map(decodeFrame);
  let data: NumericArray;
  if (identity) {
    const Ctor = decoded[0].constructor as new (n: number) => NumericArray;
    data = new Ctor(n * nz);
    decoded.forEach((px, k) => data.set(px, k * n));
  } else {
    let lo = Infinity;
    let hi = -Infinity;
    decoded.forEach((px, k) => {
      const { slope, intercept } = frames[k];
      for (let i = 0; i < n; i++) {
        const v = slope * px[i] + intercept;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    });
    data = integral && lo >= -32768 && hi <= 32767 ? new Int16Array(n * nz) : new Float32Array(n * nz);
    decoded.forEach((px, k) => {
      const { slope, intercept } = frames[k];
      const base = k * n;
      for (let i = 0; i < n; i++) data[base + i] = slope * px[i] + intercept;
    });
  }

  const ps = first.pixelSpacing;
  if (!ps) warnings.push('no PixelSpacing: 1 mm assumed');
  const ds0 = first.file.dataSet;
  const modality = infos[0].modality;
  const tags: PhaseTags = {
    seriesDescription: str(ds0, 'x0008103e'),
    protocolName: str(ds0, 'x00181030'),
    imageComments: str(ds0, 'x00204000'),
    contrastBolusAgent: ds0.elements['x00180010'] ? (str(ds0, 'x00180010') ?? '') : undefined,
    contrastBolusStartTime: str(ds0, 'x00181042'),
    acquisitionTime: str(ds0, 'x00080032'),
    seriesTime: str(ds0, 'x00080031'),
    contentTime: str(ds0, 'x00080033'),
  };
  const phase = detectContrastPhase(tags, options.phase);
  const direction: Mat3 = [rowDir[0], colDir[0], normal[0], rowDir[1], colDir[1], normal[1], rowDir[2], colDir[2], normal[2]];
  const origin = frames[0].ipp ?? [0, 0, 0];
  const synthetic = /SYNTHETIC/i.test(tags.imageComments ?? '') || /SYNTHETIC/i.test(str(ds0, 'x00100010') ?? '');
  return createVolume({
    data,
    dims: [nx, ny, nz],
    spacing: [ps?.[1] || 1, ps?.[0] || 1, Math.abs(dz) || 1],
    origin,
    direction,
    metadata: {
      sourceFormat: 'dicom',
      modality,
      hounsfield: modality === 'CT' && !identity ? true : modality === 'CT' ? undefined : false,
      ...(phase.phase ? { phase: phase.phase, phaseSource: phase.source } : {}),
      phaseReason: phase.reason,
      ...(synthetic ? { synthetic: true } : {}),
      studyInstanceUid: str(ds0, 'x0020000d'),
      seriesInstanceUid: str(ds0, 'x0020000e'),
      seriesDescription: tags.seriesDescription,
      patientId: str(ds0, 'x00100020'),
      frameOfReferenceUid: str(ds0, 'x00200052'),
      sopInstanceUids: frames.map((f) => str(f.file.dataSet, 'x00080018') ?? ''),
      transferSyntax: first.file.transferSyntax,
      ...(warnings.length ? { warnings } : {}),
    },
  });
}
