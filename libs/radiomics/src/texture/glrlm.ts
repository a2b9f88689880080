/**
 * Grey level run length matrices (IBSI 1, section 3.7) and their six aggregation methods.
 *
 * A run is a maximal line of consecutive ROI voxels of the same grey level along one direction; the
 * GLRLM r_ij of a direction counts runs of grey level i and length j. Each direction and its
 * opposite give the same runs, so the 4 (2D) / 13 (3D) unique directions are used. Runs stop at the
 * ROI border and at the image border. N_v of a directional matrix is the number of ROI voxels it
 * covers (the slice's voxels in 2D, all voxels in 3D); merged matrices add their N_v (IBSI).
 * Every voxel is visited once per direction: O(N) time, O(13 · Ng · L) memory with L the longest
 * image axis.
 */
import type { DiscretisedImage, DirectionalAggregation, RoiVoxels, RunLikeMatrix } from './types';
import type { FeatureValue } from '../types';
import { GLRLM_FEATURES, runLikeStats } from './runlike-features';
import {
  DIRECTIONS_2D,
  DIRECTIONS_OUT_OF_PLANE,
  FeatureAverager,
  checkDiscretised,
  evaluate,
  runLikeFromDense,
  total,
  writeFeatures,
} from './matrix-utils';

/**
 * Adds the runs along (dx, dy, dz) that start in slices [zFrom, zTo) to `out` (ng × width, row
 * i − 1, column length − 1). For in-plane directions pass a single slice. Allocation-free.
 */
export function accumulateRuns(
  img: DiscretisedImage,
  dx: number,
  dy: number,
  dz: number,
  zFrom: number,
  zTo: number,
  out: Float64Array,
  width: number,
): void {
  const [nx, ny, nz] = img.dims;
  const { levels } = img;
  const step = dx + nx * (dy + ny * dz);
  for (let z = zFrom; z < zTo; z++) {
    for (let y = 0; y < ny; y++) {
      let idx = nx * (y + ny * z);
      for (let x = 0; x < nx; x++, idx++) {
        const g = levels[idx];
        if (g === 0) continue;
        const px = x - dx;
        const py = y - dy;
        const pz = z - dz;
        if (px >= 0 && px < nx && py >= 0 && py < ny && pz >= 0 && pz < nz && levels[idx - step] === g) continue;
        let len = 1;
        let cx = x + dx;
        let cy = y + dy;
        let cz = z + dz;
        let c = idx + step;
        while (cx >= 0 && cx < nx && cy >= 0 && cy < ny && cz >= 0 && cz < nz && levels[c] === g) {
          len++;
          cx += dx;
          cy += dy;
          cz += dz;
          c += step;
        }
        out[(g - 1) * width + len - 1] += 1;
      }
    }
  }
}

/**
 * {@link accumulateRuns} over the whole volume, visiting only the listed ROI voxels: every ROI voxel whose predecessor
 * along (dx, dy, dz) is outside the image, the ROI or its level starts a run, which is followed to its end. Same
 * counts as scanning every voxel.
 */
export function accumulateRunsOfRoi(img: DiscretisedImage, roi: RoiVoxels, dx: number, dy: number, dz: number, out: Float64Array, width: number): void {
  const [nx, ny, nz] = img.dims;
  const { levels } = img;
  const { index, x, y, z, count } = roi;
  const step = dx + nx * (dy + ny * dz);
  for (let k = 0; k < count; k++) {
    const idx = index[k];
    const g = levels[idx];
    const px = x[k] - dx, py = y[k] - dy, pz = z[k] - dz;
    if (px >= 0 && px < nx && py >= 0 && py < ny && pz >= 0 && pz < nz && levels[idx - step] === g) continue;
    let len = 1;
    let cx = x[k] + dx, cy = y[k] + dy, cz = z[k] + dz, c = idx + step;
    while (cx >= 0 && cx < nx && cy >= 0 && cy < ny && cz >= 0 && cz < nz && levels[c] === g) {
      len++;
      cx += dx;
      cy += dy;
      cz += dz;
      c += step;
    }
    out[(g - 1) * width + len - 1] += 1;
  }
}

/**
 * The GLRLM of one direction over the whole volume (or slices [zFrom, zTo) for in-plane directions). `roiVoxels`: the
 * number of ROI voxels in those slices (N_v) when the caller knows it — e.g. 13 directions over the same volume —
 * instead of counting them again; `roi`: the image's ROI voxel list, visited instead of every voxel (whole volume only).
 */
export function glrlmMatrix(
  img: DiscretisedImage,
  direction: readonly [number, number, number],
  zFrom = 0,
  zTo = img.dims[2],
  roiVoxels?: number,
  roi?: RoiVoxels,
): RunLikeMatrix {
  const [nx, ny, nz] = img.dims;
  const width = Math.max(nx, ny, nz);
  const counts = new Float64Array(img.ng * width);
  if (roi && zFrom === 0 && zTo === nz) accumulateRunsOfRoi(img, roi, direction[0], direction[1], direction[2], counts, width);
  else accumulateRuns(img, direction[0], direction[1], direction[2], zFrom, zTo, counts, width);
  const nxy = nx * ny;
  return runLikeFromDense(counts, img.ng, width, roiVoxels ?? countNonZero(img.levels, zFrom * nxy, zTo * nxy));
}

