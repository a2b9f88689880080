/**
 * tRPC glue for Hepatoscope — the one file that knows how procedures are built.
 *
 * 1. CONTEXT: what every procedure receives (`Context`): the services, the caller's session (or null) and a small,
 *    transport-neutral view of the HTTP request (`RequestInfo`; apps/api fills it from Node's req/res).
 * 2. INITIALISATION: `initTRPC` with `ProcedureMeta` (the roles a procedure allows, how it is audited) and an error
 *    formatter that never leaks internals.
 * 3. PROCEDURES: `publicProcedure` and `roleProcedure(...roles)`. Every procedure states its roles in `meta.roles`;
 *    one middleware enforces them, so the router test can walk `appRouter` and check every procedure × role.
 *
 * Middleware order for role procedures: map errors → guard (session → CSRF on mutations → role) → audit → NUL check
 * → input validation → handler.
 * @see https://trpc.io/docs/server/middlewares
 */
import { initTRPC, TRPCError } from '@trpc/server';
import type { Actor, Role, Services, SessionInfo } from '@hepatoscope/services';
import { isDomainError, safeEqual } from '@hepatoscope/services';
import { toTRPCError } from './errors';

// ───────────────────────────── 1. CONTEXT ─────────────────────────────

/** Transport-neutral request view. */
export interface RequestInfo {
  /** Value of the `hs_session` cookie, if any. */
  sessionToken: string | null;
  /** Value of the `x-hepatoscope-csrf` header, if any. */
  csrfHeader: string | null;
  /** Client address as seen by the server (socket address; proxies are not trusted). */
  clientAddress: string;
  userAgent: string | null;
  /** Sets the session cookie on the response (httpOnly, SameSite=Lax). */
  setSessionCookie(token: string, expiresAt: Date): void;
  /** Expires the session cookie. */
  clearSessionCookie(): void;
}

export interface Context {
  services: Services;
  req: RequestInfo;
  /** The caller's session, resolved from the cookie before any procedure runs; null when anonymous. */
  session: SessionInfo | null;
}

/** Resolve the session from the cookie and build the context (used by the HTTP adapter and by tests). */
export async function createContext(services: Services, req: RequestInfo): Promise<Context> {
  const session = req.sessionToken ? await services.auth.resolveSession(req.sessionToken) : null;
  return { services, req, session };
}

// ───────────────────────────── 2. INITIALISATION ─────────────────────────────

/** How a procedure is audited: which entity it reads/changes and where the record id comes from. */
export interface AuditSpec {
  action: string;
  entity: string;
  /** Record id(s) from the validated input and the result; null when the call concerns no single record. */
  id?: (input: unknown, output: unknown) => string | null;
  /** Extra non-identifying details (filters, counts). */
  details?: (input: unknown, output: unknown) => Record<string, unknown> | undefined;
}

