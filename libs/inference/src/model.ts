import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadStage, type LoadedStage, type StageManifest } from './manifest';
import {
  createSession,
  sessionOptions,
  type CreateSessionOptions,
  type ProviderAttempt,
  type ProviderName,
} from './providers';
import { ThreadedSession, type SessionInfo } from './session-thread';

export interface ModelLoadOptions extends CreateSessionOptions {
  /**
   * Run the session in a worker thread (`session-thread.ts`): `run` then leaves the JavaScript thread free, so a
   * caller can prepare the next batch and post-process the previous one while a batch runs. The provider is
   * chosen (and the graph checked) on this thread first; that session is then released. Default false.
   */
  thread?: boolean;
}

/** What `SegmentationModel.run` returns. */
export interface ModelRunResult {
  /** Output logits n×K×H×W (the `out` buffer when one was passed). */
  data: Float32Array;
  dims: readonly number[];
  /** The input, handed back when its buffer was moved to a worker thread and back (reuse this one). */
  input?: Float32Array;
  /** Milliseconds inside session.run. */
  runMs?: number;
  /** When session.run returned (`performance.now()` clock of the caller's thread). */
  doneAt?: number;
}

/**
 * The onnxruntime-node Tensor constructor, imported once: a dynamic import per batch goes through the module
 * loader every time (under tsx its hooks run on another thread) and cost ~10 ms per call.
 */
let ortTensor: typeof import('onnxruntime-node').Tensor | undefined;

/**
 * A loaded, checksum-verified ONNX segmentation stage with a warm session. `run` validates the input
 * tensor against the manifest (dtype, rank, every fixed dimension) and the output the model returns,
 * and accumulates the time spent inside `session.run` so callers can report pre/post-processing overhead.
 */
export class SegmentationModel {
  /** Milliseconds spent inside session.run since load (or since resetTimers). */
  runMs = 0;
  runs = 0;

  private constructor(
    readonly stage: LoadedStage,
    private readonly main: InferenceSession | null,
    readonly provider: ProviderName,
    readonly attempts: ProviderAttempt[],
    private readonly threaded: ThreadedSession | null = null,
  ) {}

  /** The session's names and metadata (a worker-thread session mirrors them). */
  get session(): SessionInfo {
    return (this.threaded ?? this.main)!;
  }

  /** True when session.run happens in a worker thread. */
  get inThread(): boolean {
    return this.threaded !== null;
  }

  get manifest(): StageManifest {
    return this.stage.manifest;
  }
  get key(): string {
    return `${this.manifest.id}@${this.manifest.version}`;
  }

  /** Loads DIR (manifest.json + model.onnx), verifies the checksum and creates the session. */
  static async load(dir: string, opts: ModelLoadOptions = {}): Promise<SegmentationModel> {
    const stage = loadStage(dir);
    const choice = await createSession(stage.modelBytes, opts);
    const model = new SegmentationModel(stage, choice.session, choice.provider, choice.attempts);
    try {
      model.checkSessionAgainstManifest();
    } catch (e) {
      await choice.session.release();
      throw e;
    }
    if (!opts.thread) return model;
    await choice.session.release();
    const threaded = await ThreadedSession.create(stage.modelBytes, sessionOptions(choice.provider, opts));
    return new SegmentationModel(stage, null, choice.provider, choice.attempts, threaded);
  }

  /** The session's input/output names (and shapes where the model declares them) must match the manifest. */
  private checkSessionAgainstManifest(): void {
    const m = this.manifest;
    const s = this.session;
    if (!s.inputNames.includes(m.input.name)) {
      throw new Error(
        `model ${this.key}: manifest input "${m.input.name}" is not an input of the ONNX graph (${s.inputNames.join(', ')})`,
      );
    }
    if (!s.outputNames.includes(m.output.name)) {
      throw new Error(
        `model ${this.key}: manifest output "${m.output.name}" is not an output of the ONNX graph (${s.outputNames.join(', ')})`,
      );
    }
    const meta = (s.inputMetadata ?? []).find((x) => x.name === m.input.name);
    if (meta && meta.isTensor) {
      if (meta.type !== m.input.dtype) {
        throw new Error(
          `model ${this.key}: graph input "${meta.name}" is ${meta.type} but the manifest says ${m.input.dtype}`,
        );
      }
      const gs = meta.shape;
      if (gs.length && gs.length !== m.input.shape.length) {
        throw new Error(
          `model ${this.key}: graph input has rank ${gs.length} but the manifest shape has rank ${m.input.shape.length}`,
        );
      }
      gs.forEach((d, i) => {
        const md = m.input.shape[i];
        if (typeof d === 'number' && d > 0 && md !== -1 && d !== md) {
          throw new Error(`model ${this.key}: graph input dim ${i} is ${d} but the manifest says ${md}`);
        }
      });
    }
  }

  /** Expected [C, H, W] of one input item. */
  get itemShape(): [number, number, number] {
    const m = this.manifest.input;
    return [m.sliceOffsets.length, m.size[0], m.size[1]];
  }

