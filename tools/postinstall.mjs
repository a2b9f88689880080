#!/usr/bin/env node
/**
 * Runs after `npm ci` / `npm install`: generates the Prisma client (libs/db/src/generated/prisma, gitignored)
 * from prisma/schema.prisma, fully offline.
 *
 * `prisma generate` itself is pure TypeScript/wasm, but the Prisma 7 CLI first tries to download the native
 * schema engine from binaries.prisma.sh and fails offline. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing
 * file stops that (the engine is never executed by `generate`). Migrations never need it either: see
 * libs/db/src/migrations.ts (apply) and tools/db/create-migration.mjs (create, via @prisma/schema-engine-wasm).
 *
 * Then (best effort, skip with HEPATOSCOPE_SKIP_PGLITE_TEMPLATE=1) tools/db/pglite-template.mjs caches an
 * initialised empty PGlite directory in node_modules/.cache/hepatoscope for fast first starts and tests,
 * and (skip with HEPATOSCOPE_SKIP_PORTAL_BUILD=1) tools/portal-build.mjs builds the portal.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schema = path.join(root, 'prisma/schema.prisma');
const cli = path.join(root, 'node_modules/prisma/build/index.js');

if (!fs.existsSync(schema) || !fs.existsSync(cli)) {
  console.log('[postinstall] prisma schema or CLI not present; skipping client generation');
  process.exit(0);
}

let engine = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
if (!engine || !fs.existsSync(engine)) {
  const dir = path.join(os.tmpdir(), 'hepatoscope-prisma');
  fs.mkdirSync(dir, { recursive: true });
  engine = path.join(dir, 'schema-engine-placeholder');
  if (!fs.existsSync(engine)) fs.writeFileSync(engine, '#!/bin/sh\necho "placeholder: Hepatoscope does not use the native schema engine" >&2\nexit 1\n', { mode: 0o755 });
}

const t0 = Date.now();
const res = spawnSync(process.execPath, [cli, 'generate', '--schema', schema], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: engine,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    PRISMA_GENERATE_SKIP_AUTOINSTALL: '1',
  },
});
if (res.status !== 0) {
  process.stderr.write(res.stdout + res.stderr);
  console.error('[postinstall] prisma generate failed: the database client is missing. Run `node tools/postinstall.mjs` again after fixing the error above.');
  process.exit(res.status ?? 1);
}
console.log(`[postinstall] Prisma client generated in ${Date.now() - t0} ms (libs/db/src/generated/prisma)`);

// Best effort: a pre-initialised empty PGlite directory, so the first `npm start` and the tests skip initdb.
if (process.env.HEPATOSCOPE_SKIP_PGLITE_TEMPLATE !== '1') {
  const tpl = spawnSync(process.execPath, [path.join(root, 'tools/db/pglite-template.mjs')], { cwd: root, stdio: 'inherit' });
  if (tpl.status !== 0) console.warn('[postinstall] PGlite template not prepared (optional; the first start will run initdb instead)');
}

// Build the portal now, so the first `npm start` serves at once (skip with HEPATOSCOPE_SKIP_PORTAL_BUILD=1).
// Not fatal: `npm start` builds it again and shows the error if this fails.
if (process.env.HEPATOSCOPE_SKIP_PORTAL_BUILD !== '1' && fs.existsSync(path.join(root, 'node_modules/next'))) {
  const pb = spawnSync(process.execPath, [path.join(root, 'tools/portal-build.mjs')], { cwd: root, stdio: 'inherit' });
  if (pb.status !== 0) console.warn('[postinstall] the portal was not built; `npm start` will build it and show why it failed');
}
