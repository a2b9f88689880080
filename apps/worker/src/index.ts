/**
 * @hepatoscope/worker — pg-boss job consumer. Embedded mode: the API calls `startWorker({ boss, resultsDir })`
 * with its own pg-boss instance (one PGlite database, one process). Standalone: `src/main.ts`.
 */
export {
  startWorker,
  DEFAULT_JOBS,
  DEFAULT_RETRY,
  deadLetterQueue,
  type StartWorkerOptions,
  type RunningWorker,
  type RetryPolicy,
} from './worker';
export { openBoss, DEFAULT_BOSS_SCHEMA, type QueueLike, type BossTarget } from './queue';
export { ResultStore } from './results';
export { sqlJobReporter, type JobReporter } from './reporter';
export {
  segmentationJob,
  segmentationPayload,
  type SegmentationPayload,
  type SegmentationJobResult,
} from './jobs/segmentation';
export { extractionJob, extractionPayload, type ExtractionPayload, type ExtractionJobResult } from './jobs/extraction';
export type { JobContext, JobDefinition } from './types';
export { main as workerMain } from './main';
