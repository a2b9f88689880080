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
const FORMAT = 1; // bump when the bundle layout changes

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

module.exports = { bundleFor, fresh, BUNDLED_COMMANDS, FORMAT };
