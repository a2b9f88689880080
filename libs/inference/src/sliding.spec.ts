/** @jest-environment @hepatoscope/inference/jest-ort-env.js */
import { SegmentationCascade, runStage, type StageModel } from './cascade';
import { DEFAULT_CASCADE_DIR, stageManifestSchema } from './manifest';
import { axisWeights, resamplePlane } from './preprocess';
import { accumulateWindow, flipCopy, gaussianWeights, normaliseBlend, windowStarts } from './sliding';
import { simplePhantom } from './testing/simple-phantom';

const M = Math;
const sigmoid = (v: number) => 1 / (1 + M.exp(-v));

describe('window placement and Gaussian weights', () => {
  test('windowStarts: one window when the patch covers the axis; otherwise first at 0, last flush with the end', () => {
    expect(windowStarts(100, 128)).toEqual([0]);
    expect(windowStarts(128, 128)).toEqual([0]);
    // k = ceil((300 - 128) / 64) + 1 = 4, step 172 / 3
    expect(windowStarts(300, 128, 0.5)).toEqual([0, 57, 115, 172]);
    expect(windowStarts(256, 128, 0)).toEqual([0, 128]);
    const s = windowStarts(517, 96, 0.25);
    expect(s[0]).toBe(0);
    expect(s.at(-1)! + 96).toBe(517);
    for (let i = 1; i < s.length; i++) expect(s[i] - s[i - 1]).toBeLessThanOrEqual(72);
    expect(() => windowStarts(10, 4, 1)).toThrow(/overlap must be in \[0, 1\)/);
  });

  test('gaussianWeights: exp(-d²/2σ²) with σ = size/8 around the centre, peak 1, symmetric, floored', () => {
    const H = 9;
    const W = 16;
    const w = gaussianWeights(H, W, 1 / 8, 1e-3);
    const sy = H / 8;
    const sx = W / 8;
    const cx = (W - 1) / 2;
    const peakX = M.exp(-((7 - cx) ** 2) / (2 * sx * sx)); // W even: the two middle columns share the peak
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) {
        const raw = (M.exp(-((i - 4) ** 2) / (2 * sy * sy)) * M.exp(-((j - cx) ** 2) / (2 * sx * sx))) / peakX;
        expect(w[i * W + j]).toBeCloseTo(M.max(raw, 1e-3), 6);
        expect(w[i * W + j]).toBeCloseTo(w[(H - 1 - i) * W + (W - 1 - j)], 7);
      }
    expect(M.max(...w)).toBeCloseTo(1, 7);
    expect(M.min(...w)).toBeCloseTo(1e-3, 7);
  });

  test('blending two overlapping windows: weighted mean in the overlap, each window alone elsewhere', () => {
    const H = 4;
    const W = 6;
    const PW = 10; // windows at x = 0 and x = 4 overlap in columns 4, 5
    const w = gaussianWeights(H, W);
    const acc = new Float64Array(H * PW);
    const wsum = new Float64Array(H * PW);
    accumulateWindow(new Float32Array(H * W).fill(0.2), 0, H, W, w, acc, wsum, PW, 0, 0);
    accumulateWindow(new Float32Array(H * W).fill(0.8), 0, H, W, w, acc, wsum, PW, 0, 4);
    const out = new Float32Array(H * PW);
    normaliseBlend(acc, wsum, out);
    for (let i = 0; i < H; i++) {
      for (const x of [0, 1, 2, 3]) expect(out[i * PW + x]).toBeCloseTo(0.2, 6);
      for (const x of [6, 7, 8, 9]) expect(out[i * PW + x]).toBeCloseTo(0.8, 6);
      for (const x of [4, 5]) {
        const wa = w[i * W + x];
        const wb = w[i * W + x - 4];
        expect(out[i * PW + x]).toBeCloseTo((0.2 * wa + 0.8 * wb) / (wa + wb), 6);
      }
    }
    // column 5 is at the right edge of window A (low weight) and nearer the centre of window B; column 4 the reverse
    expect(out[5]).toBeGreaterThan(0.5);
    expect(out[4]).toBeLessThan(0.5);
  });

  test('flipCopy is its own inverse and flips the right axes', () => {
    const src = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    for (const f of ['x', 'y', 'xy'] as const) {
      const a = new Float32Array(24);
      const b = new Float32Array(24);
      flipCopy(src, 0, a, 0, 2, 3, 4, f);
      flipCopy(a, 0, b, 0, 2, 3, 4, f);
      expect(Array.from(b)).toEqual(Array.from(src));
    }
    const x = new Float32Array(24);
    flipCopy(src, 0, x, 0, 2, 3, 4, 'x');
    expect(Array.from(x.subarray(0, 4))).toEqual([3, 2, 1, 0]);
    const y = new Float32Array(24);
    flipCopy(src, 0, y, 0, 2, 3, 4, 'y');
    expect(Array.from(y.subarray(12, 16))).toEqual([20, 21, 22, 23]);
  });
});

