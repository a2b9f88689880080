/**
 * `tsx apps/api/src/main.ts` — start the Hepatoscope API.
 *
 * 1. load and validate the environment (@hepatoscope/config);
 * 2. open the database (PGlite in HEPATOSCOPE_DATA_DIR, or PostgreSQL with DATABASE_URL) and apply migrations;
 * 3. seed the demo on first start (the database seed when @hepatoscope/db provides one; demo logins always);
 * 4. listen on 127.0.0.1:${API_PORT:-3001}; in embedded (PGlite) mode also start pg-boss on the same database and
 *    the job worker in-process (PGlite allows one process);
 * 5. print the demo logins and a ready line; SIGINT/SIGTERM stop everything gracefully.
 */
import fs from 'node:fs';
import { ConfigError, loadConfig } from '@hepatoscope/config';
import { openDatabase, seedDemo, type Database } from '@hepatoscope/db';
import { DEMO_USERS, ensureDemoUsers, phantomImagingProvider, seedRadiomicsDemo } from '@hepatoscope/services';
import type { RunningWorker } from '@hepatoscope/worker';
import { API_VERSION, createApiServer } from './server';
import { SHUTDOWN_FORCE_MS, stopInOrder } from './shutdown';

const log = (m: string) => console.log(`[api] ${m}`);

async function main(): Promise<void> {
  const t0 = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  fs.mkdirSync(config.filesDir, { recursive: true });

  let db: Database;
  try {
    db = await openDatabase();
  } catch (e) {
    // DatabaseStartupError names the cause and the setting to change: print it once and exit (no crash loop).
    console.error(`[api] ${(e as Error).message}`);
    process.exit(3);
  }
  log(
    `database: ${db.kind}${db.dataDir ? ` in ${db.dataDir}` : ''} (open ${Math.round(db.timings.open)} ms, ` +
      `${db.migrations.applied.length} migration(s) applied in ${Math.round(db.timings.migrate)} ms)`,
  );

  // Demo seed, once per database (a SeedRun row marks it): real cohorts, demo users, meeting, published models,
  // synthetic phantom imaging for the tumour-board patients.
  let seedLogins: Array<{ email: string; role: string }> | undefined;
  try {
    const res = await seedDemo(db, {
      filesDir: config.filesDir,
      demoPassword: config.demoPassword,
      syntheticImaging: phantomImagingProvider(),
      log: (l) => log(`seed: ${l}`),
    });
    seedLogins = res.logins;
    if (res.seeded)
      log(
        `demo seeded in ${(res.ms / 1000).toFixed(1)} s: ${Object.entries(res.counts)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ')}`,
      );
  } catch (e) {
    console.error(
      `[api] the demo seed failed (the database is unchanged; it will be retried at the next start): ${(e as Error).message}`,
    );
  }
  const { created } = await ensureDemoUsers({ prisma: db.prisma, bcryptCost: 12 }, config.demoPassword);
  if (created.length) log(`created demo logins: ${created.join(', ')}`);

  // Embedded mode: pg-boss on the same PGlite database, and the worker in this process.
  let boss:
    { stop(opts?: object): Promise<void>; send(q: string, d: object, o: object): Promise<string | null> } | undefined;
  let worker: RunningWorker | undefined;
  if (db.kind === 'pglite') {
    try {
      const { PgBoss } = await import('pg-boss');
      const b = new PgBoss({ db: { executeSql: db.executeSql as never }, schema: 'pgboss', backend: 'pglite' });
      b.on('error', (e: unknown) => console.error(`[api] pg-boss: ${(e as Error)?.message ?? e}`));
      await b.start();
      boss = b;
      const workerModule = await import('@hepatoscope/worker').catch((e) => {
        log(`worker not started: @hepatoscope/worker could not be loaded (${(e as Error).message})`);
        return null;
      });
      if (workerModule) {
        worker = await workerModule.startWorker({
          boss: b,
          resultsDir: `${config.filesDir}/jobs`,
          log: (m: string) => console.log(`[worker] ${m}`),
        });
        log('worker started in-process (embedded database)');
      }
    } catch (e) {
      log(`job queue not started: ${(e as Error).message}`);
    }
  } else {
    // PostgreSQL: the worker runs as its own process (apps/worker); the API only sends jobs.
    try {
      const { PgBoss } = await import('pg-boss');
      const b = new PgBoss({
        connectionString: config.databaseUrl!,
        schema: 'pgboss',
        supervise: false,
        schedule: false,
      });
      b.on('error', (e: unknown) => console.error(`[api] pg-boss: ${(e as Error)?.message ?? e}`));
      await b.start();
      boss = b;
      log('job queue: sending to pg-boss; run the worker as its own process (apps/worker)');
    } catch (e) {
      log(`job queue not available: ${(e as Error).message}`);
    }
  }

  const api = createApiServer({
    db,
    filesDir: config.filesDir,
    allowedOrigins: [`http://localhost:${config.port}`, `http://127.0.0.1:${config.port}`],
    enqueue: boss ? (queue, payload, opts) => boss!.send(queue, payload, { id: opts.id }) : undefined,
  });

  let url: string;
  try {
    url = await api.listen(config.apiPort, '127.0.0.1');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `[api] port ${config.apiPort} is already in use: stop the other process or set API_PORT to a free port`
        : `[api] cannot listen on 127.0.0.1:${config.apiPort}: ${(e as Error).message}`,
    );
    await worker?.stop().catch(() => undefined);
    await boss?.stop().catch(() => undefined);
    await db.close();
    process.exit(4);
  }

  const logins = seedLogins ?? DEMO_USERS.map((u) => ({ email: u.email, role: u.role }));
  log(
    'demo logins (password: ' +
      (process.env.HEPATOSCOPE_DEMO_PASSWORD ? 'from HEPATOSCOPE_DEMO_PASSWORD' : config.demoPassword) +
      '):',
  );
  for (const l of logins) log(`  ${l.role.padEnd(11)} ${l.email}`);
  log(
    `ready: ${url} (health ${url}/api/health, tRPC ${url}/api/trpc, db ${db.kind}, version ${API_VERSION}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Synthetic radiomics demo (model trained on phantoms, validated on a held-out synthetic split), once per
  // database, in the background after the API is up (a few seconds of CPU; the API stays responsive).
  const radiomicsDemo = seedRadiomicsDemo(api.services.deps, { log: (l) => log(`seed: ${l}`) }).catch((e) =>
    console.error(
      `[api] the synthetic radiomics demo seed failed (retried at the next start): ${(e as Error).message}`,
    ),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    const force = setTimeout(() => {
      console.error(`[api] shutdown took longer than ${SHUTDOWN_FORCE_MS / 1000} s; exiting`);
      process.exit(1);
    }, SHUTDOWN_FORCE_MS);
    force.unref();
    await stopInOrder({
      pending: radiomicsDemo,
      http: api,
      worker,
      boss,
      db,
      onError: (step, e) => console.error(`[api] shutdown, ${step}: ${(e as Error)?.message ?? e}`),
    });
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  console.error('[api] failed to start:', e);
  process.exit(1);
});
