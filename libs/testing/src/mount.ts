import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeDir } from './tmp';

/** A small tmpfs for "disk full" tests, or the reason there is none. */
export interface TinyTmpfs {
  /** The temp dir holding the mount point (error messages must not contain it). */
  base: string;
  /** The mount point, `<base>/files`. */
  dir: string;
  /** False where this process may not mount (not root / no CAP_SYS_ADMIN); the suite should skip. */
  mounted: boolean;
  /** Unmounts (lazily) and removes `base`. */
  cleanup(): void;
}

/**
 * Mounts a tmpfs of `size` (mount's syntax: `128k`) at `<tmp>/hepatoscope-<prefix>-XXXX/files`. Where mounting is not
 * allowed, logs `[<label>] skipped: cannot mount tmpfs (needs root / CAP_SYS_ADMIN)` and returns `mounted: false`.
 */
export function mountTinyTmpfs(prefix: string, size: string, label: string): TinyTmpfs {
  const base = makeTempDir(prefix);
  const dir = path.join(base, 'files');
  fs.mkdirSync(dir);
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    mounted = true;
  } catch {
    console.log(`[${label}] skipped: cannot mount tmpfs (needs root / CAP_SYS_ADMIN)`);
  }
  return {
    base,
    dir,
    mounted,
    cleanup() {
      if (mounted) execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      removeDir(base);
    },
  };
}
