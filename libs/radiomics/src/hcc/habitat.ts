/**
 * Habitat analysis: partition a tumour into sub-regions of similar local texture.
 *
 * 1. Voxel-wise local features inside the ROI: the intensity, the local mean and the local standard
 *    deviation over the ROI voxels of a (2w+1)³ neighbourhood (default w = 1), each z-scored over the ROI.
 * 2. Seeded k-means (k-means++ initialisation from a fixed-seed PRNG, Lloyd iterations): deterministic for a
 *    given seed. k is given, or chosen in `kRange` (default 2..5) by the largest mean silhouette, computed on
 *    a deterministic subsample of at most `silhouetteSample` voxels (the exact silhouette is O(N²)).
 * 3. Habitats are numbered 1..k by increasing centroid local mean; volume fractions are returned. Features
 *    per habitat come from `extractFeatures(image, habitatMask(result, h), settings)`.
 *
 * Edge cases: fewer ROI voxels than k → error naming both; constant features (σ = 0) are left at 0.
 *
 * Reference: Napel S et al., Quantitative imaging of cancer in the postgenomic era: radio(geno)mics, deep
 * learning, and habitats, Cancer 2018;124:4633–4649; Arthur D, Vassilvitskii S, k-means++, SODA 2007.
 */
import type { Dims3, Image3D, Mask3D } from '../types';
import { mulberry32 } from '../random';

export interface HabitatOptions {
  /** number of habitats, or 'auto' (silhouette over kRange) */
  k?: number | 'auto';
  kRange?: [number, number];
  /** neighbourhood half-width w (voxels) of the local features */
  halfWidth?: number;
  seed?: number;
  maxIterations?: number;
  silhouetteSample?: number;
}

export interface HabitatResult {
  /** 1..k inside the ROI, 0 outside (same grid as the mask) */
  labels: Int32Array;
  k: number;
  /** volume fraction of each habitat (index h − 1) */
  fractions: number[];
  /** centroids in z-scored feature space [intensity, local mean, local sd] */
  centroids: number[][];
  /** mean silhouette per k tried */
  silhouettes: Record<number, number>;
}

/** Local features [X, local mean, local sd] of each ROI voxel (z-scored), as a flat Float64Array (3 per voxel). */
export function habitatFeatures(image: Image3D, mask: Mask3D, halfWidth = 1): { features: Float64Array; index: Int32Array } {
  const [nx, ny, nz] = image.dims;
  let n = 0;
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) n++;
  const index = new Int32Array(n);
  const F = new Float64Array(3 * n);
  const w = halfWidth;
  let k = 0;
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    if (!mask.data[i]) continue;
    let s = 0, s2 = 0, c = 0;
    for (let dz = -w; dz <= w; dz++) {
      const zz = z + dz;
      if (zz < 0 || zz >= nz) continue;
      for (let dy = -w; dy <= w; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= ny) continue;
        for (let dx = -w; dx <= w; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= nx) continue;
          const j = xx + nx * (yy + ny * zz);
          if (!mask.data[j]) continue;
          const v = image.data[j];
          s += v; s2 += v * v; c++;
        }
      }
    }
    const mean = s / c;
    index[k] = i;
    F[3 * k] = image.data[i];
    F[3 * k + 1] = mean;
    F[3 * k + 2] = Math.sqrt(Math.max(0, s2 / c - mean * mean));
    k++;
  }
  for (let f = 0; f < 3; f++) {
    let m = 0, v = 0;
    for (let j = 0; j < n; j++) m += F[3 * j + f];
    m /= n;
    for (let j = 0; j < n; j++) v += (F[3 * j + f] - m) ** 2;
    const sd = Math.sqrt(v / n);
    for (let j = 0; j < n; j++) F[3 * j + f] = sd > 0 ? (F[3 * j + f] - m) / sd : 0;
  }
  return { features: F, index };
}

/** Seeded k-means++ / Lloyd on points of dimension 3 (flat). Returns assignments and centroids. */
export function kMeans(points: Float64Array, k: number, seed = 1, maxIterations = 100): { assign: Int32Array; centroids: Float64Array } {
  const n = points.length / 3;
  if (n < k) throw new Error(`kMeans: ${n} points cannot form ${k} clusters`);
  const rnd = mulberry32(seed);
  const C = new Float64Array(3 * k);
  const d2 = new Float64Array(n).fill(Infinity);
  let first = Math.floor(rnd() * n);
  for (let c = 0; c < k; c++) {
    C.set(points.subarray(3 * first, 3 * first + 3), 3 * c);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = (points[3 * i] - C[3 * c]) ** 2 + (points[3 * i + 1] - C[3 * c + 1]) ** 2 + (points[3 * i + 2] - C[3 * c + 2]) ** 2;
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    let r = rnd() * total;
    first = n - 1;
    for (let i = 0; i < n; i++) { r -= d2[i]; if (r <= 0) { first = i; break; } }
  }
  const assign = new Int32Array(n).fill(-1);
  const sum = new Float64Array(3 * k), cnt = new Float64Array(k);
  for (let it = 0; it < maxIterations; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0, bd = Infinity;
      for (let c = 0; c < k; c++) {
        const d = (points[3 * i] - C[3 * c]) ** 2 + (points[3 * i + 1] - C[3 * c + 1]) ** 2 + (points[3 * i + 2] - C[3 * c + 2]) ** 2;
        if (d < bd) { bd = d; best = c; }
      }
      if (assign[i] !== best) { assign[i] = best; changed++; }
    }
    if (!changed) break;
    sum.fill(0); cnt.fill(0);
    for (let i = 0; i < n; i++) { const c = assign[i]; cnt[c]++; for (let f = 0; f < 3; f++) sum[3 * c + f] += points[3 * i + f]; }
    for (let c = 0; c < k; c++) if (cnt[c] > 0) for (let f = 0; f < 3; f++) C[3 * c + f] = sum[3 * c + f] / cnt[c];
  }
  return { assign, centroids: C };
}

