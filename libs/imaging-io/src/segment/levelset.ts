import { components, maskBox, type Dims } from './morphology';

/**
 * Region-based level set (Chan & Vese 2001, "Active contours without edges") used to refine masks: the
 * contour φ = 0 separates two regions of (locally) constant intensity c₁ (inside, φ > 0) and c₂
 * (outside), with a curvature term that keeps it smooth:
 *
 *   ∂φ/∂t = δε(φ) · [ μ·κ + F ],   F = ((I − c₂)² − (I − c₁)²) / (c₁ − c₂)² = (2I − c₁ − c₂) / (c₁ − c₂)
 *
 * (the data term normalised by the contrast, so μ means the same for every structure). κ = div(∇φ/|∇φ|)
 * with physical spacing, δε(φ) = ε / (π(ε² + φ²)), ε = 1. φ starts as a clipped signed chamfer distance
 * of the initial mask, is kept in [−B, B] and only voxels within the band |φ| < B are updated (narrow
 * band, typed arrays, no allocation per voxel). Everything runs in the bounding box of the initial mask
 * enlarged by `marginMm`; voxels outside `allowed` are held outside. c₁, c₂ are re-estimated every
 * iteration over the voxels of the box that are `allowed` (for a lesion inside the liver: lesion vs
 * parenchyma).
 */

const M = Math;

export interface LevelSetOptions {
  /** iterations (default 40) */
  iterations?: number;
  /** curvature weight μ (default 0.3) */
  mu?: number;
  /** time step (default 0.4) */
  dt?: number;
  /** margin around the initial mask's bounding box, mm (default 6) */
  marginMm?: number;
  /** voxels the contour may cover (default: all) */
  allowed?: Uint8Array;
  /** half-width B of the band and clip of φ, in voxels (default 3) */
  band?: number;
}

interface Grid {
  data: ArrayLike<number>;
  dims: Dims;
  spacing: readonly [number, number, number];
}

