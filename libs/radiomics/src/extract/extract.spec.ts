import { loadIbsiPhantom, loadIbsiReferenceRows, rowMatches } from '../testing/ibsi-phantom';
import { resampleImage, resampleMask } from '../processing/resample';
import { logFilter } from '../filters';
import { intensityStatistics } from '../features/intensity-statistics';
import { roiValues } from '../roi';
import type { Dims3, Image3D, Mask3D, Vec3 } from '../types';
import { describeFeature, extractFeatures, extractFeaturesPerLabel, pyradiomicsName } from './extract';
import { canonicalJson, sha256Hex } from './hash';
import { ALL_FAMILIES, parseExtractSettings, presetSettings, settingsHash } from './settings';

const FAMILY_SHORT: Record<string, string> = {
  'grey level co-occurrence matrix': 'glcm',
  'grey level run length matrix': 'glrlm',
  'grey level size zone matrix': 'glszm',
  'grey level distance zone matrix': 'gldzm',
  'neighbourhood grey tone difference matrix': 'ngtdm',
  'neighbouring grey level dependence matrix': 'ngldm',
};

describe('extractFeatures on the IBSI digital phantom (preset ibsi-digital-phantom)', () => {
  const { image, mask } = loadIbsiPhantom();
  const res = extractFeatures(image, mask, presetSettings('ibsi-digital-phantom'));

  it('reproduces every IBSI 1 phantom reference row (all 11 families, all aggregations)', () => {
    const index = new Map<string, string>();
    for (const key of Object.keys(res.features)) {
      const d = describeFeature(key);
      const code = /\(([0-9A-Z]{4})\)$/.exec(d.aggregation)?.[1] ?? 'DHQ4';
      const fam = d.family;
      index.set(`${fam}|${d.feature.toLowerCase()}|${code}`, key);
    }
    const rows = loadIbsiReferenceRows();
    const counts = new Map<string, { pass: number; total: number }>();
    const failures: string[] = [];
    for (const r of rows) {
      const fam = FAMILY_SHORT[r.family] ?? r.family;
      const key = index.get(`${fam}|${r.feature.toLowerCase()}|${r.aggregationCode}`);
      const c = counts.get(r.family) ?? { pass: 0, total: 0 };
      c.total++;
      if (key && rowMatches(r, res.features[key])) c.pass++;
      else failures.push(`${r.family} / ${r.feature} / ${r.aggregation || '-'}: ${key ? `${key} = ${res.features[key]}` : 'no feature'} vs ${r.valueText}`);
      counts.set(r.family, c);
    }
    const tot = [...counts.values()].reduce((a, c) => ({ pass: a.pass + c.pass, total: a.total + c.total }), { pass: 0, total: 0 });
    console.log(`extract pipeline vs IBSI 1 phantom: ${tot.pass} / ${tot.total}\n${[...counts].map(([f, c]) => `  ${f}: ${c.pass}/${c.total}`).join('\n')}${failures.length ? '\n' + failures.slice(0, 30).join('\n') : ''}`);
    expect(failures).toEqual([]);
    expect(tot.total).toBe(482);
  });

  it('PyRadiomics classes: documented deviations from IBSI on the phantom', () => {
    const py = extractFeatures(image, mask, { ...presetSettings('pyradiomics-default'), discretisation: { method: 'fbs', binWidth: 1, lowerBound: 'pyradiomics' }, families: ['firstorder', 'shape'] });
    expect(py.features.firstorder_Kurtosis).toBeCloseTo(res.features.stat_kurt + 3, 12);
    expect(py.features.firstorder_Entropy).toBeCloseTo(res.features.ih_entropy, 9);
    expect(py.features.firstorder_TotalEnergy).toBeCloseTo(8 * res.features.stat_energy, 9);
    expect(py.features.shape_MajorAxisLength).toBeCloseTo(res.features.morph_pca_maj_axis * Math.sqrt(73 / 74), 9);
    expect(py.features.shape_MeshVolume).toBeCloseTo(res.features.morph_volume, 9);
    expect(py.features.shape_Maximum3DDiameter).toBeCloseTo(res.features.morph_diam, 9); // both between mesh vertices (IBSI definition)
    expect(pyradiomicsName('firstorder_Mean')).toBe('original_firstorder_Mean');
    expect(pyradiomicsName('wavelet-LLH_firstorder_Mean')).toBe('wavelet-LLH_firstorder_Mean');
    expect(pyradiomicsName('stat_mean')).toBeNull();
    expect(pyradiomicsName('glcm_JointEnergy')).toBe('original_glcm_JointEnergy');
    expect(pyradiomicsName('glcm_joint_max_3D_avg')).toBeNull();
    const full = extractFeatures(image, mask, presetSettings('pyradiomics-default'));
    expect(Number.isFinite(full.features.glcm_JointEnergy)).toBe(true);
    expect(Number.isFinite(full.features.gldm_DependenceEntropy)).toBe(true);
    expect(describeFeature('gldm_DependenceEntropy')).toMatchObject({ family: 'pyradiomics gldm', feature: 'DependenceEntropy' });
  });

  it('returns provenance and gives every NaN a reason', () => {
    expect(res.settingsHash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.softwareVersion).toMatch(/^hepatoscope-radiomics /);
    for (const [k, v] of Object.entries(res.features)) if (Number.isNaN(v)) expect(res.reasons[k]).toBeTruthy();
  });
});

