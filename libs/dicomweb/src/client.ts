/**
 * A typed DICOMweb client over `fetch` (PS3.18): QIDO-RS search, WADO-RS retrieve (multipart/related of
 * application/dicom), STOW-RS store. No Node built-ins; the `fetch` implementation is injectable.
 *
 *   const pacs = createDicomwebClient({ baseUrl: 'http://127.0.0.1:8042/dicom-web', auth: { type: 'basic', username, password } });
 *   const studies = await pacs.searchStudies({ PatientID: 'P001' }, { limit: 25 });
 *   const files = await pacs.retrieveSeries(studyUid, seriesUid);   // Part-10 bytes, one per instance
 *   await pacs.store([segBytes]);
 *
 * Every failure is a {@link DicomwebError} whose `kind` says what went wrong (unreachable, timeout, an HTTP
 * status, a protocol violation such as a truncated multipart body or a part that is not DICOM). Messages name
 * the URL without credentials and never echo secrets.
 */
import {
  toInstanceSummary,
  toSeriesSummary,
  toStoreResult,
  toStudySummary,
  type DicomJsonDataset,
  type InstanceSummary,
  type SeriesSummary,
  type StoreResult,
  type StudySummary,
} from './dicom-json';
import { boundaryOf, buildMultipartRelated, MultipartError, parseMediaType, parseMultipart } from './multipart';

export type DicomwebAuth =
  { type: 'none' } | { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

export interface DicomwebClientOptions {
  /** Service root, e.g. `http://127.0.0.1:8042/dicom-web` (no credentials in the URL). */
  baseUrl: string;
  auth?: DicomwebAuth;
  /** Per-request time limit including the body (default 60 s). */
  timeoutMs?: number;
  /** Largest response body accepted (default 2 GiB). */
  maxResponseBytes?: number;
  /** `fetch` implementation (default the global one). */
  fetch?: typeof fetch;
}

export type DicomwebErrorKind = 'unreachable' | 'timeout' | 'http' | 'not-found' | 'protocol' | 'too-large';

export class DicomwebError extends Error {
  override readonly name = 'DicomwebError';
  constructor(
    readonly kind: DicomwebErrorKind,
    message: string,
    /** HTTP status for `http` / `not-found`. */
    readonly status?: number,
    /** The request URL (never carries credentials). */
    readonly url?: string,
    /** Parsed STOW-RS response when a store was refused. */
    readonly storeResult?: StoreResult,
  ) {
    super(message);
  }
}

/** QIDO-RS matching keys (keywords as in PS3.18 §8.3.4; values as DICOM matching strings). */
export type QidoQuery = Partial<
  Record<
    | 'PatientID'
    | 'PatientName'
    | 'StudyDate'
    | 'StudyInstanceUID'
    | 'AccessionNumber'
    | 'ModalitiesInStudy'
    | 'StudyDescription'
    | 'Modality'
    | 'SeriesInstanceUID',
    string
  >
>;

export interface QidoPaging {
  limit?: number;
  offset?: number;
  /** Extra attributes to return (keywords or tags), in addition to the server's defaults. */
  includefield?: string[];
  fuzzymatching?: boolean;
}

const STUDY_FIELDS = [
  '00080020',
  '00080030',
  '00080050',
  '00080061',
  '00081030',
  '00100010',
  '00100020',
  '00100030',
  '00100040',
  '00200010',
  '00201206',
  '00201208',
];
const SERIES_FIELDS = ['00080060', '0008103E', '00200011', '00201209'];

export const DICOM_MEDIA = 'application/dicom';
const DICOM_JSON = 'application/dicom+json';
const PART10_MAGIC = [0x44, 0x49, 0x43, 0x4d]; // "DICM" at byte 128

/** True when the bytes look like a DICOM Part-10 file (128-byte preamble then "DICM"). */
export function isPart10(b: Uint8Array): boolean {
  return b.length >= 132 && PART10_MAGIC.every((c, i) => b[128 + i] === c);
}

function base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin);
}

