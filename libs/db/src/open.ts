import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '@hepatoscope/config';
import { pgBackend, pgliteBackend } from './backends';
import { recurringSelectNames } from './statement-names';
import { createPrismaClient, type Db } from './client';
import { DatabaseStartupError, causeText, redactUrl } from './errors';
import { MIGRATION_LOCK_KEY, applyMigrations, loadMigrations, type MigrationReport } from './migrations';
import { emptyPgliteTemplatePath } from './pglite-template';
import { pgliteReadRows, pooledReadRows } from './raw-read';
import type { SqlBackend, SqlResult } from './sql';

/** Options of `openDatabase`; anything omitted comes from the environment (@hepatoscope/config). */
export interface OpenDatabaseOptions {
  /** Data directory (PGlite lives in `<dataDir>/pgdata`). Default: HEPATOSCOPE_DATA_DIR or `./.hepatoscope`. */
  dataDir?: string;
  /** PostgreSQL URL; when set (here or in DATABASE_URL) PostgreSQL is used instead of PGlite. `?schema=` supported. */
  databaseUrl?: string;
  /** PostgreSQL schema (overrides `?schema=` of the URL); created when missing. Ignored for PGlite. */
  schema?: string;
  /** Use an in-memory PGlite (nothing on disk; tests). Ignored when a database URL is given. */
  inMemory?: boolean;
  /**
   * PGlite only: start from this data-directory dump (`pglite.dumpDataDir()`, e.g. a migrated template or a
   * backup) instead of running initdb. On disk it is used only when `<dataDir>/pgdata` is new/empty.
   */
  loadDataDir?: Blob | File;
  /** Migrations folder (default `prisma/migrations`). */
  migrationsDir?: string;
  /** Skip applying migrations (tools that only inspect). Default false. */
  skipMigrations?: boolean;
  /** Environment to read defaults from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** pg-boss's custom `db` contract (node-postgres shaped result). */
export interface ExecuteSqlResult extends SqlResult {
  [key: string]: unknown;
}

/** An open Hepatoscope database. */
export interface Database {
  /** Prisma client (with the deleteMany/updateMany guard). */
  prisma: Db;
  /** Which backend. */
  kind: 'pglite' | 'postgresql';
  /**
   * Raw SQL with node-postgres-shaped results, for pg-boss (`new PgBoss({ db: { executeSql: db.executeSql } })`).
   * With `values`: one parameterised statement. Without: a script; for several statements an array of results
   * is returned like node-pg does (pg-boss needs the rows of every statement).
   */
  executeSql(text: string, values?: unknown[]): Promise<ExecuteSqlResult | ExecuteSqlResult[]>;
  /** Raw SQL backend (queries, scripts, transactions). */
  sql: SqlBackend;
  /** PostgreSQL schema in use (`public` unless `?schema=`); `public` for PGlite. */
  schema: string;
  /** Data directory (PGlite on disk), else undefined. */
  dataDir: string | undefined;
  /** Migrations applied by this open. */
  migrations: MigrationReport;
  /** Timings in ms: `open` (connect / PGlite start), `migrate`. */
  timings: { open: number; migrate: number };
  /**
   * PGlite only: a gzip tarball of the whole data directory (`pglite.dumpDataDir`) — backups, and the migrated
   * template that @hepatoscope/testing clones for fast test databases.
   */
  dumpDataDir?: () => Promise<Blob>;
  /** Disconnects Prisma and closes the pool / PGlite (idempotent). */
  close(): Promise<void>;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;
/** PGlite data dirs opened by this process (PGlite is single-process; a second open would corrupt it). */
const openPgliteDirs = new Set<string>();

/**
 * Opens the Hepatoscope database and brings its schema up to date.
 *
 * - no URL: embedded PGlite in `<dataDir>/pgdata` (created on first use, ~40 MB); a lock file stops a second
 *   process from opening the same directory.
 * - `DATABASE_URL` / `databaseUrl`: PostgreSQL; `?schema=name` (or `schema`) selects/creates a schema.
 *
 * Pending migrations are applied in one transaction. Any failure closes what was opened and throws exactly one
 * `DatabaseStartupError` naming the cause and the setting to change.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const env = options.env ?? process.env;
  const url = options.databaseUrl ?? (emptyToUndef(env.DATABASE_URL));
  const migrations = options.skipMigrations ? [] : loadMigrations(options.migrationsDir);
  if (url) return openPostgres(url, options, migrations);
  return openPglite(options, env, migrations);
}

function emptyToUndef(s: string | undefined): string | undefined {
  return s && s.trim() !== '' ? s.trim() : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// PGlite
// ---------------------------------------------------------------------------------------------------------------

async function openPglite(options: OpenDatabaseOptions, env: Record<string, string | undefined>, migrations: ReturnType<typeof loadMigrations>): Promise<Database> {
  const t0 = performance.now();
  let dataDir: string | undefined;
  let pgdata: string | undefined;
  let releaseLock = (): void => undefined;
  if (!options.inMemory) {
    dataDir = path.resolve(options.dataDir ?? loadConfig({ HEPATOSCOPE_DATA_DIR: env.HEPATOSCOPE_DATA_DIR }).dataDir);
    pgdata = path.join(dataDir, 'pgdata');
    prepareDataDir(dataDir, pgdata);
    releaseLock = lockDataDir(dataDir, pgdata);
  }
  const { PGlite, protocol } = await import('@electric-sql/pglite');
  let pglite: import('@electric-sql/pglite').PGlite;
  try {
    if (pgdata && isEmptyOrMissing(pgdata)) {
      const template = options.loadDataDir ?? readTemplate(emptyPgliteTemplatePath());
      await initialiseAtomically(PGlite, pgdata, template);
    }
    // pg_trgm: the trigram indexes of the patient search (migration patient_search_trgm); a data directory that has
    // them can only be queried with the extension loaded
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    pglite = await PGlite.create(pgdata ?? 'memory://', {
      extensions: { pg_trgm },
      ...(!pgdata && options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    await pglite.query('SELECT 1');
  } catch (err) {
    releaseLock();
    throw new DatabaseStartupError(
      'DATA_DIR_CORRUPT',
      'HEPATOSCOPE_DATA_DIR',
      `The embedded database in ${pgdata ?? 'memory'} could not be opened: ${causeText(err)}. The directory may be corrupt or from an ` +
        `incompatible version. Move it away (your data stays in it) to start with a fresh database, or set HEPATOSCOPE_DATA_DIR ` +
        `to another directory, or DATABASE_URL to use PostgreSQL.`,
      { cause: err },
    );
  }
  const tOpen = performance.now();
  const sql = pgliteBackend(pglite);
  let report: MigrationReport = { applied: [], alreadyApplied: 0 };
  const closeRaw = async () => {
    await pglite.close().catch(() => undefined);
    releaseLock();
  };
  try {
    if (migrations.length) report = await applyMigrations(sql, migrations);
  } catch (err) {
    await closeRaw();
    throw asStartupError(err, 'HEPATOSCOPE_DATA_DIR');
  }
  const tMig = performance.now();
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  // `prisma.$queryReadOnly` as named statements on the session's wire protocol (hot raw reads: patients.list, access
  // checks, the case detail), not re-planned on every call as through Prisma's adapter
  const prisma = createPrismaClient(new PrismaPGlite(pglite), { readRows: pgliteReadRows(pglite, protocol.serialize) });
  let closed = false;
  return {
    prisma,
    kind: 'pglite',
    sql,
    schema: 'public',
    dataDir,
    migrations: report,
    timings: { open: tOpen - t0, migrate: tMig - tOpen },
    dumpDataDir: () => pglite.dumpDataDir('gzip'),
    async executeSql(text, values) {
      if (values && values.length) return (await pglite.query(text, values)) as unknown as ExecuteSqlResult;
      // Parameterless text may be a multi-statement block (embedded pg-boss: `BEGIN; …; COMMIT`). It runs under
      // PGlite's transaction lock together with the ROLLBACK that a failed statement needs: run bare, a block that
      // failed half-way released the one connection inside an aborted transaction, and whatever ran next (a
      // patients.list page, a Prisma transaction) failed with 25P02 "current transaction is aborted". The text's own
      // BEGIN/COMMIT nest harmlessly in this one (PostgreSQL only warns).
      const res = await pglite.transaction((tx) => tx.exec(text));
      return (res.length === 1 ? res[0] : res) as unknown as ExecuteSqlResult | ExecuteSqlResult[];
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => undefined);
      await closeRaw();
    },
  };
}

function readTemplate(file: string | null): Blob | undefined {
  if (!file) return undefined;
  try {
    return new Blob([new Uint8Array(fs.readFileSync(file))]);
  } catch {
    return undefined;
  }
}

function isEmptyOrMissing(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

/**
 * First start: PGlite runs initdb (seconds) in `pgdata.init-<pid>` next to `pgdata`, closes it and renames it into
 * place, so an interrupted first start (Ctrl-C, crash, full disk) never leaves a half-initialised `pgdata` that
 * would later look corrupt. Leftovers of interrupted attempts are removed.
 */
async function initialiseAtomically(
  PGlite: typeof import('@electric-sql/pglite').PGlite,
  pgdata: string,
  loadDataDir: Blob | File | undefined,
): Promise<void> {
  const parent = path.dirname(pgdata);
  const base = path.basename(pgdata);
  for (const e of fs.readdirSync(parent)) {
    if (e.startsWith(`${base}.init-`)) fs.rmSync(path.join(parent, e), { recursive: true, force: true });
  }
  const tmp = path.join(parent, `${base}.init-${process.pid}`);
  try {
    const fresh = await PGlite.create(tmp, loadDataDir ? { loadDataDir } : {});
    await fresh.query('SELECT 1');
    await fresh.close();
    fs.rmSync(pgdata, { recursive: true, force: true }); // an empty directory, if any
    fs.renameSync(tmp, pgdata);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** mkdir -p the data dir, check it is writable, and recognise a pgdata folder that is not a database. */
function prepareDataDir(dataDir: string, pgdata: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    const probe = path.join(dataDir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    throw new DatabaseStartupError(
      'DATA_DIR_UNWRITABLE',
      'HEPATOSCOPE_DATA_DIR',
      `The data directory ${dataDir} is not writable: ${causeText(err)}. Set HEPATOSCOPE_DATA_DIR to a writable directory ` +
        `(or DATABASE_URL to use PostgreSQL).`,
      { cause: err },
    );
  }
  let entries: string[] = [];
  try {
    const st = fs.statSync(pgdata);
    if (!st.isDirectory()) {
      throw new DatabaseStartupError(
        'DATA_DIR_CORRUPT',
        'HEPATOSCOPE_DATA_DIR',
        `${pgdata} exists but is not a directory, so the embedded database cannot be stored there. Move it away or set HEPATOSCOPE_DATA_DIR to another directory.`,
      );
    }
    entries = fs.readdirSync(pgdata);
  } catch (err) {
    if (err instanceof DatabaseStartupError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DatabaseStartupError('DATA_DIR_UNWRITABLE', 'HEPATOSCOPE_DATA_DIR', `Cannot read ${pgdata}: ${causeText(err)}. Fix its permissions or set HEPATOSCOPE_DATA_DIR to another directory.`, {
        cause: err,
      });
    }
    return;
  }
  if (entries.length === 0) return;
  const missing = ['PG_VERSION', 'global', 'base'].filter((f) => !entries.includes(f));
  if (missing.length) {
    throw new DatabaseStartupError(
      'DATA_DIR_CORRUPT',
      'HEPATOSCOPE_DATA_DIR',
      `${pgdata} is not a usable database directory (missing ${missing.join(', ')}): it is corrupt or was not created by Hepatoscope. ` +
        `Move it away to start with a fresh database, or set HEPATOSCOPE_DATA_DIR to another directory.`,
    );
  }
}

/** Exclusive lock `<dataDir>/pgdata.lock` holding our pid; stale locks (dead pid) are taken over. */
function lockDataDir(dataDir: string, pgdata: string): () => void {
  const key = path.resolve(pgdata);
  if (openPgliteDirs.has(key)) {
    throw new DatabaseStartupError(
      'DATA_DIR_IN_USE',
      'HEPATOSCOPE_DATA_DIR',
      `The embedded database ${pgdata} is already open in this process. Reuse the open Database (close it first to reopen).`,
    );
  }
  const lockFile = path.join(dataDir, 'pgdata.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, `${process.pid} ${processStartTime(process.pid)}`.trim(), { flag: 'wx' });
      openPgliteDirs.add(key);
      return () => {
        openPgliteDirs.delete(key);
        try {
          if (fs.readFileSync(lockFile, 'utf8').trim().split(/\s+/)[0] === String(process.pid)) fs.rmSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DatabaseStartupError('DATA_DIR_UNWRITABLE', 'HEPATOSCOPE_DATA_DIR', `Cannot create ${lockFile}: ${causeText(err)}. Set HEPATOSCOPE_DATA_DIR to a writable directory.`, {
          cause: err,
        });
      }
      const [pidText, started] = fs.readFileSync(lockFile, 'utf8').trim().split(/\s+/);
      const pid = Number(pidText);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid) && sameProcess(pid, started)) {
        throw new DatabaseStartupError(
          'DATA_DIR_IN_USE',
          'HEPATOSCOPE_DATA_DIR',
          `The embedded database ${pgdata} is in use by process ${pid} (the embedded database allows one process at a time). ` +
            `Stop that process, or set HEPATOSCOPE_DATA_DIR to another directory, or use PostgreSQL (DATABASE_URL) for several processes.`,
        );
      }
      fs.rmSync(lockFile, { force: true }); // stale (dead process, or our own pid from a crashed open)
    }
  }
  throw new DatabaseStartupError('DATA_DIR_IN_USE', 'HEPATOSCOPE_DATA_DIR', `Could not lock ${lockFile}; another process keeps creating it.`);
}

/**
 * Start time of a process (Linux: field 22 of /proc/<pid>/stat, in clock ticks since boot), '' elsewhere.
 * Stored in the lock so that a new, unrelated process that reuses a dead holder's pid (containers restart with
 * small pids) is not mistaken for the holder.
 */
export function processStartTime(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

function sameProcess(pid: number, recordedStart: string | undefined): boolean {
  if (!recordedStart) return true; // no start time recorded: trust the pid
  const now = processStartTime(pid);
  return now === '' || now === recordedStart;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------------------------

/** Splits `?schema=` off a PostgreSQL URL. Throws DATABASE_URL_INVALID for malformed URLs or schema names. */
export function parseDatabaseUrl(url: string, schemaOverride?: string): { connectionString: string; schema: string | undefined } {
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new DatabaseStartupError('DATABASE_URL_INVALID', 'DATABASE_URL', `DATABASE_URL is not a valid URL (${redactUrl(url)}); expected postgresql://user:password@host:5432/database.`, {
      cause: err,
    });
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new DatabaseStartupError('DATABASE_URL_INVALID', 'DATABASE_URL', `DATABASE_URL must start with postgresql:// (got ${u.protocol}//); unset it to use the embedded database.`);
  }
  const schema = schemaOverride ?? (u.searchParams.get('schema') || undefined);
  u.searchParams.delete('schema');
  if (schema !== undefined && !SCHEMA_RE.test(schema)) {
    throw new DatabaseStartupError('DATABASE_URL_INVALID', 'DATABASE_URL', `Schema name "${schema}" in DATABASE_URL is not allowed: use lower-case letters, digits and _ (max 63).`);
  }
  return { connectionString: u.toString(), schema };
}

async function openPostgres(url: string, options: OpenDatabaseOptions, migrations: ReturnType<typeof loadMigrations>): Promise<Database> {
  const t0 = performance.now();
  const { connectionString, schema } = parseDatabaseUrl(url, options.schema);
  const pg = await import('pg');
  const Pool = pg.default?.Pool ?? pg.Pool;
  const pool = new Pool({
    connectionString,
    connectionTimeoutMillis: 10_000,
    max: 10,
    // jit off: these are short OLTP statements, and a cost estimate above jit_above_cost (a fenced per-row scope
    // probe over 10,000 patients estimates ~104,000) made PostgreSQL spend 30-40 ms compiling a 1-5 ms query.
    options: `-c jit=off${schema ? ` -c search_path=${schema}` : ''}`,
  });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead of crashing the process
  const sql = pgBackend(pool);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseStartupError(
      'DATABASE_UNREACHABLE',
      'DATABASE_URL',
      `Cannot connect to PostgreSQL at ${redactUrl(connectionString)}: ${causeText(err)}. Check that the server is running and ` +
        `DATABASE_URL (host, port, user, password, database) is right, or unset DATABASE_URL to use the embedded database.`,
      { cause: err },
    );
  }
  let report: MigrationReport = { applied: [], alreadyApplied: 0 };
  const tOpen = performance.now();
  try {
    if (schema) {
      // under the migration lock: two processes creating the same schema at once would otherwise collide
      await sql.transaction(async (s) => {
        await s.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_KEY, schema]);
        await s.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      });
    }
    if (migrations.length) report = await applyMigrations(sql, migrations);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw asStartupError(err, 'DATABASE_URL');
  }
  const tMig = performance.now();
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const prisma = createPrismaClient(
    new PrismaPg(pool, {
      ...(schema ? { schema } : {}),
      // recurring SELECTs as named (per-connection prepared) statements: no re-planning of the case-detail read
      statementNameGenerator: recurringSelectNames() as (q: { sql: string }) => string,
    }),
    // `prisma.$queryReadOnly` straight on the pool (hot raw reads: patients.list, access checks)
    { readRows: pooledReadRows(pool, pg.default?.types ?? pg.types) },
  );
  let closed = false;
  return {
    prisma,
    kind: 'postgresql',
    sql,
    schema: schema ?? 'public',
    dataDir: undefined,
    migrations: report,
    timings: { open: tOpen - t0, migrate: tMig - tOpen },
    async executeSql(text, values) {
      // A multi-statement block that fails after its BEGIN leaves the session in an aborted transaction: roll it
      // back before the client goes back to the pool that Prisma shares.
      const client = await pool.connect();
      try {
        return (await client.query(text, values)) as unknown as ExecuteSqlResult;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

function asStartupError(err: unknown, setting: 'HEPATOSCOPE_DATA_DIR' | 'DATABASE_URL'): DatabaseStartupError {
  if (err instanceof DatabaseStartupError) return err;
  return new DatabaseStartupError('MIGRATION_FAILED', setting, `Preparing the database schema failed: ${causeText(err)}. Check ${setting}.`, { cause: err });
}
