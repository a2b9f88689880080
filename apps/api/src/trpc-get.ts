/**
 * A direct path for the commonest tRPC call: one query (not a batch) over GET — every list, detail and table the
 * portal reads. The standard Node adapter turns each request into a Fetch `Request`, two combined `AbortSignal`s and
 * a `Response` whose body is piped through web streams back into Node's `res`; on the API bench that conversion was
 * about half of the CPU of a cheap query (auth.me: 0.39 ms of API CPU per request, /api/health 0.03 ms).
 *
 * This path produces what tRPC's `resolveResponse` produces for such a call — the same procedure call (same
 * middlewares, context, input parsing and validation), the same JSON body (`{"result":{"data":…}}` or
 * `{"error":shape}` from the router's error formatter), the same status (from the error shape), the same `vary` and
 * `content-type` headers plus `responseMeta`'s, the same `onError` — and writes it with one `res.end(body)`
 * (so with Content-Length instead of chunked encoding).
 * It declines (returns false before anything has run) whatever it does not mirror exactly, and the caller passes
 * the request to the standard handler: other methods, batches, `accept: application/jsonl`, paths outside
 * `[A-Za-z0-9_.]`, unknown procedures, non-query procedures, an `input` that is not valid JSON, `connectionParams`.
 * `apps/api/src/trpc-get.spec.ts` compares both paths response by response (success, every error kind).
 * Off with HEPATOSCOPE_TRPC_FAST_GET=0 (see server.ts).
 */
import type http from 'node:http';
import type { AnyTRPCRouter } from '@trpc/server';
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  transformTRPCResponse,
  TRPCError,
} from '@trpc/server/unstable-core-do-not-import';

export interface TrpcGetOptions<TCtx> {
  router: AnyTRPCRouter;
  /** URL prefix of the tRPC endpoint, with the trailing slash (`/api/trpc/`). */
  basePath: string;
  createContext(req: http.IncomingMessage, res: http.ServerResponse): Promise<TCtx>;
  onError?(o: { error: TRPCError; path: string | undefined; input: unknown; ctx: TCtx | undefined; type: 'query'; req: http.IncomingMessage }): void;
  /** Extra response headers, as the standard handler's `responseMeta` returns them. */
  responseHeaders?(o: { ctx: TCtx | undefined; path: string; ok: boolean }): Record<string, string>;
}

const PATH_RE = /^[A-Za-z0-9_.]{1,200}$/;

/**
 * Returns a handler that serves `req` and resolves true, or resolves false without running anything (the caller
 * then hands `req` to the standard tRPC handler).
 */
export function createTrpcGetHandler<TCtx>(opts: TrpcGetOptions<TCtx>) {
  const config = opts.router._def._config;
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const call = await parseCall(opts.router, opts.basePath, req);
    if (!call) return false;
    const { path, procedure, input } = call;

    let ctx: TCtx | undefined;
    let ctxError: unknown = null;
    try {
      ctx = await opts.createContext(req, res);
    } catch (cause) {
      ctxError = cause;
    }
    // tRPC reports the input with an error only once something has read it (its memoised input parser)
    let inputRead = false;
    const getRawInput = async () => {
      inputRead = true;
      return input;
    };
    let body: object;
    let text: string;
    try {
      if (ctxError) throw ctxError;
      const data = await procedure({ path, getRawInput, ctx, type: 'query', signal: undefined, batchIndex: 0 });
      body = { result: { data } };
    } catch (cause) {
      body = errorBody(cause, path, inputRead ? input : undefined);
    }
    try {
      if ('result' in body && isDataStream((body as { result: { data: unknown } }).result.data))
        throw new TRPCError({
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
        });
      text = JSON.stringify(transformTRPCResponse(config, body as never));
    } catch (cause) {
      // as tRPC's outer catch: no path or input on errors raised after the procedure returned
      body = errorBody(cause, undefined, undefined);
      text = JSON.stringify(transformTRPCResponse(config, body as never));
    }
    function errorBody(cause: unknown, p: string | undefined, i: unknown): object {
      const error = getTRPCErrorFromUnknown(cause);
      opts.onError?.({ error, path: p, input: i, ctx, type: 'query', req });
      return { error: getErrorShape({ config, ctx, error, input: i, path: p, type: 'query' }) };
    }
    const status = getHTTPStatusCode(body as Parameters<typeof getHTTPStatusCode>[0]);
    res.statusCode = status;
    res.setHeader('vary', 'trpc-accept, accept');
    res.setHeader('content-type', 'application/json');
    for (const [k, v] of Object.entries(opts.responseHeaders?.({ ctx, path, ok: 'result' in body }) ?? {})) res.setHeader(k, v);
    res.end(text);
    return true;
  };
}

/** The procedure and input of a single GET query this path serves, or null to decline. */
async function parseCall(router: AnyTRPCRouter, basePath: string, req: http.IncomingMessage) {
  if (req.method !== 'GET') return null;
  const url = req.url ?? '';
  if (!url.startsWith(basePath)) return null;
  const q = url.indexOf('?');
  const path = url.slice(basePath.length, q < 0 ? undefined : q);
  if (!PATH_RE.test(path)) return null;
  // streaming requests (tRPC answers them BAD_REQUEST unless batched)
  if (req.headers['trpc-accept'] !== undefined || req.headers.accept?.includes('application/jsonl')) return null;
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  if (params.has('batch') || params.has('connectionParams')) return null;
  const procedure = await getProcedureAtPath(router, path);
  if (!procedure || procedure._def.type !== 'query') return null;
  let input: unknown;
  const raw = params.get('input');
  if (raw) {
    try {
      input = router._def._config.transformer.input.deserialize(JSON.parse(raw));
    } catch {
      return null;
    }
  }
  return { path, procedure, input };
}

/** tRPC's `isObject`: a non-null, non-array object. */
const isObject = (v: unknown): v is Record<string, unknown> => !!v && !Array.isArray(v) && typeof v === 'object';

/** tRPC's `isPromise`: an object or function with `then` and `catch` methods. */
const isPromise = (v: unknown) =>
  (isObject(v) || typeof v === 'function') &&
  typeof (v as { then?: unknown }).then === 'function' &&
  typeof (v as { catch?: unknown }).catch === 'function';

/** tRPC's `isDataStream`: an async iterable, or an object holding promises or async iterables. */
function isDataStream(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (Symbol.asyncIterator in v) return true;
  const values = Object.values(v);
  return values.some(isPromise) || values.some((x) => isObject(x) && Symbol.asyncIterator in x);
}
