import { randomUUID } from 'node:crypto';
import { column, cross } from './geometry';
import type { NumericArray, Volume } from './types';
import { indexToWorld } from './volume';

/**
 * A small DICOM Part-10 writer (explicit or implicit VR little endian), enough to export volumes as
 * CT/MR series or an Enhanced multi-frame object — used by the phantom exporter, the benchmarks and
 * the tests (which build good and deliberately broken files with it instead of committing binaries).
 */

/** One data element: tag as 0xGGGGEEEE, its VR, and a value. */
export interface DicomElementSpec {
  tag: number;
  vr: string;
  /** strings (multi-valued joined by \), numbers, byte/word arrays, or sequence items */
  value: string | number | readonly number[] | Uint8Array | NumericArray | DicomElementSpec[][] | undefined;
}

export const TS_EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
export const SOP_CT = '1.2.840.10008.5.1.4.1.1.2';
export const SOP_MR = '1.2.840.10008.5.1.4.1.1.4';
export const SOP_ENHANCED_CT = '1.2.840.10008.5.1.4.1.1.2.1';
const IMPLEMENTATION_UID = '1.2.826.0.1.3680043.10.1234.1';

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'OV', 'SQ', 'UT', 'UN', 'UC', 'UR']);

/** A new globally unique UID under the 2.25 (UUID-derived) root. */
export function newUid(): string {
  return '2.25.' + BigInt('0x' + randomUUID().replace(/-/g, '')).toString();
}

/** A DICOM Decimal String of a number (≤ 16 characters). */
export function ds(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  for (let p = 15; p > 1; p--) {
    const s = String(Number(x.toPrecision(p)));
    if (s.length <= 16) return s;
  }
  return x.toExponential(6);
}

