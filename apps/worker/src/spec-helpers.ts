/**
 * Set-up shared by the worker's specs (integration and fault tests; not used at run time): pg-boss on a PGlite in a
 * temp dir, waiting for a job to finish, and NIfTI inputs written from phantoms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import { createVolume, encodeNifti, gzip } from '@hepatoscope/imaging-io';
import { simplePhantom } from '@hepatoscope/inference';
import { openBoss } from './queue';
import { startWorker, type RunningWorker } from './worker';

export interface PgliteBoss {
  /** The temp dir (PGlite in `<dir>/pgdata`; the spec may write its own files here). */
  dir: string;
  boss: PgBoss;
  /** Stops pg-boss (not gracefully), closes PGlite and removes `dir`. */
  close(): Promise<void>;
}

/** pg-boss (default schema) on a fresh on-disk PGlite in `<os tmp>/<prefix>XXXXXX`. */
export async function openPgliteBoss(prefix: string): Promise<PgliteBoss> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  let pglite: { close(): Promise<void> } | undefined;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(join(dir, 'pgdata'));
    pglite = db;
    const boss = await openBoss({ pglite: db });
    return {
      dir,
      boss,
      async close() {
        await boss.stop({ graceful: false, close: false });
        await db.close();
        removeDir();
      },
    };
  } catch (err) {
    await pglite?.close();
    removeDir();
    throw err;
  }
}

/**
 * The real worker on `boss` for a test: results under `<dir>/results`, no retries, polling every 0.5 s, no log;
 * `options` adds or overrides (e.g. `providers: 'cpu'`).
 */
export function startTestWorker(
  boss: PgBoss,
  dir: string,
  options: Partial<Parameters<typeof startWorker>[0]> = {},
): Promise<RunningWorker> {
  return startWorker({
    boss,
    resultsDir: join(dir, 'results'),
    retry: { retryLimit: 0 },
    pollingIntervalSeconds: 0.5,
    log: () => {},
    ...options,
  });
}

/** Polls a job every 300 ms until it is completed or failed; throws after `timeoutMs` (default 240 s). */
export async function finishedJob(boss: PgBoss, queue: string, id: string, timeoutMs = 240_000) {
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs; await new Promise((r) => setTimeout(r, 300))) {
    const j = await boss.getJobById(queue, id);
    if (j && (j.state === 'completed' || j.state === 'failed')) return j;
  }
  throw new Error(`job ${id} did not finish`);
}

/** Writes a volume as gzipped NIfTI. */
export function writeNiftiGz(file: string, volume: Parameters<typeof createVolume>[0]): void {
  writeFileSync(file, gzip(encodeNifti(createVolume(volume))));
}

/**
 * The first ARTERIAL `simplePhantom(seed, size, slices)` from seed 93001 on that has a lesion, written to
 * `<dir>/arterial.nii.gz` (image) and `<dir>/mask.nii.gz` (its labels).
 */
export function lesionPhantomFiles(dir: string, size: number, slices: number) {
  let seed = 93001;
  let ph = simplePhantom(seed, size, slices, 'ARTERIAL');
  while (ph.lesions.length === 0) ph = simplePhantom(++seed, size, slices, 'ARTERIAL');
  const imagePath = join(dir, 'arterial.nii.gz');
  const maskPath = join(dir, 'mask.nii.gz');
  writeNiftiGz(imagePath, { data: ph.data, dims: ph.dims, spacing: ph.spacing });
  writeNiftiGz(maskPath, { data: ph.labels, dims: ph.dims, spacing: ph.spacing });
  return { ph, imagePath, maskPath };
}
