import { markSlice } from './preprocess';
import { largestComponent } from './postprocess';
import { backMap, fillRuns, largestRunComponent, maskToRuns, planeToRuns, runExtent, RunList } from './runs';
import { mulberry32 as rng } from './testing/random';


/** A smooth probability plane with blobs (so that thresholds cut through interpolated cells). */
function blobPlane(H: number, W: number, seed: number): Float32Array {
  const r = rng(seed);
  const blobs = Array.from({ length: 4 }, () => [r() * H, r() * W, 2 + r() * H * 0.2]);
  const p = new Float32Array(H * W);
  for (let v = 0; v < H; v++)
    for (let u = 0; u < W; u++) {
      let s = 0;
      for (const [cy, cx, rad] of blobs) s += Math.exp(-((v - cy) ** 2 + (u - cx) ** 2) / (2 * rad * rad));
      p[v * W + u] = Math.min(1, s) * (0.9 + 0.1 * r());
    }
  return p;
}

describe('planeToRuns equals per-voxel thresholding (markSlice)', () => {
  const cases = [
    { H: 16, W: 16, nx: 61, ny: 47, region: { x0: 0, y0: 0, x1: 61, y1: 47 } },
    { H: 32, W: 32, nx: 40, ny: 40, region: { x0: -5.5, y0: 3.2, x1: 30.1, y1: 38.8 } },
    { H: 16, W: 24, nx: 10, ny: 12, region: { x0: 0, y0: 0, x1: 10, y1: 12 } },
    { H: 20, W: 20, nx: 50, ny: 50, region: { x0: 30, y0: 35, x1: 70, y1: 75 } },
  ];
  test.each(cases.map((c, i) => [i, c] as const))('case %i', (i, c) => {
    for (const seed of [1, 2, 3]) {
      const prob = blobPlane(c.H, c.W, 100 * i + seed);
      for (const t of [0.2, 0.5, 0.8]) {
        const want = new Uint8Array(c.nx * c.ny * 2);
        markSlice(prob, 0, c.H, c.W, c.region, c.nx, c.ny, 1, t, want, 1);
        const runs = new RunList(2);
        const marked = planeToRuns(prob, 0, backMap(c.region, c.H, c.W, c.nx, c.ny), 1, t, runs);
        const got = new Uint8Array(c.nx * c.ny * 2);
        fillRuns(got, runs, c.nx, c.ny, 1);
        expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
        expect(marked).toBe(want.reduce((a, b) => a + b, 0));
        expect(runs.voxels()).toBe(marked);
      }
    }
  });
});

describe('largestRunComponent equals largestComponent on the voxel grid', () => {
  test.each([11, 12, 13, 14, 15])('random mask seed %i', (seed) => {
    const r = rng(seed);
    const dims = [23, 17, 9];
    const n = dims[0] * dims[1] * dims[2];
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) mask[i] = r() < 0.45 ? 1 : 0;
    const want = largestComponent(mask, dims);
    const kept = largestRunComponent(maskToRuns(mask, dims), dims[1], dims[2]);
    const got = new Uint8Array(n);
    fillRuns(got, kept, dims[0], dims[1], 1);
    expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
  });

  test('two blobs: the larger one is kept; extent and slices follow the kept runs', () => {
    const dims = [10, 10, 4];
    const mask = new Uint8Array(400);
    const set = (x: number, y: number, z: number) => (mask[x + 10 * (y + 10 * z)] = 1);
    for (let z = 0; z < 2; z++) for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) set(x, y, z); // 18
    for (let z = 2; z < 4; z++) for (let y = 5; y < 9; y++) for (let x = 4; x < 9; x++) set(x, y, z); // 40
    const kept = largestRunComponent(maskToRuns(mask, dims), 10, 4);
    expect(kept.voxels()).toBe(40);
    expect(runExtent(kept)).toEqual({ xmin: 4, xmax: 8, ymin: 5, ymax: 8, zs: [2, 3], voxels: 40 });
    expect(largestRunComponent(new RunList(), 10, 4).length).toBe(0);
    expect(runExtent(new RunList())).toBeNull();
  });

  test('diagonal neighbours are not 6-connected', () => {
    const dims = [4, 4, 2];
    const mask = new Uint8Array(32);
    mask[0] = 1; // (0,0,0)
    mask[5] = 1; // (1,1,0) diagonal in-plane
    mask[5 + 1] = 1; // (2,1,0): the larger one
    const kept = largestRunComponent(maskToRuns(mask, dims), 4, 2);
    expect(kept.voxels()).toBe(2);
  });
});
