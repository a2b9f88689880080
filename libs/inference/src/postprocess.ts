/**
 * Mask post-processing on x-fastest volumes (dims [nx, ny, nz]).
 */

/**
 * 6-connected component labelling of `mask != 0`. Returns labels (0 = background, 1..count in order of
 * first voxel) and the voxel count per label (sizes[0] = 0). Iterative flood fill with one Int32Array
 * stack; no recursion, no per-voxel allocation.
 */
export function connectedComponents(mask: Uint8Array, dims: readonly number[]): { labels: Int32Array; sizes: number[]; count: number } {
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
      if (x > 0 && mask[i - 1] && !labels[i - 1]) (labels[i - 1] = label), (stack[top++] = i - 1);
      if (x < nx - 1 && mask[i + 1] && !labels[i + 1]) (labels[i + 1] = label), (stack[top++] = i + 1);
      if (y > 0 && mask[i - nx] && !labels[i - nx]) (labels[i - nx] = label), (stack[top++] = i - nx);
      if (y < ny - 1 && mask[i + nx] && !labels[i + nx]) (labels[i + nx] = label), (stack[top++] = i + nx);
      if (z > 0 && mask[i - nxy] && !labels[i - nxy]) (labels[i - nxy] = label), (stack[top++] = i - nxy);
      if (z < nz - 1 && mask[i + nxy] && !labels[i + nxy]) (labels[i + nxy] = label), (stack[top++] = i + nxy);
    }
    sizes.push(size);
  }
  return { labels, sizes, count };
}

/** Keeps only the largest 6-connected component of `mask != 0` (ties: the first found). Returns a 0/1 mask. */
export function largestComponent(mask: Uint8Array, dims: readonly number[]): Uint8Array {
  const { labels, sizes, count } = connectedComponents(mask, dims);
  const out = new Uint8Array(mask.length);
  if (count === 0) return out;
  let best = 1;
  for (let l = 2; l <= count; l++) if (sizes[l] > sizes[best]) best = l;
  for (let i = 0; i < out.length; i++) out[i] = labels[i] === best ? 1 : 0;
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
  if (order.length > 65535) throw new Error(`lesionInstances: ${order.length} lesions exceed the 65535 instance labels of a Uint16 map`);
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
