#!/usr/bin/env node
// Entry point of the `hepatoscope` command: runs the TypeScript CLI through tsx (no build step).
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const tsxCli = require.resolve('tsx/cli');
const main = path.join(__dirname, '..', 'src', 'main.ts');
const r = spawnSync(process.execPath, [tsxCli, main, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
