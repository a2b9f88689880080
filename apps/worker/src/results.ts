import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Idempotent job outputs on disk, keyed by job id: `ROOT/<jobId>/` holds the job's files and
 * `result.json`. A job writes everything into a private staging directory `ROOT/.staging-<jobId>-<uuid>/`
 * and then renames it to `ROOT/<jobId>` in one step, so a reader never sees half-written output. If
 * the target already exists (an earlier attempt, or another worker, committed first) the staging copy is
 * discarded and the existing result is returned: a job's result is written once.
 */
export class ResultStore {
  constructor(readonly root: string) {
    if (!root) throw new Error('ResultStore: a root directory is required');
  }

  dirOf(jobId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(jobId) || jobId.startsWith('.')) {
      throw new Error(`ResultStore: job id "${jobId}" is not a safe directory name`);
    }
    return join(this.root, jobId);
  }

  /**
   * Removes staging directories older than `maxAgeMs`: what a worker killed between staging and rename (kill -9,
   * power loss) leaves behind; the retry commits from a staging directory of its own. Only old ones, because on
   * shared storage another worker may be staging right now. Returns the removed names.
   */
  sweepStaging(maxAgeMs: number, now = Date.now()): string[] {
    let entries: string[];
    try {
      entries = readdirSync(this.root);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of entries) {
      if (!name.startsWith('.staging-')) continue;
      const p = join(this.root, name);
      try {
        if (now - statSync(p).mtimeMs < maxAgeMs) continue;
        rmSync(p, { recursive: true, force: true });
        removed.push(name);
      } catch {
        /* gone meanwhile */
      }
    }
    return removed;
  }

  /** The committed result of `jobId`, or null. */
  get<T = unknown>(jobId: string): T | null {
    const p = join(this.dirOf(jobId), 'result.json');
    if (!existsSync(p)) return null;
    return JSON.parse(readFileSync(p, 'utf8')) as T;
  }

  /**
   * Commits `files` (name → bytes) and `result` for `jobId`. `result` may reference the final paths through
   * the `dir` it is given. Returns the committed result (the earlier one when the job was already done).
   */
  commit<T>(
    jobId: string,
    files: Record<string, Uint8Array>,
    makeResult: (dir: string) => T,
  ): { result: T; reused: boolean } {
    const final = this.dirOf(jobId);
    const existing = this.get<T>(jobId);
    if (existing !== null) return { result: existing, reused: true };
    fsStep('create the results directory', this.root, () => mkdirSync(this.root, { recursive: true }));
    const staging = join(this.root, `.staging-${jobId}-${randomUUID()}`);
    fsStep('create', staging, () => mkdirSync(staging));
    try {
      for (const [name, bytes] of Object.entries(files)) {
        if (name.includes('/') || name.includes('\\') || name === 'result.json')
          throw new Error(`ResultStore: bad file name "${name}"`);
        fsStep('write', join(staging, name), () => writeFileSync(join(staging, name), bytes));
      }
      const result = makeResult(final);
      const resultFile = join(staging, 'result.json');
      fsStep('write', resultFile, () => writeFileSync(resultFile, JSON.stringify(result, null, 2)));
      try {
        renameSync(staging, final);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const other = this.get<T>(jobId);
        if ((code === 'ENOTEMPTY' || code === 'EEXIST') && other !== null) return { result: other, reused: true };
        throw e;
      }
      return { result, reused: false };
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
}

/**
 * Runs one file-system step of a commit; a failure becomes `job results: cannot <what> <path>: <cause> (<CODE>)`
 * with the errno code kept, because Node's own message leaves out the path for write errors (`ENOSPC: no space
 * left on device, write`) and a recursive mkdir on a read-only mount reports ENOENT. Found by the fault tests
 * (src/faults/data-dir.fault.spec.ts).
 */
function fsStep<T>(what: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    let cause = err.message;
    if (err.code === 'ENOENT' && what.startsWith('create')) {
      // mkdir -p below a read-only or unwritable ancestor: name the real reason
      let dir = path;
      while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
      try {
        accessSync(dir, constants.W_OK);
      } catch (a) {
        cause = `${dir} is not writable: ${(a as Error).message}`;
      }
    }
    const wrapped = new Error(`job results: cannot ${what} ${path}: ${cause}`, { cause: e }) as NodeJS.ErrnoException;
    wrapped.code = err.code;
    throw wrapped;
  }
}