/** Checks a service root URL: http(s), no credentials, no query. Returns it without a trailing slash. */
export function normaliseBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DicomwebError('protocol', `DICOMweb URL "${url.slice(0, 100)}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new DicomwebError('protocol', `DICOMweb URL must be http(s), got ${u.protocol}`);
  if (u.username || u.password)
    throw new DicomwebError(
      'protocol',
      'DICOMweb URL must not carry credentials; configure basic or bearer authentication instead',
    );
  if (u.search || u.hash) throw new DicomwebError('protocol', 'DICOMweb URL must not have a query or fragment');
  return u.toString().replace(/\/+$/, '');
}

const uidRe = /^[0-9]+(\.[0-9]+)*$/;
function checkUid(uid: string, what: string): string {
  if (!uidRe.test(uid) || uid.length > 64)
    throw new DicomwebError('protocol', `${what} "${uid.slice(0, 80)}" is not a DICOM UID`);
  return uid;
}

export function createDicomwebClient(options: DicomwebClientOptions) {
  const base = normaliseBaseUrl(options.baseUrl);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxBytes = options.maxResponseBytes ?? 2 * 1024 * 1024 * 1024;
  const auth = options.auth ?? { type: 'none' };
  const authHeader: Record<string, string> =
    auth.type === 'basic'
      ? { authorization: `Basic ${base64(`${auth.username}:${auth.password}`)}` }
      : auth.type === 'bearer'
        ? { authorization: `Bearer ${auth.token}` }
        : {};

  async function request(
    path: string,
    init: { method?: string; accept: string; body?: Uint8Array; contentType?: string },
  ): Promise<{ status: number; contentType: string; body: Uint8Array; url: string }> {
    const url = base + path;
    let res: Response;
    try {
      res = await doFetch(url, {
        method: init.method ?? 'GET',
        headers: {
          accept: init.accept,
          ...authHeader,
          ...(init.contentType ? { 'content-type': init.contentType } : {}),
        },
        body: init.body as Uint8Array<ArrayBuffer> | undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw transportError(e, url);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new DicomwebError(
        'too-large',
        `${url}: the response is ${declared} bytes, more than the ${maxBytes} accepted`,
        res.status,
        url,
      );
    }
    let body: Uint8Array;
    try {
      body = await readBody(res, maxBytes, url);
    } catch (e) {
      if (e instanceof DicomwebError) throw e;
      throw transportError(e, url, true);
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, url };
  }

  function httpError(r: { status: number; body: Uint8Array; url: string }, what: string): DicomwebError {
    const text = new TextDecoder().decode(r.body.subarray(0, 300)).replace(/\s+/g, ' ').trim();
    const hint = r.status === 401 || r.status === 403 ? ' (check the PACS credentials)' : '';
    return new DicomwebError(
      r.status === 404 ? 'not-found' : 'http',
      `${what}: the PACS answered HTTP ${r.status}${hint}${text ? `: ${text}` : ''}`,
      r.status,
      r.url,
    );
  }

  async function qido(
    path: string,
    query: QidoQuery,
    paging: QidoPaging,
    fields: string[],
  ): Promise<DicomJsonDataset[]> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.append(k, v);
    for (const f of [...fields, ...(paging.includefield ?? [])]) q.append('includefield', f);
    if (paging.limit !== undefined) q.set('limit', String(paging.limit));
    if (paging.offset !== undefined) q.set('offset', String(paging.offset));
    if (paging.fuzzymatching) q.set('fuzzymatching', 'true');
    const r = await request(`${path}?${q}`, { accept: DICOM_JSON });
    if (r.status === 204) return [];
    if (r.status !== 200) throw httpError(r, `QIDO-RS ${path}`);
    let json: unknown;
    try {
      json = r.body.length ? JSON.parse(new TextDecoder().decode(r.body)) : [];
    } catch {
      throw new DicomwebError('protocol', `QIDO-RS ${path}: the answer is not JSON`, r.status, r.url);
    }
    if (!Array.isArray(json))
      throw new DicomwebError('protocol', `QIDO-RS ${path}: the answer is not a JSON array`, r.status, r.url);
    return json as DicomJsonDataset[];
  }

  function protocol<T>(f: () => T, what: string, url: string): T {
    try {
      return f();
    } catch (e) {
      throw new DicomwebError('protocol', `${what}: ${(e as Error).message}`, undefined, url);
    }
  }

  /** WADO-RS: the Part-10 instances of a multipart/related response; every part must be application/dicom. */
  async function wado(path: string, what: string): Promise<Uint8Array[]> {
    const r = await request(path, { accept: `multipart/related; type="${DICOM_MEDIA}"` });
    if (r.status !== 200 && r.status !== 206) throw httpError(r, what);
    const parts = protocol(() => parseMultipart(r.body, boundaryOf(r.contentType)), what, r.url);
    return parts.map((p, i) => {
      const ct = p.headers['content-type'];
      if (ct && parseMediaType(ct).type !== DICOM_MEDIA)
        throw new DicomwebError(
          'protocol',
          `${what}: part ${i + 1} is ${parseMediaType(ct).type}, not ${DICOM_MEDIA}`,
          r.status,
          r.url,
        );
      if (!isPart10(p.body))
        throw new DicomwebError(
          'protocol',
          `${what}: part ${i + 1} (${p.body.length} bytes) is not a DICOM Part-10 file`,
          r.status,
          r.url,
        );
      return p.body;
    });
  }

  return {
    baseUrl: base,

    /** QIDO-RS `GET /studies`: studies matching `query` (paged with limit/offset). */
    async searchStudies(query: QidoQuery = {}, paging: QidoPaging = {}): Promise<StudySummary[]> {
      const rows = await qido('/studies', query, paging, STUDY_FIELDS);
      return protocol(() => rows.map(toStudySummary), 'QIDO-RS /studies', base);
    },

    /** The study with this StudyInstanceUID, or null when the PACS has none. */
    async findStudy(studyInstanceUid: string): Promise<StudySummary | null> {
      checkUid(studyInstanceUid, 'StudyInstanceUID');
      const rows = await qido('/studies', { StudyInstanceUID: studyInstanceUid }, { limit: 2 }, STUDY_FIELDS);
      const hit = rows.map(toStudySummary).find((s) => s.studyInstanceUid === studyInstanceUid);
      return hit ?? null;
    },

    /** QIDO-RS `GET /studies/{study}/series`. */
    async searchSeries(
      studyInstanceUid: string,
      query: QidoQuery = {},
      paging: QidoPaging = {},
    ): Promise<SeriesSummary[]> {
      const path = `/studies/${checkUid(studyInstanceUid, 'StudyInstanceUID')}/series`;
      const rows = await qido(path, query, paging, SERIES_FIELDS);
      return protocol(() => rows.map((d) => toSeriesSummary(d, studyInstanceUid)), `QIDO-RS ${path}`, base);
    },

    /** QIDO-RS `GET /studies/{study}/series/{series}/instances`. */
    async searchInstances(
      studyInstanceUid: string,
      seriesInstanceUid: string,
      paging: QidoPaging = {},
    ): Promise<InstanceSummary[]> {
      const path = `/studies/${checkUid(studyInstanceUid, 'StudyInstanceUID')}/series/${checkUid(seriesInstanceUid, 'SeriesInstanceUID')}/instances`;
      const rows = await qido(path, {}, paging, ['00200013']);
      return protocol(
        () => rows.map((d) => toInstanceSummary(d, studyInstanceUid, seriesInstanceUid)),
        `QIDO-RS ${path}`,
        base,
      );
    },

    /** WADO-RS `GET /studies/{study}/series/{series}`: every instance as Part-10 bytes. */
    async retrieveSeries(studyInstanceUid: string, seriesInstanceUid: string): Promise<Uint8Array[]> {
      const path = `/studies/${checkUid(studyInstanceUid, 'StudyInstanceUID')}/series/${checkUid(seriesInstanceUid, 'SeriesInstanceUID')}`;
      return wado(path, `WADO-RS series ${seriesInstanceUid}`);
    },

    /** WADO-RS `GET /studies/{study}/series/{series}/instances/{sop}`: one instance. */
    async retrieveInstance(
      studyInstanceUid: string,
      seriesInstanceUid: string,
      sopInstanceUid: string,
    ): Promise<Uint8Array> {
      const path = `/studies/${checkUid(studyInstanceUid, 'StudyInstanceUID')}/series/${checkUid(seriesInstanceUid, 'SeriesInstanceUID')}/instances/${checkUid(sopInstanceUid, 'SOPInstanceUID')}`;
      const files = await wado(path, `WADO-RS instance ${sopInstanceUid}`);
      if (files.length !== 1)
        throw new DicomwebError(
          'protocol',
          `WADO-RS instance ${sopInstanceUid}: expected 1 part, got ${files.length}`,
          undefined,
          base + path,
        );
      return files[0]!;
    },

    /**
     * STOW-RS `POST /studies[/{study}]`: stores Part-10 instances in one multipart/related request. Returns the
     * parsed response for 200 (all stored) and 202 (stored with warnings, or some failed — check `failed`);
     * any other status throws, with the parsed response in `storeResult` when there is one.
     */
    async store(instances: Uint8Array[], studyInstanceUid?: string): Promise<StoreResult> {
      if (!instances.length) throw new DicomwebError('protocol', 'STOW-RS: nothing to store');
      instances.forEach((b, i) => {
        if (!isPart10(b)) throw new DicomwebError('protocol', `STOW-RS: instance ${i + 1} is not a DICOM Part-10 file`);
      });
      const mp = buildMultipartRelated(instances.map((body) => ({ contentType: DICOM_MEDIA, body })));
      const path = studyInstanceUid ? `/studies/${checkUid(studyInstanceUid, 'StudyInstanceUID')}` : '/studies';
      const r = await request(path, { method: 'POST', accept: DICOM_JSON, body: mp.body, contentType: mp.contentType });
      let parsed: StoreResult | undefined;
      if (r.body.length && /json/.test(r.contentType)) {
        try {
          parsed = toStoreResult(r.status, JSON.parse(new TextDecoder().decode(r.body)) as DicomJsonDataset);
        } catch {
          parsed = undefined;
        }
      }
      if (r.status === 200 || r.status === 202) {
        if (!parsed)
          throw new DicomwebError(
            'protocol',
            `STOW-RS ${path}: HTTP ${r.status} without a DICOM JSON response`,
            r.status,
            r.url,
          );
        return parsed;
      }
      const e = httpError(r, `STOW-RS ${path}`);
      throw new DicomwebError(e.kind, e.message, e.status, e.url, parsed);
    },
  };
}

export type DicomwebClient = ReturnType<typeof createDicomwebClient>;

async function readBody(res: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new DicomwebError(
        'too-large',
        `${url}: the response exceeds the ${maxBytes} bytes accepted`,
        res.status,
        url,
      );
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function transportError(e: unknown, url: string, duringBody = false): DicomwebError {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return new DicomwebError('timeout', `${url}: no complete answer from the PACS in time`, undefined, url);
  const cause = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
  if (duringBody)
    return new DicomwebError(
      'protocol',
      `${url}: the connection broke while reading the answer (${cause})`,
      undefined,
      url,
    );
  if (e instanceof MultipartError) return new DicomwebError('protocol', `${url}: ${e.message}`, undefined, url);
  return new DicomwebError('unreachable', `the PACS at ${url} is unreachable (${cause})`, undefined, url);
}
