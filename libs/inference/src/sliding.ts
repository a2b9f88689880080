/**
 * Sliding-window inference pieces (pure, typed arrays): window placement with overlap, the Gaussian
 * importance map used to blend overlapping windows (as nnU-Net: σ = patch/8, peak 1) and flips for
 * test-time augmentation. The cascade (`cascade.ts`) uses them when a plane is larger than the model's
 * input (a manifest with `input.spacingMm`) or when TTA is on.
 */

/**
 * Window start positions along an axis of n pixels for a patch of p (p ≤ n) with fractional `overlap`
 * in [0, 1): nnU-Net's rule: k = ceil((n - p) / (p·(1 - overlap))) + 1 windows, evenly spread so that the
 * first starts at 0 and the last ends at n. One window when n ≤ p.
 */
export function windowStarts(n: number, p: number, overlap = 0.5): number[] {
  if (!(overlap >= 0 && overlap < 1)) throw new Error(`sliding window: overlap must be in [0, 1), got ${overlap}`);
  if (n <= p) return [0];
  const k = Math.ceil((n - p) / (p * (1 - overlap))) + 1;
  const step = (n - p) / (k - 1);
  return Array.from({ length: k }, (_, i) => Math.round(i * step));
}

/**
 * Gaussian importance map of H×W (row-major): w(i, j) = exp(-((i - cy)² + (j - cx)²) / (2σ²)) with the
 * centre at ((H-1)/2, (W-1)/2), σ = size·sigmaScale per axis, normalised to a peak of 1 and floored at
 * `floor` so that border pixels covered by a single window keep that window's value after blending.
 */
export function gaussianWeights(H: number, W: number, sigmaScale = 1 / 8, floor = 1e-3): Float32Array {
  const axis = (n: number) => {
    const s = n * sigmaScale;
    const c = (n - 1) / 2;
    return Float64Array.from({ length: n }, (_, i) => Math.exp(-((i - c) * (i - c)) / (2 * s * s)));
  };
  const wy = axis(H);
  const wx = axis(W);
  const peak = Math.max(...wy) * Math.max(...wx);
  const out = new Float32Array(H * W);
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++) {
      const v = (wy[i] * wx[j]) / peak;
      out[i * W + j] = v < floor ? floor : v;
    }
  return out;
}

/** A flip for test-time augmentation: along x (columns), y (rows) or both. */
export type Flip = 'x' | 'y' | 'xy';

/**
 * Copies a C-channel H×W item from `src` (at `so`) to `dst` (at `do`) flipped: `flip` null copies as is.
 * A flip is its own inverse, so the same function maps a flipped prediction back.
 */
export function flipCopy(
  src: Float32Array,
  so: number,
  dst: Float32Array,
  dO: number,
  C: number,
  H: number,
  W: number,
  flip: Flip | null,
): void {
  const hw = H * W;
  if (!flip) {
    dst.set(src.subarray(so, so + C * hw), dO);
    return;
  }
  const fx = flip === 'x' || flip === 'xy';
  const fy = flip === 'y' || flip === 'xy';
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < H; i++) {
      const si = so + c * hw + (fy ? H - 1 - i : i) * W;
      const di = dO + c * hw + i * W;
      if (fx) for (let j = 0; j < W; j++) dst[di + j] = src[si + W - 1 - j];
      else dst.set(src.subarray(si, si + W), di);
    }
  }
}

/**
 * Accumulates a window's H×W prediction `p` (at `po`) into a PH×PW plane at (oy, ox), weighted by `w`
 * (null = weight 1): acc += w·p, wsum += w.
 */
export function accumulateWindow(
  p: Float32Array,
  po: number,
  H: number,
  W: number,
  w: Float32Array | null,
  acc: Float64Array,
  wsum: Float64Array,
  PW: number,
  oy: number,
  ox: number,
): void {
  for (let i = 0; i < H; i++) {
    const r = (oy + i) * PW + ox;
    const pr = po + i * W;
    for (let j = 0; j < W; j++) {
      const wt = w ? w[i * W + j] : 1;
      acc[r + j] += wt * p[pr + j];
      wsum[r + j] += wt;
    }
  }
}

/** out[i] = acc[i] / wsum[i] (0 where nothing was accumulated). */
export function normaliseBlend(acc: Float64Array, wsum: Float64Array, out: Float32Array, oo = 0): void {
  for (let i = 0; i < acc.length; i++) out[oo + i] = wsum[i] > 0 ? acc[i] / wsum[i] : 0;
}
