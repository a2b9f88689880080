import fc from 'fast-check';
import type { Dims3, Image3D, Mask3D, Vec3 } from '../types';
import { deltaRadiomics } from './delta';
import { boxCounts, fractalDimensionBoxCounting } from './fractal';
import { habitatAnalysis, habitatMask, kMeans } from './habitat';
import { peritumouralRing, peritumouralRings, squaredDistanceTransform } from './peritumoural';

function bruteD2(m: Uint8Array, dims: Dims3, sp: Vec3): Float64Array {
  const [nx, ny, nz] = dims;
  const out = new Float64Array(m.length).fill(Infinity);
  for (let i = 0; i < m.length; i++) {
    const x = i % nx, y = Math.floor(i / nx) % ny, z = Math.floor(i / (nx * ny));
    for (let j = 0; j < m.length; j++) if (m[j]) {
      const a = j % nx, b = Math.floor(j / nx) % ny, c = Math.floor(j / (nx * ny));
      out[i] = Math.min(out[i], ((x - a) * sp[0]) ** 2 + ((y - b) * sp[1]) ** 2 + ((z - c) * sp[2]) ** 2);
    }
  }
  void nz;
  return out;
}

describe('peritumoural rings', () => {
  it('distance transform equals brute force on random masks with anisotropic spacing', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 6 * 5 * 4, maxLength: 6 * 5 * 4 }), fc.constantFrom<Vec3>([1, 1, 1], [0.7, 0.9, 2.5]), (bits, sp) => {
        const dims: Dims3 = [6, 5, 4];
        const m = Uint8Array.from(bits, (b) => (b ? 1 : 0));
        if (!m.some((v) => v)) return;
        const a = squaredDistanceTransform({ data: m, dims }, sp);
        const b = bruteD2(m, dims, sp);
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 9);
      }),
      { numRuns: 40 },
    );
  });

  it('ring = dilation by r mm minus the lesion, within the liver', () => {
    const dims: Dims3 = [21, 21, 9];
    const sp: Vec3 = [1, 1, 2];
    const lesion = new Uint8Array(21 * 21 * 9);
    lesion[10 + 21 * (10 + 21 * 4)] = 1;
    const les: Mask3D = { data: lesion, dims, spacing: sp };
    const ring = peritumouralRing(les, 3);
    // voxels with centre within 3 mm of the single voxel: count lattice points (x,y,2z) with x²+y²+(2z)² ≤ 9
    let expected = 0;
    for (let z = -1; z <= 1; z++) for (let y = -3; y <= 3; y++) for (let x = -3; x <= 3; x++) if (x * x + y * y + 4 * z * z <= 9) expected++;
    expect(ring.data.reduce((a, b) => a + b, 0)).toBe(expected - 1);
    expect(ring.data[10 + 21 * (10 + 21 * 4)]).toBe(0);
    const liver = new Uint8Array(lesion.length);
    for (let i = 0; i < liver.length; i++) liver[i] = i % 21 >= 10 ? 1 : 0; // right half
    const [r3, r5] = peritumouralRings(les, [3, 5], { data: liver, dims, spacing: sp });
    expect(r3.data.reduce((a, b) => a + b, 0)).toBeLessThan(expected - 1);
    for (let i = 0; i < liver.length; i++) if (r3.data[i]) { expect(liver[i]).toBe(1); expect(r5.data[i]).toBe(1); }
    expect(() => peritumouralRing({ ...les, data: new Uint8Array(lesion.length) }, 3)).toThrow(/empty/);
  });
});

describe('delta radiomics', () => {
  it('computes absolute, relative and per-day change, refusing different settings', () => {
    const a = { features: { v: 100, z: 0, n: NaN }, settingsHash: 'h1', date: '2026-01-01' };
    const b = { features: { v: 80, z: 2, n: 1 }, settingsHash: 'h1', date: '2026-01-11' };
    const d = deltaRadiomics(a, b);
    expect(d.absolute.v).toBe(-20);
    expect(d.relative.v).toBeCloseTo(-0.2, 12);
    expect(d.perDay.v).toBeCloseTo(-2, 12);
    expect(d.days).toBe(10);
    expect(d.relative.z).toBeNaN();
    expect(d.reasons['z:relative']).toMatch(/baseline/);
    expect(d.reasons.n).toMatch(/undefined/);
    expect(() => deltaRadiomics(a, { ...b, settingsHash: 'h2' })).toThrow(/different settings/);
  });
});

describe('fractal dimension', () => {
  const cube = (n: number, fill: (x: number, y: number, z: number) => boolean) => {
    const data = new Uint8Array(n * n * n);
    for (let z = 0, i = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++, i++) data[i] = fill(x, y, z) ? 1 : 0;
    return { data, dims: [n, n, n] as Dims3 };
  };
  it('is 3 for a solid cube, 2 for a plane, 1 for a line', () => {
    expect(fractalDimensionBoxCounting(cube(32, () => true))).toBeCloseTo(3, 9);
    expect(fractalDimensionBoxCounting(cube(32, (_x, _y, z) => z === 3))).toBeCloseTo(2, 9);
    expect(fractalDimensionBoxCounting(cube(32, (_x, y, z) => y === 5 && z === 3))).toBeCloseTo(1, 9);
    expect(boxCounts(cube(4, () => true)).counts).toEqual([64, 8, 1]);
    expect(fractalDimensionBoxCounting(cube(3, (x, y, z) => x + y + z === 0))).toBeNaN();
  });
});

describe('habitat analysis', () => {
  it('separates two intensity sub-regions, deterministically, and picks k = 2 by silhouette', () => {
    const dims: Dims3 = [16, 16, 8];
    const n = 16 * 16 * 8;
    const data = new Float64Array(n), m = new Uint8Array(n);
    for (let z = 0, i = 0; z < 8; z++) for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++, i++) {
      m[i] = 1;
      data[i] = (x < 8 ? 20 : 120) + ((i * 7919) % 13) - 6;
    }
    const image: Image3D = { data, dims, spacing: [1, 1, 1] };
    const mask: Mask3D = { data: m, dims, spacing: [1, 1, 1] };
    // with w = 0 the features are the intensity alone (local sd = 0): two clear clusters
    const auto = habitatAnalysis(image, mask, { k: 'auto', kRange: [2, 4], seed: 3, halfWidth: 0, silhouetteSample: 500 });
    expect(auto.k).toBe(2);
    expect(auto.silhouettes[2]).toBeGreaterThan(auto.silhouettes[3]);
    const r = habitatAnalysis(image, mask, { k: 2, seed: 3 });
    expect(r.k).toBe(2);
    expect(r.fractions[0]).toBeCloseTo(0.5, 1);
    const h1 = habitatMask(r, 1, mask);
    // habitat 1 (lower local mean) is mostly the left half
    let left = 0, tot = 0;
    for (let i = 0; i < n; i++) if (h1.data[i]) { tot++; if (i % 16 < 8) left++; }
    expect(left / tot).toBeGreaterThan(0.9);
    const again = habitatAnalysis(image, mask, { k: 2, seed: 3 });
    expect([...again.labels]).toEqual([...r.labels]);
    expect(() => kMeans(new Float64Array(3), 2)).toThrow(/cannot form 2 clusters/);
  });
});
