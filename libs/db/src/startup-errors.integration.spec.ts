/**
 * Every start-up failure ends in ONE DatabaseStartupError naming the cause and the setting to change, and
 * never leaves a half-migrated database. PGlite cases always run; PostgreSQL cases that need a server run when
 * DATABASE_URL is set (CI runs both).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { pgliteTemplateBlob } from '@hepatoscope/testing';
import { DatabaseStartupError } from './errors';
import { DEFAULT_MIGRATIONS_DIR, loadMigrations } from './migrations';
import { openDatabase, processStartTime } from './open';

const PG_URL = process.env.DATABASE_URL;
const describePg = PG_URL ? describe : describe.skip;

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hepatoscope-${prefix}-`));
}

/** A migrations folder: the real ones plus a broken one that fails half-way through. */
function brokenMigrations(): string {
  const dir = tmp('migr');
  for (const m of loadMigrations()) {
    fs.mkdirSync(path.join(dir, m.name));
    fs.writeFileSync(path.join(dir, m.name, 'migration.sql'), m.sql);
  }
  fs.mkdirSync(path.join(dir, '99990101000000_broken'));
  fs.writeFileSync(
    path.join(dir, '99990101000000_broken', 'migration.sql'),
    'CREATE TABLE "HalfDone" ("id" TEXT PRIMARY KEY);\nALTER TABLE "NoSuchTable" ADD COLUMN "x" INT;\n',
  );
  return dir;
}

async function startupError(p: Promise<unknown>): Promise<DatabaseStartupError> {
  try {
    const db = (await p) as { close(): Promise<void> };
    await db.close();
  } catch (err) {
    expect(err).toBeInstanceOf(DatabaseStartupError);
    return err as DatabaseStartupError;
  }
  throw new Error('expected openDatabase to fail');
}

describe('PGlite start-up errors', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('unwritable data directory names HEPATOSCOPE_DATA_DIR', async () => {
    const base = tmp('unwritable');
    dirs.push(base);
    fs.writeFileSync(path.join(base, 'a-file'), 'x'); // a file where a directory is needed: ENOTDIR even for root
    const err = await startupError(openDatabase({ dataDir: path.join(base, 'a-file', 'data'), env: {} }));
    expect(err.code).toBe('DATA_DIR_UNWRITABLE');
    expect(err.setting).toBe('HEPATOSCOPE_DATA_DIR');
    expect(err.message).toMatch(/not writable/);
    expect(err.message).toContain('HEPATOSCOPE_DATA_DIR');
  });

  it('pgdata that is not a database directory is reported as corrupt', async () => {
    const base = tmp('notdb');
    dirs.push(base);
    fs.mkdirSync(path.join(base, 'pgdata'));
    fs.writeFileSync(path.join(base, 'pgdata', 'random.txt'), 'hello');
    const err = await startupError(openDatabase({ dataDir: base, env: {} }));
    expect(err.code).toBe('DATA_DIR_CORRUPT');
    expect(err.message).toMatch(/missing PG_VERSION/);
    expect(err.message).toContain('HEPATOSCOPE_DATA_DIR');
    // the lock was released: nothing left behind that would block the next attempt
    expect(fs.existsSync(path.join(base, 'pgdata.lock'))).toBe(false);
  });

  it('a damaged database directory is reported as corrupt, not a crash', async () => {
    const base = tmp('corrupt');
    dirs.push(base);
    const pgdata = path.join(base, 'pgdata');
    fs.mkdirSync(path.join(pgdata, 'global'), { recursive: true });
    fs.mkdirSync(path.join(pgdata, 'base'));
    fs.writeFileSync(path.join(pgdata, 'PG_VERSION'), '17\n');
    fs.writeFileSync(path.join(pgdata, 'global', 'pg_control'), Buffer.alloc(8192, 7));
    const err = await startupError(openDatabase({ dataDir: base, env: {} }));
    expect(err.code).toBe('DATA_DIR_CORRUPT');
    expect(err.message).toMatch(/could not be opened/);
    expect(err.message).toContain('HEPATOSCOPE_DATA_DIR');
    expect(fs.existsSync(path.join(base, 'pgdata.lock'))).toBe(false);
  });

  it('a data directory held by another live process is refused', async () => {
    const base = tmp('inuse');
    dirs.push(base);
    fs.writeFileSync(path.join(base, 'pgdata.lock'), String(process.ppid));
    const err = await startupError(openDatabase({ dataDir: base, env: {} }));
    expect(err.code).toBe('DATA_DIR_IN_USE');
    expect(err.message).toContain(`process ${process.ppid}`);
    // the same, with the holder's start time recorded (what openDatabase writes)
    fs.writeFileSync(path.join(base, 'pgdata.lock'), `${process.ppid} ${processStartTime(process.ppid)}`);
    expect((await startupError(openDatabase({ dataDir: base, env: {} }))).code).toBe('DATA_DIR_IN_USE');
  });

  it('a stale lock (dead pid, or a live pid now belonging to another process) is taken over', async () => {
    expect(processStartTime(process.pid)).toMatch(process.platform === 'linux' ? /^\d+$/ : /^$/);
    const base = tmp('stale');
    dirs.push(base);
    const lock = path.join(base, 'pgdata.lock');
    fs.writeFileSync(lock, '999999999'); // a pid that cannot exist
    let db = await openDatabase({ dataDir: base, env: {}, loadDataDir: await pgliteTemplateBlob('migrated') });
    expect(fs.readFileSync(lock, 'utf8').split(' ')[0]).toBe(String(process.pid));
    await db.close();
    expect(fs.existsSync(lock)).toBe(false);
    if (process.platform === 'linux') {
      fs.writeFileSync(lock, `${process.ppid} 1`); // live pid, but not the process that wrote the lock
      db = await openDatabase({ dataDir: base, env: {} });
      await db.close();
    }
  });

  it('a failing migration rolls back every pending migration of the run; good migrations apply on the next start', async () => {
    const base = tmp('rollback');
    const migrationsDir = brokenMigrations();
    dirs.push(base, migrationsDir);
    // leftovers of an interrupted first start: an empty pgdata and a half-initialised temp dir
    fs.mkdirSync(path.join(base, 'pgdata'));
    fs.mkdirSync(path.join(base, 'pgdata.init-999999', 'base'), { recursive: true });
    const err = await startupError(openDatabase({ dataDir: base, migrationsDir, env: {}, loadDataDir: await pgliteTemplateBlob('empty') }));
    expect(fs.readdirSync(base).sort()).toEqual(['pgdata']); // initialised atomically, leftovers removed, lock released
    expect(err.code).toBe('MIGRATION_FAILED');
    expect(err.message).toMatch(/99990101000000_broken failed/);
    expect(err.message).toMatch(/NoSuchTable/);
    expect(err.message).toMatch(/Nothing was changed/);
    const db = await openDatabase({ dataDir: base, skipMigrations: true, env: {} });
    try {
      const { rows } = await db.sql.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('HalfDone', 'User', '_prisma_migrations')",
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
    const good = await openDatabase({ dataDir: base, env: {} });
    expect(good.migrations.applied).toEqual(loadMigrations().map((m) => m.name));
    await good.close();
  });

  it('an applied migration edited afterwards is detected (checksum)', async () => {
    const base = tmp('checksum');
    const migrationsDir = tmp('migr-edit');
    dirs.push(base, migrationsDir);
    for (const m of loadMigrations(DEFAULT_MIGRATIONS_DIR)) {
      fs.mkdirSync(path.join(migrationsDir, m.name));
      fs.writeFileSync(path.join(migrationsDir, m.name, 'migration.sql'), m.sql);
    }
    const db = await openDatabase({ dataDir: base, migrationsDir, env: {}, loadDataDir: await pgliteTemplateBlob('migrated') });
    expect(db.migrations.alreadyApplied).toBe(loadMigrations().length);
    await db.close();
    const first = loadMigrations(migrationsDir)[0]!;
    fs.appendFileSync(path.join(migrationsDir, first.name, 'migration.sql'), '\n-- edited\n');
    const err = await startupError(openDatabase({ dataDir: base, migrationsDir, env: {} }));
    expect(err.code).toBe('MIGRATION_MISMATCH');
    expect(err.message).toMatch(/modified after it was applied/);
  });
});