  /** Values of one output item (K×H×W), or null when the manifest leaves a dimension dynamic. */
  get outputItemSize(): number | null {
    const [, ...rest] = this.manifest.output.shape;
    return rest.every((d) => d > 0) ? rest.reduce((a, b) => a * b, 1) : null;
  }

  /**
   * Runs a batch: `data` holds n items of C×H×W float32 (NCHW). Returns the output logits (n×K×H×W).
   * `out` (optional, exactly n·K·H·W values) receives the output instead of a fresh array. In a worker thread
   * (`thread: true`) the buffers of `data` and `out` are moved to the thread while it runs: use the returned
   * `input` and `data` afterwards. Errors name the expected and actual shape.
   */
  async run(data: Float32Array, n: number, out?: Float32Array): Promise<ModelRunResult> {
    const shape = [n, ...this.itemShape];
    validateInput(this.manifest, data, shape, this.key);
    const outShape = this.manifest.output.shape.map((d, i) => (i === 0 ? n : d));
    if (out && (outShape.some((d) => d < 0) || out.length !== outShape.reduce((a, b) => a * b, 1)))
      throw new Error(
        `model ${this.key}: output buffer holds ${out.length} values, the output [${outShape.join(', ')}] needs another size`,
      );
    const what = `model ${this.key}: output "${this.manifest.output.name}"`;
    if (this.threaded) {
      const r = await this.threaded
        .run(this.manifest.input.name, data, shape, this.manifest.output.name, out && { data: out, shape: outShape })
        .catch((e: Error) => {
          throw new Error(`model ${this.key}: ${e.message}`);
        });
      this.runMs += r.runMs;
      this.runs++;
      if (r.type !== 'float32') throw new Error(`${what} is ${r.type}, expected float32`);
      checkShape(r.dims, outShape, what);
      return { data: r.data, dims: r.dims, input: r.input, runMs: r.runMs, doneAt: r.doneAt };
    }
    const OrtTensor = ortTensor ?? (ortTensor = (await import('onnxruntime-node')).Tensor);
    const feeds: Record<string, Tensor> = { [this.manifest.input.name]: new OrtTensor('float32', data, shape) };
    const fetches = out ? { [this.manifest.output.name]: new OrtTensor('float32', out, outShape) } : undefined;
    // onnxruntime-node runs the graph synchronously in a setImmediate: yield first, so that whatever the caller
    // does before awaiting this promise is not timed as session.run
    await new Promise<void>((r) => setImmediate(r));
    const t0 = performance.now();
    const res = fetches ? await this.main!.run(feeds, fetches) : await this.main!.run(feeds);
    const doneAt = performance.now();
    const runMs = doneAt - t0;
    this.runMs += runMs;
    this.runs++;
    const t = res[this.manifest.output.name] as Tensor | undefined;
    if (!t) throw new Error(`model ${this.key}: session returned no output "${this.manifest.output.name}"`);
    if (t.type !== 'float32') throw new Error(`${what} is ${t.type}, expected float32`);
    checkShape(t.dims, outShape, what);
    return { data: out ?? (t.data as Float32Array), dims: t.dims, runMs, doneAt };
  }

  async release(): Promise<void> {
    await (this.threaded ?? this.main)!.release();
  }
}

/** Checks a candidate input against the manifest's dtype and fixed dims (dim -1 = any). */
export function validateInput(m: StageManifest, data: unknown, shape: readonly number[], what = m.id): void {
  if (!(data instanceof Float32Array)) {
    const name = (data as object | null)?.constructor?.name ?? typeof data;
    throw new Error(`model ${what}: input must be a Float32Array (manifest dtype ${m.input.dtype}), got ${name}`);
  }
  checkShape(shape, m.input.shape, `model ${what}: input "${m.input.name}"`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) {
    throw new Error(`model ${what}: input has ${data.length} values but shape [${shape.join(', ')}] needs ${count}`);
  }
}

function checkShape(actual: readonly number[], expected: readonly number[], what: string): void {
  const ok = actual.length === expected.length && expected.every((d, i) => d === -1 || d === actual[i]);
  if (!ok) {
    throw new Error(
      `${what} has shape [${actual.join(', ')}] but [${expected.map((d) => (d === -1 ? 'N' : d)).join(', ')}] was expected`,
    );
  }
}

/**
 * A registry of warm sessions keyed by directory + provider order, so a worker loads each model once and
 * reuses it across jobs.
 */
export class ModelRegistry {
  private readonly cache = new Map<string, Promise<SegmentationModel>>();
  constructor(private readonly defaults: ModelLoadOptions = {}) {}

  get(dir: string, opts: ModelLoadOptions = {}): Promise<SegmentationModel> {
    const merged = { ...this.defaults, ...opts };
    const key = `${dir}|${String(merged.providers ?? process.env.HEPATOSCOPE_ORT_PROVIDERS ?? 'cpu')}|${merged.thread ? 'thread' : 'main'}`;
    let p = this.cache.get(key);
    if (!p) {
      p = SegmentationModel.load(dir, merged);
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }

  async close(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    for (const p of all) {
      try {
        await (await p).release();
      } catch {
        /* a failed load has nothing to release */
      }
    }
  }
}
