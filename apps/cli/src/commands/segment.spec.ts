import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dice, readVolume, writeVolume } from '@hepatoscope/imaging-io';
import { generatePhantom } from '@hepatoscope/phantoms';
import phantom from './phantom';
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

  it('grows a barely-enhancing HCC from a click on all phases of a phantom manifest (--phases)', async () => {
    const phDir = path.join(dir, 'ph1003');
    expect(await phantom.run(['--out', phDir, '--seed', '1003', '--lesions', '3', '--quiet'])).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(phDir, 'manifest.json'), 'utf8'));
    const lesionMask = await readVolume(path.join(phDir, manifest.lesionMask));
    const art = path.join(phDir, manifest.phases.ARTERIAL);
    const artVol = await readVolume(art);
    const l = manifest.lesions.find((x: { type: string; label: number }) => x.type === 'HCC' && x.label === 1);
    expect(l).toBeDefined();
    const click = l.centerMm.map((x: number, a: number) => Math.round((x - artVol.origin[a]) / artVol.spacing[a]));
    const grow = async (name: string, extra: string[]) => {
      const out = path.join(dir, name);
      expect(await segment.run(['--image', art, '--out', out, '--seed', click.join(','), '--multiplier', '2', '--max-radius', String(l.diameterMm), '--quiet', ...extra])).toBe(0);
      return dice((await readVolume(out)).data, lesionMask.data, 1, l.label);
    };
    const single = await grow('hcc-single.nii.gz', []);
    const multi = await grow('hcc-multi.nii.gz', ['--phases', path.join(phDir, 'manifest.json')]);
    expect(multi).toBeGreaterThan(0.7);
    expect(multi).toBeGreaterThan(single + 0.2);
    const list = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'].map((k) => path.join(phDir, manifest.phases[k])).join(',');
    expect(await grow('hcc-list.nii.gz', ['--phases', list])).toBeCloseTo(multi, 6);
  });

  it('reports bad input clearly', async () => {
    await expect(segment.run(['--out', 'x.nii'])).rejects.toThrow(/--image is required/);
    await expect(segment.run(['--image', path.join(dir, 'missing.nii'), '--out', path.join(dir, 'x.nii')])).rejects.toThrow(/missing\.nii does not exist/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--seed', '1,2'])).rejects.toThrow(/--seed must be three integers/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--seed', '500,2,2'])).rejects.toThrow(/outside the image/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--method', 'magic'])).rejects.toThrow(/--method must be classical or onnx/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--refine', 'snake'])).rejects.toThrow(/--refine must be none, lesions, liver or both/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--phases', 'a.nii,b.nii'])).rejects.toThrow(/--phases needs --seed/);
    await expect(segment.run(['--image', path.join(dir, 'pv.nii.gz'), '--out', 'x.nii', '--seed', '1,2,3', '--phases', 'a.nii'])).rejects.toThrow(/at least two phase images/);
  });
});
