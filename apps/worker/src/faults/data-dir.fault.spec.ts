/**
 * Faults of the storage under a deployment: a read-only data directory and a full disk, for the embedded PGlite
 * database (HEPATOSCOPE_DATA_DIR/pgdata) and for the worker's results directory (HEPATOSCOPE_DATA_DIR/files/jobs).
 *
 * Root ignores file permissions, so "unwritable" is a real read-only mount (tmpfs remounted `ro`) and "full" a tiny
 * tmpfs (ENOSPC), not chmod. Without the right to mount (not root, or a container without CAP_SYS_ADMIN) the suite
 * is skipped with the reason; libs/db/src/startup-errors.integration.spec.ts covers an unusable data directory
 * (a file in the way, ENOTDIR) everywhere.
 *
 * Checked: a clear error (DatabaseStartupError DATA_DIR_UNWRITABLE / the job's error) naming the directory and the
 * cause; no partial result directory or staging leftovers; and a PGlite database that hit ENOSPC reopens with all
 * the rows committed before (counted before and after).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { PgBoss } from 'pg-boss';
import { DatabaseStartupError, openDatabase, type Database } from '@hepatoscope/db';
import { makeTempDir, pgliteTemplateBlob, removeDir } from '@hepatoscope/testing';
import { openBoss } from '../queue';
import { startWorker, type RunningWorker } from '../worker';
import type { JobDefinition } from '../types';
import { figure, resultDirs, waitUntil } from './harness';

/** Mounts a tmpfs of `size` (e.g. '1m') on `dir`; false when this process may not mount. */
function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const remount = (dir: string, mode: 'ro' | 'rw') =>
  execFileSync('mount', ['-o', `remount,${mode}`, dir], { stdio: 'pipe' });
const umount = (dir: string) => {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    /* not mounted */
  }
};

const probe = makeTempDir('fault-mount-probe');
const canMount = mountTmpfs(join(probe, 'm'), '64k');
if (canMount) umount(join(probe, 'm'));
removeDir(probe);
const flag = process.env.HEPATOSCOPE_FAULT_TESTS;
const skip =
  flag === '0'
    ? 'HEPATOSCOPE_FAULT_TESTS=0'
    : !canMount
      ? 'cannot mount tmpfs'
      : flag !== '1' && process.env.DATABASE_URL
        ? 'run in the PGlite pass (embedded database and local files only)'
        : null;
if (skip) console.log(`[faults] data directory: skipped (${skip})`);
const describeMount = skip ? describe.skip : describe;

