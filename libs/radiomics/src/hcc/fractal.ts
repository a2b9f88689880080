/**
 * Box-counting (Minkowski–Bouligand) fractal dimension of a 3D ROI.
 *
 * For box edges s = 1, 2, 4, … voxels (up to the largest bounding-box extent), N(s) counts the boxes of a
 * grid anchored at the ROI bounding-box corner that contain at least one ROI voxel; the dimension is the
 * least-squares slope of log N(s) against log(1/s). Works in voxel units: resample to isotropic spacing
 * first for anisotropic images. A solid cube gives ≈ 3, a plane ≈ 2, a line ≈ 1.
 *
 * Edge cases: an empty mask → NaN; a single box size (ROI of extent 1, a single voxel) → NaN (a slope needs
 * two sizes).
 *
 * Reference: Mandelbrot B, The Fractal Geometry of Nature (1982); box counting as used in tumour radiomics
 * (e.g. Al-Kadi OS, Watson D, IEEE TBME 2008;55:1822–1830).
 */
import type { Dims3 } from '../types';

/** Box counts N(s) for s = 1, 2, 4, …: returns parallel arrays of sizes and counts. */
export function boxCounts(mask: { data: ArrayLike<number>; dims: Dims3 }): { sizes: number[]; counts: number[] } {
  const [nx, ny, nz] = mask.dims;
  const d = mask.data;
  let x0 = nx, y0 = ny, z0 = nz, x1 = -1, y1 = -1, z1 = -1;
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) if (d[i] > 0) {
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; if (z < z0) z0 = z; if (z > z1) z1 = z;
  }
  if (x1 < 0) return { sizes: [], counts: [] };
  const ext = Math.max(x1 - x0 + 1, y1 - y0 + 1, z1 - z0 + 1);
  const sizes: number[] = [], counts: number[] = [];
  for (let s = 1; s <= ext; s *= 2) {
    const bx = Math.ceil((x1 - x0 + 1) / s), by = Math.ceil((y1 - y0 + 1) / s), bz = Math.ceil((z1 - z0 + 1) / s);
    const occ = new Uint8Array(bx * by * bz);
    let n = 0;
    for (let z = z0; z <= z1; z++) for (let y = y0; y <= y1; y++) {
      const row = nx * (y + ny * z);
      const b0 = bx * (Math.floor((y - y0) / s) + by * Math.floor((z - z0) / s));
      for (let x = x0; x <= x1; x++) {
        if (!(d[row + x] > 0)) continue;
        const b = b0 + Math.floor((x - x0) / s);
        if (!occ[b]) { occ[b] = 1; n++; }
      }
    }
    sizes.push(s);
    counts.push(n);
  }
  return { sizes, counts };
}

/** Box-counting dimension: slope of log N(s) on log(1/s) by least squares; NaN with fewer than two sizes. */
export function fractalDimensionBoxCounting(mask: { data: ArrayLike<number>; dims: Dims3 }): number {
  const { sizes, counts } = boxCounts(mask);
  if (sizes.length < 2) return NaN;
  const xs = sizes.map((s) => Math.log(1 / s)), ys = counts.map((c) => Math.log(c));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < xs.length; i++) { sxy += (xs[i] - mx) * (ys[i] - my); sxx += (xs[i] - mx) ** 2; }
  return sxy / sxx;
}
