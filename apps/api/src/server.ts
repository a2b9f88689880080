/**
 * The Hepatoscope API host: one Node `http` server with
 *   GET  /api/health                       → {"status":"ok","db":"pglite"|"postgresql","version":"…"}
 *   GET  /api/files/series/:id             → the series volume (NIfTI), session cookie required
 *   GET  /api/files/segmentations/:id      → the label mask (NIfTI), session cookie required
 *   GET  /api/files/reports/:id.pdf        → a structured report as PDF, session cookie required
 *   POST /api/files/series?patientId=…     → upload a NIfTI volume as a new series (CLINICIAN, CSRF)
 *   POST /api/files/studies/dicom?patientId=… → upload a zip of DICOM files (one study, its series) (CLINICIAN, CSRF)
 *   POST /api/files/segmentations/:id/versions → a new version of a mask (CLINICIAN, CSRF)
 *   POST /api/files/models                 → upload an ONNX segmentation model (multipart: manifest, card?, model) (ADMIN, CSRF)
 *   *    /api/trpc/*                       → tRPC (appRouter from @hepatoscope/api-trpc)
 * Security headers on every response; cross-origin POSTs refused by Origin; request bodies capped.
 *
 * `createApiServer` takes an open database so tests can run it on PGlite or PostgreSQL and call it over real HTTP.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter, createContext, type RequestInfo } from '@hepatoscope/api-trpc';
import type { Database } from '@hepatoscope/db';
import {
  createServices,
  isDomainError,
  MAX_DICOM_ZIP_BYTES,
  MAX_MASK_UPLOAD_BYTES,
  MAX_ONNX_UPLOAD_BYTES,
  MAX_SERIES_UPLOAD_BYTES,
  safeEqual,
  type Actor,
  type Services,
  type SessionInfo,
} from '@hepatoscope/services';
import pkg from '../package.json';
import { verifyOnnxModelDir } from './onnx';
import { createTrpcGetHandler } from './trpc-get';
import {
  appendSetCookie,
  clearedSessionCookie,
  clientAddress,
  CSRF_HEADER,
  isHttps,
  originAllowed,
  readCookie,
  sendJson,
  SESSION_COOKIE,
  sessionCookie,
  setSecurityHeaders,
} from './http-util';

export const API_VERSION: string = pkg.version;

export interface ApiServerOptions {
  /** An open database (migrations applied). The server does not close it. */
  db: Pick<Database, 'prisma' | 'kind'>;
  /** Root of stored files (`<dataDir>/files`). */
  filesDir: string;
  /** Prebuilt services (default: built from `db`). */
  services?: Services;
  /** bcrypt cost for services built here (default 12). */
  bcryptCost?: number;
  /** Extra origins allowed to POST (e.g. `http://localhost:3000`). */
  allowedOrigins?: string[];
  /** Largest accepted request body in bytes (default 8 MiB: CSV imports are ≤ 5 MiB). */
  maxBodyBytes?: number;
  /** Job queue `send` (pg-boss) for services built here; without it job requests answer SERVICE_UNAVAILABLE. */
  enqueue?: (queue: string, payload: Record<string, unknown>, options: { id: string }) => Promise<string | null>;
  /** Largest accepted ONNX model file in bytes (default MAX_ONNX_UPLOAD_BYTES, 256 MiB). */
  maxModelUploadBytes?: number;
  /** Logger for unexpected errors (default console.error). */
  logError?: (message: string, err?: unknown) => void;
  /**
   * Serve single tRPC GET queries by the direct path of trpc-get.ts (default: on unless
   * HEPATOSCOPE_TRPC_FAST_GET=0); everything else, and everything when off, goes to tRPC's standard handler.
   */
  trpcFastGet?: boolean;
}

