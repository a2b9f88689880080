/** HTTP helpers for tests of the API host over real sockets. */

/** A cookie session: the `hs_session=…` pair for a `cookie` header and the CSRF token for `x-hepatoscope-csrf`. */
export interface HttpSession {
  cookie: string;
  csrf: string;
}

/**
 * `POST <base>/api/trpc/auth.login` and the session it opened. Throws, with the status, when the login is refused
 * or answers without a session cookie.
 */
export async function httpLogin(base: string, email: string, password: string): Promise<HttpSession> {
  const r = await fetch(`${base}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await r.json()) as { result?: { data?: { csrfToken?: string } } };
  const cookie = r.headers
    .getSetCookie()
    .find((c) => c.startsWith('hs_session='))
    ?.split(';')[0];
  const csrf = body.result?.data?.csrfToken;
  if (!cookie || !csrf) throw new Error(`login of ${email} failed: HTTP ${r.status} ${JSON.stringify(body)}`);
  return { cookie, csrf };
}
