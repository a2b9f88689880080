import golden from './__goldens__/pyradiomics-numpy.json';
import type { Dims3, Vec3 } from '../types';
import { roiValues } from '../roi';
import { maximumDiameters, pyradiomicsFirstOrder, pyradiomicsShape } from './pyradiomics';

describe.each(golden.cases.map((c, k) => [k, c] as const))('PyRadiomics definitions vs the NumPy re-implementation (case %i)', (_k, c) => {
  const dims = c.dims as unknown as Dims3;
  const spacing = c.spacing as unknown as Vec3;
  const mask = { data: Uint8Array.from(c.mask, (ch) => (ch === '1' ? 1 : 0)), dims, spacing };
  const image = { data: Float64Array.from(c.image), dims, spacing };

  it('first order', () => {
    const f = pyradiomicsFirstOrder(roiValues(image, mask), { binWidth: c.binWidth, voxelVolume: spacing[0] * spacing[1] * spacing[2] });
    for (const [name, ref] of Object.entries(c.firstorder)) {
      const v = f[`firstorder_${name}`];
      expect(Math.abs(v - ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref)));
    }
  });

  // the NumPy re-implementation measured diameters between border-voxel centres (PyRadiomics 1.x); PyRadiomics
  // 3.1 measures them between mesh vertices, checked against PyRadiomics' own baselines in
  // src/pyradiomics-parity.spec.ts, so they are not compared here
  it('shape (PCA with population covariance, voxel volume)', () => {
    const f = pyradiomicsShape(mask);
    for (const [name, ref] of Object.entries(c.shape)) {
      if (name.includes('Diameter')) continue;
      const v = f[`shape_${name}`];
      expect(Math.abs(v - ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref)));
    }
  });
});

describe('maximumDiameters', () => {
  /** All-pairs reference: [same z, same y, same x, any] largest scaled distances. */
  function bruteForce(p: Int32Array, s: readonly [number, number, number]): number[] {
    const best = [0, 0, 0, 0];
    for (let i = 0; i < p.length; i += 3)
      for (let j = i + 3; j < p.length; j += 3) {
        const d = ((p[i] - p[j]) * s[0]) ** 2 + ((p[i + 1] - p[j + 1]) * s[1]) ** 2 + ((p[i + 2] - p[j + 2]) * s[2]) ** 2;
        if (p[i + 2] === p[j + 2]) best[0] = Math.max(best[0], d);
        if (p[i + 1] === p[j + 1]) best[1] = Math.max(best[1], d);
        if (p[i] === p[j]) best[2] = Math.max(best[2], d);
        best[3] = Math.max(best[3], d);
      }
    return best.map(Math.sqrt);
  }

  it('equals the all-pairs maxima on random integer point sets (negative coordinates, duplicates, anisotropic scale)', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let trial = 0; trial < 30; trial++) {
      const n = 2 + rnd(120);
      const p = Int32Array.from({ length: 3 * n }, (_, k) => rnd([9, 15, 4][k % 3]) - [1, 3, 0][k % 3]);
      const scale: [number, number, number] = [0.39, 0.39, 3.25];
      const got = maximumDiameters(p, scale);
      const ref = bruteForce(p, scale);
      for (let k = 0; k < 4; k++) expect(got[k]).toBeCloseTo(ref[k], 12);
    }
  });
});
