// Prebuilt bundle of the CLI's pure commands (no build step for users): the first run builds it with esbuild
// (~0.3 s) into node_modules/.cache/hepatoscope-cli/, later runs load it directly instead of starting tsx, which
// transpiles and loads every module of the workspace at start (about 1 s of CPU on this machine class).
// The bundle is rebuilt whenever one of its input files changed (mtimes recorded from esbuild's metafile).
//
// Only commands whose code is bundle-safe are bundled: they and their libraries neither read files next to their
// sources (`__dirname`) nor load native or heavy packages (those stay external). Everything else runs through tsx.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

/** Commands served from the bundle (pure TypeScript: radiomics, imaging-io). */
const BUNDLED_COMMANDS = ['extract', 'delta'];
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SRC = path.join(__dirname, '..', 'src');
const FORMAT = 2; // bump when the bundle layout changes (2: no dynamic import(), run through loadBundle)

function cacheDir() {
  const preferred = path.join(ROOT, 'node_modules', '.cache', 'hepatoscope-cli');
  try {
    fs.mkdirSync(preferred, { recursive: true });
    fs.accessSync(preferred, fs.constants.W_OK);
    return preferred;
  } catch {
    const alt = path.join(os.tmpdir(), `hepatoscope-cli-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
    fs.mkdirSync(alt, { recursive: true });
    return alt;
  }
}

/** True when the manifest's inputs all still have their recorded mtimes (and the same Node and format). */
function fresh(manifestPath) {
  let m;
  try {
    m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    return false;
  }
  if (m.format !== FORMAT || m.node !== process.version || m.commands.join() !== BUNDLED_COMMANDS.join()) return false;
  for (const [file, mtime] of Object.entries(m.inputs)) {
    try {
      if (fs.statSync(file).mtimeMs !== mtime) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function build(outFile, manifestPath) {
  // esbuild comes with tsx (its transpiler); resolved from there so that no extra dependency is needed
  const esbuild = require(require.resolve('esbuild', { paths: [path.dirname(require.resolve('tsx/package.json'))] }));
  const registry = {
    name: 'hepatoscope-bundled-registry',
    setup(b) {
      // main.ts's command discovery (readdir of src/commands) becomes a static list of the bundled commands
      b.onResolve({ filter: /^\.\/registry$/ }, (a) => (path.resolve(a.importer) === path.join(SRC, 'main.ts') ? { path: 'registry', namespace: 'hs-registry' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'hs-registry' }, () => ({
        contents:
          BUNDLED_COMMANDS.map((c, i) => `import c${i} from ${JSON.stringify(path.join(SRC, 'commands', `${c}.ts`))};`).join('\n') +
          `\nexport function loadCommands() { return new Map([${BUNDLED_COMMANDS.map((_, i) => `[c${i}.name, c${i}]`).join(', ')}]); }\n`,
        loader: 'js',
        resolveDir: SRC,
      }));
      // workspace libraries and zod are bundled (zod from node_modules loads ~90 CommonJS modules, one per locale:
      // slower than one bundle); every other package stays external (loaded from node_modules as usual)
      b.onResolve({ filter: /^[^./]/ }, (a) => (/^(@hepatoscope\/|zod(\/|$))/.test(a.path) || a.namespace === 'hs-registry' ? undefined : { path: a.path, external: true }));
    },
  };
  const entry = [
    `import { main } from ${JSON.stringify(path.join(SRC, 'main.ts'))};`,
    `import { CliError } from ${JSON.stringify(path.join(SRC, 'command.ts'))};`,
    'export function run(argv) {',
    '  return main(argv).then((code) => process.exit(code), (err) => {',
    '    if (err instanceof CliError) { console.error(`hepatoscope: ${err.message}`); process.exit(err.exitCode); }',
    '    console.error(err); process.exit(1);',
    '  });',
    '}',
  ].join('\n');
  const r = await esbuild.build({
    stdin: { contents: entry, resolveDir: SRC, sourcefile: 'bundle-entry.ts', loader: 'ts' },
    // metafile input paths are relative to this directory (not to the caller's cwd, e.g. apps/cli under jest)
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    mainFields: ['module', 'main'],
    conditions: ['import'],
    target: `node${process.versions.node.split('.')[0]}`,
    outfile: outFile,
    write: false,
    metafile: true,
    plugins: [registry],
    // `await import('node:fs')` becomes require(): the bundle runs as a vm.Script (code cache, loadBundle), which
    // has no dynamic-import hook
    supported: { 'dynamic-import': false },
    logLevel: 'silent',
    sourcemap: false,
  });
  const inputs = {};
  for (const f of Object.keys(r.metafile.inputs)) {
    if (f.startsWith('hs-registry:') || f.endsWith('bundle-entry.ts')) continue;
    const abs = path.resolve(ROOT, f.replace(/^[a-z-]+:/, ''));
    inputs[abs] = fs.statSync(abs).mtimeMs;
  }
  // the command directory (a bundled command file added or removed) and this builder
  for (const f of [path.join(__dirname, 'bundle.js'), path.join(SRC, 'commands')]) inputs[f] = fs.statSync(f).mtimeMs;
  // written under temporary names, then renamed: concurrent processes see the old or the new bundle, never half of one
  const tmp = `${outFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, r.outputFiles[0].contents);
  removeCodeCaches(outFile); // a code cache is only valid for the bundle it was made from
  fs.renameSync(tmp, outFile);
  const mtmp = `${manifestPath}.${process.pid}.tmp`;
  fs.writeFileSync(mtmp, JSON.stringify({ format: FORMAT, node: process.version, commands: BUNDLED_COMMANDS, inputs }));
  fs.renameSync(mtmp, manifestPath);
}

/**
 * Resolves to the path of an up-to-date bundle serving `command`, building it when needed; null when the command is not bundled,
 * when HEPATOSCOPE_CLI_TSX=1, or when building fails (the caller then runs through tsx).
 */
async function bundleFor(command) {
  if (!BUNDLED_COMMANDS.includes(command) || process.env.HEPATOSCOPE_CLI_TSX === '1') return null;
  try {
    const dir = cacheDir();
    const outFile = path.join(dir, 'cli.cjs');
    const manifest = path.join(dir, 'cli.manifest.json');
    if (!fs.existsSync(outFile) || !fresh(manifest)) await build(outFile, manifest);
    return outFile;
  } catch (e) {
    if (process.env.HEPATOSCOPE_CLI_DEBUG) console.error('hepatoscope: bundle unavailable, using tsx:', e);
    return null;
  }
}

/**
 * Name of the V8 code cache of `bundle`: tied to the bundle's size and mtime (V8 itself only checks the source
 * length, V8 version and flags, so a rebuilt bundle of the same length must not find the old cache).
 */
function codeCachePath(bundle, st = fs.statSync(bundle)) {
  return `${bundle}.${st.size}-${Math.round(st.mtimeMs)}.v8cache`;
}

/** Removes every code cache made for `bundle` (any version). */
function removeCodeCaches(bundle) {
  const dir = path.dirname(bundle), base = `${path.basename(bundle)}.`;
  for (const f of fs.readdirSync(dir)) if (f.startsWith(base) && f.endsWith('.v8cache')) fs.rmSync(path.join(dir, f), { force: true });
}

/**
 * Loads the bundle as CommonJS through vm.Script with V8's code cache (bytecode of every function a previous run
 * compiled), so a run neither parses the 1.3 MB bundle nor compiles the functions it calls; without a usable cache it
 * compiles as `require` would. Returns the module's exports and `saveCodeCache()`, which writes the cache (atomically)
 * when there was none or V8 rejected it: call it after a full run, when the functions that run has used are compiled.
 * `codeCache: false` (or HEPATOSCOPE_CLI_CODE_CACHE=0) neither reads nor writes the cache.
 */
function loadBundle(file, { codeCache = process.env.HEPATOSCOPE_CLI_CODE_CACHE !== '0' } = {}) {
  const vm = require('node:vm');
  const Module = require('node:module');
  // source and its size/mtime from one open file (a concurrent rebuild renames a new file into place)
  const fd = fs.openSync(file, 'r');
  let source, cacheFile;
  try {
    cacheFile = codeCachePath(file, fs.fstatSync(fd));
    source = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  let cachedData;
  try {
    cachedData = codeCache ? fs.readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  mod.loaded = true;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: mod.exports,
    cacheUsed: !stale,
    saveCodeCache() {
      if (!stale || !codeCache) return false;
      try {
        removeCodeCaches(file);
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
        return true;
      } catch {
        return false; // a read-only cache folder: run without a code cache
      }
    },
  };
}

module.exports = { bundleFor, fresh, loadBundle, codeCachePath, BUNDLED_COMMANDS, FORMAT };
