/**
 * The client against a real local HTTP server (node:http) that plays a PACS: good answers, and each failure the
 * client must name — unreachable, timeout, 401/500, a truncated multipart body, a part that is not DICOM, non-JSON.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDicomwebClient, DicomwebError, isPart10, normaliseBaseUrl } from './client';
import { buildMultipartRelated, boundaryOf, parseMultipart } from './multipart';

/** A fake Part-10 file: preamble, DICM, then a marker byte. */
const part10 = (marker: number, size = 200) => {
  const b = new Uint8Array(size);
  b.set([0x44, 0x49, 0x43, 0x4d], 128);
  b[size - 1] = marker;
  return b;
};

type Handler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void;
let handler: Handler;
let server: http.Server;
let base: string;
const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => (seen.length = 0));

const client = (o: Partial<Parameters<typeof createDicomwebClient>[0]> = {}) =>
  createDicomwebClient({ baseUrl: base, timeoutMs: 5000, ...o });

const STUDY = '1.2.3.4';
const SERIES = '1.2.3.4.5';

describe('QIDO-RS', () => {
  it('sends the matching keys, includefields and paging; maps the DICOM JSON to summaries', async () => {
    handler = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end(
        JSON.stringify([
          {
            '0020000D': { vr: 'UI', Value: [STUDY] },
            '00100020': { vr: 'LO', Value: ['P001'] },
            '00100010': { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] },
            '00080020': { vr: 'DA', Value: ['20250102'] },
            '00080061': { vr: 'CS', Value: ['CT', 'SEG'] },
            '00201206': { vr: 'IS', Value: [3] },
            '00081030': { vr: 'LO' },
          },
        ]),
      );
    };
    const studies = await client().searchStudies(
      { PatientID: 'P001', StudyDate: '20250101-20250131' },
      { limit: 26, offset: 25 },
    );
    expect(studies).toEqual([
      expect.objectContaining({
        studyInstanceUid: STUDY,
        patientId: 'P001',
        patientName: 'DOE^JANE',
        studyDate: '2025-01-02',
        modalities: ['CT', 'SEG'],
        numberOfSeries: 3,
        description: null,
      }),
    ]);
    const u = new URL(seen[0]!.url, 'http://x');
    expect(u.pathname).toBe('/dicom-web/studies');
    expect(u.searchParams.get('PatientID')).toBe('P001');
    expect(u.searchParams.get('StudyDate')).toBe('20250101-20250131');
    expect(u.searchParams.get('limit')).toBe('26');
    expect(u.searchParams.get('offset')).toBe('25');
    expect(u.searchParams.getAll('includefield')).toContain('00081030');
    expect(seen[0]!.headers.accept).toBe('application/dicom+json');
  });

  it('204 No Content is an empty result; findStudy returns null', async () => {
    handler = (_req, _b, res) => {
      res.writeHead(204);
      res.end();
    };
    await expect(client().searchStudies()).resolves.toEqual([]);
    await expect(client().findStudy(STUDY)).resolves.toBeNull();
  });

  it('basic and bearer authentication headers; credentials never in messages', async () => {
    handler = (req, _b, res) => {
      res.writeHead(req.headers.authorization === 'Basic ' + Buffer.from('hs:s3cret').toString('base64') ? 200 : 401, {
        'content-type': 'application/dicom+json',
      });
      res.end('[]');
    };
    await expect(
      client({ auth: { type: 'basic', username: 'hs', password: 's3cret' } }).searchStudies(),
    ).resolves.toEqual([]);
    const err = await client({ auth: { type: 'basic', username: 'hs', password: 'wrong-pw' } })
      .searchStudies()
      .catch((e) => e);
    expect(err).toBeInstanceOf(DicomwebError);
    expect(err).toMatchObject({ kind: 'http', status: 401 });
    expect(err.message).toMatch(/HTTP 401 \(check the PACS credentials\)/);
    expect(err.message).not.toMatch(/wrong-pw/);
    await client({ auth: { type: 'bearer', token: 'tok' } })
      .searchStudies()
      .catch(() => undefined);
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer tok');
  });

  it('a 500 names the status and the server text; non-JSON and non-array answers are protocol errors', async () => {
    handler = (_req, _b, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('database locked');
    };
    await expect(client().searchStudies()).rejects.toMatchObject({
      kind: 'http',
      status: 500,
      message: expect.stringMatching(/HTTP 500: database locked/),
    });
    handler = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    };
    await expect(client().searchStudies()).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/not JSON/),
    });
    handler = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end('{"a":1}');
    };
    await expect(client().searchStudies()).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/not a JSON array/),
    });
  });

  it('refuses UIDs that are not UIDs before any request (no path injection)', async () => {
    await expect(client().searchSeries('1.2/../../x')).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/not a DICOM UID/),
    });
    expect(seen).toHaveLength(0);
  });
});

