/** @jest-environment @hepatoscope/inference/jest-ort-env.js */
import { join } from 'node:path';
import { SegmentationCascade, runStage, type StageModel } from './cascade';
import { BUNDLED_MODELS_DIR, DEFAULT_CASCADE_DIR, stageManifestSchema } from './manifest';
import { SegmentationModel } from './model';
import { simplePhantom } from './testing/simple-phantom';

/**
 * The pipelined window loop (batch k+1 prepared and batch k-1 post-processed while batch k runs, sessions in
 * worker threads, buffers reused) against the sequential path it replaces: same labels, bit for bit.
 */

/** A stand-in model whose runs resolve only when the test releases them, logging what happens in which order. */
function gatedModel(H: number, W: number) {
  const manifest = stageManifestSchema.parse({
    id: 'gated',
    version: '1',
    task: 'liver-segmentation',
    sha256: '0'.repeat(64),
    input: {
      name: 'image',
      dtype: 'float32',
      shape: [-1, 3, H, W],
      sliceOffsets: [-1, 0, 1],
      size: [H, W],
      window: { low: -200, high: 300 },
      region: 'full-slice',
    },
    output: { name: 'logits', dtype: 'float32', shape: [-1, 2, H, W], activation: 'softmax', classes: ['bg', 'fg'] },
  });
  const log: string[] = [];
  const inputs: ArrayBufferLike[] = [];
  const outputs: ArrayBufferLike[] = [];
  let calls = 0;
  const model: StageModel = {
    manifest,
    itemShape: [3, H, W],
    async run(data: Float32Array, n: number, out?: Float32Array) {
      const k = calls++;
      log.push(`run ${k}`);
      inputs.push(data.buffer);
      if (out) outputs.push(out.buffer);
      const hw = H * W;
      const res = out ?? new Float32Array(n * 2 * hw);
      // foreground logit = 8·(centre channel - 0.5): a deterministic function of the prepared input
      for (let b = 0; b < n; b++)
        for (let p = 0; p < hw; p++) {
          res[b * 2 * hw + p] = 0;
          res[(b * 2 + 1) * hw + p] = 8 * (data[(b * 3 + 1) * hw + p] - 0.5);
        }
      await new Promise<void>((r) => setImmediate(r));
      log.push(`done ${k}`);
      return { data: res, dims: [n, 2, H, W] };
    },
  };
  return { model, log, inputs, outputs };
}

describe('runStage pipelining (stand-in model)', () => {
  const ph = simplePhantom(31337, 40, 9, 'PORTAL_VENOUS');
  const dims = ph.dims as [number, number, number];
  const full = { x0: 0, y0: 0, x1: dims[0], y1: dims[1] };
  const zs = Array.from({ length: 9 }, (_, z) => z);

  test('pipelined: batch k+1 is queued before batch k returns and k is post-processed while k+1 runs', async () => {
    const piped = gatedModel(16, 16);
    const planesP: number[][] = [];
    await runStage(piped.model, ph.data, dims, zs, full, {
      batch: 2,
      spacing: ph.spacing,
      onPlane: (z, p) => piped.log.push(`plane ${z}`) && planesP.push(Array.from(p)),
    });
    const at = (e: string) => piped.log.indexOf(e);
    // 9 slices, 2 per batch → 5 runs
    expect(piped.log.filter((e) => e.startsWith('run'))).toHaveLength(5);
    for (let k = 0; k < 4; k++) {
      expect(at(`run ${k + 1}`)).toBeLessThan(at(`done ${k}`)); // k+1 handed over while k runs
      expect(at(`plane ${2 * k}`)).toBeGreaterThan(at(`done ${k}`));
      expect(at(`plane ${2 * k + 1}`)).toBeLessThan(at(`done ${k + 1}`)); // k post-processed while k+1 runs
    }

    const seq = gatedModel(16, 16);
    const planesS: number[][] = [];
    await runStage(seq.model, ph.data, dims, zs, full, {
      batch: 2,
      spacing: ph.spacing,
      pipeline: false,
      onPlane: (z, p) => seq.log.push(`plane ${z}`) && planesS.push(Array.from(p)),
    });
    expect(seq.log.slice(0, 9)).toEqual([
      'run 0',
      'done 0',
      'plane 0',
      'plane 1',
      'run 1',
      'done 1',
      'plane 2',
      'plane 3',
      'run 2',
    ]);
    // same probabilities, same order
    expect(planesP).toEqual(planesS);
  });

  test('input and output buffers are reused: two of each when pipelined, one when sequential', async () => {
    const piped = gatedModel(16, 16);
    await runStage(piped.model, ph.data, dims, zs, full, { batch: 1, spacing: ph.spacing });
    expect(piped.inputs).toHaveLength(9);
    expect(new Set(piped.inputs).size).toBe(2);
    expect(piped.outputs).toHaveLength(9);
    expect(new Set(piped.outputs).size).toBe(2);
    const seq = gatedModel(16, 16);
    await runStage(seq.model, ph.data, dims, zs, full, { batch: 1, spacing: ph.spacing, pipeline: false });
    expect(new Set(seq.inputs).size).toBe(1);
    expect(new Set(seq.outputs).size).toBe(1);
  });

  test('a threshold option replaces the manifest threshold; outside (0, 1) it is refused', async () => {
    const voxels = async (threshold?: number) => {
      const r = await runStage(gatedModel(16, 16).model, ph.data, dims, zs, full, {
        batch: 4,
        spacing: ph.spacing,
        threshold,
      });
      let v = 0;
      for (let i = 0; i < r.length; i++) v += r.data[i * 4 + 3] - r.data[i * 4 + 2];
      return v;
    };
    const low = await voxels(0.05);
    const def = await voxels();
    const high = await voxels(0.95);
    expect(def).toBe(await voxels(0.5)); // the manifest's default threshold
    expect(low).toBeGreaterThan(def);
    expect(high).toBeLessThan(def);
    await expect(voxels(1)).rejects.toThrow(/threshold must be in \(0, 1\), got 1/);
  });

  test('an abort with a batch in flight stops the stage with the reason', async () => {
    const g = gatedModel(16, 16);
    const ac = new AbortController();
    const p = runStage(g.model, ph.data, dims, zs, full, {
      batch: 2,
      spacing: ph.spacing,
      signal: ac.signal,
      onBatch: (done) => {
        if (done >= 4) ac.abort(new Error('stop here'));
      },
    });
    await expect(p).rejects.toThrow('stop here');
    expect(g.log.filter((e) => e.startsWith('run'))).toHaveLength(4); // batches 2 and 3 were handed over
  });
});

