/**
 * Binary morphology, connected components and hole filling on x-fastest 3-D masks (pure, no Node APIs).
 * Structuring elements are boxes given by per-axis radii in voxels (separable, so erosion and dilation
 * cost O(n) per axis whatever the radius).
 */

/** `Math` captured in module scope: global lookups are slow inside Jest's vm context. */
const M = Math;

export type Dims = readonly [number, number, number];

/** Separable box dilation (radius r[a] voxels along axis a). Returns a new mask. */
export function dilate(mask: Uint8Array, dims: Dims, r: readonly [number, number, number]): Uint8Array {
  let cur: Uint8Array = mask.slice();
  for (let a = 0; a < 3; a++) if (r[a] > 0) cur = pass(cur, dims, a, r[a], true);
  return cur;
}

/** Separable box erosion (voxels outside the volume count as background). Returns a new mask. */
export function erode(mask: Uint8Array, dims: Dims, r: readonly [number, number, number]): Uint8Array {
  let cur: Uint8Array = mask.slice();
  for (let a = 0; a < 3; a++) if (r[a] > 0) cur = pass(cur, dims, a, r[a], false);
  return cur;
}

/** Closing = erosion of the dilation. */
export function close(mask: Uint8Array, dims: Dims, r: readonly [number, number, number]): Uint8Array {
  return erode(dilate(mask, dims, r), dims, r);
}

/** Opening = dilation of the erosion. */
export function open(mask: Uint8Array, dims: Dims, r: readonly [number, number, number]): Uint8Array {
  return dilate(erode(mask, dims, r), dims, r);
}

/** One 1-D running-count pass along `axis`: dilation (any set in the window) or erosion (all set). */
function pass(src: Uint8Array, dims: Dims, axis: number, r: number, dilation: boolean): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(src.length);
  const len = dims[axis];
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const lines = src.length / len;
  const win = 2 * r + 1;
  for (let l = 0; l < lines; l++) {
    // base index of line l
    let base: number;
    if (axis === 0) base = l * nx;
    else if (axis === 1) base = (l % nx) + M.floor(l / nx) * nx * ny;
    else base = l;
    let count = 0;
    // window over [t - r, t + r]; outside = 0
    for (let t = 0; t < M.min(r, len); t++) count += src[base + t * stride];
    for (let t = 0; t < len; t++) {
      const add = t + r;
      if (add < len) count += src[base + add * stride];
      const rem = t - r - 1;
      if (rem >= 0) count -= src[base + rem * stride];
      out[base + t * stride] = dilation ? (count > 0 ? 1 : 0) : count === win ? 1 : 0;
    }
  }
  void nz;
  return out;
}

/**
 * Inclusive index bounding box `[x0, x1, y0, y1, z0, z1]` of the voxels with `mask != 0` (x fastest), or null when
 * the mask is empty.
 */
export function maskBox(mask: ArrayLike<number>, dims: readonly number[]): [number, number, number, number, number, number] | null {
  const [nx, ny, nz] = dims;
  let x0 = nx, x1 = -1, y0 = ny, y1 = -1, z0 = nz, z1 = -1;
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++)
        if (mask[i]) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
          if (z < z0) z0 = z;
          if (z > z1) z1 = z;
        }
  return x1 < 0 ? null : [x0, x1, y0, y1, z0, z1];
}

/**
 * Connected components (6-connectivity) of a binary mask. Returns the label image (0 = background,
 * 1..count) and the size of each component (sizes[0] unused).
 */
