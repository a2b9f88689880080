/**
 * What the use cases need from the outside world, injected once by `createServices`.
 * Keeping `now` and the bcrypt cost injectable makes lockout and session expiry testable without timers.
 */
import type { Db } from '@hepatoscope/db';

export interface ServiceDeps {
  prisma: Db;
  /** Which backend the Prisma client talks to (reported by /api/health). */
  dbKind: 'pglite' | 'postgresql';
  /** Root of stored files (`${HEPATOSCOPE_DATA_DIR}/files`); storage URIs `file:<rel>` resolve below it. */
  filesDir: string;
  /** bcrypt cost factor (default 12; tests use 4). */
  bcryptCost?: number;
  /** Absolute session lifetime (default 12 h). */
  sessionTtlMs?: number;
  /** Idle timeout of a session (default 2 h). */
  sessionIdleMs?: number;
  /** How long a resolved session is cached in this process (default 5000 ms; 0 = no cache). See `createSessionCache`. */
  sessionCacheMs?: number;
  /**
   * How long the total of a patient list (per user and filter) is reused (default 2000 ms; 0 = count every page).
   * A page that contradicts the cached total recounts; the last page's total is always exact.
   */
  listTotalCacheMs?: number;
  /** Clock (default `() => new Date()`). */
  now?: () => Date;
  /** Optional job queue (pg-boss `send`) used by use cases that enqueue work; `id` = the Job row id (a UUID). */
  enqueue?: (queue: string, payload: Record<string, unknown>, options: { id: string }) => Promise<string | null>;
  /**
   * Optional ONNX check for model uploads: loads `DIR/manifest.json` + `DIR/model.onnx` (onnxruntime-node, via
   * @hepatoscope/inference — which services may not import) and throws with the reason when the file does not load
   * or its graph disagrees with the manifest. apps/api injects it; without it uploads answer UNAVAILABLE.
   */
  verifyOnnxModel?: (dir: string) => Promise<OnnxVerification>;
}

/** What the ONNX verifier found. */
export interface OnnxVerification {
  provider: string;
  inputNames: string[];
  outputNames: string[];
}

export interface ResolvedDeps extends Required<Omit<ServiceDeps, 'enqueue' | 'verifyOnnxModel'>> {
  enqueue?: ServiceDeps['enqueue'];
  verifyOnnxModel?: ServiceDeps['verifyOnnxModel'];
}

export function resolveDeps(d: ServiceDeps): ResolvedDeps {
  return {
    bcryptCost: 12,
    sessionTtlMs: 12 * 3600_000,
    sessionIdleMs: 2 * 3600_000,
    sessionCacheMs: 5_000,
    listTotalCacheMs: 2_000,
    now: () => new Date(),
    ...d,
  } as ResolvedDeps;
}
