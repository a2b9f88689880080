import { anisotropicDiffusion } from './filters';
import { close, fillHoles2D, radiusVoxels, type Dims } from './morphology';

/**
 * Region growing from one click on several co-registered contrast phases (e.g. ARTERIAL, PORTAL_VENOUS,
 * DELAYED): every voxel is a vector of P intensities. A lesion that barely differs from the liver in each
 * phase alone (a weakly enhancing HCC: slightly bright in the arterial phase, slightly dark later) is
 * separated by the combination.
 *
 * 1. Each phase is smoothed (anisotropic diffusion, 3 iterations).
 * 2. Lesion statistics at the click: per-phase median of the 3×3 in-plane neighbourhood and noise σ from
 *    neighbour differences (1.4826·median|Δ|/√2 in the 5×5×3 neighbourhood, floored at `minSigma`), as
 *    `regionGrow`; covariance = diag(σ²).
 * 3. Background (parenchyma) statistics: robust per-phase median and MAD of the shell between R and R + 6 mm
 *    around the click (R = `maxRadiusMm`, default 20 mm): mostly the surrounding liver.
 * 4. Grow (6-connectivity) over voxels whose squared Mahalanobis distance to the lesion is ≤ m²·P AND
 *    smaller than their distance to the background (a quadratic discriminant between the two classes).
 * 5. Re-estimate the lesion mean and full covariance from the region (`iterations` times; mean within
 *    ±f·σ₀ of the seed's, variances ≤ (f·σ₀)², f = `maxSigmaFactor`, covariance regularised) and grow again;
 *    then closing (2 mm) and slice-wise hole filling.
 * Measured (bench, held-out phantom seeds 1001–1005, click as in the single-phase bench, 4 phases): mean
 * lesion Dice 0.613 (single phase) → 0.712; barely-enhancing HCC 0.19–0.41 → 0.70–0.92; haemangiomas
 * (peripheral nodular fill-in: the lesion's own phases disagree) drop 0.82–0.92 → 0.32–0.37 — grow those
 * on the delayed phase alone.
 */

const M = Math;

export interface MultiPhaseGrowOptions {
  /** Mahalanobis multiplier m: a voxel joins when d² ≤ m²·P (default 2.5) */
  multiplier?: number;
  /** re-estimation iterations (default 3) */
  iterations?: number;
  /** σ floor per phase in intensity units (default 5) */
  minSigma?: number;
  /** bound on the distance from the seed, mm; also the inner radius of the background shell (default 20) */
  maxRadiusMm?: number;
  /** diffusion iterations (default 3; 0 = none) */
  smoothingIterations?: number;
  /** use the background competition (default true) */
  compete?: boolean;
  /** re-estimated σ per phase ≤ this × the seed's σ₀, the mean within ± this × σ₀ (default 3) */
  maxSigmaFactor?: number;
}

export interface MultiPhaseGrowResult {
  mask: Uint8Array;
  voxels: number;
  /** lesion mean per phase and background mean per phase */
  mean: number[];
  background: number[];
}

interface Grid {
  data: ArrayLike<number>;
  dims: Dims;
  spacing: readonly [number, number, number];
}

const median = (a: number[]) => {
  const b = [...a].sort((x, y) => x - y);
  const h = b.length >> 1;
  return b.length ? (b.length % 2 ? b[h] : (b[h - 1] + b[h]) / 2) : 0;
};

/** Inverse of a small symmetric positive-definite matrix (Gauss–Jordan); null when singular. */
export function invert(a: number[][]): number[][] | null {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (M.abs(m[r][c]) > M.abs(m[p][c])) p = r;
    if (M.abs(m[p][c]) < 1e-12) return null;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      if (f) for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((r) => r.slice(n));
}

