import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import { createVolume, encodeNifti, gzip } from '@hepatoscope/imaging-io';
import { lesionInstances, simplePhantom } from '@hepatoscope/inference';
import { openBoss } from './queue';
import { startWorker, type RunningWorker } from './worker';
import type { ExtractionJobResult } from './jobs/extraction';

/** The feature-extraction job on PGlite: a phantom and its ground-truth LiTS mask in, one row per lesion out. */
let dir: string;
let boss: PgBoss;
let pglite: { close(): Promise<void> };
let worker: RunningWorker;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-extract-job-'));
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(join(dir, 'pgdata'));
  pglite = db;
  boss = await openBoss({ pglite: db });
  worker = await startWorker({
    boss,
    resultsDir: join(dir, 'results'),
    retry: { retryLimit: 0 },
    pollingIntervalSeconds: 0.5,
    log: () => {},
  });
}, 180_000);

afterAll(async () => {
  await worker?.stop({ graceMs: 1000 });
  await boss?.stop({ graceful: false, close: false });
  await pglite?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function finished(id: string) {
  for (const t0 = Date.now(); Date.now() - t0 < 240_000; await new Promise((r) => setTimeout(r, 300))) {
    const j = await boss.getJobById('feature-extraction', id);
    if (j && (j.state === 'completed' || j.state === 'failed')) return j;
  }
  throw new Error(`job ${id} did not finish`);
}

test('one feature row per lesion of the LiTS mask, features.json written once', async () => {
  let seed = 93001;
  let ph = simplePhantom(seed, 64, 20, 'ARTERIAL');
  while (ph.lesions.length === 0) ph = simplePhantom(++seed, 64, 20, 'ARTERIAL');
  const image = join(dir, 'arterial.nii.gz');
  const mask = join(dir, 'mask.nii.gz');
  writeFileSync(image, gzip(encodeNifti(createVolume({ data: ph.data, dims: ph.dims, spacing: ph.spacing }))));
  writeFileSync(mask, gzip(encodeNifti(createVolume({ data: ph.labels, dims: ph.dims, spacing: ph.spacing }))));
  const id = (await boss.send('feature-extraction', {
    imagePath: image,
    maskPath: mask,
    preset: 'pyradiomics-default',
  }))!;
  const job = await finished(id);
  expect(job.state).toBe('completed');
  const out = job.output as ExtractionJobResult;
  // radiomics splits label 2 into connected lesions (26-connectivity); 6-connected instances are at least as many
  const n6 = lesionInstances(ph.labels, ph.dims).sizes.length;
  expect(out.rows.length).toBeGreaterThanOrEqual(1);
  expect(out.rows.length).toBeLessThanOrEqual(n6);
  expect(out.rows.every((r) => r.label === 2)).toBe(true);
  expect(out.rows.reduce((a, r) => a + r.voxels, 0)).toBe(ph.labels.filter((v) => v === 2).length);
  expect(Object.keys(out.rows[0].features).length).toBeGreaterThan(50);
  expect(out.settingsHash).toMatch(/^[0-9a-f]{64}$/);
  const file = JSON.parse(readFileSync(out.featuresPath, 'utf8'));
  expect(file).toHaveLength(out.rows.length);
}, 300_000);

test('a mask on another grid fails naming both sizes', async () => {
  const a = simplePhantom(93100, 32, 8);
  const image = join(dir, 'a.nii.gz');
  const mask = join(dir, 'b.nii.gz');
  writeFileSync(image, gzip(encodeNifti(createVolume({ data: a.data, dims: a.dims, spacing: a.spacing }))));
  writeFileSync(
    mask,
    gzip(encodeNifti(createVolume({ data: new Uint8Array(32 * 32 * 9), dims: [32, 32, 9], spacing: a.spacing }))),
  );
  const id = (await boss.send('feature-extraction', { imagePath: image, maskPath: mask }))!;
  const job = await finished(id);
  expect(job.state).toBe('failed');
  expect(JSON.stringify(job.output)).toMatch(/is 32×32×9 but image .* is 32×32×8/);
}, 300_000);