export interface ProcedureMeta {
  /** Roles allowed to call the procedure, or 'public' (no session needed), or 'authenticated' (any role). */
  roles?: readonly Role[] | 'public' | 'authenticated';
  /** Present on every procedure that reads or changes patient data. */
  audit?: AuditSpec;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    isServer: true,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const zodIssues =
        error.code === 'BAD_REQUEST' &&
        cause &&
        'issues' in cause &&
        Array.isArray((cause as { issues: unknown }).issues)
          ? (cause as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues.map((i) => ({
              path: i.path.map(String).join('.'),
              message: i.message,
            }))
          : null;
      return {
        ...shape,
        message: error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal error' : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          /** Field errors when the input failed zod validation. */
          zodIssues,
          /** Machine-readable details from a DomainError (e.g. a CSV validation report). */
          details: isDomainError(cause) ? (cause.details ?? null) : null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

// ───────────────────────────── 3. PROCEDURES ─────────────────────────────

/** Maps DomainError (and anything unexpected) to a TRPCError: the single translation point. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});

/** The path of the first string or key holding U+0000 in `v`, or null. */
function nulPath(v: unknown, p: string, depth = 0): string | null {
  if (typeof v === 'string') return v.includes('\0') ? p || '(input)' : null;
  if (depth > 32 || !v || typeof v !== 'object') return null;
  for (const [k, x] of Object.entries(v)) {
    const here = p ? `${p}.${k}` : k;
    if (k.includes('\0')) return here;
    const r = nulPath(x, here, depth + 1);
    if (r) return r;
  }
  return null;
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000: a NUL anywhere in the input is refused here (BAD_REQUEST naming
 * where), instead of failing in the database driver as an internal error. Found by the tRPC fuzzer.
 */
const rejectNul = t.middleware(async ({ next, getRawInput }) => {
  const at = nulPath(await getRawInput().catch(() => undefined), '');
  if (at) throw new TRPCError({ code: 'BAD_REQUEST', message: `Input field ${at.replace(/\0/g, '\\0').slice(0, 120)} contains a NUL character (U+0000), which is not allowed` });
  return next();
});

/**
 * The access checks of every signed-in procedure, in this order (one middleware: each tRPC middleware level costs an
 * object spread and a closure per call):
 * 1. a session, else UNAUTHORIZED;
 * 2. CSRF (synchronizer token): a mutation authenticated by the session cookie must carry the session's CSRF token in
 *    header `x-hepatoscope-csrf`, else FORBIDDEN; queries are side-effect free and need none;
 * 3. `meta.roles`: a procedure without roles is refused (fail closed), a role outside them is FORBIDDEN.
 * Narrows `ctx.session` to non-null and adds `ctx.actor`.
 */
const guard = t.middleware(({ ctx, meta, path, type, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first: no valid session' });
  const s = ctx.session;
  if (type === 'mutation' && !safeEqual(ctx.req.csrfHeader, s.csrfToken)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'CSRF check failed: header x-hepatoscope-csrf is missing or does not match the session',
    });
  }
  const roles = meta?.roles;
  if (!roles) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `Procedure ${path} declares no roles` });
  if (roles !== 'public' && roles !== 'authenticated' && !roles.includes(s.user.role)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `Role ${s.user.role} may not call ${path} (allowed: ${roles.join(', ')})`,
    });
  }
  const actor: Actor = {
    userId: s.user.id,
    email: s.user.email,
    name: s.user.name,
    role: s.user.role,
    sessionId: s.sessionId,
    clientAddress: ctx.req.clientAddress,
  };
  return next({ ctx: { session: s, actor } });
});

/**
 * Audit: after a successful call of a procedure with `meta.audit`, append an AuditEvent (user, action, entity,
 * id, time, client address). A refused call (FORBIDDEN/NOT_FOUND) is recorded too, with outcome DENIED.
 */
const audit = t.middleware(async ({ ctx, meta, next, getRawInput }) => {
  const spec = meta?.audit;
  const result = await next();
  if (!spec || !ctx.session) return result;
  const raw = await getRawInput().catch(() => undefined);
  const base = {
    userId: ctx.session.user.id,
    userEmail: ctx.session.user.email,
    userRole: ctx.session.user.role,
    entityType: spec.entity,
    clientAddress: ctx.req.clientAddress,
    userAgent: ctx.req.userAgent,
  };
  if (result.ok) {
    await ctx.services.audit.record({
      ...base,
      action: spec.action,
      entityId: safeCall(() => spec.id?.(raw, result.data) ?? null),
      details: safeCall(() => spec.details?.(raw, result.data)) ?? undefined,
    });
  } else {
    const code = toTRPCError(result.error).code;
    if (code === 'FORBIDDEN' || code === 'NOT_FOUND') {
      await ctx.services.audit.record({
        ...base,
        action: spec.action,
        outcome: 'DENIED',
        entityId: safeCall(() => spec.id?.(raw, undefined) ?? null),
        details: { code, message: toTRPCError(result.error).message },
      });
    }
  }
  return result;
});

function safeCall<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

const base = t.procedure.use(mapErrors);

/** No session required (login, me, health-like reads). */
export const publicProcedure = base.meta({ roles: 'public' }).use(rejectNul);

/** Any signed-in user (CSRF enforced on mutations). */
export const authedProcedure = base.meta({ roles: 'authenticated' }).use(guard).use(audit).use(rejectNul);

/** Signed-in users with one of `roles` (CSRF enforced on mutations; audit when `meta.audit` is set). */
export function roleProcedure(...roles: Role[]) {
  return base.meta({ roles }).use(guard).use(audit).use(rejectNul);
}