class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private ensure(n: number) {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  u16(v: number) {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number) {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }
  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function valueBytes(el: DicomElementSpec): Uint8Array {
  const { vr, value } = el;
  if (value === undefined) return new Uint8Array(0);
  if (value instanceof Uint8Array && (vr === 'OB' || vr === 'UN')) return value;
  if (ArrayBuffer.isView(value)) {
    const v = value as NumericArray;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  const nums = typeof value === 'number' ? [value] : Array.isArray(value) && typeof value[0] === 'number' ? (value as unknown as number[]) : null;
  if (nums && ['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'AT'].includes(vr)) {
    const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
    const out = new Uint8Array(nums.length * size);
    const dv = new DataView(out.buffer);
    nums.forEach((x, i) => {
      if (vr === 'US') dv.setUint16(i * 2, x, true);
      else if (vr === 'SS') dv.setInt16(i * 2, x, true);
      else if (vr === 'UL') dv.setUint32(i * 4, x, true);
      else if (vr === 'SL') dv.setInt32(i * 4, x, true);
      else if (vr === 'FL') dv.setFloat32(i * 4, x, true);
      else if (vr === 'FD') dv.setFloat64(i * 8, x, true);
      else {
        dv.setUint16(i * 4, x >>> 16, true);
        dv.setUint16(i * 4 + 2, x & 0xffff, true);
      }
    });
    return out;
  }
  let s: string;
  if (typeof value === 'string') s = value;
  else if (nums) s = nums.map((x) => (vr === 'DS' ? ds(x) : String(Math.round(x)))).join('\\');
  else throw new Error(`encodeDicom: element ${el.tag.toString(16)} (${vr}) has an unsupported value`);
  const b = new TextEncoder().encode(s);
  if (b.length % 2 === 0) return b;
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  out[b.length] = vr === 'UI' || vr === 'OB' ? 0 : 0x20;
  return out;
}

function writeElements(w: ByteWriter, elements: DicomElementSpec[], explicit: boolean) {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (const el of sorted) {
    w.u16(el.tag >>> 16);
    w.u16(el.tag & 0xffff);
    if (el.vr === 'SQ') {
      if (explicit) {
        w.bytes(new TextEncoder().encode('SQ'));
        w.u16(0);
      }
      w.u32(0xffffffff);
      for (const item of (el.value as DicomElementSpec[][]) ?? []) {
        w.u16(0xfffe);
        w.u16(0xe000);
        w.u32(0xffffffff);
        writeElements(w, item, explicit);
        w.u16(0xfffe);
        w.u16(0xe00d);
        w.u32(0);
      }
      w.u16(0xfffe);
      w.u16(0xe0dd);
      w.u32(0);
      continue;
    }
    let bytes = valueBytes(el);
    if (bytes.length % 2) {
      const p = new Uint8Array(bytes.length + 1);
      p.set(bytes);
      bytes = p;
    }
    if (explicit) {
      w.bytes(new TextEncoder().encode(el.vr));
      if (LONG_VRS.has(el.vr)) {
        w.u16(0);
        w.u32(bytes.length);
      } else {
        if (bytes.length > 0xffff) throw new Error(`encodeDicom: element ${el.tag.toString(16)} is too long for VR ${el.vr}`);
        w.u16(bytes.length);
      }
    } else w.u32(bytes.length);
    w.bytes(bytes);
  }
}

/**
 * Encodes a Part-10 file: 128-byte preamble, "DICM", file meta group (explicit VR LE) and the data set in
 * `transferSyntax` (explicit or implicit VR little endian; any other UID is written as explicit LE with
 * that UID in the meta header — used by tests to fake compressed syntaxes).
 */
export function encodeDicom(elements: DicomElementSpec[], transferSyntax = TS_EXPLICIT_LE): Uint8Array {
  const str = (tag: number) => elements.find((e) => e.tag === tag)?.value as string | undefined;
  const meta = new ByteWriter();
  writeElements(
    meta,
    [
      { tag: 0x00020001, vr: 'OB', value: Uint8Array.from([0, 1]) },
      { tag: 0x00020002, vr: 'UI', value: str(0x00080016) ?? SOP_CT },
      { tag: 0x00020003, vr: 'UI', value: str(0x00080018) ?? newUid() },
      { tag: 0x00020010, vr: 'UI', value: transferSyntax },
      { tag: 0x00020012, vr: 'UI', value: IMPLEMENTATION_UID },
      { tag: 0x00020013, vr: 'SH', value: 'HEPATOSCOPE' },
    ],
    true,
  );
  const metaBytes = meta.result();
  const w = new ByteWriter();
  w.bytes(new Uint8Array(128));
  w.bytes(new TextEncoder().encode('DICM'));
  writeElements(w, [{ tag: 0x00020000, vr: 'UL', value: metaBytes.length }], true);
  w.bytes(metaBytes);
  writeElements(w, elements, transferSyntax !== TS_IMPLICIT_LE);
  return w.result();
}

export interface DicomSeriesOptions {
  modality?: 'CT' | 'MR';
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  frameOfReferenceUid?: string;
  seriesNumber?: number;
  seriesDescription?: string;
  patientId?: string;
  patientName?: string;
  /** CT: stored = round((value − intercept) / slope); default slope 1, intercept −1024 (CT) or 0 (MR) */
  rescaleSlope?: number;
  rescaleIntercept?: number;
  /** ContrastBolusAgent (0018,0010) */
  contrastBolusAgent?: string;
  /** ContrastBolusStartTime (0018,1042), DICOM TM */
  contrastBolusStartTime?: string;
  /** AcquisitionTime (0008,0032), DICOM TM */
  acquisitionTime?: string;
  /** extra elements added to every file */
  extra?: DicomElementSpec[];
  transferSyntax?: string;
}

/** Common patient/study/series/frame-of-reference elements. */
function commonElements(vol: Volume, o: DicomSeriesOptions, ids: { study: string; series: string; frame: string }): DicomElementSpec[] {
  const modality = o.modality ?? 'CT';
  const desc = o.seriesDescription ?? (vol.metadata.seriesDescription as string | undefined) ?? '';
  const els: DicomElementSpec[] = [
    { tag: 0x00080020, vr: 'DA', value: '20260101' },
    { tag: 0x00080030, vr: 'TM', value: '120000' },
    { tag: 0x00080050, vr: 'SH', value: '' },
    { tag: 0x00080060, vr: 'CS', value: modality },
    { tag: 0x00080070, vr: 'LO', value: 'Hepatoscope' },
    { tag: 0x00080090, vr: 'PN', value: '' },
    { tag: 0x0008103e, vr: 'LO', value: desc },
    { tag: 0x00100010, vr: 'PN', value: o.patientName ?? (vol.metadata.synthetic ? 'SYNTHETIC^PHANTOM' : 'ANONYMOUS') },
    { tag: 0x00100020, vr: 'LO', value: o.patientId ?? (vol.metadata.patientId as string | undefined) ?? 'HS0001' },
    { tag: 0x00100030, vr: 'DA', value: '' },
    { tag: 0x00100040, vr: 'CS', value: 'O' },
    { tag: 0x0020000d, vr: 'UI', value: ids.study },
    { tag: 0x0020000e, vr: 'UI', value: ids.series },
    { tag: 0x00200010, vr: 'SH', value: '1' },
    { tag: 0x00200011, vr: 'IS', value: o.seriesNumber ?? 1 },
    { tag: 0x00200052, vr: 'UI', value: ids.frame },
    { tag: 0x00201040, vr: 'LO', value: '' },
  ];
  if (o.contrastBolusAgent !== undefined) els.push({ tag: 0x00180010, vr: 'LO', value: o.contrastBolusAgent });
  if (o.contrastBolusStartTime !== undefined) els.push({ tag: 0x00181042, vr: 'TM', value: o.contrastBolusStartTime });
  if (o.acquisitionTime !== undefined) els.push({ tag: 0x00080032, vr: 'TM', value: o.acquisitionTime });
  if (vol.metadata.synthetic) els.push({ tag: 0x00204000, vr: 'LT', value: 'SYNTHETIC PHANTOM - not patient data' });
  return els;
}

function storedSlice(vol: Volume, k: number, slope: number, intercept: number, signed: boolean): Int16Array | Uint16Array {
  const n = vol.dims[0] * vol.dims[1];
  const out = signed ? new Int16Array(n) : new Uint16Array(n);
  const lo = signed ? -32768 : 0;
  const hi = signed ? 32767 : 65535;
  const src = vol.data;
  const base = k * n;
  for (let i = 0; i < n; i++) {
    const v = Math.round((src[base + i] - intercept) / slope);
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return out;
}

/** The result of encoding a series: one Part-10 file per slice, in slice order k = 0..nz−1. */
export interface EncodedSeries {
  files: Uint8Array[];
  sopInstanceUids: string[];
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
}

/**
 * Encodes a volume as a single-frame CT or MR Image Storage series (16-bit, one file per slice), with
 * ImagePositionPatient from the volume's LPS geometry, ImageOrientationPatient from its first two
 * direction columns, PixelSpacing (row, column) = (spacing y, spacing x), and Rescale Slope/Intercept.
 */
export function encodeDicomSeries(vol: Volume, o: DicomSeriesOptions = {}): EncodedSeries {
  const modality = o.modality ?? 'CT';
  const slope = o.rescaleSlope ?? 1;
  const intercept = o.rescaleIntercept ?? (modality === 'CT' ? -1024 : 0);
  const ids = {
    study: o.studyInstanceUid ?? (vol.metadata.studyInstanceUid as string | undefined) ?? newUid(),
    series: o.seriesInstanceUid ?? newUid(),
    frame: o.frameOfReferenceUid ?? newUid(),
  };
  const [nx, ny, nz] = vol.dims;
  const rowDir = column(vol.direction, 0);
  const colDir = column(vol.direction, 1);
  const common = commonElements(vol, o, ids);
  const files: Uint8Array[] = [];
  const sops: string[] = [];
  const signed = modality === 'CT' || vol.dtype.startsWith('int') || vol.dtype.startsWith('float');
  for (let k = 0; k < nz; k++) {
    const sop = newUid();
    sops.push(sop);
    const pos = indexToWorld(vol, 0, 0, k);
    const px = storedSlice(vol, k, slope, intercept, signed);
    const els: DicomElementSpec[] = [
      ...common,
      { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL' },
      { tag: 0x00080016, vr: 'UI', value: modality === 'CT' ? SOP_CT : SOP_MR },
      { tag: 0x00080018, vr: 'UI', value: sop },
      { tag: 0x00180050, vr: 'DS', value: vol.spacing[2] },
      { tag: 0x00200013, vr: 'IS', value: k + 1 },
      { tag: 0x00200032, vr: 'DS', value: [...pos] },
      { tag: 0x00200037, vr: 'DS', value: [...rowDir, ...colDir] },
      { tag: 0x00201041, vr: 'DS', value: pos[2] },
      { tag: 0x00280002, vr: 'US', value: 1 },
      { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
      { tag: 0x00280010, vr: 'US', value: ny },
      { tag: 0x00280011, vr: 'US', value: nx },
      { tag: 0x00280030, vr: 'DS', value: [vol.spacing[1], vol.spacing[0]] },
      { tag: 0x00280100, vr: 'US', value: 16 },
      { tag: 0x00280101, vr: 'US', value: 16 },
      { tag: 0x00280102, vr: 'US', value: 15 },
      { tag: 0x00280103, vr: 'US', value: signed ? 1 : 0 },
      { tag: 0x00281052, vr: 'DS', value: intercept },
      { tag: 0x00281053, vr: 'DS', value: slope },
      { tag: 0x00281054, vr: 'LO', value: modality === 'CT' ? 'HU' : 'US' },
      ...(o.extra ?? []),
      { tag: 0x7fe00010, vr: 'OW', value: px },
    ];
    files.push(encodeDicom(els, o.transferSyntax));
  }
  return { files, sopInstanceUids: sops, studyInstanceUid: ids.study, seriesInstanceUid: ids.series, frameOfReferenceUid: ids.frame };
}

/**
 * Encodes a volume as one Enhanced CT Image Storage object (multi-frame, one frame per slice) with the
 * geometry in the Shared (orientation, pixel measures, rescale) and Per-frame (position) Functional
 * Groups.
 */
export function encodeEnhancedCt(vol: Volume, o: DicomSeriesOptions = {}): Uint8Array {
  const slope = o.rescaleSlope ?? 1;
  const intercept = o.rescaleIntercept ?? -1024;
  const ids = { study: o.studyInstanceUid ?? newUid(), series: o.seriesInstanceUid ?? newUid(), frame: o.frameOfReferenceUid ?? newUid() };
  const [nx, ny, nz] = vol.dims;
  const n = nx * ny;
  const px = new Int16Array(n * nz);
  for (let k = 0; k < nz; k++) px.set(storedSlice(vol, k, slope, intercept, true), k * n);
  const rowDir = column(vol.direction, 0);
  const colDir = column(vol.direction, 1);
  const perFrame: DicomElementSpec[][] = [];
  for (let k = 0; k < nz; k++) {
    perFrame.push([
      { tag: 0x00209111, vr: 'SQ', value: [[{ tag: 0x00209157, vr: 'UL', value: [k + 1] }]] },
      { tag: 0x00209113, vr: 'SQ', value: [[{ tag: 0x00200032, vr: 'DS', value: [...indexToWorld(vol, 0, 0, k)] }]] },
    ]);
  }
  const els: DicomElementSpec[] = [
    ...commonElements(vol, { ...o, modality: 'CT' }, ids),
    { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL\\NONE' },
    { tag: 0x00080016, vr: 'UI', value: SOP_ENHANCED_CT },
    { tag: 0x00080018, vr: 'UI', value: newUid() },
    { tag: 0x00200013, vr: 'IS', value: 1 },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280008, vr: 'IS', value: nz },
    { tag: 0x00280010, vr: 'US', value: ny },
    { tag: 0x00280011, vr: 'US', value: nx },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: 16 },
    { tag: 0x00280102, vr: 'US', value: 15 },
    { tag: 0x00280103, vr: 'US', value: 1 },
    {
      tag: 0x52009229,
      vr: 'SQ',
      value: [
        [
          { tag: 0x00209116, vr: 'SQ', value: [[{ tag: 0x00200037, vr: 'DS', value: [...rowDir, ...colDir] }]] },
          {
            tag: 0x00289110,
            vr: 'SQ',
            value: [
              [
                { tag: 0x00180050, vr: 'DS', value: vol.spacing[2] },
                { tag: 0x00280030, vr: 'DS', value: [vol.spacing[1], vol.spacing[0]] },
              ],
            ],
          },
          {
            tag: 0x00289145,
            vr: 'SQ',
            value: [
              [
                { tag: 0x00281052, vr: 'DS', value: intercept },
                { tag: 0x00281053, vr: 'DS', value: slope },
                { tag: 0x00281054, vr: 'LO', value: 'HU' },
              ],
            ],
          },
        ],
      ],
    },
    { tag: 0x52009230, vr: 'SQ', value: perFrame },
    { tag: 0x7fe00010, vr: 'OW', value: px },
  ];
  return encodeDicom(els, o.transferSyntax);
}

/** Slice normal of a volume (third column of its direction). */
export function sliceNormal(vol: Volume): [number, number, number] {
  const n = cross(column(vol.direction, 0), column(vol.direction, 1));
  return [n[0], n[1], n[2]];
}
