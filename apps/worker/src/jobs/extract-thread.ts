import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type * as Radiomics from '@hepatoscope/radiomics';
import type { LesionRows, LesionStart } from './extract-lesions';

/**
 * Feature extraction off the worker's main thread. With the embedded database the worker runs inside the API
 * process, and a lesion's extraction (seconds of pure computation) would otherwise freeze every API request for
 * that long. One thread per process, started on first use and kept (unref'ed while idle); requests run one at a
 * time in it. The image and the label map are copied to it once per job. An aborted job terminates the thread
 * (a new one starts for the next job). `HEPATOSCOPE_EXTRACT_THREAD=0` runs extraction in-process instead.
 */
export interface ThreadRequest {
  image: Radiomics.Image3D;
  labelMap: Parameters<typeof Radiomics.lesionsOf>[0];
  lesionOptions: Parameters<typeof Radiomics.lesionsOf>[1];
  settings: Radiomics.ExtractSettings;
}

type Message =
  | { id: number; type: 'lesion'; lesion: LesionStart }
  | { id: number; type: 'done'; result: LesionRows }
  | { id: number; type: 'error'; message: string };

interface Pending {
  worker: Worker;
  onLesion(l: LesionStart): void;
  resolve(r: LesionRows): void;
  reject(e: Error): void;
}

let thread: Worker | null = null;
let seq = 0;
const pending = new Map<number, Pending>();

export function extractionThreadEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.HEPATOSCOPE_EXTRACT_THREAD !== '0';
}

/** Rejects the requests that were running in `w` (a request of a newer thread is not affected). */
function failAll(w: Worker, e: Error) {
  for (const [id, p] of pending) {
    if (p.worker !== w) continue;
    pending.delete(id);
    p.reject(e);
  }
}

function getThread(): Worker {
  if (thread) return thread;
  const w = new Worker(join(__dirname, 'extract-thread.cjs'), { execArgv: [] });
  w.on('message', (m: Message) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === 'lesion') return p.onLesion(m.lesion);
    pending.delete(m.id);
    if (![...pending.values()].some((q) => q.worker === w)) w.unref();
    if (m.type === 'done') p.resolve(m.result);
    else p.reject(new Error(m.message));
  });
  w.on('error', (e) => {
    if (thread === w) thread = null;
    failAll(w, new Error(`feature-extraction thread failed: ${e.message}`));
  });
  w.on('exit', (code) => {
    if (thread === w) thread = null;
    failAll(w, new Error(`feature-extraction thread exited (code ${code})`));
  });
  thread = w;
  return w;
}

/** Runs {@link lesionRows} in the extraction thread; `onLesion` is called (in order) before each lesion. */
export function lesionRowsInThread(
  req: ThreadRequest,
  onLesion: (l: LesionStart) => void,
  signal?: AbortSignal,
): Promise<LesionRows> {
  signal?.throwIfAborted();
  const w = getThread();
  const id = ++seq;
  return new Promise<LesionRows>((resolve, reject) => {
    const onAbort = () => {
      pending.delete(id);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('feature-extraction aborted'));
      if (thread === w) thread = null; // the next request starts a new thread
      void w.terminate();
    };
    const done = () => signal?.removeEventListener('abort', onAbort);
    pending.set(id, {
      worker: w,
      onLesion,
      resolve: (r) => (done(), resolve(r)),
      reject: (e) => (done(), reject(e)),
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    w.ref();
    w.postMessage({ id, ...req });
  });
}

/** Stops the extraction thread (tests, shutdown); a later request starts a new one. */
export async function stopExtractionThread(): Promise<void> {
  const w = thread;
  thread = null;
  if (w) await w.terminate();
}
