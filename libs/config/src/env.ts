import path from 'node:path';
import { z } from 'zod';

/** Thrown when the environment is invalid; the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    /** Variables that were wrong. */
    readonly variables: string[],
  ) {
    super(message);
  }
}

const port = (name: string, dflt: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `${name} must be a whole number between 1 and 65535`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65535, `${name} must be between 1 and 65535`)
    .optional()
    .transform((v) => v ?? dflt);

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const envSchema = z.object({
  HEPATOSCOPE_DATA_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((u) => /^postgres(ql)?:\/\//.test(u), 'DATABASE_URL must start with postgresql:// (or postgres://); unset it to use the embedded database')
      .refine((u) => {
        try {
          new URL(u);
          return true;
        } catch {
          return false;
        }
      }, 'DATABASE_URL is not a valid URL (e.g. postgresql://user:password@127.0.0.1:5432/hepatoscope)')
      .optional(),
  ),
  PORT: z.preprocess(emptyToUndefined, port('PORT', 3000)),
  API_PORT: z.preprocess(emptyToUndefined, port('API_PORT', 3001)),
  HEPATOSCOPE_SESSION_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, 'HEPATOSCOPE_SESSION_SECRET must be at least 32 characters (or unset it to generate one)').optional(),
  ),
  HEPATOSCOPE_DEMO_PASSWORD: z.preprocess(
    emptyToUndefined,
    z.string().min(8, 'HEPATOSCOPE_DEMO_PASSWORD must be at least 8 characters').optional(),
  ),
  HEPATOSCOPE_ENV: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.toLowerCase()) : v),
    z.enum(['development', 'production'], { message: 'HEPATOSCOPE_ENV must be development or production' }).optional(),
  ),
  HEPATOSCOPE_PSEUDONYM_KEY: z.preprocess(
    emptyToUndefined,
    z.string().min(32, 'HEPATOSCOPE_PSEUDONYM_KEY must be at least 32 characters (or unset it to generate one outside production)').optional(),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.toLowerCase()) : v),
    z.enum(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  ),
});

/** Validated configuration. */
export interface HepatoscopeConfig {
  /** Absolute data directory. */
  dataDir: string;
  /** Where uploaded/generated files live: `<dataDir>/files`. */
  filesDir: string;
  /** PGlite directory: `<dataDir>/pgdata`. */
  pgDataDir: string;
  /** PostgreSQL URL, or undefined for embedded PGlite. */
  databaseUrl: string | undefined;
  /** `pglite` or `postgresql`. */
  databaseKind: 'pglite' | 'postgresql';
  port: number;
  apiPort: number;
  /** Explicit secret from the environment (see `resolveSessionSecret` for the generated fallback). */
  sessionSecret: string | undefined;
  /** Password of the demo users. */
  demoPassword: string;
  logLevel: LogLevel;
  /** `HEPATOSCOPE_ENV=production`: every secret must come from the environment (see `productionProblems`). */
  production: boolean;
  /** Key of the export pseudonyms (HMAC); undefined → generated into the data directory (not in production). */
  pseudonymKey: string | undefined;
}

/**
 * Why a production configuration is refused (empty when it is fine): in production every secret must be set
 * explicitly — no generated session secret (instances behind a load balancer must share one), no documented default
 * demo password, no generated pseudonym key.
 */
export function productionProblems(env: Record<string, string | undefined>): Array<{ variable: string; message: string }> {
  const set = (k: string) => (env[k] ?? '').trim() !== '';
  const out: Array<{ variable: string; message: string }> = [];
  if (!set('HEPATOSCOPE_SESSION_SECRET'))
    out.push({ variable: 'HEPATOSCOPE_SESSION_SECRET', message: 'must be set in production (at least 32 random characters)' });
  if (!set('HEPATOSCOPE_DEMO_PASSWORD') || env.HEPATOSCOPE_DEMO_PASSWORD!.trim() === DEFAULT_DEMO_PASSWORD)
    out.push({ variable: 'HEPATOSCOPE_DEMO_PASSWORD', message: `must be set in production to something other than the documented default "${DEFAULT_DEMO_PASSWORD}"` });
  if (!set('HEPATOSCOPE_PSEUDONYM_KEY'))
    out.push({ variable: 'HEPATOSCOPE_PSEUDONYM_KEY', message: 'must be set in production (at least 32 random characters; exports use it)' });
  return out;
}

/** Documented default demo password (demo data only; override with HEPATOSCOPE_DEMO_PASSWORD). */
export const DEFAULT_DEMO_PASSWORD = 'hepatoscope-demo';

/**
 * Parses and validates the environment. Throws `ConfigError` listing each bad variable with the reason.
 * @param env usually `process.env`
 * @param cwd base for a relative HEPATOSCOPE_DATA_DIR
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): HepatoscopeConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const vars = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
    const lines = parsed.error.issues.map((i) => `  - ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`, vars);
  }
  const e = parsed.data;
  if (e.HEPATOSCOPE_ENV === 'production') {
    const problems = productionProblems(env);
    if (problems.length) {
      throw new ConfigError(
        `Refusing to start in production (HEPATOSCOPE_ENV=production) with default or generated secrets:\n${problems
          .map((p) => `  - ${p.variable}: ${p.message}`)
          .join('\n')}`,
        problems.map((p) => p.variable),
      );
    }
  }
  const dataDir = path.resolve(cwd, e.HEPATOSCOPE_DATA_DIR ?? '.hepatoscope');
  return {
    dataDir,
    filesDir: path.join(dataDir, 'files'),
    pgDataDir: path.join(dataDir, 'pgdata'),
    databaseUrl: e.DATABASE_URL,
    databaseKind: e.DATABASE_URL ? 'postgresql' : 'pglite',
    port: e.PORT,
    apiPort: e.API_PORT,
    sessionSecret: e.HEPATOSCOPE_SESSION_SECRET,
    demoPassword: e.HEPATOSCOPE_DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD,
    logLevel: e.LOG_LEVEL ?? 'info',
    production: e.HEPATOSCOPE_ENV === 'production',
    pseudonymKey: e.HEPATOSCOPE_PSEUDONYM_KEY,
  };
}