describeMount('fault: unwritable or full data directory', () => {
  let base: string;
  const mounts: string[] = [];
  const mount = (name: string, size: string) => {
    const dir = join(base, name);
    if (!mountTmpfs(dir, size)) throw new Error(`mount ${dir} failed`);
    mounts.push(dir);
    return dir;
  };

  beforeAll(() => {
    base = makeTempDir('fault-datadir');
  });
  afterAll(() => {
    for (const m of mounts.reverse()) umount(m);
    removeDir(base);
  });

  describe('embedded database (PGlite)', () => {
    // one database on its own tmpfs for both cases (restoring the template costs seconds)
    let mnt: string;
    let dataDir: string;
    beforeAll(async () => {
      mnt = mount('db', '96m');
      dataDir = join(mnt, 'data');
      const db = await openDatabase({ dataDir, env: {}, loadDataDir: await pgliteTemplateBlob() });
      for (let i = 0; i < 20; i++)
        await db.sql.query(`INSERT INTO "AppSetting" (key, value, "updatedAt") VALUES ($1, $2, now())`, [
          `fault.ro.${i}`,
          JSON.stringify({ i }),
        ]);
      await db.close();
    }, 180_000);

    test('a read-only data directory: DatabaseStartupError DATA_DIR_UNWRITABLE naming the directory; data kept', async () => {
      remount(mnt, 'ro');
      let err: unknown;
      try {
        await (await openDatabase({ dataDir, env: {} })).close();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DatabaseStartupError);
      const e = err as DatabaseStartupError;
      expect(e.code).toBe('DATA_DIR_UNWRITABLE');
      expect(e.setting).toBe('HEPATOSCOPE_DATA_DIR');
      expect(e.message).toContain(dataDir);
      expect(e.message).toMatch(/read-only file system|EROFS/i);
      // writable again: the database opens with every row
      remount(mnt, 'rw');
      const db = await openDatabase({ dataDir, env: {} });
      const { rows } = await db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "AppSetting" WHERE key LIKE 'fault.ro.%'`,
      );
      await db.close();
      expect(rows[0]!.n).toBe(20);
      figure(
        'data directory',
        `read-only PGlite dir → ${e.code}: "${e.message.slice(0, 140)}…"; 20/20 rows after remount rw`,
      );
    }, 180_000);

    test('a full disk: the write fails with ENOSPC, the database reopens with every row committed before', async () => {
      let db: Database = await openDatabase({ dataDir, env: {} });
      const count = async (d: Database) =>
        (await d.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AppSetting" WHERE key LIKE 'fault.full.%'`))
          .rows[0]!.n;
      for (let i = 0; i < 50; i++)
        await db.sql.query(`INSERT INTO "AppSetting" (key, value, "updatedAt") VALUES ($1, $2, now())`, [
          `fault.full.${i}`,
          JSON.stringify({ i }),
        ]);
      const before = await count(db);
      // fill the file system to the last block
      const filler = join(mnt, 'filler');
      const fd = openSync(filler, 'w');
      for (const size of [1 << 20, 4096]) {
        try {
          for (;;) writeSync(fd, Buffer.alloc(size));
        } catch (e) {
          expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
        }
      }
      closeSync(fd);
      let err: Error | undefined;
      let written = 0;
      try {
        for (; written < 100; written++)
          await db.sql.query(`INSERT INTO "AppSetting" (key, value, "updatedAt") VALUES ($1, $2, now())`, [
            `fault.full.big.${written}`,
            JSON.stringify({ s: 'x'.repeat(1 << 20) }),
          ]);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toMatch(/No space left on device/);
      await db.close().catch(() => undefined);
      rmSync(filler);
      db = await openDatabase({ dataDir, env: {} });
      const after = await count(db);
      await db.close();
      expect(after).toBe(before + written); // the rows committed before the failure, nothing half-written
      figure(
        'data directory',
        `full disk under PGlite: "${err!.message}" after ${written} 1 MiB rows; rows before ${before}, after reopen ${after}`,
      );
    }, 180_000);
  });

  describe('worker results directory', () => {
    let pglite: { close(): Promise<void> };
    let boss: PgBoss;
    let worker: RunningWorker | undefined;
    beforeAll(async () => {
      const { PGlite } = await import('@electric-sql/pglite');
      const pg = await PGlite.create();
      pglite = pg;
      boss = await openBoss({ pglite: pg });
    }, 120_000);
    afterAll(async () => {
      await worker?.stop({ graceMs: 1000 });
      await boss?.stop({ graceful: false, close: false });
      await pglite?.close();
    }, 60_000);

    /** A job that commits one file of `bytes` through the real ResultStore. */
    const writer: JobDefinition<{ bytes: number }, { dir: string }> = {
      queue: 'test-writer',
      payload: z.object({ bytes: z.number().int().min(1) }),
      async run(data, ctx) {
        return ctx.store.commit(ctx.jobId, { 'out.bin': new Uint8Array(data.bytes).fill(7) }, (dir) => ({ dir }))
          .result;
      },
    };
    const run = async (resultsDir: string, bytes: number) => {
      await worker?.stop({ graceMs: 1000 });
      worker = await startWorker({
        boss,
        resultsDir,
        jobs: [writer],
        retry: { retryLimit: 0 },
        pollingIntervalSeconds: 0.5,
        reporter: {
          started: async () => {},
          progress: async () => {},
          completed: async () => {},
          failed: async () => {},
        },
        log: () => {},
      });
      const id = (await boss.send('test-writer', { bytes }))!;
      const job = await waitUntil('the job to finish', async () => {
        const j = await boss.getJobById('test-writer', id);
        return j && ['completed', 'failed'].includes(j.state) ? j : null;
      });
      return {
        id,
        job,
        error: String((job.output as { message?: string } | null)?.message ?? JSON.stringify(job.output)),
      };
    };

    test('a read-only results directory: the job fails with EROFS naming the path, nothing written', async () => {
      const mnt = mount('ro-results', '4m');
      remount(mnt, 'ro');
      const resultsDir = join(mnt, 'files', 'jobs');
      const { job, error } = await run(resultsDir, 1000);
      expect(job.state).toBe('failed');
      expect(error).toMatch(/EROFS: read-only file system/);
      expect(error).toContain(mnt);
      expect(existsSync(resultsDir)).toBe(false);
      figure('data directory', `read-only results dir → job failed: ${error.slice(0, 320)}`);
    });

    test('a full results disk: the job fails with ENOSPC naming the file, no partial result, space given back', async () => {
      const mnt = mount('full-results', '1m');
      const { id, job, error } = await run(mnt, 3 << 20);
      expect(job.state).toBe('failed');
      expect(error).toMatch(/ENOSPC: no space left on device/);
      expect(error).toContain(mnt);
      expect(resultDirs(mnt)).toEqual({ jobs: [], staging: [] });
      // the staging copy was removed, so the next (small) job fits
      const small = await run(mnt, 1000);
      expect(small.job.state).toBe('completed');
      expect(resultDirs(mnt)).toEqual({ jobs: [small.id], staging: [] });
      figure(
        'data directory',
        `full results disk (1 MiB tmpfs, 3 MiB result) → job ${id.slice(0, 8)} failed: ${error.slice(0, 320)}; next job completed`,
      );
    });
  });
});
