/**
 * Neighbourhood matrices: NGTDM (IBSI 1, section 3.10) and NGLDM (section 3.11), in 2D (per slice,
 * features averaged), 2.5D (slice matrices merged) and 3D.
 *
 * The neighbourhood of a voxel is every voxel within Chebyshev distance δ except the voxel itself
 * ((2δ+1)² − 1 in a slice, (2δ+1)³ − 1 in 3D); only neighbours inside the image and the ROI count.
 * - NGTDM: for a ROI voxel of level i with W ≥ 1 valid neighbours of mean level Ā, s_i += |i − Ā| and
 *   n_i += 1. Voxels without any valid neighbour are left out (IBSI: the neighbourhood is empty).
 * - NGLDM: for a ROI voxel of level i, the dependence j = 1 + number of valid neighbours m with
 *   |X_m − i| ≤ α; s(i, j) += 1. Every ROI voxel counts, so N_s = N_v.
 * One pass over the voxels, a fixed offset table, no allocation per voxel.
 */
import type { DiscretisedImage, NgtdmMatrix, RoiVoxels, RunLikeMatrix, ZoneAggregation } from './types';
import type { FeatureValue } from '../types';
import { NGLDM_FEATURES, runLikeStats } from './runlike-features';
import { NGTDM_FEATURES } from './ngtdm-features';
import { FeatureAverager, checkDiscretised, evaluate, mergeRunLike, runLikeFromDense, writeFeatures } from './matrix-utils';

/** A neighbourhood as a list of voxel offsets (the centre excluded). */
export interface Offsets {
  dx: Int32Array;
  dy: Int32Array;
  dz: Int32Array;
  count: number;
}

/** The Chebyshev neighbourhood of radius δ: (2δ+1)² − 1 in-slice offsets or (2δ+1)³ − 1 in 3D. */
export function chebyshevOffsets(radius: number, is3D: boolean): Offsets {
  const dx: number[] = [];
  const dy: number[] = [];
  const dz: number[] = [];
  const rz = is3D ? radius : 0;
  for (let z = -rz; z <= rz; z++)
    for (let y = -radius; y <= radius; y++)
      for (let x = -radius; x <= radius; x++) {
        if (x === 0 && y === 0 && z === 0) continue;
        dx.push(x);
        dy.push(y);
        dz.push(z);
      }
  return { dx: Int32Array.from(dx), dy: Int32Array.from(dy), dz: Int32Array.from(dz), count: dx.length };
}

/**
 * Accumulates NGTDM (n_i, s_i) and NGLDM counts for the ROI voxels of slices [zFrom, zTo), in voxel order.
 * @param ngtdm target NGTDM or null; @param ngldm target dense NGLDM (ng × (offsets + 1)) or null
 * @param roi optional ROI voxel list of the whole image: visited instead of scanning every voxel (whole volume only)
 */
export function accumulateNeighbourhood(
  img: DiscretisedImage,
  o: Offsets,
  zFrom: number,
  zTo: number,
  alpha: number,
  ngtdm: NgtdmMatrix | null,
  ngldm: Float64Array | null,
  roi?: RoiVoxels,
): void {
  const [nx, ny, nz] = img.dims;
  const { levels } = img;
  const width = o.count + 1;
  const step = new Int32Array(o.count);
  let r = 0;
  let rz = 0;
  for (let q = 0; q < o.count; q++) {
    step[q] = o.dx[q] + nx * (o.dy[q] + ny * o.dz[q]);
    r = Math.max(r, Math.abs(o.dx[q]), Math.abs(o.dy[q]));
    rz = Math.max(rz, Math.abs(o.dz[q]));
  }
  /** The neighbourhood of ROI voxel k = (x, y, z) of level g into the matrices. */
  const visit = (k: number, x: number, y: number, z: number, g: number): void => {
    const interior = x >= r && x < nx - r && y >= r && y < ny - r && z >= rz && z < nz - rz;
    let w = 0;
    let sum = 0;
    let dep = 0;
    for (let q = 0; q < o.count; q++) {
      if (!interior) {
        const xx = x + o.dx[q];
        const yy = y + o.dy[q];
        const zz = z + o.dz[q];
        if (xx < 0 || xx >= nx || yy < 0 || yy >= ny || zz < 0 || zz >= nz) continue;
      }
      const h = levels[k + step[q]];
      if (h === 0) continue;
      w++;
      sum += h;
      if (Math.abs(h - g) <= alpha) dep++;
    }
    if (ngtdm && w > 0) {
      ngtdm.n[g - 1] += 1;
      ngtdm.s[g - 1] += Math.abs(g - sum / w);
    }
    if (ngldm) ngldm[(g - 1) * width + dep] += 1;
  };
  if (roi && zFrom === 0 && zTo === nz) {
    for (let j = 0; j < roi.count; j++) visit(roi.index[j], roi.x[j], roi.y[j], roi.z[j], levels[roi.index[j]]);
    return;
  }
  for (let z = zFrom; z < zTo; z++)
    for (let y = 0; y < ny; y++) {
      let k = nx * (y + ny * z);
      for (let x = 0; x < nx; x++, k++) {
        const g = levels[k];
        if (g !== 0) visit(k, x, y, z, g);
      }
    }
}

