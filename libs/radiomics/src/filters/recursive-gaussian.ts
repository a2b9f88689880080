/**
 * ITK's recursive Gaussian filters (Deriche's 4th-order IIR approximation; itk::RecursiveGaussianImageFilter
 * and itk::LaplacianRecursiveGaussianImageFilter, ITK 5.2), which SimpleITK — and so PyRadiomics' `LoG`
 * image type — uses. Re-implemented from the published algorithm and ITK's coefficient formulas
 * (Deriche R, "Recursively implementing the Gaussian and its derivatives", INRIA RR-1893, 1993;
 * Farnebäck & Westin's normalisation as in ITK): causal and anti-causal 4th-order recursions per line,
 * with the border value assumed to extend to infinity (ITK's boundary initialisation). Lines must hold
 * at least 4 voxels (ITK's requirement).
 */
import type { Dims3, Image3D } from '../types';
import type { ResponseMap } from './types';
import { responseOf, toFloat } from './convolve';

/** Coefficients of one recursive Gaussian pass. */
export interface RecursiveGaussianCoefficients {
  n: [number, number, number, number];
  m: [number, number, number, number];
  d: [number, number, number, number];
  bn: [number, number, number, number];
  bm: [number, number, number, number];
}

/**
 * ITK `RecursiveGaussianImageFilter::SetUp`: coefficients for σ (mm) on a line of the given spacing,
 * derivative order 0 or 2 (symmetric kernels). `normalizeAcrossScale` multiplies the second-order
 * filter by σ² (order 0 is never rescaled, as in ITK).
 */
export function recursiveGaussianCoefficients(
  sigma: number,
  spacing: number,
  order: 0 | 2,
  normalizeAcrossScale: boolean,
): RecursiveGaussianCoefficients {
  const sd = sigma / Math.abs(spacing);
  const W1 = 0.6681, L1 = -1.3932, W2 = 2.0787, L2 = -1.3732;
  const A1 = [1.353, -0.6724, -1.3563], B1 = [1.8151, -3.4327, 5.2318];
  const A2 = [-0.3531, 0.6724, 0.3446], B2 = [0.0902, 0.61, -2.2355];
  const cos1 = Math.cos(W1 / sd), cos2 = Math.cos(W2 / sd);
  const sin1 = Math.sin(W1 / sd), sin2 = Math.sin(W2 / sd);
  const e1 = Math.exp(L1 / sd), e2 = Math.exp(L2 / sd);
  const D4 = e1 * e1 * e2 * e2;
  let D3 = -2 * cos1 * e1 * e2 * e2;
  D3 += -2 * cos2 * e2 * e1 * e1;
  let D2 = 4 * cos2 * cos1 * e1 * e2;
  D2 += e1 * e1 + e2 * e2;
  const D1 = -2 * (e2 * cos2 + e1 * cos1);
  const SD = 1.0 + D1 + D2 + D3 + D4;
  const DD = D1 + 2 * D2 + 3 * D3 + 4 * D4;
  const ED = D1 + 4 * D2 + 9 * D3 + 16 * D4;
  const ncoef = (a1: number, b1: number, a2: number, b2: number) => {
    const N0 = a1 + a2;
    let N1 = e2 * (b2 * sin2 - (a2 + 2 * a1) * cos2);
    N1 += e1 * (b1 * sin1 - (a1 + 2 * a2) * cos1);
    let N2 = (a1 + a2) * cos2 * cos1;
    N2 -= b1 * cos2 * sin1 + b2 * cos1 * sin2;
    N2 *= 2 * e1 * e2;
    N2 += a2 * e1 * e1 + a1 * e2 * e2;
    let N3 = e2 * e1 * e1 * (b2 * sin2 - a2 * cos2);
    N3 += e1 * e2 * e2 * (b1 * sin1 - a1 * cos1);
    return { N: [N0, N1, N2, N3], SN: N0 + N1 + N2 + N3, DN: N1 + 2 * N2 + 3 * N3, EN: N1 + 4 * N2 + 9 * N3 };
  };
  let N: number[];
  if (order === 0) {
    const c = ncoef(A1[0], B1[0], A2[0], B2[0]);
    const alpha0 = (2 * c.SN) / SD - c.N[0];
    N = c.N.map((v) => (v * 1.0) / alpha0);
  } else {
    const scale = normalizeAcrossScale ? sigma * sigma : 1.0;
    const c0 = ncoef(A1[0], B1[0], A2[0], B2[0]);
    const c2 = ncoef(A1[2], B1[2], A2[2], B2[2]);
    const beta = -(2 * c2.SN - SD * c2.N[0]) / (2 * c0.SN - SD * c0.N[0]);
    N = c2.N.map((v, i) => v + beta * c0.N[i]);
    const SN = c2.SN + beta * c0.SN;
    const DN = c2.DN + beta * c0.DN;
    const EN = c2.EN + beta * c0.EN;
    let alpha2 = EN * SD * SD - ED * SN * SD - 2 * DN * DD * SD + 2 * DD * DD * SN;
    alpha2 /= SD * SD * SD;
    N = N.map((v) => (v * scale) / alpha2);
  }
  // symmetric remaining coefficients
  const M1 = N[1] - D1 * N[0];
  const M2 = N[2] - D2 * N[0];
  const M3 = N[3] - D3 * N[0];
  const M4 = -D4 * N[0];
  const SN = N[0] + N[1] + N[2] + N[3];
  const SM = M1 + M2 + M3 + M4;
  return {
    n: [N[0], N[1], N[2], N[3]],
    m: [M1, M2, M3, M4],
    d: [D1, D2, D3, D4],
    bn: [(D1 * SN) / SD, (D2 * SN) / SD, (D3 * SN) / SD, (D4 * SN) / SD],
    bm: [(D1 * SM) / SD, (D2 * SM) / SD, (D3 * SM) / SD, (D4 * SM) / SD],
  };
}

