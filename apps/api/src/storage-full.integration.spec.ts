/**
 * POST /api/files/series on a full data directory (a 128 KB tmpfs; root only, skipped with the reason otherwise):
 * 503 with the STORAGE_UNAVAILABLE message naming the folder, no absolute server path, nothing stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createVolume, encodeNifti } from '@hepatoscope/imaging-io';
import { httpLogin, mountTinyTmpfs, type TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase } from '@hepatoscope/testing/fixtures';
import { FIXTURE_PASSWORD, type Fixture } from '@hepatoscope/services';
import { createApiServer, type ApiServer } from './server';

const tmpfs = mountTinyTmpfs('api-storage-full', '128k', 'api storage-full');
const { base, dir: mnt } = tmpfs;

(tmpfs.mounted ? describe : describe.skip)('upload on a full data directory', () => {
  let t: TestDatabase;
  let fx: Fixture;
  let api: ApiServer;
  let url: string;
  beforeAll(async () => {
    ({ t, fx } = await createFixtureDatabase());
    api = createApiServer({ db: t.db, filesDir: mnt, bcryptCost: 4, logError: () => {} });
    url = await api.listen(0);
  });
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
    tmpfs.cleanup();
  });

  it('answers 503 STORAGE_UNAVAILABLE naming series/, leaves no file and no row', async () => {
    const { cookie, csrf } = await httpLogin(url, fx.users.clinician.email, FIXTURE_PASSWORD);
    const data = new Int16Array(64 * 64 * 48);
    for (let i = 0, x = 7; i < data.length; i++)
      data[i] = ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) % 2000;
    const nii = encodeNifti(createVolume({ data, dims: [64, 64, 48], spacing: [1, 1, 2], origin: [0, 0, 0] }));
    const before = await t.db.prisma.series.count();
    const r = await fetch(`${url}/api/files/series?patientId=${fx.patients.p1}`, {
      method: 'POST',
      headers: { cookie, 'x-hepatoscope-csrf': csrf },
      body: nii,
    });
    expect(r.status).toBe(503);
    const body = (await r.json()) as { error: string; message: string };
    expect(body.error).toBe('UNAVAILABLE');
    expect(body.message).toMatch(
      /^Storage unavailable: cannot write to series\/ in the data directory \(no space left/,
    );
    expect(body.message).not.toContain(base);
    expect(fs.readdirSync(path.join(mnt, 'series'))).toEqual([]);
    expect(await t.db.prisma.series.count()).toBe(before);
  });
});
