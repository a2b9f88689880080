/** Exports through the router: CSRF required (mutations), every export audited with what left (rows/instances). */
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, loggedInRequest } from '@hepatoscope/testing/fixtures';
import type { Fixture, Services } from '@hepatoscope/services';
import { createCaller } from '../root';
import { createContext } from '../trpc';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
beforeAll(async () => ({ t, fx, services } = await createFixtureServices()));
afterAll(() => t?.cleanup());

async function caller(email: string, csrf: boolean) {
  const req = await loggedInRequest(services, email, { clientAddress: '192.0.2.9', csrf: csrf ? 'valid' : 'missing' });
  return createCaller(await createContext(services, req));
}

it('a cohort CSV export needs the CSRF header and is audited with the row count', async () => {
  const noCsrf = await caller(fx.users.admin.email, false);
  await expect(noCsrf.exports.cohortCsv({ cohortId: fx.cohortA })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  const admin = await caller(fx.users.admin.email, true);
  const out = await admin.exports.cohortCsv({ cohortId: fx.cohortA });
  expect(out.rows).toBe(1);
  expect(out.csv).not.toContain('FX-001');
  const ev = await t.db.prisma.auditEvent.findFirst({ where: { action: 'export.cohort.csv' }, orderBy: { seq: 'desc' } });
  expect(ev).toMatchObject({ userId: fx.users.admin.id, entityType: 'Cohort', entityId: fx.cohortA, outcome: 'SUCCESS', ipAddress: '192.0.2.9' });
  expect(ev!.details).toMatchObject({ rows: 1 });
});

it('patient exports and refused DICOM exports are audited', async () => {
  const c = await caller(fx.users.clinician.email, true);
  expect((await c.exports.patientsCsv({})).rows).toBe(2);
  // the fixture's series bytes are not an image: refused with a clear error (nothing left the system; the audit
  // middleware records successes and denials)
  await expect(c.exports.seriesDicom({ seriesId: fx.seriesId })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/cannot be exported/) });
  const c2 = await caller(fx.users.clinician2.email, true);
  await expect(c2.exports.seriesDicom({ seriesId: fx.seriesId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  const rows = await t.db.prisma.auditEvent.findMany({ where: { action: { startsWith: 'export.' } }, orderBy: { seq: 'asc' } });
  expect(rows.map((r) => [r.action, r.outcome])).toEqual(
    expect.arrayContaining([
      ['export.patients.csv', 'SUCCESS'],
      ['export.series.dicom', 'DENIED'],
    ]),
  );
});
