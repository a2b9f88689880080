import fs from 'node:fs';
import path from 'node:path';

/** Installed @electric-sql/pglite version (its package.json is not exported, so it is read from disk). */
export function pgliteVersion(): string {
  try {
    let dir = path.dirname(require.resolve('@electric-sql/pglite'));
    for (let i = 0; i < 4; i++) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg)) {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (json.name === '@electric-sql/pglite' && json.version) return json.version;
      }
      dir = path.dirname(dir);
    }
  } catch {
    /* fall through */
  }
  return 'unknown';
}

/** Repository-local cache folder (`node_modules/.cache/hepatoscope`), rebuilt by every `npm ci`. */
export const CACHE_DIR = path.resolve(__dirname, '../../../node_modules/.cache/hepatoscope');

/**
 * Path of the pre-initialised empty PGlite data directory (gzip tar of a fresh initdb) that `npm ci` prepares
 * (tools/db/pglite-template.mjs, run by tools/postinstall.mjs). A first start restores it instead of running
 * initdb (about 3 s instead of 10–25 s). Null when absent (then PGlite runs initdb as usual).
 */
export function emptyPgliteTemplatePath(): string | null {
  const v = pgliteVersion();
  if (v === 'unknown') return null;
  const file = path.join(CACHE_DIR, `pglite-${v}-empty.tar.gz`);
  return fs.existsSync(file) ? file : null;
}
