/**
 * PACS over DICOMweb end to end, against a real Orthanc (Debian `orthanc` + `orthanc-dicomweb`, started on loopback
 * by the test) and a real database (PGlite, or PostgreSQL with DATABASE_URL), through the tRPC router:
 * synthetic phantom DICOM series are uploaded to Orthanc's REST API; QIDO finds them; import stores them with the
 * source geometry and voxel values; a segmentation goes back as DICOM SEG and a report as Encapsulated PDF (STOW-RS),
 * checked through Orthanc's own REST API. Skipped (saying why) only when Orthanc is not installed and not in CI.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TRPCError } from '@trpc/server';
import {
  findOrthanc,
  findOrthancDicomWebPlugin,
  startOrthanc,
  type OrthancServer,
  type TestDatabase,
} from '@hepatoscope/testing';
import { createFixtureDatabase, fixtureActor, loggedInRequest, servicesFor } from '@hepatoscope/testing/fixtures';
import type { Fixture, Services } from '@hepatoscope/services';
import { decodeDicomSeg, encodeDicomSeries, encodeNifti, parseNifti, type Volume } from '@hepatoscope/imaging-io';
import { generatePhantom } from '@hepatoscope/phantoms';
import { createCaller } from '../root';
import { createContext } from '../trpc';

const available = !!findOrthanc() && !!findOrthancDicomWebPlugin();
if (!available && process.env.CI)
  throw new Error('CI must run the Orthanc test: apt-get install orthanc orthanc-dicomweb');
if (!available)
  console.warn('SKIPPED pacs.integration.spec.ts: Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)');
const d = available ? describe : describe.skip;

const SOP_SEG = '1.2.840.10008.5.1.4.1.1.66.4';
const SOP_PDF = '1.2.840.10008.5.1.4.1.1.104.1';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let orthanc: OrthancServer;
const timings: Record<string, number> = {};

/** Source series uploaded to Orthanc: the volumes and their UIDs. */
const src: { study: string; pv: { vol: Volume; uid: string }; art: { vol: Volume; uid: string }; mask: Uint8Array } =
  {} as never;
let study2Uid = '';

const callerAs = async (user: keyof Fixture['users']) =>
  createCaller(
    await createContext(
      services,
      await loggedInRequest(services, fx.users[user].email, { clientAddress: '192.0.2.9' }),
    ),
  );
const actorOf = (user: keyof Fixture['users']) => fixtureActor(fx, user, { clientAddress: '192.0.2.9' });
const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    timings[name] = Math.round(performance.now() - t0);
  }
};
const err = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x) => x,
  );
  expect(e).toBeInstanceOf(TRPCError);
  return e as TRPCError;
};
const seriesFiles = () =>
  fs.existsSync(path.join(t.filesDir, 'series')) ? fs.readdirSync(path.join(t.filesDir, 'series')).sort() : [];

beforeAll(async () => {
  if (!available) return;
  const t0 = performance.now();
  [{ t, fx }, orthanc] = await Promise.all([createFixtureDatabase(), startOrthanc()]);
  services = servicesFor(t);

  // A synthetic phantom: portal-venous and arterial phases as two CT series of one study, plus a small second study.
  const ph = generatePhantom({ seed: 11, dims: [48, 40, 10], spacing: [2.2, 2.4, 5], lesions: 2 }).timepoints[0]!;
  const pv = ph.phases.PORTAL_VENOUS as unknown as Volume;
  const art = ph.phases.ARTERIAL as unknown as Volume;
  const pvEnc = encodeDicomSeries(pv, {
    patientId: 'PACS-0001',
    patientName: 'SYNTHETIC^PHANTOM',
    seriesDescription: 'PORTAL VENOUS',
    seriesNumber: 2,
  });
  const artEnc = encodeDicomSeries(art, {
    patientId: 'PACS-0001',
    patientName: 'SYNTHETIC^PHANTOM',
    seriesDescription: 'ARTERIAL',
    seriesNumber: 1,
    studyInstanceUid: pvEnc.studyInstanceUid,
    frameOfReferenceUid: pvEnc.frameOfReferenceUid,
  });
  const other = encodeDicomSeries({ ...pv, dims: [48, 40, 2], data: pv.data.slice(0, 48 * 40 * 2) } as Volume, {
    patientId: 'PACS-0002',
    patientName: 'OTHER^PATIENT',
  });
  study2Uid = other.studyInstanceUid;
  Object.assign(src, {
    study: pvEnc.studyInstanceUid,
    pv: { vol: pv, uid: pvEnc.seriesInstanceUid },
    art: { vol: art, uid: artEnc.seriesInstanceUid },
  });
  const mask = new Uint8Array(ph.liverMask.data);
  for (let i = 0; i < mask.length; i++) if (ph.lesionMask.data[i]! > 0) mask[i] = 2;
  src.mask = mask;
  await timed('upload', async () => {
    for (const f of [...pvEnc.files, ...artEnc.files, ...other.files])
      await orthanc.rest('/instances', { method: 'POST', body: f, headers: { 'content-type': 'application/dicom' } });
  });
  timings.setup = Math.round(performance.now() - t0);
  timings.orthancStart = Math.round(orthanc.startSeconds * 1000);
});

