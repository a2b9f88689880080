import { resolveCascade } from './manifest';
import { ModelRegistry, SegmentationModel } from './model';
import {
  axisWeights,
  foregroundProbability,
  regionAroundBox,
  resamplePlane,
  twoClassProbabilityNearHot,
  type Region,
} from './preprocess';
import { RunList, backMap, fillRuns, largestRunComponent, planeToRuns, runExtent, runScratch } from './runs';
import { accumulateWindow, flipCopy, gaussianWeights, normaliseBlend, windowStarts, type Flip } from './sliding';
import type { ModelLoadOptions } from './model';
import type { ProviderName } from './providers';
import { checkVolume, type VolumeLike } from './volume';
import { canonicalMapping, fromCanonical, toCanonical } from './orientation';

/**
 * The liver → tumour cascade (segmentation way 3):
 * 1. liver stage on every slice (whole slice resampled to the model size, 2.5D stack), probabilities
 *    resampled back, p > threshold, then the largest 6-connected 3D component is kept;
 * 2. tumour stage on the slices that contain liver, fed the square region around the liver's bounding box;
 *    tumour voxels are kept only inside the liver.
 * Output: a LiTS label map (0 background, 1 liver, 2 tumour), Uint8, same grid as the input. An input with a
 * `direction` is first permuted/flipped into the training axis order and the labels mapped back.
 */
export interface CascadeProgress {
  stage: 'liver' | 'postprocess' | 'tumour' | 'done';
  /** Overall fraction 0..1. */
  fraction: number;
  slicesDone?: number;
  slicesTotal?: number;
}

export interface CascadeOptions {
  /** Slices per session.run (default 8). */
  batchSize?: number;
  onProgress?: (p: CascadeProgress) => void;
  /** Skip the tumour stage even when a tumour model is present. */
  liverOnly?: boolean;
  /** Checked after every batch: an aborted signal stops the run (throws its reason). */
  signal?: AbortSignal;
  /** Flip test-time augmentation: average the flips each stage's manifest lists in `input.ttaFlips`. */
  tta?: boolean;
  /** Overlap of sliding windows for patch models (default 0.5). */
  overlap?: number;
  /**
   * Reuse this buffer for the labels (length nx·ny·nz; it is cleared first). A long-running worker that
   * segments many volumes of one size saves the page faults of a fresh 26 MB array per volume, which on
   * sandboxed hosts cost more than the whole post-processing (see the bench).
   */
  labelsOut?: Uint8Array;
  /** Blend even a single window (tests/diagnostics: must give the same labels as the direct path). */
  alwaysBlend?: boolean;
  /**
   * Overlap input preparation and post-processing with session.run (default true; it only overlaps when the
   * models run in a worker thread, `load(..., { thread: true })`, the default of `SegmentationCascade.load`).
   * false: the sequential path (same labels).
   */
  pipeline?: boolean;
  /** Tumour probability threshold instead of the tumour manifest's `output.threshold` (post-processing studies). */
  tumourThreshold?: number;
}

export interface CascadeResult {
  labels: Uint8Array;
  dims: [number, number, number];
  liverVoxels: number;
  tumourVoxels: number;
  provider: ProviderName;
  models: string[];
  /**
   * totalMs = sessionRunMs + outsideRunMs. Outside: preprocessMs (windowing, resampling, 2.5D stacks,
   * window/flip copies), postprocessMs (probabilities, back-mapping, components, labels, orientation) and the
   * rest (input validation, tensor wrapping, reorientation of the input, awaits).
   */
  timings: {
    totalMs: number;
    sessionRunMs: number;
    outsideRunMs: number;
    slices: number;
    preprocessMs: number;
    postprocessMs: number;
    /** Per stage (liver, tumour when run): wall, Σ session.run, outside, pre/post-processing. */
    stages: StageTiming[];
  };
}

