/**
 * @hepatoscope/db — the only importer of Prisma. One data layer, two backends (embedded PGlite, PostgreSQL).
 *
 *   const db = await openDatabase();          // env: HEPATOSCOPE_DATA_DIR, DATABASE_URL
 *   const users = new UserRepository(db.prisma);
 *   ...
 *   await db.close();
 */
export * from './errors';
export * from './sql';
export * from './migrations';
export * from './open';
export * from './client';
export * from './repositories';
export * from './prisma-types';
export * from './seed';
export * from './pglite-template';
