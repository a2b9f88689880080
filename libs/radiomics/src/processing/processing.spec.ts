import golden from './__goldens__/resample-scipy.json';
import { discretiseFixedBinNumber, discretiseFixedBinSize, discretiseNone, roiLevels } from './discretise';
import { resampleGrid, resampleImage, resampleMask, roundIntensities, bsplineCoefficients, resampleData } from './resample';
import { resegmentOutliers, resegmentRange, roiMasks } from './resegment';
import type { Dims3, Image3D, Mask3D, Vec3 } from '../types';

const img = (data: number[], dims: Dims3 = [data.length, 1, 1], spacing: Vec3 = [1, 1, 1]): Image3D => ({ data: Float64Array.from(data), dims, spacing });
const msk = (data: number[], dims: Dims3 = [data.length, 1, 1], spacing: Vec3 = [1, 1, 1]): Mask3D => ({ data: Uint8Array.from(data), dims, spacing });

describe('discretisation', () => {
  it('fixed bin number: X_max goes to the last bin, outside voxels to 0', () => {
    const d = discretiseFixedBinNumber(img([0, 10, 5, 2.5, 99]), msk([1, 1, 1, 1, 0]), 4);
    expect([...d.levels]).toEqual([1, 4, 3, 2, 0]);
    expect(d.ng).toBe(4);
  });
  it('fixed bin number: a flat ROI is bin 1', () => {
    expect([...discretiseFixedBinNumber(img([3, 3]), msk([1, 1]), 8).levels]).toEqual([1, 1]);
  });
  it('fixed bin size with the IBSI lower bound (re-segmentation minimum) and the PyRadiomics edges', () => {
    const im = img([-480, -455, -430, 30]);
    const m = msk([1, 1, 1, 1]);
    expect([...discretiseFixedBinSize(im, m, 25, { minimum: -500 }).levels]).toEqual([1, 2, 3, 22]);
    expect([...discretiseFixedBinSize(im, m, 25).levels]).toEqual([1, 2, 3, 21]);
    // PyRadiomics: edges at multiples of 25 → floor(x/25) − floor(−480/25) + 1
    expect([...discretiseFixedBinSize(im, m, 25, { lowerBound: 'pyradiomics' }).levels]).toEqual([1, 2, 3, 22]);
  });
  it('none: keeps integer grey levels and rejects others', () => {
    const d = discretiseNone(img([1, 4, 6]), msk([1, 1, 1]));
    expect(d.ng).toBe(6);
    expect([...roiLevels(d)]).toEqual([1, 4, 6]);
    expect(() => discretiseNone(img([1.5]), msk([1]))).toThrow(/not an integer grey level/);
  });
});

describe('re-segmentation', () => {
  it('range keeps lo ≤ X ≤ hi inside the mask', () => {
    expect([...resegmentRange(img([-600, -500, 0, 400, 401]), msk([1, 1, 1, 1, 1]), -500, 400).data]).toEqual([0, 1, 1, 1, 0]);
  });
  it('outliers removes values beyond μ ± 3σ', () => {
    const data = Array.from({ length: 30 }, (_, i) => 100 + (i % 3));
    data.push(1000);
    const r = resegmentOutliers(img(data), msk(data.map(() => 1)));
    expect(r.data[30]).toBe(0);
    expect(r.data.slice(0, 30).every((v) => v === 1)).toBe(true);
  });
  it('roiMasks keeps the morphological mask and re-segments the intensity mask', () => {
    const { morphMask, intensityMask } = roiMasks(img([1, 2, 3]), msk([1, 1, 1]), { range: [2, null] });
    expect([...morphMask.data]).toEqual([1, 1, 1]);
    expect([...intensityMask.data]).toEqual([0, 1, 1]);
  });
});

describe('resampling', () => {
  it('aligns grid centres (IBSI): 5 voxels of 2 mm → 10 of 1 mm starting half a new voxel before', () => {
    const g = resampleGrid([5, 4, 4], [2, 2, 2], [0, 0, 0], [1, 1, 1]);
    expect(g.dims).toEqual([10, 8, 8]);
    expect(g.origin[0]).toBeCloseTo(-0.5, 12);
    expect(g.start[0]).toBeCloseTo(-0.25, 12);
    const g2 = resampleGrid([5, 4, 4], [2, 2, 2], [0, 0, 0], [3, 3, null]);
    expect(g2.dims).toEqual([4, 3, 4]);
    expect(g2.spacing[2]).toBe(2);
  });

  it.each(golden.cases.map((c) => [`${c.method} → ${c.newSpacing.join('×')}`, c] as const))('matches SciPy map_coordinates (%s)', (_n, c) => {
    const image: Image3D = { data: Float64Array.from(golden.image), dims: golden.dims as unknown as Dims3, spacing: golden.spacing as unknown as Vec3, origin: golden.origin as unknown as Vec3 };
    const r = resampleImage(image, c.newSpacing, c.method as 'linear' | 'bspline');
    expect(r.dims).toEqual(c.dims);
    r.origin!.forEach((o, a) => expect(o).toBeCloseTo(c.origin[a], 9));
    let maxErr = 0;
    for (let i = 0; i < c.values.length; i++) maxErr = Math.max(maxErr, Math.abs(r.data[i] - c.values[i]));
    expect(maxErr).toBeLessThan(1e-6);
  });

  it('B-spline interpolation reproduces the samples at the grid nodes', () => {
    const dims: Dims3 = [6, 5, 4];
    const data = Float64Array.from({ length: 120 }, (_, i) => Math.sin(i) * 10);
    const c = bsplineCoefficients(data, dims);
    const same = resampleData(data, dims, resampleGrid(dims, [1, 1, 1], undefined, [1, 1, 1]), 'bspline');
    expect(c.length).toBe(120);
    for (let i = 0; i < 120; i++) expect(same[i]).toBeCloseTo(data[i], 9);
  });

  it('mask interpolation uses the partial-volume threshold', () => {
    const m = msk([0, 1, 1, 0], [4, 1, 1], [2, 1, 1]);
    const r = resampleMask(m, [1, null, null], 'linear', 0.5);
    expect(r.dims[0]).toBe(8);
    // new positions along x (old index): -0.25, 0.25, …, 3.25 → linear values 0,0.25,0.75,1,1,0.75,0.25,0
    expect([...r.data]).toEqual([0, 0, 1, 1, 1, 1, 0, 0]);
    expect([...resampleMask(m, [1, null, null], 'linear', 0.8).data]).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
  });

  it('rounds intensities half away from zero', () => {
    expect([...roundIntensities(img([1.5, -1.5, 2.49, -0.2])).data]).toEqual([2, -2, 2, -0]);
  });
});
