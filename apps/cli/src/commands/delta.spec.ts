import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeVolume, IDENTITY_DIRECTION, type Volume } from '@hepatoscope/imaging-io';
import { CliError } from '../command';
import delta from './delta';
import extract from './extract';

let dir: string;
const dims: [number, number, number] = [14, 12, 8];
const n = dims[0] * dims[1] * dims[2];

function vol(data: Float32Array | Uint8Array): Volume {
  return { data, dims, spacing: [1, 1, 2], origin: [0, 0, 0], direction: IDENTITY_DIRECTION, dtype: data instanceof Uint8Array ? 'uint8' : 'float32', metadata: {} };
}

async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try { return await f(); } finally { err.mockRestore(); }
}

/** A lesion image at two timepoints (the second 20 % brighter and one voxel layer larger), extracted with extract. */
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-delta-'));
  const m1 = new Uint8Array(n), m2 = new Uint8Array(n);
  const i1 = new Float32Array(n), i2 = new Float32Array(n);
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) {
    const i = x + dims[0] * (y + dims[1] * z);
    i1[i] = 40 + ((i * 29) % 37);
    i2[i] = 1.2 * i1[i];
    if (x >= 4 && x < 9 && y >= 3 && y < 8 && z >= 2 && z < 5) m1[i] = 1;
    if (x >= 4 && x < 10 && y >= 3 && y < 8 && z >= 2 && z < 5) m2[i] = 1;
  }
  await writeVolume(path.join(dir, 'i1.nii.gz'), vol(i1));
  await writeVolume(path.join(dir, 'i2.nii.gz'), vol(i2));
  await writeVolume(path.join(dir, 'm1.nii.gz'), vol(m1));
  await writeVolume(path.join(dir, 'm2.nii.gz'), vol(m2));
  const base = ['--preset', 'pyradiomics-default', '--naming', 'pyradiomics'];
  await quiet(async () => {
    expect(await extract.run(['--image', path.join(dir, 'i1.nii.gz'), '--mask', path.join(dir, 'm1.nii.gz'), ...base, '--date', '2024-01-10', '--out', path.join(dir, 'a.json')])).toBe(0);
    expect(await extract.run(['--image', path.join(dir, 'i2.nii.gz'), '--mask', path.join(dir, 'm2.nii.gz'), ...base, '--date', '2024-03-10', '--out', path.join(dir, 'b.json')])).toBe(0);
    expect(await extract.run(['--image', path.join(dir, 'i2.nii.gz'), '--mask', path.join(dir, 'm2.nii.gz'), ...base, '--out', path.join(dir, 'b-nodate.json')])).toBe(0);
    expect(await extract.run(['--image', path.join(dir, 'i2.nii.gz'), '--mask', path.join(dir, 'm2.nii.gz'), '--preset', 'liver-ct', '--date', '2024-03-10', '--out', path.join(dir, 'c.json')])).toBe(0);
  });
}, 60000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const value = (j: { features: { name: string; value: number | null }[] }, name: string) => j.features.find((f) => f.name === name)?.value as number;

describe('hepatoscope delta', () => {
  it('gives absolute, relative and per-day change with the days from the provenance dates (JSON)', async () => {
    const out = path.join(dir, 'delta.json');
    expect(await quiet(() => delta.run(['--before', path.join(dir, 'a.json'), '--after', path.join(dir, 'b.json'), '--out', out]))).toBe(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    const a = JSON.parse(fs.readFileSync(path.join(dir, 'a.json'), 'utf8'));
    const b = JSON.parse(fs.readFileSync(path.join(dir, 'b.json'), 'utf8'));
    expect(j.provenance.days).toBe(60); // 2024-01-10 → 2024-03-10 (leap year)
    expect(j.provenance.settingsHash).toBe(a.provenance.settingsHash);
    const vol = j.features.find((f: { name: string }) => f.name === 'original_shape_VoxelVolume');
    const va = value(a, 'original_shape_VoxelVolume'), vb = value(b, 'original_shape_VoxelVolume');
    expect(va).toBeCloseTo(75 * 2, 9);
    expect(vb).toBeCloseTo(90 * 2, 9);
    expect(vol).toMatchObject({ before: va, after: vb });
    expect(vol.absolute).toBeCloseTo(30, 9);
    expect(vol.relative).toBeCloseTo(0.2, 12);
    expect(vol.perDay).toBeCloseTo(0.5, 12);
    // intensities scaled by 1.2 on the first lesion's voxels: mean changes by the data, checked from both files
    const mean = j.features.find((f: { name: string }) => f.name === 'original_firstorder_Mean');
    expect(mean.absolute).toBeCloseTo(value(b, 'original_firstorder_Mean') - value(a, 'original_firstorder_Mean'), 9);
  });

  it('writes CSV and takes --days over the provenance dates; no per-day without dates', async () => {
    const out = path.join(dir, 'delta.csv');
    expect(await quiet(() => delta.run(['--before', path.join(dir, 'a.json'), '--after', path.join(dir, 'b.json'), '--days', '30', '--out', out]))).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('name,before,after,absolute,relative,perDay,reason');
    const row = lines.find((l) => l.startsWith('original_shape_VoxelVolume,'))!.split(',');
    expect(Number(row[5])).toBeCloseTo(1, 12); // 30 mm³ over 30 days
    const j = path.join(dir, 'nodays.json');
    await expect(quiet(() => delta.run(['--before', path.join(dir, 'a.json'), '--after', path.join(dir, 'b-nodate.json'), '--out', j]))).rejects.toThrow(/only .*a\.json has a provenance date/);
    expect(await quiet(() => delta.run(['--before', path.join(dir, 'b-nodate.json'), '--after', path.join(dir, 'b-nodate.json'), '--out', j]))).toBe(0);
    const same = JSON.parse(fs.readFileSync(j, 'utf8'));
    expect(same.provenance.days).toBeNull();
    const v = same.features.find((f: { name: string }) => f.name === 'original_shape_VoxelVolume');
    expect(v).toMatchObject({ absolute: 0, relative: 0, perDay: null });
  });

  it('refuses feature sets extracted with different settings, naming both hashes', async () => {
    const p = delta.run(['--before', path.join(dir, 'a.json'), '--after', path.join(dir, 'c.json')]);
    await expect(p).rejects.toThrow(CliError);
    await expect(delta.run(['--before', path.join(dir, 'a.json'), '--after', path.join(dir, 'c.json')])).rejects.toThrow(/different settings \(settings hash [0-9a-f]{12}… vs [0-9a-f]{12}…\)/);
  });

  it('rejects bad input with clear errors', async () => {
    await expect(delta.run(['--before', path.join(dir, 'a.json')])).rejects.toThrow(/--before and --after are required/);
    await expect(delta.run(['--before', path.join(dir, 'a.json'), '--after', path.join(dir, 'b.json'), '--days', 'x'])).rejects.toThrow(/--days must be a number/);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ features: [] }));
    await expect(delta.run(['--before', bad, '--after', path.join(dir, 'b.json')])).rejects.toThrow(/no provenance.settingsHash/);
    await expect(delta.run(['--before', path.join(dir, 'missing.json'), '--after', path.join(dir, 'b.json')])).rejects.toThrow(/cannot read .*missing\.json/);
  });
});
