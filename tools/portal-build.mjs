#!/usr/bin/env node
// Builds the portal (`next build`) only when its build is missing or older than its sources.
// Used by `npm ci` (postinstall, so the first `npm start` serves at once) and by `npm start`.
// Run directly: `node tools/portal-build.mjs` (exit code of next build).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const portalDir = path.join(root, 'apps/portal');
const stampFile = path.join(portalDir, '.next/hepatoscope-source-hash');

/** Hash of the portal's sources (paths, sizes, mtimes) and the lockfile. */
export function portalSourceHash() {
  const h = createHash('sha256');
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      // next-env.d.ts is written by next build itself, *.tsbuildinfo by tsc --incremental (typecheck): not sources
      if (e.name === 'node_modules' || e.name === '.next' || e.name === 'next-env.d.ts' || e.name.endsWith('.tsbuildinfo')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const rel = path.relative(root, p);
        // next build may rewrite tsconfig.json (same content): hash its content, not its mtime
        if (rel === path.join('apps', 'portal', 'tsconfig.json')) h.update(`${rel}:${fs.readFileSync(p)}\n`);
        else {
          const st = fs.statSync(p);
          h.update(`${rel}:${st.size}:${st.mtimeMs}\n`);
        }
      }
    }
  };
  for (const d of ['apps/portal', 'libs/ui/src', 'libs/domain/src', 'libs/stats/src']) walk(path.join(root, d));
  h.update(fs.readFileSync(path.join(root, 'package-lock.json')));
  return h.digest('hex');
}

export function portalBuildIsCurrent() {
  return (
    fs.existsSync(path.join(portalDir, '.next/BUILD_ID')) &&
    fs.existsSync(stampFile) &&
    fs.readFileSync(stampFile, 'utf8') === portalSourceHash()
  );
}

/**
 * Runs `next build` unless the build is current. `onLine` receives each output line.
 * Resolves to 'current' or 'built'; rejects with the exit code when the build fails.
 */
export async function buildPortalIfNeeded(onLine = (l) => console.log(l)) {
  if (portalBuildIsCurrent()) return 'current';
  // hashed before the build: a source edited while next build runs must make the next check rebuild
  const sourceHash = portalSourceHash();
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  const child = spawn(process.execPath, [nextBin, 'build'], {
    cwd: portalDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [child.stdout, child.stderr])
    s.on('data', (buf) => buf.toString().split('\n').filter((l) => l.trim()).forEach(onLine));
  const code = await new Promise((res) => child.on('exit', res));
  if (code !== 0) throw new Error(`the portal build (next build) failed with exit code ${code}`);
  fs.writeFileSync(stampFile, sourceHash);
  return 'built';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  buildPortalIfNeeded((l) => console.log(`[portal-build] ${l}`)).then(
    (r) => console.log(`[portal-build] ${r === 'current' ? 'up to date' : `built in ${((Date.now() - t0) / 1000).toFixed(1)} s`}`),
    (e) => {
      console.error(`[portal-build] ${e.message}`);
      process.exit(1);
    },
  );
}
