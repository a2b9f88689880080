import { readFile, stat, writeFile, readdir, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzip } from './gzip';
import { encodeNifti, parseNifti } from './nifti';
import { encodeNrrd, parseNrrd } from './nrrd';
import { readDicomSeries, type ReadDicomOptions } from './dicom';
import type { ContrastPhase, Volume } from './types';
import { encodeDicomSeries, type DicomSeriesOptions, type EncodedSeries } from './dicom-writer';
import { decodeDicomSeg, encodeDicomSeg, type DecodedSeg, type EncodeSegOptions, type SegmentInfo } from './seg';

/** The file formats `readVolume` understands. */
export type VolumeFormat = 'nifti' | 'nrrd' | 'dicom';

/** Format of a path by its extension: .nii/.nii.gz → nifti, .nrrd/.nhdr → nrrd, .dcm/.dicom/directory → dicom. */
export function formatOf(p: string): VolumeFormat | undefined {
  const l = p.toLowerCase();
  if (l.endsWith('.nii') || l.endsWith('.nii.gz')) return 'nifti';
  if (l.endsWith('.nrrd') || l.endsWith('.nhdr')) return 'nrrd';
  if (l.endsWith('.dcm') || l.endsWith('.dicom') || l.endsWith('.ima')) return 'dicom';
  return undefined;
}

export interface ReadVolumeOptions extends ReadDicomOptions {
  /** Manual contrast-phase override (wins over anything detected). */
  phase?: ContrastPhase;
}

/**
 * Reads a volume from a path, dispatching on the extension (see `formatOf`); a directory is read as a
 * DICOM series (all its files). `metadata.sourcePath` is set; `options.phase` overrides the phase.
 */
export async function readVolume(p: string, options: ReadVolumeOptions = {}): Promise<Volume> {
  let st;
  try {
    st = await stat(p);
  } catch {
    throw new Error(`readVolume: ${p} does not exist`);
  }
  let vol: Volume;
  if (st.isDirectory()) {
    // regular files only (sub-directories are not descended into), hidden files skipped
    const entries = await readdir(p, { withFileTypes: true });
    const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
    if (names.length === 0) throw new Error(`readVolume: directory ${p} contains no files (DICOM series are read from the files directly in it)`);
    vol = await readDicomSeries(
      names.map((n) => path.join(p, n)),
      options,
    );
  } else {
    const fmt = formatOf(p);
    if (fmt === 'nifti') vol = parseNifti(await readFile(p), p);
    else if (fmt === 'nrrd') {
      vol = parseNrrd(await readFile(p), p, {
        loadDataFile: (f) => readFileSync(path.resolve(path.dirname(p), f)),
      });
    } else if (fmt === 'dicom') vol = await readDicomSeries([p], options);
    else throw new Error(`readVolume: ${p} has an unknown extension (expected .nii, .nii.gz, .nrrd, .nhdr, .dcm or a DICOM directory)`);
  }
  vol.metadata.sourcePath = p;
  if (options.phase) {
    vol.metadata.phase = options.phase;
    vol.metadata.phaseSource = 'override';
  }
  return vol;
}

export interface WriteVolumeOptions {
  /** gzip level for .nii.gz / .nrrd (default 6) */
  level?: number;
  /** NRRD encoding (default gzip) */
  nrrdEncoding?: 'gzip' | 'raw';
}

/** Writes a volume as .nii, .nii.gz or .nrrd (by extension), creating the parent directory. */
export async function writeVolume(p: string, volume: Volume, options: WriteVolumeOptions = {}): Promise<void> {
  const l = p.toLowerCase();
  let bytes: Uint8Array;
  if (l.endsWith('.nii.gz')) bytes = gzip(encodeNifti(volume), options.level ?? 6);
  else if (l.endsWith('.nii')) bytes = encodeNifti(volume);
  else if (l.endsWith('.nrrd')) bytes = encodeNrrd(volume, { encoding: options.nrrdEncoding ?? 'gzip', level: options.level });
  else throw new Error(`writeVolume: ${p} has an unsupported extension (expected .nii, .nii.gz or .nrrd)`);
  await mkdir(path.dirname(path.resolve(p)), { recursive: true });
  await writeFile(p, bytes);
}

/**
 * Writes a volume as a DICOM series (one file per slice, `IM0001.dcm`, …) into `dir`; returns the UIDs
 * (needed to reference the series from a SEG).
 */
export async function writeDicomSeries(dir: string, volume: Volume, options: DicomSeriesOptions = {}): Promise<EncodedSeries & { paths: string[] }> {
  const enc = encodeDicomSeries(volume, options);
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let k = 0; k < enc.files.length; k++) {
    const p = path.join(dir, `IM${String(k + 1).padStart(4, '0')}.dcm`);
    await writeFile(p, enc.files[k]);
    paths.push(p);
  }
  return { ...enc, paths };
}

/** Reads a DICOM SEG file, optionally onto the grid of a reference volume. */
export async function readDicomSeg(p: string, reference?: Volume): Promise<DecodedSeg> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(p);
  } catch (e) {
    throw new Error(`readDicomSeg: cannot read ${p} (${(e as Error).message})`);
  }
  return decodeDicomSeg(bytes, p, reference);
}

/** Writes a label map as a DICOM SEG referencing the DICOM files `referencePaths` (the source series). */
export async function writeDicomSeg(
  p: string,
  labelmap: Volume,
  segments: SegmentInfo[],
  referencePaths: string[],
  options: EncodeSegOptions = {},
): Promise<void> {
  const refs = await Promise.all(referencePaths.map((r) => readFile(r)));
  const bytes = encodeDicomSeg(labelmap, segments, refs, options);
  await mkdir(path.dirname(path.resolve(p)), { recursive: true });
  await writeFile(p, bytes);
}
