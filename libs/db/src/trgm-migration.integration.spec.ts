/**
 * Migration patient_search_trgm on PostgreSQL servers that differ in what pg_trgm allows, each in a fresh database
 * (pg_trgm is per database, and the shared test database already has it):
 * - a role that may not create the extension still migrates: no trigram indexes, the search works unindexed;
 * - an extension an administrator installed in another schema is used from there;
 * - several schemas migrating at once all get the indexes (the extension is installed once).
 * PostgreSQL only (DATABASE_URL, as a role that may create databases and roles); PGlite's side is covered by
 * libs/services patients-search-trgm.integration.spec.ts.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { openDatabase } from './open';

const PG_URL = process.env.DATABASE_URL;
const describePg = PG_URL ? describe : describe.skip;
const MIGRATION = '20261128031500_patient_search_trgm';

/** `url` with another user and/or database. */
function urlWith(url: string, over: { user?: string; database?: string }): string {
  const u = new URL(url);
  if (over.user) u.username = over.user;
  if (over.database) u.pathname = `/${over.database}`;
  return u.toString();
}

/** Runs `sql` in `database` as the DATABASE_URL user. */
async function admin(database: string | undefined, sql: string): Promise<void> {
  const pool = new Pool({ connectionString: database ? urlWith(PG_URL!, { database }) : PG_URL, max: 1 });
  try {
    await pool.query(sql);
  } finally {
    await pool.end();
  }
}

/** The trigram indexes of "Patient" in `schema`, with their definitions. */
async function trgmIndexes(db: Awaited<ReturnType<typeof openDatabase>>, schema: string): Promise<string[]> {
  const { rows } = await db.sql.query<{ indexdef: string }>(
    `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'Patient' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname`,
    [schema],
  );
  return rows.map((r) => r.indexdef);
}

describePg('migration patient_search_trgm on PostgreSQL (fresh databases)', () => {
  const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const dbName = `hs_trgm_${suffix}`;
  const role = `hs_trgm_role_${suffix}`;
  beforeAll(async () => {
    await admin(undefined, `CREATE DATABASE "${dbName}"`);
    // a login role without CREATE on the database: it cannot create pg_trgm (a trusted extension needs that) nor
    // schemas; it migrates into its own schema, found through the default search_path ("$user", public)
    await admin(undefined, `CREATE ROLE "${role}" LOGIN`);
    await admin(dbName, `CREATE SCHEMA "${role}" AUTHORIZATION "${role}"`);
  }, 60_000);
  afterAll(async () => {
    await admin(undefined, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin(undefined, `DROP ROLE IF EXISTS "${role}"`);
  }, 60_000);

  it('migrates without the indexes when the role may not create the extension; the search still works', async () => {
    const db = await openDatabase({ databaseUrl: urlWith(PG_URL!, { user: role, database: dbName }) });
    try {
      expect(db.migrations.applied).toContain(MIGRATION);
      const { rows: ext } = await db.sql.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`);
      expect(ext).toHaveLength(0);
      expect(await trgmIndexes(db, role)).toEqual([]);
      // raw SQL: without `?schema=` Prisma names public."Patient", while the migration went to the role's schema
      await db.sql.query(`INSERT INTO "Patient" (id, "pseudoId", "updatedAt") VALUES ('p1', 'TRGM-0001', now())`);
      const { rows } = await db.sql.query<{ pseudoId: string }>(
        `SELECT "pseudoId" FROM "Patient" p WHERE p."pseudoId" ILIKE ('%' || $1 || '%')`,
        ['trgm-00'],
      );
      expect(rows).toEqual([{ pseudoId: 'TRGM-0001' }]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('uses pg_trgm where an administrator installed it, and migrates concurrent schemas (one installs it)', async () => {
    // first: several schemas at once while pg_trgm is not installed yet. Two overlapping CREATE EXTENSION IF NOT
    // EXISTS fail on pg_extension's unique name (reproduced by hand); the migration's database-wide lock orders them.
    // This run exercises that path but cannot force the overlap.
    const url = urlWith(PG_URL!, { database: dbName });
    const schemas = [0, 1, 2, 3].map((i) => `s${i}_${suffix}`);
    const dbs = await Promise.all(schemas.map((schema) => openDatabase({ databaseUrl: url, schema })));
    try {
      for (const [i, db] of dbs.entries()) {
        expect(db.migrations.applied).toContain(MIGRATION);
        expect(await trgmIndexes(db, schemas[i]!)).toHaveLength(3);
      }
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
    // then: moved by an administrator to schema "extensions" (usable by everyone): a new schema's indexes use it
    await admin(dbName, `CREATE SCHEMA extensions; GRANT USAGE ON SCHEMA extensions TO PUBLIC; ALTER EXTENSION pg_trgm SET SCHEMA extensions`);
    const db = await openDatabase({ databaseUrl: url, schema: `moved_${suffix}` });
    try {
      const defs = await trgmIndexes(db, `moved_${suffix}`);
      expect(defs).toHaveLength(3);
      for (const d of defs) expect(d).toMatch(/extensions\.gin_trgm_ops/);
      await db.prisma.patient.create({ data: { pseudoId: 'TRGM-0002' } });
      const { rows } = await db.sql.query(`SELECT "pseudoId" FROM "Patient" p WHERE p."pseudoId" ILIKE ('%' || $1 || '%')`, ['gm-0002']);
      expect(rows).toEqual([{ pseudoId: 'TRGM-0002' }]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
