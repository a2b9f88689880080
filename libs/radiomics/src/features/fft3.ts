/**
 * Minimal radix-2 complex FFT (in place, iterative, twiddle and bit-reversal tables cached per length) and a
 * 3D transform over power-of-two grids, used for exact spatial-autocorrelation sums (Moran's I, Geary's C)
 * by convolution.
 */

interface Plan { rev: Uint32Array; tw: Float64Array }
const plans = new Map<number, Plan>();

/** Bit-reversal table and stage-packed twiddles: for stage `len`, w_k = e^{−2πik/len} at tw[2(len/2 − 1 + k)]. */
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
  const tw = new Float64Array(2 * Math.max(1, n - 1));
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    for (let k = 0; k < half; k++) {
      tw[2 * (half - 1 + k)] = Math.cos((2 * Math.PI * k) / len);
      tw[2 * (half - 1 + k) + 1] = -Math.sin((2 * Math.PI * k) / len);
    }
  }
  p = { rev, tw };
  plans.set(n, p);
  return p;
}

/** In-place FFT of the contiguous values re/im[off … off + n − 1] (n a power of two); inverse scales by 1/n. */
export function fftContiguous(re: Float64Array, im: Float64Array, n: number, off: number, inverse = false): void {
  if (n < 2) return;
  const { rev, tw } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (i < j) {
      const a = off + i, b = off + j;
      let t = re[a]; re[a] = re[b]; re[b] = t;
      t = im[a]; im[a] = im[b]; im[b] = t;
    }
  }
  // stage len = 2: no twiddles
  for (let i = off; i < off + n; i += 2) {
    const xr = re[i + 1], xi = im[i + 1];
    re[i + 1] = re[i] - xr; im[i + 1] = im[i] - xi;
    re[i] += xr; im[i] += xi;
  }
  const sgn = inverse ? -1 : 1;
  for (let len = 4; len <= n; len <<= 1) {
    const half = len >> 1;
    const tbase = 2 * (half - 1);
    for (let i = off; i < off + n; i += len) {
      for (let k = 0; k < half; k++) {
        const wr = tw[tbase + 2 * k], wi = sgn * tw[tbase + 2 * k + 1];
        const a = i + k, b = a + half;
        const br = re[b], bi = im[b];
        const xr = br * wr - bi * wi, xi = br * wi + bi * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
  if (inverse) { const s = 1 / n; for (let i = off; i < off + n; i++) { re[i] *= s; im[i] *= s; } }
}

/** In-place FFT of the n values re/im[off + q·stride] (n a power of two), through a contiguous buffer. */
export function fftStrided(re: Float64Array, im: Float64Array, n: number, off: number, stride: number, inverse = false): void {
  if (stride === 1) { fftContiguous(re, im, n, off, inverse); return; }
  const br = new Float64Array(n), bi = new Float64Array(n);
  for (let q = 0; q < n; q++) { br[q] = re[off + q * stride]; bi[q] = im[off + q * stride]; }
  fftContiguous(br, bi, n, 0, inverse);
  for (let q = 0; q < n; q++) { re[off + q * stride] = br[q]; im[off + q * stride] = bi[q]; }
}

/** In-place FFT of a whole array (power-of-two length). */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  fftStrided(re, im, re.length, 0, 1, inverse);
}

/** In-place 3D FFT on a (px, py, pz) grid (x fastest), every size a power of two. */
export function fft3(re: Float64Array, im: Float64Array, dims: readonly [number, number, number], inverse = false): void {
  const [px, py, pz] = dims;
  for (let z = 0; z < pz; z++) for (let y = 0; y < py; y++) fftContiguous(re, im, px, px * (y + py * z), inverse);
  // y and z lines are gathered into contiguous buffers (cache-friendly) and scattered back
  const lines = (n: number, stride: number, bases: (emit: (b: number) => void) => void) => {
    if (n < 2) return;
    const br = new Float64Array(n), bi = new Float64Array(n);
    bases((b) => {
      for (let q = 0; q < n; q++) { br[q] = re[b + q * stride]; bi[q] = im[b + q * stride]; }
      fftContiguous(br, bi, n, 0, inverse);
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
