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
 * Cost O(N_v · K), K the voxels per sphere (linear in ROI size); voxels whose sphere lies inside the image
 * use precomputed linear offsets without bounds checks. Empty mask → NaN.
 */
export function globalIntensityPeak(image: Image3D, mask: Mask3D, offsets = sphereOffsets(image.spacing)): number {
  const [nx, ny, nz] = image.dims;
  const K = offsets.length / 3;
  const lin = new Int32Array(K);
  let rx = 0, ry = 0, rz = 0;
  for (let k = 0; k < K; k++) {
    const dx = offsets[3 * k], dy = offsets[3 * k + 1], dz = offsets[3 * k + 2];
    lin[k] = dx + nx * (dy + ny * dz);
    rx = Math.max(rx, Math.abs(dx)); ry = Math.max(ry, Math.abs(dy)); rz = Math.max(rz, Math.abs(dz));
  }
  const d = image.data;
  let best = -Infinity;
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    if (!mask.data[i]) continue;
    let m: number;
    if (x >= rx && y >= ry && z >= rz && x < nx - rx && y < ny - ry && z < nz - rz) {
      let s = 0;
      for (let k = 0; k < K; k++) s += d[i + lin[k]];
      m = s / K;
    } else m = localMean(image, i, offsets);
    if (m > best) best = m;
  }
  return best === -Infinity ? NaN : best;
}

/** Both local intensity features keyed by IBSI tag (`loc_peak_loc`, `loc_peak_glob`). */
export function localIntensityFeatures(image: Image3D, mask: Mask3D, reasons: ReasonMap = {}): FeatureMap {
  const off = sphereOffsets(image.spacing);
  const f = { loc_peak_loc: localIntensityPeak(image, mask, off), loc_peak_glob: globalIntensityPeak(image, mask, off) };
  if (Number.isNaN(f.loc_peak_loc)) reasons.loc_peak_loc = reasons.loc_peak_glob = 'empty intensity mask';
  return f;
}