/** Returns the refined mask (0/1, full grid). `image` should be smoothed (e.g. anisotropic diffusion). */
export function chanVeseRefine(image: Grid, init: Uint8Array, options: LevelSetOptions = {}): Uint8Array {
  const { dims, spacing } = image;
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  if (init.length !== n) throw new Error(`chanVeseRefine: mask has ${init.length} voxels, the image ${n}`);
  const out = new Uint8Array(n);
  const box = maskBox(init, dims);
  if (!box) return out;
  let [x0, x1, y0, y1, z0, z1] = box;
  const margin = options.marginMm ?? 6;
  const mx = M.ceil(margin / spacing[0]), my = M.ceil(margin / spacing[1]), mz = M.ceil(margin / spacing[2]);
  x0 = M.max(0, x0 - mx);
  x1 = M.min(nx - 1, x1 + mx);
  y0 = M.max(0, y0 - my);
  y1 = M.min(ny - 1, y1 + my);
  z0 = M.max(0, z0 - mz);
  z1 = M.min(nz - 1, z1 + mz);
  const bx = x1 - x0 + 1, by = y1 - y0 + 1, bz = z1 - z0 + 1;
  const bn = bx * by * bz;
  const I = new Float32Array(bn);
  const ok = new Uint8Array(bn);
  const phi = new Float32Array(bn);
  const B = options.band ?? 3;
  for (let z = 0, j = 0; z < bz; z++)
    for (let y = 0; y < by; y++) {
      const row = x0 + nx * (y0 + y + ny * (z0 + z));
      for (let x = 0; x < bx; x++, j++) {
        I[j] = image.data[row + x];
        ok[j] = options.allowed ? options.allowed[row + x] : 1;
        phi[j] = init[row + x] && ok[j] ? 1 : -1;
      }
    }
  signedChamfer(phi, [bx, by, bz], spacing, B);
  const mu = options.mu ?? 0.3;
  const dt = options.dt ?? 0.4;
  const iters = options.iterations ?? 40;
  const [hx, hy, hz] = [spacing[0] / spacing[0], spacing[1] / spacing[0], spacing[2] / spacing[0]];
  const sx = bx, sxy = bx * by;
  const upd = new Float32Array(bn);
  let changed = 0; // sign changes since the last re-initialisation
  for (let it = 0; it < iters; it++) {
    let s1 = 0, n1 = 0, s2 = 0, n2 = 0;
    for (let j = 0; j < bn; j++) {
      if (!ok[j]) continue;
      if (phi[j] > 0) {
        s1 += I[j];
        n1++;
      } else {
        s2 += I[j];
        n2++;
      }
    }
    if (n1 === 0 || n2 === 0) break;
    const c1 = s1 / n1, c2 = s2 / n2;
    const contrast = c1 - c2;
    if (M.abs(contrast) < 1e-6) break;
    for (let z = 0, j = 0; z < bz; z++)
      for (let y = 0; y < by; y++)
        for (let x = 0; x < bx; x++, j++) {
          const p = phi[j];
          upd[j] = 0;
          if (!ok[j] || p >= B || p <= -B) continue;
          // central differences (one-sided at the box border), physical units
          const xm = x > 0 ? phi[j - 1] : p, xp = x < bx - 1 ? phi[j + 1] : p;
          const ym = y > 0 ? phi[j - sx] : p, yp = y < by - 1 ? phi[j + sx] : p;
          const zm = z > 0 ? phi[j - sxy] : p, zp = z < bz - 1 ? phi[j + sxy] : p;
          const px = (xp - xm) / (2 * hx), py = (yp - ym) / (2 * hy), pz = (zp - zm) / (2 * hz);
          const pxx = (xp - 2 * p + xm) / (hx * hx), pyy = (yp - 2 * p + ym) / (hy * hy), pzz = (zp - 2 * p + zm) / (hz * hz);
          // mixed derivatives
          const pxy =
            x > 0 && x < bx - 1 && y > 0 && y < by - 1
              ? (phi[j + 1 + sx] - phi[j + 1 - sx] - phi[j - 1 + sx] + phi[j - 1 - sx]) / (4 * hx * hy)
              : 0;
          const pxz =
            x > 0 && x < bx - 1 && z > 0 && z < bz - 1
              ? (phi[j + 1 + sxy] - phi[j + 1 - sxy] - phi[j - 1 + sxy] + phi[j - 1 - sxy]) / (4 * hx * hz)
              : 0;
          const pyz =
            y > 0 && y < by - 1 && z > 0 && z < bz - 1
              ? (phi[j + sx + sxy] - phi[j + sx - sxy] - phi[j - sx + sxy] + phi[j - sx - sxy]) / (4 * hy * hz)
              : 0;
          const g2 = px * px + py * py + pz * pz;
          const kappa =
            g2 > 1e-8
              ? (pxx * (py * py + pz * pz) +
                  pyy * (px * px + pz * pz) +
                  pzz * (px * px + py * py) -
                  2 * (px * py * pxy + px * pz * pxz + py * pz * pyz)) /
                (g2 * M.sqrt(g2))
              : 0;
          const F = (2 * I[j] - c1 - c2) / contrast;
          const delta = 1 / (M.PI * (1 + p * p));
          upd[j] = dt * delta * (mu * (kappa > 3 ? 3 : kappa < -3 ? -3 : kappa) + (F > 2 ? 2 : F < -2 ? -2 : F)) * M.PI;
        }
    for (let j = 0; j < bn; j++) {
      if (!upd[j]) continue;
      const before = phi[j] > 0;
      let v = phi[j] + upd[j];
      if (v > B) v = B;
      if (v < -B) v = -B;
      phi[j] = v;
      if (v > 0 !== before) changed++;
    }
    // keep φ close to a distance function so that the band moves with the contour; stop when a whole
    // block of 5 iterations moved no voxel across the contour
    if (it % 5 === 4) {
      if (changed === 0) break;
      changed = 0;
      for (let j = 0; j < bn; j++) phi[j] = phi[j] > 0 ? 1 : -1;
      signedChamfer(phi, [bx, by, bz], spacing, B);
    }
  }
  for (let z = 0, j = 0; z < bz; z++)
    for (let y = 0; y < by; y++) {
      const row = x0 + nx * (y0 + y + ny * (z0 + z));
      for (let x = 0; x < bx; x++, j++) if (phi[j] > 0 && ok[j]) out[row + x] = 1;
    }
  return out;
}

