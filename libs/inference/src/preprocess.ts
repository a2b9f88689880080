/**
 * 2.5D preprocessing and its inverse. This is the contract the models were trained with
 * (`tools/models/train_seg.py` implements the same functions in numpy; keep both equal):
 *
 * - channels: slices z + o for o in `sliceOffsets` (e.g. [-1, 0, 1]), z clamped to [0, nz-1];
 * - HU window [low, high]: w(v) = (clamp(v, low, high) - low) / (high - low) ∈ [0, 1], applied to source
 *   voxels BEFORE interpolation;
 * - in-plane resampling of a region [x0, x1) × [y0, y1) (voxel units, half-open) to H × W by bilinear
 *   interpolation at pixel centres: src = x0 + (i + 0.5)·(x1 - x0)/W - 0.5, clamped to [0, nx-1]
 *   (for the full slice this equals torch `interpolate(bilinear, align_corners=False)`);
 * - back to the voxel grid: u = (x + 0.5 - x0)·W/(x1 - x0) - 0.5, bilinear in the model's output,
 *   voxels whose centre lies outside the region get probability 0.
 */

/** An in-plane region in voxel units, half-open: [x0, x1) × [y0, y1). */
export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface AxisWeights {
  i0: Int32Array;
  i1: Int32Array;
  f: Float32Array;
}

/** Bilinear source indices and weights for n output pixels covering [a0, a1) of an axis of nSrc voxels. */
export function axisWeights(nSrc: number, a0: number, a1: number, n: number): AxisWeights {
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const f = new Float32Array(n);
  const step = (a1 - a0) / n;
  for (let i = 0; i < n; i++) {
    let pos = a0 + (i + 0.5) * step - 0.5;
    if (pos < 0) pos = 0;
    if (pos > nSrc - 1) pos = nSrc - 1;
    const k = Math.floor(pos);
    i0[i] = k;
    i1[i] = Math.min(k + 1, nSrc - 1);
    f[i] = pos - k;
  }
  return { i0, i1, f };
}

export interface StackSpec {
  sliceOffsets: readonly number[];
  size: readonly [number, number] | readonly number[];
  window: { low: number; high: number };
}

/**
 * Writes the 2.5D input of every slice in `zs` into `out` (NCHW, starting at item 0).
 * `data` is the volume (x fastest), dims [nx, ny, nz]. No allocation per voxel.
 */
export function fillStack(
  data: ArrayLike<number>,
  dims: readonly number[],
  zs: readonly number[],
  region: Region,
  spec: StackSpec,
  out: Float32Array,
): void {
  const [nx, ny, nz] = dims;
  const [H, W] = spec.size;
  const C = spec.sliceOffsets.length;
  const need = zs.length * C * H * W;
  if (out.length < need) throw new Error(`fillStack: output buffer holds ${out.length} values, ${need} needed`);
  const ax = axisWeights(nx, region.x0, region.x1, W);
  const ay = axisWeights(ny, region.y0, region.y1, H);
  let o = 0;
  for (const z of zs) {
    for (let c = 0; c < C; c++) {
      let zz = z + spec.sliceOffsets[c];
      if (zz < 0) zz = 0;
      if (zz > nz - 1) zz = nz - 1;
      resamplePlane(data, nx, ny, zz, ax, ay, spec.window, out, o);
      o += H * W;
    }
  }
}

/**
 * One windowed, resampled plane: slice z of an nx×ny×nz volume, HU window applied to the source voxels,
 * bilinear at the given axis weights (`axisWeights`), written H×W (H = ay length, W = ax length) into
 * `out` at `offset`.
 */
export function resamplePlane(
  data: ArrayLike<number>,
  nx: number,
  ny: number,
  z: number,
  ax: AxisWeights,
  ay: AxisWeights,
  window: { low: number; high: number },
  out: Float32Array,
  offset: number,
): void {
  const H = ay.f.length;
  const W = ax.f.length;
  const lo = window.low;
  const inv = 1 / (window.high - window.low);
  const base = z * nx * ny;
  const ai0 = ax.i0;
  const ai1 = ax.i1;
  const af = ax.f;
  let o = offset;
  for (let i = 0; i < H; i++) {
    const r0 = base + ay.i0[i] * nx;
    const r1 = base + ay.i1[i] * nx;
    const fy = ay.f[i];
    for (let j = 0; j < W; j++) {
      const a = ai0[j];
      const b = ai1[j];
      const fx = af[j];
      let v = (data[r0 + a] - lo) * inv;
      const w00 = v <= 0 ? 0 : v >= 1 ? 1 : v;
      v = (data[r0 + b] - lo) * inv;
      const w01 = v <= 0 ? 0 : v >= 1 ? 1 : v;
      v = (data[r1 + a] - lo) * inv;
      const w10 = v <= 0 ? 0 : v >= 1 ? 1 : v;
      v = (data[r1 + b] - lo) * inv;
      const w11 = v <= 0 ? 0 : v >= 1 ? 1 : v;
      const top = w00 * (1 - fx) + w01 * fx;
      const bot = w10 * (1 - fx) + w11 * fx;
      out[o++] = top * (1 - fy) + bot * fy;
    }
  }
}

