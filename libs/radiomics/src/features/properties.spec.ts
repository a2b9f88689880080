/** Property tests: invariances the IBSI definitions imply (voxel order, rigid flips, axis permutations). */
import fc from 'fast-check';
import type { Dims3, Image3D, Mask3D, Vec3 } from '../types';
import { intensityHistogramFeatures } from './intensity-histogram';
import { intensityStatistics } from './intensity-statistics';
import { globalIntensityPeak, globalIntensityPeakDirect, localIntensityFeatures } from './local-intensity';
import { morphMoranGeary, morphologyFeatures } from './morphology';

const dims: Dims3 = [6, 5, 4];
const N = 6 * 5 * 4;

const arbCase = fc.record({
  values: fc.array(fc.integer({ min: -50, max: 200 }), { minLength: N, maxLength: N }),
  bits: fc.array(fc.boolean(), { minLength: N, maxLength: N }),
  spacing: fc.constantFrom<Vec3>([1, 1, 1], [0.8, 1.1, 2.5]),
});

function flip(data: ArrayLike<number>, axis: number, Ctor: typeof Float64Array | typeof Uint8Array) {
  const [nx, ny, nz] = dims;
  const out = new Ctor(N);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const s = [x, y, z];
    s[axis] = dims[axis] - 1 - s[axis];
    out[s[0] + nx * (s[1] + ny * s[2])] = data[x + nx * (y + ny * z)];
  }
  return out;
}

function close(a: Record<string, number>, b: Record<string, number>) {
  for (const k of Object.keys(a)) {
    if (Number.isNaN(a[k])) expect(b[k]).toBeNaN();
    else if (Math.abs(a[k] - b[k]) > 1e-7 * Math.max(1, Math.abs(a[k]))) throw new Error(`${k}: ${a[k]} vs ${b[k]}`);
  }
}

describe('invariances', () => {
  it('statistics and histogram features do not depend on voxel order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.integer(), (x, seed) => {
        const perm = [...x];
        let s = seed >>> 0;
        for (let i = perm.length - 1; i > 0; i--) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; const j = s % (i + 1); [perm[i], perm[j]] = [perm[j], perm[i]]; }
        close(intensityStatistics(x), intensityStatistics(perm));
        const lv = x.map((v) => 1 + (Math.floor(Math.abs(v)) % 7));
        const lp = perm.map((v) => 1 + (Math.floor(Math.abs(v)) % 7));
        close(intensityHistogramFeatures(lv, 7), intensityHistogramFeatures(lp, 7));
      }),
      { numRuns: 60 },
    );
  });

  it('morphology and local intensity are unchanged by flipping image and mask along any axis', () => {
    fc.assert(
      fc.property(arbCase, fc.constantFrom(0, 1, 2), ({ values, bits, spacing }, axis) => {
        const m = Uint8Array.from(bits, (b) => (b ? 1 : 0));
        if (m.reduce((a, b) => a + b, 0) < 2) return;
        const image: Image3D = { data: Float64Array.from(values), dims, spacing };
        const mask: Mask3D = { data: m, dims, spacing };
        const fi: Image3D = { data: flip(values, axis, Float64Array), dims, spacing };
        const fm: Mask3D = { data: flip(m, axis, Uint8Array) as Uint8Array, dims, spacing };
        const a = morphologyFeatures(image, mask);
        const b = morphologyFeatures(fi, fm);
        // OMBB is a search over hull-face normals whose order changes under a flip; all others must agree
        delete a.morph_vol_dens_ombb; delete a.morph_area_dens_ombb;
        // the MVEE is iterative (converged to 1e-6): compare it at 1e-4
        for (const k of ['morph_vol_dens_mvee', 'morph_area_dens_mvee']) {
          expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(1e-4 * Math.abs(a[k]));
          delete a[k];
        }
        close(a, b);
        close(localIntensityFeatures(image, mask), localIntensityFeatures(fi, fm));
      }),
      { numRuns: 30 },
    );
  });

  it('all morphology is unchanged by permuting axes together with spacing (anisotropic)', () => {
    fc.assert(
      fc.property(arbCase, ({ values, bits }) => {
        const m = Uint8Array.from(bits, (b) => (b ? 1 : 0));
        if (m.reduce((a, b) => a + b, 0) < 2) return;
        const sp: Vec3 = [0.8, 1.1, 2.5];
        // transpose x and z
        const [nx, ny, nz] = dims;
        const td: Dims3 = [nz, ny, nx];
        const tv = new Float64Array(N), tm = new Uint8Array(N);
        for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
          const i = x + nx * (y + ny * z), j = z + nz * (y + ny * x);
          tv[j] = values[i]; tm[j] = m[i];
        }
        const a = morphologyFeatures({ data: Float64Array.from(values), dims, spacing: sp }, { data: m, dims, spacing: sp });
        const b = morphologyFeatures({ data: tv, dims: td, spacing: [2.5, 1.1, 0.8] }, { data: tm, dims: td, spacing: [2.5, 1.1, 0.8] });
        for (const k of ['morph_volume', 'morph_area_mesh', 'morph_pca_maj_axis', 'morph_pca_least_axis', 'morph_diam', 'morph_vol_dens_conv_hull', 'morph_moran_i', 'morph_geary_c', 'morph_com']) {
          if (Number.isNaN(a[k])) expect(b[k]).toBeNaN();
          else expect(b[k]).toBeCloseTo(a[k], 7);
        }
      }),
      { numRuns: 20 },
    );
  });
});