export class SegmentationCascade {
  constructor(
    readonly liver: SegmentationModel,
    readonly tumour?: SegmentationModel,
    readonly id = liver.key,
  ) {
    if (liver.manifest.task !== 'liver-segmentation')
      throw new Error(`cascade: ${liver.key} is a ${liver.manifest.task} model, not a liver model`);
    if (tumour && tumour.manifest.task !== 'tumour-segmentation') {
      throw new Error(`cascade: ${tumour.key} is a ${tumour.manifest.task} model, not a tumour model`);
    }
  }

  /**
   * Loads a cascade (or a lone liver model) directory; sessions come from `registry` when given (warm reuse).
   * `tumourDir` replaces (or adds) the tumour stage: an uploaded tumour model behind the bundled or another
   * liver stage; the cascade's id then names both stages (`liver-id@v+tumour-id@v`).
   * Sessions run in worker threads (`thread`, default true unless HEPATOSCOPE_ORT_THREAD=0), so that batches
   * are prepared and post-processed while another runs.
   */
  static async load(
    dir: string,
    opts: ModelLoadOptions & { registry?: ModelRegistry; tumourDir?: string } = {},
  ): Promise<SegmentationCascade> {
    const c = resolveCascade(dir);
    const lo: ModelLoadOptions = { ...opts, thread: opts.thread ?? process.env.HEPATOSCOPE_ORT_THREAD !== '0' };
    const get = (d: string) => (opts.registry ? opts.registry.get(d, lo) : SegmentationModel.load(d, lo));
    const tumourDir = opts.tumourDir ?? c.tumourDir;
    const liver = await get(c.liverDir);
    const tumour = tumourDir ? await get(tumourDir) : undefined;
    const id = opts.tumourDir && tumour ? `${liver.key}+${tumour.key}` : `${c.id}@${c.version}`;
    return new SegmentationCascade(liver, tumour, id);
  }

