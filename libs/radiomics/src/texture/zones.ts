/**
 * Grey level size zone matrices (IBSI 1, section 3.8) and grey level distance zone matrices
 * (section 3.9), in 2D (per slice, averaged), 2.5D (slices merged) and 3D.
 *
 * A zone is a maximal set of ROI voxels of the same grey level connected with Chebyshev distance 1
 * (8-connected in a 2D slice, 26-connected in 3D). The GLSZM s_ij counts zones of level i and size j.
 * The GLDZM d_ij counts zones of level i whose smallest distance to the ROI border is j, where the
 * distance of a voxel is the Manhattan (4-connected in 2D, 6-connected in 3D) number of steps to
 * reach a voxel outside the morphological mask — voxels outside the image count as outside, so a
 * border voxel has distance 1 (IBSI 1, 3.9). Zones are found by flood fill with an explicit
 * Int32Array stack: O(N) time, no per-voxel allocation, and the matrices are stored compressed
 * (only the zone sizes that occur), so a 2-million-voxel zone costs no 2-million-column matrix.
 */
import type { DiscretisedImage, RoiVoxels, RunLikeMatrix, ZoneAggregation } from './types';
import type { FeatureValue } from '../types';
import { GLDZM_FEATURES, GLSZM_FEATURES, runLikeStats } from './runlike-features';
import { FeatureAverager, checkDiscretised, evaluate, mergeRunLike, runLikeFromEntries, writeFeatures } from './matrix-utils';

/** The zones of an image: level, size, minimum border distance and slice of each. */
export interface Zones {
  count: number;
  level: Int32Array;
  size: Int32Array;
  /** smallest distance to the ROI border over the zone's voxels (0 when no distance map was given) */
  distance: Int32Array;
  /** z slice of the zone (2D zones), or −1 (3D zones) */
  slice: Int32Array;
}

/**
 * Manhattan distance of every mask voxel to the mask border (IBSI GLDZM distance map): 1 for mask
 * voxels with a face neighbour outside the mask or outside the image, 0 outside the mask.
 * @param mode `2D`: 4-connected within each z slice; `3D`: 6-connected
 */
export function borderDistanceMap(mask: ArrayLike<number>, dims: readonly [number, number, number], mode: '2D' | '3D'): Int32Array {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const nxy = nx * ny;
  const dist = new Int32Array(n);
  let inMask = 0;
  for (let k = 0; k < n; k++) if (mask[k]) inMask++;
  const queue = new Int32Array(inMask); // every mask voxel is queued at most once
  let head = 0;
  let tail = 0;
  const is3D = mode === '3D';
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const k = x + nx * (y + ny * z);
        if (!mask[k]) continue;
        const edge =
          x === 0 || !mask[k - 1] || x === nx - 1 || !mask[k + 1] ||
          y === 0 || !mask[k - nx] || y === ny - 1 || !mask[k + nx] ||
          (is3D && (z === 0 || !mask[k - nxy] || z === nz - 1 || !mask[k + nxy]));
        if (edge) {
          dist[k] = 1;
          queue[tail++] = k;
        }
      }
  while (head < tail) {
    const k = queue[head++];
    const d = dist[k] + 1;
    const x = k % nx;
    const y = ((k / nx) | 0) % ny;
    const z = (k / nxy) | 0;
    // interior voxels (distance > 1) have all face neighbours inside the mask and the image
    if (x > 0 && mask[k - 1] && dist[k - 1] === 0) { dist[k - 1] = d; queue[tail++] = k - 1; }
    if (x < nx - 1 && mask[k + 1] && dist[k + 1] === 0) { dist[k + 1] = d; queue[tail++] = k + 1; }
    if (y > 0 && mask[k - nx] && dist[k - nx] === 0) { dist[k - nx] = d; queue[tail++] = k - nx; }
    if (y < ny - 1 && mask[k + nx] && dist[k + nx] === 0) { dist[k + nx] = d; queue[tail++] = k + nx; }
    if (is3D) {
      if (z > 0 && mask[k - nxy] && dist[k - nxy] === 0) { dist[k - nxy] = d; queue[tail++] = k - nxy; }
      if (z < nz - 1 && mask[k + nxy] && dist[k + nxy] === 0) { dist[k + nxy] = d; queue[tail++] = k + nxy; }
    }
  }
  return dist;
}

/**
 * Finds the zones (connected components of equal grey level) of the ROI.
 * @param mode `2D`: 8-connected within slices; `3D`: 26-connected
 * @param distanceMap optional border distance map; each zone records its minimum
 * @param roi optional ROI voxel list of the image: zone seeds are taken from it instead of scanning every voxel (same zones, same order)
 */