/**
 * Foreground probability maps from logits [n, K, H, W]: softmax class `cls` (or sigmoid of channel `cls`
 * when activation is sigmoid). For K = 2 softmax, p1 = 1 / (1 + exp(l0 - l1)). Returns n×H×W.
 */
export function foregroundProbability(
  logits: Float32Array,
  n: number,
  k: number,
  hw: number,
  activation: 'softmax' | 'sigmoid',
  cls = 1,
  out = new Float32Array(n * hw),
): Float32Array {
  if (activation === 'softmax' && k === 2) {
    // two classes: softmax_c = 1 / (1 + exp(l_other - l_c)), one exp per pixel
    const other = 1 - cls;
    for (let b = 0; b < n; b++) {
      const base = b * 2 * hw;
      for (let p = 0; p < hw; p++) {
        out[b * hw + p] = 1 / (1 + Math.exp(logits[base + other * hw + p] - logits[base + cls * hw + p]));
      }
    }
    return out;
  }
  for (let b = 0; b < n; b++) {
    const base = b * k * hw;
    for (let p = 0; p < hw; p++) {
      if (activation === 'sigmoid') {
        out[b * hw + p] = 1 / (1 + Math.exp(-logits[base + cls * hw + p]));
        continue;
      }
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, logits[base + c * hw + p]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(logits[base + c * hw + p] - max);
      out[b * hw + p] = Math.exp(logits[base + cls * hw + p] - max) / sum;
    }
  }
  return out;
}

/**
 * `foregroundProbability` for one item of two-class softmax logits [n, 2, H, W], computing the exponential
 * only where the result can matter for thresholding at t: pixels within one row/column of a pixel whose
 * logit difference exceeds logit(t) (with a margin). Elsewhere the probability is written as 0 (its true
 * value is ≤ t and no voxel mapped back from a bilinear cell without a hot corner can exceed t). Returns the
 * number of hot rows (0: nothing above t on this plane).
 */
export function twoClassProbabilityNearHot(
  logits: Float32Array,
  item: number,
  H: number,
  W: number,
  cls: number,
  t: number,
  out: Float32Array,
  oo: number,
  rowLo: Int32Array,
  rowHi: Int32Array,
): number {
  const hw = H * W;
  const base = item * 2 * hw;
  const lc = base + cls * hw;
  const lo = base + (1 - cls) * hw;
  const dt = Math.log(t / (1 - t)) - 1e-3;
  let hotRows = 0;
  for (let v = 0; v < H; v++) {
    let a = -1;
    let b = -1;
    const r = v * W;
    for (let u = 0; u < W; u++) {
      if (logits[lc + r + u] - logits[lo + r + u] > dt) {
        if (a < 0) a = u;
        b = u;
      }
    }
    rowLo[v] = a;
    rowHi[v] = b;
    if (a >= 0) hotRows++;
  }
  out.fill(0, oo, oo + hw);
  if (hotRows === 0) return 0;
  for (let v = 0; v < H; v++) {
    let a = W;
    let b = -1;
    for (let k = v > 0 ? v - 1 : 0; k <= v + 1 && k < H; k++) {
      if (rowLo[k] < 0) continue;
      if (rowLo[k] < a) a = rowLo[k];
      if (rowHi[k] > b) b = rowHi[k];
    }
    if (b < 0) continue;
    if (a > 0) a--;
    if (b < W - 1) b++;
    const r = v * W;
    for (let u = a; u <= b; u++) out[oo + r + u] = 1 / (1 + Math.exp(logits[lo + r + u] - logits[lc + r + u]));
  }
  return hotRows;
}

