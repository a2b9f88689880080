/**
 * The PACS use cases against a small scripted DICOMweb server (node:http) and a real database: settings from the
 * environment vs. saved settings, a non-DICOM part in a WADO answer (refused, nothing written), and an import matched
 * to an existing patient by PatientID. The end-to-end test against a real Orthanc is
 * libs/api-trpc/src/routers/pacs.integration.spec.ts.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildMultipartRelated } from '@hepatoscope/dicomweb';
import { createVolume, encodeDicomSeries } from '@hepatoscope/imaging-io';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase, fixtureActor } from '@hepatoscope/testing/fixtures';
import { resolveDeps } from '../deps';
import type { Fixture } from '../fixture';
import type { Actor } from '../types';
import { createAccess } from './access';
import { createPacsService } from './pacs';
import { createReportsService } from './reports';

let t: TestDatabase;
let fx: Fixture;
let server: http.Server;
let base = '';
let wadoMode: 'dicom' | 'not-dicom' = 'not-dicom';
const seen: http.IncomingHttpHeaders[] = [];

const vol = createVolume({
  data: Int16Array.from({ length: 8 * 6 * 3 }, (_, i) => i * 7 - 100),
  dims: [8, 6, 3],
  spacing: [0.7, 0.7, 3],
  origin: [10, -20, 5],
});
const enc = encodeDicomSeries(vol, { patientId: 'FX-001', seriesDescription: 'PORTAL VENOUS' });
const STUDY = enc.studyInstanceUid;

beforeAll(async () => {
  ({ t, fx } = await createFixtureDatabase());
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    const u = new URL(req.url!, 'http://x');
    if (u.pathname.endsWith('/studies')) {
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end(
        JSON.stringify([
          {
            '0020000D': { vr: 'UI', Value: [STUDY] },
            '00100020': { vr: 'LO', Value: ['FX-001'] },
            '00080020': { vr: 'DA', Value: ['20250301'] },
          },
        ]),
      );
    } else if (u.pathname.endsWith(`/studies/${STUDY}/series`)) {
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end(
        JSON.stringify([
          { '0020000E': { vr: 'UI', Value: [enc.seriesInstanceUid] }, '00080060': { vr: 'CS', Value: ['CT'] } },
        ]),
      );
    } else if (u.pathname.endsWith(`/series/${enc.seriesInstanceUid}`)) {
      const bodies =
        wadoMode === 'dicom' ? enc.files : [enc.files[0]!, new TextEncoder().encode('<html>proxy login page</html>')];
      const mp = buildMultipartRelated(bodies.map((body) => ({ contentType: 'application/dicom', body })));
      res.writeHead(200, { 'content-type': mp.contentType });
      res.end(Buffer.from(mp.body));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await t?.cleanup();
});

const clinician = (): Actor => fixtureActor(fx, 'clinician', { name: 'c', clientAddress: '127.0.0.1' });
const service = (env: Record<string, string | undefined>) => {
  const deps = resolveDeps({ prisma: t.db.prisma, dbKind: t.db.kind, filesDir: t.filesDir });
  const access = createAccess(deps);
  return createPacsService(deps, access, createReportsService(deps, access), { env });
};
const files = () =>
  fs.existsSync(path.join(t.filesDir, 'series')) ? fs.readdirSync(path.join(t.filesDir, 'series')) : [];

it('uses HEPATOSCOPE_DICOMWEB_* when nothing is saved; saved settings win; secrets are never shown', async () => {
  const pacs = service({ HEPATOSCOPE_DICOMWEB_URL: base, HEPATOSCOPE_DICOMWEB_TOKEN: 'env-token' });
  expect(await pacs.getSettings()).toEqual({
    configured: true,
    source: 'env',
    url: base,
    authType: 'bearer',
    username: null,
    hasSecret: true,
    timeoutMs: 60000,
  });
  await pacs.searchStudies(clinician(), { page: 1, pageSize: 5 });
  expect(seen.at(-1)!.authorization).toBe('Bearer env-token');
  const admin = { ...clinician(), userId: fx.users.admin.id, role: 'ADMIN' as const };
  const v = await pacs.setSettings(admin, {
    url: base + '/',
    auth: { type: 'basic', username: 'u', password: 'p@ss' },
    timeoutMs: 5000,
  });
  expect(v).toMatchObject({
    source: 'settings',
    url: base,
    authType: 'basic',
    username: 'u',
    hasSecret: true,
    timeoutMs: 5000,
  });
  expect(JSON.stringify(v)).not.toContain('p@ss');
  await pacs.searchStudies(clinician(), { page: 1, pageSize: 5 });
  expect(seen.at(-1)!.authorization).toBe('Basic ' + Buffer.from('u:p@ss').toString('base64'));
  await expect(pacs.setSettings(admin, { url: base, auth: { type: 'bearer' } })).rejects.toMatchObject({
    code: 'INVALID',
    message: /auth\.token is required/,
  });
  await expect(pacs.setSettings(admin, { url: 'http://user:pw@pacs/dicom-web' })).rejects.toMatchObject({
    code: 'INVALID',
    message: /must not carry credentials/,
  });
  expect(await pacs.setSettings(admin, { url: null })).toMatchObject({ source: 'env', authType: 'bearer' });
  await expect(
    service({ HEPATOSCOPE_DICOMWEB_URL: 'ftp://pacs' }).searchStudies(clinician(), { page: 1, pageSize: 5 }),
  ).rejects.toMatchObject({
    code: 'INVALID',
    message: /^HEPATOSCOPE_DICOMWEB_URL: .*http\(s\)/,
  });
  await expect(service({}).importStudy(clinician(), { studyInstanceUid: STUDY })).rejects.toMatchObject({
    code: 'INVALID',
    message: /No PACS is configured/,
  });
});

it('a WADO part that is not DICOM fails the import with a clear error and writes nothing', async () => {
  wadoMode = 'not-dicom';
  const before = files();
  const studies = await t.db.prisma.study.count();
  await expect(
    service({ HEPATOSCOPE_DICOMWEB_URL: base }).importStudy(clinician(), { studyInstanceUid: STUDY }),
  ).rejects.toMatchObject({
    code: 'UNAVAILABLE',
    message: expect.stringMatching(/invalid answer.*part 2 \(\d+ bytes\) is not a DICOM Part-10 file/),
  });
  expect(files()).toEqual(before);
  expect(await t.db.prisma.study.count()).toBe(studies);
});

it('imports onto the existing patient whose pseudoId is the DICOM PatientID (in scope), once', async () => {
  wadoMode = 'dicom';
  const pacs = service({ HEPATOSCOPE_DICOMWEB_URL: base });
  const r = await pacs.importStudy(clinician(), { studyInstanceUid: STUDY });
  expect(r).toMatchObject({ patientId: fx.patients.p1, patientCreated: false, failed: [], skipped: [] });
  expect(r.series).toEqual([
    expect.objectContaining({
      seriesInstanceUid: enc.seriesInstanceUid,
      dims: [8, 6, 3],
      instances: 3,
      phase: 'PORTAL_VENOUS',
    }),
  ]);
  r.series[0]!.spacing.forEach((s, i) => expect(s).toBeCloseTo(vol.spacing[i]!, 6));
  expect(files()).toContain(`${r.series[0]!.id}.nii.gz`);
  expect(files().filter((f) => f.includes('.part-'))).toEqual([]);
  const st = await t.db.prisma.study.findUniqueOrThrow({ where: { id: r.studyId } });
  expect(st).toMatchObject({ patientId: fx.patients.p1, origin: 'dicomweb', studyInstanceUid: STUDY });
  expect(st.date?.toISOString().slice(0, 10)).toBe('2025-03-01');
  const again = await pacs.importStudy(clinician(), { studyInstanceUid: STUDY });
  expect(again).toMatchObject({
    studyId: r.studyId,
    series: [],
    skipped: [{ reason: 'already imported', seriesId: r.series[0]!.id }],
  });
  // clinician2 has no access to FX-001: the study is taken
  const c2 = { ...clinician(), userId: fx.users.clinician2.id };
  await expect(pacs.importStudy(c2, { studyInstanceUid: STUDY })).rejects.toMatchObject({ code: 'CONFLICT' });
});
