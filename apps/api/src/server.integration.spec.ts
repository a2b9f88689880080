/**
 * The API host over real HTTP (loopback): health, cookie sessions, CSRF, Origin checks, security headers,
 * authenticated file streaming and path-traversal safety. PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase } from '@hepatoscope/testing/fixtures';
import { FIXTURE_PASSWORD, type Fixture } from '@hepatoscope/services';
import { createApiServer, type ApiServer } from './server';

let t: TestDatabase;
let fx: Fixture;
let api: ApiServer;
let base: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: Response): Promise<any> => r.json();

beforeAll(async () => {
  ({ t, fx } = await createFixtureDatabase());
  api = createApiServer({ db: t.db, filesDir: t.filesDir, bcryptCost: 4, logError: () => {} });
  base = await api.listen(0);
});
afterAll(async () => {
  await api?.close();
  await t?.cleanup();
});

async function login(email: string, password = FIXTURE_PASSWORD, headers: Record<string, string> = {}) {
  const r = await fetch(`${base}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
  const body = await json(r);
  const setCookie = r.headers.getSetCookie();
  const cookie = setCookie.find((c) => c.startsWith('hs_session='))?.split(';')[0] ?? '';
  return { r, body, setCookie, cookie, csrf: body?.result?.data?.csrfToken as string | undefined };
}

describe('health', () => {
  it('answers status, backend and version with security headers', async () => {
    const r = await fetch(`${base}/api/health`);
    expect(r.status).toBe(200);
    expect(await json(r)).toEqual({ status: 'ok', db: t.kind, version: '0.1.0' });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('404s unknown routes as JSON', async () => {
    const r = await fetch(`${base}/api/nope`);
    expect(r.status).toBe(404);
    expect((await json(r)).error).toBe('NOT_FOUND');
  });
});

describe('sessions over HTTP', () => {
  it('login sets an httpOnly SameSite=Lax cookie and returns the CSRF token; me reads it back', async () => {
    const { r, setCookie, cookie, csrf, body } = await login(fx.users.clinician.email);
    expect(r.status).toBe(200);
    expect(body.result.data.user).toMatchObject({ email: fx.users.clinician.email, role: 'CLINICIAN' });
    expect(setCookie[0]).toMatch(
      /^hs_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Expires=/,
    );
    expect(setCookie[0]).not.toMatch(/Secure/);
    const me = await json(await fetch(`${base}/api/trpc/auth.me`, { headers: { cookie } }));
    expect(me.result.data).toEqual({ user: body.result.data.user, csrfToken: csrf });
  });

  it('a new login replaces the presented session (fixation) and logout clears the cookie', async () => {
    const a = await login(fx.users.clinician.email);
    const b = await login(fx.users.clinician.email, FIXTURE_PASSWORD, { cookie: a.cookie });
    expect(b.cookie).not.toBe(a.cookie);
    const meA = await json(await fetch(`${base}/api/trpc/auth.me`, { headers: { cookie: a.cookie } }));
    expect(meA.result.data).toBeNull();
    const noCsrf = await fetch(`${base}/api/trpc/auth.logout`, {
      method: 'POST',
      headers: { cookie: b.cookie, 'content-type': 'application/json' },
    });
    expect(noCsrf.status).toBe(403);
    const out = await fetch(`${base}/api/trpc/auth.logout`, {
      method: 'POST',
      headers: { cookie: b.cookie, 'content-type': 'application/json', 'x-hepatoscope-csrf': b.csrf! },
    });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie()[0]).toMatch(/^hs_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    const meB = await json(await fetch(`${base}/api/trpc/auth.me`, { headers: { cookie: b.cookie } }));
    expect(meB.result.data).toBeNull();
  });

  it('wrong password is 401, and the 5th failure locks the account (429)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(fx.users.admin.email, 'wrong-password')).r.status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect((await login(fx.users.admin.email)).r.status).toBe(429);
  });

  it('refuses cross-origin POSTs (login CSRF) but accepts same-origin and the allowed portal origin', async () => {
    expect((await login(fx.users.board.email, FIXTURE_PASSWORD, { origin: 'https://evil.example' })).r.status).toBe(
      403,
    );
    expect((await login(fx.users.board.email, FIXTURE_PASSWORD, { origin: base })).r.status).toBe(200);
  });

  it('roles are enforced over HTTP (403) and anonymous calls are 401', async () => {
    const { cookie } = await login(fx.users.board.email);
    expect((await fetch(`${base}/api/trpc/admin.users`, { headers: { cookie } })).status).toBe(403);
    expect((await fetch(`${base}/api/trpc/patients.list`)).status).toBe(401);
    const list = await json(
      await fetch(`${base}/api/trpc/patients.list?input=${encodeURIComponent('{}')}`, { headers: { cookie } }),
    );
    expect(list.result.data.items.map((p: { pseudoId: string }) => p.pseudoId)).toEqual(['FX-001']);
  });

  it('records the client address of the socket (X-Forwarded-For only from the loopback proxy)', async () => {
    const { cookie } = await login(fx.users.clinician.email, FIXTURE_PASSWORD);
    await fetch(`${base}/api/trpc/patients.get?input=${encodeURIComponent(JSON.stringify({ id: fx.patients.p1 }))}`, {
      headers: { cookie, 'x-forwarded-for': '203.0.113.9' },
    });
    const ev = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'patient.read', entityId: fx.patients.p1 },
      orderBy: { seq: 'desc' },
    });
    expect(ev.ipAddress).toBe('203.0.113.9'); // the test client is on loopback, like the portal's rewrite proxy
  });
});

describe('files', () => {
  it('streams a series and a mask to an authorised user, with ETag; 401 without session; 404 out of scope', async () => {
    const { cookie } = await login(fx.users.clinician.email);
    const r = await fetch(`${base}/api/files/series/${fx.seriesId}`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const bytes = Buffer.from(await r.arrayBuffer());
    expect(bytes.equals(fs.readFileSync(path.join(t.filesDir, 'series', `${fx.seriesId}.nii.gz`)))).toBe(true);
    expect(r.headers.get('content-type')).toBe('application/gzip');
    const etag = r.headers.get('etag')!;
    expect(
      (await fetch(`${base}/api/files/series/${fx.seriesId}`, { headers: { cookie, 'if-none-match': etag } })).status,
    ).toBe(304);
    expect((await fetch(`${base}/api/files/segmentations/${fx.segmentationId}`, { headers: { cookie } })).status).toBe(
      200,
    );
    expect((await fetch(`${base}/api/files/series/${fx.seriesId}`)).status).toBe(401);
    const other = await login('clinician2@fixture.test');
    expect((await fetch(`${base}/api/files/series/${fx.seriesId}`, { headers: { cookie: other.cookie } })).status).toBe(
      404,
    );
    const ev = await t.db.prisma.auditEvent.findMany({
      where: { action: 'series.download', entityId: fx.seriesId },
      orderBy: { seq: 'asc' },
    });
    expect(ev.map((e) => e.outcome)).toEqual(['SUCCESS', 'SUCCESS', 'DENIED']);
  });

  it('is path-traversal safe: bad ids, ../ in storage URIs and symlinks out of the data dir are refused', async () => {
    const { cookie } = await login(fx.users.clinician.email);
    expect((await fetch(`${base}/api/files/series/..%2F..%2Fetc%2Fpasswd`, { headers: { cookie } })).status).toBe(400);
    expect((await fetch(`${base}/api/files/series/a%00b`, { headers: { cookie } })).status).toBe(400);
    expect((await fetch(`${base}/api/files/series/%2e%2e`, { headers: { cookie } })).status).toBe(404); // normalised to /api/files/
    expect((await fetch(`${base}/api/files/series/../../etc/passwd`, { headers: { cookie } })).status).toBe(404);
    await t.db.prisma.series.update({ where: { id: fx.seriesId }, data: { storageUri: 'file:../../../etc/passwd' } });
    expect((await fetch(`${base}/api/files/series/${fx.seriesId}`, { headers: { cookie } })).status).toBe(403);
    // a symlink inside files/ pointing outside it
    const outside = path.join(t.dataDir, 'outside.txt');
    fs.writeFileSync(outside, 'secret');
    fs.symlinkSync(outside, path.join(t.filesDir, 'series', 'link.nii.gz'));
    await t.db.prisma.series.update({ where: { id: fx.seriesId }, data: { storageUri: 'file:series/link.nii.gz' } });
    expect((await fetch(`${base}/api/files/series/${fx.seriesId}`, { headers: { cookie } })).status).toBe(403);
    await t.db.prisma.series.update({
      where: { id: fx.seriesId },
      data: { storageUri: `file:series/${fx.seriesId}.nii.gz` },
    });
  });
});

/** A minimal NIfTI-1 uint8 mask (348-byte header + 4 pad bytes + voxels). */
function niftiMask(dims: [number, number, number], fill: number): Buffer {
  const n = dims[0] * dims[1] * dims[2];
  const b = Buffer.alloc(352 + n);
  b.writeInt32LE(348, 0);
  b.writeInt16LE(3, 40);
  dims.forEach((d, i) => b.writeInt16LE(d, 42 + 2 * i));
  for (let i = 3; i < 7; i++) b.writeInt16LE(1, 42 + 2 * i);
  b.writeInt16LE(2, 70); // datatype uint8
  b.writeInt16LE(8, 72); // bitpix
  for (let i = 0; i < 4; i++) b.writeFloatLE(1, 76 + 4 * i); // pixdim
  b.writeFloatLE(352, 108); // vox_offset
  b.writeFloatLE(1, 112); // scl_slope
  b.write('n+1\0', 344, 'latin1');
  b.fill(fill, 352);
  return b;
}

