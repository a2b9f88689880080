import { lockoutState, DEFAULT_LOCKOUT } from './lockout';
import { hashToken, newToken, safeEqual } from './tokens';
import { hashPassword, verifyPassword } from './password';

const MIN = 60_000;

describe('lockoutState', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const ago = (m: number) => new Date(now.getTime() - m * MIN);

  it('is unlocked below 5 failures in 15 minutes', () => {
    expect(lockoutState([ago(1), ago(2), ago(3), ago(4)], now)).toEqual({ locked: false, recentFailures: 4 });
  });

  it('locks at the 5th failure within the window, until the 5th most recent leaves it', () => {
    const s = lockoutState([ago(0), ago(1), ago(2), ago(3), ago(10)], now);
    expect(s.locked).toBe(true);
    // 5th most recent failure was 10 min ago → unlock 5 min from now
    expect(s.retryAt!.toISOString()).toBe(new Date(now.getTime() + 5 * MIN).toISOString());
  });

  it('ignores failures older than the window and in the future', () => {
    const s = lockoutState([ago(0), ago(1), ago(2), ago(3), ago(15), ago(20), new Date(now.getTime() + MIN)], now);
    expect(s).toEqual({ locked: false, recentFailures: 4 });
  });

  it('honours a custom policy', () => {
    expect(lockoutState([ago(0), ago(1)], now, { maxFailures: 2, windowMs: 5 * MIN }).locked).toBe(true);
    expect(DEFAULT_LOCKOUT).toEqual({ maxFailures: 5, windowMs: 15 * MIN });
  });
});

describe('tokens', () => {
  it('are 256-bit base64url and distinct', () => {
    const a = newToken();
    const b = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
  it('hash with SHA-256 (known vector)', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('compare in constant time and refuse missing values', () => {
    expect(safeEqual('x', 'x')).toBe(true);
    expect(safeEqual('x', 'y')).toBe(false);
    expect(safeEqual('x', 'xx')).toBe(false);
    expect(safeEqual(null, 'x')).toBe(false);
    expect(safeEqual(undefined, undefined)).toBe(false);
  });
});

describe('passwords (bcrypt)', () => {
  it('verifies the right password only, and salts', async () => {
    const h1 = await hashPassword('correct horse', 4);
    const h2 = await hashPassword('correct horse', 4);
    expect(h1).toMatch(/^\$2[aby]\$04\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('correct horse', h1)).toBe(true);
    expect(await verifyPassword('correct horsE', h1)).toBe(false);
    expect(await verifyPassword('x', '')).toBe(false);
  });
  it('refuses passwords over 72 bytes instead of truncating', async () => {
    await expect(hashPassword('é'.repeat(37), 4)).rejects.toThrow(/72 bytes/);
  });
});