  async segment(volume: VolumeLike, opts: CascadeOptions = {}): Promise<CascadeResult> {
    const t0 = performance.now();
    const srcDims = checkVolume(volume, 'cascade input');
    // Bring the image into the axis order the models were trained in (see orientation.ts).
    const mapping = canonicalMapping(srcDims, volume.direction);
    if (!mapping.identity) {
      volume = {
        ...volume,
        dims: mapping.dims,
        data: toCanonical(volume.data as Float32Array, mapping, (n) => new Float32Array(n)),
      };
    }
    const dims = mapping.dims;
    const [nx, ny, nz] = dims;
    const spacing = permutedSpacing(volume.spacing, mapping.identity ? [0, 1, 2] : mapping.perm);
    const batch = Math.max(1, Math.floor(opts.batchSize ?? 8));
    const progress = opts.onProgress ?? (() => {});
    const run0 = this.liver.runMs + (this.tumour?.runMs ?? 0);
    const useTumour = !!this.tumour && !opts.liverOnly;
    const liverShare = useTumour ? 0.6 : 0.95;
    const times = { pre: 0, post: 0 };
    const stages: StageTiming[] = [];
    const stageOpts = (name: string): StageOptions => {
      const st: StageTiming = {
        stage: name,
        wallMs: 0,
        sessionRunMs: 0,
        outsideMs: 0,
        preprocessMs: 0,
        postprocessMs: 0,
        runs: 0,
        items: 0,
      };
      stages.push(st);
      return {
        stage: st,
        pipeline: opts.pipeline,
        times,
        batch,
        spacing,
        tta: !!opts.tta,
        overlap: opts.overlap ?? 0.5,
        alwaysBlend: opts.alwaysBlend,
        signal: opts.signal,
      };
    };

    // Stage 1: liver on every slice; probabilities stay on the model plane and come back as runs.
    const full: Region = { x0: 0, y0: 0, x1: nx, y1: ny };
    const allZ = Array.from({ length: nz }, (_, z) => z);
    const liverRuns = await runStage(this.liver, volume.data, dims, allZ, full, {
      ...stageOpts('liver'),
      onBatch: (done) =>
        progress({ stage: 'liver', fraction: (liverShare * done) / nz, slicesDone: done, slicesTotal: nz }),
    });
    progress({ stage: 'postprocess', fraction: liverShare });
    const tCc = performance.now();
    const liver = largestRunComponent(liverRuns, ny, nz);
    const n = nx * ny * nz;
    if (opts.labelsOut && opts.labelsOut.length !== n)
      throw new Error(`cascade: labelsOut holds ${opts.labelsOut.length} voxels, the image has ${n}`);
    const labels = opts.labelsOut && mapping.identity ? opts.labelsOut.fill(0) : new Uint8Array(n);
    fillRuns(labels, liver, nx, ny, 1);
    const ext = runExtent(liver);
    const liverVoxels = ext?.voxels ?? 0;
    let ccMs = performance.now() - tCc;

    // Stage 2: tumour inside the liver's region, on the slices that contain liver.
    let tumourVoxels = 0;
    if (useTumour && ext && this.tumour) {
      const region = regionAroundBox(ext.xmin, ext.xmax, ext.ymin, ext.ymax);
      const zs = ext.zs;
      const tum = await runStage(this.tumour, volume.data, dims, zs, region, {
        ...stageOpts('tumour'),
        threshold: opts.tumourThreshold,
        onBatch: (done) =>
          progress({
            stage: 'tumour',
            fraction: liverShare + ((0.98 - liverShare) * done) / zs.length,
            slicesDone: done,
            slicesTotal: zs.length,
          }),
      });
      const tMerge = performance.now();
      const d = tum.data;
      for (let r = 0, o = 0; r < tum.length; r++, o += 4) {
        const row = (d[o] * ny + d[o + 1]) * nx;
        for (let i = row + d[o + 2], end = row + d[o + 3]; i < end; i++) {
          if (labels[i] === 1) {
            labels[i] = 2;
            tumourVoxels++;
          }
        }
      }
      ccMs += performance.now() - tMerge;
    }
    const tBack = performance.now();
    const out = fromCanonical(labels, mapping, (len) => (opts.labelsOut ? opts.labelsOut : new Uint8Array(len)));
    ccMs += performance.now() - tBack;
    const totalMs = performance.now() - t0;
    const sessionRunMs = this.liver.runMs + (this.tumour?.runMs ?? 0) - run0;
    progress({ stage: 'done', fraction: 1 });
    return {
      labels: out,
      dims: srcDims,
      liverVoxels,
      tumourVoxels,
      provider: this.liver.provider,
      models: [this.liver.key, ...(useTumour && this.tumour ? [this.tumour.key] : [])],
      timings: {
        totalMs,
        sessionRunMs,
        outsideRunMs: totalMs - sessionRunMs,
        slices: nz,
        preprocessMs: times.pre,
        postprocessMs: times.post + ccMs,
        stages,
      },
    };
  }
}

/** The parts of a SegmentationModel a stage needs (a test may pass a stand-in with a known function). */
export type StageModel = Pick<SegmentationModel, 'manifest' | 'itemShape' | 'run'>;

export interface StageOptions {
  /** Slices per session.run (windows and flips of those slices go into the same run, ≤ 64 items). */
  batch: number;
  /** Voxel spacing [x, y, z] in mm (used by patch models with `input.spacingMm`). */
  spacing: readonly number[];
  /** Average the predictions of the flips in the manifest's `input.ttaFlips`. */
  tta?: boolean;
  /** Window overlap for patch models (default 0.5). */
  overlap?: number;
  /** Use the blending path even for one window without TTA (tests: it must equal the direct path). */
  alwaysBlend?: boolean;
  signal?: AbortSignal;
  onBatch?: (slicesDone: number) => void;
  /** Called with each slice's foreground probability plane (PH×PW over the region) before thresholding. */
  onPlane?: (z: number, prob: Float32Array, PH: number, PW: number) => void;
  /** Accumulates milliseconds spent building inputs (`pre`) and turning outputs into runs (`post`). */
  times?: { pre: number; post: number };
  /**
   * Overlap preparation and post-processing with session.run (default true; a worker-thread session): two batches
   * are queued at the session; while batch k runs, batch k-1's output becomes runs and batch k+1's input is
   * built. Same result as false (the sequential order).
   */
  pipeline?: boolean;
  /** Filled with this stage's timings. */
  stage?: StageTiming;
  /** Probability threshold instead of the manifest's `output.threshold`. */
  threshold?: number;
}

