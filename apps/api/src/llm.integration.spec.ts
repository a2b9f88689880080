/**
 * The optional LLM rewrite of a report, tested at the HTTP level against a local OpenAI-compatible stub server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpLogin, type TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase } from '@hepatoscope/testing/fixtures';
import { FIXTURE_PASSWORD, type Fixture } from '@hepatoscope/services';
import { createApiServer, type ApiServer } from './server';

let t: TestDatabase;
let fx: Fixture;
let api: ApiServer;
let base: string;
let stub: http.Server;
let stubUrl: string;
let stubStatus = 200;
const seen: Array<{
  url: string;
  auth: string | undefined;
  body: { model: string; temperature: number; messages: Array<{ role: string; content: string }> };
}> = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: Response): Promise<any> => r.json();

beforeAll(async () => {
  ({ t, fx } = await createFixtureDatabase());
  api = createApiServer({ db: t.db, filesDir: t.filesDir, bcryptCost: 4, logError: () => {} });
  base = await api.listen(0);
  stub = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(b) });
      res.statusCode = stubStatus;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          stubStatus === 200
            ? { choices: [{ message: { role: 'assistant', content: 'Narrative: FX-001, lesion L1 31 mm.' } }] }
            : { error: 'boom' },
        ),
      );
    });
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((r) => stub?.close(r));
  await api?.close();
  await t?.cleanup();
});

const session = (email: string) => httpLogin(base, email, FIXTURE_PASSWORD);
const post = (s: { cookie: string; csrf: string }, proc: string, input: unknown) =>
  fetch(`${base}/api/trpc/${proc}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-hepatoscope-csrf': s.csrf, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });

it('is off by default, then rewrites through the configured endpoint, keeping the deterministic report', async () => {
  const clin = await session(fx.users.clinician.email);
  const admin = await session(fx.users.admin.email);
  const rep = (await json(await post(clin, 'reports.generate', { patientId: fx.patients.p1 }))).result.data;

  const off = await post(clin, 'reports.rewrite', { id: rep.id });
  expect(off.status).toBe(400);
  expect((await json(off)).error.message).toMatch(/disabled/);
  expect(seen).toHaveLength(0);

  const set = await json(
    await post(admin, 'admin.setLlmSettings', { enabled: true, endpoint: stubUrl, model: 'stub-1', apiKey: 'sk-test' }),
  );
  expect(set.result.data).toEqual({
    enabled: true,
    endpoint: stubUrl,
    model: 'stub-1',
    hasApiKey: true,
    timeoutMs: 30000,
  });
  const got = await json(await fetch(`${base}/api/trpc/admin.llmSettings`, { headers: { cookie: admin.cookie } }));
  expect(JSON.stringify(got)).not.toContain('sk-test');

  const ok = await json(await post(clin, 'reports.rewrite', { id: rep.id }));
  expect(ok.result.data).toMatchObject({
    llmText: 'Narrative: FX-001, lesion L1 31 mm.',
    llmModel: 'stub-1',
    sha256: rep.sha256,
  });
  expect(seen[0]).toMatchObject({
    url: '/v1/chat/completions',
    auth: 'Bearer sk-test',
    body: { model: 'stub-1', temperature: 0 },
  });
  expect(seen[0]!.body.messages[1]!.content).toContain('Structured report — FX-001');
  expect(seen[0]!.body.messages[1]!.content).not.toContain('<td>');
  const stored = await t.db.prisma.report.findUniqueOrThrow({ where: { id: rep.id } });
  expect(stored.html).toBe(rep.html);
  expect(stored.llmText).toBe('Narrative: FX-001, lesion L1 31 mm.');

  stubStatus = 500;
  const fail = await post(clin, 'reports.rewrite', { id: rep.id });
  expect(fail.status).toBe(503);
  expect((await json(fail)).error.message).toMatch(/HTTP 500.*structured report is unchanged/);

  expect((await post(clin, 'admin.setLlmSettings', { enabled: false })).status).toBe(403);
  expect(
    (await post(admin, 'admin.setLlmSettings', { enabled: true, endpoint: 'file:///etc/passwd', model: 'x' })).status,
  ).toBe(400);
});

it('serves the report as a deterministic PDF to users in scope only', async () => {
  const clin = await session(fx.users.clinician.email);
  const rep = (await json(await post(clin, 'reports.generate', { patientId: fx.patients.p1 }))).result.data;
  const a = await fetch(`${base}/api/files/reports/${rep.id}.pdf`, { headers: { cookie: clin.cookie } });
  expect(a.status).toBe(200);
  expect(a.headers.get('content-type')).toBe('application/pdf');
  const bytes = Buffer.from(await a.arrayBuffer());
  expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
  expect(bytes.toString('latin1')).toContain('Structured report - FX-001');
  const b = Buffer.from(
    await (await fetch(`${base}/api/files/reports/${rep.id}.pdf`, { headers: { cookie: clin.cookie } })).arrayBuffer(),
  );
  expect(b.equals(bytes)).toBe(true);
  expect((await fetch(`${base}/api/files/reports/${rep.id}.pdf`)).status).toBe(401);
  const other = await session('clinician2@fixture.test');
  expect((await fetch(`${base}/api/files/reports/${rep.id}.pdf`, { headers: { cookie: other.cookie } })).status).toBe(
    404,
  );
});
