/**
 * Small dense linear algebra on row-major Float64Arrays (p × p matrices with p up to a few hundred).
 */

/** Thrown when a matrix that must be positive definite is (numerically) singular. `index` is the offending pivot. */
export class SingularMatrixError extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
    this.name = 'SingularMatrixError';
  }
}

/**
 * In-place Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite p × p matrix (row-major; only the lower
 * triangle is read). Returns L (lower triangle, upper part zeroed). A pivot below `tol`·A_jj (scale-free) raises
 * SingularMatrixError with the pivot index (this is how collinear predictors are detected).
 */
export function cholesky(a: Float64Array, p: number, tol = 1e-12): Float64Array {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let s = a[j * p + j];
    for (let k = 0; k < j; k++) s -= l[j * p + k] * l[j * p + k];
    // scale-free test: the part of column j not explained by earlier columns, relative to its own diagonal
    if (!(s > tol * Math.abs(a[j * p + j]))) throw new SingularMatrixError(`cholesky: matrix is singular or not positive definite at pivot ${j}`, j);
    const d = Math.sqrt(s);
    l[j * p + j] = d;
    for (let i = j + 1; i < p; i++) {
      let t = a[i * p + j];
      for (let k = 0; k < j; k++) t -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = t / d;
    }
  }
  return l;
}

/** Solve L·Lᵀ x = b given the Cholesky factor L. */
export function cholSolve(l: Float64Array, p: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * y[k];
    y[i] = s / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}

/** Inverse of a symmetric positive-definite matrix from its Cholesky factor. */
export function cholInverse(l: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    e.fill(0);
    e[j] = 1;
    const col = cholSolve(l, p, e);
    for (let i = 0; i < p; i++) inv[i * p + j] = col[i];
  }
  return inv;
}

/** Inverse of a symmetric positive-definite matrix. */
export function spdInverse(a: Float64Array, p: number): Float64Array {
  return cholInverse(cholesky(a, p), p);
}

/** Quadratic form vᵀ·M·v. */
export function quadForm(m: Float64Array, p: number, v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p; i++) {
    let t = 0;
    for (let j = 0; j < p; j++) t += m[i * p + j] * v[j];
    s += v[i] * t;
  }
  return s;
}

/**
 * Generalised-inverse quadratic form vᵀ·M⁻·v for a symmetric positive semi-definite M (as R's survdiff uses for the
 * log-rank variance, whose rank is k − 1). Returns the value and the numerical rank (pivots ≤ tol·max(diag) are
 * dropped, like survival's `cholesky2` with toler 1e-9).
 */
export function ginvQuadForm(m: Float64Array, p: number, v: ArrayLike<number>, tol = 1e-9): { value: number; rank: number } {
  // LDLᵀ with dropped pivots (mimics survival::cholesky2 + chsolve2)
  const a = Float64Array.from(m);
  let eps = 0;
  for (let i = 0; i < p; i++) eps = Math.max(eps, Math.abs(a[i * p + i]));
  eps *= tol;
  let rank = 0;
  for (let i = 0; i < p; i++) {
    const pivot = a[i * p + i];
    if (!(pivot > eps)) {
      for (let j = i; j < p; j++) a[j * p + i] = 0;
      a[i * p + i] = 0;
      continue;
    }
    rank++;
    for (let j = i + 1; j < p; j++) {
      const temp = a[j * p + i] / pivot;
      a[j * p + i] = temp;
      a[j * p + j] -= temp * temp * pivot;
      for (let k = j + 1; k < p; k++) a[k * p + j] -= temp * a[k * p + i];
    }
  }
  // solve L D Lᵀ x = v, zero where pivot dropped
  const y = Float64Array.from(v as ArrayLike<number>);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) y[i] -= y[j] * a[i * p + j];
  }
  for (let i = p - 1; i >= 0; i--) {
    if (a[i * p + i] === 0) y[i] = 0;
    else {
      y[i] /= a[i * p + i];
      for (let j = i + 1; j < p; j++) y[i] -= y[j] * a[j * p + i];
    }
  }
  let value = 0;
  for (let i = 0; i < p; i++) value += v[i] * y[i];
  return { value, rank };
}
