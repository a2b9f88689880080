import { resolveCascade } from './manifest';
import { ModelRegistry, SegmentationModel } from './model';
import { fillStack, foregroundProbability, markSlice, regionAroundBox, type Region } from './preprocess';
import { largestComponent } from './postprocess';
import type { CreateSessionOptions, ProviderName } from './providers';
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
}

export interface CascadeResult {
  labels: Uint8Array;
  dims: [number, number, number];
  liverVoxels: number;
  tumourVoxels: number;
  provider: ProviderName;
  models: string[];
  timings: { totalMs: number; sessionRunMs: number; outsideRunMs: number; slices: number };
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

  /** Loads a cascade (or a lone liver model) directory; sessions come from `registry` when given (warm reuse). */
  static async load(
    dir: string,
    opts: CreateSessionOptions & { registry?: ModelRegistry } = {},
  ): Promise<SegmentationCascade> {
    const c = resolveCascade(dir);
    const get = (d: string) => (opts.registry ? opts.registry.get(d, opts) : SegmentationModel.load(d, opts));
    const liver = await get(c.liverDir);
    const tumour = c.tumourDir ? await get(c.tumourDir) : undefined;
    return new SegmentationCascade(liver, tumour, `${c.id}@${c.version}`);
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
    const batch = Math.max(1, Math.floor(opts.batchSize ?? 8));
    const progress = opts.onProgress ?? (() => {});
    const run0 = this.liver.runMs + (this.tumour?.runMs ?? 0);
    const useTumour = !!this.tumour && !opts.liverOnly;
    const liverShare = useTumour ? 0.6 : 0.95;

    // Stage 1: liver on every slice.
    const raw = new Uint8Array(nx * ny * nz);
    const full: Region = { x0: 0, y0: 0, x1: nx, y1: ny };
    const allZ = Array.from({ length: nz }, (_, z) => z);
    await this.runStage(
      this.liver,
      volume,
      dims,
      allZ,
      () => full,
      raw,
      1,
      batch,
      (done) => progress({ stage: 'liver', fraction: (liverShare * done) / nz, slicesDone: done, slicesTotal: nz }),
      opts.signal,
    );
    progress({ stage: 'postprocess', fraction: liverShare });
    const labels = largestComponent(raw, dims);

    // Stage 2: tumour inside the liver's region.
    // One pass: liver voxel count, slices containing liver and the in-plane bounding box.
    let liverVoxels = 0;
    let xmin = nx;
    let xmax = -1;
    let ymin = ny;
    let ymax = -1;
    const zs: number[] = [];
    for (let z = 0, i = 0; z < nz; z++) {
      const before = liverVoxels;
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++, i++)
          if (labels[i]) {
            liverVoxels++;
            if (x < xmin) xmin = x;
            if (x > xmax) xmax = x;
            if (y < ymin) ymin = y;
            if (y > ymax) ymax = y;
          }
      if (liverVoxels > before) zs.push(z);
    }
    let tumourVoxels = 0;
    const region = useTumour && xmax >= 0 ? regionAroundBox(xmin, xmax, ymin, ymax) : null;
    if (useTumour && region && this.tumour) {
      const tum = new Uint8Array(nx * ny * nz);
      await this.runStage(
        this.tumour,
        volume,
        dims,
        zs,
        () => region,
        tum,
        1,
        batch,
        (done) =>
          progress({
            stage: 'tumour',
            fraction: liverShare + ((0.98 - liverShare) * done) / zs.length,
            slicesDone: done,
            slicesTotal: zs.length,
          }),
        opts.signal,
      );
      for (const z of zs) {
        for (let i = z * nx * ny, end = i + nx * ny; i < end; i++) {
          if (tum[i] && labels[i]) {
            labels[i] = 2;
            tumourVoxels++;
          }
        }
      }
    }
    const totalMs = performance.now() - t0;
    const sessionRunMs = this.liver.runMs + (this.tumour?.runMs ?? 0) - run0;
    progress({ stage: 'done', fraction: 1 });
    return {
      labels: fromCanonical(labels, mapping, (n) => new Uint8Array(n)),
      dims: srcDims,
      liverVoxels,
      tumourVoxels,
      provider: this.liver.provider,
      models: [this.liver.key, ...(useTumour && this.tumour ? [this.tumour.key] : [])],
      timings: { totalMs, sessionRunMs, outsideRunMs: totalMs - sessionRunMs, slices: nz },
    };
  }

  /** Runs one stage over slices `zs` in batches, marking p > threshold voxels of `mask` with `value`. */
  private async runStage(
    model: SegmentationModel,
    volume: VolumeLike,
    dims: [number, number, number],
    zs: number[],
    regionOf: (z: number) => Region,
    mask: Uint8Array,
    value: number,
    batch: number,
    onBatch: (done: number) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const m = model.manifest;
    const [C, H, W] = model.itemShape;
    const K = m.output.classes.length;
    const input = new Float32Array(batch * C * H * W);
    const prob = new Float32Array(batch * H * W);
    // Note: onnxruntime-node runs session.run synchronously on the main thread (inside setImmediate), so
    // preparing the next batch cannot overlap with inference here; the steps simply alternate.
    for (let s = 0; s < zs.length; s += batch) {
      const chunk = zs.slice(s, s + batch);
      const n = chunk.length;
      // A short last batch gets its own exact-size buffer (ORT must not see the stale tail).
      const view = n === batch ? input : new Float32Array(n * C * H * W);
      // Items of one batch share a region here (both stages use one region per volume).
      fillStack(volume.data, dims, chunk, regionOf(chunk[0]), m.input, view);
      const out = await model.run(view, n);
      foregroundProbability(out.data, n, K, H * W, m.output.activation, K === 1 ? 0 : 1, prob);
      for (let b = 0; b < n; b++) {
        const r = regionOf(chunk[b]);
        markSlice(prob, b * H * W, H, W, r, dims[0], dims[1], chunk[b], m.output.threshold, mask, value);
      }
      onBatch(Math.min(zs.length, s + n));
      signal?.throwIfAborted();
    }
  }
}