/**
 * In place: φ = ±1 (inside/outside) → clipped signed distance in voxels of the in-plane spacing: +d inside,
 * −d outside, d the chamfer distance (two raster passes, 6-neighbour weights scaled by spacing) to the
 * other side minus ½, clipped to ±B.
 */
export function signedChamfer(phi: Float32Array, dims: readonly [number, number, number], spacing: readonly number[], B: number): void {
  const [bx, by, bz] = dims;
  const n = bx * by * bz;
  const w = [1, spacing[1] / spacing[0], spacing[2] / spacing[0]];
  const din = new Float32Array(n);
  const dout = new Float32Array(n);
  const big = B + 1;
  for (let j = 0; j < n; j++) {
    din[j] = phi[j] > 0 ? big : 0;
    dout[j] = phi[j] > 0 ? 0 : big;
  }
  const sx = bx, sxy = bx * by;
  for (const d of [din, dout]) {
    for (let z = 0, j = 0; z < bz; z++)
      for (let y = 0; y < by; y++)
        for (let x = 0; x < bx; x++, j++) {
          let v = d[j];
          if (v === 0) continue;
          if (x > 0 && d[j - 1] + w[0] < v) v = d[j - 1] + w[0];
          if (y > 0 && d[j - sx] + w[1] < v) v = d[j - sx] + w[1];
          if (z > 0 && d[j - sxy] + w[2] < v) v = d[j - sxy] + w[2];
          d[j] = v;
        }
    for (let z = bz - 1, j = n - 1; z >= 0; z--)
      for (let y = by - 1; y >= 0; y--)
        for (let x = bx - 1; x >= 0; x--, j--) {
          let v = d[j];
          if (v === 0) continue;
          if (x < bx - 1 && d[j + 1] + w[0] < v) v = d[j + 1] + w[0];
          if (y < by - 1 && d[j + sx] + w[1] < v) v = d[j + sx] + w[1];
          if (z < bz - 1 && d[j + sxy] + w[2] < v) v = d[j + sxy] + w[2];
          d[j] = v;
        }
  }
  for (let j = 0; j < n; j++) {
    const v = phi[j] > 0 ? din[j] - 0.5 : -(dout[j] - 0.5);
    phi[j] = v > B ? B : v < -B ? -B : v;
  }
}

/**
 * Refines every lesion (connected component of `tumour`) separately with `chanVeseRefine` in its own box,
 * constrained to `liver`: each lesion gets its own c₁ (lesion) and c₂ (surrounding parenchyma). Lesions are
 * processed independently and OR-ed together.
 */
export function refineLesionsLevelSet(
  image: Grid,
  tumour: Uint8Array,
  liver: Uint8Array,
  options: LevelSetOptions = {},
): Uint8Array {
  const { dims } = image;
  const cc = components(tumour, dims);
  const out = new Uint8Array(tumour.length);
  if (cc.count === 0) return out;
  // per-component masks, built one at a time from the label map
  const one = new Uint8Array(tumour.length);
  const idx: number[][] = Array.from({ length: cc.count + 1 }, () => []);
  for (let i = 0; i < cc.labels.length; i++) if (cc.labels[i]) idx[cc.labels[i]].push(i);
  for (let c = 1; c <= cc.count; c++) {
    for (const i of idx[c]) one[i] = 1;
    const r = chanVeseRefine(image, one, { ...options, allowed: liver });
    for (let i = 0; i < r.length; i++) if (r[i]) out[i] = 1;
    for (const i of idx[c]) one[i] = 0;
  }
  return out;
}