describe('WADO-RS', () => {
  it('retrieves a series as Part-10 files and asks for multipart/related application/dicom', async () => {
    const files = [part10(1), part10(2, 5000), part10(3)];
    handler = (_req, _b, res) => {
      const mp = buildMultipartRelated(files.map((body) => ({ contentType: 'application/dicom', body })));
      res.writeHead(200, { 'content-type': mp.contentType });
      res.end(Buffer.from(mp.body));
    };
    const got = await client().retrieveSeries(STUDY, SERIES);
    expect(got.map((b) => [b.length, b[b.length - 1]])).toEqual([
      [200, 1],
      [5000, 2],
      [200, 3],
    ]);
    expect(seen[0]!.url).toBe(`/dicom-web/studies/${STUDY}/series/${SERIES}`);
    expect(seen[0]!.headers.accept).toBe('multipart/related; type="application/dicom"');
  });

  it('a truncated multipart body is refused (nothing returned)', async () => {
    handler = (_req, _b, res) => {
      const mp = buildMultipartRelated([
        { contentType: 'application/dicom', body: part10(1) },
        { contentType: 'application/dicom', body: part10(2) },
      ]);
      res.writeHead(200, { 'content-type': mp.contentType });
      res.end(Buffer.from(mp.body.subarray(0, mp.body.length - 300)));
    };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/WADO-RS series 1\.2\.3\.4\.5: truncated multipart body/),
    });
  });

  it('a connection that breaks mid-body is a protocol error', async () => {
    handler = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'multipart/related; boundary=x', 'content-length': '100000' });
      res.write('--x\r\nContent-Type: application/dicom\r\n\r\n');
      setTimeout(() => res.destroy(), 20);
    };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/connection broke/),
    });
  });

  it('a part that is not DICOM (by media type or by content) is refused', async () => {
    handler = (_req, _b, res) => {
      const mp = buildMultipartRelated([
        { contentType: 'application/dicom', body: part10(1) },
        { contentType: 'application/octet-stream', body: part10(2) },
      ]);
      res.writeHead(200, { 'content-type': mp.contentType });
      res.end(Buffer.from(mp.body));
    };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toMatchObject({
      message: expect.stringMatching(/part 2 is application\/octet-stream/),
    });
    handler = (_req, _b, res) => {
      const mp = buildMultipartRelated([
        { contentType: 'application/dicom', body: new TextEncoder().encode('hello, not dicom') },
      ]);
      res.writeHead(200, { 'content-type': mp.contentType });
      res.end(Buffer.from(mp.body));
    };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toMatchObject({
      message: expect.stringMatching(/part 1 \(16 bytes\) is not a DICOM Part-10 file/),
    });
  });

  it('404 is not-found; a JSON answer instead of multipart is a protocol error; oversize is refused', async () => {
    handler = (_req, _b, res) => {
      res.writeHead(404);
      res.end();
    };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toMatchObject({ kind: 'not-found', status: 404 });
    handler = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    };
    await expect(client().retrieveSeries(STUDY, SERIES)).rejects.toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/expected a multipart response/),
    });
    handler = (_req, _b, res) => {
      res.writeHead(200, { 'content-type': 'multipart/related; boundary=x' });
      res.end(Buffer.alloc(4096));
    };
    await expect(client({ maxResponseBytes: 1000 }).retrieveSeries(STUDY, SERIES)).rejects.toMatchObject({
      kind: 'too-large',
    });
  });
});

