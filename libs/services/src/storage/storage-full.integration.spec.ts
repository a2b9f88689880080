/**
 * Uploads on a full data directory: a tiny tmpfs mounted as `filesDir` (root only; skipped with the reason where this
 * process may not mount, like apps/worker/src/faults/data-dir.fault.spec.ts). Checked: the write fails with the
 * STORAGE_UNAVAILABLE DomainError (UNAVAILABLE → HTTP 503) naming the folder but no absolute path; no temporary or
 * completed file of the failed upload remains; no Series/Study/Segmentation row was added; earlier files are intact.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { createVolume, encodeDicomSeries, encodeNifti } from '@hepatoscope/imaging-io';
import { mountTinyTmpfs, type TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase, fixtureActor, servicesFor } from '@hepatoscope/testing/fixtures';
import { isDomainError } from '../errors';
import type { Fixture } from '../fixture';
import type { Services } from '../index';
import type { Actor } from '../types';

const tmpfs = mountTinyTmpfs('storage-full', '256k', 'storage-full');
const { base, dir: mnt } = tmpfs;
const suite = tmpfs.mounted ? describe : describe.skip;

/** An int16 volume of pseudo-random noise (gzip cannot shrink it): 2·nx·ny·nz bytes. */
function noise(dims: [number, number, number], seed: number) {
  const data = new Int16Array(dims[0] * dims[1] * dims[2]);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = ((x >>> 0) % 2000) - 1000;
  }
  return createVolume({ data, dims, spacing: [1, 1, 2], origin: [0, 0, 0] });
}

const listing = (dir: string) => (fs.existsSync(path.join(mnt, dir)) ? fs.readdirSync(path.join(mnt, dir)).sort() : []);
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

suite(`uploads on a full data directory (${process.env.DATABASE_URL ? 'postgresql' : 'pglite'})`, () => {
  let t: TestDatabase;
  let fx: Fixture;
  let services: Services;
  let clinician: Actor;
  let earlier: { id: string; file: string; sha256: string };

  beforeAll(async () => {
    ({ t, fx } = await createFixtureDatabase());
    services = servicesFor(t, { filesDir: mnt });
    clinician = fixtureActor(fx, 'clinician', { email: 'c', name: 'c' });
    // An earlier upload that fits (about 8 KB): it must survive the failures below.
    const s = await services.imaging.uploadNifti(
      clinician,
      { patientId: fx.patients.p1 },
      encodeNifti(noise([32, 32, 4], 1)),
    );
    const file = path.join(mnt, 'series', `${s.id}.nii.gz`);
    earlier = { id: s.id, file, sha256: sha(file) };
  });
  afterAll(async () => {
    await t?.cleanup();
    tmpfs.cleanup();
  });

  async function expectStorageError(p: Promise<unknown>) {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    );
    expect(isDomainError(e)).toBe(true);
    if (!isDomainError(e)) return;
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.details).toMatchObject({ reason: 'STORAGE_UNAVAILABLE', errno: 'ENOSPC' });
    expect(e.message).toMatch(
      /^Storage unavailable: cannot write to (series|segmentations)\/ in the data directory \(no space left/,
    );
    expect(e.message).not.toContain(base);
  }

  async function counts() {
    const p = t.db.prisma;
    return {
      series: await p.series.count(),
      studies: await p.study.count(),
      segmentations: await p.segmentation.count(),
    };
  }

  it('a NIfTI larger than the free space: STORAGE_UNAVAILABLE, no file left, no row, the earlier series intact', async () => {
    const before = await counts();
    const big = encodeNifti(noise([96, 96, 24], 2)); // ~440 KB, incompressible
    await expectStorageError(services.imaging.uploadNifti(clinician, { patientId: fx.patients.p1 }, gzipSync(big)));
    expect(listing('series')).toEqual([`${earlier.id}.nii.gz`]);
    expect(await counts()).toEqual(before);
    expect(sha(earlier.file)).toBe(earlier.sha256);
  });

  it('a DICOM zip whose second series does not fit: the first (already renamed) file is removed too, no row', async () => {
    const before = await counts();
    const a = encodeDicomSeries(noise([16, 16, 4], 3), { modality: 'CT', seriesDescription: 'small' });
    const b = encodeDicomSeries(noise([96, 96, 24], 4), {
      modality: 'CT',
      studyInstanceUid: a.studyInstanceUid,
      seriesDescription: 'big',
    });
    const entries: Record<string, Uint8Array> = {};
    a.files.forEach((f, i) => (entries[`A/IM${i}`] = f));
    b.files.forEach((f, i) => (entries[`B/IM${i}`] = f));
    await expectStorageError(
      services.imaging.uploadDicomZip(clinician, { patientId: fx.patients.p1 }, zipSync(entries, { level: 0 })),
    );
    expect(listing('series')).toEqual([`${earlier.id}.nii.gz`]);
    expect(await counts()).toEqual(before);
  });

  it('a new mask version on a full disk: STORAGE_UNAVAILABLE, no file, the previous version stays current', async () => {
    const filler = path.join(mnt, 'filler');
    try {
      // fill the file system to the last block
      const chunk = Buffer.alloc(4096, 7);
      const fd = fs.openSync(filler, 'w');
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(fd);
      }
      const before = await counts();
      const mask = new Uint8Array(4 * 4 * 2).fill(1);
      const vol = createVolume({ data: mask, dims: [4, 4, 2], spacing: [1, 1, 1], origin: [0, 0, 0] });
      await expectStorageError(services.segmentations.createVersion(clinician, fx.segmentationId, encodeNifti(vol)));
      expect(listing('segmentations')).toEqual([]);
      expect(await counts()).toEqual(before);
      const prev = await t.db.prisma.segmentation.findUniqueOrThrow({ where: { id: fx.segmentationId } });
      expect(prev.status).not.toBe('SUPERSEDED');
    } finally {
      fs.rmSync(filler, { force: true });
    }
  });
});