/** ITK `RecursiveSeparableImageFilter::FilterDataArray` on one line (ln ≥ 4). */
function filterLine(outs: Float64Array, data: Float64Array, s2: Float64Array, ln: number, c: RecursiveGaussianCoefficients): void {
  const [N0, N1, N2, N3] = c.n;
  const [M1, M2, M3, M4] = c.m;
  const [D1, D2, D3, D4] = c.d;
  const [BN1, BN2, BN3, BN4] = c.bn;
  const [BM1, BM2, BM3, BM4] = c.bm;
  const s1 = outs;
  const v1 = data[0];
  s1[0] = v1 * N0 + v1 * N1 + v1 * N2 + v1 * N3;
  s1[1] = data[1] * N0 + v1 * N1 + v1 * N2 + v1 * N3;
  s1[2] = data[2] * N0 + data[1] * N1 + v1 * N2 + v1 * N3;
  s1[3] = data[3] * N0 + data[2] * N1 + data[1] * N2 + v1 * N3;
  s1[0] -= v1 * BN1 + v1 * BN2 + v1 * BN3 + v1 * BN4;
  s1[1] -= s1[0] * D1 + v1 * BN2 + v1 * BN3 + v1 * BN4;
  s1[2] -= s1[1] * D1 + s1[0] * D2 + v1 * BN3 + v1 * BN4;
  s1[3] -= s1[2] * D1 + s1[1] * D2 + s1[0] * D3 + v1 * BN4;
  for (let i = 4; i < ln; i++) {
    s1[i] = data[i] * N0 + data[i - 1] * N1 + data[i - 2] * N2 + data[i - 3] * N3;
    s1[i] -= s1[i - 1] * D1 + s1[i - 2] * D2 + s1[i - 3] * D3 + s1[i - 4] * D4;
  }
  const v2 = data[ln - 1];
  s2[ln - 1] = v2 * M1 + v2 * M2 + v2 * M3 + v2 * M4;
  s2[ln - 2] = data[ln - 1] * M1 + v2 * M2 + v2 * M3 + v2 * M4;
  s2[ln - 3] = data[ln - 2] * M1 + data[ln - 1] * M2 + v2 * M3 + v2 * M4;
  s2[ln - 4] = data[ln - 3] * M1 + data[ln - 2] * M2 + data[ln - 1] * M3 + v2 * M4;
  s2[ln - 1] -= v2 * BM1 + v2 * BM2 + v2 * BM3 + v2 * BM4;
  s2[ln - 2] -= s2[ln - 1] * D1 + v2 * BM2 + v2 * BM3 + v2 * BM4;
  s2[ln - 3] -= s2[ln - 2] * D1 + s2[ln - 1] * D2 + v2 * BM3 + v2 * BM4;
  s2[ln - 4] -= s2[ln - 3] * D1 + s2[ln - 2] * D2 + s2[ln - 1] * D3 + v2 * BM4;
  for (let i = ln - 4; i > 0; i--) {
    s2[i - 1] = data[i] * M1 + data[i + 1] * M2 + data[i + 2] * M3 + data[i + 3] * M4;
    s2[i - 1] -= s2[i] * D1 + s2[i + 1] * D2 + s2[i + 2] * D3 + s2[i + 3] * D4;
  }
  for (let i = 0; i < ln; i++) outs[i] += s2[i];
}

