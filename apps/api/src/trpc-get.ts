/**
 * A direct path for the commonest tRPC calls: queries over GET, single (`/api/trpc/patients.list?input=…`) or batched
 * (`/api/trpc/auth.me,patients.list?batch=1&input={"1":…}`, as the portal's httpBatchLink sends them) — every list,
 * detail and table the portal reads. The standard Node adapter turns each request into a Fetch `Request`, two
 * combined `AbortSignal`s per call and a `Response` whose body is piped through web streams back into Node's `res`;
 * on the API bench that conversion was most of the CPU of a cheap query (auth.me: 0.39 ms of API CPU per request
 * through it, 0.10 ms here; /api/health 0.03 ms).
 *
 * This path produces what tRPC's `resolveResponse` produces for such a request — the same procedure calls (same
 * middlewares, context, input parsing and validation; a batch's calls concurrently, on one context), the same JSON
 * body (`{"result":{"data":…}}` / `{"error":shape}` from the router's error formatter, or an array of them for a
 * batch), the same status (from the error shapes; 207 for a batch with mixed outcomes), the same `vary` and
 * `content-type` headers plus `responseMeta`'s, the same `onError` calls — and writes it with one `res.end(body)`
 * (so with Content-Length instead of chunked encoding).
 * It declines (returns false before anything has run) whatever it does not mirror exactly, and the caller passes
 * the request to the standard handler: other methods, `accept: application/jsonl` (streaming), paths outside
 * `[A-Za-z0-9_.,]`, unknown procedures, mutations and subscriptions, an `input` that is not JSON (or, for a batch,
 * not an object), `connectionParams`.
 * `apps/api/src/trpc-get.integration.spec.ts` compares both paths response by response. Off with
 * HEPATOSCOPE_TRPC_FAST_GET=0 (see server.ts).
 */
import type http from 'node:http';
import type { AnyTRPCProcedure, AnyTRPCRouter } from '@trpc/server';
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
  /** Extra response headers, the same that the standard handler's `responseMeta` gives every response. */
  headers?: Readonly<Record<string, string>>;
}

/** One query of the request: its path, procedure and deserialised input (undefined when none was sent). */
interface Call {
  path: string;
  procedure: AnyTRPCProcedure;
  input: unknown;
}

const PATH_RE = /^[A-Za-z0-9_.,]{1,2000}$/;

const streamError = () =>
  new TRPCError({
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
  });

/**
 * Returns a handler that serves `req` and resolves true, or resolves false without running anything (the caller
 * then hands `req` to the standard tRPC handler).
 */
export function createTrpcGetHandler<TCtx>(opts: TrpcGetOptions<TCtx>) {
  const config = opts.router._def._config;
  const serialize = (body: unknown) => JSON.stringify(transformTRPCResponse(config, body as never));
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const parsed = await parseRequest(opts.router, opts.basePath, req);
    if (!parsed) return false;
    const { calls, isBatch } = parsed;

    let ctx: TCtx | undefined;
    let ctxError: unknown = null;
    try {
      ctx = await opts.createContext(req, res);
    } catch (cause) {
      ctxError = cause;
    }
    // tRPC reports inputs with an error only once something has read them (one memoised parser per request)
    let inputsRead = false;
    const inputOf = (c: Call) => (inputsRead ? c.input : undefined);
    const errorShape = (error: TRPCError, path: string | undefined, input: unknown) =>
      getErrorShape({ config, ctx, error, input, path, type: 'query' });
    const report = (error: TRPCError, path: string | undefined, input: unknown) =>
      opts.onError?.({ error, path, input, ctx, type: 'query', req });

    const outcomes = await Promise.all(
      calls.map(async (call, batchIndex): Promise<{ data: unknown } | { error: TRPCError }> => {
        try {
          if (ctxError) throw ctxError;
          const getRawInput = async () => {
            inputsRead = true;
            return call.input;
          };
          const data = await call.procedure({ path: call.path, getRawInput, ctx, type: 'query', signal: undefined, batchIndex });
          return { data };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          report(error, call.path, inputOf(call));
          return { error };
        }
      }),
    );

    let body: unknown;
    let text: string;
    try {
      if (isBatch) {
        // a stream-like result fails its own call (without onError), as in tRPC's batch branch
        body = outcomes.map((o, i) => {
          const error = 'error' in o ? o.error : isDataStream(o.data) ? streamError() : null;
          return error ? { error: errorShape(error, calls[i]!.path, inputOf(calls[i]!)) } : { result: { data: (o as { data: unknown }).data } };
        });
      } else {
        const o = outcomes[0]!;
        if ('data' in o && isDataStream(o.data)) throw streamError();
        body = 'error' in o ? { error: errorShape(o.error, calls[0]!.path, inputOf(calls[0]!)) } : { result: { data: o.data } };
      }
      text = serialize(body);
    } catch (cause) {
      // tRPC's outer catch: one error without path or input, also for a batch
      const error = getTRPCErrorFromUnknown(cause);
      report(error, undefined, undefined);
      body = { error: errorShape(error, undefined, undefined) };
      text = serialize(body);
    }
    res.statusCode = getHTTPStatusCode(body as Parameters<typeof getHTTPStatusCode>[0]);
    res.setHeader('vary', 'trpc-accept, accept');
    res.setHeader('content-type', 'application/json');
    for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
    res.end(text);
    return true;
  };
}

/** The queries of a GET request this path serves, or null to decline. */
async function parseRequest(
  router: AnyTRPCRouter,
  basePath: string,
  req: http.IncomingMessage,
): Promise<{ calls: Call[]; isBatch: boolean } | null> {
  if (req.method !== 'GET') return null;
  const url = req.url ?? '';
  if (!url.startsWith(basePath)) return null;
  const q = url.indexOf('?');
  const pathPart = url.slice(basePath.length, q < 0 ? undefined : q);
  if (!PATH_RE.test(pathPart)) return null;
  // streaming requests (tRPC refuses them unless batched, and answers batches as a stream)
  if (req.headers['trpc-accept'] !== undefined || req.headers.accept?.includes('application/jsonl')) return null;
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  if (params.has('connectionParams')) return null;
  const batch = params.get('batch');
  if (batch !== null && batch !== '1') return null;
  const isBatch = batch === '1';
  const paths = isBatch ? pathPart.split(',') : [pathPart];

  let inputs: unknown;
  const raw = params.get('input');
  if (raw) {
    try {
      inputs = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (isBatch && inputs !== undefined && !isObject(inputs)) return null;
  const deserialize = router._def._config.transformer.input.deserialize as (v: unknown) => unknown;
  const calls: Call[] = [];
  for (const [i, path] of paths.entries()) {
    const procedure = await getProcedureAtPath(router, path);
    if (!procedure || procedure._def.type !== 'query') return null;
    const input = inputs === undefined ? undefined : isBatch ? (inputs as Record<string, unknown>)[i] : inputs;
    calls.push({ path, procedure, input: input === undefined ? undefined : deserialize(input) });
  }
  return { calls, isBatch };
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
