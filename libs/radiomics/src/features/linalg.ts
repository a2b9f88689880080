/** Small dense linear algebra for morphology (3×3 / 4×4); row-major Float64Array. */

/**
 * Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations.
 * Returns eigenvalues sorted descending and the matching unit eigenvectors (vectors[k] is a length-3 array).
 */
export function symmetricEigen3(m: ArrayLike<number>): { values: [number, number, number]; vectors: [number[], number[], number[]] } {
  const a = Float64Array.from(m);
  const v = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  for (let sweep = 0; sweep < 64; sweep++) {
    const off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
    if (off < 1e-30 * (a[0] * a[0] + a[4] * a[4] + a[8] * a[8] + 1e-300)) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[3 * p + q];
      if (apq === 0) continue;
      const app = a[3 * p + p], aqq = a[3 * q + q];
      const theta = (aqq - app) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[3 * k + p], akq = a[3 * k + q];
        a[3 * k + p] = c * akp - s * akq;
        a[3 * k + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[3 * p + k], aqk = a[3 * q + k];
        a[3 * p + k] = c * apk - s * aqk;
        a[3 * q + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[3 * k + p], vkq = v[3 * k + q];
        v[3 * k + p] = c * vkp - s * vkq;
        v[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  const idx = [0, 1, 2].sort((i, j) => a[4 * j] - a[4 * i]);
  const values = idx.map((i) => a[4 * i]) as [number, number, number];
  const vectors = idx.map((i) => [v[i], v[3 + i], v[6 + i]]) as [number[], number[], number[]];
  return { values, vectors };
}

/** Inverse of an n×n matrix by Gauss–Jordan with partial pivoting; null when singular. */
export function invert(n: number, m: ArrayLike<number>): Float64Array | null {
  const a = Float64Array.from(m);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    const piv = a[p * n + c];
    if (Math.abs(piv) < 1e-300) return null;
    if (p !== c) for (let k = 0; k < n; k++) {
      [a[p * n + k], a[c * n + k]] = [a[c * n + k], a[p * n + k]];
      [inv[p * n + k], inv[c * n + k]] = [inv[c * n + k], inv[p * n + k]];
    }
    for (let k = 0; k < n; k++) { a[c * n + k] /= piv; inv[c * n + k] /= piv; }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c];
      if (f === 0) continue;
      for (let k = 0; k < n; k++) { a[r * n + k] -= f * a[c * n + k]; inv[r * n + k] -= f * inv[c * n + k]; }
    }
  }
  return inv;
}