/** Applies one recursive Gaussian pass along `axis` (in place). */
export function recursiveGaussianAxis(a: Float64Array, dims: Dims3, axis: 0 | 1 | 2, c: RecursiveGaussianCoefficients): void {
  const [nx, ny] = dims;
  const n = dims[axis];
  if (n < 4) throw new Error(`recursiveGaussianAxis: axis ${axis} has ${n} voxels; the recursive Gaussian needs at least 4`);
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const data = new Float64Array(n);
  const outs = new Float64Array(n);
  const s2 = new Float64Array(n);
  const lines = a.length / n;
  for (let l = 0; l < lines; l++) {
    const base = axis === 0 ? l * nx : axis === 1 ? (l % nx) + nx * ny * Math.floor(l / nx) : l;
    if (stride === 1) {
      // contiguous lines: native copies (cheap before the JIT compiles the element loops)
      data.set(a.subarray(base, base + n));
      filterLine(outs, data, s2, n, c);
      a.set(outs, base);
      continue;
    }
    for (let i = 0; i < n; i++) data[i] = a[base + i * stride];
    filterLine(outs, data, s2, n, c);
    for (let i = 0; i < n; i++) a[base + i * stride] = outs[i];
  }
}

/**
 * PyRadiomics `LoG` image type: SimpleITK `LaplacianRecursiveGaussianImageFilter` with
 * `NormalizeAcrossScale(true)` and σ in mm — for each axis a, the second-derivative recursive Gaussian
 * along a and smoothing along the others, divided by spacing_a², summed. PyRadiomics only applies it
 * when every axis has ≥ 4 voxels and ≥ ⌈σ / spacing⌉ + 1 voxels; this function enforces the first
 * (ITK's requirement) and throws otherwise. ITK keeps the intermediate images in float32
 * (`InternalRealType = float`); `float32Intermediates` (default true) rounds them the same way, which
 * is what makes the result equal ITK's to ~1e-9 instead of ~1e-6 of the range.
 */
export function recursiveLogFilter(
  img: Image3D,
  sigmaMm: number,
  options: { normalizeAcrossScale?: boolean; float32Intermediates?: boolean } = {},
): ResponseMap {
  const { normalizeAcrossScale = true, float32Intermediates = true } = options;
  if (!(sigmaMm > 0)) throw new Error(`recursiveLogFilter: sigma must be > 0, got ${sigmaMm}`);
  const src = toFloat(img, 'recursiveLogFilter');
  const out = new Float64Array(src.length);
  // float32 rounding (= Math.fround of every value) by a native round trip through a Float32Array
  const f32 = float32Intermediates ? new Float32Array(src.length) : null;
  const round = (a: Float64Array) => {
    if (f32) {
      f32.set(a);
      a.set(f32);
    }
  };
  for (let dim = 0 as 0 | 1 | 2; dim < 3; dim = (dim + 1) as 0 | 1 | 2) {
    const t = src.slice(); // (not Float64Array.from: its generic iterator path is slow before the JIT)
    recursiveGaussianAxis(t, img.dims, dim, recursiveGaussianCoefficients(sigmaMm, img.spacing[dim], 2, normalizeAcrossScale));
    round(t);
    for (let a = 0 as 0 | 1 | 2; a < 3; a = (a + 1) as 0 | 1 | 2)
      if (a !== dim) {
        recursiveGaussianAxis(t, img.dims, a, recursiveGaussianCoefficients(sigmaMm, img.spacing[a], 0, normalizeAcrossScale));
        round(t);
      }
    const s2 = img.spacing[dim] * img.spacing[dim];
    for (let k = 0; k < out.length; k++) out[k] = out[k] + t[k] * (1.0 / s2);
    round(out);
  }
  return responseOf(img, out);
}

/**
 * Whether PyRadiomics computes a `LoG` image for σ (imageoperations.getLoGImage): every axis needs at
 * least 4 voxels and ⌈σ / spacing⌉ + 1 voxels; otherwise PyRadiomics logs a warning and skips that σ.
 */
export function pyradiomicsLogApplicable(dims: Dims3, spacing: readonly number[], sigmaMm: number): boolean {
  if (!(sigmaMm > 0)) return false;
  for (let a = 0; a < 3; a++) if (dims[a] < 4 || dims[a] < Math.ceil(sigmaMm / spacing[a]) + 1) return false;
  return true;
}
