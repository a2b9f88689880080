/**
 * @hepatoscope/testing — helpers for integration tests (Node only).
 *
 *   const t = await createTestDatabase();   // fresh, migrated
 *   afterAll(() => t.cleanup());
 *   t.db.prisma.patient.create(...)
 *
 * With the services fixture and services over it: `@hepatoscope/testing/fixtures` (a separate entry point, as it
 * loads @hepatoscope/services).
 */
export * from './database';
export * from './tmp';
export * from './pg-cluster';
export * from './orthanc';
export * from './http';
export * from './mount';
