import { readFile } from 'node:fs/promises';
import * as io from '@hepatoscope/imaging-io';
import type { Volume } from '@hepatoscope/imaging-io';
import type { CascadeResult } from './cascade';
import { lesionInstances } from './postprocess';

/**
 * File-level helpers shared by the CLI (`hepatoscope infer`) and the worker: read an image, and turn a
 * cascade result into NIfTI masks on the image's grid plus a JSON summary.
 */

/**
 * Reads an image volume. Uses imaging-io's `readVolume` (NIfTI, NRRD, DICOM series) when that package
 * exports it, otherwise reads NIfTI (.nii/.nii.gz) and NRRD directly.
 */
export async function readImage(path: string): Promise<Volume> {
  const readVolume = (io as unknown as { readVolume?: (p: string) => Promise<Volume> }).readVolume;
  if (typeof readVolume === 'function') return readVolume(path);
  const lower = path.toLowerCase();
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`readImage: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (lower.endsWith('.nii') || lower.endsWith('.nii.gz')) return io.parseNifti(bytes, path);
  if (lower.endsWith('.nrrd')) return io.parseNrrd(bytes, path);
  throw new Error(`readImage: ${path}: unsupported format (expected .nii, .nii.gz or .nrrd)`);
}

export interface LesionSummary {
  label: number;
  voxels: number;
  volumeMl: number;
}

export interface SegmentationSummary {
  model: string;
  models: string[];
  provider: string;
  dims: [number, number, number];
  spacing: [number, number, number];
  liverVolumeMl: number;
  tumourVolumeMl: number;
  lesions: LesionSummary[];
  synthetic: boolean;
  timings: CascadeResult['timings'];
}

/** Minimum lesion size kept as an instance, in mm³ (smaller specks are still in the label map). */
export const MIN_LESION_MM3 = 10;

/**
 * Encodes the LiTS label map (uint8) and the lesion-instance map (uint16, 1..K by decreasing size) as
 * gzip NIfTI on the image's grid and summarises volumes (mL = voxels · Πspacing / 1000).
 */
export function encodeSegmentation(
  image: Volume,
  result: CascadeResult,
  model: string,
): { mask: Uint8Array; instances: Uint8Array; summary: SegmentationSummary } {
  const voxelMl = (image.spacing[0] * image.spacing[1] * image.spacing[2]) / 1000;
  const minVoxels = Math.max(1, Math.ceil(MIN_LESION_MM3 / (voxelMl * 1000)));
  const { instances, sizes } = lesionInstances(result.labels, result.dims, 2, minVoxels);
  const synthetic = image.metadata?.synthetic === true;
  const meta = {
    modality: 'SEG',
    synthetic,
    segmentation: { model, labels: { 0: 'background', 1: 'liver', 2: 'tumour' } },
  };
  const maskVol = io.volumeLike(image, result.labels, meta);
  const instVol = io.volumeLike(image, instances, {
    ...meta,
    segmentation: { model, labels: 'lesion instances 1..K by decreasing size' },
  });
  const summary: SegmentationSummary = {
    model,
    models: result.models,
    provider: result.provider,
    dims: [...result.dims],
    spacing: [image.spacing[0], image.spacing[1], image.spacing[2]],
    liverVolumeMl: round3(result.liverVoxels * voxelMl),
    tumourVolumeMl: round3(result.tumourVoxels * voxelMl),
    lesions: sizes.map((v, i) => ({ label: i + 1, voxels: v, volumeMl: round3(v * voxelMl) })),
    synthetic,
    timings: result.timings,
  };
  return { mask: io.gzip(io.encodeNifti(maskVol)), instances: io.gzip(io.encodeNifti(instVol)), summary };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