/**
 * The NGTDM and NGLDM (dense, j = 1 … offsets + 1) of slices [zFrom, zTo) for an arbitrary neighbourhood (`roi`: the
 * image's ROI voxel list, see {@link accumulateNeighbourhood}).
 */
export function neighbourhoodMatrices(
  img: DiscretisedImage,
  o: Offsets,
  alpha = 0,
  zFrom = 0,
  zTo = img.dims[2],
  roi?: RoiVoxels,
): { ngtdm: NgtdmMatrix; ngldm: RunLikeMatrix } {
  const t: NgtdmMatrix = { ng: img.ng, n: new Float64Array(img.ng), s: new Float64Array(img.ng) };
  const counts = new Float64Array(img.ng * (o.count + 1));
  accumulateNeighbourhood(img, o, zFrom, zTo, alpha, t, counts, roi);
  let nv = 0;
  for (let k = 0; k < counts.length; k++) nv += counts[k];
  return { ngtdm: t, ngldm: runLikeFromDense(counts, img.ng, o.count + 1, nv) };
}

/** The NGTDM of slices [zFrom, zTo) with a 2D (in-slice) or 3D neighbourhood of Chebyshev radius δ. */
export function ngtdmMatrix(img: DiscretisedImage, mode: '2D' | '3D', distance = 1, zFrom = 0, zTo = img.dims[2]): NgtdmMatrix {
  const m: NgtdmMatrix = { ng: img.ng, n: new Float64Array(img.ng), s: new Float64Array(img.ng) };
  accumulateNeighbourhood(img, chebyshevOffsets(distance, mode === '3D'), zFrom, zTo, 0, m, null);
  return m;
}

/** The NGLDM of slices [zFrom, zTo), dependence counts j = 1..(neighbourhood size + 1); N_v = ROI voxels. */
export function ngldmMatrix(
  img: DiscretisedImage,
  mode: '2D' | '3D',
  distance = 1,
  alpha = 0,
  zFrom = 0,
  zTo = img.dims[2],
): RunLikeMatrix {
  const o = chebyshevOffsets(distance, mode === '3D');
  const counts = new Float64Array(img.ng * (o.count + 1));
  accumulateNeighbourhood(img, o, zFrom, zTo, alpha, null, counts);
  let nv = 0;
  for (let k = 0; k < counts.length; k++) nv += counts[k];
  return runLikeFromDense(counts, img.ng, o.count + 1, nv);
}

/** NGTDM and NGLDM of slices [zFrom, zTo) in one pass over the voxels when both use the same radius. */
function matrices(
  img: DiscretisedImage,
  mode: '2D' | '3D',
  families: { ngtdm: boolean; ngldm: boolean },
  dT: number,
  dL: number,
  alpha: number,
  zFrom: number,
  zTo: number,
): [NgtdmMatrix | null, RunLikeMatrix | null] {
  if (families.ngtdm && families.ngldm && dT === dL) {
    const o = chebyshevOffsets(dT, mode === '3D');
    const t: NgtdmMatrix = { ng: img.ng, n: new Float64Array(img.ng), s: new Float64Array(img.ng) };
    const counts = new Float64Array(img.ng * (o.count + 1));
    accumulateNeighbourhood(img, o, zFrom, zTo, alpha, t, counts);
    let nv = 0;
    for (let k = 0; k < counts.length; k++) nv += counts[k];
    return [t, runLikeFromDense(counts, img.ng, o.count + 1, nv)];
  }
  return [
    families.ngtdm ? ngtdmMatrix(img, mode, dT, zFrom, zTo) : null,
    families.ngldm ? ngldmMatrix(img, mode, dL, alpha, zFrom, zTo) : null,
  ];
}

