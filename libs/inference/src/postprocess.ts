/**
 * Mask post-processing on x-fastest volumes (dims [nx, ny, nz]).
 */
import { maskBox } from '@hepatoscope/imaging-io';

/**
 * 6-connected component labelling of `mask != 0`. Returns labels (0 = background, 1..count in order of
 * first voxel) and the voxel count per label (sizes[0] = 0). Iterative flood fill with one Int32Array
 * stack; no recursion, no per-voxel allocation.
 */
export function connectedComponents(
  mask: Uint8Array,
  dims: readonly number[],
): { labels: Int32Array; sizes: number[]; count: number } {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  if (mask.length !== n) throw new Error(`connectedComponents: mask has ${mask.length} voxels, dims need ${n}`);
  const labels = new Int32Array(n);
  const stack = new Int32Array(n);
  const sizes = [0];
  const nxy = nx * ny;
  let count = 0;
  for (let seed = 0; seed < n; seed++) {
    if (!mask[seed] || labels[seed]) continue;
    const label = ++count;
    let top = 0;
    let size = 0;
    stack[top++] = seed;
    labels[seed] = label;
    while (top > 0) {
      const i = stack[--top];
      size++;
      const x = i % nx;
      const y = ((i - x) / nx) % ny;
      const z = (i - x - y * nx) / nxy;
      // 6 face neighbours: push each unlabelled foreground neighbour once
      for (let d = 0; d < 6; d++) {
        let j = -1;
        if (d === 0 && x > 0) j = i - 1;
        else if (d === 1 && x < nx - 1) j = i + 1;
        else if (d === 2 && y > 0) j = i - nx;
        else if (d === 3 && y < ny - 1) j = i + nx;
        else if (d === 4 && z > 0) j = i - nxy;
        else if (d === 5 && z < nz - 1) j = i + nxy;
        if (j >= 0 && mask[j] && !labels[j]) {
          labels[j] = label;
          stack[top++] = j;
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes, count };
}

/**
 * Keeps only the largest 6-connected component of `mask != 0` (ties: the first found). Returns a 0/1 mask.
 * Labelling runs on the foreground's bounding box only (the liver fills a small part of a CT volume).
 */
export function largestComponent(mask: Uint8Array, dims: readonly number[]): Uint8Array {
  const [nx, ny, nz] = dims;
  if (mask.length !== nx * ny * nz)
    throw new Error(`largestComponent: mask has ${mask.length} voxels, dims need ${nx * ny * nz}`);
  const out = new Uint8Array(mask.length);
  const box = maskBox(mask, dims);
  if (!box) return out;
  const [x0, x1, y0, y1, z0, z1] = box;
  const bx = x1 - x0 + 1;
  const by = y1 - y0 + 1;
  const bz = z1 - z0 + 1;
  const sub = new Uint8Array(bx * by * bz);
  for (let z = 0, j = 0; z < bz; z++)
    for (let y = 0; y < by; y++) {
      const row = x0 + nx * (y0 + y + ny * (z0 + z));
      for (let x = 0; x < bx; x++, j++) sub[j] = mask[row + x] ? 1 : 0;
    }
  const { labels, sizes, count } = connectedComponents(sub, [bx, by, bz]);
  let best = 1;
  for (let l = 2; l <= count; l++) if (sizes[l] > sizes[best]) best = l;
  for (let z = 0, j = 0; z < bz; z++)
    for (let y = 0; y < by; y++) {
      const row = x0 + nx * (y0 + y + ny * (z0 + z));
      for (let x = 0; x < bx; x++, j++) if (labels[j] === best) out[row + x] = 1;
    }
  return out;
}

/**
 * Lesion instances: connected components of `labels == tumourLabel`, dropping components smaller than
 * `minVoxels`, relabelled 1..K by decreasing size. Returns the instance map and the kept sizes.
 */
export function lesionInstances(
  labels: Uint8Array,
  dims: readonly number[],
  tumourLabel = 2,
  minVoxels = 1,
): { instances: Uint16Array; sizes: number[] } {
  const tumour = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) tumour[i] = labels[i] === tumourLabel ? 1 : 0;
  const cc = connectedComponents(tumour, dims);
  const order = Array.from({ length: cc.count }, (_, i) => i + 1)
    .filter((l) => cc.sizes[l] >= minVoxels)
    .sort((a, b) => cc.sizes[b] - cc.sizes[a] || a - b);
  if (order.length > 65535)
    throw new Error(`lesionInstances: ${order.length} lesions exceed the 65535 instance labels of a Uint16 map`);
  const remap = new Uint16Array(cc.count + 1);
  order.forEach((l, k) => (remap[l] = k + 1));
  const instances = new Uint16Array(labels.length);
  for (let i = 0; i < labels.length; i++) instances[i] = remap[cc.labels[i]];
  return { instances, sizes: order.map((l) => cc.sizes[l]) };
}

/**
 * Sørensen–Dice coefficient 2|A∩B| / (|A| + |B|) of `a == la` and `b == lb`; 1 when both are empty.
 */
export function dice(a: ArrayLike<number>, b: ArrayLike<number>, la = 1, lb = la): number {
  if (a.length !== b.length) throw new Error(`dice: masks have ${a.length} and ${b.length} voxels`);
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const ia = a[i] === la;
    const ib = b[i] === lb;
    if (ia) sa++;
    if (ib) sb++;
    if (ia && ib) inter++;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}

/**
 * Exact Euclidean distance (mm) from every voxel to the nearest voxel with `mask != 0`, for anisotropic
 * spacing: Felzenszwalb & Huttenlocher's separable lower-envelope algorithm ("Distance Transforms of
 * Sampled Functions", 2012), one 1-D pass per axis on squared distances. Infinity where the mask is empty.
 */
export function distanceTransform(mask: Uint8Array, dims: readonly number[], spacing: readonly number[]): Float64Array {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = mask[i] ? 0 : Infinity;
  const maxN = Math.max(nx, ny, nz);
  const f = new Float64Array(maxN);
  const out = new Float64Array(maxN);
  const v = new Int32Array(maxN);
  const zc = new Float64Array(maxN + 1);
  const pass = (len: number, stride: number, start: number, w2: number) => {
    for (let q = 0; q < len; q++) f[q] = d[start + q * stride];
    let k = 0;
    let first = -1;
    for (let q = 0; q < len; q++) {
      if (f[q] === Infinity) continue;
      if (first < 0) {
        first = q;
        v[0] = q;
        zc[0] = -Infinity;
        zc[1] = Infinity;
        k = 0;
        continue;
      }
      let s: number;
      for (;;) {
        const p = v[k];
        s = (f[q] + w2 * q * q - (f[p] + w2 * p * p)) / (2 * w2 * (q - p));
        if (s <= zc[k] && k > 0) k--;
        else break;
      }
      if (s <= zc[k]) {
        // k === 0 and the new parabola dominates the only one kept
        v[0] = q;
        zc[0] = -Infinity;
        zc[1] = Infinity;
        continue;
      }
      k++;
      v[k] = q;
      zc[k] = s;
      zc[k + 1] = Infinity;
    }
    if (first < 0) return; // all infinite: leave as is
    k = 0;
    for (let q = 0; q < len; q++) {
      while (zc[k + 1] < q) k++;
      const p = v[k];
      out[q] = w2 * (q - p) * (q - p) + f[p];
    }
    for (let q = 0; q < len; q++) d[start + q * stride] = out[q];
  };
  const [sx, sy, sz] = spacing;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) pass(nx, 1, (z * ny + y) * nx, sx * sx);
  for (let z = 0; z < nz; z++) for (let x = 0; x < nx; x++) pass(ny, nx, z * nx * ny + x, sy * sy);
  for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) pass(nz, nx * ny, y * nx + x, sz * sz);
  for (let i = 0; i < n; i++) d[i] = Math.sqrt(d[i]);
  return d;
}

