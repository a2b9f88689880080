#!/usr/bin/env node
/**
 * Prepares node_modules/.cache/hepatoscope/pglite-<version>-empty.tar.gz: the data directory of a freshly
 * initialised PGlite (initdb), as a gzip tar (`pglite.dumpDataDir`). @hepatoscope/db restores it on a first start
 * instead of running initdb again (seconds instead of tens of seconds on a slow machine); tests clone it too.
 * Run by tools/postinstall.mjs; safe to run again (skips when present). Never required: without it PGlite
 * simply runs initdb.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

function pgliteVersion() {
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  for (let i = 0; i < 4; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      const json = JSON.parse(fs.readFileSync(pkg, 'utf8'));
      if (json.name === '@electric-sql/pglite') return json.version;
    }
    dir = path.dirname(dir);
  }
  throw new Error('cannot find the @electric-sql/pglite version');
}

const cacheDir = path.join(root, 'node_modules/.cache/hepatoscope');
const file = path.join(cacheDir, `pglite-${pgliteVersion()}-empty.tar.gz`);
if (fs.existsSync(file)) {
  console.log(`[pglite-template] present: ${path.relative(root, file)}`);
  process.exit(0);
}
const t0 = Date.now();
const { PGlite } = await import('@electric-sql/pglite');
const pg = await PGlite.create('memory://');
await pg.query('SELECT 1');
const blob = await pg.dumpDataDir('gzip');
await pg.close();
fs.mkdirSync(cacheDir, { recursive: true });
const tmp = `${file}.${process.pid}`;
fs.writeFileSync(tmp, new Uint8Array(await blob.arrayBuffer()));
fs.renameSync(tmp, file);
console.log(`[pglite-template] ${path.relative(root, file)} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB) in ${Date.now() - t0} ms`);
process.exit(0);
