import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emptyPgliteTemplatePath, loadMigrations, openDatabase, pgliteVersion, type Database, type OpenDatabaseOptions } from '@hepatoscope/db';
import { makeTempDir, removeDir } from './tmp';

/** A database for one test file. */
export interface TestDatabase {
  /** The open database (Prisma client, executeSql, kind ...). */
  db: Database;
  /** Backend under test. */
  kind: 'pglite' | 'postgresql';
  /** A temporary data directory for files (`<dataDir>/files` is created); PGlite on disk lives here too when `onDisk`. */
  dataDir: string;
  /** `<dataDir>/files`. */
  filesDir: string;
  /** PostgreSQL schema created for this database (PostgreSQL only). */
  schema: string | undefined;
  /** Closes the database, drops the schema (PostgreSQL) and removes the temp dir. Idempotent. */
  cleanup(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /**
   * PGlite: keep the database in `<dataDir>/pgdata` instead of memory (restored from the same template).
   * Default false: an in-memory PGlite restored from a cached, already-migrated template.
   */
  onDisk?: boolean;
  /** Override the URL (default: DATABASE_URL). Pass `null` to force PGlite even when DATABASE_URL is set. */
  databaseUrl?: string | null;
  /** Extra options for `openDatabase`. */
  open?: Omit<OpenDatabaseOptions, 'databaseUrl' | 'schema' | 'dataDir' | 'inMemory' | 'loadDataDir'>;
}

/**
 * Fresh migrated database for a test file: on `DATABASE_URL` (when set) in a new schema `t_<random>` that
 * `cleanup` drops; otherwise a PGlite instance (in memory, cloned from a migrated template cached under the OS
 * temp dir and keyed by the migrations' checksums, so only the first test file pays for initdb + migrate).
 */
export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const url = options.databaseUrl === null ? undefined : (options.databaseUrl ?? (process.env.DATABASE_URL || undefined));
  const dataDir = makeTempDir('db');
  const filesDir = path.join(dataDir, 'files');
  fs.mkdirSync(filesDir, { recursive: true });
  let db: Database;
  let schema: string | undefined;
  try {
    if (url) {
      schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
      db = await openDatabase({ ...options.open, databaseUrl: url, schema });
    } else if (options.onDisk) {
      db = await openDatabase({ ...options.open, dataDir, env: {}, loadDataDir: await pgliteTemplateBlob() });
    } else {
      db = await openDatabase({ ...options.open, env: {}, inMemory: true, loadDataDir: await pgliteTemplateBlob() });
    }
  } catch (err) {
    removeDir(dataDir);
    throw err;
  }
  let done = false;
  return {
    db,
    kind: db.kind,
    dataDir,
    filesDir,
    schema,
    async cleanup() {
      if (done) return;
      done = true;
      try {
        if (schema) await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await db.close();
        removeDir(dataDir);
      }
    },
  };
}

/**
 * Path of a PGlite template tarball, created on first use and cached under the OS temp dir (atomic rename: safe
 * across Jest workers). `migrated` (default): every migration applied; `empty`: a bare initdb (for migration tests).
 * Open it with `openDatabase({ inMemory: true, loadDataDir })` or, on disk, `openDatabase({ dataDir, loadDataDir })`
 * (used only when the directory is new) — seconds faster than a fresh initdb.
 */
export async function pgliteTemplate(kind: 'migrated' | 'empty' = 'migrated'): Promise<string> {
  const migrations = kind === 'migrated' ? loadMigrations() : [];
  const key = createHash('sha256')
    .update(pgliteVersion())
    .update(kind)
    .update(migrations.map((m) => `${m.name}:${m.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const prepared = emptyPgliteTemplatePath(); // made by `npm ci` (tools/db/pglite-template.mjs)
  if (kind === 'empty' && prepared) return prepared;
  const file = path.join(os.tmpdir(), `hepatoscope-pglite-${kind}-${key}.tar.gz`);
  if (fs.existsSync(file)) return file;
  const db = await openDatabase({
    inMemory: true,
    env: {},
    skipMigrations: kind === 'empty',
    ...(prepared ? { loadDataDir: new Blob([new Uint8Array(fs.readFileSync(prepared))]) } : {}),
  });
  try {
    const blob = await db.dumpDataDir!();
    const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}`;
    fs.writeFileSync(tmp, new Uint8Array(await blob.arrayBuffer()));
    fs.renameSync(tmp, file);
  } finally {
    await db.close();
  }
  return file;
}

/** A template as a Blob for `openDatabase({ loadDataDir })`. */
export async function pgliteTemplateBlob(kind: 'migrated' | 'empty' = 'migrated'): Promise<Blob> {
  return new Blob([new Uint8Array(fs.readFileSync(await pgliteTemplate(kind)))]);
}