describe("Moran's I / Geary's C", () => {
  it('FFT convolution equals the direct pair sum (anisotropic spacing, irregular masks)', () => {
    fc.assert(
      fc.property(arbCase, ({ values, bits, spacing }) => {
        const m = Uint8Array.from(bits, (b) => (b ? 1 : 0));
        if (m.reduce((a, b) => a + b, 0) < 3) return;
        const image: Image3D = { data: Float64Array.from(values), dims, spacing };
        const mask: Mask3D = { data: m, dims, spacing };
        const a = morphMoranGeary(image, mask, 10000, 'direct');
        const b = morphMoranGeary(image, mask, 10000, 'fft');
        if (Number.isNaN(a.moranI)) { expect(b.moranI).toBeNaN(); return; }
        expect(b.moranI).toBeCloseTo(a.moranI, 9);
        expect(b.gearyC).toBeCloseTo(a.gearyC, 9);
      }),
      { numRuns: 30 },
    );
  });

  it('falls back to a seeded subsample above maxExact when the FFT grid is too large', () => {
    const image: Image3D = { data: Float64Array.from({ length: N }, (_, i) => (i * 37) % 11), dims, spacing: [1, 1, 1] };
    const mask: Mask3D = { data: new Uint8Array(N).fill(1), dims, spacing: [1, 1, 1] };
    const exact = morphMoranGeary(image, mask, 10000, 'direct');
    const s1 = morphMoranGeary(image, mask, 60, 'direct');
    const s2 = morphMoranGeary(image, mask, 60, 'direct');
    expect(exact.sampled).toBe(false);
    expect(s1.sampled).toBe(true);
    expect(s1.moranI).toBe(s2.moranI);
  });
});

describe('global intensity peak', () => {
  it('prefix-sum runs equal the direct sphere sum (anisotropic spacing, ROI at the border)', () => {
    fc.assert(
      fc.property(arbCase, ({ values, bits, spacing }) => {
        const m = Uint8Array.from(bits, (b) => (b ? 1 : 0));
        const image: Image3D = { data: Float64Array.from(values), dims, spacing };
        const mask: Mask3D = { data: m, dims, spacing };
        const a = globalIntensityPeak(image, mask), b = globalIntensityPeakDirect(image, mask);
        if (Number.isNaN(b)) expect(a).toBeNaN();
        else expect(a).toBeCloseTo(b, 9);
      }),
      { numRuns: 40 },
    );
  });
});
