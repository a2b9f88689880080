import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readVolume, readDicomSeg } from '@hepatoscope/imaging-io';
import { CliError } from '../command';
import phantom from './phantom';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-phantom-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('hepatoscope phantom', () => {
  it('writes NIfTI phases, masks and a manifest in the issue format', async () => {
    const out = path.join(dir, 'p1');
    expect(await phantom.run(['--out', out, '--seed', '3', '--lesions', '2', '--size', 'small', '--quiet'])).toBe(0);
    const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(m)).toEqual(['synthetic', 'seed', 'phases', 'liverMask', 'lesionMask', 'lesions']);
    expect(m.synthetic).toBe(true);
    expect(m.seed).toBe(3);
    expect(Object.keys(m.phases)).toEqual(['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED']);
    expect(m.lesions).toHaveLength(2);
    for (const l of m.lesions) expect(l).toEqual(expect.objectContaining({ label: expect.any(Number), type: expect.any(String), diameterMm: expect.any(Number) }));
    const art = await readVolume(path.join(out, m.phases.ARTERIAL));
    expect(art.dims).toEqual([64, 64, 24]);
    expect(art.metadata).toMatchObject({ synthetic: true, phase: 'ARTERIAL', modality: 'CT' });
    const les = await readVolume(path.join(out, m.lesionMask));
    const labels = new Set(Array.from(les.data));
    expect([...labels].sort()).toEqual([0, 1, 2]);
    expect(les.metadata.synthetic).toBe(true);
  });

  it('is deterministic: the same seed writes identical voxels', async () => {
    const a = path.join(dir, 'a'), b = path.join(dir, 'b');
    await phantom.run(['--out', a, '--seed', '9', '--size', 'small', '--quiet']);
    await phantom.run(['--out', b, '--seed', '9', '--size', 'small', '--quiet']);
    const va = await readVolume(path.join(a, 'portal_venous.nii.gz'));
    const vb = await readVolume(path.join(b, 'portal_venous.nii.gz'));
    expect(Buffer.from(va.data.buffer).equals(Buffer.from(vb.data.buffer))).toBe(true);
    expect(fs.readFileSync(path.join(a, 'manifest.json'), 'utf8')).toBe(fs.readFileSync(path.join(b, 'manifest.json'), 'utf8'));
  });

  it('writes one entry per timepoint, and DICOM series with a SEG on request', async () => {
    const out = path.join(dir, 'p2');
    expect(await phantom.run(['--out', out, '--seed', '4', '--lesions', '1', '--timepoints', '2', '--dims', '32,32,12', '--spacing', '6,6,12', '--dicom', '--quiet'])).toBe(0);
    const m = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(m.timepoints.map((t: { phases: { NATIVE: string } }) => t.phases.NATIVE)).toEqual(['t0/native.nii.gz', 't1/native.nii.gz']);
    for (const t of m.timepoints) expect(fs.existsSync(path.join(out, t.lesionMask))).toBe(true);
    const pv = await readVolume(path.join(out, 'dicom', 't0', 'portal_venous'));
    expect(pv.dims).toEqual([32, 32, 12]);
    expect(pv.metadata.synthetic).toBe(true);
    const seg = await readDicomSeg(path.join(out, 'dicom', 't0', 'seg.dcm'), pv);
    const liver = await readVolume(path.join(out, 't0', 'liver_mask.nii.gz'));
    let agree = 0;
    for (let i = 0; i < liver.data.length; i++) if ((seg.labelmap.data[i] > 0 ? 1 : 0) === liver.data[i]) agree++;
    expect(agree).toBe(liver.data.length);
  });

  it('rejects bad options', async () => {
    await expect(phantom.run(['--seed', '1'])).rejects.toThrow(/--out is required/);
    await expect(phantom.run(['--out', dir])).rejects.toThrow(/--seed is required/);
    await expect(phantom.run(['--out', dir, '--seed', 'x'])).rejects.toThrow(CliError);
    await expect(phantom.run(['--out', dir, '--seed', '1', '--timepoints', '0'])).rejects.toThrow(/--timepoints must be an integer in 1\.\.10/);
    await expect(phantom.run(['--out', dir, '--seed', '1', '--size', 'huge'])).rejects.toThrow(/--size must be one of/);
    await expect(phantom.run(['--out', dir, '--seed', '1', '--types', 'HCC,ADENOMA'])).rejects.toThrow(/unknown lesion type "ADENOMA"/);
  });
});