export function findZones(img: DiscretisedImage, mode: '2D' | '3D', distanceMap?: Int32Array, roi?: RoiVoxels): Zones {
  const [nx, ny, nz] = img.dims;
  const { levels } = img;
  const n = nx * ny * nz;
  const nxy = nx * ny;
  const visited = new Uint8Array(n);
  // every ROI voxel is pushed at most once: sized by the box instead of counting the ROI first (one pass less)
  const stack = new Int32Array(n);
  let cap = 1024;
  let level: Int32Array = new Int32Array(cap);
  let size: Int32Array = new Int32Array(cap);
  let distance: Int32Array = new Int32Array(cap);
  let slice: Int32Array = new Int32Array(cap);
  let count = 0;
  const dzMax = mode === '3D' ? 1 : 0;
  const offList: number[] = [];
  for (let dz = -dzMax; dz <= dzMax; dz++)
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) if (dx || dy || dz) offList.push(dx + nx * (dy + ny * dz));
  const off = Int32Array.from(offList);
  const nOff = off.length;
  const seeds = roi ? roi.count : n;
  for (let j = 0; j < seeds; j++) {
    const start = roi ? roi.index[j] : j;
    const g = levels[start];
    if (g === 0 || visited[start]) continue;
    visited[start] = 1;
    let top = 0;
    stack[top++] = start;
    let s = 0;
    let dmin = 0x7fffffff;
    while (top > 0) {
      const k = stack[--top];
      s++;
      if (distanceMap && distanceMap[k] < dmin) dmin = distanceMap[k];
      const x = k % nx;
      const y = ((k / nx) | 0) % ny;
      const z = (k / nxy) | 0;
      if (x > 0 && x < nx - 1 && y > 0 && y < ny - 1 && (dzMax === 0 || (z > 0 && z < nz - 1))) {
        // interior voxel: no bounds checks
        for (let q = 0; q < nOff; q++) {
          const r = k + off[q];
          if (visited[r] || levels[r] !== g) continue;
          visited[r] = 1;
          stack[top++] = r;
        }
        continue;
      }
      for (let dz = -dzMax; dz <= dzMax; dz++) {
        const zz = z + dz;
        if (zz < 0 || zz >= nz) continue;
        for (let dy = -1; dy <= 1; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= ny) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= nx) continue;
            const q = xx + nx * (yy + ny * zz);
            if (visited[q] || levels[q] !== g) continue;
            visited[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (count === cap) {
      cap *= 2;
      level = grow(level, cap);
      size = grow(size, cap);
      distance = grow(distance, cap);
      slice = grow(slice, cap);
    }
    level[count] = g;
    size[count] = s;
    distance[count] = distanceMap ? dmin : 0;
    slice[count] = mode === '3D' ? -1 : (start / nxy) | 0;
    count++;
  }
  return { count, level, size, distance, slice };
}

function grow(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** The GLSZM of a set of zones (column value = zone size), N_v = number of ROI voxels covered. */
export function glszmFromZones(z: Zones, ng: number, nv: number, from = 0, to = z.count): RunLikeMatrix {
  return runLikeFromEntries(z.level.subarray(from, to), z.size.subarray(from, to), to - from, ng, nv);
}

/** The GLDZM of a set of zones (column value = zone border distance), N_v = ROI voxels covered. */
export function gldzmFromZones(z: Zones, ng: number, nv: number, from = 0, to = z.count): RunLikeMatrix {
  return runLikeFromEntries(z.level.subarray(from, to), z.distance.subarray(from, to), to - from, ng, nv);
}

/**
 * GLSZM and/or GLDZM features, keyed `glszm_<feature>_<2D|2.5D|3D>` and `gldzm_<feature>_<…>`.
 * @param morphologicalMask mask for the GLDZM distance map (defaults to the ROI, `levels > 0`)
 */
export function zoneFeatures(
  img: DiscretisedImage,
  families: { glszm: boolean; gldzm: boolean },
  aggregations: readonly ZoneAggregation[],
  morphologicalMask?: ArrayLike<number>,
): Record<string, FeatureValue> {
  const { nRoi, perSlice } = checkDiscretised(img, 'zoneFeatures');
  if (morphologicalMask && morphologicalMask.length !== img.levels.length)
    throw new Error(`zoneFeatures: morphologicalMask has ${morphologicalMask.length} voxels, the image ${img.levels.length}`);
  const mask = morphologicalMask ?? img.levels;
  if (morphologicalMask)
    for (let k = 0; k < img.levels.length; k++)
      if (img.levels[k] !== 0 && !morphologicalMask[k])
        throw new Error(`zoneFeatures: ROI voxel ${k} lies outside the morphological mask (the intensity ROI must be a subset of it)`);
  const out: Record<string, FeatureValue> = {};
  const want = new Set(aggregations);
  const empty = 'the ROI is empty';
  const { ng } = img;
  if (want.has('2D') || want.has('2.5D')) {
    const zones = findZones(img, '2D', families.gldzm ? borderDistanceMap(mask, img.dims, '2D') : undefined);
    // zones come ordered by slice (flood fill starts scan slice by slice)
    const sz: RunLikeMatrix[] = [];
    const dz: RunLikeMatrix[] = [];
    let from = 0;
    while (from < zones.count) {
      const s = zones.slice[from];
      let to = from;
      while (to < zones.count && zones.slice[to] === s) to++;
      if (families.glszm) sz.push(glszmFromZones(zones, ng, perSlice[s], from, to));
      if (families.gldzm) dz.push(gldzmFromZones(zones, ng, perSlice[s], from, to));
      from = to;
    }
    for (const [fam, list, feats] of [
      ['glszm', sz, GLSZM_FEATURES],
      ['gldzm', dz, GLDZM_FEATURES],
    ] as const) {
      if (list.length === 0) continue;
      if (want.has('2D')) {
        const a = new FeatureAverager(feats.length);
        for (const m of list) a.add(evaluate(feats, runLikeStats(m)));
        writeFeatures(out, fam, '2D', feats, a.mean(), empty);
      }
      if (want.has('2.5D')) writeFeatures(out, fam, '2.5D', feats, evaluate(feats, runLikeStats(mergeRunLike(list))), empty);
    }
  }
  if (want.has('3D')) {
    const zones = findZones(img, '3D', families.gldzm ? borderDistanceMap(mask, img.dims, '3D') : undefined);
    if (families.glszm)
      writeFeatures(out, 'glszm', '3D', GLSZM_FEATURES, evaluate(GLSZM_FEATURES, runLikeStats(glszmFromZones(zones, ng, nRoi))), empty);
    if (families.gldzm)
      writeFeatures(out, 'gldzm', '3D', GLDZM_FEATURES, evaluate(GLDZM_FEATURES, runLikeStats(gldzmFromZones(zones, ng, nRoi))), empty);
  }
  return out;
}
