import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Creates a fresh temporary directory (`<os tmp>/hepatoscope-<prefix>-XXXX`) and returns its path. */
export function makeTempDir(prefix = 'test'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hepatoscope-${prefix}-`));
}

/** Removes a directory tree, ignoring a missing path. */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
