import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Prisma, PrismaClient } from './generated/prisma/client';
import { assertReadStatement, type ReadRows } from './raw-read';

/** Options of `createPrismaClient`. */
export interface PrismaClientOptions {
  /** Where `$queryReadOnly` sends its statements outside transactions (the pool; PGlite's session); default Prisma's raw query. */
  readRows?: ReadRows;
}

/**
 * Builds the Prisma client used everywhere, with the safety extension:
 * `deleteMany` / `updateMany` without a non-empty `where` throw instead of touching every row.
 * (Pass `where: { id: { not: '' } }`-style explicit filters if you really mean "all".)
 * And `$queryReadOnly(text, values)`: one raw SELECT, through `options.readRows` when given (see `readOnlyQuery`).
 */
export function createPrismaClient(adapter: SqlDriverAdapterFactory, options: PrismaClientOptions = {}) {
  return new PrismaClient({ adapter }).$extends({
    name: 'hepatoscope-guards',
    query: {
      $allModels: {
        async deleteMany({ model, args, query }) {
          assertWhere(model, 'deleteMany', args?.where);
          return query(args);
        },
        async updateMany({ model, args, query }) {
          assertWhere(model, 'updateMany', args?.where);
          return query(args);
        },
        async updateManyAndReturn({ model, args, query }) {
          assertWhere(model, 'updateManyAndReturn', args?.where);
          return query(args);
        },
      },
    },
  }).$extends({ name: 'hepatoscope-read-only-query', client: { $queryReadOnly: readOnlyQuery(options.readRows) } });
}

/**
 * `$queryReadOnly<R>(text, values)`: one raw SELECT (`$1..$n` parameters) for hot reads. With `readRows` it skips
 * Prisma's query pipeline: on PostgreSQL the node-postgres pool (named statements), about half of the Node CPU of
 * `$queryRawUnsafe`; on PGlite its session's wire protocol (named statements: no re-planning), which hands back to
 * Prisma what it cannot answer identically (`pgliteReadRows`). Inside an interactive transaction (the read must see
 * the transaction's writes) it is `$queryRawUnsafe`. Same JS values either way for the column types of
 * READ_ONLY_TYPE_OIDS; other types are refused on PostgreSQL and read by Prisma on PGlite.
 */
function readOnlyQuery(readRows: ReadRows | undefined) {
  return async function $queryReadOnly<R = Record<string, unknown>>(
    this: unknown,
    text: string,
    values: readonly unknown[] = [],
  ): Promise<R[]> {
    assertReadStatement(text);
    const client = Prisma.getExtensionContext(this) as unknown as RawQueryClient;
    const viaPrisma = () => client.$queryRawUnsafe<R[]>(text, ...values);
    if (!readRows || inTransaction(client)) return viaPrisma();
    return (await readRows(text, values, viaPrisma)) as R[];
  };
}

type RawQueryClient = { $queryRawUnsafe<T>(query: string, ...values: unknown[]): Promise<T> };

/** Prisma marks the client of an interactive `$transaction` callback with this symbol (its transaction scope). */
const TRANSACTION_SCOPE = Symbol.for('prisma.client.transaction.scope_context');

function inTransaction(client: object): boolean {
  return (client as Record<symbol, unknown>)[TRANSACTION_SCOPE] !== undefined;
}

function assertWhere(model: string, op: string, where: unknown): void {
  if (where === undefined || where === null || (typeof where === 'object' && Object.keys(where).length === 0)) {
    throw new Error(`${model}.${op} without a "where" filter is refused (it would affect every row); pass an explicit filter.`);
  }
}

/** The extended Prisma client of a Hepatoscope database. */
export type Db = ReturnType<typeof createPrismaClient>;

/** What repositories accept: the client itself or the client given to an interactive `$transaction` callback. */
export type DbClient = Omit<Db, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
