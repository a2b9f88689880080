/**
 * Reorientation to the axis order the models were trained in: index axis 0 along patient Left (+x LPS),
 * axis 1 along Posterior (+y), axis 2 along the superior–inferior axis (either sign; the 2.5D stack is
 * symmetric). The liver model uses position (liver on the patient's right = low x), so an image stored
 * with flipped or permuted axes (e.g. a NIfTI converted from RAS storage, or a coronal acquisition) must be
 * brought into this order first, and the mask mapped back. Only axis permutations and flips are applied
 * (no resampling): each index axis is assigned to the world axis its direction cosine is closest to.
 */
export interface AxisMapping {
  /** perm[r] = the source index axis that becomes output axis r. */
  perm: [number, number, number];
  /** flip[r] = output axis r runs opposite to the source axis. */
  flip: [boolean, boolean, boolean];
  srcDims: [number, number, number];
  dims: [number, number, number];
  identity: boolean;
}

/**
 * The permutation/flip that brings a volume with row-major 3×3 `direction` (column c = world direction of
 * index axis c, LPS) into canonical order. Throws when two index axes point along the same world axis.
 */
export function canonicalMapping(dims: readonly number[], direction?: readonly number[]): AxisMapping {
  const srcDims: [number, number, number] = [dims[0], dims[1], dims[2]];
  const perm: [number, number, number] = [0, 1, 2];
  const flip: [boolean, boolean, boolean] = [false, false, false];
  if (direction && direction.length === 9) {
    const used = new Set<number>();
    for (let c = 0; c < 3; c++) {
      let best = 0;
      for (let r = 1; r < 3; r++) if (Math.abs(direction[3 * r + c]) > Math.abs(direction[3 * best + c])) best = r;
      if (used.has(best))
        throw new Error(
          `orientation: index axes share world axis ${'xyz'[best]}; direction ${JSON.stringify(direction)} is degenerate`,
        );
      used.add(best);
      perm[best] = c;
      // z is left as stored (either sign is fine for a symmetric 2.5D stack); x and y must be positive.
      flip[best] = best < 2 && direction[3 * best + c] < 0;
    }
  }
  const out: [number, number, number] = [srcDims[perm[0]], srcDims[perm[1]], srcDims[perm[2]]];
  const identity = perm[0] === 0 && perm[1] === 1 && perm[2] === 2 && !flip[0] && !flip[1] && !flip[2];
  return { perm, flip, srcDims, dims: out, identity };
}

/** Source strides and start offset so that out voxel (a0, a1, a2) reads src[start + a0·s0 + a1·s1 + a2·s2]. */
function strides(m: AxisMapping): { start: number; s: [number, number, number] } {
  const [nx, ny] = m.srcDims;
  const srcStride = [1, nx, nx * ny];
  let start = 0;
  const s: [number, number, number] = [0, 0, 0];
  for (let r = 0; r < 3; r++) {
    const c = m.perm[r];
    s[r] = m.flip[r] ? -srcStride[c] : srcStride[c];
    if (m.flip[r]) start += (m.srcDims[c] - 1) * srcStride[c];
  }
  return { start, s };
}

/** Copies `src` into canonical order (a new array of the same type). */
export function toCanonical<T extends { length: number; [i: number]: number }>(
  src: T,
  m: AxisMapping,
  make: (n: number) => T,
): T {
  if (m.identity) return src;
  const out = make(src.length);
  const { start, s } = strides(m);
  const [n0, n1, n2] = m.dims;
  let o = 0;
  for (let a2 = 0; a2 < n2; a2++) {
    for (let a1 = 0; a1 < n1; a1++) {
      let i = start + a1 * s[1] + a2 * s[2];
      for (let a0 = 0; a0 < n0; a0++, i += s[0]) out[o++] = src[i];
    }
  }
  return out;
}

/** Maps a canonical-order array back to the source order (inverse of toCanonical). */
export function fromCanonical<T extends { length: number; [i: number]: number }>(
  canon: T,
  m: AxisMapping,
  make: (n: number) => T,
): T {
  if (m.identity) return canon;
  const out = make(canon.length);
  const { start, s } = strides(m);
  const [n0, n1, n2] = m.dims;
  let o = 0;
  for (let a2 = 0; a2 < n2; a2++) {
    for (let a1 = 0; a1 < n1; a1++) {
      let i = start + a1 * s[1] + a2 * s[2];
      for (let a0 = 0; a0 < n0; a0++, i += s[0]) out[i] = canon[o++];
    }
  }
  return out;
}
