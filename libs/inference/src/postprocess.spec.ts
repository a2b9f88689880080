import fc from 'fast-check';
import { connectedComponents, largestComponent, lesionInstances, dice, distanceTransform, hd95 } from './postprocess';

describe('connected components (6-connectivity)', () => {
  test('diagonal neighbours are separate components, face neighbours join', () => {
    // 3×3×1: (0,0) and (1,1) touch only diagonally; (2,1),(2,2) join (1,1)? no: (1,1)-(2,1) share a face.
    const m = Uint8Array.from([1, 0, 0, 0, 1, 1, 0, 0, 1]);
    const cc = connectedComponents(m, [3, 3, 1]);
    expect(cc.count).toBe(2);
    expect(cc.sizes).toEqual([0, 1, 3]);
  });
  test('components connect across slices', () => {
    const m = new Uint8Array(2 * 2 * 3);
    m[0] = 1; // z0
    m[4] = 1; // z1 same (x,y)
    m[11] = 1; // z2 other corner
    const cc = connectedComponents(m, [2, 2, 3]);
    expect(cc.count).toBe(2);
    expect(largestComponent(m, [2, 2, 3]).reduce((a, b) => a + b, 0)).toBe(2);
  });
  test('labels partition the mask and sizes add up (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 60, maxLength: 60, min: 0, max: 1 }), (m) => {
        const cc = connectedComponents(m, [5, 4, 3]);
        const fg = m.reduce((a, b) => a + b, 0);
        expect(cc.sizes.reduce((a, b) => a + b, 0)).toBe(fg);
        for (let i = 0; i < m.length; i++) expect(cc.labels[i] > 0).toBe(m[i] === 1);
        const lc = largestComponent(m, [5, 4, 3]);
        expect(lc.reduce((a, b) => a + b, 0)).toBe(Math.max(0, ...cc.sizes));
      }),
      { numRuns: 100 },
    );
  });
  test('wrong size is an error', () => {
    expect(() => connectedComponents(new Uint8Array(5), [2, 2, 2])).toThrow(/8/);
  });
});

test('lesion instances are numbered by decreasing size and small ones dropped', () => {
  const labels = new Uint8Array(10);
  labels.set([2, 0, 2, 2, 2, 0, 1, 2, 2, 0]);
  const { instances, sizes } = lesionInstances(labels, [10, 1, 1], 2, 2);
  expect(sizes).toEqual([3, 2]);
  expect(Array.from(instances)).toEqual([0, 0, 1, 1, 1, 0, 0, 2, 2, 0]);
});

test('dice', () => {
  expect(dice([1, 1, 0, 0], [1, 0, 1, 0])).toBeCloseTo(0.5, 12);
  expect(dice([0, 0], [0, 0])).toBe(1);
  expect(dice([2, 2, 1], [2, 0, 2], 2)).toBeCloseTo(0.5, 12);
  expect(dice([2, 2, 1], [2, 2, 2], 2)).toBeCloseTo(0.8, 12);
  expect(() => dice([1], [1, 1])).toThrow(/1 and 2/);
});

describe('distances and HD95 match scipy (tools/goldens/inference/metrics_golden.py)', () => {
  const g = require('./__fixtures__/metrics.json') as {
    dims: number[];
    spacing: number[];
    a: number[];
    b: number[];
    sparse: number[];
    edtSparse: number[];
    edtA: number[];
    dice: number;
    hd95: number;
  };
  const maxAbs = (x: ArrayLike<number>, y: number[]) => y.reduce((m, v, i) => Math.max(m, Math.abs(x[i] - v)), 0);
  test('exact anisotropic EDT', () => {
    expect(maxAbs(distanceTransform(Uint8Array.from(g.sparse), g.dims, g.spacing), g.edtSparse)).toBeLessThan(1e-9);
    expect(maxAbs(distanceTransform(Uint8Array.from(g.a), g.dims, g.spacing), g.edtA)).toBeLessThan(1e-9);
  });
  test('HD95 and Dice', () => {
    expect(hd95(Uint8Array.from(g.a), Uint8Array.from(g.b), g.dims, g.spacing)).toBeCloseTo(g.hd95, 9);
    expect(dice(g.a, g.b)).toBeCloseTo(g.dice, 12);
  });
  test('empty masks', () => {
    expect(distanceTransform(new Uint8Array(8), [2, 2, 2], [1, 1, 1])[0]).toBe(Infinity);
    expect(hd95(new Uint8Array(8), Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0]), [2, 2, 2], [1, 1, 1])).toBeNaN();
  });
});
