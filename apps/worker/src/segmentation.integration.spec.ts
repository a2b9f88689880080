/** @jest-environment @hepatoscope/inference/jest-ort-env.js */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PgBoss } from 'pg-boss';
import { createVolume, encodeNifti, gzip, parseNifti } from '@hepatoscope/imaging-io';
import { BUNDLED_MODELS_DIR, dice, simplePhantom } from '@hepatoscope/inference';
import { openBoss } from './queue';
import { startWorker, type RunningWorker } from './worker';
import type { SegmentationJobResult } from './jobs/segmentation';

/**
 * The real segmentation job end to end on PGlite: a phantom NIfTI in, the bundled ONNX cascade on CPU,
 * mask + instances + result.json out, written once under the job id; bad inputs fail with their reason
 * and leave nothing behind.
 */
let dir: string;
let boss: PgBoss;
let pglite: { close(): Promise<void> };
let worker: RunningWorker;
let image: string;
let truth: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-seg-job-'));
  const ph = simplePhantom(92001, 80, 24, 'PORTAL_VENOUS');
  truth = ph.labels;
  image = join(dir, 'portal.nii.gz');
  writeFileSync(
    image,
    gzip(
      encodeNifti(createVolume({ data: ph.data, dims: ph.dims, spacing: ph.spacing, metadata: { synthetic: true } })),
    ),
  );
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(join(dir, 'pgdata'));
  pglite = db;
  boss = await openBoss({ pglite: db });
  worker = await startWorker({
    boss,
    resultsDir: join(dir, 'results'),
    providers: 'cpu',
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
    const j = await boss.getJobById('segmentation', id);
    if (j && (j.state === 'completed' || j.state === 'failed')) return j;
  }
  throw new Error(`job ${id} did not finish`);
}

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
