/** Properties of the filter building blocks (boundaries, rotations, FFT, decimation, invariants, errors). */
import fc from 'fast-check';
import type { Image3D } from '../types';
import {
  boundaryIndex,
  convolveAxis,
  gaborFilter,
  lawsFilter,
  lbp3DImage,
  logFilter,
  meanFilter,
  rightAngleRotations,
  rotatedKernelSets,
  waveletDecimated,
  waveletFilter,
  waveletFilters,
  WAVELET_DEC_LO,
  exponentialImage,
  pyradiomicsLogApplicable,
} from './index';
import { fft1d } from './fft';

const vol = (nx: number, ny: number, nz: number, f: (x: number, y: number, z: number) => number): Image3D => {
  const data = new Float64Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = f(x, y, z);
  return { data, dims: [nx, ny, nz], spacing: [1, 1, 1] };
};

describe('boundary conditions', () => {
  it('map indices as SciPy constant / nearest / wrap / reflect', () => {
    const n = 4;
    const at = (b: Parameters<typeof boundaryIndex>[2]) => [-5, -4, -3, -2, -1, 0, 3, 4, 5, 6, 7, 8].map((i) => boundaryIndex(i, n, b));
    expect(at('zero')).toEqual([-1, -1, -1, -1, -1, 0, 3, -1, -1, -1, -1, -1]);
    expect(at('nearest')).toEqual([0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3]);
    expect(at('periodic')).toEqual([3, 0, 1, 2, 3, 0, 3, 0, 1, 2, 3, 0]);
    // reflect: d c b a | a b c d | d c b a
    expect(at('mirror')).toEqual([3, 3, 2, 1, 0, 0, 3, 3, 2, 1, 0, 0]);
  });

  it('a convolution with a unit impulse kernel is the identity for every boundary', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 24, maxLength: 24 }), (vals) => {
        const src = Float64Array.from(vals);
        for (const b of ['zero', 'nearest', 'periodic', 'mirror'] as const)
          for (const axis of [0, 1, 2] as const) expect(Array.from(convolveAxis(src, [2, 3, 4], axis, [0, 1, 0], b))).toEqual(vals.map((v) => (v === 0 ? 0 : v)));
      }),
    );
  });
});

describe('rotations', () => {
  it('there are 4 in-plane and 24 cube rotations, all with determinant +1 and distinct', () => {
    expect(rightAngleRotations(2)).toHaveLength(4);
    const r3 = rightAngleRotations(3);
    expect(r3).toHaveLength(24);
    expect(new Set(r3.map((r) => `${r.perm}|${r.sign}`)).size).toBe(24);
  });

  it('a symmetric kernel set has fewer distinct rotations (dedupe)', () => {
    const l = Float64Array.of(1, 2, 1);
    expect(rotatedKernelSets([l, l, l])).toHaveLength(1);
    const e = Float64Array.of(-1, 0, 1);
    expect(rotatedKernelSets([e, l, l])).toHaveLength(6); // ± each axis
  });

  it('rotation-invariant Laws responses are invariant to a 90° rotation of the image (in-plane)', () => {
    const img = vol(7, 7, 5, (x, y, z) => Math.sin(x * 1.3 + y * 0.4) * 10 + ((x * 7 + y * 3 + z) % 5));
    const rot: Image3D = vol(7, 7, 5, (x, y, z) => img.data[y + 7 * (6 - x + 7 * z)]);
    const a = lawsFilter(img, { kernels: 'E5L5S5', boundary: 'periodic', rotationInvariant: true }).data;
    const b = lawsFilter(rot, { kernels: 'E5L5S5', boundary: 'periodic', rotationInvariant: true }).data;
    for (let z = 0; z < 5; z++)
      for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) expect(b[x + 7 * (y + 7 * z)]).toBeCloseTo(a[y + 7 * (6 - x + 7 * z)], 9);
  });
});

describe('FFT', () => {
  it('equals a direct DFT and inverts', () => {
    const n = 16;
    const re = Float64Array.from({ length: n }, (_, k) => Math.cos(k * 0.7) + k / 10);
    const im = Float64Array.from({ length: n }, (_, k) => Math.sin(k * 0.3));
    const r0 = Float64Array.from(re);
    const i0 = Float64Array.from(im);
    fft1d(re, im, n);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0; j < n; j++) {
        const a = (-2 * Math.PI * j * k) / n;
        sr += r0[j] * Math.cos(a) - i0[j] * Math.sin(a);
        si += r0[j] * Math.sin(a) + i0[j] * Math.cos(a);
      }
      expect(re[k]).toBeCloseTo(sr, 10);
      expect(im[k]).toBeCloseTo(si, 10);
    }
    fft1d(re, im, n, 0, 1, true);
    re.forEach((v, k) => expect(v).toBeCloseTo(r0[k], 12));
  });
});

