/**
 * patients.list: the per-page extras (cohort names, study count, synthetic flag) from one SQL query, and the reused
 * total (listTotalCacheMs): exact on a last page, recounted when a full page contradicts the cached value, expired
 * after the TTL. PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, fixtureActor } from '@hepatoscope/testing/fixtures';
import type { Services } from './index';
import type { Fixture } from './fixture';
import type { Actor } from './types';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let clinician: Actor;
let clock = new Date('2026-03-01T10:00:00Z');

beforeAll(async () => {
  ({ t, fx, services } = await createFixtureServices({ now: () => clock }));
  clinician = fixtureActor(fx, 'clinician', { name: 'c', clientAddress: '' });
});
afterAll(() => t?.cleanup());

it('returns cohort names, study counts and the synthetic flag per row', async () => {
  const r = await services.patients.list(clinician, { page: 1, pageSize: 25 });
  const cohort = await t.db.prisma.cohort.findUniqueOrThrow({ where: { id: fx.cohortA } });
  const p1 = await t.db.prisma.patient.findUniqueOrThrow({
    where: { id: fx.patients.p1 },
    include: { studies: true, cohortMemberships: true },
  });
  const row = r.items.find((i) => i.id === fx.patients.p1)!;
  expect(row.cohortNames).toEqual([cohort.name]);
  expect(row.studyCount).toBe(p1.studies.length);
  expect(row.synthetic).toBe(p1.studies.some((s) => s.synthetic) || cohort.synthetic);
  expect(r.total).toBe(r.items.length);
});

it('reuses a total for the TTL, but never one that a page contradicts', async () => {
  const q = { page: 1, pageSize: 1 };
  const first = await services.patients.list(clinician, q);
  const n = first.total;
  expect(n).toBeGreaterThan(1);
  // add n more patients to cohort A (visible to the clinician)
  const ids: string[] = [];
  for (let i = 0; i < n + 1; i++) {
    const p = await t.db.prisma.patient.create({ data: { pseudoId: `LIST-${i}` } });
    await t.db.prisma.cohortMembership.create({ data: { cohortId: fx.cohortA, patientId: p.id } });
    ids.push(p.id);
  }
  // within the TTL a full first page does not contradict the cached total: reused
  expect((await services.patients.list(clinician, q)).total).toBe(n);
  // a full page beyond the cached total contradicts it: recounted
  const deep = await services.patients.list(clinician, { page: n + 1, pageSize: 1 });
  expect(deep.items).toHaveLength(1);
  expect(deep.total).toBe(2 * n + 1);
  // the last page is always exact
  const last = await services.patients.list(clinician, { page: 1, pageSize: 1000 });
  expect(last.total).toBe(last.items.length);
  expect(last.total).toBe(2 * n + 1);
  // after the TTL a changed total is counted again
  await t.db.prisma.patient.deleteMany({ where: { id: { in: ids.slice(0, 2) } } });
  clock = new Date(clock.getTime() + 2_001);
  expect((await services.patients.list(clinician, q)).total).toBe(2 * n - 1);
});

// Regression (HTTP 500 while paging the worklist on the embedded database): embedded pg-boss runs its multi-statement
// blocks (`BEGIN; …; COMMIT`) through `db.executeSql` on the one PGlite connection. A block that failed half-way left
// that connection inside an aborted transaction, so the next list queries (and every later one until something
// ended the transaction) failed with "current transaction is aborted" (25P02). On PostgreSQL the same call used a
// pooled client that went back to the pool in that state.
it('a failed multi-statement block through executeSql does not break the list queries that follow or interleave', async () => {
  const q = { page: 1, pageSize: 2 };
  const before = await services.patients.list(clinician, q);
  const bad = t.db.executeSql('BEGIN; SELECT 1; SELECT 1/0; COMMIT');
  const pages = Promise.all([1, 2, 3].map((page) => services.patients.list(clinician, { ...q, page })));
  await expect(bad).rejects.toThrow(/division by zero/);
  expect((await pages)[0].items.map((i) => i.id)).toEqual(before.items.map((i) => i.id));
  for (let i = 0; i < 4; i++) await expect(t.db.executeSql('BEGIN; SELECT 1/0; COMMIT')).rejects.toThrow(/division/);
  const after = await services.patients.list(clinician, { ...q, page: 2 });
  expect(after.items.length).toBeGreaterThan(0);
  // a successful block still commits
  await t.db.executeSql(`BEGIN; UPDATE "Patient" SET aetiology = 'block-ok' WHERE id = '${fx.patients.p1}'; COMMIT`);
  expect((await t.db.prisma.patient.findUniqueOrThrow({ where: { id: fx.patients.p1 } })).aetiology).toBe('block-ok');
});
