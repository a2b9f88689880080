/**
 * Grey level co-occurrence matrices (IBSI 1, section 3.6) and their six aggregation methods.
 *
 * A GLCM for direction (dx, dy, dz) × δ counts the ordered grey-level pairs (i, j) of ROI voxels x
 * and x + δ·(dx, dy, dz); IBSI matrices are symmetric, so each pair is counted as (i, j) and (j, i).
 * Only pairs where both voxels lie inside the ROI count. 2D matrices use the 4 in-plane directions
 * inside each z slice; 3D matrices use the 13 unique directions of the 26-neighbourhood.
 *
 * Memory is O(13 · Ng²) whatever the image size: the per-slice matrices are computed one slice at a
 * time, and the 3D matrices of the 4 in-plane directions are the slice-merged 2D matrices.
 */
import type { CooccurrenceMatrix, DiscretisedImage, DirectionalAggregation } from './types';
import type { FeatureValue } from '../types';
import { GLCM_FEATURES, glcmProbabilities } from './glcm-features';
import {
  DIRECTIONS_2D,
  DIRECTIONS_OUT_OF_PLANE,
  FeatureAverager,
  checkDiscretised,
  evaluate,
  total,
  writeFeatures,
} from './matrix-utils';

/**
 * Adds the symmetric co-occurrence counts of offset (dx, dy, dz) to `out` (ng × ng), for first
 * voxels in slices z ∈ [zFrom, zTo). Allocation-free.
 */
export function accumulateCooccurrence(
  img: DiscretisedImage,
  dx: number,
  dy: number,
  dz: number,
  zFrom: number,
  zTo: number,
  out: Float64Array,
): void {
  const [nx, ny, nz] = img.dims;
  const { levels, ng } = img;
  const x0 = Math.max(0, -dx);
  const x1 = Math.min(nx, nx - dx);
  const y0 = Math.max(0, -dy);
  const y1 = Math.min(ny, ny - dy);
  const z0 = Math.max(zFrom, -dz);
  const z1 = Math.min(zTo, nz - dz);
  const step = dx + nx * (dy + ny * dz);
  for (let z = z0; z < z1; z++) {
    for (let y = y0; y < y1; y++) {
      let idx = x0 + nx * (y + ny * z);
      for (let x = x0; x < x1; x++, idx++) {
        const a = levels[idx];
        if (a === 0) continue;
        const b = levels[idx + step];
        if (b === 0) continue;
        out[(a - 1) * ng + (b - 1)] += 1;
        out[(b - 1) * ng + (a - 1)] += 1;
      }
    }
  }
}

/**
 * The symmetric GLCM of one direction over the whole volume (or slices [zFrom, zTo)).
 * @param distance Chebyshev distance δ ≥ 1 (the direction is scaled by δ)
 */
export function glcmMatrix(
  img: DiscretisedImage,
  direction: readonly [number, number, number],
  distance = 1,
  zFrom = 0,
  zTo = img.dims[2],
): CooccurrenceMatrix {
  const counts = new Float64Array(img.ng * img.ng);
  accumulateCooccurrence(img, direction[0] * distance, direction[1] * distance, direction[2] * distance, zFrom, zTo, counts);
  return { ng: img.ng, counts };
}

function featuresOf(ng: number, counts: Float64Array): Float64Array {
  return evaluate(GLCM_FEATURES, glcmProbabilities({ ng, counts }));
}

/**
 * GLCM features for the requested aggregation methods, keyed `glcm_<feature>_<aggregation>`
 * (e.g. `glcm_joint_max_3D_avg`). Matrices without any voxel pair (a slice with a single ROI
 * voxel, say) are left out of averages; an aggregation without any pair at all gives NaN with reason.
 */
