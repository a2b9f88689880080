import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseStartupError, causeText } from './errors';
import type { SqlBackend, SqlSession } from './sql';

/** One migration folder `prisma/migrations/<timestamp>_<name>/migration.sql`. */
export interface Migration {
  /** Folder name, e.g. `20261127142527_init`; migrations apply in lexical order of this name. */
  name: string;
  /** SQL script. */
  sql: string;
  /** SHA-256 (hex) of the script bytes — the same checksum Prisma stores in `_prisma_migrations`. */
  checksum: string;
}

/** What `applyMigrations` did. */
export interface MigrationReport {
  /** Names applied now, in order. */
  applied: string[];
  /** Number already present before this call. */
  alreadyApplied: number;
}

/** Default location: `<repo>/prisma/migrations` (this file lives in libs/db/src). */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '../../../prisma/migrations');

/**
 * Arbitrary constant (int4) first key of `pg_advisory_xact_lock(key, hashtext(schema))`: concurrent starts on one
 * PostgreSQL schema migrate one at a time.
 */
export const MIGRATION_LOCK_KEY = 724_873_112;

/** The table Prisma itself uses (same columns), so `prisma migrate status` and the wasm diff see the same history. */
const CREATE_HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Reads every `<dir>/<name>/migration.sql`, sorted by folder name.
 * Throws `DatabaseStartupError` (MIGRATION_FAILED) when the folder is missing or a migration has no SQL file.
 */
export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new DatabaseStartupError(
      'MIGRATION_FAILED',
      'prisma/migrations',
      `Cannot read the migrations folder ${dir}: ${causeText(err)}. The installation is incomplete; reinstall Hepatoscope.`,
      { cause: err },
    );
  }
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      if (!fs.existsSync(file)) {
        throw new DatabaseStartupError('MIGRATION_FAILED', 'prisma/migrations', `Migration ${name} has no migration.sql (${file}).`);
      }
      const buf = fs.readFileSync(file);
      return { name, sql: buf.toString('utf8'), checksum: createHash('sha256').update(buf).digest('hex') };
    });
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

/**
 * Applies pending migrations — the runtime equivalent of `prisma migrate deploy`, without Prisma's native engine.
 *
 * All pending migrations run in ONE transaction together with their `_prisma_migrations` rows, so a failure leaves
 * the database exactly as it was (PostgreSQL DDL is transactional): never half-migrated, and the next start simply
 * tries again. On PostgreSQL an advisory lock serialises concurrent starts.
 *
 * Refuses (MIGRATION_MISMATCH) when an applied migration's checksum differs from the file (edited after release),
 * when the database has a migration this code does not know (database newer than the code), or when Prisma's own
 * tooling left a failed migration behind.
 *
 * Limitation: migration scripts must not contain their own BEGIN/COMMIT, nor `ALTER TYPE … ADD VALUE` followed by
 * a use of that value in the same run (PostgreSQL forbids it inside one transaction); split such changes.
 */
export async function applyMigrations(backend: SqlBackend, migrations: Migration[] = loadMigrations()): Promise<MigrationReport> {
  const fail = (code: 'MIGRATION_FAILED' | 'MIGRATION_MISMATCH', msg: string, cause?: unknown): never => {
    throw new DatabaseStartupError(code, 'prisma/migrations', msg, cause === undefined ? undefined : { cause });
  };
  return backend.transaction(async (s: SqlSession) => {
    // per schema: test files migrating their own schemas in parallel do not wait for each other
    if (backend.kind === 'postgresql') await s.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [MIGRATION_LOCK_KEY]);
    await s.exec(CREATE_HISTORY_TABLE);
    const { rows } = await s.query<HistoryRow>(
      'SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"',
    );
    const known = new Map(migrations.map((m) => [m.name, m]));
    const done = new Set<string>();
    for (const row of rows) {
      if (row.rolled_back_at) continue;
      if (!row.finished_at) {
        fail(
          'MIGRATION_MISMATCH',
          `Migration ${row.migration_name} is recorded as started but not finished (left by another tool). ` +
            `Inspect the database, then delete that row from "_prisma_migrations" or point DATABASE_URL / HEPATOSCOPE_DATA_DIR at a clean database.`,
        );
      }
      const m = known.get(row.migration_name);
      if (!m) {
        fail(
          'MIGRATION_MISMATCH',
          `The database has migration ${row.migration_name}, which this version of Hepatoscope does not know: ` +
            `the database was created by a newer version. Upgrade Hepatoscope or use another database (DATABASE_URL / HEPATOSCOPE_DATA_DIR).`,
        );
      } else if (m.checksum !== row.checksum) {
        fail(
          'MIGRATION_MISMATCH',
          `Migration ${m.name} was modified after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
            `${m.checksum.slice(0, 12)}… on disk). Restore prisma/migrations/${m.name}/migration.sql; create a new migration for further changes.`,
        );
      }
      done.add(row.migration_name);
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.name)) continue;
      try {
        await s.exec(m.sql);
      } catch (err) {
        fail(
          'MIGRATION_FAILED',
          `Migration ${m.name} failed: ${causeText(err)}. Nothing was changed (all pending migrations run in one transaction). ` +
            `Fix prisma/migrations/${m.name}/migration.sql or point DATABASE_URL / HEPATOSCOPE_DATA_DIR at another database.`,
          err,
        );
      }
      await s.query(
        'INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "started_at", "applied_steps_count") VALUES ($1, $2, now(), $3, NULL, now(), 1)',
        [randomUUID(), m.checksum, m.name],
      );
      applied.push(m.name);
    }
    return { applied, alreadyApplied: done.size };
  });
}
