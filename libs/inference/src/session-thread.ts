import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';

/**
 * An onnxruntime-node session living in a worker thread.
 *
 * onnxruntime-node's `session.run` is asynchronous in name only: its binding runs the graph synchronously on the
 * JavaScript thread (inside a `setImmediate`), so nothing else — preparing the next batch, blending the previous
 * one — can happen while it runs. In a worker thread the main thread stays free: `run` posts the input (its
 * buffer transferred, not copied), the worker runs the session (writing into the caller's preallocated output
 * buffer when one is given) and posts both buffers back, so the caller can reuse them.
 *
 * The worker's code is a string (no file to locate next to a bundle); it requires onnxruntime-node by the path
 * the main thread resolves. Workers are unref'd: an unreleased session does not keep a process alive.
 */

/** The session surface the rest of the library reads (names and metadata) besides running it. */
export type SessionInfo = Pick<InferenceSession, 'inputNames' | 'outputNames' | 'inputMetadata' | 'outputMetadata'>;

export interface ThreadRunResult {
  /** The output tensor's data (the preallocated buffer when one was passed). */
  data: Float32Array;
  dims: readonly number[];
  type: string;
  /** The input, handed back (its buffer was transferred to the worker and back). */
  input: Float32Array;
  /** Milliseconds inside session.run, measured in the worker. */
  runMs: number;
  /** When session.run returned, on this thread's `performance.now()` clock. */
  doneAt: number;
}

const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const abs = () => performance.timeOrigin + performance.now();
(async () => {
  let session;
  try {
    session = await ort.InferenceSession.create(workerData.bytes, workerData.options);
  } catch (e) {
    parentPort.postMessage({ kind: 'failed', message: String((e && e.message) || e) });
    return;
  }
  const plain = (m) => m.map((x) => (x.isTensor ? { name: x.name, isTensor: true, type: x.type, shape: [...x.shape] } : { name: x.name, isTensor: false }));
  parentPort.postMessage({
    kind: 'ready',
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    inputMetadata: plain(session.inputMetadata || []),
    outputMetadata: plain(session.outputMetadata || []),
  });
  // one run at a time, in order: a batch queued while another runs starts (and is timed) when that one returns
  let queue = Promise.resolve();
  parentPort.on('message', (m) => {
    queue = queue.then(() => handle(m));
  });
  async function handle(m) {
    if (m.kind === 'release') {
      try { await session.release(); } finally { parentPort.postMessage({ kind: 'released' }); }
      return;
    }
    const back = [m.data.buffer];
    if (m.out) back.push(m.out.buffer);
    try {
      const feeds = { [m.inputName]: new ort.Tensor('float32', m.data, m.shape) };
      const fetches = m.out ? { [m.outputName]: new ort.Tensor('float32', m.out, m.outShape) } : undefined;
      const t0 = performance.now();
      const r = fetches ? await session.run(feeds, fetches) : await session.run(feeds);
      const runMs = performance.now() - t0;
      const doneAt = abs();
      const t = r[m.outputName];
      if (!t) {
        parentPort.postMessage({ kind: 'error', id: m.id, message: 'session returned no output "' + m.outputName + '"', input: m.data, out: m.out }, back);
        return;
      }
      const data = m.out || t.data;
      if (!m.out && t.data && t.data.buffer) back.push(t.data.buffer);
      parentPort.postMessage({ kind: 'result', id: m.id, data, dims: [...t.dims], type: t.type, input: m.data, runMs, doneAt }, back);
    } catch (e) {
      parentPort.postMessage({ kind: 'error', id: m.id, message: String((e && e.message) || e), input: m.data, out: m.out }, back);
    }
  }
})();
`;

type Pending = { resolve: (r: ThreadRunResult) => void; reject: (e: Error) => void };

export class ThreadedSession implements SessionInfo {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
    readonly inputMetadata: InferenceSession['inputMetadata'],
    readonly outputMetadata: InferenceSession['outputMetadata'],
  ) {
    worker.on('message', (m: { kind: string; id?: number } & Record<string, unknown>) => {
      if (m.kind !== 'result' && m.kind !== 'error') return;
      const p = this.pending.get(m.id!);
      if (!p) return;
      this.settle(m.id!);
      if (m.kind === 'error') p.reject(new Error(String(m.message)));
      else
        p.resolve({
          data: m.data as Float32Array,
          dims: m.dims as number[],
          type: m.type as string,
          input: m.input as Float32Array,
          runMs: m.runMs as number,
          doneAt: (m.doneAt as number) - performance.timeOrigin,
        });
    });
    const fail = (e: Error) => {
      this.dead = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      worker.unref();
    };
    worker.on('error', (e) => fail(new Error(`onnxruntime worker thread failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`onnxruntime worker thread exited (code ${code})`)));
    // adding a 'message' listener refs the worker's port again (Node refs a MessagePort when it gains one):
    // unref after the listeners, or an idle unreleased session keeps the process (a CLI run, a test runner)
    // alive; `run` refs it while a batch is in flight, or the process could exit awaiting its result
    worker.unref();
  }

  /** Keeps the process alive exactly while a batch is in flight (an idle session never holds it open). */
  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  /** Creates the session in a new worker thread with exactly these session options (one provider). */
  static create(bytes: Uint8Array, options: InferenceSession.SessionOptions): Promise<ThreadedSession> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // the bytes are copied into the worker (structured clone); the caller keeps its own
      workerData: { bytes, options, ortPath: require.resolve('onnxruntime-node') },
    });
    worker.unref();
    return new Promise((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new Error(`onnxruntime worker thread exited (code ${code}) while loading`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (m: Record<string, unknown>) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (m.kind !== 'ready') {
          void worker.terminate();
          reject(new Error(`onnxruntime worker thread could not load the model: ${String(m.message)}`));
          return;
        }
        resolve(
          new ThreadedSession(
            worker,
            m.inputNames as string[],
            m.outputNames as string[],
            m.inputMetadata as InferenceSession['inputMetadata'],
            m.outputMetadata as InferenceSession['outputMetadata'],
          ),
        );
      });
    });
  }

  /**
   * Runs one batch. `data`'s buffer (and `out`'s, when given) is TRANSFERRED to the worker: both are unusable
   * here until the result hands them back (`input`, `data`). `out` must hold exactly the output's values.
   */
  run(
    inputName: string,
    data: Float32Array,
    shape: readonly number[],
    outputName: string,
    out?: { data: Float32Array; shape: readonly number[] },
  ): Promise<ThreadRunResult> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<ThreadRunResult>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      const transfer: ArrayBuffer[] = [data.buffer as ArrayBuffer];
      if (out && out.data.buffer !== data.buffer) transfer.push(out.data.buffer as ArrayBuffer);
      this.worker.postMessage(
        {
          kind: 'run',
          id,
          inputName,
          outputName,
          data,
          shape: [...shape],
          out: out?.data,
          outShape: out && [...out.shape],
        },
        transfer,
      );
    });
  }

  /** Releases the session and ends the thread. */
  async release(): Promise<void> {
    if (this.dead) return;
    await new Promise<void>((resolve) => {
      const onMsg = (m: { kind: string }) => {
        if (m.kind === 'released') {
          this.worker.off('message', onMsg);
          resolve();
        }
      };
      this.worker.on('message', onMsg);
      this.worker.ref(); // until released
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ kind: 'release' });
    });
    await this.worker.terminate();
  }
}
