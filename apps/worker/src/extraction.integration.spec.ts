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

/** A 0.7 mm phantom: a 384-voxel block (label 2) and a 1-voxel island (label 3) that liver-ct's 1 mm resampling loses. */
function islandCase(name: string, withBlock: boolean) {
  const ph = simplePhantom(93200, 32, 12, 'ARTERIAL');
  const [nx, ny] = ph.dims;
  const m = new Uint8Array(ph.data.length);
  if (withBlock)
    for (let z = 3; z < 9; z++)
      for (let y = 10; y < 18; y++) for (let x = 10; x < 18; x++) m[x + nx * (y + ny * z)] = 2;
  m[25 + nx * (25 + ny * 7)] = 3;
  const spacing: [number, number, number] = [0.7, 0.7, 0.7];
  const image = join(dir, `${name}-img.nii.gz`);
  const mask = join(dir, `${name}-mask.nii.gz`);
  writeFileSync(image, gzip(encodeNifti(createVolume({ data: ph.data, dims: ph.dims, spacing }))));
  writeFileSync(mask, gzip(encodeNifti(createVolume({ data: m, dims: ph.dims, spacing }))));
  return { imagePath: image, maskPath: mask, preset: 'liver-ct' };
}

test('a 1-voxel lesion is skipped with its reason; the other lesion keeps its features', async () => {
  const id = (await boss.send('feature-extraction', islandCase('island', true)))!;
  const job = await finished(id);
  expect(job.state).toBe('completed');
  const out = job.output as ExtractionJobResult;
  expect(out.rows.map((r) => [r.label, r.voxels])).toEqual([[2, 384]]);
  expect(Object.keys(out.rows[0].features).length).toBeGreaterThan(50);
  expect(out.failed).toEqual([
    {
      label: 3,
      component: 0,
      voxels: 1,
      reason: expect.stringMatching(/no voxel left after resampling.*1 voxels before/),
    },
  ]);
  expect(JSON.parse(readFileSync(out.featuresPath, 'utf8'))).toHaveLength(1);
}, 300_000);

test('a job where every lesion fails still fails, naming each lesion and its reason', async () => {
  const id = (await boss.send('feature-extraction', islandCase('only-island', false)))!;
  const job = await finished(id);
  expect(job.state).toBe('failed');
  expect(JSON.stringify(job.output)).toMatch(
    /no lesion could be extracted: label 3 #1 \(1 voxels\): .*no voxel left after resampling/,
  );
}, 300_000);