describe('wavelets', () => {
  it.each(Object.keys(WAVELET_DEC_LO))('%s is orthonormal: Σl = √2, Σl² = 1, double-shift orthogonal, Σh = 0', (name) => {
    const { lo, hi } = waveletFilters(name);
    const L = lo.length;
    expect(lo.reduce((a, b) => a + b, 0)).toBeCloseTo(Math.SQRT2, 9);
    expect(hi.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    for (let s = 0; s < L; s += 2) {
      let d = 0;
      for (let k = 0; k + s < L; k++) d += lo[k] * lo[k + s];
      expect(d).toBeCloseTo(s === 0 ? 1 : 0, 9);
    }
  });

  it('decimated Haar LL of level 1 sums voxel pairs / 2 and halves the grid', () => {
    const img = vol(4, 4, 1, (x, y) => x + 10 * y);
    const r = waveletDecimated(img, { wavelet: 'haar', subband: 'LL', level: 1, boundary: 'periodic' });
    expect(r.dims).toEqual([2, 2, 1]);
    expect(r.spacing).toEqual([2, 2, 1]);
    // (x, x+1) × (y, y+1) block sums × (1/√2)²
    expect(Array.from(r.data).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([11, 15, 51, 55]);
  });

  it('the undecimated low-pass-only response of a constant image is the constant × √2^d', () => {
    const img = vol(6, 5, 4, () => 3);
    const r = waveletFilter(img, { wavelet: 'coif1', subband: 'LLL', level: 2, boundary: 'nearest' });
    for (const v of r.data) expect(v).toBeCloseTo(3 * 2 ** 1.5 * 2 ** 1.5, 9);
    const h = waveletFilter(img, { wavelet: 'db3', subband: 'LHL', boundary: 'mirror' });
    for (const v of h.data) expect(v).toBeCloseTo(0, 9);
  });
});

describe('filter invariants and errors', () => {
  it('mean keeps constants; LoG and Gabor map a constant to a constant (non-zero boundaries)', () => {
    const img = vol(9, 8, 7, () => 5);
    for (const v of meanFilter(img, { support: 5, boundary: 'nearest' }).data) expect(v).toBeCloseTo(5, 12);
    // the sampled LoG kernel does not sum to exactly 0 for small σ (as in SciPy), so the response is a small constant
    const l = logFilter(img, { sigmaMm: 1, boundary: 'mirror' }).data;
    for (const v of l) expect(v).toBeCloseTo(l[0], 9);
    expect(Math.abs(l[0])).toBeLessThan(0.01);
    const g = gaborFilter(img, { sigmaMm: 1, lambdaMm: 2, gamma: 1, theta: 0, boundary: 'periodic' }).data;
    const ref = g[0];
    for (const v of g) expect(v).toBeCloseTo(ref, 6); // constant input → constant modulus
  });

  it('LBP3D kurtosis of a flat neighbourhood is NaN (PyRadiomics behaviour)', () => {
    const img = vol(5, 5, 5, () => 4);
    const mask = new Uint8Array(125).fill(1);
    const r = lbp3DImage(img, mask);
    expect(r.kurtosis.data[62]).toBeNaN();
    expect(r.levels[0].data[62]).toBeGreaterThan(0);
  });

  it('reject invalid input with messages naming the problem', () => {
    const img = vol(4, 4, 4, () => 1);
    expect(() => meanFilter(img, { support: 4 })).toThrow(/odd integer/);
    expect(() => meanFilter({ ...img, data: new Float64Array(3) }, { support: 3 })).toThrow(/3 voxels but dims 4×4×4/);
    expect(() => meanFilter({ ...img, data: Float64Array.of(...new Array(63).fill(0), Number.NaN) }, { support: 3 })).toThrow(/NaN/);
    expect(() => lawsFilter(img, { kernels: 'E5X5' })).toThrow(/Laws kernel/);
    expect(() => waveletFilter(img, { wavelet: 'db99', subband: 'LLH' })).toThrow(/unknown wavelet "db99"/);
    expect(() => waveletFilter(img, { wavelet: 'db2', subband: 'LXH' })).toThrow(/sub-band/);
    expect(() => exponentialImage(vol(2, 2, 2, () => 0))).toThrow(/every voxel is 0/);
  });
});

describe('PyRadiomics LoG applicability', () => {
  it('needs ≥ 4 voxels and ≥ ⌈σ/spacing⌉ + 1 voxels per axis', () => {
    expect(pyradiomicsLogApplicable([10, 10, 10], [1, 1, 1], 3)).toBe(true);
    expect(pyradiomicsLogApplicable([10, 10, 3], [1, 1, 1], 1)).toBe(false);
    expect(pyradiomicsLogApplicable([10, 10, 5], [1, 1, 1], 5)).toBe(false);
    expect(pyradiomicsLogApplicable([10, 10, 5], [1, 1, 2.5], 5)).toBe(true);
  });
});
