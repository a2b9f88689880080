import type { IncomingMessage, ServerResponse } from 'node:http';

export const SESSION_COOKIE = 'hs_session';
export const CSRF_HEADER = 'x-hepatoscope-csrf';

/** Value of one cookie from the Cookie header (first occurrence), or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(v);
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * Set-Cookie value for the session: HttpOnly (no script access), SameSite=Lax (not sent on cross-site
 * sub-requests or POSTs), Path=/, and Secure when the request arrived over HTTPS.
 */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}; Expires=${expiresAt.toUTCString()}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${secure ? '; Secure' : ''}`;
}

/** Appends a Set-Cookie header without dropping ones already set. */
export function appendSetCookie(res: ServerResponse, cookie: string): void {
  const prev = res.getHeader('Set-Cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  res.setHeader('Set-Cookie', [...list, cookie]);
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Client address for the audit trail. The socket address is authoritative; `X-Forwarded-For` is trusted only
 * when the direct peer is loopback (the portal's /api rewrite on the same machine), and then its first entry is used.
 */
export function clientAddress(req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (LOOPBACK.has(peer)) {
    const xff = req.headers['x-forwarded-for'];
    const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
    if (first && /^[0-9a-fA-F.:]{2,45}$/.test(first)) return first;
  }
  return peer;
}

export function isHttps(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  const peer = req.socket.remoteAddress ?? '';
  return (
    LOOPBACK.has(peer) &&
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      ?.trim() === 'https'
  );
}

/**
 * Security headers on every response. The API only serves JSON and binary files, so the CSP forbids everything
 * (`default-src 'none'`) and framing is denied. HSTS is left to the TLS terminator in front of the portal.
 */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  res.setHeader('X-Permitted-Cross-Domain-Policies', 'none');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/**
 * Origin check for state-changing requests (defence in depth next to SameSite cookies and the CSRF token, and
 * the only guard for `auth.login`, which has no session yet): a request with an `Origin` header must come from the
 * API's own host, the host the portal forwarded (`X-Forwarded-Host` from a loopback peer), or an allowed origin.
 */
export function originAllowed(req: IncomingMessage, allowedOrigins: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // non-browser clients and same-origin GET navigations
  if (origin === 'null') return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (allowedOrigins.has(origin)) return true;
  if (host === req.headers.host) return true;
  const peer = req.socket.remoteAddress ?? '';
  const fwd = String(req.headers['x-forwarded-host'] ?? '')
    .split(',')[0]
    ?.trim();
  return LOOPBACK.has(peer) && !!fwd && host === fwd;
}