describe('STOW-RS', () => {
  it('posts one multipart/related request and parses the stored / failed sequences', async () => {
    handler = (req, body, res) => {
      const parts = parseMultipart(new Uint8Array(body), boundaryOf(req.headers['content-type']!));
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end(
        JSON.stringify({
          '00081190': { vr: 'UR', Value: [`${base}/studies/${STUDY}`] },
          '00081199': {
            vr: 'SQ',
            Value: parts.map((p, i) => ({
              '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.66.4'] },
              '00081155': { vr: 'UI', Value: [`9.9.${i}.${p.body.length}`] },
            })),
          },
        }),
      );
    };
    const r = await client().store([part10(1), part10(2, 300)], STUDY);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe(`/dicom-web/studies/${STUDY}`);
    expect(seen[0]!.headers['content-type']).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    expect(r).toEqual({
      status: 200,
      retrieveUrl: `${base}/studies/${STUDY}`,
      stored: [
        { sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4', sopInstanceUid: '9.9.0.200', retrieveUrl: null, warning: null },
        { sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4', sopInstanceUid: '9.9.1.300', retrieveUrl: null, warning: null },
      ],
      failed: [],
    });
  });

  it('409 with a FailedSOPSequence throws with the parsed result; non-DICOM input is refused before sending', async () => {
    handler = (_req, _b, res) => {
      res.writeHead(409, { 'content-type': 'application/dicom+json' });
      res.end(
        JSON.stringify({
          '00081198': {
            vr: 'SQ',
            Value: [{ '00081155': { vr: 'UI', Value: ['1.2'] }, '00081197': { vr: 'US', Value: [272] } }],
          },
        }),
      );
    };
    const err = await client()
      .store([part10(1)])
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'http', status: 409 });
    expect(err.storeResult.failed).toEqual([{ sopClassUid: null, sopInstanceUid: '1.2', reason: 272 }]);
    seen.length = 0;
    await expect(client().store([new Uint8Array(10)])).rejects.toMatchObject({
      message: expect.stringMatching(/instance 1 is not a DICOM Part-10 file/),
    });
    await expect(client().store([])).rejects.toMatchObject({ message: expect.stringMatching(/nothing to store/) });
    expect(seen).toHaveLength(0);
  });
});

describe('transport failures and configuration', () => {
  it('an unreachable PACS names the URL and the cause', async () => {
    const s = http.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const err = await createDicomwebClient({ baseUrl: `http://127.0.0.1:${port}/dicom-web` })
      .searchStudies()
      .catch((e) => e);
    expect(err).toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port}.*unreachable \\(ECONNREFUSED\\)`)),
    });
  });

  it('a PACS that does not answer in time is a timeout', async () => {
    handler = () => undefined; // never answers
    await expect(client({ timeoutMs: 200 }).searchStudies()).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('base URLs: http(s) only, no credentials, trailing slash removed', () => {
    expect(normaliseBaseUrl('http://h:8042/dicom-web/')).toBe('http://h:8042/dicom-web');
    expect(() => normaliseBaseUrl('ftp://h/x')).toThrow(/http\(s\)/);
    expect(() => normaliseBaseUrl('http://u:p@h/x')).toThrow(/must not carry credentials/);
    expect(() => normaliseBaseUrl('nope')).toThrow(/not a URL/);
    expect(isPart10(part10(0))).toBe(true);
    expect(isPart10(new Uint8Array(132))).toBe(false);
  });
});
