import type { NextConfig } from 'next';

/**
 * Portal build/runtime configuration.
 * - `/api/*` is proxied to the API process (tRPC, file downloads, health), so the browser only ever talks to the
 *   portal's origin: the session cookie stays first-party and CSRF checks can rely on same-origin requests.
 * - Security headers: a CSP that still allows what cornerstone3D needs — `blob:` workers and images, `wasm-unsafe-eval`
 *   for the codec WebAssembly, WebGL (no CSP directive needed) and `data:`/`blob:` for chart PNG export.
 *   Next's runtime needs inline scripts for its flight data ('unsafe-inline' in script-src; no nonce plumbing here).
 * - cornerstone's dicom-image-loader codecs reference `fs` in their emscripten glue: aliased to an empty module.
 */
process.env.NEXT_TELEMETRY_DISABLED = '1';

const apiPort = process.env.API_PORT ?? '3001';
const dev = process.env.NODE_ENV !== 'production';

const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  `connect-src 'self' blob: data:${dev ? ' ws: wss:' : ''}`,
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: csp },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@hepatoscope/ui', '@hepatoscope/domain', '@hepatoscope/stats'],
  async rewrites() {
    return [{ source: '/api/:path*', destination: `http://127.0.0.1:${apiPort}/api/:path*` }];
  },
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
  turbopack: {
    resolveAlias: { fs: { browser: './src/empty.ts' } },
  },
  webpack: (cfg, { isServer }) => {
    if (!isServer) cfg.resolve.fallback = { ...cfg.resolve.fallback, fs: false, path: false };
    return cfg;
  },
};

export default config;
