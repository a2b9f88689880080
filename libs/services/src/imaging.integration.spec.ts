/** DICOM zip and NIfTI upload into studies/series on a real database. */
import fs from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { createVolume, encodeDicomSeries, parseNifti } from '@hepatoscope/imaging-io';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, fixtureActor } from '@hepatoscope/testing/fixtures';
import type { Services } from './index';
import type { Fixture } from './fixture';
import type { Actor } from './types';

let t: TestDatabase;
let fx: Fixture;
let services: Services;

beforeAll(async () => ({ t, fx, services } = await createFixtureServices()));
afterAll(() => t?.cleanup());

const clinician = (): Actor => fixtureActor(fx, 'clinician', { name: 'c' });

function ctVolume(seed: number) {
  const dims: [number, number, number] = [8, 6, 4];
  const data = new Int16Array(8 * 6 * 4);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37 + seed) % 400) - 100;
  return createVolume({ data, dims, spacing: [0.8, 0.8, 2.5], origin: [-10, -20, 30] });
}

it('imports every series of a DICOM zip as NIfTI with its geometry, skipping non-DICOM entries; a re-import is a CONFLICT', async () => {
  const a = encodeDicomSeries(ctVolume(1), {
    modality: 'CT',
    seriesDescription: 'arterial',
    contrastBolusAgent: 'Iomeron',
  });
  const b = encodeDicomSeries(ctVolume(2), {
    modality: 'CT',
    studyInstanceUid: a.studyInstanceUid,
    seriesDescription: 'portal venous',
  });
  const entries: Record<string, Uint8Array> = {
    'README.txt': new TextEncoder().encode('not dicom'),
    'sub/../../evil': new Uint8Array(10),
  };
  a.files.forEach((f, i) => (entries[`A/IM${i}`] = f));
  b.files.forEach((f, i) => (entries[`B/IM${i}`] = f));
  const res = await services.imaging.uploadDicomZip(
    clinician(),
    { patientId: fx.patients.p2, timepoint: 'BASELINE' },
    zipSync(entries),
  );
  expect(res.series).toHaveLength(2);
  expect(res.skippedEntries).toBe(2);
  expect(res.failed).toEqual([]);
  const study = await t.db.prisma.study.findUniqueOrThrow({ where: { id: res.studyId } });
  expect(study).toMatchObject({
    patientId: fx.patients.p2,
    studyInstanceUid: a.studyInstanceUid,
    modality: 'CT',
    timepoint: 'BASELINE',
  });
  for (const s of res.series) {
    expect(s.dims).toEqual([8, 6, 4]);
    expect(s.spacing.map((x) => Math.round(x * 100) / 100)).toEqual([0.8, 0.8, 2.5]);
    const row = await t.db.prisma.series.findUniqueOrThrow({ where: { id: s.id } });
    const vol = parseNifti(fs.readFileSync(path.join(t.filesDir, row.storageUri.slice('file:'.length))));
    expect([...vol.dims]).toEqual([8, 6, 4]);
  }
  await expect(
    services.imaging.uploadDicomZip(
      clinician(),
      { patientId: fx.patients.p2 },
      zipSync(Object.fromEntries(Object.entries(entries).filter(([k]) => k.startsWith('A/')))),
    ),
  ).rejects.toMatchObject({ code: 'CONFLICT' });
});

it('refuses zip bombs, archives without DICOM, and patients out of scope', async () => {
  const bomb = zipSync({ 'big.dcm': new Uint8Array(65 * 1024 * 1024) }, { level: 9 });
  expect(bomb.length).toBeLessThan(1024 * 1024);
  await expect(services.imaging.uploadDicomZip(clinician(), { patientId: fx.patients.p2 }, bomb)).rejects.toMatchObject(
    { code: 'INVALID', message: /expands to 68157440 bytes/ },
  );
  await expect(
    services.imaging.uploadDicomZip(
      clinician(),
      { patientId: fx.patients.p2 },
      zipSync({ 'a.txt': new Uint8Array(3) }),
    ),
  ).rejects.toMatchObject({ code: 'INVALID', message: /no DICOM files/ });
  await expect(
    services.imaging.uploadDicomZip(clinician(), { patientId: fx.patients.p2 }, new Uint8Array([1, 2, 3])),
  ).rejects.toMatchObject({ code: 'INVALID' });
  await expect(
    services.imaging.uploadDicomZip(
      clinician(),
      { patientId: fx.patients.p3 },
      zipSync({ 'a.txt': new Uint8Array(3) }),
    ),
  ).rejects.toMatchObject({ code: 'NOT_FOUND' });
});