/**
 * A stand-in model with a known, NOT flip-equivariant function, so that the stage's window placement,
 * flips and blending can be checked exactly: logit(fg) - logit(bg) = 6·(centre channel - 0.5) + 3·(u/(W-1) - 0.5),
 * u the column in the model's input.
 */
function fakeModel(H: number, W: number, extra: Record<string, unknown> = {}): StageModel & { items: number[] } {
  const manifest = stageManifestSchema.parse({
    id: 'fake',
    version: '1',
    task: 'tumour-segmentation',
    sha256: '0'.repeat(64),
    input: {
      name: 'image',
      dtype: 'float32',
      shape: [-1, 3, H, W],
      sliceOffsets: [-1, 0, 1],
      size: [H, W],
      window: { low: -200, high: 300 },
      region: 'full-slice',
      ...extra,
    },
    output: { name: 'logits', dtype: 'float32', shape: [-1, 2, H, W], activation: 'softmax', classes: ['bg', 'fg'] },
  });
  const items: number[] = [];
  return {
    manifest,
    itemShape: [3, H, W],
    items,
    async run(data: Float32Array, n: number) {
      items.push(n);
      const hw = H * W;
      const out = new Float32Array(n * 2 * hw);
      for (let b = 0; b < n; b++)
        for (let v = 0; v < H; v++)
          for (let u = 0; u < W; u++) {
            const c = data[(b * 3 + 1) * hw + v * W + u];
            out[(b * 2 + 1) * hw + v * W + u] = 6 * (c - 0.5) + 3 * (u / (W - 1) - 0.5);
          }
      return { data: out, dims: [n, 2, H, W] };
    },
  };
}