/**
 * Number of non-zero levels in [from, to). A separate function: as a loop inside glrlmMatrix it made V8 optimise
 * glrlmMatrix on the loop and deoptimise it at the following `new` (no type feedback yet), once per direction.
 */
function countNonZero(levels: ArrayLike<number>, from: number, to: number): number {
  let nv = 0;
  for (let k = from; k < to; k++) if (levels[k] !== 0) nv++;
  return nv;
}

function featuresOf(counts: Float64Array, ng: number, width: number, nv: number): Float64Array {
  return evaluate(GLRLM_FEATURES, runLikeStats(runLikeFromDense(counts, ng, width, nv)));
}

/**
 * GLRLM features for the requested aggregation methods, keyed `glrlm_<feature>_<aggregation>`.
 * ROI-less slices are skipped; the ROI is never empty (checked), so every aggregation has a matrix.
 */
export function glrlmFeatures(
  img: DiscretisedImage,
  aggregations: readonly DirectionalAggregation[],
): Record<string, FeatureValue> {
  const { nRoi, perSlice } = checkDiscretised(img, 'glrlmFeatures');
  const [nx, ny, nz] = img.dims;
  const { ng } = img;
  const width = Math.max(nx, ny, nz);
  const size = ng * width;
  const nf = GLRLM_FEATURES.length;
  const want = new Set(aggregations);
  const inPlane = DIRECTIONS_2D.map(() => new Float64Array(size));
  const avg2D = new FeatureAverager(nf);
  const smrg2D = new FeatureAverager(nf);
  const m = new Float64Array(size);
  const merged = new Float64Array(size);
  for (let z = 0; z < nz; z++) {
    const nv = perSlice[z];
    if (nv === 0) continue;
    merged.fill(0);
    for (let d = 0; d < DIRECTIONS_2D.length; d++) {
      m.fill(0);
      const [dx, dy] = DIRECTIONS_2D[d];
      accumulateRuns(img, dx, dy, 0, z, z + 1, m, width);
      const acc = inPlane[d];
      for (let k = 0; k < size; k++) {
        acc[k] += m[k];
        merged[k] += m[k];
      }
      if (want.has('2D_avg')) avg2D.add(featuresOf(m, ng, width, nv));
    }
    if (want.has('2D_smrg')) smrg2D.add(featuresOf(merged, ng, width, nv * DIRECTIONS_2D.length));
  }
  const out: Record<string, FeatureValue> = {};
  const empty = 'no GLRLM: the ROI is empty';
  if (want.has('2D_avg')) writeFeatures(out, 'glrlm', '2D_avg', GLRLM_FEATURES, avg2D.mean(), empty);
  if (want.has('2D_smrg')) writeFeatures(out, 'glrlm', '2D_smrg', GLRLM_FEATURES, smrg2D.mean(), empty);
  if (want.has('2.5D_dmrg')) {
    const a = new FeatureAverager(nf);
    for (const acc of inPlane) a.add(featuresOf(acc, ng, width, nRoi));
    writeFeatures(out, 'glrlm', '2.5D_dmrg', GLRLM_FEATURES, a.mean(), empty);
  }
  if (want.has('2.5D_vmrg')) {
    const s = new Float64Array(size);
    for (const acc of inPlane) for (let k = 0; k < size; k++) s[k] += acc[k];
    writeFeatures(out, 'glrlm', '2.5D_vmrg', GLRLM_FEATURES, featuresOf(s, ng, width, nRoi * DIRECTIONS_2D.length), empty);
  }
  if (want.has('3D_avg') || want.has('3D_vmrg')) {
    const all: Float64Array[] = [...inPlane];
    for (const [dx, dy, dz] of DIRECTIONS_OUT_OF_PLANE) {
      const c = new Float64Array(size);
      accumulateRuns(img, dx, dy, dz, 0, nz, c, width);
      all.push(c);
    }
    if (want.has('3D_avg')) {
      const a = new FeatureAverager(nf);
      for (const c of all) if (total(c) > 0) a.add(featuresOf(c, ng, width, nRoi));
      writeFeatures(out, 'glrlm', '3D_avg', GLRLM_FEATURES, a.mean(), empty);
    }
    if (want.has('3D_vmrg')) {
      const s = new Float64Array(size);
      for (const c of all) for (let k = 0; k < size; k++) s[k] += c[k];
      writeFeatures(out, 'glrlm', '3D_vmrg', GLRLM_FEATURES, featuresOf(s, ng, width, nRoi * all.length), empty);
    }
  }
  return out;
}
