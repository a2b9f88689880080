/**
 * @hepatoscope/testing — helpers for integration tests (Node only).
 *
 *   const t = await createTestDatabase();   // fresh, migrated
 *   afterAll(() => t.cleanup());
 *   t.db.prisma.patient.create(...)
 */
export * from './database';
export * from './tmp';
export * from './pg-cluster';
export * from './orthanc';
