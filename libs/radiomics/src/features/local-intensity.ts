/**
 * Local intensity features (IBSI 1, section 3.2, family 9ST6).
 *
 * The local mean around a voxel is the mean intensity of all image voxels (inside or outside the ROI, but
 * inside the image) whose centres lie within a sphere of volume 1 cm³, radius r = (3/(4π))^{1/3} · 10 mm
 * ≈ 6.20 mm, centred on that voxel's centre.
 *
 * Reference: Zwanenburg A et al., IBSI reference manual, arXiv:1612.07003, section 3.2.
 */
import type { Dims3, Image3D, Mask3D, Vec3 } from '../types';
import type { FeatureMap, ReasonMap } from './intensity-statistics';

/** Radius (mm) of a 1 cm³ sphere. */
export const PEAK_SPHERE_RADIUS_MM = Math.cbrt(3 / (4 * Math.PI)) * 10;

/** Offsets (dx, dy, dz) of the voxels whose centres are within `radius` mm of the centre voxel. */
export function sphereOffsets(spacing: Vec3, radius = PEAK_SPHERE_RADIUS_MM): Int32Array {
  const rx = Math.floor(radius / spacing[0]), ry = Math.floor(radius / spacing[1]), rz = Math.floor(radius / spacing[2]);
  const out: number[] = [];
  const r2 = radius * radius * (1 + 1e-12);
  for (let dz = -rz; dz <= rz; dz++) for (let dy = -ry; dy <= ry; dy++) for (let dx = -rx; dx <= rx; dx++) {
    if ((dx * spacing[0]) ** 2 + (dy * spacing[1]) ** 2 + (dz * spacing[2]) ** 2 <= r2) out.push(dx, dy, dz);
  }
  return Int32Array.from(out);
}

/** Mean intensity of the image voxels within the sphere (given as offsets) around voxel index `i`. */
export function localMean(image: { data: ArrayLike<number>; dims: Dims3 }, i: number, offsets: Int32Array): number {
  const [nx, ny, nz] = image.dims;
  const x = i % nx;
  const y = ((i - x) / nx) % ny;
  const z = (i - x - nx * y) / (nx * ny);
  let s = 0, n = 0;
  for (let k = 0; k < offsets.length; k += 3) {
    const xx = x + offsets[k], yy = y + offsets[k + 1], zz = z + offsets[k + 2];
    if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
    s += image.data[xx + nx * (yy + ny * zz)];
    n++;
  }
  return s / n;
}

/**
 * Local intensity peak VJGA: the local mean around the voxel(s) of maximum intensity in the intensity mask;
 * when several voxels share the maximum, the highest of their local means. Empty mask → NaN.
 */
export function localIntensityPeak(image: Image3D, mask: Mask3D, offsets = sphereOffsets(image.spacing)): number {
  let max = -Infinity;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] && image.data[i] > max) max = image.data[i];
  if (max === -Infinity) return NaN;
  let best = -Infinity;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] && image.data[i] === max) best = Math.max(best, localMean(image, i, offsets));
  return best;
}

/**
 * Global intensity peak 0F91: the highest local mean over all voxels of the intensity mask.
 * The sphere is a union of x-runs, one per (dy, dz) offset, so with prefix sums along x each local mean
 * costs O(number of (dy, dz) offsets) ≈ π r_y r_z instead of O(K) voxels (K ≈ 4/3 π r_x r_y r_z): linear in
 * the ROI size with a small constant. Exact (the same voxel set and count as {@link localMean}).
 * Empty mask → NaN.
 */
export function globalIntensityPeak(image: Image3D, mask: Mask3D, offsets = sphereOffsets(image.spacing)): number {
  const [nx, ny, nz] = image.dims;
  // x-run half-width for each (dy, dz) of the sphere
  const runs = new Map<string, number>();
  for (let k = 0; k < offsets.length; k += 3) {
    const key = `${offsets[k + 1]},${offsets[k + 2]}`;
    runs.set(key, Math.max(runs.get(key) ?? 0, Math.abs(offsets[k])));
  }
  const R = runs.size;
  const rdy = new Int32Array(R), rdz = new Int32Array(R), rhw = new Int32Array(R);
  let r = 0;
  for (const [key, hw] of runs) { const [a, b] = key.split(',').map(Number); rdy[r] = a; rdz[r] = b; rhw[r] = hw; r++; }
  // prefix sums along x: P[(y, z) row][x + 1] = Σ_{x' ≤ x} I
  const W = nx + 1;
  const P = new Float64Array(W * ny * nz);
  const d = image.data;
  for (let row = 0; row < ny * nz; row++) {
    let acc = 0;
    const o = row * W, io = row * nx;
    for (let x = 0; x < nx; x++) { acc += d[io + x]; P[o + x + 1] = acc; }
  }
  let best = -Infinity;
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    if (!mask.data[i]) continue;
    let s = 0, c = 0;
    for (let q = 0; q < R; q++) {
      const yy = y + rdy[q], zz = z + rdz[q];
      if (yy < 0 || zz < 0 || yy >= ny || zz >= nz) continue;
      const x0 = x - rhw[q] < 0 ? 0 : x - rhw[q];
      const x1 = x + rhw[q] >= nx ? nx - 1 : x + rhw[q];
      const o = (yy + ny * zz) * W;
      s += P[o + x1 + 1] - P[o + x0];
      c += x1 - x0 + 1;
    }
    const m = s / c;
    if (m > best) best = m;
  }
  return best === -Infinity ? NaN : best;
}

/** Reference implementation of the global peak by direct summation over the sphere offsets (for tests). */
export function globalIntensityPeakDirect(image: Image3D, mask: Mask3D, offsets = sphereOffsets(image.spacing)): number {
  let best = -Infinity;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) { const m = localMean(image, i, offsets); if (m > best) best = m; }
  return best === -Infinity ? NaN : best;
}

/** Both local intensity features keyed by IBSI tag (`loc_peak_loc`, `loc_peak_glob`). */
export function localIntensityFeatures(image: Image3D, mask: Mask3D, reasons: ReasonMap = {}): FeatureMap {
  const off = sphereOffsets(image.spacing);
  const f = { loc_peak_loc: localIntensityPeak(image, mask, off), loc_peak_glob: globalIntensityPeak(image, mask, off) };
  if (Number.isNaN(f.loc_peak_loc)) reasons.loc_peak_loc = reasons.loc_peak_glob = 'empty intensity mask';
  return f;
}
