import type { PGlite } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';
import type { SqlBackend, SqlResult, SqlSession } from './sql';

/** Raw SQL over one PGlite instance (single session: PGlite serialises everything). */
export function pgliteBackend(pglite: PGlite): SqlBackend {
  const session = (q: Pick<PGlite, 'query' | 'exec'>): SqlSession => ({
    async query<R>(text: string, values?: readonly unknown[]): Promise<SqlResult<R>> {
      const res = await q.query<R>(text, values ? [...values] : undefined);
      return { rows: res.rows, rowCount: res.affectedRows ?? null };
    },
    async exec(script: string): Promise<void> {
      await q.exec(script);
    },
  });
  return {
    kind: 'pglite',
    ...session(pglite),
    transaction<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
      return pglite.transaction((tx) => fn(session(tx)));
    },
  };
}

/** Raw SQL over a node-postgres pool. */
export function pgBackend(pool: Pool): SqlBackend {
  const session = (c: Pool | PoolClient): SqlSession => ({
    async query<R>(text: string, values?: readonly unknown[]): Promise<SqlResult<R>> {
      const res = await c.query(text, values ? [...values] : undefined);
      return { rows: res.rows as R[], rowCount: res.rowCount };
    },
    async exec(script: string): Promise<void> {
      await c.query(script);
    },
  });
  return {
    kind: 'postgresql',
    ...session(pool),
    async transaction<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(session(client));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
