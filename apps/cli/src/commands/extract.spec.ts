import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeDicomSeg, writeDicomSeries, writeVolume, IDENTITY_DIRECTION, LITS_SEGMENTS, type Volume } from '@hepatoscope/imaging-io';
import { CliError } from '../command';
import extract, { parseYamlSubset, fromPyRadiomicsFeatureClass, fromPyRadiomicsImageTypes, fromPyRadiomicsSettings } from './extract';

const PHANTOM = path.join(path.dirname(require.resolve('@hepatoscope/radiomics/package.json')), 'fixtures', 'ibsi1', 'ibsi_1_digital_phantom', 'nifti');
const IMAGE = path.join(PHANTOM, 'image', 'phantom.nii.gz');
const MASK = path.join(PHANTOM, 'mask', 'mask.nii.gz');

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-extract-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function vol(data: Float32Array | Uint8Array, dims: [number, number, number], spacing: [number, number, number] = [1, 1, 1]): Volume {
  return { data, dims, spacing, origin: [0, 0, 0], direction: IDENTITY_DIRECTION, dtype: data instanceof Uint8Array ? 'uint8' : 'float32', metadata: {} };
}

async function runQuiet(args: string[]): Promise<number> {
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try { return await extract.run(args); } finally { err.mockRestore(); }
}

