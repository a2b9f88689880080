import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dice, readVolume, writeVolume } from '@hepatoscope/imaging-io';
import { generatePhantom } from '@hepatoscope/phantoms';
import segment from './segment';

let dir: string;
const tp = generatePhantom({ seed: 21, lesions: 2, lesionTypes: ['CYST', 'METASTASIS'] }).timepoints[0];
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-segment-'));
  await writeVolume(path.join(dir, 'pv.nii.gz'), tp.phases.PORTAL_VENOUS);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('hepatoscope segment', () => {
  it('segments liver and tumours classically (LiTS labels) and writes lesion instances', async () => {
    const out = path.join(dir, 'mask.nii.gz');
    const inst = path.join(dir, 'inst.nii.gz');
    expect(await segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', out, '--instances', inst, '--quiet'])).toBe(0);
    const mask = await readVolume(out);
    expect(mask.dims).toEqual(tp.liverMask.dims);
    expect(new Set(Array.from(mask.data))).toEqual(new Set([0, 1, 2]));
    expect(dice(mask.data.map((v) => (v ? 1 : 0)), tp.liverMask.data)).toBeGreaterThan(0.9);
    expect(dice(mask.data.map((v) => (v === 2 ? 1 : 0)), tp.lesionMask.data.map((v) => (v ? 1 : 0)))).toBeGreaterThan(0.5);
    const instances = await readVolume(inst);
    expect(instances.dtype).toBe('uint16');
    let maxLabel = 0;
    for (let i = 0; i < instances.data.length; i++) maxLabel = Math.max(maxLabel, instances.data[i]);
    expect(maxLabel).toBeGreaterThanOrEqual(2);
  });

  it('--refine none skips the level set; the default (lesions) is at least as good on this phantom', async () => {
    const lesions = tp.lesionMask.data.map((v) => (v ? 1 : 0));
    const tumourDice = async (extra: string[]) => {
      const out = path.join(dir, `r-${extra.join('-') || 'default'}.nii.gz`);
      const log = jest.spyOn(console, 'log').mockImplementation(() => {});
      expect(await segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', out, '--quiet', '--json', ...extra])).toBe(0);
      const summary = JSON.parse(log.mock.calls.map((c) => c.join(' ')).join('\n'));
      log.mockRestore();
      const mask = await readVolume(out);
      return { d: dice(mask.data.map((v) => (v === 2 ? 1 : 0)), lesions), refine: summary.refine };
    };
    const none = await tumourDice(['--refine', 'none']);
    const ls = await tumourDice([]);
    expect(none.refine).toBe('none');
    expect(ls.refine).toBe('lesions');
    expect(ls.d).toBeGreaterThan(0.5);
    expect(ls.d).toBeGreaterThanOrEqual(none.d - 0.01);
  });

  it('grows a region from --seed', async () => {
    const cyst = tp.lesions[0];
    const v = tp.phases.PORTAL_VENOUS;
    const c = cyst.centerMm.map((x, a) => Math.round((x - v.origin[a]) / v.spacing[a]));
    const out = path.join(dir, 'cyst.nii.gz');
    expect(await segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', out, '--seed', c.join(','), '--label', '2', '--quiet'])).toBe(0);
    const mask = await readVolume(out);
    expect(dice(mask.data, tp.lesionMask.data, 2, cyst.label)).toBeGreaterThan(0.7);
  });

  it('reports bad input clearly', async () => {
    await expect(segment.run(['--out', 'x.nii'])).rejects.toThrow(/--image is required/);
    await expect(segment.run(['--image', path.join(dir, 'missing.nii'), '--out', path.join(dir, 'x.nii')])).rejects.toThrow(/missing\.nii does not exist/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--seed', '1,2'])).rejects.toThrow(/--seed must be three integers/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--seed', '500,2,2'])).rejects.toThrow(/outside the image/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--method', 'magic'])).rejects.toThrow(/--method must be classical or onnx/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--refine', 'snake'])).rejects.toThrow(/--refine must be none, lesions, liver or both/);
  });
});
