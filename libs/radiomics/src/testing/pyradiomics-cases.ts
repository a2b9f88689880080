/**
 * The PyRadiomics repository's real cases as fixtures (fixtures/pyradiomics: cropped to the label-1 bounding box
 * + padDistance 5; generator tools/goldens/radiomics/pyradiomics_baseline.ts). Node only; for tests and benches.
 */
import { join } from 'node:path';
import type { Image3D, Mask3D } from '../types';
import { readNifti1 } from './nifti';

/** Image and label-1 mask of a PyRadiomics case ('brain1' | 'brain2' | 'breast1'). */
export function loadPyradiomicsCase(name: string): { image: Image3D; mask: Mask3D } {
  const dir = join(__dirname, '../../fixtures/pyradiomics');
  const image = readNifti1(join(dir, `${name}_image.nii.gz`));
  const lab = readNifti1(join(dir, `${name}_label.nii.gz`));
  return { image, mask: { data: Uint8Array.from(lab.data as ArrayLike<number>, (v) => (v === 1 ? 1 : 0)), dims: lab.dims, spacing: lab.spacing } };
}

/** brain1 (4,137-voxel ROI). */
export const loadBrain1 = () => loadPyradiomicsCase('brain1');