describe('mask upload (new segmentation version)', () => {
  it('needs a clinician session and the CSRF header; saves a version; refuses oversize and stale edits', async () => {
    const { cookie, csrf } = await login(fx.users.clinician.email);
    const url = `${base}/api/files/segmentations/${fx.segmentationId}/versions`;
    const body = gzipSync(niftiMask([4, 4, 2], 1));
    expect((await fetch(url, { method: 'POST', headers: { cookie }, body })).status).toBe(403);
    const board = await login(fx.users.board.email);
    expect(
      (await fetch(url, { method: 'POST', headers: { cookie: board.cookie, 'x-hepatoscope-csrf': board.csrf! }, body }))
        .status,
    ).toBe(403);
    expect((await fetch(url, { method: 'POST', body })).status).toBe(401);
    const ok = await fetch(url, {
      method: 'POST',
      headers: { cookie, 'x-hepatoscope-csrf': csrf!, 'content-type': 'application/gzip' },
      body,
    });
    expect(ok.status).toBe(201);
    const v2 = await json(ok);
    expect(v2).toMatchObject({ version: 2, previousId: fx.segmentationId, status: 'DRAFT' });
    const stale = await fetch(url, { method: 'POST', headers: { cookie, 'x-hepatoscope-csrf': csrf! }, body });
    expect(stale.status).toBe(409);
    const wrongGrid = await fetch(`${base}/api/files/segmentations/${v2.id}/versions`, {
      method: 'POST',
      headers: { cookie, 'x-hepatoscope-csrf': csrf! },
      body: gzipSync(niftiMask([4, 4, 3], 1)),
    });
    expect(wrongGrid.status).toBe(400);
    expect((await json(wrongGrid)).message).toMatch(/differs from the series grid/);
    const big = await fetch(`${base}/api/files/segmentations/${v2.id}/versions`, {
      method: 'POST',
      headers: { cookie, 'x-hepatoscope-csrf': csrf! },
      body: Buffer.alloc(64 * 1024 * 1024 + 1),
    });
    expect(big.status).toBe(413);
  });
});