/** Timings of one stage (liver or tumour). outsideMs = wallMs - sessionRunMs: wall time with no run in flight. */
export interface StageTiming {
  stage: string;
  wallMs: number;
  /** Σ session.run wall time (measured where it runs: this thread or the session's worker thread). */
  sessionRunMs: number;
  outsideMs: number;
  /** Main-thread time building inputs / turning outputs into runs (overlaps session.run when pipelined). */
  preprocessMs: number;
  postprocessMs: number;
  runs: number;
  items: number;
}

const MAX_ITEMS = 64;

/**
 * Runs one stage over slices `zs` (ascending) on an in-plane `region` and returns the runs of voxels whose
 * foreground probability, resampled back bilinearly, exceeds the manifest threshold.
 *
 * - plane: the region resampled to the model size (H×W), or for a patch model (`input.spacingMm`) to that
 *   spacing (PH×PW ≥ H×W); every source slice is windowed and resampled once and reused by the 2.5D stacks
 *   of its neighbours;
 * - windows: one when the plane is the model size, else overlapping H×W windows (`windowStarts`) blended
 *   with Gaussian weights (`gaussianWeights`);
 * - TTA: each window is also run flipped (`input.ttaFlips`), each prediction flipped back and averaged;
 * - all windows × flips of up to `batch` slices go into one session.run.
 */
