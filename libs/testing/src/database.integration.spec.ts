import fs from 'node:fs';
import { createTestDatabase } from './database';

describe(`createTestDatabase (${process.env.DATABASE_URL ? 'postgresql' : 'pglite'})`, () => {
  it('gives each caller an isolated, migrated database and cleans up after itself', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    try {
      expect(a.kind).toBe(process.env.DATABASE_URL ? 'postgresql' : 'pglite');
      await a.db.prisma.cohort.create({ data: { name: 'only-in-a' } });
      expect(await a.db.prisma.cohort.count()).toBe(1);
      expect(await b.db.prisma.cohort.count()).toBe(0);
      expect(fs.statSync(a.filesDir).isDirectory()).toBe(true);
      if (a.kind === 'postgresql') expect(a.schema).not.toBe(b.schema);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
    expect(fs.existsSync(a.dataDir)).toBe(false);
    await a.cleanup(); // idempotent
  });

  it('drops the PostgreSQL schema on cleanup', async () => {
    const t = await createTestDatabase();
    if (t.kind !== 'postgresql') {
      await t.cleanup();
      return;
    }
    const { Pool } = await import('pg');
    const pool = new Pool({ connectionString: process.env.DATABASE_URL!.replace(/\?.*$/, '') });
    try {
      await t.cleanup();
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [t.schema]);
      expect(rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('can force PGlite even when DATABASE_URL is set', async () => {
    const t = await createTestDatabase({ databaseUrl: null });
    try {
      expect(t.kind).toBe('pglite');
    } finally {
      await t.cleanup();
    }
  });
});
