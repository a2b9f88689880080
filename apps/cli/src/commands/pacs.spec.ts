/**
 * `hepatoscope pacs` against a real Orthanc (Debian `orthanc` + `orthanc-dicomweb`, private instance from
 * `startOrthanc()`) and a real database (PGlite, or PostgreSQL with DATABASE_URL): search (table and JSON), wrong
 * password, unreachable server, import through the services layer (new patient, idempotent re-import, unknown UID),
 * and the command's own database opening. Skipped (saying why) only when Orthanc is missing and not in CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  findOrthanc,
  findOrthancDicomWebPlugin,
  startOrthanc,
  type OrthancServer,
  type TestDatabase,
} from '@hepatoscope/testing';
import { createFixture, createServices, type Fixture, type Services } from '@hepatoscope/services';
import { createVolume, encodeDicomSeries } from '@hepatoscope/imaging-io';
import { CliError } from '../command';
import pacs, { formatTable, parsePacsArgs, runDbAction } from './pacs';

describe('hepatoscope pacs: arguments', () => {
  it('parses search options, credentials from the environment and date ranges', () => {
    const env = { HEPATOSCOPE_DICOMWEB_URL: 'http://pacs:8042/dicom-web', HEPATOSCOPE_DICOMWEB_USERNAME: 'u', HEPATOSCOPE_DICOMWEB_PASSWORD: 'pw' };
    expect(parsePacsArgs(['search', '--name', 'DOE', '--date', '2025-01-01..', '--modality', 'ct', '--format', 'json'], env)).toMatchObject({
      action: 'search',
      url: 'http://pacs:8042/dicom-web',
      auth: { type: 'basic', username: 'u', password: 'pw' },
      name: 'DOE',
      dateFrom: '2025-01-01',
      dateTo: undefined,
      modality: 'CT',
      format: 'json',
      limit: 50,
    });
    expect(parsePacsArgs(['search', '--url', 'http://x/dicom-web', '--token', 't', '--date', '2025-02-03'], {})).toMatchObject({
      auth: { type: 'bearer', token: 't' },
      dateFrom: '2025-02-03',
      dateTo: '2025-02-03',
    });
    expect(parsePacsArgs(['import', '--study', '1.2.3', '--as', 'Doc@X.org', '--patient', 'HCC-1', '--timepoint', 'baseline'], {})).toMatchObject({
      action: 'import',
      study: '1.2.3',
      as: 'doc@x.org',
      patient: 'HCC-1',
      timepoint: 'BASELINE',
    });
  });

  it('names what is wrong', () => {
    const bad: [string[], RegExp][] = [
      [['search'], /needs --url/],
      [['search', '--url', 'http://x', '--date', '2025-13-01'], /not a date/],
      [['search', '--url', 'http://x', '--date', '2025-03-01..2025-01-01'], /after/],
      [['search', '--url', 'http://x', '--modality', 'computed tomography'], /modality code/],
      [['search', '--url', 'http://x', '--limit', '0'], /--limit/],
      [['search', '--url', 'http://x', '--password', 'p'], /--password needs --user/],
      [['search', '--url', 'http://x', '--study', '1.2'], /does not take --study/],
      [['search', '--url', 'http://x', '--format', 'xml'], /--format/],
      [['import', '--study', '1.2.3'], /needs --as/],
      [['import', '--as', 'a@b.c'], /needs --study/],
      [['import', '--as', 'a@b.c', '--study', '1.2.x'], /DICOM UID/],
      [['import', '--as', 'a@b.c', '--study', '1.2', '--timepoint', 'later'], /--timepoint/],
      [['export-seg', '--as', 'a@b.c'], /--segmentation/],
      [['export-report', '--as', 'a@b.c'], /exactly one of --report/],
      [['push'], /Unknown pacs action "push"/],
      [['search', 'extra', '--url', 'http://x'], /Unexpected argument "extra"/],
    ];
    for (const [argv, re] of bad) {
      let err: unknown;
      try {
        parsePacsArgs(argv, {});
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CliError);
      expect({ argv, message: (err as Error).message }).toEqual({ argv, message: expect.stringMatching(re) });
    }
  });

  it('formats a table with aligned columns and dashes for empty cells', () => {
    expect(formatTable(['A', 'Bee'], [['xyz', null], ['1', 2]])).toBe('A    Bee\n---  ---\nxyz  -\n1    2');
  });
});

const available = !!findOrthanc() && !!findOrthancDicomWebPlugin();
if (!available && process.env.CI) throw new Error('CI must run the Orthanc test: apt-get install orthanc orthanc-dicomweb');
if (!available) console.warn('SKIPPED pacs.spec.ts (Orthanc part): Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)');
const d = available ? describe : describe.skip;

d('hepatoscope pacs against Orthanc', () => {
  let orthanc: OrthancServer;
  let t: TestDatabase;
  let fx: Fixture;
  let services: Services;
  let studyUid = '';
  let seriesUid = '';
  let logged: string[] = [];
  let spy: jest.SpyInstance;

  beforeAll(async () => {
    [orthanc, t] = await Promise.all([startOrthanc(), createTestDatabase()]);
    fx = await createFixture(t.db.prisma, t.filesDir);
    services = createServices({ prisma: t.db.prisma, dbKind: t.db.kind, filesDir: t.filesDir, bcryptCost: 4 });
    const vol = createVolume({
      data: Int16Array.from({ length: 16 * 12 * 4 }, (_, i) => (i % 97) * 9 - 300),
      dims: [16, 12, 4],
      spacing: [0.8, 0.8, 2.5],
      origin: [-10, 20, 40],
    });
    const enc = encodeDicomSeries(vol, { patientId: 'CLI-PACS-1', patientName: 'SYNTHETIC^CLI', seriesDescription: 'PORTAL VENOUS' });
    studyUid = enc.studyInstanceUid;
    seriesUid = enc.seriesInstanceUid;
    for (const f of enc.files) await orthanc.rest('/instances', { method: 'POST', body: f, headers: { 'content-type': 'application/dicom' } });
    // the platform's PACS connection, as an admin saves it in the portal
    await services.pacs.setSettings(
      { userId: fx.users.admin.id, email: fx.users.admin.email, name: 'admin', role: 'ADMIN', sessionId: 's', clientAddress: 'test' },
      { url: orthanc.dicomWebUrl, auth: { type: 'basic', username: orthanc.credentials.username, password: orthanc.credentials.password } },
    );
  }, 120_000);

  afterAll(async () => {
    await orthanc?.stop();
    await t?.cleanup();
  });

  beforeEach(() => {
    logged = [];
    spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logged.push(a.join(' ')));
  });
  afterEach(() => spy.mockRestore());

  const creds = () => ['--url', orthanc.dicomWebUrl, '--user', orthanc.credentials.username, '--password', orthanc.credentials.password];
  const failure = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CliError);
    return e as CliError;
  };

  it('search prints the matching studies as JSON and as a table', async () => {
    expect(await pacs.run(['search', ...creds(), '--patient-id', 'CLI-PACS-1', '--format', 'json'])).toBe(0);
    const rows = JSON.parse(logged.join('\n')) as { studyInstanceUid: string; patientId: string; patientName: string; modalities: string[] }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ studyInstanceUid: studyUid, patientId: 'CLI-PACS-1', patientName: 'SYNTHETIC^CLI', modalities: ['CT'] });

    logged = [];
    expect(await pacs.run(['search', ...creds(), '--name', 'synthetic'])).toBe(0);
    const text = logged.join('\n');
    expect(text).toMatch(/^StudyInstanceUID\s+PatientID/);
    expect(text).toContain(studyUid);

    logged = [];
    expect(await pacs.run(['search', ...creds(), '--patient-id', 'NOBODY'])).toBe(0);
    expect(logged.join('\n')).toBe('No studies match.');
  });

  it('a wrong password is a clear 401 error that never echoes the password (exit 4)', async () => {
    const secret = 'wrong-' + orthanc.credentials.password;
    const e = await failure(pacs.run(['search', '--url', orthanc.dicomWebUrl, '--user', orthanc.credentials.username, '--password', secret]));
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/refused user "hstest" \(HTTP 401\)/);
    expect(e.message).not.toContain(secret);
  });

  it('an unreachable PACS is exit 4 naming the URL', async () => {
    const closed = orthanc.dicomWebUrl.replace(/:\d+\//, ':1/');
    const e = await failure(pacs.run(['search', '--url', closed]));
    expect(e.exitCode).toBe(4);
    expect(e.message).toMatch(/^Cannot reach the PACS: .*http:\/\/127\.0\.0\.1:1\/dicom-web\/studies is unreachable/);
    expect(e.message).not.toContain('includefield');
  });

  it('import stores the series for a new patient through the services layer, audited; a re-import skips it', async () => {
    const r1 = await runDbAction(services, parsePacsArgs(['import', '--study', studyUid, '--as', fx.users.clinician.email, '--format', 'json'], {}));
    const out = JSON.parse(r1.output) as { patientId: string; patientCreated: boolean; studyId: string; series: { seriesInstanceUid: string; dims: number[] }[] };
    expect(out.patientCreated).toBe(true);
    expect(out.series).toEqual([expect.objectContaining({ seriesInstanceUid: seriesUid, dims: [16, 12, 4] })]);
    const patient = await t.db.prisma.patient.findUniqueOrThrow({ where: { id: out.patientId }, select: { pseudoId: true, studies: { select: { id: true, studyInstanceUid: true } } } });
    expect(patient).toEqual({ pseudoId: 'CLI-PACS-1', studies: [{ id: out.studyId, studyInstanceUid: studyUid }] });
    const ev = await t.db.prisma.auditEvent.findMany({ where: { action: 'pacs.import', userId: fx.users.clinician.id } });
    expect(ev).toEqual([expect.objectContaining({ entityId: out.patientId, ipAddress: 'cli', userAgent: 'hepatoscope-cli', outcome: 'SUCCESS' })]);

    // again, into the same patient named by its pseudoId: nothing new, the series is reported as skipped
    const r2 = await runDbAction(services, parsePacsArgs(['import', '--study', studyUid, '--as', fx.users.clinician.email, '--patient', 'CLI-PACS-1'], {}));
    expect(r2.output).toMatch(/0 series imported, 1 skipped, 0 failed/);
    expect(await t.db.prisma.series.count({ where: { seriesInstanceUid: seriesUid } })).toBe(1);
  });

  it('import names an unknown study (exit 5), an unknown patient and a non-clinician', async () => {
    const e1 = await failure(runDbAction(services, parsePacsArgs(['import', '--study', '1.2.3.999', '--as', fx.users.clinician.email], {})));
    expect(e1.exitCode).toBe(5);
    expect(e1.message).toContain('1.2.3.999');
    const e2 = await failure(runDbAction(services, parsePacsArgs(['import', '--study', studyUid, '--as', fx.users.clinician.email, '--patient', 'NO-SUCH'], {})));
    expect(e2.message).toMatch(/no patient with id or pseudoId "NO-SUCH"/);
    const e3 = await failure(runDbAction(services, parsePacsArgs(['import', '--study', studyUid, '--as', fx.users.admin.email], {})));
    expect(e3.message).toMatch(/is ADMIN; PACS import and export run on behalf of a CLINICIAN/);
  });

  it('opens the platform database itself (--data-dir) and names an unknown --as user', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-cli-pacs-'));
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const e = await failure(pacs.run(['import', '--study', studyUid, '--as', 'nobody@example.org', '--data-dir', dir]));
      expect(e.message).toBe('--as: no user with e-mail nobody@example.org');
      expect(fs.existsSync(path.join(dir, 'pgdata'))).toBe(true);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