export async function runStage(
  model: StageModel,
  data: ArrayLike<number>,
  dims: readonly [number, number, number],
  zs: readonly number[],
  region: Region,
  o: StageOptions,
): Promise<RunList> {
  const [nx, ny, nz] = dims;
  const m = model.manifest;
  const [C, H, W] = model.itemShape;
  const K = m.output.classes.length;
  const t = o.threshold ?? m.output.threshold;
  if (!(t > 0 && t < 1)) throw new Error(`runStage: threshold must be in (0, 1), got ${t}`);
  const cls = K === 1 ? 0 : 1;
  let PH = H;
  let PW = W;
  if (m.input.spacingMm) {
    const [sr, sc] = m.input.spacingMm;
    PW = Math.max(W, Math.round(((region.x1 - region.x0) * (o.spacing[0] ?? 1)) / sc));
    PH = Math.max(H, Math.round(((region.y1 - region.y0) * (o.spacing[1] ?? 1)) / sr));
  }
  const ys = windowStarts(PH, H, o.overlap ?? 0.5);
  const xs = windowStarts(PW, W, o.overlap ?? 0.5);
  const flips: (Flip | null)[] = [null, ...(o.tta ? (m.input.ttaFlips ?? []) : [])];
  const perSlice = ys.length * xs.length * flips.length;
  const direct = perSlice === 1 && !o.alwaysBlend;
  const lazy = direct && m.output.activation === 'softmax' && K === 2 && !o.onPlane;
  const spb = Math.max(1, Math.min(o.batch, Math.floor(MAX_ITEMS / perSlice)));
  const ax = axisWeights(nx, region.x0, region.x1, PW);
  const ay = axisWeights(ny, region.y0, region.y1, PH);
  const map = backMap(region, PH, PW, nx, ny);
  const scratch = runScratch(Math.max(PH, H));
  const runs = new RunList(4096);
  const P = PH * PW;
  const hw = H * W;

  // Windowed, resampled source planes by slice index (each computed once; evicted behind the batch).
  const cache = new Map<number, Float32Array>();
  const pool: Float32Array[] = [];
  const plane = (z: number): Float32Array => {
    let p = cache.get(z);
    if (!p) {
      p = pool.pop() ?? new Float32Array(P);
      resamplePlane(data, nx, ny, z, ax, ay, m.input.window, p, 0);
      cache.set(z, p);
    }
    return p;
  };
  const offsets = m.input.sliceOffsets;
  const clampZ = (z: number) => (z < 0 ? 0 : z > nz - 1 ? nz - 1 : z);

  const full = spb * perSlice;
  const prob = new Float32Array(full * hw);
  const item = direct ? null : new Float32Array(C * hw);
  const back = direct ? null : new Float32Array(hw);
  const weights = !direct && (ys.length * xs.length > 1 || o.alwaysBlend) ? gaussianWeights(H, W) : null;
  const acc = direct ? null : new Float64Array(P);
  const wsum = direct ? null : new Float64Array(P);
  const blended = direct ? null : new Float32Array(P);
  // Input and output buffers, reused across batches: two of each when pipelining (one in flight, one being
  // filled or read). A worker-thread session moves a buffer to its thread and back; `run` hands it back.
  const pipeline = o.pipeline ?? true;
  const inLen = full * C * hw;
  const outItem = m.output.shape.slice(1).every((d) => d > 0) ? m.output.shape.slice(1).reduce((a, b) => a * b, 1) : 0;
  const inFree: ArrayBuffer[] = [];
  const outFree: ArrayBuffer[] = [];
  const takeIn = () => inFree.pop() ?? new ArrayBuffer(inLen * 4);
  const takeOut = () => (outItem ? (outFree.pop() ?? new ArrayBuffer(full * outItem * 4)) : null);
  const giveBack = (free: ArrayBuffer[], bytes: number, a: Float32Array | undefined) => {
    if (a && a.buffer.byteLength === bytes && !free.includes(a.buffer as ArrayBuffer))
      free.push(a.buffer as ArrayBuffer);
  };
  const st = o.stage;
  const tStage = performance.now();
  let preMs = 0;
  let postMs = 0;
  const nChunks = Math.ceil(zs.length / spb);

  /** Fills an input buffer with batch `ci` (2.5D stacks, windows, flips); returns the item count. */
  const prepare = (ci: number, input: Float32Array): number => {
    const tPre = performance.now();
    const s = ci * spb;
    const chunk = zs.slice(s, s + spb);
    let k = 0;
    for (const z of chunk) {
      if (direct) {
        for (let c = 0; c < C; c++) input.set(plane(clampZ(z + offsets[c])), (k * C + c) * hw);
        k++;
        continue;
      }
      for (const oy of ys)
        for (const ox of xs) {
          for (let c = 0; c < C; c++) {
            const src = plane(clampZ(z + offsets[c]));
            for (let i = 0; i < H; i++) {
              const r = (oy + i) * PW + ox;
              item!.set(src.subarray(r, r + W), c * hw + i * W);
            }
          }
          for (const f of flips) flipCopy(item!, 0, input, k++ * C * hw, C, H, W, f);
        }
    }
    // evict planes no later slice needs (zs ascending)
    const nextZ = s + spb < zs.length ? zs[s + spb] : Infinity;
    const keepFrom = nextZ + Math.min(...offsets);
    for (const [z, p] of cache)
      if (z < keepFrom) {
        cache.delete(z);
        pool.push(p);
      }
    preMs += performance.now() - tPre;
    return k;
  };

  /** Prepares batch `ci` and starts its session.run (not awaited). */
  const launch = (ci: number) => {
    const inBuf = takeIn();
    const n = prepare(ci, new Float32Array(inBuf));
    const outBuf = takeOut();
    const sentAt = performance.now();
    const promise = model.run(
      new Float32Array(inBuf, 0, n * C * hw),
      n,
      outBuf ? new Float32Array(outBuf, 0, n * outItem) : undefined,
    );
    return { ci, n, sentAt, promise, inBuf, outBuf };
  };

  /** Probabilities → (blend) → runs for batch `ci`'s output. */
  const finish = (ci: number, n: number, logits: Float32Array) => {
    const tPost = performance.now();
    const chunk = zs.slice(ci * spb, ci * spb + spb);
    if (lazy) {
      for (let b = 0; b < n; b++) {
        if (twoClassProbabilityNearHot(logits, b, H, W, cls, t, prob, b * hw, scratch.lo, scratch.hi) > 0)
          planeToRuns(prob, b * hw, map, chunk[b], t, runs, scratch);
      }
    } else {
      foregroundProbability(logits, n, K, hw, m.output.activation, cls, prob);
      if (direct) {
        for (let b = 0; b < n; b++) {
          o.onPlane?.(chunk[b], prob.subarray(b * hw, (b + 1) * hw), PH, PW);
          planeToRuns(prob, b * hw, map, chunk[b], t, runs, scratch);
        }
      } else {
        let k = 0;
        for (const z of chunk) {
          acc!.fill(0);
          wsum!.fill(0);
          for (const oy of ys)
            for (const ox of xs)
              for (const f of flips) {
                flipCopy(prob, k++ * hw, back!, 0, 1, H, W, f);
                accumulateWindow(back!, 0, H, W, weights, acc!, wsum!, PW, oy, ox);
              }
          normaliseBlend(acc!, wsum!, blended!);
          o.onPlane?.(z, blended!, PH, PW);
          planeToRuns(blended!, 0, map, z, t, runs, scratch);
        }
      }
    }
    postMs += performance.now() - tPost;
  };

  // Pipelined (a worker-thread session): two batches are handed to the session at a time, so it never waits for
  // this thread between runs; while batch k+1 runs, batch k's output becomes runs and batch k+2 is prepared.
  // Sequential (pipeline false, or a main-thread session, which runs the graph on this thread anyway): one batch
  // at a time. Runs are appended in batch order either way, so both give the same labels.
  const inThread = (model as { inThread?: boolean }).inThread;
  const depth = pipeline && inThread !== false ? 2 : 1;
  const inflight: ReturnType<typeof launch>[] = [];
  let next = 0;
  try {
    while (next < nChunks && inflight.length < depth) inflight.push(launch(next++));
    for (let ci = 0; ci < nChunks; ci++) {
      const c = inflight.shift()!;
      const res = await c.promise;
      const resolvedAt = performance.now();
      if (st) {
        st.sessionRunMs += res.runMs ?? resolvedAt - c.sentAt;
        st.runs++;
        st.items += c.n;
      }
      giveBack(inFree, inLen * 4, res.input ?? new Float32Array(c.inBuf));
      finish(ci, c.n, res.data);
      if (outItem) giveBack(outFree, full * outItem * 4, res.data);
      while (next < nChunks && inflight.length < depth) inflight.push(launch(next++));
      o.onBatch?.(Math.min(zs.length, (ci + 1) * spb));
      o.signal?.throwIfAborted();
    }
  } finally {
    // an error or abort with batches in flight: let them finish (and fail) quietly
    for (const c of inflight) c.promise.catch(() => {});
    if (o.times) {
      o.times.pre += preMs;
      o.times.post += postMs;
    }
    if (st) {
      st.wallMs += performance.now() - tStage;
      st.outsideMs = st.wallMs - st.sessionRunMs;
      st.preprocessMs += preMs;
      st.postprocessMs += postMs;
    }
  }
  return runs;
}

/** Spacing [x, y, z] in canonical axis order (perm[r] = source axis of output axis r). */
function permutedSpacing(spacing: readonly number[], perm: readonly number[]): number[] {
  return [spacing[perm[0]] ?? 1, spacing[perm[1]] ?? 1, spacing[perm[2]] ?? 1];
}