describe('worker-thread sessions (real bundled models)', () => {
  let seqCascade: SegmentationCascade;
  let threadCascade: SegmentationCascade;
  beforeAll(async () => {
    seqCascade = await SegmentationCascade.load(DEFAULT_CASCADE_DIR, { providers: 'cpu', thread: false });
    threadCascade = await SegmentationCascade.load(DEFAULT_CASCADE_DIR, { providers: 'cpu', thread: true });
  }, 120_000);
  afterAll(async () => {
    for (const c of [seqCascade, threadCascade]) {
      await c?.liver.release();
      await c?.tumour?.release();
    }
  });

  test('a thread session gives the main-thread logits exactly, hands the input back and fills the given output', async () => {
    const dir = join(BUNDLED_MODELS_DIR, 'tumour-seg-2p5d');
    const main = await SegmentationModel.load(dir, { providers: 'cpu' });
    const thr = await SegmentationModel.load(dir, { providers: 'cpu', thread: true });
    try {
      expect(thr.inThread).toBe(true);
      expect(thr.session.inputNames).toEqual(main.session.inputNames);
      expect(thr.session.outputMetadata).toEqual(main.session.outputMetadata);
      const n = 3;
      const x = Float32Array.from({ length: n * 3 * 128 * 128 }, (_, i) => ((i * 7919) % 1000) / 1000);
      const want = await main.run(Float32Array.from(x), n);
      const out = new Float32Array(n * 2 * 128 * 128);
      const outBytes = out.byteLength;
      const sent = Float32Array.from(x);
      const got = await thr.run(sent, n, out);
      expect(sent.length).toBe(0); // moved to the thread …
      expect(Array.from(got.input!.subarray(0, 5))).toEqual(Array.from(x.subarray(0, 5))); // … and handed back
      expect(out.byteLength).toBe(0); // moved too …
      expect(got.data.byteLength).toBe(outBytes); // … and handed back, filled
      expect(
        Buffer.from(got.data.buffer).equals(Buffer.from(want.data.buffer, want.data.byteOffset, want.data.byteLength)),
      ).toBe(true);
      expect(got.runMs).toBeGreaterThan(0);
      expect(thr.runs).toBe(1);
      await expect(thr.run(new Float32Array(5), 1)).rejects.toThrow(/input has 5 values/);
    } finally {
      await main.release();
      await thr.release();
    }
  }, 120_000);

  test('pipelined cascade in worker threads = sequential main-thread cascade, bit for bit (plain, TTA, blending)', async () => {
    const ph = simplePhantom(90041, 64, 14);
    const v = { data: ph.data, dims: ph.dims, spacing: ph.spacing };
    expect(threadCascade.liver.inThread).toBe(true);
    expect(seqCascade.liver.inThread).toBe(false);
    for (const o of [{}, { tta: true }, { alwaysBlend: true }]) {
      const a = await seqCascade.segment(v, { ...o, batchSize: 3, pipeline: false });
      const b = await threadCascade.segment(v, { ...o, batchSize: 3 });
      expect(a.liverVoxels).toBeGreaterThan(0);
      expect(b.tumourVoxels).toBe(a.tumourVoxels);
      expect(Buffer.from(b.labels).equals(Buffer.from(a.labels))).toBe(true);
      // per-stage timings: outside = wall − Σ session.run
      for (const s of b.timings.stages) {
        expect(s.runs).toBeGreaterThan(0);
        expect(s.outsideMs).toBeCloseTo(s.wallMs - s.sessionRunMs, 6);
        // runs queued at the thread are timed one after another, never counted twice
        expect(s.sessionRunMs).toBeLessThanOrEqual(s.wallMs);
      }
      expect(b.timings.stages.map((s) => s.stage)).toEqual(
        a.tumourVoxels > 0 || a.liverVoxels > 0 ? ['liver', 'tumour'] : ['liver'],
      );
    }
  }, 240_000);
});