describe('NIfTI upload (new series)', () => {
  it('creates a study and series from the header geometry; refuses bad files, roles and other patients', async () => {
    const { cookie, csrf } = await login(fx.users.clinician.email);
    const h = { cookie, 'x-hepatoscope-csrf': csrf! };
    const vol = niftiMask([6, 5, 4], 7);
    const ok = await fetch(
      `${base}/api/files/series?patientId=${fx.patients.p2}&modality=MR&phase=t2&timepoint=follow_up&date=2025-06-01`,
      { method: 'POST', headers: h, body: gzipSync(vol) },
    );
    expect(ok.status).toBe(201);
    const s = await json(ok);
    expect(s).toMatchObject({ phase: 'T2', dims: [6, 5, 4], spacing: [1, 1, 1], url: `/api/files/series/${s.id}` });
    const study = await t.db.prisma.study.findUniqueOrThrow({ where: { id: s.studyId } });
    expect(study).toMatchObject({
      patientId: fx.patients.p2,
      modality: 'MR',
      timepoint: 'FOLLOW_UP',
      origin: 'upload',
    });
    const back = await fetch(`${base}${s.url}`, { headers: { cookie } });
    expect(back.status).toBe(200);
    // raw .nii is accepted and stored compressed
    const raw = await fetch(`${base}/api/files/series?patientId=${fx.patients.p2}&studyId=${s.studyId}&phase=ADC`, {
      method: 'POST',
      headers: h,
      body: vol,
    });
    expect(raw.status).toBe(201);
    expect((await json(raw)).studyId).toBe(s.studyId);
    expect(
      (
        await fetch(`${base}/api/files/series?patientId=${fx.patients.p2}`, {
          method: 'POST',
          headers: h,
          body: Buffer.from('not nifti'),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await fetch(`${base}/api/files/series?patientId=${fx.patients.p2}&phase=bogus`, {
          method: 'POST',
          headers: h,
          body: vol,
        })
      ).status,
    ).toBe(400);
    expect(
      (await fetch(`${base}/api/files/series?patientId=${fx.patients.p3}`, { method: 'POST', headers: h, body: vol }))
        .status,
    ).toBe(404);
    expect(
      (
        await fetch(`${base}/api/files/series?patientId=${fx.patients.p2}`, {
          method: 'POST',
          headers: { cookie },
          body: vol,
        })
      ).status,
    ).toBe(403);
    const notZip = await fetch(`${base}/api/files/studies/dicom?patientId=${fx.patients.p2}`, {
      method: 'POST',
      headers: h,
      body: Buffer.from('PK?'),
    });
    expect(notZip.status).toBe(400);
    expect(
      (
        await fetch(`${base}/api/files/studies/dicom?patientId=${fx.patients.p2}`, {
          method: 'POST',
          headers: { cookie },
          body: Buffer.from('PK?'),
        })
      ).status,
    ).toBe(403);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // decompresses to 64 MiB of zeros: not a NIfTI → 400, bounded
    expect(
      (await fetch(`${base}/api/files/series?patientId=${fx.patients.p2}`, { method: 'POST', headers: h, body: bomb }))
        .status,
    ).toBe(400);
  });
});
