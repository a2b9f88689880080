/**
 * The single error type raised when the database cannot be opened, reached or migrated.
 *
 * `message` is one paragraph for a person: what went wrong, the cause, and the setting to change
 * (`HEPATOSCOPE_DATA_DIR` or `DATABASE_URL`). `code` is stable for programs and tests.
 */
export type DatabaseStartupErrorCode =
  | 'DATA_DIR_UNWRITABLE'
  | 'DATA_DIR_CORRUPT'
  | 'DATA_DIR_IN_USE'
  | 'DATABASE_URL_INVALID'
  | 'DATABASE_UNREACHABLE'
  | 'MIGRATION_FAILED'
  | 'MIGRATION_MISMATCH';

export class DatabaseStartupError extends Error {
  override readonly name = 'DatabaseStartupError';
  /** Stable machine-readable reason. */
  readonly code: DatabaseStartupErrorCode;
  /** Environment variable / option the user should change. */
  readonly setting: 'HEPATOSCOPE_DATA_DIR' | 'DATABASE_URL' | 'prisma/migrations';

  constructor(
    code: DatabaseStartupErrorCode,
    setting: DatabaseStartupError['setting'],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.setting = setting;
  }
}

/** Message of any thrown value, for error texts. */
export function causeText(err: unknown): string {
  let text: string;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    text = typeof code === 'string' && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  } else {
    text = String(err);
  }
  return text.trim().replace(/[.\s]+$/, '');
}

/** `postgresql://user:secret@host/db` → `postgresql://user:***@host/db` (never print passwords). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
}
