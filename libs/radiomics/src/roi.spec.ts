import { assertFinite, countMask, maskBoundingBox, maskExtent, maskForLabel } from './roi';
import type { Dims3 } from './types';
import { mulberry32 } from './random';

describe('maskExtent', () => {
  const dims: Dims3 = [13, 7, 5]; // 455 voxels: not a multiple of 4, so the word scan has a tail
  const n = 13 * 7 * 5;

  it('equals maskBoundingBox and countMask for byte masks (aligned, unaligned, any byte value) and other arrays', () => {
    const r = mulberry32(11);
    for (let trial = 0; trial < 40; trial++) {
      const density = [0.002, 0.02, 0.3][trial % 3];
      const backing = new Uint8Array(n + 3);
      const offset = trial % 4; // byteOffset 0 (word scan) and 1..3 (plain loop)
      const m = backing.subarray(offset, offset + n);
      for (let i = 0; i < n; i++) if (r() < density) m[i] = 1 + Math.floor(r() * 255);
      if (trial === 5) m[n - 1] = 7; // a voxel in the tail after the last whole word
      for (const data of [m, Int32Array.from(m, (v, i) => (i % 5 === 0 ? -v : v)), Float32Array.from(m, (v) => v / 300), Array.from(m)]) {
        const mask = { data, dims };
        const e = maskExtent(mask);
        const box = maskBoundingBox(mask);
        if (!box) expect(e).toBeNull();
        else expect(e).toEqual({ box, count: countMask(mask) });
      }
    }
  });

  it('is null for an empty mask and finds a single corner voxel', () => {
    expect(maskExtent({ data: new Uint8Array(n), dims })).toBeNull();
    const m = new Uint8Array(n);
    m[n - 1] = 1;
    expect(maskExtent({ data: m, dims })).toEqual({ box: [12, 6, 4, 12, 6, 4], count: 1 });
  });
});

describe('maskForLabel', () => {
  it('selects exactly the voxels equal to the label in typed, plain and array-like label maps', () => {
    const dims: Dims3 = [4, 3, 2];
    const values = [0, 1, 2, 2, 0, 3, 2, 1, 0, 2, 2, 2, 0, 0, 1, 3, 2, 0, 0, 2, 1, 1, 0, 2];
    const expected = Uint8Array.from(values, (v) => (v === 2 ? 1 : 0));
    const like = { length: values.length, ...Object.fromEntries(values.map((v, i) => [i, v])) } as ArrayLike<number>;
    for (const data of [Int32Array.from(values), Float64Array.from(values), Uint16Array.from(values), values, like]) {
      const m = maskForLabel({ data, dims, spacing: [1, 1, 2] }, 2);
      expect(m.data).toEqual(expected);
      expect(m.dims).toBe(dims);
    }
    expect(() => maskForLabel({ data: Int32Array.from(values), dims, spacing: [1, 1, 1] }, 5)).toThrow(/label 5 is not in the mask; labels present: 1, 2, 3/);
    expect(() => maskForLabel({ data: Float32Array.from(values, (v) => v + 0.5), dims, spacing: [1, 1, 1] }, 2)).toThrow(/label 2 is not in the mask/);
  });
});

describe('assertFinite', () => {
  it('refuses NaN / ±Infinity in float images (inside the mask when one is given) and accepts integer images', () => {
    const f = new Float32Array(10).fill(1);
    f[7] = NaN;
    expect(() => assertFinite({ data: f })).toThrow(/non-finite voxel \(NaN\) at index 7/);
    expect(() => assertFinite({ data: f }, { data: Uint8Array.from({ length: 10 }, (_, i) => (i === 7 ? 0 : 1)) })).not.toThrow();
    const d = new Float64Array(10);
    d[2] = -Infinity;
    expect(() => assertFinite({ data: d }, undefined, 'here')).toThrow(/^here: the image has a non-finite voxel \(-Infinity\) at index 2/);
    for (const data of [new Int16Array(10).fill(-1000), new Uint8Array(10), new Int32Array(10), new Uint16Array(10)]) expect(() => assertFinite({ data })).not.toThrow();
  });
});