describe('hepatoscope extract', () => {
  it('extracts the IBSI digital phantom with the ibsi-digital-phantom preset (JSON)', async () => {
    const out = path.join(dir, 'phantom.json');
    expect(await runQuiet(['--image', IMAGE, '--mask', MASK, '--preset', 'ibsi-digital-phantom', '--out', out])).toBe(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(j.provenance.settingsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(j.provenance.image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(j.provenance.software).toMatch(/hepatoscope-radiomics/);
    const byName = new Map(j.features.map((f: { name: string; value: number }) => [f.name, f]));
    expect((byName.get('morph_volume') as { value: number }).value).toBeCloseTo(556.333, 2);
    expect(byName.get('stat_mean')).toMatchObject({ family: 'intensity-based statistics', ibsiCode: 'Q4LE', imageType: 'original' });
    expect((byName.get('glszm_sze_3D') as { value: number }).value).toBeCloseTo(0.255, 3);
    for (const f of j.features) if (f.value === null) expect(f.reason).toBeTruthy();
  });

  it('writes one CSV row per lesion with --all-labels', async () => {
    const dims: [number, number, number] = [12, 10, 8];
    const n = 12 * 10 * 8;
    const img = new Float32Array(n).map((_, i) => (i * 37) % 101);
    const m = new Uint8Array(n);
    for (let z = 1; z < 4; z++) for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) m[x + 12 * (y + 10 * z)] = 1;
    for (let z = 5; z < 7; z++) for (let y = 6; y < 9; y++) for (let x = 7; x < 11; x++) m[x + 12 * (y + 10 * z)] = 1;
    const ip = path.join(dir, 'img.nii.gz'), mp = path.join(dir, 'mask.nrrd');
    await writeVolume(ip, vol(img, dims, [0.8, 0.8, 2]));
    await writeVolume(mp, vol(m, dims, [0.8, 0.8, 2]));
    const out = path.join(dir, 'features.csv');
    expect(await runQuiet(['--image', ip, '--mask', mp, '--all-labels', '--out', out])).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const head = lines[0].split(',');
    expect(head.slice(0, 6)).toEqual(['image', 'mask', 'label', 'component', 'region', 'voxels']);
    expect(lines.slice(1).map((l) => l.split(',')[5])).toEqual(['27', '24']);
    const vIdx = head.indexOf('morph_vol_approx');
    expect(Number(lines[1].split(',')[vIdx])).toBeCloseTo(27 * 0.8 * 0.8 * 2, 5); // spacing is stored as float32 in the files
  });

  it('adds peritumoural rings clipped to the liver label (LiTS-style mask: 1 liver, 2 tumour)', async () => {
    const dims: [number, number, number] = [20, 20, 10];
    const n = 20 * 20 * 10;
    const img = new Float32Array(n).map((_, i) => 50 + ((i * 13) % 17));
    const m = new Uint8Array(n);
    for (let z = 0; z < 10; z++) for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) {
      const i = x + 20 * (y + 20 * z);
      if (x < 16) m[i] = 1; // liver
      if ((x - 8) ** 2 + (y - 10) ** 2 + (z - 5) ** 2 <= 9) m[i] = 2; // tumour
    }
    const ip = path.join(dir, 'lits-img.nii.gz'), mp = path.join(dir, 'lits-mask.nii.gz');
    await writeVolume(ip, vol(img, dims));
    await writeVolume(mp, vol(m, dims));
    const out = path.join(dir, 'rings.json');
    expect(await runQuiet(['--image', ip, '--mask', mp, '--all-labels', '--liver-label', '1', '--rings', '2,4', '--out', out])).toBe(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(j.rows.map((r: { region: string; label: number }) => `${r.label}:${r.region}`)).toEqual(['2:lesion', '2:ring-2mm', '2:ring-4mm']);
    const vox = j.rows.map((r: { voxels: number }) => r.voxels);
    expect(vox[1]).toBeGreaterThan(0);
    expect(vox[2]).toBeGreaterThan(vox[1]);
    const oh = path.join(dir, 'habitats.json');
    expect(await runQuiet(['--image', ip, '--mask', mp, '--label', '2', '--habitats', '2', '--out', oh])).toBe(0);
    const hj = JSON.parse(fs.readFileSync(oh, 'utf8'));
    expect(hj.rows.map((r: { region: string }) => r.region)).toEqual(['lesion', 'habitat-1-of-2', 'habitat-2-of-2']);
    const frac = hj.rows.slice(1).map((r: { features: { name: string; value: number }[] }) => r.features.find((f) => f.name === 'habitat_fraction')!.value);
    expect(frac[0] + frac[1]).toBeCloseTo(1, 12);
  });

  it('runs a PyRadiomics batch file, in one process and with --jobs 2, with the same result', async () => {
    const csv = path.join(dir, 'cases.csv');
    fs.writeFileSync(csv, `Image,Mask,Label\n${IMAGE},${MASK},1\n${IMAGE},${MASK},\n`);
    const o1 = path.join(dir, 'batch1.csv'), o2 = path.join(dir, 'batch2.csv');
    expect(await runQuiet(['--batch', csv, '--preset', 'ibsi-digital-phantom', '--out', o1])).toBe(0);
    expect(await runQuiet(['--batch', csv, '--preset', 'ibsi-digital-phantom', '--jobs', '2', '--out', o2])).toBe(0);
    const a = fs.readFileSync(o1, 'utf8').trim().split('\n');
    expect(a).toHaveLength(3);
    expect(fs.readFileSync(o2, 'utf8')).toBe(fs.readFileSync(o1, 'utf8'));
    const oj = path.join(dir, 'batch.json');
    expect(await runQuiet(['--batch', csv, '--preset', 'ibsi-digital-phantom', '--jobs', '2', '--out', oj])).toBe(0);
    const j = JSON.parse(fs.readFileSync(oj, 'utf8'));
    expect(j.rows).toHaveLength(2);
    expect(j.rows[0].imageSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(j.rows[0].features.find((f: { name: string }) => f.name === 'morph_volume').value).toBeCloseTo(556.333, 2);
  });

  it('accepts a PyRadiomics-style params JSON', async () => {
    const p = path.join(dir, 'params.json');
    fs.writeFileSync(p, JSON.stringify({ setting: { binWidth: 1, label: 1 }, imageType: { Original: {} } }));
    const out = path.join(dir, 'py.json');
    expect(await runQuiet(['--image', IMAGE, '--mask', MASK, '--params', p, '--out', out])).toBe(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(j.provenance.settings.discretisation).toEqual({ method: 'fbs', binWidth: 1, lowerBound: 'pyradiomics' });
    expect(fromPyRadiomicsSettings({ binCount: 32, resampledPixelSpacing: [1, 1, 0], interpolator: 'sitkLinear' }).settings).toMatchObject({ discretisation: { method: 'fbn', binCount: 32 }, resampling: { spacing: [1, 1, null], interpolator: 'linear' } });
    expect(() => fromPyRadiomicsSettings({ normalize: true })).toThrow(/not supported/);
    // PyRadiomics' example Params.yaml leaves resampledPixelSpacing and weightingNorm empty (YAML null)
    const example = parseYamlSubset(['setting:', '  binWidth: 25', '  label: 1', "  interpolator: 'sitkBSpline' # enumerated", '  resampledPixelSpacing: # None: no resampling', '  weightingNorm: # None', ''].join('\n'));
    const m = fromPyRadiomicsSettings(example.setting as Record<string, unknown>);
    expect(m.label).toBe(1);
    expect(m.settings).not.toHaveProperty('resampling');
    expect(m.settings).not.toHaveProperty('pyradiomicsTexture');
    expect(fromPyRadiomicsImageTypes({ Original: {}, LoG: { sigma: [1, 3] }, Wavelet: {}, Square: {} })).toEqual({
      original: true, log: { sigmaMm: [1, 3], implementation: 'pyradiomics' }, wavelet: { wavelet: 'coif1', level: 1, startLevel: 0 }, square: true,
    });
    expect(() => fromPyRadiomicsImageTypes({ LBP3D: {} })).toThrow(/LBP3D/);
    expect(fromPyRadiomicsFeatureClass(undefined)).toEqual(['firstorder', 'shape', 'pyradiomics-texture']);
    expect(fromPyRadiomicsFeatureClass({ firstorder: [], glcm: null })).toEqual(['firstorder', 'pyradiomics-texture']);
    expect(() => fromPyRadiomicsFeatureClass({ foo: [] })).toThrow(/foo/);
  });

  it('names PyRadiomics-class features PyRadiomics-style with --naming pyradiomics', async () => {
    const out = path.join(dir, 'py-names.csv');
    expect(await runQuiet(['--image', IMAGE, '--mask', MASK, '--preset', 'pyradiomics-default', '--naming', 'pyradiomics', '--out', out])).toBe(0);
    const head = fs.readFileSync(out, 'utf8').split('\n')[0].split(',');
    expect(head).toContain('original_firstorder_Mean');
    expect(head).toContain('original_shape_Maximum2DDiameterSlice');
    expect(head).toContain('original_glcm_JointEnergy');
    expect(head).toContain('original_gldm_DependenceEntropy');
  });

  it('reads PyRadiomics YAML parameter files', async () => {
    const yaml = `# PyRadiomics params
imageType:
  Original: {}
  LoG:
    sigma: [1.0, 3.0]  # mm
featureClass:
  shape:
  firstorder: []
  glcm:
    - JointEnergy
    - Contrast
setting:
  binWidth: 25
  label: 1
  interpolator: 'sitkBSpline'
  resampledPixelSpacing: [2, 2, 2]
  force2D: false
`;
    expect(parseYamlSubset(yaml)).toEqual({
      imageType: { Original: {}, LoG: { sigma: [1, 3] } },
      featureClass: { shape: {}, firstorder: [], glcm: ['JointEnergy', 'Contrast'] },
      setting: { binWidth: 25, label: 1, interpolator: 'sitkBSpline', resampledPixelSpacing: [2, 2, 2], force2D: false },
    });
    expect(() => parseYamlSubset('a: {b: 1}')).toThrow(/line 1/);
    const p = path.join(dir, 'params.yaml');
    fs.writeFileSync(p, yaml.replace('resampledPixelSpacing: [2, 2, 2]', 'resampledPixelSpacing: [2, 2, 2]\n  voxelArrayShift: 0').replace('  voxelArrayShift: 0\n', ''));
    const out = path.join(dir, 'yaml.json');
    expect(await runQuiet(['--image', IMAGE, '--mask', MASK, '--params', p, '--naming', 'pyradiomics', '--out', out])).toBe(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    const names = j.features.map((f: { name: string }) => f.name);
    expect(names).toContain('original_firstorder_Mean');
    expect(names).toContain('log-sigma-3-0-mm-3D_firstorder_Mean');
    expect(names).toContain('original_glcm_JointEnergy');
  });

  it('reads a DICOM series image with a DICOM SEG mask (LiTS labels: 1 liver, 2 tumour)', async () => {
    const dims: [number, number, number] = [16, 16, 6];
    const n = 16 * 16 * 6;
    const img = vol(new Float32Array(n).map((_, i) => 40 + ((i * 13) % 50)), dims, [0.8, 0.8, 2]);
    img.dtype = 'float32';
    const lab = new Uint8Array(n);
    for (let z = 1; z < 5; z++) for (let y = 2; y < 14; y++) for (let x = 2; x < 14; x++) lab[x + 16 * (y + 16 * z)] = 1;
    for (let z = 2; z < 4; z++) for (let y = 6; y < 9; y++) for (let x = 6; x < 9; x++) lab[x + 16 * (y + 16 * z)] = 2;
    const ser = await writeDicomSeries(path.join(dir, 'ct'), img);
    const segPath = path.join(dir, 'seg.dcm');
    await writeDicomSeg(segPath, { ...img, data: lab, dtype: 'uint8' }, LITS_SEGMENTS, ser.paths);
    const out = path.join(dir, 'seg.json');
    expect(await runQuiet(['--image', path.join(dir, 'ct'), '--mask', segPath, '--label', '2', '--out', out])).toBe(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    const v = j.features.find((f: { name: string }) => f.name === 'morph_vol_approx').value;
    expect(v).toBeCloseTo(18 * 0.8 * 0.8 * 2, 3);
  });

  it('--params (PyRadiomics YAML) --naming pyradiomics reproduces PyRadiomics-published values (brain2, breast1)', async () => {
    const fx = path.join(path.dirname(require.resolve('@hepatoscope/radiomics/package.json')), 'fixtures', 'pyradiomics');
    const golden = JSON.parse(fs.readFileSync(path.join(fx, 'baseline.json'), 'utf8')) as { features: Record<string, Record<string, number>> };
    const yaml = path.join(dir, 'pyradiomics-baseline.yaml');
    // the settings of PyRadiomics' baseline columns (data/baseline/baseline_*.csv)
    fs.writeFileSync(yaml, ['imageType:', '  Original: {}', 'setting:', '  binWidth: 25', '  label: 1', '  voxelArrayShift: 2000', '  distances: [1]', '  gldm_a: 0', '  weightingNorm: ~', '  padDistance: 5', '  interpolator: ~', '  resampledPixelSpacing: ~', ''].join('\n'));
    for (const c of ['brain2', 'breast1']) {
      const out = path.join(dir, `${c}-py.json`);
      expect(await runQuiet(['--image', path.join(fx, `${c}_image.nii.gz`), '--mask', path.join(fx, `${c}_label.nii.gz`), '--params', yaml, '--naming', 'pyradiomics', '--out', out])).toBe(0);
      const got = new Map((JSON.parse(fs.readFileSync(out, 'utf8')).features as { name: string; value: number }[]).map((f) => [f.name, f.value]));
      const ref = golden.features[c];
      expect(Object.keys(ref)).toHaveLength(107);
      // the fixtures store spacing as float32 (relative 1e-8), far inside 1e-6
      for (const [name, v] of Object.entries(ref)) expect({ name, rel: Math.abs((got.get(name) as number) - v) / Math.max(Math.abs(v), 1e-300) <= 1e-6 }).toEqual({ name, rel: true });
    }
    expect(fromPyRadiomicsSettings({ distances: [1, 2] }).settings.pyradiomicsTexture).toEqual({ distances: [1, 2] });
    expect(fromPyRadiomicsSettings({ symmetricalGLCM: false }).settings.pyradiomicsTexture).toEqual({ symmetricalGLCM: false });
    expect(fromPyRadiomicsSettings({ weightingNorm: 'euclidean' }).settings.pyradiomicsTexture).toEqual({ weightingNorm: 'euclidean' });
    expect(fromPyRadiomicsSettings({ distances: [1], symmetricalGLCM: true, weightingNorm: null }).settings.pyradiomicsTexture).toBeUndefined();
    expect(() => fromPyRadiomicsSettings({ distances: [0] })).toThrow(/distances must be a non-empty list of positive integers, got \[0\]/);
    expect(() => fromPyRadiomicsSettings({ symmetricalGLCM: 'no' })).toThrow(/symmetricalGLCM must be true or false/);
    expect(() => fromPyRadiomicsSettings({ weightingNorm: 'l2' })).toThrow(/weightingNorm must be one of manhattan, euclidean, infinity, no_weighting or None, got "l2"/);
    expect(fromPyRadiomicsSettings({ voxelArrayShift: 1000, gldm_a: 1 }).settings).toMatchObject({ voxelArrayShift: 1000, texture: { ngldmAlpha: 1 }, padDistance: 5 });
  });

  it('--params with PyRadiomics symmetricalGLCM: False runs the asymmetric GLCM (other classes unchanged)', async () => {
    const fx = path.join(path.dirname(require.resolve('@hepatoscope/radiomics/package.json')), 'fixtures', 'pyradiomics');
    const golden = JSON.parse(fs.readFileSync(path.join(fx, 'baseline.json'), 'utf8')) as { features: Record<string, Record<string, number>> };
    const yaml = path.join(dir, 'asym.yaml');
    fs.writeFileSync(yaml, ['imageType:', '  Original: {}', 'featureClass:', '  glcm:', '  glrlm:', 'setting:', '  binWidth: 25', '  label: 1', '  symmetricalGLCM: False', '  weightingNorm: ~', ''].join('\n'));
    const out = path.join(dir, 'asym.json');
    expect(await runQuiet(['--image', path.join(fx, 'brain2_image.nii.gz'), '--mask', path.join(fx, 'brain2_label.nii.gz'), '--params', yaml, '--naming', 'pyradiomics', '--out', out])).toBe(0);
    const j = JSON.parse(fs.readFileSync(out, 'utf8'));
    const got = new Map((j.features as { name: string; value: number }[]).map((f) => [f.name, f.value]));
    const ref = golden.features.brain2;
    const rel = (n: string) => Math.abs((got.get(n) as number) - ref[n]) / Math.abs(ref[n]);
    expect(rel('original_glcm_Contrast')).toBeLessThan(1e-6); // a function of |i − j|: the same both ways
    expect(rel('original_glcm_JointEnergy')).toBeGreaterThan(1e-3); // the asymmetric joint distribution
    expect(rel('original_glrlm_RunPercentage')).toBeLessThan(1e-6);
    expect(JSON.stringify(j.provenance.settings)).toContain('"symmetricalGLCM":false');
  });

  it('bin/hepatoscope.js runs extract from its cached bundle with the in-process values, and --jobs 2 workers through it', async () => {
    const { spawnSync } = await import('node:child_process');
    const bin = path.join(__dirname, '..', '..', 'bin', 'hepatoscope.js');
    const ref = path.join(dir, 'bin-ref.json');
    expect(await runQuiet(['--image', IMAGE, '--mask', MASK, '--preset', 'ibsi-digital-phantom', '--out', ref])).toBe(0);
    const env = { ...process.env, HEPATOSCOPE_TIMING: '1' };
    const run = (args: string[]) => spawnSync(process.execPath, [bin, 'extract', ...args], { encoding: 'utf8', env });
    const out = path.join(dir, 'bin.json');
    for (let k = 0; k < 2; k++) {
      // the first run may build the bundle; the second loads it
      const r = run(['--image', IMAGE, '--mask', MASK, '--preset', 'ibsi-digital-phantom', '--out', out]);
      expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0, stderr: expect.stringMatching(/extract timing \(bundle\)/) });
    }
    const a = JSON.parse(fs.readFileSync(ref, 'utf8')), b = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(b.features).toHaveLength(a.features.length);
    expect(b).toEqual(a);
    // the first successful run left a V8 code cache beside the bundle; the second ran with it
    const { bundleFor, codeCachePath } = require('../../bin/bundle') as { bundleFor: (c: string) => Promise<string | null>; codeCachePath: (f: string) => string };
    const bundle = await bundleFor('extract');
    expect(bundle && fs.existsSync(codeCachePath(bundle))).toBe(true);
    // --jobs 2: the parent starts its workers through bin/hepatoscope.js as well
    const csv = path.join(dir, 'bin-batch.csv');
    fs.writeFileSync(csv, `Image,Mask\n${IMAGE},${MASK}\n${IMAGE},${MASK}\n`);
    const bo = path.join(dir, 'bin-batch.json');
    const r2 = run(['--batch', csv, '--preset', 'ibsi-digital-phantom', '--jobs', '2', '--out', bo]);
    expect({ status: r2.status, stderr: r2.stderr }).toMatchObject({ status: 0 });
    const rows = JSON.parse(fs.readFileSync(bo, 'utf8')).rows;
    expect(rows).toHaveLength(2);
    expect(rows[1].features).toEqual(a.features);
    // HEPATOSCOPE_CLI_TSX=1 falls back to tsx
    const r3 = spawnSync(process.execPath, [bin, 'extract', '--image', IMAGE, '--mask', MASK, '--preset', 'ibsi-digital-phantom', '--out', out], { encoding: 'utf8', env: { ...env, HEPATOSCOPE_CLI_TSX: '1' } });
    expect(r3.stderr).toMatch(/extract timing \(tsx\)/);
  }, 120_000);

  it('the bundle counts as fresh only while every recorded input keeps its mtime (and Node, format, commands match)', async () => {
    const { fresh, BUNDLED_COMMANDS, FORMAT } = require('../../bin/bundle') as { fresh: (p: string) => boolean; BUNDLED_COMMANDS: string[]; FORMAT: number };
    const input = path.join(dir, 'input.ts');
    fs.writeFileSync(input, 'export {};\n');
    const manifest = path.join(dir, 'manifest.json');
    const write = (m: Record<string, unknown>) => fs.writeFileSync(manifest, JSON.stringify({ format: FORMAT, node: process.version, commands: BUNDLED_COMMANDS, inputs: { [input]: fs.statSync(input).mtimeMs }, ...m }));
    write({});
    expect(fresh(manifest)).toBe(true);
    fs.utimesSync(input, new Date(), new Date(Date.now() + 5000));
    expect(fresh(manifest)).toBe(false);
    write({});
    expect(fresh(manifest)).toBe(true);
    write({ node: 'v0.0.0' });
    expect(fresh(manifest)).toBe(false);
    write({ inputs: { [path.join(dir, 'gone.ts')]: 1 } });
    expect(fresh(manifest)).toBe(false);
    expect(fresh(path.join(dir, 'no-manifest.json'))).toBe(false);
  });

  it('loadBundle: runs a CommonJS file through vm.Script, writes its V8 code cache once, uses it, and never for another version', async () => {
    const { loadBundle, codeCachePath } = require('../../bin/bundle') as {
      loadBundle: (f: string, o?: { codeCache?: boolean }) => { exports: { twice: (x: number) => number; file: string; fs: boolean }; cacheUsed: boolean; saveCodeCache: () => boolean };
      codeCachePath: (f: string) => string;
    };
    const file = path.join(dir, 'mini.cjs');
    const source = (k: number) => `'use strict';\nexports.twice = (x) => ${k} * x;\nexports.file = __filename;\nexports.fs = typeof require('node:fs').readFileSync === 'function';\n`;
    fs.writeFileSync(file, source(2));
    const first = loadBundle(file);
    expect(first.cacheUsed).toBe(false);
    expect([first.exports.twice(21), first.exports.file, first.exports.fs]).toEqual([42, file, true]);
    expect(first.saveCodeCache()).toBe(true);
    expect(fs.existsSync(codeCachePath(file))).toBe(true);
    const second = loadBundle(file);
    expect(second.cacheUsed).toBe(true);
    expect(second.exports.twice(21)).toBe(42);
    expect(second.saveCodeCache()).toBe(false); // nothing to refresh
    expect(loadBundle(file, { codeCache: false }).cacheUsed).toBe(false);
    // a new version of the same length (V8 alone would accept the old cache): another cache name, old caches removed on save
    const oldCache = codeCachePath(file);
    fs.writeFileSync(file, source(3));
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(codeCachePath(file)).not.toBe(oldCache);
    const third = loadBundle(file);
    expect([third.cacheUsed, third.exports.twice(21)]).toEqual([false, 63]);
    expect(third.saveCodeCache()).toBe(true);
    expect([fs.existsSync(oldCache), fs.existsSync(codeCachePath(file))]).toEqual([false, true]);
  });

  it('reports user errors as CliError with what was wrong', async () => {
    await expect(extract.run(['--image', IMAGE])).rejects.toThrow(CliError);
    await expect(runQuiet(['--image', IMAGE, '--mask', MASK, '--label', '7'])).rejects.toThrow(/label 7 is not in the mask; labels present: 1/);
    await expect(runQuiet(['--image', IMAGE, '--mask', MASK, '--preset', 'nope'])).rejects.toThrow(/presets: ibsi-digital-phantom/);
    const other = path.join(dir, 'other.nii.gz');
    await writeVolume(other, vol(new Uint8Array(80).fill(1), [5, 4, 4], [1, 1, 1]));
    await expect(runQuiet(['--image', IMAGE, '--mask', other])).rejects.toThrow(/geometries differ/);
  });

  it('bad input: names both geometries / directions, refuses NaN and Inf voxels, lists the labels of an empty mask', async () => {
    const dims: [number, number, number] = [6, 5, 4];
    const n = 6 * 5 * 4;
    const img = new Float32Array(n).map((_, i) => 10 + (i % 7));
    const m = new Uint8Array(n);
    m[1 + 6 * (1 + 5 * 1)] = 1; m[2 + 6 * (1 + 5 * 1)] = 1;
    const ip = path.join(dir, 'bad-img.nii.gz'), mp = path.join(dir, 'bad-mask.nii.gz');
    await writeVolume(ip, vol(img, dims, [1, 1, 2]));
    await writeVolume(mp, vol(m, dims, [1, 1, 2]));
    // geometry: the message carries both sizes/spacings
    const shifted = path.join(dir, 'bad-spacing.nii.gz');
    await writeVolume(shifted, vol(m, dims, [1, 1, 3]));
    await expect(runQuiet(['--image', ip, '--mask', shifted])).rejects.toThrow(/image: size 6×5×4, spacing 1×1×2 mm.*mask: size 6×5×4, spacing 1×1×3 mm/);
    // direction
    const rotated = path.join(dir, 'bad-direction.nrrd');
    await writeVolume(rotated, { ...vol(m, dims, [1, 1, 2]), direction: [0, 1, 0, 1, 0, 0, 0, 0, 1] });
    await expect(runQuiet(['--image', ip, '--mask', rotated])).rejects.toThrow(/directions differ — image: \[1, 0, 0, 0, 1, 0, 0, 0, 1\]; mask: \[0, 1, 0, 1, 0, 0, 0, 0, 1\]/);
    // NaN / Inf voxels
    for (const bad of [NaN, Infinity]) {
      const nanImg = Float32Array.from(img);
      nanImg[3] = bad;
      const np = path.join(dir, `bad-${bad}.nii.gz`);
      await writeVolume(np, vol(nanImg, dims, [1, 1, 2]));
      await expect(runQuiet(['--image', np, '--mask', mp])).rejects.toThrow(new RegExp(`non-finite voxel \\(${bad}\\)`));
    }
    // empty mask, and a missing label
    const empty = path.join(dir, 'bad-empty.nii.gz');
    await writeVolume(empty, vol(new Uint8Array(n), dims, [1, 1, 2]));
    await expect(runQuiet(['--image', ip, '--mask', empty])).rejects.toThrow(/no lesion voxel; labels present: none/);
    await expect(runQuiet(['--image', ip, '--mask', mp, '--label', '2'])).rejects.toThrow(/label 2 is not in the mask; labels present: 1/);
  });
});