describe('extract pipeline behaviour', () => {
  const dims: Dims3 = [24, 22, 20];
  const spacing: Vec3 = [0.8, 0.8, 2];
  const n = dims[0] * dims[1] * dims[2];
  const data = new Float64Array(n);
  const m = new Uint8Array(n);
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) {
    const i = x + dims[0] * (y + dims[1] * z);
    data[i] = 40 + 30 * Math.sin(x * 0.7) + 20 * Math.cos(y * 0.5 + z);
    if ((x - 9) ** 2 * 0.64 + (y - 10) ** 2 * 0.64 + (z - 9) ** 2 * 4 <= 36) m[i] = 1;
    if ((x - 20) ** 2 + (y - 18) ** 2 + (z - 15) ** 2 <= 2) m[i] = 1; // a second lesion
  }
  const image: Image3D = { data, dims, spacing, origin: [-5, 3, 100] };
  const mask: Mask3D = { data: m, dims, spacing, origin: [-5, 3, 100] };

  it.each(['linear', 'bspline'] as const)('cropping before %s resampling gives the same features as resampling the full image', (method) => {
    const settings = { resampling: { spacing: [1, 1, 1] as [number, number, number], interpolator: method }, roundIntensities: true, discretisation: { method: 'fbn' as const, binCount: 16 }, families: ['morphology', 'local-intensity', 'intensity-statistics', 'intensity-histogram', 'glcm'] as const, imageTypes: { original: true, log: { sigmaMm: [2] } } };
    const r = extractFeatures(image, mask, { ...settings, families: [...settings.families] });
    const fullImg = resampleImage(image, [1, 1, 1], method);
    const fullMask = resampleMask(mask, [1, 1, 1], 'linear', 0.5);
    const ref = extractFeatures(fullImg, fullMask, { ...settings, resampling: null, families: [...settings.families] });
    expect(r.diagnostics.spacing).toEqual([1, 1, 1]);
    expect(r.diagnostics.morphVoxels).toBe(ref.diagnostics.morphVoxels);
    expect(r.features['log-sigma-2-0-mm-3D_stat_mean']).toBeDefined();
    expect(Number.isInteger(r.features.stat_mean * r.diagnostics.intensityVoxels)).toBe(true);
    for (const k of Object.keys(ref.features)) {
      if (Number.isNaN(ref.features[k])) expect(r.features[k]).toBeNaN();
      else expect(Math.abs(r.features[k] - ref.features[k])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref.features[k])));
    }
  });

  it('padDistance crops like PyRadiomics before filtering: equal to extracting a pre-cropped image, unlike the support margin', () => {
    const one = Uint8Array.from(m, (v, i) => (v && (i % dims[0]) < 16 ? 1 : 0)); // the first lesion only
    const lesion: Mask3D = { ...mask, data: one };
    const settings = { ...presetSettings('pyradiomics-default'), imageTypes: { original: true, log: { sigmaMm: [2], implementation: 'pyradiomics' as const }, wavelet: { wavelet: 'coif1', level: 1, startLevel: 0 } } };
    const padded = extractFeatures(image, lesion, settings);
    // the same crop made by hand: bounding box ± 5 voxels, clipped
    let x0 = 99, y0 = 99, z0 = 99, x1 = -1, y1 = -1, z1 = -1;
    for (let z = 0, i = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++, i++) if (one[i]) {
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); z0 = Math.min(z0, z); z1 = Math.max(z1, z);
    }
    const b = [Math.max(0, x0 - 5), Math.max(0, y0 - 5), Math.max(0, z0 - 5), Math.min(dims[0] - 1, x1 + 5), Math.min(dims[1] - 1, y1 + 5), Math.min(dims[2] - 1, z1 + 5)];
    const cd: Dims3 = [b[3] - b[0] + 1, b[4] - b[1] + 1, b[5] - b[2] + 1];
    expect(cd.some((d, a) => d < dims[a])).toBe(true);
    const ci = new Float64Array(cd[0] * cd[1] * cd[2]), cm = new Uint8Array(ci.length);
    for (let z = 0, o = 0; z < cd[2]; z++) for (let y = 0; y < cd[1]; y++) for (let x = 0; x < cd[0]; x++, o++) {
      const i = b[0] + x + dims[0] * (b[1] + y + dims[1] * (b[2] + z));
      ci[o] = data[i]; cm[o] = one[i];
    }
    const byHand = extractFeatures({ data: ci, dims: cd, spacing }, { data: cm, dims: cd, spacing }, { ...settings, padDistance: null });
    const support = extractFeatures(image, lesion, { ...settings, padDistance: null });
    for (const k of Object.keys(byHand.features)) expect(padded.features[k]).toBeCloseTo(byHand.features[k], 9);
    // the filters saw less context than with the support margin
    expect(Math.abs(padded.features['log-sigma-2-0-mm-3D_firstorder_Mean'] - support.features['log-sigma-2-0-mm-3D_firstorder_Mean'])).toBeGreaterThan(1e-6);
    expect(padded.features.firstorder_Mean).toBeCloseTo(support.features.firstorder_Mean, 12);
  });

  it('re-segmentation shrinks the intensity mask only', () => {
    const a = extractFeatures(image, mask, { families: ['morphology', 'intensity-statistics'] });
    const b = extractFeatures(image, mask, { families: ['morphology', 'intensity-statistics'], resegmentation: { range: [30, null] } });
    expect(b.features.morph_volume).toBeCloseTo(a.features.morph_volume, 9);
    expect(b.diagnostics.intensityVoxels).toBeLessThan(a.diagnostics.intensityVoxels);
    expect(b.features.stat_min).toBeGreaterThanOrEqual(30);
    expect(b.settingsHash).not.toBe(a.settingsHash);
  });

  it('all labels: one row per connected lesion of a binary mask, errors list the labels', () => {
    const rows = extractFeaturesPerLabel(image, mask, { families: ['intensity-statistics'] });
    expect(rows.map((r) => r.component)).toEqual([1, 2]);
    expect(rows[0].voxels + rows[1].voxels).toBe(m.reduce((a, b) => a + b, 0));
    expect(() => extractFeaturesPerLabel(image, mask, {}, { label: 3 })).toThrow(/labels present: 1/);
  });

  it('rejects bad input with clear errors', () => {
    expect(() => extractFeatures(image, { ...mask, spacing: [1, 1, 1] })).toThrow(/geometries differ.*image: size 24×22×20, spacing 0.8×0.8×2.*mask: size 24×22×20, spacing 1×1×1/);
    expect(() => extractFeatures(image, { ...mask, data: new Uint8Array(n) })).toThrow(/mask is empty/);
    const bad = Float64Array.from(data); bad[5] = NaN;
    expect(() => extractFeatures({ ...image, data: bad }, mask)).toThrow(/non-finite/);
    expect(() => parseExtractSettings({ discretisation: { method: 'fbs', binWidth: -1 } })).toThrow(/discretisation.binWidth/);
    expect(() => parseExtractSettings({ bogus: 1 })).toThrow(/invalid/);
    expect(() => presetSettings('nope')).toThrow(/presets: ibsi-digital-phantom/);
  });

  it('a one-voxel ROI gives values or NaN with reasons', () => {
    const one = new Uint8Array(n); one[5 + dims[0] * (5 + dims[1] * 5)] = 1;
    const r = extractFeatures(image, { ...mask, data: one }, { families: ['morphology', 'intensity-statistics', 'glcm', 'fractal'] });
    expect(r.features.morph_vol_approx).toBeCloseTo(0.8 * 0.8 * 2, 12);
    expect(r.features.stat_var).toBe(0);
    for (const [k, v] of Object.entries(r.features)) if (Number.isNaN(v)) expect(r.reasons[k]).toBeTruthy();
    expect(Number.isNaN(r.features.fractal_dim_box)).toBe(true);
  });

  it('derived image types: gradient of a ramp is its slope, LoG on the crop equals LoG on the full image, wavelet bands present', () => {
    const ramp = new Float64Array(n);
    for (let z = 0, i = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++, i++) ramp[i] = 3 * x * spacing[0] + 100;
    const r = extractFeatures({ ...image, data: ramp }, mask, {
      families: ['intensity-statistics', 'glcm'],
      imageTypes: { original: true, gradient: true, log: { sigmaMm: [1.5] }, wavelet: { wavelet: 'haar' } },
    });
    expect(r.features.gradient_stat_mean).toBeCloseTo(3, 9);
    expect(r.features.gradient_stat_var).toBeCloseTo(0, 9);
    const full = logFilter({ ...image, data: ramp }, { sigmaMm: 1.5 });
    const expected = intensityStatistics(roiValues(full, mask));
    expect(r.features['log-sigma-1-5-mm-3D_stat_mean']).toBeCloseTo(expected.stat_mean, 9);
    expect(r.features['log-sigma-1-5-mm-3D_stat_var']).toBeCloseTo(expected.stat_var, 9);
    for (const band of ['LLH', 'LHL', 'LHH', 'HLL', 'HLH', 'HHL', 'HHH', 'LLL']) expect(Number.isFinite(r.features[`wavelet-${band}_stat_mean`])).toBe(true);
    expect(r.features['wavelet-LLH_glcm_joint_max_3D_avg']).toBeDefined();
    expect(describeFeature('wavelet-LLH_glcm_joint_max_3D_avg')).toMatchObject({ imageType: 'wavelet-LLH', family: 'glcm', ibsiCode: 'GYBY' });
    expect(r.features.gradient_morph_volume).toBeUndefined();
  });

  it('IVH grids follow IBSI 3.5 (continuous calibrated: FBS bin centres; discrete: re-segmentation range)', () => {
    const img1: Image3D = { data: Float64Array.from([10, 12.5, 17, 30]), dims: [4, 1, 1], spacing: [1, 1, 1] };
    const m1: Mask3D = { data: Uint8Array.from([1, 1, 1, 1]), dims: [4, 1, 1], spacing: [1, 1, 1] };
    const c = extractFeatures(img1, m1, { families: ['ivh'], resegmentation: { range: [10, 30] }, ivhDiscretisation: { method: 'fbs', binWidth: 5 } });
    // centres 12.5, 12.5, 17.5, 32.5 on the grid 12.5…27.5 (step 5)
    expect(c.features.ivh_v10).toBeCloseTo(0.5, 12);
    expect(c.features.ivh_v90).toBeCloseTo(0.25, 12);
    expect(c.features.ivh_i10).toBeCloseTo(32.5, 12);
    expect(c.features.ivh_i90).toBeCloseTo(17.5, 12);
    const d = extractFeatures(img1, m1, { families: ['ivh'], resegmentation: { range: [0, null] } });
    // discrete: G = [0, max X = 30], γ(10) = 1/3 → V10 = ν(3) = 1 (all voxels ≥ 3)
    expect(d.features.ivh_v10).toBe(1);
    const one = extractFeatures({ ...img1, data: Float64Array.from([5, 5, 5, 5]) }, m1, { families: ['ivh'] });
    expect(one.features.ivh_auc).toBe(0);
  });

  it.each([1, 2, 3])('every NaN carries a reason for a %i-voxel ROI (all families, a derived image)', (cnt) => {
    const m1 = new Uint8Array(n);
    for (let k = 0; k < cnt; k++) m1[5 + dims[0] * (5 + dims[1] * 5) + k] = 1;
    const r = extractFeatures(image, { ...mask, data: m1 }, { families: [...ALL_FAMILIES], imageTypes: { original: true, log: { sigmaMm: [1] } } });
    const missing = Object.entries(r.features).filter(([k, v]) => Number.isNaN(v) && !r.reasons[k]).map(([k]) => k);
    expect(missing).toEqual([]);
    if (cnt === 2) {
      expect(r.features.stat_rmad).toBeNaN();
      expect(r.reasons.stat_rmad).toMatch(/10th and 90th/);
    }
  });

  it('settings hash is canonical (key order independent) and SHA-256 is correct', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(settingsHash(parseExtractSettings({ roundIntensities: false, moranMaxVoxels: 10000 }))).toBe(settingsHash(parseExtractSettings({})));
  });
});
