#!/usr/bin/env node
// `npm start`: the whole platform on one machine.
//
// 1. starts the API (apps/api, run with tsx): it applies migrations, seeds the demo on first start and,
//    on the embedded PGlite database, hosts the job worker in the same process (PGlite is single-process);
// 2. meanwhile builds the portal when its build is missing or older than its sources (npm ci already
//    built it: see tools/portal-build.mjs), then `next start`;
// 3. waits until the API answers, then the portal, and /api/health through it, then prints the URL and the
//    demo logins (the API prints them once the seed is in). Ctrl-C stops everything.
//
// Environment: PORT (portal, default 3000), API_PORT (default 3001), HEPATOSCOPE_DATA_DIR, DATABASE_URL.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPortalIfNeeded, portalBuildIsCurrent } from './portal-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PORT = Number(process.env.PORT ?? 3000);
const API_PORT = Number(process.env.API_PORT ?? 3001);
const env = { ...process.env, PORT: String(PORT), API_PORT: String(API_PORT), NEXT_TELEMETRY_DISABLED: '1' };
const t0 = Date.now();
const children = [];
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

function log(msg) {
  console.log(`[start ${since()}] ${msg}`);
}

function run(name, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.push(child);
  const prefix = (stream, out) =>
    stream.on('data', (buf) => {
      // lines that already carry a [tag] (the API and worker tag their own) are passed through as they are
      for (const line of buf.toString().split('\n'))
        if (line.trim()) out.write(line.startsWith('[') ? `${line}\n` : `[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  return child;
}

function stopAll(code) {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function waitFor(url, ms, isOk = (r) => r.ok) {
  const deadline = Date.now() + ms;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (isOk(r)) return r;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s (last: ${last})`);
}

async function ensurePortalBuild() {
  if (portalBuildIsCurrent()) return log('portal build is up to date');
  log('building the portal (next build; about a minute on 2 cores, only when its sources changed since `npm ci`)');
  await buildPortalIfNeeded((line) => process.stdout.write(`[portal-build] ${line}\n`));
  log('portal built');
}

async function main() {
  if (!fs.existsSync(path.join(root, 'node_modules'))) {
    console.error('Dependencies are missing: run `npm ci` first.');
    process.exit(1);
  }
  const tsxCli = path.join(root, 'node_modules/tsx/dist/cli.mjs');
  const api = run('api', process.execPath, [tsxCli, 'apps/api/src/main.ts']);
  api.on('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.error(`[start] the API exited with code ${code}; stopping.`);
      stopAll(code);
    }
  });

  await ensurePortalBuild();
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  const portal = run('portal', process.execPath, [nextBin, 'start', '-p', String(PORT)], {
    cwd: path.join(root, 'apps/portal'),
  });
  portal.on('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.error(`[start] the portal exited with code ${code}; stopping.`);
      stopAll(code ?? 1);
    }
  });

  const base = `http://localhost:${PORT}`;
  // the API directly first: asking through the portal while the API still seeds makes the portal's proxy log a
  // connection error per try
  await waitFor(`http://127.0.0.1:${API_PORT}/api/health`, 180_000);
  await waitFor(`${base}/login`, 120_000, (r) => r.status < 500);
  const health = await (await waitFor(`${base}/api/health`, 180_000)).json();
  log(`ready: portal ${base}  (health: ${JSON.stringify(health)})`);
  console.log(`\nHepatoscope is running at ${base}  (Ctrl-C to stop)\n`);
}

main().catch((err) => {
  console.error(`[start] ${err.message}`);
  stopAll(1);
});