export function glcmFeatures(
  img: DiscretisedImage,
  aggregations: readonly DirectionalAggregation[],
  distance = 1,
): Record<string, FeatureValue> {
  if (!Number.isInteger(distance) || distance < 1) throw new Error(`glcmFeatures: distance must be an integer ≥ 1, got ${distance}`);
  const { perSlice } = checkDiscretised(img, 'glcmFeatures');
  const { ng } = img;
  const nz = img.dims[2];
  const nf = GLCM_FEATURES.length;
  const want = new Set(aggregations);
  const need2D = want.has('2D_avg') || want.has('2D_smrg');
  const n2 = ng * ng;
  // the 4 in-plane matrices merged over slices: the 2.5D direction matrices and the in-plane 3D ones
  const inPlane = DIRECTIONS_2D.map(() => new Float64Array(n2));
  const avg2D = new FeatureAverager(nf);
  const smrg2D = new FeatureAverager(nf);
  const slice = DIRECTIONS_2D.map(() => new Float64Array(n2));
  const merged = new Float64Array(n2);
  for (let z = 0; z < nz; z++) {
    if (perSlice[z] === 0) continue;
    merged.fill(0);
    for (let d = 0; d < DIRECTIONS_2D.length; d++) {
      const m = slice[d];
      m.fill(0);
      const [dx, dy] = DIRECTIONS_2D[d];
      accumulateCooccurrence(img, dx * distance, dy * distance, 0, z, z + 1, m);
      const t = need2D ? total(m) : 0;
      for (let k = 0; k < n2; k++) {
        inPlane[d][k] += m[k];
        merged[k] += m[k];
      }
      if (want.has('2D_avg') && t > 0) avg2D.add(featuresOf(ng, m));
    }
    if (want.has('2D_smrg') && total(merged) > 0) smrg2D.add(featuresOf(ng, merged));
  }
  const out: Record<string, FeatureValue> = {};
  const noPair = (what: string) =>
    `no GLCM can be computed: the ROI holds no pair of voxels at distance ${distance} ${what}`;
  const averaged = (a: FeatureAverager) => (a.matrices > 0 ? a.mean() : null);
  if (want.has('2D_avg')) writeFeatures(out, 'glcm', '2D_avg', GLCM_FEATURES, averaged(avg2D), noPair('within a slice'));
  if (want.has('2D_smrg')) writeFeatures(out, 'glcm', '2D_smrg', GLCM_FEATURES, averaged(smrg2D), noPair('within a slice'));
  if (want.has('2.5D_dmrg')) {
    const a = new FeatureAverager(nf);
    for (const m of inPlane) if (total(m) > 0) a.add(featuresOf(ng, m));
    writeFeatures(out, 'glcm', '2.5D_dmrg', GLCM_FEATURES, averaged(a), noPair('within a slice'));
  }
  if (want.has('2.5D_vmrg')) {
    const m = new Float64Array(n2);
    for (const d of inPlane) for (let k = 0; k < n2; k++) m[k] += d[k];
    writeFeatures(out, 'glcm', '2.5D_vmrg', GLCM_FEATURES, total(m) > 0 ? featuresOf(ng, m) : null, noPair('within a slice'));
  }
  if (want.has('3D_avg') || want.has('3D_vmrg')) {
    const all: Float64Array[] = [...inPlane];
    for (const dir of DIRECTIONS_OUT_OF_PLANE) all.push(glcmMatrix(img, dir, distance).counts);
    if (want.has('3D_avg')) {
      const a = new FeatureAverager(nf);
      for (const m of all) if (total(m) > 0) a.add(featuresOf(ng, m));
      writeFeatures(out, 'glcm', '3D_avg', GLCM_FEATURES, averaged(a), noPair('in 3D'));
    }
    if (want.has('3D_vmrg')) {
      const m = new Float64Array(n2);
      for (const d of all) for (let k = 0; k < n2; k++) m[k] += d[k];
      writeFeatures(out, 'glcm', '3D_vmrg', GLCM_FEATURES, total(m) > 0 ? featuresOf(ng, m) : null, noPair('in 3D'));
    }
  }
  return out;
}
