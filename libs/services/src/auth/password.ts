import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * Password hashing with bcrypt (bcryptjs, pure JS, vetted; OWASP-accepted for legacy-compatible password storage).
 * The cost factor is configurable: production default 12 (≈ 250 ms per hash on one core), tests use 4.
 * bcrypt only reads the first 72 bytes of the password; longer passwords are rejected at input validation
 * (`passwordSchema` in the auth use case) rather than silently truncated.
 */
export const DEFAULT_BCRYPT_COST = 12;

export async function hashPassword(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  if (Buffer.byteLength(password, 'utf8') > 72) throw new Error('hashPassword: password longer than 72 bytes');
  return bcrypt.hash(password, cost);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (!hash) return false;
  return bcrypt.compare(password, hash);
}

const dummyHashes = new Map<number, Promise<string>>();

/**
 * A bcrypt hash of a random secret, made once per cost factor. Verifying against it for an unknown e-mail spends
 * the same time as for a known one, so response timing does not reveal which accounts exist.
 */
export function dummyHash(cost = DEFAULT_BCRYPT_COST): Promise<string> {
  let h = dummyHashes.get(cost);
  if (!h) {
    h = bcrypt.hash(randomBytes(18).toString('base64'), cost);
    dummyHashes.set(cost, h);
  }
  return h;
}
