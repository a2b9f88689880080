import type { Command } from '../command';

/** `hepatoscope worker`: the standalone job worker (PostgreSQL deployments; see apps/worker/src/main.ts). */
const worker: Command = {
  name: 'worker',
  summary: 'Run the background job worker (needs DATABASE_URL)',
  usage: `Usage: hepatoscope worker [--concurrency N] [--providers cuda,webgpu,cpu]

Consumes the pg-boss queues (segmentation) of the PostgreSQL database in DATABASE_URL; job outputs go to
$HEPATOSCOPE_DATA_DIR/files/jobs/<jobId>/. With the embedded PGlite database the worker runs inside the API.
SIGTERM/SIGINT finish the running job (grace HEPATOSCOPE_WORKER_GRACE_MS, default 30 s) or release it for a retry.`,
  async run(argv) {
    const { workerMain } = await import('@hepatoscope/worker');
    return workerMain(argv);
  },
};
export default worker;