/** Mean silhouette of a clustering over a deterministic subsample of at most `sample` points. */
export function meanSilhouette(points: Float64Array, assign: Int32Array, k: number, sample = 2000, seed = 1): number {
  const n = assign.length;
  const rnd = mulberry32(seed ^ 0x9e3779b9);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const m = Math.min(n, sample);
  for (let i = 0; i < m; i++) { const j = i + Math.floor(rnd() * (n - i)); const t = idx[i]; idx[i] = idx[j]; idx[j] = t; }
  const sums = new Float64Array(k), cnts = new Float64Array(k);
  let total = 0;
  for (let a = 0; a < m; a++) {
    const i = idx[a];
    sums.fill(0); cnts.fill(0);
    for (let b = 0; b < m; b++) {
      if (a === b) continue;
      const j = idx[b];
      const d = Math.sqrt((points[3 * i] - points[3 * j]) ** 2 + (points[3 * i + 1] - points[3 * j + 1]) ** 2 + (points[3 * i + 2] - points[3 * j + 2]) ** 2);
      sums[assign[j]] += d; cnts[assign[j]]++;
    }
    const own = assign[i];
    if (cnts[own] === 0) continue; // singleton: silhouette 0
    const ai = sums[own] / cnts[own];
    let bi = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnts[c] > 0) bi = Math.min(bi, sums[c] / cnts[c]);
    if (bi === Infinity) continue;
    total += (bi - ai) / Math.max(ai, bi);
  }
  return total / m;
}

/** Habitat analysis of the ROI (see the module comment). */
export function habitatAnalysis(image: Image3D, mask: Mask3D, options: HabitatOptions = {}): HabitatResult {
  const { features, index } = habitatFeatures(image, mask, options.halfWidth ?? 1);
  const n = index.length;
  const seed = options.seed ?? 1;
  const [kmin, kmax] = options.kRange ?? [2, 5];
  const ks = options.k === undefined || options.k === 'auto' ? Array.from({ length: kmax - kmin + 1 }, (_, i) => kmin + i) : [options.k];
  for (const k of ks) if (!(Number.isInteger(k) && k >= 1)) throw new Error(`habitatAnalysis: k must be a positive integer, got ${k}`);
  if (n < Math.max(...ks)) throw new Error(`habitatAnalysis: the ROI has ${n} voxels, fewer than k = ${Math.max(...ks)}`);
  const silhouettes: Record<number, number> = {};
  let best: { k: number; assign: Int32Array; centroids: Float64Array } | null = null, bestS = -Infinity;
  for (const k of ks) {
    const r = kMeans(features, k, seed, options.maxIterations ?? 100);
    const s = ks.length > 1 ? meanSilhouette(features, r.assign, k, options.silhouetteSample ?? 2000, seed) : NaN;
    silhouettes[k] = s;
    if (ks.length === 1 || s > bestS) { bestS = s; best = { k, ...r }; }
  }
  const { k, assign, centroids } = best!;
  // order habitats by centroid local mean
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => centroids[3 * a + 1] - centroids[3 * b + 1]);
  const rank = new Int32Array(k);
  order.forEach((c, r) => (rank[c] = r + 1));
  const labels = new Int32Array(mask.data.length);
  const counts = new Array(k).fill(0);
  for (let j = 0; j < n; j++) { const h = rank[assign[j]]; labels[index[j]] = h; counts[h - 1]++; }
  return {
    labels, k,
    fractions: counts.map((c) => c / n),
    centroids: order.map((c) => [centroids[3 * c], centroids[3 * c + 1], centroids[3 * c + 2]]),
    silhouettes,
  };
}

/** The binary mask of habitat `h` (1..k). */
export function habitatMask(result: HabitatResult, h: number, like: { dims: Dims3; spacing: Mask3D['spacing']; origin?: Mask3D['origin'] }): Mask3D {
  const out = new Uint8Array(result.labels.length);
  for (let i = 0; i < out.length; i++) if (result.labels[i] === h) out[i] = 1;
  return { data: out, dims: like.dims, spacing: like.spacing, origin: like.origin };
}