/**
 * Resamples one H×W probability map (at `offset` in `prob`) back onto an nx×ny slice and marks voxels with
 * p > threshold in `mask` (slice z of an nx·ny·nz mask) with `value`. Voxels outside the region are left
 * unchanged. Returns the number of voxels marked.
 */
export function markSlice(
  prob: Float32Array,
  offset: number,
  H: number,
  W: number,
  region: Region,
  nx: number,
  ny: number,
  z: number,
  threshold: number,
  mask: Uint8Array,
  value: number,
): number {
  const sx = W / (region.x1 - region.x0);
  const sy = H / (region.y1 - region.y0);
  const xa = Math.max(0, Math.ceil(region.x0 - 0.5));
  const xb = Math.min(nx, Math.ceil(region.x1 - 0.5));
  const ya = Math.max(0, Math.ceil(region.y0 - 0.5));
  const yb = Math.min(ny, Math.ceil(region.y1 - 0.5));
  const ux0 = new Int32Array(Math.max(0, xb - xa));
  const ux1 = new Int32Array(ux0.length);
  const fu = new Float32Array(ux0.length);
  for (let x = xa; x < xb; x++) {
    let u = (x + 0.5 - region.x0) * sx - 0.5;
    if (u < 0) u = 0;
    if (u > W - 1) u = W - 1;
    const k = Math.floor(u);
    ux0[x - xa] = k;
    ux1[x - xa] = Math.min(k + 1, W - 1);
    fu[x - xa] = u - k;
  }
  let marked = 0;
  const base = z * nx * ny;
  // A bilinear mix of values ≤ threshold is ≤ threshold: rows between two model rows with no value above
  // the threshold cannot be marked and are skipped (most of a slice is background).
  const hotRow = new Uint8Array(H);
  for (let v = 0; v < H; v++) {
    const r = offset + v * W;
    for (let u = 0; u < W; u++) {
      if (prob[r + u] > threshold) {
        hotRow[v] = 1;
        break;
      }
    }
  }
  for (let y = ya; y < yb; y++) {
    let v = (y + 0.5 - region.y0) * sy - 0.5;
    if (v < 0) v = 0;
    if (v > H - 1) v = H - 1;
    const v0 = Math.floor(v);
    const v1 = Math.min(v0 + 1, H - 1);
    if (!hotRow[v0] && !hotRow[v1]) continue;
    const fv = v - v0;
    const r0 = offset + v0 * W;
    const r1 = offset + v1 * W;
    for (let x = xa; x < xb; x++) {
      const i = x - xa;
      const a = ux0[i];
      const b = ux1[i];
      const f = fu[i];
      const p =
        (prob[r0 + a] * (1 - f) + prob[r0 + b] * f) * (1 - fv) + (prob[r1 + a] * (1 - f) + prob[r1 + b] * f) * fv;
      if (p > threshold) {
        mask[base + y * nx + x] = value;
        marked++;
      }
    }
  }
  return marked;
}

/**
 * The square in-plane region around a mask's bounding box (over all slices), enlarged by 10 % + 4 voxels
 * per side, as used by the tumour stage. Returns null for an empty mask.
 */
export function maskRegion(mask: Uint8Array, dims: readonly number[]): Region | null {
  const [nx, ny, nz] = dims;
  let xmin = Infinity;
  let xmax = -1;
  let ymin = Infinity;
  let ymax = -1;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = (z * ny + y) * nx;
      for (let x = 0; x < nx; x++) {
        if (mask[row + x]) {
          if (x < xmin) xmin = x;
          if (x > xmax) xmax = x;
          if (y < ymin) ymin = y;
          if (y > ymax) ymax = y;
        }
      }
    }
  }
  if (xmax < 0) return null;
  return regionAroundBox(xmin, xmax, ymin, ymax);
}

/**
 * The tumour stage's region for an inclusive voxel bounding box [xmin, xmax] × [ymin, ymax]: enlarged by
 * 10 % + 4 voxels per side, then made square around its centre.
 */
export function regionAroundBox(xmin: number, xmax: number, ymin: number, ymax: number): Region {
  let x0 = xmin;
  let x1 = xmax + 1;
  let y0 = ymin;
  let y1 = ymax + 1;
  const mx = 0.1 * (x1 - x0) + 4;
  const my = 0.1 * (y1 - y0) + 4;
  x0 -= mx;
  x1 += mx;
  y0 -= my;
  y1 += my;
  const side = Math.max(x1 - x0, y1 - y0);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { x0: cx - side / 2, y0: cy - side / 2, x1: cx + side / 2, y1: cy + side / 2 };
}
