import type { InferenceSession } from 'onnxruntime-node';

/**
 * Execution-provider selection. The order comes from an explicit list, else the environment variable
 * `HEPATOSCOPE_ORT_PROVIDERS` (comma separated, e.g. `cuda,webgpu,cpu`), else `cpu`. Each provider is
 * tried in turn by creating a session with only that provider; the first that succeeds is used, and the
 * reason every earlier one failed is kept (and logged), e.g. onnxruntime-node installed without CUDA
 * libraries throws "Failed to load shared library", and WebGPU without a Vulkan adapter throws
 * "Failed to get a WebGPU adapter". CPU is always appended as the last resort unless `strict` is set.
 */
export const KNOWN_PROVIDERS = ['cuda', 'tensorrt', 'webgpu', 'dml', 'coreml', 'cpu'] as const;
export type ProviderName = (typeof KNOWN_PROVIDERS)[number];

export interface ProviderAttempt {
  provider: ProviderName;
  ok: boolean;
  error?: string;
  ms: number;
}

export interface SessionChoice {
  session: InferenceSession;
  provider: ProviderName;
  attempts: ProviderAttempt[];
}

export type Logger = (message: string) => void;

/** Parses a provider list such as "cuda, WebGPU ,cpu"; unknown names are an error naming the valid ones. */
export function parseProviders(spec: string | readonly string[] | undefined): ProviderName[] {
  const items = (typeof spec === 'string' ? spec.split(',') : (spec ?? []))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const out: ProviderName[] = [];
  for (const p of items) {
    if (!(KNOWN_PROVIDERS as readonly string[]).includes(p)) {
      throw new Error(`providers: unknown execution provider "${p}" (known: ${KNOWN_PROVIDERS.join(', ')})`);
    }
    if (!out.includes(p as ProviderName)) out.push(p as ProviderName);
  }
  return out;
}

/** Provider order: explicit list > HEPATOSCOPE_ORT_PROVIDERS > ['cpu']; CPU appended unless strict. */
export function providerOrder(
  explicit?: string | readonly string[],
  env = process.env,
  strict = false,
): ProviderName[] {
  let order = parseProviders(explicit ?? env.HEPATOSCOPE_ORT_PROVIDERS);
  if (order.length === 0) order = ['cpu'];
  if (!strict && !order.includes('cpu')) order.push('cpu');
  return order;
}

export interface CreateSessionOptions {
  providers?: string | readonly string[];
  /** Do not append CPU as a fallback. */
  strict?: boolean;
  intraOpNumThreads?: number;
  log?: Logger;
}

/** The session options used for one provider (also by the worker-thread session, `session-thread.ts`). */
export function sessionOptions(
  provider: ProviderName,
  opts: CreateSessionOptions = {},
): InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(opts.intraOpNumThreads ? { intraOpNumThreads: opts.intraOpNumThreads } : {}),
  };
}

/**
 * Creates an onnxruntime-node session on the first provider that works.
 * Throws (listing every provider's error) when none does.
 */
export async function createSession(
  model: Uint8Array | string,
  opts: CreateSessionOptions = {},
): Promise<SessionChoice> {
  const ort = await import('onnxruntime-node');
  const log = opts.log ?? (() => {});
  const attempts: ProviderAttempt[] = [];
  for (const provider of providerOrder(opts.providers, process.env, opts.strict)) {
    const t0 = performance.now();
    const known = unavailable.get(provider);
    if (known !== undefined) {
      attempts.push({ provider, ok: false, error: known, ms: 0 });
      continue;
    }
    try {
      const options = sessionOptions(provider, opts);
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, options)
          : await ort.InferenceSession.create(model, options);
      attempts.push({ provider, ok: true, ms: performance.now() - t0 });
      const failed = attempts.filter((a) => !a.ok);
      log(
        `onnxruntime: using ${provider}` +
          (failed.length ? ` (unavailable: ${failed.map((a) => `${a.provider}: ${a.error}`).join('; ')})` : ''),
      );
      return { session, provider, attempts };
    } catch (e) {
      const msg = errorSummary((e as Error).message ?? String(e));
      attempts.push({ provider, ok: false, error: msg, ms: performance.now() - t0 });
      // A provider that cannot start (missing library, no adapter) will not start for the next model either;
      // a model-specific failure on CPU is not remembered.
      if (provider !== 'cpu') unavailable.set(provider, msg);
      log(`onnxruntime: provider ${provider} failed: ${msg}`);
    }
  }
  throw new Error(
    `onnxruntime: no execution provider could load the model (${attempts.map((a) => `${a.provider}: ${a.error}`).join('; ')})`,
  );
}

/**
 * The useful part of an onnxruntime error: its first non-empty line without the leading
 * "/onnxruntime_src/…/file.cc:123 function(…) condition was false." location, at most 300 characters.
 */
export function errorSummary(s: string): string {
  let line = s.split('\n').find((l) => l.trim()) ?? s;
  const m = /^\/onnxruntime_src\/\S+ .*? (?:was false\.|failed\.?)\s+(.+)$/.exec(line);
  if (m) line = m[1];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Providers that already failed in this process, with their error: not retried for every model. */
const unavailable = new Map<ProviderName, string>();
