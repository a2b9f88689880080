/**
 * Standalone worker for PostgreSQL deployments (N workers on N machines share one queue):
 *
 *   DATABASE_URL=postgresql://… HEPATOSCOPE_DATA_DIR=/data npx tsx apps/worker/src/main.ts [--concurrency N] [--providers cuda,webgpu,cpu]
 *
 * Job outputs go to `$HEPATOSCOPE_DATA_DIR/files/jobs/<jobId>/` (default data dir `./.hepatoscope`).
 * With an embedded PGlite database the worker runs inside the API process instead (PGlite is
 * single-process), so this entry point requires DATABASE_URL. SIGTERM/SIGINT: stop taking jobs, let the
 * running one finish within the grace period (HEPATOSCOPE_WORKER_GRACE_MS, default 30 s), otherwise
 * release it for a retry, then exit.
 *
 * Liveness: a running job heart-beats every HEPATOSCOPE_WORKER_HEARTBEAT_S / 2 seconds (default 60, pg-boss minimum
 * 10; applied when this worker creates the queues, or to queues that have none); every worker's supervisor
 * (each HEPATOSCOPE_WORKER_SUPERVISE_S, default 60) fails and retries the jobs of a worker that stopped
 * heart-beating (kill -9, lost machine), so such a job is picked up again within about heartbeat + supervise +
 * the retry delay.
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { openBoss } from './queue';
import { startWorker, DEFAULT_RETRY, type RetryPolicy } from './worker';
import type { JobDefinition } from './types';

/** What an embedding entry (e.g. the fault-test worker in src/faults) may change; the CLI passes nothing. */
export interface WorkerMainOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  jobs?: JobDefinition<any, any>[];
  retry?: Partial<RetryPolicy>;
  pollingIntervalSeconds?: number;
}

/** A positive integer from the environment, or `fallback`; a bad value is an error naming the variable. */
function envInt(name: string, fallback: number | undefined, min: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export async function main(argv = process.argv.slice(2), opts: WorkerMainOptions = {}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { concurrency: { type: 'string' }, providers: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('Usage: worker [--concurrency N] [--providers cuda,webgpu,cpu]   (needs DATABASE_URL)');
    return 0;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      'worker: DATABASE_URL is not set. With the embedded PGlite database the worker runs inside the API (npm start).',
    );
    return 2;
  }
  const concurrency = values.concurrency ? Number(values.concurrency) : 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    console.error(`worker: --concurrency must be a positive integer, got "${values.concurrency}"`);
    return 2;
  }
  const dataDir = resolve(process.env.HEPATOSCOPE_DATA_DIR ?? '.hepatoscope');
  let heartbeatSeconds: number;
  let superviseIntervalSeconds: number | undefined;
  try {
    heartbeatSeconds = envInt('HEPATOSCOPE_WORKER_HEARTBEAT_S', DEFAULT_RETRY.heartbeatSeconds, 10)!;
    superviseIntervalSeconds = envInt('HEPATOSCOPE_WORKER_SUPERVISE_S', undefined, 1);
  } catch (e) {
    console.error(`worker: ${(e as Error).message}`);
    return 2;
  }
  const boss = await openBoss({ connectionString: url, superviseIntervalSeconds });
  const worker = await startWorker({
    boss,
    resultsDir: join(dataDir, 'files', 'jobs'),
    concurrency,
    providers: values.providers ?? process.env.HEPATOSCOPE_ORT_PROVIDERS,
    jobs: opts.jobs,
    retry: { heartbeatSeconds, ...opts.retry },
    pollingIntervalSeconds: opts.pollingIntervalSeconds,
  });
  console.log(`[worker] ready (pid ${process.pid}, results in ${join(dataDir, 'files', 'jobs')})`);
  await new Promise<void>((done) => {
    const shutdown = (sig: string) => {
      console.log(`[worker] ${sig}: finishing or releasing running jobs`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      void worker
        .stop({ graceMs: Number(process.env.HEPATOSCOPE_WORKER_GRACE_MS ?? 30_000) })
        .then(() => boss.stop({ graceful: true, timeout: 10_000 }))
        .finally(done);
    };
    const onTerm = () => shutdown('SIGTERM');
    const onInt = () => shutdown('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`worker: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
