import { DomainError } from '../errors';
import { hashPassword, verifyPassword, dummyHash } from '../auth/password';
import { hashToken, newToken } from '../auth/tokens';
import { DEFAULT_LOCKOUT, lockoutState, type LockoutPolicy } from '../auth/lockout';
import type { ResolvedDeps } from '../deps';
import type { Actor, SessionInfo, UserView } from '../types';
import type { AuditService } from './audit';

export interface LoginMeta {
  clientAddress: string;
  userAgent: string | null;
  /** Token of the session the browser presented, if any: it is revoked (a login always starts a new session). */
  previousToken: string | null;
}

const INVALID = 'Invalid e-mail or password';

/** Failed sign-ins allowed from one client address per lockout window (any accounts). */
export const MAX_FAILURES_PER_ADDRESS = 20;

/**
 * Authentication and sessions.
 *
 * - Passwords: bcrypt (`auth/password.ts`). Unknown e-mails spend the same bcrypt time (no account enumeration).
 * - Lockout (`auth/lockout.ts`): 5 failures within 15 min lock the account for the rest of the window; and 20
 *   failures from one client address within 15 min throttle that address (password spraying). Failure
 *   times come from the audit trail (`auth.login` FAILURE events since the last success), so the policy needs no
 *   extra table; `User.failedLoginCount` and `User.lockedUntil` mirror the state for display and fast refusal.
 * - Sessions: a NEW random token on every login (session-fixation safe), stored as SHA-256; absolute lifetime
 *   `sessionTtlMs`, idle timeout `sessionIdleMs`; logout revokes. A CSRF token is bound to each session.
 */
