import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from './generated/prisma/client';

/**
 * Builds the Prisma client used everywhere, with the safety extension:
 * `deleteMany` / `updateMany` without a non-empty `where` throw instead of touching every row.
 * (Pass `where: { id: { not: '' } }`-style explicit filters if you really mean "all".)
 */
export function createPrismaClient(adapter: SqlDriverAdapterFactory) {
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
  });
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