export interface ApiServer {
  server: http.Server;
  services: Services;
  /** Starts listening; resolves with the base URL (`http://host:port`). Port 0 picks a free port. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting connections and closes idle keep-alive sockets. Does not close the database. */
  close(): Promise<void>;
}

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function createApiServer(options: ApiServerOptions): ApiServer {
  const services =
    options.services ??
    createServices({
      prisma: options.db.prisma,
      dbKind: options.db.kind,
      filesDir: options.filesDir,
      bcryptCost: options.bcryptCost,
      enqueue: options.enqueue,
      verifyOnnxModel: verifyOnnxModelDir,
    });
  const logError = options.logError ?? ((m: string, e?: unknown) => console.error(`[api] ${m}`, e ?? ''));
  const allowed = new Set(options.allowedOrigins ?? []);
  const filesRoot = path.resolve(options.filesDir);

  const requestInfo = (req: http.IncomingMessage, res: http.ServerResponse): RequestInfo => {
    const secure = isHttps(req);
    const csrf = req.headers[CSRF_HEADER];
    return {
      sessionToken: readCookie(req.headers.cookie, SESSION_COOKIE),
      csrfHeader: Array.isArray(csrf) ? (csrf[0] ?? null) : (csrf ?? null),
      clientAddress: clientAddress(req),
      userAgent: (req.headers['user-agent'] ?? null) as string | null,
      setSessionCookie: (token, expiresAt) => appendSetCookie(res, sessionCookie(token, expiresAt, secure)),
      clearSessionCookie: () => appendSetCookie(res, clearedSessionCookie(secure)),
    };
  };

  const onTrpcError = ({ error, path: p }: { error: TRPCError; path?: string }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR')
      logError(`tRPC ${p ?? '?'} failed: ${error.message}`, error.cause ?? error);
  };
  const trpcBase = '/api/trpc/';
  const trpcHeaders = { 'Cache-Control': 'no-store' };
  const trpcContext = (req: http.IncomingMessage, res: http.ServerResponse) =>
    createContext(services, requestInfo(req, res));
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: trpcBase,
    maxBodySize: options.maxBodyBytes ?? 8 * 1024 * 1024,
    createContext: ({ req, res }) => trpcContext(req, res),
    onError: onTrpcError,
    responseMeta: () => ({ headers: trpcHeaders }),
  });
  // tRPC queries over GET, single or batched, without the Fetch API conversion (same responses; see trpc-get.ts)
  const trpcGet =
    (options.trpcFastGet ?? process.env.HEPATOSCOPE_TRPC_FAST_GET !== '0')
      ? createTrpcGetHandler({
          router: appRouter,
          basePath: trpcBase,
          createContext: trpcContext,
          onError: onTrpcError,
          headers: trpcHeaders,
        })
      : null;

  async function actorFor(req: http.IncomingMessage): Promise<{ actor: Actor; session: SessionInfo } | null> {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = token ? await services.auth.resolveSession(token) : null;
    if (!session) return null;
    return {
      session,
      actor: {
        userId: session.user.id,
        email: session.user.email,
        name: session.user.name,
        role: session.user.role,
        sessionId: session.sessionId,
        clientAddress: clientAddress(req),
      },
    };
  }

  /**
   * The checks every upload route starts with: a valid session (401), the CSRF header matching it (403) and the
   * one role allowed to `verb` (403). Returns who is asking, or null once the error response has been sent.
   */
  async function requireUploader(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    role: Actor['role'],
    verb: string,
  ): Promise<{ actor: Actor; session: SessionInfo } | null> {
    const who = await actorFor(req);
    if (!who) {
      sendJson(res, 401, { error: 'UNAUTHORIZED', message: 'Sign in first: no valid session' });
      return null;
    }
    const csrf = req.headers[CSRF_HEADER];
    if (!safeEqual(Array.isArray(csrf) ? csrf[0] : csrf, who.session.csrfToken)) {
      sendJson(res, 403, {
        error: 'FORBIDDEN',
        message: 'CSRF check failed: header x-hepatoscope-csrf is missing or does not match the session',
      });
      return null;
    }
    if (who.actor.role !== role) {
      sendJson(res, 403, { error: 'FORBIDDEN', message: `Role ${who.actor.role} may not ${verb} (allowed: ${role})` });
      return null;
    }
    return who;
  }

  async function serveFile(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    kind: 'series' | 'segmentations',
    id: string,
  ) {
    if (!ID_RE.test(id)) return sendJson(res, 400, { error: 'BAD_REQUEST', message: 'Invalid file id' });
    const who = await actorFor(req);
    if (!who) return sendJson(res, 401, { error: 'UNAUTHORIZED', message: 'Sign in first: no valid session' });
    const entityType = kind === 'series' ? 'Series' : 'Segmentation';
    const auditBase = {
      userId: who.actor.userId,
      userEmail: who.actor.email,
      userRole: who.actor.role,
      action: kind === 'series' ? 'series.download' : 'segmentation.download',
      entityType,
      entityId: id,
      clientAddress: who.actor.clientAddress,
      userAgent: (req.headers['user-agent'] ?? null) as string | null,
    };
    let ref;
    try {
      ref =
        kind === 'series'
          ? await services.files.series(who.actor, id)
          : await services.files.segmentation(who.actor, id);
    } catch (e) {
      if (isDomainError(e)) {
        await services.audit.record({ ...auditBase, outcome: 'DENIED', details: { code: e.code } });
        const status = e.code === 'NOT_FOUND' ? 404 : e.code === 'FORBIDDEN' ? 403 : 400;
        return sendJson(res, status, { error: e.code, message: e.message });
      }
      throw e;
    }
    // Resolve symlinks and re-check containment: a link inside files/ must not lead outside it.
    let real: string;
    let size: number;
    try {
      real = await fs.promises.realpath(ref.absPath);
      const st = await fs.promises.stat(real);
      if (!st.isFile()) throw new Error('not a regular file');
      size = st.size;
    } catch {
      return sendJson(res, 404, {
        error: 'NOT_FOUND',
        message: `The file of ${entityType} ${id} is missing from the data directory`,
      });
    }
    const realRoot = await fs.promises.realpath(filesRoot).catch(() => filesRoot);
    if (!real.startsWith(realRoot + path.sep)) {
      await services.audit.record({
        ...auditBase,
        outcome: 'DENIED',
        details: { reason: 'path outside data directory' },
      });
      return sendJson(res, 403, { error: 'FORBIDDEN', message: 'Storage path escapes the data directory' });
    }
    await services.audit.record({ ...auditBase, details: { patientId: ref.patientId, bytes: size } });
    const etag = `"${ref.sha256}"`;
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      return res.end();
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', ref.contentType);
    res.setHeader('Content-Length', size);
    res.setHeader('Content-Disposition', `attachment; filename="${ref.fileName}"`);
    if (req.method === 'HEAD') return res.end();
    const stream = fs.createReadStream(real);
    stream.on('error', (e) => {
      logError(`reading ${entityType} ${id} failed`, e);
      res.destroy(e);
    });
    stream.pipe(res);
  }

  /**
   * Reads a request body up to `limit` bytes; null when it is larger. An oversize body is still read to its end
   * (discarded, never buffered) before the caller answers 413: answering while the client is still sending makes
   * it see ECONNRESET instead of the 413. `requestTimeout` bounds how long that can take.
   */
  function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > limit) {
        req.on('end', () => resolve(null));
        req.on('error', reject);
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) over = true;
        else chunks.push(c);
      });
      req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  /** POST /api/files/segmentations/:id/versions — a new version of a mask (gzip NIfTI body); cookie + CSRF header. */
  async function uploadVersion(req: http.IncomingMessage, res: http.ServerResponse, id: string) {
    if (!ID_RE.test(id)) return sendJson(res, 400, { error: 'BAD_REQUEST', message: 'Invalid segmentation id' });
    const who = await requireUploader(req, res, 'CLINICIAN', 'edit segmentations');
    if (!who) return;
    const body = await readBody(req, MAX_MASK_UPLOAD_BYTES);
    if (!body)
      return sendJson(res, 413, {
        error: 'PAYLOAD_TOO_LARGE',
        message: `The mask is larger than ${MAX_MASK_UPLOAD_BYTES} bytes`,
      });
    const audit = {
      userId: who.actor.userId,
      userEmail: who.actor.email,
      userRole: who.actor.role,
      action: 'segmentation.version.create',
      entityType: 'Segmentation',
      entityId: id,
      clientAddress: who.actor.clientAddress,
      userAgent: (req.headers['user-agent'] ?? null) as string | null,
    };
    try {
      const created = await services.segmentations.createVersion(
        who.actor,
        id,
        new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
      );
      await services.audit.record({
        ...audit,
        details: { newId: created.id, version: created.version, bytes: body.length },
      });
      return sendJson(res, 201, created);
    } catch (e) {
      return failUpload(res, audit, e);
    }
  }

  /**
   * POST /api/files/series?patientId=…&studyId?=…&modality?=CT&timepoint?=…&phase?=…&date?=…&description?=…
   * body = a NIfTI volume (.nii or .nii.gz); cookie + CSRF; CLINICIAN → 201 with the new series.
   */
  async function uploadSeries(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    q: URLSearchParams,
    kind: 'nifti' | 'dicom-zip' = 'nifti',
  ) {
    const who = await requireUploader(req, res, 'CLINICIAN', 'upload images');
    if (!who) return;
    const patientId = q.get('patientId') ?? '';
    if (!ID_RE.test(patientId)) return sendJson(res, 400, { error: 'BAD_REQUEST', message: 'patientId is required' });
    const studyId = q.get('studyId') ?? undefined;
    if (studyId !== undefined && !ID_RE.test(studyId))
      return sendJson(res, 400, { error: 'BAD_REQUEST', message: 'Invalid studyId' });
    const limit = kind === 'nifti' ? MAX_SERIES_UPLOAD_BYTES : MAX_DICOM_ZIP_BYTES;
    const body = await readBody(req, limit);
    if (!body)
      return sendJson(res, 413, { error: 'PAYLOAD_TOO_LARGE', message: `The file is larger than ${limit} bytes` });
    const audit = {
      userId: who.actor.userId,
      userEmail: who.actor.email,
      userRole: who.actor.role,
      action: kind === 'nifti' ? 'series.upload' : 'study.upload.dicom',
      entityType: 'Patient',
      entityId: patientId,
      clientAddress: who.actor.clientAddress,
      userAgent: (req.headers['user-agent'] ?? null) as string | null,
    };
    try {
      const m = {
        patientId,
        studyId,
        modality: q.get('modality') ?? undefined,
        timepoint: q.get('timepoint') ?? undefined,
        phase: q.get('phase') ?? undefined,
        date: q.get('date') ?? undefined,
        description: q.get('description') ?? undefined,
      };
      const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      const created =
        kind === 'nifti'
          ? await services.imaging.uploadNifti(who.actor, m, bytes)
          : await services.imaging.uploadDicomZip(who.actor, m, bytes);
      await services.audit.record({
        ...audit,
        details: {
          studyId: created.studyId,
          bytes: body.length,
          ...('id' in created ? { seriesId: created.id } : { seriesIds: created.series.map((x) => x.id) }),
        },
      });
      return sendJson(res, 201, created);
    } catch (e) {
      return failUpload(res, audit, e);
    }
  }

  /**
   * POST /api/files/models — multipart/form-data with `manifest` (JSON: the inference stage manifest), optional
   * `card` (JSON model card) and `model` (the .onnx file); cookie + CSRF; ADMIN → 201 with the model card (DRAFT).
   */
  async function uploadModel(req: http.IncomingMessage, res: http.ServerResponse) {
    const who = await requireUploader(req, res, 'ADMIN', 'upload models');
    if (!who) return;
    const contentType = String(req.headers['content-type'] ?? '');
    if (!contentType.startsWith('multipart/form-data'))
      return sendJson(res, 415, {
        error: 'UNSUPPORTED_MEDIA_TYPE',
        message:
          'Send multipart/form-data with fields manifest (JSON), card (JSON, optional) and model (the .onnx file)',
      });
    const maxModel = options.maxModelUploadBytes ?? MAX_ONNX_UPLOAD_BYTES;
    const body = await readBody(req, maxModel + 1024 * 1024);
    if (!body)
      return sendJson(res, 413, {
        error: 'PAYLOAD_TOO_LARGE',
        message: `The upload is larger than ${maxModel} bytes (model file limit) plus 1 MiB for the manifest`,
      });
    const audit = {
      userId: who.actor.userId,
      userEmail: who.actor.email,
      userRole: who.actor.role,
      action: 'model.upload',
      entityType: 'Model',
      entityId: null,
      clientAddress: who.actor.clientAddress,
      userAgent: (req.headers['user-agent'] ?? null) as string | null,
    };
    const bad = (message: string) => sendJson(res, 400, { error: 'INVALID', message });
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    } catch (e) {
      return bad(`The multipart body could not be read: ${(e as Error).message}`);
    }
    const json = async (field: string, required: boolean): Promise<unknown> => {
      const v = form.get(field);
      if (v === null) {
        if (required) throw new Error(`field ${field} is missing`);
        return undefined;
      }
      const text = typeof v === 'string' ? v : await v.text();
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new Error(`field ${field} is not valid JSON (${(e as Error).message})`);
      }
    };
    let manifest: unknown;
    let card: unknown;
    try {
      manifest = await json('manifest', true);
      card = await json('card', false);
    } catch (e) {
      return bad(`Model upload: ${(e as Error).message}`);
    }
    const file = form.get('model');
    if (!file || typeof file === 'string') return bad('Model upload: field model (the .onnx file) is missing');
    if (file.size > maxModel)
      return sendJson(res, 413, {
        error: 'PAYLOAD_TOO_LARGE',
        message: `The model file is ${file.size} bytes; the limit is ${maxModel}`,
      });
    try {
      const created = await services.models.uploadOnnx(
        who.actor,
        { manifest, card, bytes: new Uint8Array(await file.arrayBuffer()) },
        maxModel,
      );
      await services.audit.record({
        ...audit,
        entityId: created.id,
        details: { name: created.name, version: created.version, bytes: file.size, sha256: created.artefactSha256 },
      });
      return sendJson(res, 201, created);
    } catch (e) {
      return failUpload(res, audit, e);
    }
  }

  /** GET /api/files/reports/:id.pdf — the structured report as PDF (session cookie; patient scope). */
  async function serveReportPdf(req: http.IncomingMessage, res: http.ServerResponse, id: string) {
    if (!ID_RE.test(id)) return sendJson(res, 400, { error: 'BAD_REQUEST', message: 'Invalid report id' });
    const who = await actorFor(req);
    if (!who) return sendJson(res, 401, { error: 'UNAUTHORIZED', message: 'Sign in first: no valid session' });
    if (who.actor.role === 'ADMIN')
      return sendJson(res, 403, { error: 'FORBIDDEN', message: 'Role ADMIN may not read patient reports' });
    const audit = {
      userId: who.actor.userId,
      userEmail: who.actor.email,
      userRole: who.actor.role,
      action: 'report.download',
      entityType: 'Report',
      entityId: id,
      clientAddress: who.actor.clientAddress,
      userAgent: (req.headers['user-agent'] ?? null) as string | null,
    };
    try {
      const pdf = await services.reports.pdf(who.actor, id);
      await services.audit.record({ ...audit, details: { patientId: pdf.patientId } });
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Length', pdf.bytes.length);
      res.setHeader('Content-Disposition', `inline; filename="${pdf.fileName}"`);
      res.setHeader('Cache-Control', 'private, no-store');
      return res.end(Buffer.from(pdf.bytes));
    } catch (e) {
      if (!isDomainError(e)) throw e;
      await services.audit.record({ ...audit, outcome: 'DENIED', details: { code: e.code } });
      return sendJson(res, e.code === 'NOT_FOUND' ? 404 : 403, { error: e.code, message: e.message });
    }
  }

  /**
   * The failure path shared by the upload routes: a domain error is audited (DENIED for scope, FAILURE
   * otherwise) and answered with its HTTP status; anything else propagates as a 500.
   */
  async function failUpload(res: http.ServerResponse, audit: Parameters<typeof services.audit.record>[0], e: unknown) {
    if (!isDomainError(e)) throw e;
    await services.audit.record({
      ...audit,
      outcome: e.code === 'FORBIDDEN' || e.code === 'NOT_FOUND' ? 'DENIED' : 'FAILURE',
      details: { code: e.code },
    });
    const status =
      {
        NOT_FOUND: 404,
        FORBIDDEN: 403,
        CONFLICT: 409,
        INVALID: 400,
        UNAUTHENTICATED: 401,
        RATE_LIMITED: 429,
        UNAVAILABLE: 503,
      }[e.code] ?? 400;
    return sendJson(res, status, { error: e.code, message: e.message });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    const method = req.method ?? 'GET';

    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && !originAllowed(req, allowed)) {
      return sendJson(res, 403, { error: 'FORBIDDEN', message: 'Cross-origin request refused' });
    }
    if (p === '/api/health') {
      if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED' });
      return sendJson(res, 200, { status: 'ok', db: options.db.kind, version: API_VERSION });
    }
    const reportPdf = /^\/api\/files\/reports\/([^/]+)\.pdf$/.exec(p);
    if (reportPdf) {
      if (method !== 'GET') return sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED' });
      return serveReportPdf(req, res, reportPdf[1]!);
    }
    if (p === '/api/files/series' || p === '/api/files/studies/dicom') {
      if (method !== 'POST') return sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED' });
      return uploadSeries(req, res, url.searchParams, p === '/api/files/series' ? 'nifti' : 'dicom-zip');
    }
    if (p === '/api/files/models') {
      if (method !== 'POST') return sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED' });
      return uploadModel(req, res);
    }
    const upload = /^\/api\/files\/segmentations\/([^/]+)\/versions$/.exec(p);
    if (upload) {
      if (method !== 'POST') return sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED' });
      return uploadVersion(req, res, upload[1]!);
    }
    const file = /^\/api\/files\/(series|segmentations)\/([^/]+)$/.exec(p);
    if (file) {
      if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, { error: 'METHOD_NOT_ALLOWED' });
      let id: string;
      try {
        id = decodeURIComponent(file[2]!);
      } catch {
        return sendJson(res, 400, { error: 'BAD_REQUEST', message: 'Invalid file id' });
      }
      return serveFile(req, res, file[1] as 'series' | 'segmentations', id);
    }
    if (p.startsWith(trpcBase)) {
      if (trpcGet && (await trpcGet(req, res))) return;
      return trpc(req, res);
    }
    return sendJson(res, 404, { error: 'NOT_FOUND', message: `No route for ${method} ${p}` });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      logError(`${req.method} ${req.url} failed`, e);
      if (!res.headersSent) sendJson(res, 500, { error: 'INTERNAL_SERVER_ERROR', message: 'Internal error' });
      else res.destroy();
    });
  });
  server.requestTimeout = 120_000;
  // Keep idle keep-alive sockets longer than the clients that pool them (the portal's proxy, load balancers: ~4–60 s).
  // With Node's default of 5 s, a socket the server closes just as the proxy reuses it gives the proxy ECONNRESET,
  // and the portal a 500 — most often right after the event loop was busy and the close timers fired late.
  // (headersTimeout must stay above it, or an idle kept-alive socket can be timed out as a slow request.)
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  return {
    server,
    services,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const a = server.address() as AddressInfo;
          resolve(`http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
