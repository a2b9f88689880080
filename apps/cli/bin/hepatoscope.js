#!/usr/bin/env node
// Entry point of the `hepatoscope` command. Pure commands (extract, delta) run in this process from a bundle that
// bin/bundle.js builds and caches on first use (no tsx start-up, no per-module transpiling: a one-case extraction
// starts several times faster; with a V8 code cache beside the bundle, nothing is parsed or compiled to bytecode
// again); the other commands, or HEPATOSCOPE_CLI_TSX=1, run the TypeScript through tsx.
'use strict';
const path = require('node:path');
const { bundleFor, loadBundle, BUNDLED_COMMANDS } = require('./bundle');

function viaTsx() {
  const { spawnSync } = require('node:child_process');
  const tsxCli = require.resolve('tsx/cli');
  const main = path.join(__dirname, '..', 'src', 'main.ts');
  const r = spawnSync(process.execPath, [tsxCli, main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}

if (!BUNDLED_COMMANDS.includes(process.argv[2])) viaTsx();
else
  bundleFor(process.argv[2]).then((bundle) => {
    if (!bundle) return viaTsx();
    // `extract --jobs N` starts its worker processes through this same entry
    globalThis.__hepatoscopeCliEntry = [path.join(__dirname, 'hepatoscope.js')];
    if (process.env.HEPATOSCOPE_V8_FLAGS) require('node:v8').setFlagsFromString(process.env.HEPATOSCOPE_V8_FLAGS);
    const loaded = loadBundle(bundle);
    // V8 code cache: written after the first successful extract (then it holds the bytecode of everything an
    // extraction runs); not with experimental V8 flags, whose cache other runs would reject
    if (process.argv[2] === 'extract' && !loaded.cacheUsed && !process.env.HEPATOSCOPE_V8_FLAGS) {
      process.on('exit', (code) => {
        if (code === 0) loaded.saveCodeCache();
      });
    }
    loaded.exports.run(process.argv.slice(2));
  });