export function createAuthService(deps: ResolvedDeps, audit: AuditService, policy: LockoutPolicy = DEFAULT_LOCKOUT) {
  const { prisma } = deps;
  const cache = createSessionCache(deps.sessionCacheMs);

  const view = (u: { id: string; email: string; name: string; role: UserView['role'] }): UserView => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
  });

  async function recentFailures(userId: string, lastLoginAt: Date | null, now: Date): Promise<Date[]> {
    const since = new Date(Math.max(now.getTime() - policy.windowMs, lastLoginAt?.getTime() ?? 0));
    const rows = await prisma.auditEvent.findMany({
      where: { userId, action: 'auth.login', outcome: 'FAILURE', at: { gt: since } },
      select: { at: true },
      orderBy: { at: 'desc' },
      take: policy.maxFailures * 4,
    });
    return rows.map((r) => r.at);
  }

  return {
    hashPassword: (password: string) => hashPassword(password, deps.bcryptCost),

    async login(emailRaw: string, password: string, meta: LoginMeta): Promise<{ token: string; session: SessionInfo }> {
      const email = emailRaw.trim().toLowerCase();
      const now = deps.now();
      const auditBase0 = {
        action: 'auth.login',
        entityType: 'User',
        clientAddress: meta.clientAddress,
        userAgent: meta.userAgent,
        at: now,
      };
      // Per-address throttle: spraying passwords over many (or unknown) accounts from one address is refused too.
      const fromAddress = await prisma.auditEvent.count({
        where: {
          action: 'auth.login',
          outcome: 'FAILURE',
          ipAddress: meta.clientAddress,
          at: { gt: new Date(now.getTime() - policy.windowMs) },
        },
      });
      if (fromAddress >= MAX_FAILURES_PER_ADDRESS) {
        await audit.record({
          ...auditBase0,
          userId: null,
          userEmail: email,
          outcome: 'DENIED',
          details: { reason: 'address-throttled' },
        });
        throw new DomainError(
          'RATE_LIMITED',
          `Too many failed sign-ins from ${meta.clientAddress}; try again in ${Math.round(policy.windowMs / 60000)} minutes`,
        );
      }
      const user = await prisma.user.findUnique({ where: { email } });
      const auditBase = {
        action: 'auth.login',
        entityType: 'User',
        clientAddress: meta.clientAddress,
        userAgent: meta.userAgent,
        at: now,
      };

      if (!user || !user.active) {
        await verifyPassword(password, await dummyHash(deps.bcryptCost));
        await audit.record({
          ...auditBase,
          userId: user?.id ?? null,
          userEmail: email,
          entityId: user?.id ?? null,
          outcome: 'FAILURE',
          details: { reason: user ? 'inactive' : 'unknown-email' },
        });
        throw new DomainError('UNAUTHENTICATED', INVALID);
      }
      const who = { userId: user.id, userEmail: user.email, userRole: user.role, entityId: user.id };

      if (user.lockedUntil && user.lockedUntil > now) {
        await audit.record({
          ...auditBase,
          ...who,
          outcome: 'DENIED',
          details: { reason: 'locked', lockedUntil: user.lockedUntil.toISOString() },
        });
        throw new DomainError(
          'RATE_LIMITED',
          `Account locked after repeated failed sign-ins; try again after ${user.lockedUntil.toISOString()}`,
        );
      }

      if (!(await verifyPassword(password, user.passwordHash))) {
        await audit.record({ ...auditBase, ...who, outcome: 'FAILURE', details: { reason: 'bad-password' } });
        const state = lockoutState(await recentFailures(user.id, user.lastLoginAt, now), now, policy);
        await prisma.user.update({
          where: { id: user.id },
          data: { failedLoginCount: { increment: 1 }, lockedUntil: state.locked ? state.retryAt! : null },
        });
        if (state.locked) {
          throw new DomainError(
            'RATE_LIMITED',
            `Account locked after ${policy.maxFailures} failed sign-ins; try again after ${state.retryAt!.toISOString()}`,
          );
        }
        throw new DomainError('UNAUTHENTICATED', INVALID);
      }

      // Success: revoke the session the browser came with (if any) and always issue a fresh one.
      if (meta.previousToken) {
        cache.forgetToken(hashToken(meta.previousToken));
        await prisma.session.updateMany({
          where: { tokenHash: hashToken(meta.previousToken), revokedAt: null },
          data: { revokedAt: now },
        });
      }
      const token = newToken();
      const csrfToken = newToken();
      const expiresAt = new Date(now.getTime() + deps.sessionTtlMs);
      const [session] = await prisma.$transaction([
        prisma.session.create({
          data: {
            tokenHash: hashToken(token),
            userId: user.id,
            csrfToken,
            createdAt: now,
            lastSeenAt: now,
            expiresAt,
            ipAddress: meta.clientAddress,
            userAgent: meta.userAgent?.slice(0, 500) ?? null,
          },
        }),
        prisma.user.update({
          where: { id: user.id },
          data: { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now },
        }),
      ]);
      await audit.record({ ...auditBase, ...who, outcome: 'SUCCESS', details: { sessionId: session.id } });
      return {
        token,
        session: { sessionId: session.id, user: view(user), csrfToken, expiresAt: expiresAt.toISOString() },
      };
    },

    async logout(actor: Actor): Promise<void> {
      cache.forgetSession(actor.sessionId);
      await prisma.session.updateMany({
        where: { id: actor.sessionId, revokedAt: null },
        data: { revokedAt: deps.now() },
      });
      cache.forgetSession(actor.sessionId);
      await audit.record({
        userId: actor.userId,
        userEmail: actor.email,
        userRole: actor.role,
        action: 'auth.logout',
        entityType: 'Session',
        entityId: actor.sessionId,
        clientAddress: actor.clientAddress,
      });
    },

    /** The session for a cookie token, or null when unknown, revoked, expired, idle too long or the user is disabled. */
    async resolveSession(token: string): Promise<SessionInfo | null> {
      if (!token || token.length > 200) return null;
      const now = deps.now();
      const tokenHash = hashToken(token);
      const hit = cache.get(tokenHash, now.getTime());
      if (hit) return hit;
      const s = await prisma.session.findUnique({ where: { tokenHash }, include: { user: true } });
      if (!s || s.revokedAt || s.expiresAt <= now || !s.user.active) return null;
      if (now.getTime() - s.lastSeenAt.getTime() > deps.sessionIdleMs) return null;
      // Touch at most once a minute to keep reads cheap.
      if (now.getTime() - s.lastSeenAt.getTime() > 60_000) {
        await prisma.session.update({ where: { id: s.id }, data: { lastSeenAt: now } });
      }
      const info = {
        sessionId: s.id,
        user: view(s.user),
        csrfToken: s.csrfToken,
        expiresAt: s.expiresAt.toISOString(),
      };
      cache.put(tokenHash, info, now.getTime(), s.expiresAt.getTime());
      return info;
    },

    /** Drops cached sessions of a user (call after disabling the account or changing its role). */
    forgetUser: (userId: string) => cache.forgetUser(userId),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/**
 * A short-lived in-process cache of resolved sessions (token hash → SessionInfo), so that a burst of requests with
 * one cookie costs one database lookup per `ttlMs` instead of one per request. Logout, a re-login that replaces the
 * presented session, and disabling a user drop the entries of this process at once; a change made by another API
 * process (node:cluster) or directly in the database takes effect within `ttlMs` (default 5 s; 0 disables). Expiry
 * is re-checked on every hit; the idle timeout (hours) is unaffected by a few seconds of caching.
 */
export function createSessionCache(ttlMs: number, maxEntries = 10_000) {
  const map = new Map<string, { info: SessionInfo; until: number; expiresAt: number }>();
  return {
    get(tokenHash: string, now: number): SessionInfo | null {
      const e = map.get(tokenHash);
      if (!e) return null;
      if (now >= e.until || now >= e.expiresAt || now < e.until - ttlMs) {
        map.delete(tokenHash);
        return null;
      }
      return e.info;
    },
    put(tokenHash: string, info: SessionInfo, now: number, expiresAt: number) {
      if (ttlMs <= 0) return;
      if (map.size >= maxEntries) map.clear();
      map.set(tokenHash, { info, until: now + ttlMs, expiresAt });
    },
    forgetToken(tokenHash: string) {
      map.delete(tokenHash);
    },
    forgetSession(sessionId: string) {
      for (const [k, e] of map) if (e.info.sessionId === sessionId) map.delete(k);
    },
    forgetUser(userId: string) {
      for (const [k, e] of map) if (e.info.user.id === userId) map.delete(k);
    },
  };
}