/** Surface voxels: foreground voxels with at least one 6-neighbour outside the mask or the volume. */
export function surface(mask: Uint8Array, dims: readonly number[]): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(mask.length);
  const nxy = nx * ny;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (!mask[i]) continue;
        if (
          x === 0 ||
          x === nx - 1 ||
          y === 0 ||
          y === ny - 1 ||
          z === 0 ||
          z === nz - 1 ||
          !mask[i - 1] ||
          !mask[i + 1] ||
          !mask[i - nx] ||
          !mask[i + nx] ||
          !mask[i - nxy] ||
          !mask[i + nxy]
        )
          out[i] = 1;
      }
  return out;
}

/**
 * 95th-percentile symmetric Hausdorff distance (mm) between binary masks a and b: the 95th percentile
 * (linear interpolation, numpy's default) of the distances from each surface voxel of one mask to the
 * other's surface, both directions pooled. NaN when either mask is empty.
 */
export function hd95(a: Uint8Array, b: Uint8Array, dims: readonly number[], spacing: readonly number[]): number {
  const sa = surface(a, dims);
  const sb = surface(b, dims);
  let na = 0;
  let nb = 0;
  for (let i = 0; i < sa.length; i++) {
    na += sa[i];
    nb += sb[i];
  }
  if (na === 0 || nb === 0) return NaN;
  const da = distanceTransform(sb, dims, spacing);
  const db = distanceTransform(sa, dims, spacing);
  const all = new Float64Array(na + nb);
  let k = 0;
  for (let i = 0; i < sa.length; i++) {
    if (sa[i]) all[k++] = da[i];
    if (sb[i]) all[k++] = db[i];
  }
  all.sort();
  const pos = 0.95 * (all.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, all.length - 1);
  return all[lo] + (all[hi] - all[lo]) * (pos - lo);
}
