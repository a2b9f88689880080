/**
 * In-place iterative radix-2 complex FFT (Cooley–Tukey) and its 2D row–column form, used for the
 * large Gabor kernels. Sizes must be powers of two. Twiddle factors are computed once per size.
 */

const twiddleCache = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = twiddleCache.get(n);
  if (!t) {
    const cos = new Float64Array(n / 2);
    const sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    t = { cos, sin };
    twiddleCache.set(n, t);
  }
  return t;
}

/** Smallest power of two ≥ n. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * FFT of the n complex values re[off + k·stride], im[off + k·stride] (k = 0..n−1), in place.
 * Forward: X_k = Σ x_j e^{−2πi jk/n}; inverse (`inverse`): Σ X_k e^{+2πi jk/n} / n.
 */
export function fft1d(re: Float64Array, im: Float64Array, n: number, off = 0, stride = 1, inverse = false): void {
  if (n & (n - 1)) throw new Error(`fft1d: size ${n} is not a power of two`);
  // bit reversal
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const a = off + i * stride;
      const b = off + j * stride;
      let t = re[a];
      re[a] = re[b];
      re[b] = t;
      t = im[a];
      im[a] = im[b];
      im[b] = t;
    }
  }
  const { cos, sin } = twiddles(n);
  const sgn = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let i = 0; i < n; i += len)
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sgn * sin[k * step];
        const a = off + (i + k) * stride;
        const b = a + half * stride;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
  }
  if (inverse)
    for (let k = 0; k < n; k++) {
      re[off + k * stride] /= n;
      im[off + k * stride] /= n;
    }
}

/** 2D FFT of an nv × nu array (u fastest), in place. */
export function fft2d(re: Float64Array, im: Float64Array, nu: number, nv: number, inverse = false): void {
  for (let v = 0; v < nv; v++) fft1d(re, im, nu, v * nu, 1, inverse);
  for (let u = 0; u < nu; u++) fft1d(re, im, nv, u, nu, inverse);
}
