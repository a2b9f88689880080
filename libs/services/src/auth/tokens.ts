import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Session and CSRF tokens.
 *
 * - The session token (cookie `hs_session`) is 32 random bytes, base64url. The database stores only its SHA-256
 *   (`tokenHash`), so a leaked database cannot be replayed as sessions.
 * - The CSRF token is a separate 32-byte random value bound to the session (synchronizer-token pattern). The
 *   client reads it from `auth.login`/`auth.me` and echoes it in header `x-hepatoscope-csrf` on mutations.
 */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex of a token, as stored in the database. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time string equality (false for different lengths, without leaking where they differ). */
export function safeEqual(a: string | undefined | null, b: string | undefined | null): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ba.length !== bb.length) return false;
  return timingSafeEqual(ba, bb);
}
