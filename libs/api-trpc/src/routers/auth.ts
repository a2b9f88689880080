import { authedProcedure, publicProcedure, router } from '../trpc';
import { loginInput } from '../inputs';

/**
 * Sign-in. `login` issues a NEW session id every time (no fixation) and returns the CSRF token that the client
 * sends back in `x-hepatoscope-csrf` on mutations. Login itself needs no CSRF token (there is no session yet);
 * the API host additionally rejects cross-origin POSTs by their Origin header.
 */
export const authRouter = router({
  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const { token, session } = await ctx.services.auth.login(input.email, input.password, {
      clientAddress: ctx.req.clientAddress,
      userAgent: ctx.req.userAgent,
      previousToken: ctx.req.sessionToken,
    });
    ctx.req.setSessionCookie(token, new Date(session.expiresAt));
    return { user: session.user, csrfToken: session.csrfToken };
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.auth.logout(ctx.actor);
    ctx.req.clearSessionCookie();
    return { ok: true as const };
  }),

  me: publicProcedure.query(({ ctx }) =>
    ctx.session ? { user: ctx.session.user, csrfToken: ctx.session.csrfToken } : null,
  ),
});
