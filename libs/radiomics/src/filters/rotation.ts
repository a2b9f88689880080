/**
 * Right-angle rotations of separable kernels for IBSI 2 rotation invariance: the 4 in-plane
 * rotations (2D) or the 24 rotations of the cube (3D). A separable kernel k_x(x) k_y(y) k_z(z)
 * rotated by a signed permutation matrix R becomes, along output axis π(a), the kernel k_a —
 * reversed where R maps the axis onto its negative. Identical kernel sets are removed (so mean
 * pooling averages distinct orientations only, as MIRP does).
 */
import { oddKernel } from './convolve';

export type KernelTriple = [Float64Array | null, Float64Array | null, Float64Array | null];

/** Signed permutations with determinant +1 of 2 (in-plane) or 3 axes: [perm, signs] pairs. */
export function rightAngleRotations(dimensions: 2 | 3): { perm: number[]; sign: number[] }[] {
  const perms: number[][] = dimensions === 2 ? [[0, 1], [1, 0]] : [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  const out: { perm: number[]; sign: number[] }[] = [];
  for (const perm of perms) {
    // parity of the permutation
    let inversions = 0;
    for (let i = 0; i < perm.length; i++) for (let j = i + 1; j < perm.length; j++) if (perm[i] > perm[j]) inversions++;
    const parity = inversions % 2 === 0 ? 1 : -1;
    for (let s = 0; s < 1 << dimensions; s++) {
      const sign = perm.map((_, i) => ((s >> i) & 1 ? -1 : 1));
      if (parity * sign.reduce((a: number, b: number) => a * b, 1) === 1) out.push({ perm, sign });
    }
  }
  return out;
}

function reversed(k: Float64Array): Float64Array {
  return Float64Array.from(k).reverse();
}

function same(a: KernelTriple, b: KernelTriple): boolean {
  for (let i = 0; i < 3; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) {
      if (x !== y) return false;
      continue;
    }
    if (x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  }
  return true;
}

/**
 * All distinct rotated versions of a separable kernel set (kernels are made odd-length first).
 * @param kernels kernels along x, y, z (z null for 2D filters)
 */
export function rotatedKernelSets(kernels: KernelTriple): KernelTriple[] {
  return rotatedKernelPairs(kernels, kernels).map((p) => p.kernels);
}

/**
 * Rotates a kernel set together with a companion set (e.g. the wavelet pre-filter) by the same
 * rotations; pairs identical in both sets are kept once (MIRP drops duplicate filter/pre-filter rows).
 */
export function rotatedKernelPairs(
  kernels: KernelTriple,
  companion: KernelTriple,
): { kernels: KernelTriple; companion: KernelTriple }[] {
  const odd = (t: KernelTriple): KernelTriple => [t[0] && oddKernel(t[0]), t[1] && oddKernel(t[1]), t[2] && oddKernel(t[2])];
  const k0 = odd(kernels);
  const c0 = odd(companion);
  const dims = k0[2] ? 3 : 2;
  const out: { kernels: KernelTriple; companion: KernelTriple }[] = [];
  for (const { perm, sign } of rightAngleRotations(dims)) {
    const k: KernelTriple = [null, null, null];
    const c: KernelTriple = [null, null, null];
    for (let a = 0; a < dims; a++) {
      k[perm[a]] = sign[a] < 0 ? reversed(k0[a]!) : k0[a]!;
      c[perm[a]] = sign[a] < 0 ? reversed(c0[a]!) : c0[a]!;
    }
    if (!out.some((o) => same(o.kernels, k) && same(o.companion, c))) out.push({ kernels: k, companion: c });
  }
  return out;
}