function mergeNgtdm(ms: readonly NgtdmMatrix[], ng: number): NgtdmMatrix {
  const m: NgtdmMatrix = { ng, n: new Float64Array(ng), s: new Float64Array(ng) };
  for (const a of ms)
    for (let i = 0; i < ng; i++) {
      m.n[i] += a.n[i];
      m.s[i] += a.s[i];
    }
  return m;
}

function hasVoxels(m: NgtdmMatrix): boolean {
  for (let i = 0; i < m.ng; i++) if (m.n[i] > 0) return true;
  return false;
}

/**
 * NGTDM and/or NGLDM features, keyed `ngtdm_<feature>_<2D|2.5D|3D>` and `ngldm_<feature>_<…>`.
 * Slices without ROI voxels are skipped; 2D NGTDMs of slices whose voxels all lack neighbours are
 * skipped too (they hold no voxel).
 */
export function neighbourhoodFeatures(
  img: DiscretisedImage,
  families: { ngtdm: boolean; ngldm: boolean },
  aggregations: readonly ZoneAggregation[],
  opts: { ngtdmDistance?: number; ngldmDistance?: number; ngldmAlpha?: number } = {},
): Record<string, FeatureValue> {
  const { perSlice } = checkDiscretised(img, 'neighbourhoodFeatures');
  const dT = opts.ngtdmDistance ?? 1;
  const dL = opts.ngldmDistance ?? 1;
  const alpha = opts.ngldmAlpha ?? 0;
  for (const [name, v] of [['ngtdmDistance', dT], ['ngldmDistance', dL]] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`neighbourhoodFeatures: ${name} must be an integer ≥ 1, got ${v}`);
  if (!(alpha >= 0)) throw new Error(`neighbourhoodFeatures: ngldmAlpha must be ≥ 0, got ${alpha}`);
  const want = new Set(aggregations);
  const out: Record<string, FeatureValue> = {};
  const nz = img.dims[2];
  const noNeighbour = (w: string) => `no NGTDM: no ROI voxel has a neighbour in the ROI ${w}`;
  if (want.has('2D') || want.has('2.5D')) {
    const t: NgtdmMatrix[] = [];
    const l: RunLikeMatrix[] = [];
    for (let z = 0; z < nz; z++) {
      if (perSlice[z] === 0) continue;
      const [m, g] = matrices(img, '2D', families, dT, dL, alpha, z, z + 1);
      if (m && hasVoxels(m)) t.push(m);
      if (g) l.push(g);
    }
    if (families.ngtdm) {
      if (want.has('2D')) {
        const a = new FeatureAverager(NGTDM_FEATURES.length);
        for (const m of t) a.add(evaluate(NGTDM_FEATURES, m));
        writeFeatures(out, 'ngtdm', '2D', NGTDM_FEATURES, t.length ? a.mean() : null, noNeighbour('within a slice'));
      }
      if (want.has('2.5D'))
        writeFeatures(out, 'ngtdm', '2.5D', NGTDM_FEATURES, t.length ? evaluate(NGTDM_FEATURES, mergeNgtdm(t, img.ng)) : null, noNeighbour('within a slice'));
    }
    if (families.ngldm) {
      if (want.has('2D')) {
        const a = new FeatureAverager(NGLDM_FEATURES.length);
        for (const m of l) a.add(evaluate(NGLDM_FEATURES, runLikeStats(m)));
        writeFeatures(out, 'ngldm', '2D', NGLDM_FEATURES, a.mean(), 'the ROI is empty');
      }
      if (want.has('2.5D'))
        writeFeatures(out, 'ngldm', '2.5D', NGLDM_FEATURES, evaluate(NGLDM_FEATURES, runLikeStats(mergeRunLike(l))), 'the ROI is empty');
    }
  }
  if (want.has('3D')) {
    const [m, g] = matrices(img, '3D', families, dT, dL, alpha, 0, nz);
    if (m) writeFeatures(out, 'ngtdm', '3D', NGTDM_FEATURES, hasVoxels(m) ? evaluate(NGTDM_FEATURES, m) : null, noNeighbour('in 3D'));
    if (g) writeFeatures(out, 'ngldm', '3D', NGLDM_FEATURES, evaluate(NGLDM_FEATURES, runLikeStats(g)), 'the ROI is empty');
  }
  return out;
}
