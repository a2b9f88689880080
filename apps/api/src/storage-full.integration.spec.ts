/**
 * POST /api/files/series on a full data directory (a 128 KB tmpfs; root only, skipped with the reason otherwise):
 * 503 with the STORAGE_UNAVAILABLE message naming the folder, no absolute server path, nothing stored.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createVolume, encodeNifti } from '@hepatoscope/imaging-io';
import { createTestDatabase, makeTempDir, removeDir, type TestDatabase } from '@hepatoscope/testing';
import { createFixture, FIXTURE_PASSWORD, type Fixture } from '@hepatoscope/services';
import { createApiServer, type ApiServer } from './server';

const base = makeTempDir('api-storage-full');
const mnt = path.join(base, 'files');
fs.mkdirSync(mnt);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k,mode=0755', 'tmpfs', mnt], { stdio: 'pipe' });
  mounted = true;
} catch {
  console.log('[api storage-full] skipped: cannot mount tmpfs (needs root / CAP_SYS_ADMIN)');
}

(mounted ? describe : describe.skip)('upload on a full data directory', () => {
  let t: TestDatabase;
  let fx: Fixture;
  let api: ApiServer;
  let url: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    fx = await createFixture(t.db.prisma, t.filesDir);
    api = createApiServer({ db: t.db, filesDir: mnt, bcryptCost: 4, logError: () => {} });
    url = await api.listen(0);
  });
  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
    execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
    removeDir(base);
  });

  it('answers 503 STORAGE_UNAVAILABLE naming series/, leaves no file and no row', async () => {
    const login = await fetch(`${url}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: fx.users.clinician.email, password: FIXTURE_PASSWORD }),
    });
    const csrf = ((await login.json()) as { result: { data: { csrfToken: string } } }).result.data.csrfToken;
    const cookie = login.headers
      .getSetCookie()
      .find((c) => c.startsWith('hs_session='))!
      .split(';')[0]!;
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