describe('PostgreSQL start-up errors', () => {
  it('an unreachable server names DATABASE_URL and hides the password', async () => {
    const err = await startupError(openDatabase({ databaseUrl: 'postgresql://hs:s3cret@127.0.0.1:1/nothing' }));
    expect(err.code).toBe('DATABASE_UNREACHABLE');
    expect(err.setting).toBe('DATABASE_URL');
    expect(err.message).toContain('DATABASE_URL');
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toContain('s3cret');
  });

  it('a URL that is not PostgreSQL is rejected before connecting', async () => {
    const err = await startupError(openDatabase({ databaseUrl: 'mysql://root@localhost/db' }));
    expect(err.code).toBe('DATABASE_URL_INVALID');
    expect(err.message).toContain('postgresql://');
  });

  it('an unsafe schema name is rejected', async () => {
    const err = await startupError(openDatabase({ databaseUrl: 'postgresql://u@127.0.0.1/db?schema=a;drop' }));
    expect(err.code).toBe('DATABASE_URL_INVALID');
  });
});

describePg('PostgreSQL start-up errors (server)', () => {
  const schema = `t_fail_${process.pid}`;
  let pool: Pool;
  beforeAll(() => {
    pool = new Pool({ connectionString: PG_URL!.replace(/\?.*$/, '') });
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('concurrent starts on one fresh schema migrate exactly once', async () => {
    const s2 = `${schema}_race`;
    try {
      const dbs = await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: PG_URL!, schema: s2 })));
      const applied = dbs.map((d) => d.migrations.applied.length).sort();
      expect(applied).toEqual([0, 0, loadMigrations().length]);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${s2}"."_prisma_migrations"`);
      expect(rows[0].n).toBe(loadMigrations().length);
      await Promise.all(dbs.map((d) => d.close()));
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS "${s2}" CASCADE`);
    }
  });

  it('a missing database is reported as unreachable with the cause', async () => {
    const u = new URL(PG_URL!);
    u.pathname = '/hepatoscope_no_such_db';
    u.search = '';
    const err = await startupError(openDatabase({ databaseUrl: u.toString() }));
    expect(err.code).toBe('DATABASE_UNREACHABLE');
    expect(err.message).toMatch(/does not exist/);
  });

  it('a failing migration leaves the schema untouched, then good migrations apply', async () => {
    const migrationsDir = brokenMigrations();
    try {
      const err = await startupError(openDatabase({ databaseUrl: PG_URL!, schema, migrationsDir }));
      expect(err.code).toBe('MIGRATION_FAILED');
      expect(err.setting).toBe('prisma/migrations');
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1", [schema]);
      expect(rows[0].n).toBe(0);
      const db = await openDatabase({ databaseUrl: PG_URL!, schema });
      expect(db.migrations.applied.length).toBe(loadMigrations().length);
      await db.close();
    } finally {
      fs.rmSync(migrationsDir, { recursive: true, force: true });
    }
  });
});
