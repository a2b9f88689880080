import golden from './__fixtures__/preprocess.json';
import { fillStack, markSlice, maskRegion, foregroundProbability, axisWeights } from './preprocess';

// Goldens: tools/goldens/inference/preprocess_golden.py (the numpy code the models were trained with).
describe('preprocess matches the numpy training pipeline', () => {
  const vol = Float32Array.from(golden.volume);
  const [nx, ny] = golden.dims;
  const spec = {
    sliceOffsets: golden.sliceOffsets,
    size: [golden.size, golden.size] as [number, number],
    window: golden.window,
  };
  const S = golden.size;

  test.each(golden.cases.map((c, i) => [i, c] as const))('region case %i: 2.5D stack and resampling back', (_i, c) => {
    const [x0, y0, x1, y1] = c.region;
    const region = { x0, y0, x1, y1 };
    const out = new Float32Array(c.zs.length * 3 * S * S);
    fillStack(vol, golden.dims, c.zs, region, spec, out);
    const expected = c.stacks.flat(3) as number[];
    expect(out.length).toBe(expected.length);
    let maxErr = 0;
    for (let i = 0; i < out.length; i++) maxErr = Math.max(maxErr, Math.abs(out[i] - expected[i]));
    expect(maxErr).toBeLessThan(1e-5);

    // back to the grid: markSlice with threshold t marks exactly the voxels where numpy's value > t
    const prob = Float32Array.from(c.prob);
    for (const t of [0.2, 0.5, 0.8]) {
      const mask = new Uint8Array(nx * ny);
      markSlice(prob, 0, S, S, region, nx, ny, 0, t, mask, 1);
      const want = c.back.map((v) => (v > t ? 1 : 0));
      const disagreements = want.filter((w, i) => w !== mask[i] && Math.abs(c.back[i] - t) > 1e-5).length;
      expect(disagreements).toBe(0);
    }
  });

  test('liver region = numpy liver_region', () => {
    const r = maskRegion(Uint8Array.from(golden.mask), golden.dims);
    expect(r).not.toBeNull();
    const [x0, y0, x1, y1] = golden.liverRegion;
    expect(r!.x0).toBeCloseTo(x0, 9);
    expect(r!.y0).toBeCloseTo(y0, 9);
    expect(r!.x1).toBeCloseTo(x1, 9);
    expect(r!.y1).toBeCloseTo(y1, 9);
    expect(r!.x1 - r!.x0).toBeCloseTo(r!.y1 - r!.y0, 9);
  });
});

describe('preprocess edge cases', () => {
  test('empty mask has no region', () => {
    expect(maskRegion(new Uint8Array(27), [3, 3, 3])).toBeNull();
  });
  test('identity resampling returns the windowed voxels', () => {
    const data = Float32Array.from([-1000, -200, 50, 300, 1000, 100]);
    const out = new Float32Array(6);
    fillStack(
      data,
      [3, 2, 1],
      [0],
      { x0: 0, y0: 0, x1: 3, y1: 2 },
      { sliceOffsets: [0], size: [2, 3], window: { low: -200, high: 300 } },
      out,
    );
    expect(Array.from(out)).toEqual([0, 0, 0.5, 1, 1, 0.6].map((v) => Math.fround(v)));
  });
  test('slice offsets are clamped at the volume ends', () => {
    const data = Float32Array.from([0, 100, 200]); // 1×1×3
    const out = new Float32Array(3);
    fillStack(
      data,
      [1, 1, 3],
      [0],
      { x0: 0, y0: 0, x1: 1, y1: 1 },
      { sliceOffsets: [-1, 0, 1], size: [1, 1], window: { low: 0, high: 200 } },
      out,
    );
    expect(Array.from(out)).toEqual([0, 0, 0.5]);
  });
  test('buffer too small is an error', () => {
    expect(() =>
      fillStack(
        new Float32Array(8),
        [2, 2, 2],
        [0, 1],
        { x0: 0, y0: 0, x1: 2, y1: 2 },
        { sliceOffsets: [0], size: [2, 2], window: { low: 0, high: 1 } },
        new Float32Array(4),
      ),
    ).toThrow(/8 needed/);
  });
  test('softmax foreground probability of 2-class logits is the logistic of the difference', () => {
    const logits = Float32Array.from([0, 2, -1, 1, 3, 0]); // n=1, k=2, hw=3: class0=[0,2,-1], class1=[1,3,0]
    const p = foregroundProbability(logits, 1, 2, 3, 'softmax');
    [1, 1, 1].forEach((d, i) => expect(p[i]).toBeCloseTo(1 / (1 + Math.exp(-d)), 6));
    const s = foregroundProbability(Float32Array.from([0, 100]), 1, 1, 2, 'sigmoid', 0);
    expect(s[0]).toBeCloseTo(0.5, 9);
    expect(s[1]).toBeCloseTo(1, 9);
  });
  test('axis weights clamp outside the image', () => {
    const w = axisWeights(4, -2, 6, 4);
    expect(Array.from(w.i0)).toEqual([0, 0, 2, 3]);
    expect(w.f[0]).toBe(0);
  });
});
