/**
 * Minimal radix-2 complex FFT (in place, iterative, twiddle and bit-reversal tables cached per length) and a
 * 3D transform over power-of-two grids, used for exact spatial-autocorrelation sums (Moran's I, Geary's C)
 * by convolution.
 */

interface Plan { rev: Uint32Array; cos: Float64Array; sin: Float64Array }
const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const cos = new Float64Array(n / 2), sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) { cos[k] = Math.cos((2 * Math.PI * k) / n); sin[k] = -Math.sin((2 * Math.PI * k) / n); }
  p = { rev, cos, sin };
  plans.set(n, p);
  return p;
}

/**
 * In-place FFT of the n values re/im[off + q·stride] (n a power of two); inverse (conjugate twiddles) scales
 * by 1/n.
 */
export function fftStrided(re: Float64Array, im: Float64Array, n: number, off: number, stride: number, inverse = false): void {
  if (n < 2) return;
  const { rev, cos, sin } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (i < j) {
      const a = off + i * stride, b = off + j * stride;
      let t = re[a]; re[a] = re[b]; re[b] = t;
      t = im[a]; im[a] = im[b]; im[b] = t;
    }
  }
  const sgn = inverse ? -1 : 1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const step = n / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step], wi = sgn * sin[k * step];
        const a = off + (i + k) * stride, b = a + half * stride;
        const xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
  if (inverse) for (let i = 0; i < n; i++) { re[off + i * stride] /= n; im[off + i * stride] /= n; }
}

/** In-place FFT of a whole array (power-of-two length). */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  fftStrided(re, im, re.length, 0, 1, inverse);
}

/** In-place 3D FFT on a (px, py, pz) grid (x fastest), every size a power of two. */
export function fft3(re: Float64Array, im: Float64Array, dims: readonly [number, number, number], inverse = false): void {
  const [px, py, pz] = dims;
  for (let z = 0; z < pz; z++) for (let y = 0; y < py; y++) fftStrided(re, im, px, px * (y + py * z), 1, inverse);
  // y and z lines are gathered into contiguous buffers (cache-friendly) and scattered back
  const lines = (n: number, stride: number, bases: (emit: (b: number) => void) => void) => {
    if (n < 2) return;
    const br = new Float64Array(n), bi = new Float64Array(n);
    bases((b) => {
      for (let q = 0; q < n; q++) { br[q] = re[b + q * stride]; bi[q] = im[b + q * stride]; }
      fftStrided(br, bi, n, 0, 1, inverse);
      for (let q = 0; q < n; q++) { re[b + q * stride] = br[q]; im[b + q * stride] = bi[q]; }
    });
  };
  lines(py, px, (emit) => { for (let z = 0; z < pz; z++) for (let x = 0; x < px; x++) emit(x + px * py * z); });
  lines(pz, px * py, (emit) => { for (let y = 0; y < py; y++) for (let x = 0; x < px; x++) emit(x + px * y); });
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}
