import { anisotropicDiffusion } from './filters';
import { close, fillHoles2D, radiusVoxels, type Dims } from './morphology';

/**
 * Semi-automatic segmentation from one click: confidence-connected region growing (as ITK's
 * ConfidenceConnectedImageFilter) on an anisotropic-diffusion-smoothed image.
 *
 * 1. Initial statistics: μ₀ = median of the seed's 3×3 in-plane neighbourhood, σ₀ = noise estimated from
 *    neighbour differences (1.4826·median|Δ|/√2) in its 5×5×3 neighbourhood, floored at `minSigma` —
 *    robust to a vessel or an edge crossing the neighbourhood.
 * 2. Grow (6-connectivity) from the seed over voxels with |I − μ| ≤ m·σ (σ floored at `minSigma`).
 * 3. Recompute μ, σ over the region and grow again (`iterations` times): the region adapts to the
 *    structure's own intensity distribution; μ stays within μ₀ ± σ₀ and σ ≤ 1.5 σ₀ of the seed
 *    statistics, so that a leak cannot drag the window onto a neighbouring organ.
 * 4. Optional `maxRadiusMm` bounds the region around the seed (protects against leaks).
 * 5. Closing (2 mm) and slice-wise hole filling.
 */

const M = Math;

export interface RegionGrowOptions {
  /** multiplier m of σ (default 2.5) */
  multiplier?: number;
  /** re-estimation iterations (default 3) */
  iterations?: number;
  /** floor for σ in intensity units (default 5) */
  minSigma?: number;
  /** bound on the distance from the seed, mm (default none) */
  maxRadiusMm?: number;
  /** diffusion iterations for smoothing (default 3; 0 = none) */
  smoothingIterations?: number;
}

export interface RegionGrowResult {
  mask: Uint8Array;
  mean: number;
  sigma: number;
  voxels: number;
}

interface Grid {
  data: ArrayLike<number>;
  dims: Dims;
  spacing: readonly [number, number, number];
}

/** Grows a region from `seed` = [i, j, k] (voxel indices). */
export function regionGrow(image: Grid, seed: readonly [number, number, number], options: RegionGrowOptions = {}): RegionGrowResult {
  const { dims, spacing } = image;
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const n = plane * nz;
  const [si, sj, sk] = seed.map(M.round);
  if (!(si >= 0 && si < nx && sj >= 0 && sj < ny && sk >= 0 && sk < nz)) {
    throw new Error(`regionGrow: seed (${seed.join(', ')}) is outside the image (${nx}×${ny}×${nz})`);
  }
  const it = options.smoothingIterations ?? 3;
  const img: ArrayLike<number> = it > 0 ? anisotropicDiffusion(image.data, dims, spacing, { iterations: it }) : image.data;
  const m = options.multiplier ?? 2.5;
  const minSigma = options.minSigma ?? 5;
  const r2 = options.maxRadiusMm ? options.maxRadiusMm * options.maxRadiusMm : Infinity;
  // initial statistics, robust: median and 1.4826·MAD of the neighbourhood (a vessel or an edge in part
  // of the neighbourhood must not inflate σ)
  const vals: number[] = [];
  for (let k = M.max(0, sk - 1); k <= M.min(nz - 1, sk + 1); k++)
    for (let j = M.max(0, sj - 2); j <= M.min(ny - 1, sj + 2); j++)
      for (let i = M.max(0, si - 2); i <= M.min(nx - 1, si + 2); i++) vals.push(img[i + nx * (j + ny * k)]);
  const median = (a: number[]) => {
    const b = [...a].sort((x, y) => x - y);
    const h = b.length >> 1;
    return b.length % 2 ? b[h] : (b[h - 1] + b[h]) / 2;
  };
  // μ₀: median of the 3×3 in-plane neighbourhood; σ₀: noise from neighbour differences,
  // 1.4826·median|Δ|/√2 over the 5×5×3 neighbourhood — an edge or a vessel crossing it affects only a
  // few differences, so σ₀ stays the noise of the clicked tissue
  const centre: number[] = [];
  for (let j = M.max(0, sj - 1); j <= M.min(ny - 1, sj + 1); j++)
    for (let i = M.max(0, si - 1); i <= M.min(nx - 1, si + 1); i++) centre.push(img[i + nx * (j + ny * sk)]);
  const diffs: number[] = [];
  for (let k = M.max(0, sk - 1); k <= M.min(nz - 1, sk + 1); k++)
    for (let j = M.max(0, sj - 2); j <= M.min(ny - 1, sj + 2); j++)
      for (let i = M.max(0, si - 2); i < M.min(nx - 1, si + 2); i++) {
        const q = i + nx * (j + ny * k);
        diffs.push(M.abs(img[q + 1] - img[q]));
      }
  let mean = median(centre);
  let sigma = M.max(minSigma, diffs.length ? (1.4826 * median(diffs)) / M.SQRT2 : 0);
  void vals;
  let s = 0, s2 = 0, c = 0;
  const mean0 = mean;
  const sigma0 = sigma;
  let mask: Uint8Array = new Uint8Array(n);
  const stack = new Int32Array(n);
  const seedIdx = si + nx * (sj + ny * sk);
  for (let iter = 0; iter <= (options.iterations ?? 3); iter++) {
    const lo = mean - m * sigma;
    const hi = mean + m * sigma;
    mask = new Uint8Array(n);
    let top = 0;
    const v0 = img[seedIdx];
    if (v0 < lo || v0 > hi) {
      // the seed itself is an outlier of its neighbourhood: keep at least the seed
      mask[seedIdx] = 1;
      break;
    }
    mask[seedIdx] = 1;
    stack[top++] = seedIdx;
    s = 0;
    s2 = 0;
    c = 0;
    const visit = (q: number, x: number, y: number, z: number) => {
      if (mask[q]) return;
      const v = img[q];
      if (v < lo || v > hi) return;
      if (r2 !== Infinity) {
        const dx = (x - si) * spacing[0], dy = (y - sj) * spacing[1], dz = (z - sk) * spacing[2];
        if (dx * dx + dy * dy + dz * dz > r2) return;
      }
      mask[q] = 1;
      stack[top++] = q;
    };
    while (top > 0) {
      const p = stack[--top];
      const v = img[p];
      s += v;
      s2 += v * v;
      c++;
      const x = p % nx;
      const y = M.floor(p / nx) % ny;
      const z = M.floor(p / plane);
      if (x > 0) visit(p - 1, x - 1, y, z);
      if (x < nx - 1) visit(p + 1, x + 1, y, z);
      if (y > 0) visit(p - nx, x, y - 1, z);
      if (y < ny - 1) visit(p + nx, x, y + 1, z);
      if (z > 0) visit(p - plane, x, y, z - 1);
      if (z < nz - 1) visit(p + plane, x, y, z + 1);
    }
    const newMean = s / c;
    const newSigma = M.max(minSigma, M.sqrt(M.max(0, s2 / c - newMean * newMean)));
    if (iter < (options.iterations ?? 3)) {
      // guard against leaks: the statistics may adapt, but not drift far from the seed's own
      mean = M.max(mean0 - sigma0, M.min(mean0 + sigma0, newMean));
      sigma = M.min(1.5 * sigma0, newSigma);
    }
  }
  mask = fillHoles2D(close(mask, dims, radiusVoxels(2, spacing, 1)), dims);
  let voxels = 0;
  for (let i = 0; i < n; i++) voxels += mask[i];
  return { mask, mean, sigma, voxels };
}
