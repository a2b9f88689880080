import { NextResponse, type NextRequest } from 'next/server';

/**
 * Runtime proxy of `/api/*` to the API process.
 *
 * next.config.ts's `rewrites()` are resolved at BUILD time (the destination, with its port, is written into
 * .next/routes-manifest.json), so a portal built with API_PORT=3001 would keep calling 3001 even when started with
 * another API_PORT. This proxy reads API_PORT when each request arrives, so `next start` follows the environment
 * it runs in (npm start, e2e harness on free ports). It runs before the config rewrites, which stay as the
 * documented default for tools that read next.config only.
 */
export function proxy(request: NextRequest) {
  const port = process.env.API_PORT ?? '3001';
  const { pathname, search } = request.nextUrl;
  return NextResponse.rewrite(new URL(`http://127.0.0.1:${port}${pathname}${search}`));
}

export const config = { matcher: '/api/:path*' };
