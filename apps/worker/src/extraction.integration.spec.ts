import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import { lesionInstances, simplePhantom } from '@hepatoscope/inference';
import {
  finishedJob,
  lesionPhantomFiles,
  openPgliteBoss,
  startTestWorker,
  writeNiftiGz,
  type PgliteBoss,
} from './spec-helpers';
import type { RunningWorker } from './worker';
import type { ExtractionJobResult } from './jobs/extraction';

/** The feature-extraction job on PGlite: a phantom and its ground-truth LiTS mask in, one row per lesion out. */
let q: PgliteBoss;
let dir: string;
let boss: PgBoss;
let worker: RunningWorker;

beforeAll(async () => {
  q = await openPgliteBoss('hs-extract-job-');
  ({ dir, boss } = q);
  worker = await startTestWorker(boss, dir);
}, 180_000);

afterAll(async () => {
  await worker?.stop({ graceMs: 1000 });
  await q?.close();
}, 60_000);

const finished = (id: string) => finishedJob(boss, 'feature-extraction', id);

test('one feature row per lesion of the LiTS mask, features.json written once', async () => {
  const { ph, imagePath, maskPath } = lesionPhantomFiles(dir, 64, 20);
  const id = (await boss.send('feature-extraction', { imagePath, maskPath, preset: 'pyradiomics-default' }))!;
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
  writeNiftiGz(image, { data: a.data, dims: a.dims, spacing: a.spacing });
  writeNiftiGz(mask, { data: new Uint8Array(32 * 32 * 9), dims: [32, 32, 9], spacing: a.spacing });
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
  writeNiftiGz(image, { data: ph.data, dims: ph.dims, spacing });
  writeNiftiGz(mask, { data: m, dims: ph.dims, spacing });
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
