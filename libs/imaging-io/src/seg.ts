import * as dicomParser from 'dicom-parser';
import { cross, dot } from './geometry';
import { parseDicomFile } from './dicom';
import { ds as ds_ } from './dicom-writer';
import type { Mat3, Vec3, Volume } from './types';
import { createVolume, worldToIndex } from './volume';

/**
 * DICOM Segmentation (SEG) objects: writing with dcmjs's `derivations.Segmentation` (BINARY, bit-packed,
 * one frame per referenced source slice that contains the segment — the form OHIF and Orthanc load), and
 * reading back into a label map (dicom-parser), on the grid of a reference volume or on the SEG's own.
 */

/** A coded concept (SNOMED CT by default). */
export interface Code {
  CodeValue: string;
  CodingSchemeDesignator: string;
  CodeMeaning: string;
}

export const CODES = {
  anatomicalStructure: { CodeValue: '123037004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical Structure' },
  liver: { CodeValue: '10200004', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Liver' },
  morphologicallyAltered: { CodeValue: '49755003', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Morphologically Altered Structure' },
  neoplasm: { CodeValue: '108369006', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Neoplasm' },
} satisfies Record<string, Code>;

/** One segment: the label value in the label map and its description. */
export interface SegmentInfo {
  /** voxel value of this segment in the label map (1..255) */
  label: number;
  name: string;
  category?: Code;
  type?: Code;
  algorithmType?: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';
  algorithmName?: string;
  /** display colour, sRGB 0..255 */
  color?: [number, number, number];
}

/** Default segments of the LiTS convention: 1 liver, 2 tumour. */
export const LITS_SEGMENTS: SegmentInfo[] = [
  { label: 1, name: 'Liver', category: CODES.anatomicalStructure, type: CODES.liver, color: [221, 130, 101] },
  { label: 2, name: 'Tumour', category: CODES.morphologicallyAltered, type: CODES.neoplasm, color: [255, 255, 0] },
];

/**
 * sRGB (0..255) → DICOM RecommendedDisplayCIELabValue (PS3.3 C.10.7.1.1: L* 0..100 → 0..65535,
 * a*, b* −128..127 → 0..65535), D65 white point.
 */
export function rgbToDicomLab(rgb: [number, number, number]): [number, number, number] {
  const lin = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const x = (0.4124564 * lin[0] + 0.3575761 * lin[1] + 0.1804375 * lin[2]) / 0.95047;
  const y = 0.2126729 * lin[0] + 0.7151522 * lin[1] + 0.072175 * lin[2];
  const z = (0.0193339 * lin[0] + 0.119192 * lin[1] + 0.9503041 * lin[2]) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const L = 116 * f(y) - 16;
  const a = 500 * (f(x) - f(y));
  const b = 200 * (f(y) - f(z));
  const clamp = (v: number) => Math.max(0, Math.min(65535, Math.round(v)));
  return [clamp((L * 65535) / 100), clamp(((a + 128) * 65535) / 255), clamp(((b + 128) * 65535) / 255)];
}

export interface EncodeSegOptions {
  seriesDescription?: string;
  seriesNumber?: number;
  /** default algorithm name for AUTOMATIC/SEMIAUTOMATIC segments */
  algorithmName?: string;
}

interface DcmjsModule {
  data: {
    DicomMessage: { readFile(ab: ArrayBuffer): { dict: unknown } };
    DicomMetaDictionary: { naturalizeDataset(d: unknown): Record<string, unknown> };
    datasetToBuffer(ds: unknown): ArrayBuffer;
  };
  normalizers: { Normalizer: { normalizeToDataset(ds: Record<string, unknown>[]): Record<string, unknown> } };
  derivations: {
    Segmentation: new (
      ds: Record<string, unknown>[],
      o: { includeSliceSpacing: boolean },
    ) => {
      dataset: Record<string, unknown>;
      setNumberOfFrames(n: number): void;
      addSegment(seg: Record<string, unknown>, px: Uint8Array, frames: number[]): void;
      bitPackPixelData(): void;
    };
  };
}

function loadDcmjs(): DcmjsModule {
  // dcmjs is heavy: load it only when a SEG is written
  return require('dcmjs') as DcmjsModule;
}

/**
 * Encodes a label map as a BINARY DICOM SEG referencing the given source series (its Part-10 files).
 * The label map must lie on the grid of the source series (same rows/columns, one slice per source
 * slice); each source slice is matched through its ImagePositionPatient. Empty segments keep one empty
 * frame so that they still appear in the SegmentSequence.
 */
export function encodeDicomSeg(
  labelmap: Volume,
  segments: SegmentInfo[],
  referenceFiles: Uint8Array[],
  options: EncodeSegOptions = {},
): Uint8Array {
  if (referenceFiles.length === 0) throw new Error('writeDicomSeg: no reference DICOM files given');
  if (segments.length === 0) throw new Error('writeDicomSeg: no segments given');
  const dcmjs = loadDcmjs();
  const datasets = referenceFiles.map((b, t) => {
    try {
      const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(ab).dict);
    } catch (e) {
      throw new Error(`writeDicomSeg: reference file #${t + 1} is not readable DICOM (${(e as Error).message ?? e})`);
    }
  });
  const [nx, ny, nz] = labelmap.dims;
  const rows = Number(datasets[0].Rows);
  const cols = Number(datasets[0].Columns);
  if (rows !== ny || cols !== nx) {
    throw new Error(`writeDicomSeg: the label map is ${nx}×${ny} in-plane but the reference images are ${cols}×${rows}`);
  }
  const multiframe = dcmjs.normalizers.Normalizer.normalizeToDataset(datasets);
  const perFrame = multiframe.PerFrameFunctionalGroupsSequence as { PlanePositionSequence: { ImagePositionPatient: number[] } }[];
  // multiframe frame f (0-based) → label-map slice k
  const frameToK = perFrame.map((pf, f) => {
    const p = pf.PlanePositionSequence.ImagePositionPatient.map(Number) as unknown as Vec3;
    const ijk = worldToIndex(labelmap, p);
    const k = Math.round(ijk[2]);
    if (Math.abs(ijk[0]) > 0.1 || Math.abs(ijk[1]) > 0.1 || Math.abs(ijk[2] - k) > 0.1 || k < 0 || k >= nz) {
      throw new Error(
        `writeDicomSeg: reference frame ${f + 1} at (${p.map((x) => x.toFixed(2)).join(', ')}) does not fall on a slice of the label map grid`,
      );
    }
    return k;
  });
  const plane = nx * ny;
  const lab = labelmap.data;
  const perSegFrames = segments.map((s) => {
    if (!(s.label >= 1 && s.label <= 65535)) throw new Error(`writeDicomSeg: segment "${s.name}" has invalid label ${s.label}`);
    const frames: number[] = [];
    frameToK.forEach((k, f) => {
      for (let i = k * plane, e = i + plane; i < e; i++) {
        if (lab[i] === s.label) {
          frames.push(f + 1);
          break;
        }
      }
    });
    return frames.length ? frames : [1];
  });
  const seg = new dcmjs.derivations.Segmentation([multiframe], { includeSliceSpacing: true });
  seg.setNumberOfFrames(perSegFrames.reduce((a, f) => a + f.length, 0));
  segments.forEach((s, si) => {
    const frames = perSegFrames[si];
    const px = new Uint8Array(frames.length * plane);
    frames.forEach((f, t) => {
      const base = frameToK[f - 1] * plane;
      for (let i = 0; i < plane; i++) if (lab[base + i] === s.label) px[t * plane + i] = 1;
    });
    const algorithmType = s.algorithmType ?? 'AUTOMATIC';
    seg.addSegment(
      {
        SegmentLabel: s.name,
        SegmentedPropertyCategoryCodeSequence: s.category ?? CODES.anatomicalStructure,
        SegmentedPropertyTypeCodeSequence: s.type ?? CODES.liver,
        SegmentAlgorithmType: algorithmType,
        ...(algorithmType !== 'MANUAL' ? { SegmentAlgorithmName: s.algorithmName ?? options.algorithmName ?? 'hepatoscope' } : {}),
        ...(s.color ? { RecommendedDisplayCIELabValue: rgbToDicomLab(s.color) } : {}),
      },
      px,
      frames,
    );
  });
  seg.bitPackPixelData();
  const ds = seg.dataset;
  ds.SeriesDescription = options.seriesDescription ?? (labelmap.metadata.synthetic ? 'Segmentation (synthetic)' : 'Segmentation');
  ds.SeriesNumber = String(options.seriesNumber ?? 300);
  ds.Manufacturer = 'Hepatoscope';
  if (labelmap.metadata.synthetic) ds.ImageComments = 'SYNTHETIC PHANTOM - not patient data';
  // dcmjs computes SpacingBetweenSlices in floating point; keep DS values within 16 characters
  const shared = ds.SharedFunctionalGroupsSequence as { PixelMeasuresSequence?: Record<string, unknown> } | undefined;
  const pm = shared?.PixelMeasuresSequence;
  if (pm) {
    for (const key of ['SpacingBetweenSlices', 'SliceThickness']) {
      if (pm[key] !== undefined) pm[key] = ds_(Number(pm[key]));
    }
    if (Array.isArray(pm.PixelSpacing)) pm.PixelSpacing = pm.PixelSpacing.map((x) => ds_(Number(x)));
  }
  ds._meta = { TransferSyntaxUID: { Value: ['1.2.840.10008.1.2.1'] } };
  return new Uint8Array(dcmjs.data.datasetToBuffer(ds));
}

/** A SEG read back: a label map (segment numbers → the `label` of each segment) and the segments. */
export interface DecodedSeg {
  labelmap: Volume<Uint8Array>;
  segments: (SegmentInfo & { number: number })[];
  /** SOPInstanceUID of the source image of each SEG frame */
  referencedSopInstanceUids: string[];
}

const codeOf = (ds: dicomParser.DataSet | undefined): Code | undefined =>
  ds
    ? {
        CodeValue: ds.string('x00080100') ?? '',
        CodingSchemeDesignator: ds.string('x00080102') ?? '',
        CodeMeaning: ds.string('x00080104') ?? '',
      }
    : undefined;

/**
 * Decodes a DICOM SEG (BINARY or FRACTIONAL, threshold at half the maximum) into a label map whose voxel
 * value is the SegmentNumber (later segments win on overlap). With `reference` the label map is on its
 * grid (frames placed by ImagePositionPatient); without, on a grid built from the SEG's own geometry.
 */
export function decodeDicomSeg(bytes: Uint8Array, name = '<buffer>', reference?: Pick<Volume, 'dims' | 'spacing' | 'origin' | 'direction'>): DecodedSeg {
  const f = parseDicomFile(bytes, name);
  const ds = f.dataSet;
  const sop = ds.string('x00080016');
  if (sop !== '1.2.840.10008.5.1.4.1.1.66.4') throw new Error(`readDicomSeg: ${name} is not a Segmentation object (SOP class ${sop})`);
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  const nFrames = Number(ds.string('x00280008') ?? 0);
  const type = ds.string('x00620001') ?? 'BINARY';
  const bits = ds.uint16('x00280100') ?? 1;
  const el = ds.elements['x7fe00010'];
  if (!el) throw new Error(`readDicomSeg: ${name} has no Pixel Data`);
  const plane = rows * cols;
  const needBytes = bits === 1 ? Math.ceil((plane * nFrames) / 8) : plane * nFrames;
  if (el.dataOffset + needBytes > ds.byteArray.length || el.length < needBytes) {
    throw new Error(`readDicomSeg: ${name} is truncated: ${nFrames} frames of ${cols}×${rows} need ${needBytes} bytes of pixel data`);
  }
  const segItems = ds.elements['x00620002']?.items ?? [];
  const segments = segItems.map((it) => {
    const s = it.dataSet!;
    return {
      number: s.uint16('x00620004') ?? 0,
      label: s.uint16('x00620004') ?? 0,
      name: s.string('x00620005') ?? '',
      algorithmType: (s.string('x00620008') ?? 'MANUAL') as SegmentInfo['algorithmType'],
      algorithmName: s.string('x00620009'),
      category: codeOf(s.elements['x00620003']?.items?.[0]?.dataSet),
      type: codeOf(s.elements['x0062000f']?.items?.[0]?.dataSet),
    };
  });
  const shared = ds.elements['x52009229']?.items?.[0]?.dataSet;
  const perFrame = ds.elements['x52009230']?.items ?? [];
  if (perFrame.length !== nFrames) throw new Error(`readDicomSeg: ${name} has ${nFrames} frames but ${perFrame.length} per-frame groups`);
  const vec = (d: dicomParser.DataSet | undefined, tag: string, n: number) =>
    d && d.elements[tag] ? Array.from({ length: n }, (_, i) => d.floatString(tag, i) ?? NaN) : undefined;
  const sub = (d: dicomParser.DataSet | undefined, tag: string) => d?.elements[tag]?.items?.[0]?.dataSet;
  const iop = vec(sub(shared, 'x00209116'), 'x00200037', 6) ?? vec(sub(perFrame[0]?.dataSet, 'x00209116'), 'x00200037', 6);
  const measures = sub(shared, 'x00289110');
  const ps = vec(measures, 'x00280030', 2) ?? [1, 1];
  const frames = perFrame.map((it, t) => {
    const d = it.dataSet!;
    const ipp = vec(sub(d, 'x00209113'), 'x00200032', 3);
    const segNo = sub(d, 'x0062000a')?.uint16('x0062000b');
    const src = sub(sub(d, 'x00089124'), 'x00082112');
    if (!ipp || segNo === undefined) throw new Error(`readDicomSeg: ${name} frame ${t + 1} lacks its position or segment number`);
    return { ipp: ipp as unknown as Vec3, segNo, sop: src?.string('x00081155') ?? '' };
  });
  let grid: Pick<Volume, 'dims' | 'spacing' | 'origin' | 'direction'>;
  if (reference) grid = reference;
  else {
    if (!iop) throw new Error(`readDicomSeg: ${name} has no ImageOrientationPatient`);
    const r: Vec3 = [iop[0], iop[1], iop[2]];
    const c: Vec3 = [iop[3], iop[4], iop[5]];
    const n = cross(r, c);
    const d = [...new Set(frames.map((fr) => Math.round(dot(fr.ipp, n) * 1000) / 1000))].sort((a, b) => a - b);
    const diffs = d.slice(1).map((x, t) => x - d[t]);
    const dz = measures?.floatString('x00180088') ?? (diffs.length ? Math.min(...diffs) : measures?.floatString('x00180050') ?? 1);
    const first = frames.reduce((a, b) => (dot(b.ipp, n) < dot(a.ipp, n) ? b : a));
    grid = {
      dims: [cols, rows, d.length ? Math.round((d[d.length - 1] - d[0]) / dz) + 1 : 1],
      spacing: [ps[1], ps[0], dz],
      origin: first.ipp,
      direction: [r[0], c[0], n[0], r[1], c[1], n[1], r[2], c[2], n[2]] as Mat3,
    };
  }
  if (grid.dims[0] !== cols || grid.dims[1] !== rows) {
    throw new Error(`readDicomSeg: ${name} frames are ${cols}×${rows} but the reference grid is ${grid.dims[0]}×${grid.dims[1]}`);
  }
  const nz = grid.dims[2];
  const out = new Uint8Array(plane * nz);
  const px = ds.byteArray;
  const off = el.dataOffset;
  const maxFrac = ds.uint16('x00620014') ?? 255;
  frames.forEach((fr, t) => {
    const ijk = worldToIndex(grid, fr.ipp);
    const k = Math.round(ijk[2]);
    if (k < 0 || k >= nz || Math.abs(ijk[2] - k) > 0.1) {
      throw new Error(`readDicomSeg: ${name} frame ${t + 1} at z index ${ijk[2].toFixed(2)} is not on the reference grid`);
    }
    const base = k * plane;
    if (bits === 1) {
      const b0 = t * plane;
      for (let i = 0; i < plane; i++) {
        const b = b0 + i;
        if (px[off + (b >> 3)] & (1 << (b & 7))) out[base + i] = fr.segNo;
      }
    } else {
      const thr = type === 'FRACTIONAL' ? maxFrac / 2 : 0;
      for (let i = 0; i < plane; i++) if (px[off + t * plane + i] > thr) out[base + i] = fr.segNo;
    }
  });
  return {
    labelmap: createVolume({
      data: out,
      dims: grid.dims,
      spacing: grid.spacing,
      origin: grid.origin,
      direction: grid.direction,
      metadata: { sourceFormat: 'dicom-seg', modality: 'SEG', seriesInstanceUid: ds.string('x0020000e') },
    }),
    segments,
    referencedSopInstanceUids: frames.map((fr) => fr.sop),
  };
}
