/** @jest-environment @hepatoscope/inference/jest-ort-env.js */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import { parseNifti } from '@hepatoscope/imaging-io';
import { BUNDLED_MODELS_DIR, dice, simplePhantom } from '@hepatoscope/inference';
import { finishedJob, openPgliteBoss, startTestWorker, writeNiftiGz, type PgliteBoss } from './spec-helpers';
import type { RunningWorker } from './worker';
import type { SegmentationJobResult } from './jobs/segmentation';

/**
 * The real segmentation job end to end on PGlite: a phantom NIfTI in, the bundled ONNX cascade on CPU,
 * mask + instances + result.json out, written once under the job id; bad inputs fail with their reason
 * and leave nothing behind.
 */
let q: PgliteBoss;
let dir: string;
let boss: PgBoss;
let worker: RunningWorker;
let image: string;
let truth: Uint8Array;

beforeAll(async () => {
  q = await openPgliteBoss('hs-seg-job-');
  ({ dir, boss } = q);
  const ph = simplePhantom(92001, 80, 24, 'PORTAL_VENOUS');
  truth = ph.labels;
  image = join(dir, 'portal.nii.gz');
  writeNiftiGz(image, { data: ph.data, dims: ph.dims, spacing: ph.spacing, metadata: { synthetic: true } });
  worker = await startTestWorker(boss, dir, { providers: 'cpu' });
}, 180_000);

afterAll(async () => {
  await worker?.stop({ graceMs: 1000 });
  await q?.close();
}, 60_000);

const finished = (id: string) => finishedJob(boss, 'segmentation', id);

test('segmentation job writes the mask once, keyed by job id', async () => {
  const id = (await boss.send('segmentation', { imagePath: image }))!;
  const job = await finished(id);
  expect(job.state).toBe('completed');
  const out = job.output as SegmentationJobResult;
  expect(out.maskPath).toBe(join(dir, 'results', id, 'mask.nii.gz'));
  const mask = parseNifti(readFileSync(out.maskPath), out.maskPath);
  expect(mask.dims).toEqual([80, 80, 24]);
  const bin = (a: ArrayLike<number>, f: (v: number) => boolean) => Uint8Array.from(a, (v) => (f(v) ? 1 : 0));
  expect(
    dice(
      bin(mask.data, (v) => v > 0),
      bin(truth, (v) => v > 0),
    ),
  ).toBeGreaterThan(0.85);
  expect(out.summary.synthetic).toBe(true);
  expect(out.summary.provider).toBe('cpu');
  expect(out.summary.liverVolumeMl).toBeGreaterThan(0);
  expect(existsSync(out.instancesPath)).toBe(true);
  expect(JSON.parse(readFileSync(join(dir, 'results', id, 'result.json'), 'utf8'))).toEqual(out);
  expect(readdirSync(join(dir, 'results')).filter((n) => n.startsWith('.staging'))).toEqual([]);
}, 300_000);

test('bad inputs fail with their reason and leave no result behind', async () => {
  const missing = (await boss.send('segmentation', { imagePath: join(dir, 'absent.nii.gz') }))!;
  const tampered = join(dir, 'tampered');
  const { cpSync } = await import('node:fs');
  cpSync(join(BUNDLED_MODELS_DIR, 'liver-seg-2p5d'), join(tampered, 'liver-seg-2p5d'), { recursive: true });
  const f = join(tampered, 'liver-seg-2p5d', 'model.onnx');
  const b = readFileSync(f);
  b[100] ^= 0x55;
  writeFileSync(f, b);
  const badModel = (await boss.send('segmentation', { imagePath: image, modelDir: join(tampered, 'liver-seg-2p5d') }))!;
  const badPayload = (await boss.send('segmentation', { imagePath: 42 }))!;
  const [a, m, p] = [await finished(missing), await finished(badModel), await finished(badPayload)];
  expect([a.state, m.state, p.state]).toEqual(['failed', 'failed', 'failed']);
  expect(JSON.stringify(a.output)).toMatch(/absent\.nii\.gz/);
  expect(JSON.stringify(m.output)).toMatch(/checksum mismatch/);
  expect(JSON.stringify(p.output)).toMatch(/invalid segmentation payload: imagePath/);
  for (const id of [missing, badModel, badPayload]) expect(existsSync(join(dir, 'results', id))).toBe(false);
}, 300_000);
