/** The API's shutdown sequence: order of the steps, the worker's grace option, and the forced-exit budget. */
import {
  BOSS_STOP_MS,
  SHUTDOWN_FORCE_MS,
  stopInOrder,
  WORKER_GRACE_MS,
  WORKER_RELEASE_MS,
  type ShutdownParts,
} from './shutdown';

function recorder() {
  const calls: Array<[string, unknown]> = [];
  const parts: ShutdownParts = {
    pending: new Promise((r) => setTimeout(r, 5)).then(() => calls.push(['pending', null])),
    http: { close: async () => void calls.push(['http', null]) },
    worker: { stop: async (opts) => void calls.push(['worker', opts]) },
    boss: { stop: async (opts) => void calls.push(['boss', opts]) },
    db: { close: async () => void calls.push(['db', null]) },
  };
  return { calls, parts };
}

test('stops HTTP first, then the worker with its grace period (graceMs), then pg-boss, then the database', async () => {
  const { calls, parts } = recorder();
  await stopInOrder(parts);
  expect(calls).toEqual([
    ['pending', null],
    ['http', null],
    ['worker', { graceMs: WORKER_GRACE_MS }],
    ['boss', { graceful: true, timeout: BOSS_STOP_MS }],
    ['db', null],
  ]);
});

test('a failing step is reported and the later steps still run (the database is always closed)', async () => {
  const { calls, parts } = recorder();
  const errors: string[] = [];
  parts.worker = { stop: async () => Promise.reject(new Error('stuck job')) };
  await stopInOrder({ ...parts, onError: (step, e) => errors.push(`${step}: ${(e as Error).message}`) });
  expect(errors).toEqual(['worker: stuck job']);
  expect(calls.map((c) => c[0])).toEqual(['pending', 'http', 'boss', 'db']);
});

test('the forced exit leaves room for the worker grace, its release wait and the pg-boss stop', () => {
  expect(WORKER_GRACE_MS + WORKER_RELEASE_MS + BOSS_STOP_MS).toBeLessThan(SHUTDOWN_FORCE_MS);
  // The worker's option type is strict: the old key `timeoutMs` (silently ignored before) no longer compiles.
  const worker: NonNullable<ShutdownParts['worker']> = { stop: async () => undefined };
  // @ts-expect-error timeoutMs is not an option of RunningWorker.stop (it is graceMs)
  void worker.stop({ timeoutMs: 1 });
});