export function components(mask: Uint8Array, dims: Dims): { labels: Int32Array; sizes: number[]; count: number } {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const labels = new Int32Array(mask.length);
  const stack = new Int32Array(mask.length);
  const sizes = [0];
  let count = 0;
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || labels[s]) continue;
    count++;
    let top = 0;
    stack[top++] = s;
    labels[s] = count;
    let size = 0;
    while (top > 0) {
      const i = stack[--top];
      size++;
      const x = i % nx;
      const y = M.floor(i / nx) % ny;
      const z = M.floor(i / plane);
      if (x > 0 && mask[i - 1] && !labels[i - 1]) { labels[i - 1] = count; stack[top++] = i - 1; }
      if (x < nx - 1 && mask[i + 1] && !labels[i + 1]) { labels[i + 1] = count; stack[top++] = i + 1; }
      if (y > 0 && mask[i - nx] && !labels[i - nx]) { labels[i - nx] = count; stack[top++] = i - nx; }
      if (y < ny - 1 && mask[i + nx] && !labels[i + nx]) { labels[i + nx] = count; stack[top++] = i + nx; }
      if (z > 0 && mask[i - plane] && !labels[i - plane]) { labels[i - plane] = count; stack[top++] = i - plane; }
      if (z < nz - 1 && mask[i + plane] && !labels[i + plane]) { labels[i + plane] = count; stack[top++] = i + plane; }
    }
    sizes.push(size);
  }
  return { labels, sizes, count };
}

/** Keeps the largest 6-connected component (or the one chosen by `score`, highest wins). */
export function largestComponent(mask: Uint8Array, dims: Dims, score?: (label: number, size: number, labels: Int32Array) => number): Uint8Array {
  const { labels, sizes, count } = components(mask, dims);
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 1; c <= count; c++) {
    const s = score ? score(c, sizes[c], labels) : sizes[c];
    if (s > bestScore) {
      bestScore = s;
      best = c;
    }
  }
  const out = new Uint8Array(mask.length);
  if (best) for (let i = 0; i < mask.length; i++) if (labels[i] === best) out[i] = 1;
  return out;
}

/** Removes 6-connected components smaller than `minVoxels`. */
export function removeSmall(mask: Uint8Array, dims: Dims, minVoxels: number): Uint8Array {
  const { labels, sizes } = components(mask, dims);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) if (labels[i] && sizes[labels[i]] >= minVoxels) out[i] = 1;
  return out;
}

/** Fills holes slice by slice (axial, 4-connectivity): background not reachable from the slice border. */
export function fillHoles2D(mask: Uint8Array, dims: Dims): Uint8Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const out = mask.slice();
  const outside = new Uint8Array(plane);
  const stack = new Int32Array(plane);
  for (let k = 0; k < nz; k++) {
    const base = k * plane;
    outside.fill(0);
    let top = 0;
    const seed = (p: number) => {
      if (!mask[base + p] && !outside[p]) {
        outside[p] = 1;
        stack[top++] = p;
      }
    };
    for (let x = 0; x < nx; x++) {
      seed(x);
      seed((ny - 1) * nx + x);
    }
    for (let y = 0; y < ny; y++) {
      seed(y * nx);
      seed(y * nx + nx - 1);
    }
    while (top > 0) {
      const p = stack[--top];
      const x = p % nx;
      const y = (p - x) / nx;
      if (x > 0) seed(p - 1);
      if (x < nx - 1) seed(p + 1);
      if (y > 0) seed(p - nx);
      if (y < ny - 1) seed(p + nx);
    }
    for (let p = 0; p < plane; p++) if (!outside[p]) out[base + p] = 1;
  }
  return out;
}

/** Radii in voxels of a box of half-width `mm` on a grid with the given spacing (at least `min`). */
export function radiusVoxels(mm: number, spacing: readonly number[], min = 0): [number, number, number] {
  return [0, 1, 2].map((a) => M.max(min, M.round(mm / spacing[a]))) as [number, number, number];
}

/** Dice similarity coefficient 2|A∩B| / (|A| + |B|) of label `la` in a and `lb` in b (1 when both empty). */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>, la = 1, lb = la): number {
  let inter = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === la, y = b[i] === lb;
    if (x) na++;
    if (y) nb++;
    if (x && y) inter++;
  }
  return na + nb === 0 ? 1 : (2 * inter) / (na + nb);
}
