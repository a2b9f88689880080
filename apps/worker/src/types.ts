import type { ZodType } from 'zod';
import type { ModelRegistry } from '@hepatoscope/inference';
import type { ResultStore } from './results';

/** What a job handler gets besides its validated payload. */
export interface JobContext {
  jobId: string;
  queue: string;
  /** 0 on the first attempt, n on the n-th retry. */
  attempt: number;
  /** Aborted when the worker stops (SIGTERM) or the job is cancelled; handlers check it between steps. */
  signal: AbortSignal;
  /** Reports progress 0..1 with a short stage text (throttled by the reporter). */
  progress(fraction: number, message: string): Promise<void>;
  /** Idempotent result files keyed by job id. */
  store: ResultStore;
  /** Warm ONNX sessions shared by all jobs of this worker. */
  models: ModelRegistry;
  /** The worker's default execution-provider order. */
  providers?: string;
}

/** A job type: its queue name, payload schema and handler. */
export interface JobDefinition<P, R> {
  queue: string;
  payload: ZodType<P>;
  run(data: P, ctx: JobContext): Promise<R>;
}
