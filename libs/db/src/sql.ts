/**
 * Minimal raw-SQL access shared by both backends: used by the migrator, by `executeSql` (pg-boss's custom `db`)
 * and by tests. Everything else goes through Prisma.
 */
export interface SqlResult<R = Record<string, unknown>> {
  rows: R[];
  /** Rows affected (INSERT/UPDATE/DELETE), when known. */
  rowCount?: number | null;
}

/** One connection/session able to run parameterised queries and multi-statement scripts. */
export interface SqlSession {
  /** One statement, `$1..$n` parameters. */
  query<R = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<SqlResult<R>>;
  /** A script of several statements, no parameters (simple query protocol). */
  exec(script: string): Promise<void>;
}

/** A backend: sessions on demand plus transactions. */
export interface SqlBackend extends SqlSession {
  readonly kind: 'pglite' | 'postgresql';
  /** Runs `fn` inside BEGIN … COMMIT on one session; ROLLBACK (and rethrow) when `fn` throws. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
}
