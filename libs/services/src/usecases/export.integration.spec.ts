/**
 * De-identified exports on a real database: CSV rows carry keyed pseudonyms and none of the source identifiers;
 * a series exported as DICOM has none of the PS3.15 basic-profile attributes left (parsed back with dcmjs) and its
 * UIDs are remapped consistently across the series.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { assembleDicomSeries, createVolume, DEID_EMPTY, DEID_REMOVE, encodeNifti, parseDicomFile, remapUid } from '@hepatoscope/imaging-io';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices } from '@hepatoscope/testing/fixtures';
import type { Fixture } from '../fixture';
import type { Services } from '../index';
import type { Actor } from '../types';
import { createExportService, dateShiftFor, pseudonymFor, resolvePseudonymKey } from './export';
import { createAccess } from './access';
import { resolveDeps } from '../deps';

const KEY = 'test-pseudonym-key-0123456789abcdefghij';
const ENV = { HEPATOSCOPE_PSEUDONYM_KEY: KEY };

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let exportsWithKey: ReturnType<typeof createExportService>;
const actor = (u: Fixture['users'][keyof Fixture['users']]): Actor => ({ userId: u.id, email: u.email, role: u.role, name: u.email }) as Actor;

// identifiers in the imported rows: MRNs mapped as the portal id, names / birth dates / addresses left unmapped (→ Patient.extra)
const SOURCE = [
  ['mrn', 'name', 'birth_date', 'address', 'sex', 'age', 'bclc', 'afp', 'os_months', 'death'],
  ['MRN-0042', 'Doe^Jane', '1961-02-03', '1 Main Street', 'F', '64', 'B', '120', '20', '1'],
  ['MRN-0043', 'Roe^Richard', '1967-07-08', '22 Rue de la Paix', 'M', '93', 'A', '=HYPERLINK("x")', '40', '0'],
  ['MRN-0044', 'Smith^Ann', '1954-11-30', '5 Elm Road', 'F', '71', 'C', '900', '', ''],
];
const IDENTIFIERS = SOURCE.slice(1).flatMap((r) => r.slice(0, 4));

beforeAll(async () => {
  ({ t, fx, services } = await createFixtureServices());
  const deps = resolveDeps({ prisma: t.db.prisma, dbKind: t.db.kind, filesDir: t.filesDir });
  exportsWithKey = createExportService(deps, createAccess(deps), ENV);
});
afterAll(() => t?.cleanup());

async function importCohort(name: string) {
  const csv = SOURCE.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n');
  const mapping = { pseudoId: 'mrn', sex: 'sex', age: 'age', bclc: 'bclc', osMonths: 'os_months', osEvent: 'death' };
  const admin = actor(fx.users.admin);
  const preview = await services.cohorts.previewCsvImport(admin, { cohortName: name, csv, mapping });
  expect(preview.validRows).toBe(3);
  return services.cohorts.acceptCsvImport(admin, { cohortName: name, csv, mapping, reportHash: preview.importId });
}

describe('CSV export', () => {
  it('has keyed pseudonyms and no identifier of the source rows (names, MRNs, birth dates, addresses)', async () => {
    const { cohortId } = await importCohort('Export test cohort');
    // the identifiers really are in the database (the unmapped columns are kept in Patient.extra)
    const stored = JSON.stringify(await t.db.prisma.patient.findMany({ where: { pseudoId: { startsWith: 'MRN-' } } }));
    for (const s of IDENTIFIERS) expect(stored).toContain(s);

    const out = await exportsWithKey.cohortCsv(actor(fx.users.admin), { cohortId });
    expect(out.rows).toBe(3);
    for (const s of [...IDENTIFIERS, '1961', '1967', '1954', 'MRN']) expect(out.csv).not.toContain(s);
    const ids = await t.db.prisma.patient.findMany({ where: { pseudoId: { startsWith: 'MRN-' } }, select: { id: true } });
    const lines = out.csv.trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['pseudonym', 'sex', 'age']);
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(ids.map((p) => pseudonymFor(KEY, p.id)).sort());
    // age capped at 90; nothing else identifying; stable for the same key, different for another key
    expect(lines.some((l) => l.split(',')[2] === '90')).toBe(true);
    expect((await exportsWithKey.cohortCsv(actor(fx.users.admin), { cohortId })).csv).toBe(out.csv);
    expect(pseudonymFor('another-key-of-enough-length-0123456789', ids[0]!.id)).not.toBe(pseudonymFor(KEY, ids[0]!.id));
  });

  it('exports the clinician\'s patients with the latest radiomics features; neutralises spreadsheet formulas', async () => {
    await t.db.prisma.patient.update({ where: { id: fx.patients.p2 }, data: { aetiology: '=cmd|" /C calc"!A0' } });
    const out = await exportsWithKey.patientsCsv(actor(fx.users.clinician), { features: true });
    expect(out.rows).toBe(2); // P1 (cohort A) and P2 (care); not P3
    expect(out.columns).toContain('feature:original_firstorder_Mean');
    expect(out.csv).toContain('81.5');
    expect(out.csv).toContain(`"'=cmd|"" /C calc""!A0"`);
    expect(out.csv).not.toContain('FX-00');
  });

  it('checks scope: a clinician without access to the cohort gets NOT_FOUND', async () => {
    await expect(exportsWithKey.cohortCsv(actor(fx.users.clinician2), { cohortId: fx.cohortA })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('pseudonym key', () => {
  it('is required in production; generated once and kept in the data directory otherwise', () => {
    expect(() => resolvePseudonymKey(t.filesDir, { HEPATOSCOPE_ENV: 'production' })).toThrow(/HEPATOSCOPE_PSEUDONYM_KEY/);
    expect(() => resolvePseudonymKey(t.filesDir, { HEPATOSCOPE_PSEUDONYM_KEY: 'short' })).toThrow(/at least 32/);
    const a = resolvePseudonymKey(t.filesDir, {});
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(resolvePseudonymKey(t.filesDir, {})).toBe(a);
    const file = path.join(path.dirname(t.filesDir), 'pseudonym-key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(resolvePseudonymKey(t.filesDir, ENV)).toBe(KEY);
  });
});

describe('DICOM export', () => {
  it('is de-identified (PS3.15 basic profile) with UIDs remapped consistently across the series', async () => {
    // a real volume behind the fixture series, and identifying source data on the study/patient
    const vol = createVolume({
      data: Int16Array.from({ length: 8 * 6 * 5 }, (_, i) => (i % 50) * 10 - 200),
      dims: [8, 6, 5],
      spacing: [0.7, 0.7, 2.5],
      origin: [-10, 20, 30],
      metadata: { modality: 'CT' },
    });
    const series = await t.db.prisma.series.findUniqueOrThrow({ where: { id: fx.seriesId } });
    fs.writeFileSync(path.join(t.filesDir, series.storageUri.slice('file:'.length)), gzipSync(encodeNifti(vol)));
    await t.db.prisma.series.update({ where: { id: fx.seriesId }, data: { seriesInstanceUid: '1.2.826.0.1.555.2', description: 'Dr Who liver' } });
    await t.db.prisma.study.update({ where: { id: fx.studyId }, data: { studyInstanceUid: '1.2.826.0.1.555.1' } });
    await t.db.prisma.patient.update({ where: { id: fx.patients.p1 }, data: { pseudoId: 'MRN-777777' } });

    const out = await exportsWithKey.seriesDicom(actor(fx.users.clinician), { seriesId: fx.seriesId });
    expect(out.instances).toBe(5);
    const pseudonym = pseudonymFor(KEY, fx.patients.p1);
    expect(out.pseudonym).toBe(pseudonym);
    const files = Object.entries(unzipSync(Buffer.from(out.base64, 'base64'))).sort(([a], [b]) => a.localeCompare(b));
    expect(files).toHaveLength(5);
    const dcmjs = require('dcmjs') as {
      data: { DicomMessage: { readFile(ab: ArrayBuffer): { dict: Record<string, { Value?: unknown[] }> } }; DicomMetaDictionary: { naturalizeDataset(d: unknown): Record<string, unknown> } };
    };
    const nat = files.map(([name, b]) => {
      expect(name.startsWith(`${pseudonym}/`)).toBe(true);
      const latin = Buffer.from(b).toString('latin1');
      for (const s of ['MRN-777777', '1.2.826.0.1.555', 'Dr Who', '20250110']) expect(latin).not.toContain(s);
      const { dict } = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
      for (const tag of Object.keys(DEID_REMOVE)) expect(dict[tag]).toBeUndefined();
      for (const tag of Object.keys(DEID_EMPTY)) expect((dict[tag]?.Value ?? []).filter((v) => v !== '' && v !== null)).toEqual([]);
      return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict);
    });
    for (const n of nat) {
      expect(n.PatientID).toBe(pseudonym);
      expect(n.PatientName).toEqual([{ Alphabetic: pseudonym }]);
      expect(n.PatientIdentityRemoved).toBe('YES');
      expect(n.StudyInstanceUID).toBe(remapUid('1.2.826.0.1.555.1', KEY));
      expect(n.SeriesInstanceUID).toBe(remapUid('1.2.826.0.1.555.2', KEY));
    }
    expect(new Set(nat.map((n) => n.FrameOfReferenceUID)).size).toBe(1);
    expect(new Set(nat.map((n) => n.SOPInstanceUID)).size).toBe(5);
    // the study date (2025-01-10) shifted back by the patient's offset
    const shifted = new Date(Date.UTC(2025, 0, 10) - dateShiftFor(KEY, fx.patients.p1) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    expect(nat[0]!.StudyDate).toBe(shifted);
    // the image itself is unchanged
    const back = assembleDicomSeries(files.map(([name, b]) => parseDicomFile(b, name)));
    expect(back.dims).toEqual([8, 6, 5]);
    expect(Array.from(back.data)).toEqual(Array.from(vol.data));
  });

  it('checks the patient scope', async () => {
    await expect(exportsWithKey.seriesDicom(actor(fx.users.clinician2), { seriesId: fx.seriesId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
