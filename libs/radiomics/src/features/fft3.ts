/**
 * Minimal radix-2 complex FFT (in place, iterative) and a 3D transform over power-of-two grids, used for
 * exact spatial-autocorrelation sums (Moran's I, Geary's C) by convolution.
 */

/** In-place FFT of (re, im) of power-of-two length n; inverse scales by 1/n. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) { let t = re[i]; re[i] = re[j]; re[j] = t; t = im[i]; im[i] = im[j]; im[j] = t; }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < half; k++) {
        const a = i + k, b = a + half;
        const xr = re[b] * cr - im[b] * ci, xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
  if (inverse) for (let i = 0; i < n; i++) { re[i] /= n; im[i] /= n; }
}

/** In-place 3D FFT on a (px, py, pz) grid (x fastest), every size a power of two. */
export function fft3(re: Float64Array, im: Float64Array, dims: readonly [number, number, number], inverse = false): void {
  const [px, py, pz] = dims;
  const strides = [1, px, px * py];
  for (let axis = 0; axis < 3; axis++) {
    const n = dims[axis];
    if (n === 1) continue;
    const s = strides[axis];
    const lr = new Float64Array(n), li = new Float64Array(n);
    const count = (px * py * pz) / n;
    for (let l = 0; l < count; l++) {
      let base: number;
      if (axis === 0) base = l * px;
      else if (axis === 1) base = (l % px) + px * py * Math.floor(l / px);
      else base = l;
      for (let q = 0; q < n; q++) { lr[q] = re[base + q * s]; li[q] = im[base + q * s]; }
      fft(lr, li, inverse);
      for (let q = 0; q < n; q++) { re[base + q * s] = lr[q]; im[base + q * s] = li[q]; }
    }
  }
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}
