/**
 * E2E harness: starts the real API (tsx apps/api/src/main.ts, temp HEPATOSCOPE_DATA_DIR, free API_PORT) and the
 * built portal (`next start`, free PORT), waits for both, and drives Debian's chromium through playwright-core.
 *
 * Env: E2E_BASE_URL=<portal url> runs against an already running stack instead; CHROMIUM_PATH (default /usr/bin/chromium), E2E_KEEP_DATA=1 keeps the temp data dir, E2E_DATA_DIR=<dir> uses
 * (and keeps) that data dir instead — a second run then skips the demo seed; E2E_BUILD=1 forces `next build` first
 * (otherwise it builds only when apps/portal/.next/BUILD_ID is missing).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { decodePng, pixelStats, colourShare } from './png.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const portalDir = path.join(root, 'apps/portal');
export const screenshotDir = path.join(root, 'apps/portal-e2e/screenshots');
export const DEMO_PASSWORD = process.env.HEPATOSCOPE_DEMO_PASSWORD ?? 'hepatoscope-demo';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Polls `url` until `ok(response)` or the timeout; throws with the last error. `alive()` false aborts early. */
export async function waitFor(url, timeoutMs, ok = (r) => r.ok, alive = () => true, what = url) {
  const t0 = Date.now();
  let last = 'no answer';
  while (Date.now() - t0 < timeoutMs) {
    if (!alive()) throw new Error(`${what}: the process exited before answering (${last})`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (ok(r)) return r;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms (${last})`);
}

function tail(file, n = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}

/** Builds the portal when there is no build yet (or E2E_BUILD=1). */
export function ensurePortalBuild() {
  if (process.env.E2E_BUILD !== '1' && fs.existsSync(path.join(portalDir, '.next/BUILD_ID'))) return;
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: portalDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
}

/**
 * Starts API + portal. Returns { baseUrl, apiUrl, dataDir, logins, stop() }.
 * `logins` maps role → e-mail, read from the API's "demo logins" lines.
 */
export async function startStack() {
  if (process.env.E2E_BASE_URL) {
    // an already running stack (development): demo logins of the standard seed
    const domain = process.env.E2E_DEMO_DOMAIN ?? 'demo.hepatoscope.org';
    return {
      baseUrl: process.env.E2E_BASE_URL.replace(/\/$/, ''),
      logins: { CLINICIAN: `clinician@${domain}`, TUMOR_BOARD: `board@${domain}`, ADMIN: `admin@${domain}` },
      stop: async () => {},
    };
  }
  ensurePortalBuild();
  const keep = process.env.E2E_KEEP_DATA === '1' || !!process.env.E2E_DATA_DIR;
  const dataDir = process.env.E2E_DATA_DIR ? path.resolve(process.env.E2E_DATA_DIR) : fs.mkdtempSync(path.join(os.tmpdir(), 'hs-e2e-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const apiPort = await freePort();
  const portalPort = await freePort();
  const env = {
    ...process.env,
    HEPATOSCOPE_DATA_DIR: dataDir,
    API_PORT: String(apiPort),
    PORT: String(portalPort),
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
  };
  delete env.DATABASE_URL; // always the embedded database in a temp dir
  const apiLog = path.join(dataDir, 'api.log');
  const portalLog = path.join(dataDir, 'portal.log');
  const procs = [];
  const spawnLogged = (cmd, args, opts, logFile) => {
    const out = fs.openSync(logFile, 'a');
    const p = spawn(cmd, args, { ...opts, env, detached: true, stdio: ['ignore', out, out] });
    procs.push(p);
    return p;
  };
  const api = spawnLogged(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'apps/api/src/main.ts'], { cwd: root }, apiLog);
  const portal = spawnLogged(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(portalPort), '-H', '127.0.0.1'], { cwd: portalDir }, portalLog);

  const stop = async () => {
    for (const p of procs) {
      if (p.exitCode === null) {
        try {
          process.kill(-p.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
    }
    await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => { p.once('exit', r); setTimeout(r, 15000); }) : null)));
    for (const p of procs) if (p.exitCode === null) try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const baseUrl = `http://127.0.0.1:${portalPort}`;
    await waitFor(`${apiUrl}/api/health`, 900_000, (r) => r.ok, () => api.exitCode === null, 'API');
    await waitFor(`${baseUrl}/login`, 120_000, (r) => r.status < 500, () => portal.exitCode === null, 'portal');
    await waitFor(`${baseUrl}/api/health`, 30_000, (r) => r.ok, () => true, 'portal → API proxy');
    const logins = {};
    for (const m of fs.readFileSync(apiLog, 'utf8').matchAll(/\[api\]\s+(CLINICIAN|TUMOR_BOARD|ADMIN)\s+(\S+@\S+)/g)) logins[m[1]] ??= m[2];
    for (const r of ['CLINICIAN', 'TUMOR_BOARD', 'ADMIN']) if (!logins[r]) throw new Error(`no demo login for ${r} in the API log`);
    return { baseUrl, apiUrl, dataDir, logins, apiLog, portalLog, stop };
  } catch (e) {
    const msg = `${e.message}\n--- api.log ---\n${tail(apiLog)}\n--- portal.log ---\n${tail(portalLog)}`;
    await stop();
    throw new Error(msg);
  }
}

/** Headless Debian chromium (WebGL through SwiftShader). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** New page (1600×1000) that records console errors and failed requests in `page.problems`. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) page.problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  return page;
}

/** Signs in through the login form and waits for the role's landing page. */
export async function login(page, baseUrl, email, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=current-user]', { timeout: 30_000 });
}

/** Saves a full-page screenshot under apps/portal-e2e/screenshots/<name>.png. */
export async function shot(page, name) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** tRPC query from inside the signed-in page (same origin, session cookie). */
export async function trpcQuery(page, proc, input) {
  return page.evaluate(
    async ({ proc, input }) => {
      const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      const r = await fetch(`/api/trpc/${proc}${q}`, { credentials: 'same-origin' });
      const j = await r.json();
      if (!r.ok) throw new Error(`${proc}: ${JSON.stringify(j.error ?? j)}`);
      return j.result.data;
    },
    { proc, input },
  );
}

/** Finds a patient with imaging (studyCount > 0) visible to the signed-in user. */
export async function findPatientWithImaging(page, accept = () => true) {
  for (let p = 1; p < 50; p++) {
    const res = await trpcQuery(page, 'patients.list', { page: p, pageSize: 200 });
    const hit = res.items.find((x) => x.studyCount > 0 && accept(x));
    if (hit) return hit;
    if (p * 200 >= res.total) break;
  }
  return null;
}

/** Pixel statistics of each viewer viewport (element screenshots, decoded). */
export async function viewportStats(page) {
  const vps = await page.$$('[data-testid=viewer] .hs-viewport');
  const out = [];
  for (const vp of vps) {
    const phase = await vp.getAttribute('data-phase');
    const el = await vp.$('.hs-viewport-el');
    const img = decodePng(await el.screenshot());
    out.push({ phase, ...pixelStats(img), colour: colourShare(img) });
  }
  return out;
}
