/** Morphology and statistics against SciPy / NumPy / Qhull goldens (tools/goldens/radiomics/morphology_scipy.py). */
import golden from './__goldens__/morphology-scipy.json';
import type { Dims3, Vec3 } from '../types';
import { convexHull3D, hullVolumeArea } from './convex-hull';
import { intensityStatistics } from './intensity-statistics';
import { hullCandidatePoints } from './mesh';
import { morphCentreOfMassShift, morphologyFeatures, morphPcaEigen } from './morphology';

interface Case { name: string; dims: number[]; spacing: number[]; mask: string; image: number[]; hullVolume: number; hullArea: number; maxDiameter: number; pcaEigenvalues: number[]; comShift: number }

describe.each((golden.cases as Case[]).map((c) => [c.name, c] as const))('morphology vs SciPy/NumPy (%s)', (_n, c) => {
  const dims = c.dims as unknown as Dims3;
  const spacing = c.spacing as unknown as Vec3;
  const mask = { data: Uint8Array.from(c.mask, (ch) => (ch === '1' ? 1 : 0)), dims, spacing };
  const image = { data: Float64Array.from(c.image), dims, spacing };

  it('convex hull volume and area equal Qhull on the mesh vertices', () => {
    const p = hullCandidatePoints(mask);
    const h = convexHull3D(p)!;
    const hv = hullVolumeArea(p, h, [spacing[0] / 2, spacing[1] / 2, spacing[2] / 2]);
    expect(hv.volume).toBeCloseTo(c.hullVolume, 6);
    expect(hv.area).toBeCloseTo(c.hullArea, 6);
  });

  it('maximum 3D diameter, PCA eigenvalues and centre-of-mass shift equal NumPy', () => {
    const f = morphologyFeatures(image, mask);
    expect(f.morph_diam).toBeCloseTo(c.maxDiameter, 6);
    const e = morphPcaEigen(mask)!;
    e.values.forEach((v, k) => expect(v).toBeCloseTo(c.pcaEigenvalues[k], 8));
    expect(f.morph_pca_maj_axis).toBeCloseTo(4 * Math.sqrt(c.pcaEigenvalues[0]), 8);
    expect(morphCentreOfMassShift(image, mask, mask)).toBeCloseTo(c.comShift, 9);
  });
});

describe('intensity statistics vs SciPy/NumPy', () => {
  it.each(golden.samples.map((s, k) => [k, s] as const))('sample %i', (_k, s) => {
    const f = intensityStatistics(s.values);
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
    for (const [mine, ref] of [
      [f.stat_mean, s.mean], [f.stat_var, s.var], [f.stat_skew, s.skew], [f.stat_kurt, s.kurt], [f.stat_median, s.median],
      [f.stat_p10, s.p10], [f.stat_p90, s.p90], [f.stat_iqr, s.iqr], [f.stat_mad, s.mad], [f.stat_medad, s.medad],
      [f.stat_energy, s.energy], [f.stat_rms, s.rms],
    ]) expect(rel(mine, ref)).toBeLessThan(1e-10);
  });
});
