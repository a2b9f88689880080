import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, type Command } from '../command';

const USAGE = `Usage: hepatoscope db <status|migrate|seed|create-migration> [options]

  status                     backend, location, applied/pending migrations, demo seed state, row counts
  migrate                    apply pending migrations (what every start does)
  seed [--no-imaging]        run the demo seed once (synthetic phantom imaging unless --no-imaging), then the
                             synthetic radiomics demo (phantoms → features → model, once; skipped by --no-imaging)
  create-migration <name>    diff prisma/schema.prisma against prisma/migrations into a new migration
                             (offline; --empty for a hand-written one)

Options:
  --data-dir <dir>           embedded database location (default HEPATOSCOPE_DATA_DIR or ./.hepatoscope)
  --database-url <url>       use PostgreSQL (default DATABASE_URL; ?schema=name supported)`;

/** Parsed command line of `hepatoscope db`. */
export interface DbArgs {
  action: 'status' | 'migrate' | 'seed' | 'create-migration';
  dataDir?: string;
  databaseUrl?: string;
  imaging: boolean;
  name?: string;
  empty: boolean;
}

/** Parses `hepatoscope db …` arguments; throws CliError with the usage on mistakes. */
export function parseDbArgs(argv: string[]): DbArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        'no-imaging': { type: 'boolean', default: false },
        empty: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const [action, ...rest] = parsed.positionals;
  if (parsed.values.help || !action) throw new CliError(USAGE, parsed.values.help ? 0 : 2);
  if (!['status', 'migrate', 'seed', 'create-migration'].includes(action)) throw new CliError(`Unknown db action "${action}".\n\n${USAGE}`);
  if (action === 'create-migration' && !rest[0]) throw new CliError(`db create-migration needs a name (lower-case letters, digits, _).\n\n${USAGE}`);
  if (rest.length > (action === 'create-migration' ? 1 : 0)) throw new CliError(`Unexpected argument "${rest[rest.length - 1]}".\n\n${USAGE}`);
  return {
    action: action as DbArgs['action'],
    dataDir: parsed.values['data-dir'],
    databaseUrl: parsed.values['database-url'],
    imaging: !parsed.values['no-imaging'],
    name: rest[0],
    empty: parsed.values.empty ?? false,
  };
}

/** `hepatoscope db`: inspect, migrate and seed the Hepatoscope database. */
const db: Command = {
  name: 'db',
  summary: 'Database status, migrations and demo seed',
  usage: USAGE,
  async run(argv) {
    const args = parseDbArgs(argv);
    const root = path.resolve(__dirname, '../../../..');
    if (args.action === 'create-migration') {
      const r = spawnSync(process.execPath, [path.join(root, 'tools/db/create-migration.mjs'), args.name!, ...(args.empty ? ['--empty'] : [])], { stdio: 'inherit' });
      return r.status ?? 1;
    }
    const { DatabaseStartupError, loadMigrations, openDatabase, seedDemo } = await import('@hepatoscope/db');
    const { loadConfig } = await import('@hepatoscope/config');
    const config = loadConfig(args.dataDir ? { ...process.env, HEPATOSCOPE_DATA_DIR: args.dataDir } : process.env);
    let database;
    try {
      database = await openDatabase({
        dataDir: config.dataDir,
        databaseUrl: args.databaseUrl ?? config.databaseUrl,
        skipMigrations: args.action === 'status',
      });
    } catch (err) {
      if (err instanceof DatabaseStartupError) throw new CliError(err.message, 3);
      throw err;
    }
    try {
      const where = database.kind === 'pglite' ? `PGlite in ${database.dataDir}` : `PostgreSQL (schema ${database.schema})`;
      if (args.action === 'migrate') {
        console.log(`${where}: ${database.migrations.applied.length} migration(s) applied now, ${database.migrations.alreadyApplied} already present`);
        for (const m of database.migrations.applied) console.log(`  applied ${m}`);
        return 0;
      }
      if (args.action === 'seed') {
        const syntheticImaging = args.imaging ? (await import('@hepatoscope/services')).phantomImagingProvider() : undefined;
        const res = await seedDemo(database, { filesDir: config.filesDir, demoPassword: config.demoPassword, syntheticImaging, log: (l) => console.log(`  ${l}`) });
        console.log(res.seeded ? `${where}: demo seeded in ${(res.ms / 1000).toFixed(1)} s` : `${where}: the demo seed had already run; nothing changed`);
        for (const l of res.logins) console.log(`  ${l.email.padEnd(32)} ${l.role.padEnd(12)} password: ${l.password}`);
        if (args.imaging) {
          // The synthetic radiomics demo, as the API runs it after start (seeded once; writes phantom images).
          const { createServices, seedRadiomicsDemo } = await import('@hepatoscope/services');
          const services = createServices({ prisma: database.prisma, dbKind: database.kind, filesDir: config.filesDir });
          const r = await seedRadiomicsDemo(services.deps, { log: (l) => console.log(`  ${l}`) });
          console.log(r.seeded ? `${where}: synthetic radiomics demo seeded in ${(r.ms / 1000).toFixed(1)} s` : `${where}: the synthetic radiomics demo was already seeded; nothing changed`);
        }
        return 0;
      }
      // status
      const known = loadMigrations().map((m) => m.name);
      const table = await database.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = '_prisma_migrations'`, [database.schema]);
      const applied = table.rows[0]!.n
        ? (await database.sql.query<{ migration_name: string }>('SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL')).rows.map((r) => r.migration_name)
        : [];
      const pending = known.filter((m) => !applied.includes(m));
      console.log(where);
      console.log(`  migrations: ${applied.length} applied, ${pending.length} pending${pending.length ? ` (${pending.join(', ')})` : ''}`);
      if (!pending.length) {
        const p = database.prisma;
        const [seed, patients, cohorts, users, models, studies] = await Promise.all([
          p.seedRun.findUnique({ where: { name: 'demo' }, select: { completedAt: true } }),
          p.patient.count(),
          p.cohort.count(),
          p.user.count(),
          p.model.count(),
          p.study.count(),
        ]);
        console.log(`  demo seed: ${seed ? `done ${seed.completedAt.toISOString()}` : 'not run'}`);
        console.log(`  rows: ${patients} patients, ${cohorts} cohorts, ${users} users, ${models} models, ${studies} studies`);
      }
      return 0;
    } finally {
      await database.close();
    }
  },
};
export default db;