afterAll(async () => {
  if (!available) return;
  await orthanc?.stop();
  await t?.cleanup();
  console.log(`pacs.integration timings (ms, ${t?.kind}): ${JSON.stringify(timings)}`);
});

d('PACS over DICOMweb against Orthanc', () => {
  it('admin configures the PACS (basic auth); the secret is never returned; the connection test answers', async () => {
    const admin = await callerAs('admin');
    const v = await admin.pacs.setSettings({
      url: orthanc.dicomWebUrl,
      auth: { type: 'basic', username: orthanc.credentials.username, password: orthanc.credentials.password },
    });
    expect(v).toMatchObject({
      configured: true,
      source: 'settings',
      url: orthanc.dicomWebUrl,
      authType: 'basic',
      username: 'hstest',
      hasSecret: true,
    });
    expect(JSON.stringify(await admin.pacs.settings())).not.toContain(orthanc.credentials.password);
    // re-saving without the password keeps it
    await admin.pacs.setSettings({
      url: orthanc.dicomWebUrl,
      auth: { type: 'basic', username: orthanc.credentials.username },
    });
    await expect(admin.pacs.testConnection()).resolves.toMatchObject({ ok: true, url: orthanc.dicomWebUrl });
    const clin = await callerAs('clinician');
    await expect(clin.pacs.settings()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('QIDO-RS search: by PatientID, by name prefix, by date, paginated', async () => {
    const clin = await callerAs('clinician');
    const r = await timed('search', () => clin.pacs.searchStudies({ patientId: 'PACS-0001' }));
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({
      studyInstanceUid: src.study,
      patientId: 'PACS-0001',
      patientName: 'SYNTHETIC^PHANTOM',
      modalities: ['CT'],
      numberOfSeries: 2,
      numberOfInstances: 20,
      imported: false,
      importedStudyId: null,
    });
    expect((await clin.pacs.searchStudies({ patientName: 'synth' })).items.map((s) => s.patientId)).toEqual([
      'PACS-0001',
    ]);
    expect((await clin.pacs.searchStudies({ dateFrom: '2026-01-01', dateTo: '2026-01-01' })).items).toHaveLength(2);
    expect((await clin.pacs.searchStudies({ dateFrom: '2026-01-02' })).items).toHaveLength(0);
    const p1 = await clin.pacs.searchStudies({ pageSize: 1, page: 1 });
    const p2 = await clin.pacs.searchStudies({ pageSize: 1, page: 2 });
    expect([p1.hasMore, p2.hasMore]).toEqual([true, false]);
    expect(new Set([p1.items[0]!.studyInstanceUid, p2.items[0]!.studyInstanceUid])).toEqual(
      new Set([src.study, study2Uid]),
    );
    const bad = await err(clin.pacs.searchStudies({ dateFrom: '01/02/2026' }));
    expect(bad.code).toBe('BAD_REQUEST');
  });

  it('a truncated WADO-RS answer fails the import and leaves nothing behind (no patient, study, series or file)', async () => {
    // A proxy in front of Orthanc that cuts the multipart body of one series short.
    const proxy = http.createServer(async (rq, rs) => {
      const up = await fetch(orthanc.httpUrl + rq.url, {
        headers: { authorization: rq.headers.authorization ?? '', accept: rq.headers.accept ?? '*/*' },
      });
      let body = Buffer.from(await up.arrayBuffer());
      if (rq.url!.endsWith(`/series/${src.art.uid}`)) body = body.subarray(0, body.length - 5000);
      rs.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/octet-stream' });
      rs.end(body);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const admin = await callerAs('admin');
    try {
      await admin.pacs.setSettings({
        url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/dicom-web`,
        auth: { type: 'basic', username: orthanc.credentials.username, password: orthanc.credentials.password },
      });
      const before = seriesFiles();
      const e = await err((await callerAs('clinician')).pacs.importStudy({ studyInstanceUid: src.study }));
      expect(e.code).toBe('SERVICE_UNAVAILABLE');
      expect(e.message).toMatch(/invalid answer.*truncated multipart body/);
      expect(seriesFiles()).toEqual(before);
      expect(await t.db.prisma.study.count({ where: { studyInstanceUid: src.study } })).toBe(0);
      expect(await t.db.prisma.patient.count({ where: { pseudoId: 'PACS-0001' } })).toBe(0);
    } finally {
      await admin.pacs.setSettings({
        url: orthanc.dicomWebUrl,
        auth: { type: 'basic', username: orthanc.credentials.username, password: orthanc.credentials.password },
      });
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  let patientId = '';
  let pvSeriesId = '';

  it('imports every series of the study onto a new patient (matched by PatientID), with the source geometry and voxels', async () => {
    const clin = await callerAs('clinician');
    const r = await timed('import', () =>
      clin.pacs.importStudy({ studyInstanceUid: src.study, timepoint: 'BASELINE' }),
    );
    expect(r.patientCreated).toBe(true);
    expect(r.series.map((s) => [s.seriesInstanceUid, s.instances]).sort()).toEqual(
      [
        [src.pv.uid, 10],
        [src.art.uid, 10],
      ].sort(),
    );
    expect(r.skipped).toEqual([]);
    expect(r.failed).toEqual([]);
    patientId = r.patientId;
    const p = await t.db.prisma.patient.findUniqueOrThrow({ where: { id: patientId } });
    expect(p).toMatchObject({ pseudoId: 'PACS-0001', sourceDataset: 'dicomweb', sex: 'OTHER' });
    const detail = await clin.patients.get({ id: patientId }); // in the clinician's scope (care assignment)
    expect(detail.studies).toHaveLength(1);
    const st = await t.db.prisma.study.findUniqueOrThrow({ where: { id: r.studyId } });
    expect(st).toMatchObject({
      studyInstanceUid: src.study,
      origin: 'dicomweb',
      modality: 'CT',
      timepoint: 'BASELINE',
      synthetic: true,
    });
    expect(st.date?.toISOString()).toBe('2026-01-01T00:00:00.000Z');

    for (const s of r.series) {
      const source = s.seriesInstanceUid === src.pv.uid ? src.pv.vol : src.art.vol;
      if (s.seriesInstanceUid === src.pv.uid) pvSeriesId = s.id;
      expect(s.phase).toBe(s.seriesInstanceUid === src.pv.uid ? 'PORTAL_VENOUS' : 'ARTERIAL');
      const file = await services.files.series(actorOf('clinician'), s.id);
      const vol = parseNifti(gunzipSync(fs.readFileSync(file.absPath)), 'stored');
      expect([...vol.dims]).toEqual([...source.dims]);
      vol.spacing.forEach((x, i) => expect(x).toBeCloseTo(source.spacing[i]!, 4));
      vol.origin.forEach((x, i) => expect(x).toBeCloseTo(source.origin[i]!, 3));
      vol.direction.forEach((x, i) => expect(x).toBeCloseTo(source.direction[i]!, 5));
      let diff = 0;
      for (let i = 0; i < source.data.length; i++) if (vol.data[i] !== source.data[i]) diff++;
      expect({ series: s.seriesInstanceUid, voxels: source.data.length, differing: diff }).toEqual({
        series: s.seriesInstanceUid,
        voxels: 48 * 40 * 10,
        differing: 0,
      });
      const row = await t.db.prisma.series.findUniqueOrThrow({ where: { id: s.id } });
      expect(row.dims).toEqual([48, 40, 10]);
      row.origin.forEach((x, i) => expect(x).toBeCloseTo(source.origin[i]!, 6));
    }
    const audit = await t.db.prisma.auditEvent.findFirst({
      where: { action: 'pacs.import' },
      orderBy: { seq: 'desc' },
    });
    expect(audit).toMatchObject({
      entityType: 'Patient',
      entityId: patientId,
      outcome: 'SUCCESS',
      userId: fx.users.clinician.id,
    });
    expect(audit!.details).toMatchObject({ studyInstanceUid: src.study, created: 2, patientCreated: true });
  });

  it('re-import is idempotent; another clinician cannot take the study; unknown studies are NOT_FOUND', async () => {
    const clin = await callerAs('clinician');
    const files = seriesFiles();
    const again = await clin.pacs.importStudy({ studyInstanceUid: src.study });
    expect(again.series).toEqual([]);
    expect(again.skipped.map((s) => s.reason)).toEqual(['already imported', 'already imported']);
    expect(again.patientId).toBe(patientId);
    expect(seriesFiles()).toEqual(files);
    expect(await t.db.prisma.series.count({ where: { study: { studyInstanceUid: src.study } } })).toBe(2);
    expect(await t.db.prisma.patient.count({ where: { pseudoId: 'PACS-0001' } })).toBe(1);
    const found = await clin.pacs.searchStudies({ patientId: 'PACS-0001' });
    expect(found.items[0]).toMatchObject({ imported: true, importedPatientId: patientId });

    const other = await callerAs('clinician2');
    expect((await err(other.pacs.importStudy({ studyInstanceUid: src.study }))).code).toBe('CONFLICT');
    const nf = await err(clin.pacs.importStudy({ studyInstanceUid: '1.2.3.999' }));
    expect(nf.code).toBe('NOT_FOUND');
    expect(nf.message).toMatch(/Study 1\.2\.3\.999 was not found in the PACS/);
    // an explicit target outside the clinician's scope is NOT_FOUND
    expect((await err(clin.pacs.importStudy({ studyInstanceUid: study2Uid, patientId: fx.patients.p3 }))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('exports a segmentation version as DICOM SEG referencing the source series (STOW-RS), decodable to the same mask', async () => {
    const series = await t.db.prisma.series.findUniqueOrThrow({ where: { id: pvSeriesId } });
    const mask = { ...src.pv.vol, data: src.mask, dtype: 'uint8' } as Volume;
    fs.mkdirSync(path.join(t.filesDir, 'segmentations'), { recursive: true });
    const gz = gzipSync(encodeNifti(mask));
    const seg = await t.db.prisma.segmentation.create({
      data: {
        seriesId: series.id,
        structure: 'LIVER',
        source: 'AUTO',
        maskUri: 'file:segmentations/pacs-test.nii.gz',
        sha256: 'x',
        labels: { '1': 'liver', '2': 'tumour' },
      },
    });
    fs.writeFileSync(path.join(t.filesDir, 'segmentations', 'pacs-test.nii.gz'), gz);
    const before = (await orthanc.json<string[]>('/instances')).length;
    const clin = await callerAs('clinician');
    const r = await timed('exportSeg', () => clin.pacs.exportSegmentation({ segmentationId: seg.id }));
    expect(r).toMatchObject({
      studyInstanceUid: src.study,
      referencedSeriesInstanceUid: src.pv.uid,
      sopClassUid: SOP_SEG,
      status: 200,
    });
    expect(r.segments).toEqual([
      { number: 1, label: 1, name: 'liver' },
      { number: 2, label: 2, name: 'tumour' },
    ]);
    const ids = await orthanc.json<string[]>('/instances');
    expect(ids.length).toBe(before + 1);
    const [hit] = await orthanc.json<Array<{ ID: string; Type: string }>>('/tools/lookup', {
      method: 'POST',
      body: r.sopInstanceUid,
    });
    expect(hit!.Type).toBe('Instance');
    const tags = await orthanc.json<Record<string, unknown>>(`/instances/${hit!.ID}/simplified-tags`);
    expect(tags).toMatchObject({
      SOPClassUID: SOP_SEG,
      StudyInstanceUID: src.study,
      PatientID: 'PACS-0001',
      Modality: 'SEG',
    });
    expect((tags.ReferencedSeriesSequence as Array<{ SeriesInstanceUID: string }>)[0]!.SeriesInstanceUID).toBe(
      src.pv.uid,
    );
    const bytes = new Uint8Array(await (await orthanc.rest(`/instances/${hit!.ID}/file`)).arrayBuffer());
    const decoded = decodeDicomSeg(bytes, 'orthanc-seg', src.pv.vol);
    let diff = 0;
    let fg = 0;
    for (let i = 0; i < src.mask.length; i++) {
      if (decoded.labelmap.data[i] !== src.mask[i]) diff++;
      if (src.mask[i]) fg++;
    }
    timings.segForegroundVoxels = fg;
    expect(fg).toBeGreaterThan(500);
    expect(diff).toBe(0);
    const audit = await t.db.prisma.auditEvent.findFirst({
      where: { action: 'pacs.exportSegmentation' },
      orderBy: { seq: 'desc' },
    });
    expect(audit).toMatchObject({ entityType: 'Segmentation', entityId: seg.id, outcome: 'SUCCESS' });
    // a series without DICOM UIDs cannot be referenced
    expect((await err(clin.pacs.exportSegmentation({ segmentationId: fx.segmentationId }))).message).toMatch(
      /no DICOM Study\/SeriesInstanceUID/,
    );
  });

  it('exports the structured report as Encapsulated PDF into the study; exporting again replaces it', async () => {
    const clin = await callerAs('clinician');
    const rep = await clin.reports.generate({ patientId });
    const before = (await orthanc.json<string[]>('/instances')).length;
    const r = await timed('exportReport', () => clin.pacs.exportReport({ reportId: rep.id }));
    expect(r).toMatchObject({ studyInstanceUid: src.study, sopClassUid: SOP_PDF, patientId });
    const [hit] = await orthanc.json<Array<{ ID: string }>>('/tools/lookup', {
      method: 'POST',
      body: r.sopInstanceUid,
    });
    const tags = await orthanc.json<Record<string, string>>(`/instances/${hit!.ID}/simplified-tags`);
    expect(tags).toMatchObject({
      SOPClassUID: SOP_PDF,
      StudyInstanceUID: src.study,
      PatientID: 'PACS-0001',
      PatientName: 'SYNTHETIC^PHANTOM',
      Modality: 'DOC',
      MIMETypeOfEncapsulatedDocument: 'application/pdf',
    });
    const pdf = (await services.reports.pdf(actorOf('clinician'), rep.id)).bytes;
    const doc = new Uint8Array(await (await orthanc.rest(`/instances/${hit!.ID}/content/0042-0011`)).arrayBuffer());
    expect(doc.length - pdf.length).toBeLessThanOrEqual(1);
    expect(Buffer.from(doc.subarray(0, pdf.length)).equals(Buffer.from(pdf))).toBe(true);
    const again = await clin.pacs.exportReport({ reportId: rep.id });
    expect(again.sopInstanceUid).toBe(r.sopInstanceUid);
    expect((await orthanc.json<string[]>('/instances')).length).toBe(before + 1);
    // the study now also holds SEG and DOC series: a re-import skips them as non-image series
    const re = await clin.pacs.importStudy({ studyInstanceUid: src.study });
    expect(re.series).toEqual([]);
    expect(re.skipped.map((s) => s.modality).sort()).toEqual(['CT', 'CT', 'DOC', 'SEG']);
    timings.orthancInstances = (await orthanc.json<string[]>('/instances')).length;
  });

  it('PACS failures are clear errors: wrong credentials (secret not echoed), unreachable, not configured', async () => {
    const admin = await callerAs('admin');
    const clin = await callerAs('clinician');
    try {
      await admin.pacs.setSettings({
        url: orthanc.dicomWebUrl,
        auth: { type: 'basic', username: 'hstest', password: 'not-the-password' },
      });
      const e401 = await err(clin.pacs.searchStudies({}));
      expect(e401.code).toBe('SERVICE_UNAVAILABLE');
      expect(e401.message).toMatch(/HTTP 401 \(check the PACS credentials\)/);
      expect(e401.message).not.toMatch(/not-the-password/);
      const s = http.createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      const port = (s.address() as AddressInfo).port;
      await new Promise<void>((r) => s.close(() => r()));
      await admin.pacs.setSettings({ url: `http://127.0.0.1:${port}/dicom-web` });
      const down = await err(clin.pacs.importStudy({ studyInstanceUid: src.study }));
      expect(down.code).toBe('SERVICE_UNAVAILABLE');
      expect(down.message).toMatch(/PACS unreachable.*ECONNREFUSED/);
      await admin.pacs.setSettings({ url: null });
      expect(await admin.pacs.settings()).toMatchObject({ configured: false, source: 'none' });
      expect((await err(clin.pacs.searchStudies({}))).message).toMatch(/No PACS is configured/);
    } finally {
      await admin.pacs.setSettings({
        url: orthanc.dicomWebUrl,
        auth: { type: 'basic', username: orthanc.credentials.username, password: orthanc.credentials.password },
      });
    }
  });
});
