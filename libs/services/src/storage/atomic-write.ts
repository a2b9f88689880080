import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../errors';

/**
 * Crash- and full-disk-safe file writes under the data directory (`filesDir`).
 *
 * Every stored file is written as `<final>.tmp-<random>` in the same directory, fsynced, then renamed onto its final
 * name (atomic on one file system), so a reader never sees a half-written series or mask, and a write that fails
 * (ENOSPC, EROFS, …) leaves nothing behind. {@link StorageBatch} groups the files of one upload so that the caller
 * can write all files first, then commit one database transaction, and undo every file if either step fails.
 */

/** errno codes meaning "the storage cannot take this write" (as opposed to a bug): reported as STORAGE_UNAVAILABLE. */
const STORAGE_ERRNO: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/**
 * A DomainError UNAVAILABLE (HTTP 503) with `details.reason = 'STORAGE_UNAVAILABLE'` for a storage errno, naming
 * the folder relative to the data directory (never an absolute server path); any other error is returned as is.
 */
export function toStorageError(e: unknown, relDir: string): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (!code || !(code in STORAGE_ERRNO)) return e;
  return new DomainError(
    'UNAVAILABLE',
    `Storage unavailable: cannot write to ${relDir}/ in the data directory (${STORAGE_ERRNO[code]}, ${code}); nothing was saved`,
    { reason: 'STORAGE_UNAVAILABLE', dir: relDir, errno: code },
  );
}

/**
 * Writes `bytes` to `finalPath` atomically: temporary file in the same directory (exclusive create), fsync, rename,
 * then a best-effort fsync of the directory. On any failure the temporary file is removed and the raw error thrown.
 */
export async function writeFileAtomic(finalPath: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${finalPath}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    const fh = await fs.promises.open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, finalPath);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await syncDir(path.dirname(finalPath));
}

/** fsync a directory so that a rename survives a power cut; ignored where the platform refuses (EISDIR, EPERM). */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await fs.promises.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* directory fsync is not supported everywhere; the rename itself is already atomic */
  }
}

/**
 * The files of one upload: `write` stores each atomically below `root`; `rollback` removes every file written so
 * far. Storage errnos become the STORAGE_UNAVAILABLE DomainError (see {@link toStorageError}) after the batch has
 * been rolled back, so a failed write leaves neither a temporary nor a completed file of the upload.
 */
export class StorageBatch {
  private readonly written: string[] = [];
  private readonly root: string;

  constructor(filesDir: string) {
    this.root = path.resolve(filesDir);
  }

  /** Writes `rel` (e.g. `series/<id>.nii.gz`, relative to the data directory); on failure rolls the batch back. */
  async write(rel: string, bytes: Uint8Array): Promise<void> {
    const abs = path.resolve(this.root, rel);
    if (!abs.startsWith(this.root + path.sep)) throw new Error(`StorageBatch: ${rel} escapes the data directory`);
    try {
      await fs.promises.mkdir(path.dirname(abs), { recursive: true });
      await writeFileAtomic(abs, bytes);
      this.written.push(abs);
    } catch (e) {
      await this.rollback();
      throw toStorageError(e, path.dirname(rel));
    }
  }

  /** Removes every file this batch wrote (idempotent; errors while removing are ignored). */
  async rollback(): Promise<void> {
    const files = this.written.splice(0);
    await Promise.all(files.map((f) => fs.promises.rm(f, { force: true }).catch(() => undefined)));
  }
}

/**
 * Runs the usual "files first, then one transaction" step: `writeFiles` stores the files through the batch, then
 * `commit` writes the database rows; if either throws, every file of the batch is removed and the error rethrown.
 */
export async function withStoredFiles<T>(
  filesDir: string,
  writeFiles: (batch: StorageBatch) => Promise<void>,
  commit: () => Promise<T>,
): Promise<T> {
  const batch = new StorageBatch(filesDir);
  try {
    await writeFiles(batch);
    return await commit();
  } catch (e) {
    await batch.rollback();
    throw e;
  }
}