/** Grows a region from `seed` = [i, j, k] over the co-registered `phases` (same dims). */
export function regionGrowMultiPhase(
  phases: Grid[],
  seed: readonly [number, number, number],
  options: MultiPhaseGrowOptions = {},
): MultiPhaseGrowResult {
  if (phases.length === 0) throw new Error('regionGrowMultiPhase: no phases given');
  const { dims, spacing } = phases[0];
  const [nx, ny, nz] = dims;
  phases.forEach((p, k) => {
    if (p.dims[0] !== nx || p.dims[1] !== ny || p.dims[2] !== nz)
      throw new Error(
        `regionGrowMultiPhase: phase ${k + 1} has dims ${p.dims.join('×')}, phase 1 has ${nx}×${ny}×${nz} (phases must share one grid)`,
      );
  });
  const plane = nx * ny;
  const n = plane * nz;
  const [si, sj, sk] = seed.map(M.round);
  if (!(si >= 0 && si < nx && sj >= 0 && sj < ny && sk >= 0 && sk < nz))
    throw new Error(`regionGrowMultiPhase: seed (${seed.join(', ')}) is outside the image (${nx}×${ny}×${nz})`);
  const P = phases.length;
  const it = options.smoothingIterations ?? 3;
  const img = phases.map((p) => (it > 0 ? anisotropicDiffusion(p.data, dims, spacing, { iterations: it }) : Float32Array.from(p.data)));
  const mlt = options.multiplier ?? 2.5;
  const minSigma = options.minSigma ?? 5;
  const R = options.maxRadiusMm ?? 20;
  const r2 = R * R;
  const seedIdx = si + nx * (sj + ny * sk);

  // lesion statistics at the click (per phase, as regionGrow)
  const mu0: number[] = [];
  const sd0: number[] = [];
  for (let p = 0; p < P; p++) {
    const centre: number[] = [];
    for (let j = M.max(0, sj - 1); j <= M.min(ny - 1, sj + 1); j++)
      for (let i = M.max(0, si - 1); i <= M.min(nx - 1, si + 1); i++) centre.push(img[p][i + nx * (j + ny * sk)]);
    const diffs: number[] = [];
    for (let k = M.max(0, sk - 1); k <= M.min(nz - 1, sk + 1); k++)
      for (let j = M.max(0, sj - 2); j <= M.min(ny - 1, sj + 2); j++)
        for (let i = M.max(0, si - 2); i < M.min(nx - 1, si + 2); i++) {
          const q = i + nx * (j + ny * k);
          diffs.push(M.abs(img[p][q + 1] - img[p][q]));
        }
    mu0.push(median(centre));
    sd0.push(M.max(minSigma, diffs.length ? (1.4826 * median(diffs)) / M.SQRT2 : 0));
  }
  // background: robust statistics of the shell R … R + 6 mm around the click
  const bgVals: number[][] = Array.from({ length: P }, () => []);
  const R2 = (R + 6) * (R + 6);
  const ext = [M.ceil((R + 6) / spacing[0]), M.ceil((R + 6) / spacing[1]), M.ceil((R + 6) / spacing[2])];
  for (let k = M.max(0, sk - ext[2]); k <= M.min(nz - 1, sk + ext[2]); k++)
    for (let j = M.max(0, sj - ext[1]); j <= M.min(ny - 1, sj + ext[1]); j++)
      for (let i = M.max(0, si - ext[0]); i <= M.min(nx - 1, si + ext[0]); i++) {
        const d2 = ((i - si) * spacing[0]) ** 2 + ((j - sj) * spacing[1]) ** 2 + ((k - sk) * spacing[2]) ** 2;
        if (d2 < r2 || d2 > R2) continue;
        const q = i + nx * (j + ny * k);
        for (let p = 0; p < P; p++) bgVals[p].push(img[p][q]);
      }
  const bgMu = bgVals.map((v) => median(v));
  const bgSd = bgVals.map((v, p) => M.max(minSigma, 1.4826 * median(v.map((x) => M.abs(x - bgMu[p])))));
  const bgInv = bgSd.map((s) => 1 / (s * s));
  const compete = options.compete ?? true;

  let mean = [...mu0];
  let inv: number[][] = sd0.map((s, p) => sd0.map((_, q) => (p === q ? 1 / (s * s) : 0)));
  const T = mlt * mlt * P;
  let mask: Uint8Array = new Uint8Array(n);
  const stack = new Int32Array(n);
  const x = new Float64Array(P);
  const iterations = options.iterations ?? 3;
  for (let iter = 0; iter <= iterations; iter++) {
    mask = new Uint8Array(n);
    const accept = (q: number): boolean => {
      for (let p = 0; p < P; p++) x[p] = img[p][q] - mean[p];
      let d2 = 0;
      for (let a = 0; a < P; a++) {
        let s = 0;
        for (let b = 0; b < P; b++) s += inv[a][b] * x[b];
        d2 += x[a] * s;
      }
      if (d2 > T) return false;
      if (!compete) return true;
      let db = 0;
      for (let p = 0; p < P; p++) {
        const e = img[p][q] - bgMu[p];
        db += e * e * bgInv[p];
      }
      return d2 < db;
    };
    let top = 0;
    mask[seedIdx] = 1;
    stack[top++] = seedIdx;
    const sum = new Float64Array(P);
    const sum2 = Array.from({ length: P }, () => new Float64Array(P));
    let c = 0;
    while (top > 0) {
      const q = stack[--top];
      for (let a = 0; a < P; a++) {
        const va = img[a][q];
        sum[a] += va;
        for (let b = 0; b < P; b++) sum2[a][b] += va * img[b][q];
      }
      c++;
      const xi = q % nx;
      const yi = M.floor(q / nx) % ny;
      const zi = M.floor(q / plane);
      const nb = [
        xi > 0 ? q - 1 : -1,
        xi < nx - 1 ? q + 1 : -1,
        yi > 0 ? q - nx : -1,
        yi < ny - 1 ? q + nx : -1,
        zi > 0 ? q - plane : -1,
        zi < nz - 1 ? q + plane : -1,
      ];
      for (const r of nb) {
        if (r < 0 || mask[r]) continue;
        const rx = r % nx, ry = M.floor(r / nx) % ny, rz = M.floor(r / plane);
        const dd = ((rx - si) * spacing[0]) ** 2 + ((ry - sj) * spacing[1]) ** 2 + ((rz - sk) * spacing[2]) ** 2;
        if (dd > r2 || !accept(r)) continue;
        mask[r] = 1;
        stack[top++] = r;
      }
    }
    if (iter === iterations || c < 2 * P + 2) break;
    // re-estimate the lesion's mean and covariance from the region, bounded by the seed statistics
    const m = Array.from(sum, (s) => s / c);
    const drift = options.maxSigmaFactor ?? 3;
    mean = m.map((v, p) => M.max(mu0[p] - drift * sd0[p], M.min(mu0[p] + drift * sd0[p], v)));
    const cov = Array.from({ length: P }, (_, a) => Array.from({ length: P }, (_, b) => sum2[a][b] / c - m[a] * m[b]));
    for (let p = 0; p < P; p++) {
      const vmax = ((options.maxSigmaFactor ?? 3) * sd0[p]) ** 2;
      const v = M.min(vmax, M.max(minSigma * minSigma, cov[p][p]));
      const scale = cov[p][p] > 0 ? M.sqrt(v / cov[p][p]) : 1;
      for (let q = 0; q < P; q++) {
        cov[p][q] *= scale;
        cov[q][p] *= p === q ? 1 : scale;
      }
      cov[p][p] = v;
    }
    for (let p = 0; p < P; p++) cov[p][p] += 1e-6;
    inv = invert(cov) ?? inv;
  }
  mask = fillHoles2D(close(mask, dims, radiusVoxels(2, spacing, 1)), dims);
  let voxels = 0;
  for (let i = 0; i < n; i++) voxels += mask[i];
  return { mask, voxels, mean, background: bgMu };
}
