/** @jest-environment @hepatoscope/inference/jest-ort-env.js */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVolume, encodeNifti, gzip, parseNifti } from '@hepatoscope/imaging-io';
import { dice } from '@hepatoscope/inference';
import { CliError } from '../command';
import infer from './infer';

let dir: string;
let image: string;
let truth: Uint8Array;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-infer-'));
  // a phantom of the project's generator (the bundled models are trained on libs/phantoms seeds 5000–5039)
  const { generatePhantom } = await import('@hepatoscope/phantoms');
  const tp = generatePhantom({ seed: 91001, lesions: 3, dims: [96, 96, 28], spacing: [2, 2, 4.5] }).timepoints[0];
  const pv = tp.phases.PORTAL_VENOUS;
  truth = Uint8Array.from(tp.liverMask.data, (v, i) => (tp.lesionMask.data[i] > 0 ? 2 : v > 0 ? 1 : 0));
  image = join(dir, 'portal.nii.gz');
  const vol = createVolume({
    data: Int16Array.from(pv.data, (v) => Math.round(v)),
    dims: pv.dims,
    spacing: pv.spacing,
    origin: pv.origin,
    direction: pv.direction,
    metadata: { synthetic: true },
  });
  writeFileSync(image, gzip(encodeNifti(vol)));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('infer writes a LiTS mask and lesion instances on the image grid', async () => {
  const out = join(dir, 'mask.nii.gz');
  const inst = join(dir, 'instances.nii');
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  const code = await infer.run([
    '--image',
    image,
    '--out',
    out,
    '--instances',
    inst,
    '--providers',
    'cpu',
    '--quiet',
    '--json',
  ]);
  const printed = JSON.parse(log.mock.calls.map((c) => c.join(' ')).join('\n'));
  log.mockRestore();
  expect(code).toBe(0);
  const mask = parseNifti(readFileSync(out), out);
  expect(mask.dims).toEqual([96, 96, 28]);
  expect(mask.dtype).toBe('uint8');
  expect(mask.metadata.synthetic).toBe(true);
  const labels = mask.data as Uint8Array;
  expect(labels.every((v) => v <= 2)).toBe(true);
  const bin = (a: ArrayLike<number>, f: (v: number) => boolean) => Uint8Array.from(a, (v) => (f(v) ? 1 : 0));
  expect(
    dice(
      bin(labels, (v) => v > 0),
      bin(truth, (v) => v > 0),
    ),
  ).toBeGreaterThan(0.85);
  const instances = parseNifti(readFileSync(inst), inst);
  expect(instances.dtype).toBe('uint16');
  const maxLabel = (instances.data as Uint16Array).reduce((m, v) => Math.max(m, v), 0);
  expect(maxLabel).toBe(printed.lesions.length);
  for (let i = 0; i < labels.length; i++) if (instances.data[i] > 0) expect(labels[i]).toBe(2);
  expect(printed.provider).toBe('cpu');
  expect(printed.model).toBe('liver-tumour-cascade@1.1.0');
}, 300_000);

test('--tta averages the flips the tumour manifest lists; the liver (no flips) is unchanged', async () => {
  const plain = join(dir, 'plain.nii.gz');
  const tta = join(dir, 'tta.nii.gz');
  const args = ['--image', image, '--providers', 'cpu', '--quiet'];
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  expect(await infer.run([...args, '--out', plain])).toBe(0);
  expect(await infer.run([...args, '--out', tta, '--tta'])).toBe(0);
  log.mockRestore();
  const a = parseNifti(readFileSync(plain), plain).data as Uint8Array;
  const b = parseNifti(readFileSync(tta), tta).data as Uint8Array;
  const bin = (x: Uint8Array, f: (v: number) => boolean) => Uint8Array.from(x, (v) => (f(v) ? 1 : 0));
  // the liver stage has no ttaFlips: the liver (labels 1 ∪ 2) is identical
  expect(Buffer.from(bin(a, (v) => v > 0)).equals(Buffer.from(bin(b, (v) => v > 0)))).toBe(true);
  // the tumour stage averaged a y-flipped prediction: a different, still sensible tumour mask
  expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  const tumourTruth = bin(truth, (v) => v === 2);
  expect(
    dice(
      bin(b, (v) => v === 2),
      tumourTruth,
    ),
  ).toBeGreaterThan(0.2);
  await expect(infer.run([...args, '--out', tta, '--overlap', '1.5'])).rejects.toThrow(/--overlap must be a number/);
}, 300_000);

describe('bad input', () => {
  test('missing arguments and bad extensions are user errors', async () => {
    await expect(infer.run(['--out', 'x.nii.gz'])).rejects.toThrow(/--image is required/);
    await expect(infer.run(['--image', image])).rejects.toThrow(/--out is required/);
    await expect(infer.run(['--image', image, '--out', 'mask.png'])).rejects.toThrow(/must end in .nii or .nii.gz/);
    await expect(infer.run(['--image', image, '--out', 'm.nii', '--batch', '0'])).rejects.toThrow(
      /--batch must be an integer/,
    );
    await expect(infer.run(['--image', image, '--out', 'm.nii', '--providers', 'tpu'])).rejects.toThrow(
      /unknown execution provider "tpu"/,
    );
    await expect(infer.run(['--bogus'])).rejects.toBeInstanceOf(CliError);
  });
  test('a missing image or model directory names the path; nothing is written', async () => {
    const out = join(dir, 'never.nii.gz');
    await expect(infer.run(['--image', join(dir, 'nope.nii.gz'), '--out', out, '--quiet'])).rejects.toThrow(
      /nope\.nii\.gz/,
    );
    await expect(infer.run(['--image', image, '--out', out, '--model', dir, '--quiet'])).rejects.toThrow(
      /no manifest.json in/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