describe('runStage: windows, flips and batching', () => {
  const ph = simplePhantom(777, 48, 6, 'PORTAL_VENOUS');
  const dims = ph.dims as [number, number, number];
  const full = { x0: 0, y0: 0, x1: dims[0], y1: dims[1] };
  const planeOf = (z: number, PH: number, PW: number) => {
    const p = new Float32Array(PH * PW);
    resamplePlane(
      ph.data,
      dims[0],
      dims[1],
      z,
      axisWeights(dims[0], 0, dims[0], PW),
      axisWeights(dims[1], 0, dims[1], PH),
      { low: -200, high: 300 },
      p,
      0,
    );
    return p;
  };

  test('TTA averages the predictions of the flipped inputs, each flipped back', async () => {
    const H = 16;
    const W = 16;
    const model = fakeModel(H, W, { ttaFlips: ['x', 'y'] });
    const planes = new Map<number, Float32Array>();
    await runStage(model, ph.data, dims, [0, 1, 2, 3, 4, 5], full, {
      batch: 4,
      spacing: ph.spacing,
      tta: true,
      onPlane: (z, p) => planes.set(z, Float32Array.from(p)),
    });
    // 6 slices × 3 predictions, 4 slices per run → runs of 12 and 6 items
    expect(model.items).toEqual([12, 6]);
    for (const z of [0, 3, 5]) {
      const c = planeOf(z, H, W);
      const got = planes.get(z)!;
      for (let v = 0; v < H; v++)
        for (let u = 0; u < W; u++) {
          const base = 6 * (c[v * W + u] - 0.5);
          const id = sigmoid(base + 3 * (u / (W - 1) - 0.5));
          const fx = sigmoid(base + 3 * ((W - 1 - u) / (W - 1) - 0.5)); // x flip: the ramp runs backwards
          const fy = id; // y flip: the ramp is along x, unchanged
          expect(got[v * W + u]).toBeCloseTo((id + fx + fy) / 3, 5);
        }
    }
  });

  test('without --tta the flips are not run; a manifest without ttaFlips ignores --tta', async () => {
    const a = fakeModel(16, 16, { ttaFlips: ['x'] });
    await runStage(a, ph.data, dims, [0, 1], full, { batch: 8, spacing: ph.spacing });
    expect(a.items).toEqual([2]);
    const b = fakeModel(16, 16);
    await runStage(b, ph.data, dims, [0, 1], full, { batch: 8, spacing: ph.spacing, tta: true });
    expect(b.items).toEqual([2]);
  });

  test('a patch model tiles a larger plane; blending a position-free prediction gives it back everywhere', async () => {
    // spacing 1 mm / 0.5 mm per model pixel on a 48-voxel axis → 96-pixel plane → 16-pixel windows, overlap 0.5
    const model = fakeModel(16, 16, { spacingMm: [ph.spacing[1] / 2, ph.spacing[0] / 2] });
    // make the prediction position-free: drop the ramp
    const run = model.run.bind(model);
    model.run = async (d: Float32Array, n: number) => {
      const r = await run(d, n);
      for (let b = 0; b < n; b++)
        for (let v = 0; v < 16; v++)
          for (let u = 0; u < 16; u++) r.data[(b * 2 + 1) * 256 + v * 16 + u] -= 3 * (u / 15 - 0.5);
      return r;
    };
    let size: number[] = [];
    const planes = new Map<number, Float32Array>();
    await runStage(model, ph.data, dims, [2, 3], full, {
      batch: 8,
      spacing: ph.spacing,
      onPlane: (z, p, PH, PW) => {
        size = [PH, PW];
        planes.set(z, Float32Array.from(p));
      },
    });
    expect(size).toEqual([96, 96]);
    const per = windowStarts(96, 16, 0.5).length ** 2; // 11 × 11 windows
    expect(model.items).toEqual([per, per]); // > 64 items per slice: one slice per run
    const c = planeOf(3, 96, 96);
    const got = planes.get(3)!;
    let maxErr = 0;
    for (let i = 0; i < c.length; i++) maxErr = M.max(maxErr, M.abs(got[i] - sigmoid(6 * (c[i] - 0.5))));
    expect(maxErr).toBeLessThan(1e-5);
  });
});

describe('the real cascade: the blending path with one window equals the direct path', () => {
  let cascade: SegmentationCascade;
  beforeAll(async () => {
    cascade = await SegmentationCascade.load(DEFAULT_CASCADE_DIR, { providers: 'cpu' });
  });
  afterAll(async () => {
    await cascade.liver.release();
    await cascade.tumour?.release();
  });

  test('same labels (Gaussian-weighted single window, full probabilities, no lazy softmax)', async () => {
    const ph = simplePhantom(90041, 64, 12);
    const v = { data: ph.data, dims: ph.dims, spacing: ph.spacing };
    const a = await cascade.segment(v);
    const b = await cascade.segment(v, { alwaysBlend: true });
    expect(a.liverVoxels).toBeGreaterThan(0);
    expect(Buffer.from(b.labels).equals(Buffer.from(a.labels))).toBe(true);
  }, 120_000);
});
