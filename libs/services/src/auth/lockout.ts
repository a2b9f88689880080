/**
 * Login lockout policy: an account is locked when it has at least `maxFailures` failed logins within
 * `windowMs` (counting only failures after the last successful login). It unlocks `windowMs` after the
 * `maxFailures`-th most recent failure, i.e. once fewer than `maxFailures` failures remain in the window.
 *
 * Defaults: 5 failures / 15 minutes (OWASP ASVS 2.2.1 suggests throttling in this range).
 * While locked, even a correct password is refused, and that refusal is not counted as a new failure.
 */
export interface LockoutPolicy {
  maxFailures: number;
  windowMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, windowMs: 15 * 60 * 1000 };

export interface LockoutState {
  locked: boolean;
  /** When the account unlocks (only when locked). */
  retryAt?: Date;
  /** Failures counted in the current window. */
  recentFailures: number;
}

/**
 * @param failures times of failed logins after the last success (any order)
 * @param now the current time
 */
export function lockoutState(
  failures: readonly Date[],
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT,
): LockoutState {
  const since = now.getTime() - policy.windowMs;
  const recent = failures
    .map((d) => d.getTime())
    .filter((t) => t > since && t <= now.getTime())
    .sort((a, b) => b - a);
  if (recent.length < policy.maxFailures) return { locked: false, recentFailures: recent.length };
  // The lock lifts when the maxFailures-th most recent failure leaves the window.
  const pivot = recent[policy.maxFailures - 1]!;
  return { locked: true, retryAt: new Date(pivot + policy.windowMs), recentFailures: recent.length };
}
