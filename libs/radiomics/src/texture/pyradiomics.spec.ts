/**
 * The PyRadiomics texture flavour against the IBSI implementations it reduces to (PyRadiomics itself
 * cannot be run here), plus its own conventions (MCC, flat-region values, angle selection).
 */
import type { DiscretisedImage } from '../types';
import {
  accumulateRuns,
  accumulateRunsOfRoi,
  chebyshevOffsets,
  computeTextureFeatures,
  cooccurrenceCodes,
  cooccurrenceCodesOfRoi,
  glrlmMatrix,
  glcmMaximalCorrelationCoefficient,
  neighbourhoodMatrices,
  glcmProbabilities,
  pyradiomicsAngles,
  pyradiomicsGlcmAngle,
  pyradiomicsGlcmAnglePerFeature,
  pyradiomicsTextureFeatures,
  pyradiomicsAngleWeight,
  symmetricEigenvalues,
  PYRADIOMICS_TEXTURE_FEATURES,
} from './index';
import { loadPhantom } from './ibsi-phantom.fixture';

const same: [string, string][] = [
  ['glcm_Autocorrelation', 'glcm_auto_corr'],
  ['glcm_JointAverage', 'glcm_joint_avg'],
  ['glcm_ClusterProminence', 'glcm_clust_prom'],
  ['glcm_ClusterShade', 'glcm_clust_shade'],
  ['glcm_ClusterTendency', 'glcm_clust_tend'],
  ['glcm_Contrast', 'glcm_contrast'],
  ['glcm_Correlation', 'glcm_corr'],
  ['glcm_DifferenceAverage', 'glcm_diff_avg'],
  ['glcm_DifferenceEntropy', 'glcm_diff_entr'],
  ['glcm_DifferenceVariance', 'glcm_diff_var'],
  ['glcm_JointEnergy', 'glcm_energy'],
  ['glcm_JointEntropy', 'glcm_joint_entr'],
  ['glcm_Imc1', 'glcm_info_corr1'],
  ['glcm_Imc2', 'glcm_info_corr2'],
  ['glcm_Idm', 'glcm_inv_diff_mom'],
  ['glcm_Idmn', 'glcm_inv_diff_mom_norm'],
  ['glcm_Id', 'glcm_inv_diff'],
  ['glcm_Idn', 'glcm_inv_diff_norm'],
  ['glcm_InverseVariance', 'glcm_inv_var'],
  ['glcm_MaximumProbability', 'glcm_joint_max'],
  ['glcm_SumAverage', 'glcm_sum_avg'],
  ['glcm_SumEntropy', 'glcm_sum_entr'],
  ['glcm_SumSquares', 'glcm_joint_var'],
  ['glrlm_ShortRunEmphasis', 'glrlm_sre'],
  ['glrlm_LongRunEmphasis', 'glrlm_lre'],
  ['glrlm_GrayLevelNonUniformity', 'glrlm_glnu'],
  ['glrlm_GrayLevelNonUniformityNormalized', 'glrlm_glnu_norm'],
  ['glrlm_RunLengthNonUniformity', 'glrlm_rlnu'],
  ['glrlm_RunLengthNonUniformityNormalized', 'glrlm_rlnu_norm'],
  ['glrlm_RunPercentage', 'glrlm_r_perc'],
  ['glrlm_GrayLevelVariance', 'glrlm_gl_var'],
  ['glrlm_RunVariance', 'glrlm_rl_var'],
  ['glrlm_RunEntropy', 'glrlm_rl_entr'],
  ['glrlm_LowGrayLevelRunEmphasis', 'glrlm_lgre'],
  ['glrlm_HighGrayLevelRunEmphasis', 'glrlm_hgre'],
  ['glrlm_ShortRunLowGrayLevelEmphasis', 'glrlm_srlge'],
  ['glrlm_ShortRunHighGrayLevelEmphasis', 'glrlm_srhge'],
  ['glrlm_LongRunLowGrayLevelEmphasis', 'glrlm_lrlge'],
  ['glrlm_LongRunHighGrayLevelEmphasis', 'glrlm_lrhge'],
];
const zone: [string, string][] = [
  ['glszm_SmallAreaEmphasis', 'glszm_sze'],
  ['glszm_LargeAreaEmphasis', 'glszm_lze'],
  ['glszm_ZonePercentage', 'glszm_z_perc'],
  ['glszm_ZoneEntropy', 'glszm_zs_entr'],
  ['glszm_ZoneVariance', 'glszm_zs_var'],
  ['gldm_SmallDependenceEmphasis', 'ngldm_lde'],
  ['gldm_LargeDependenceEmphasis', 'ngldm_hde'],
  ['gldm_DependenceEntropy', 'ngldm_dc_entr'],
  ['gldm_DependenceNonUniformity', 'ngldm_dcnu'],
  ['gldm_LowGrayLevelEmphasis', 'ngldm_lgce'],
  ['ngtdm_Coarseness', 'ngtdm_coarseness'],
  ['ngtdm_Contrast', 'ngtdm_contrast'],
  ['ngtdm_Busyness', 'ngtdm_busyness'],
  ['ngtdm_Complexity', 'ngtdm_complexity'],
  ['ngtdm_Strength', 'ngtdm_strength'],
];

describe('PyRadiomics texture flavour', () => {
  const img = loadPhantom();
  const ibsi = computeTextureFeatures(img);

  it('names every PyRadiomics 3.1 texture feature (24 + 16 + 16 + 14 + 5)', () => {
    const f = pyradiomicsTextureFeatures(img);
    expect(Object.keys(f)).toHaveLength(75);
    for (const [cls, names] of Object.entries(PYRADIOMICS_TEXTURE_FEATURES)) for (const n of names) expect(f[`${cls}_${n}`]).toBeDefined();
  });

  it('3D: GLCM/GLRLM equal IBSI 3D averaged, GLSZM/GLDM/NGTDM equal IBSI 3D (phantom, N_g = max level = 6)', () => {
    const f = pyradiomicsTextureFeatures(img);
    for (const [p, k] of same) expect(f[p].value).toBeCloseTo(ibsi[`${k}_3D_avg`], 12);
    for (const [p, k] of zone) expect(f[p].value).toBeCloseTo(ibsi[`${k}_3D`], 12);
  });

  it('force2D: GLCM/GLRLM equal IBSI 2.5D direction-merged, the others IBSI 2.5D', () => {
    const f = pyradiomicsTextureFeatures(img, { force2D: true });
    for (const [p, k] of same) expect(f[p].value).toBeCloseTo(ibsi[`${k}_2.5D_dmrg`], 12);
    for (const [p, k] of zone) expect(f[p].value).toBeCloseTo(ibsi[`${k}_2.5D`], 12);
  });

  it('uses the largest grey level present as N_g in IDN / IDMN (IBSI uses the bin count)', () => {
    const wide: DiscretisedImage = { ...img, ng: 10 };
    const f = pyradiomicsTextureFeatures(wide);
    expect(f.glcm_Idn.value).toBeCloseTo(ibsi.glcm_inv_diff_norm_3D_avg, 12);
    expect(computeTextureFeatures(wide).glcm_inv_diff_norm_3D_avg).not.toBeCloseTo(ibsi.glcm_inv_diff_norm_3D_avg, 3);
  });

  it('drops angles along axes where the ROI is one voxel thick (GLRLM of a single-slice ROI)', () => {
    const levels = new Int32Array(5 * 4 * 3);
    for (let k = 0; k < 20; k++) levels[20 + k] = img.levels[k] || 1; // one slice (z = 1)
    const s: DiscretisedImage = { levels, dims: [5, 4, 3], spacing: [1, 1, 1], ng: 6 };
    const f = pyradiomicsTextureFeatures(s, { classes: ['glrlm'] });
    const i = computeTextureFeatures(s, { families: ['glrlm'] });
    expect(f.glrlm_ShortRunEmphasis.value).toBeCloseTo(i['glrlm_sre_2.5D_dmrg'], 12);
    expect(f.glrlm_ShortRunEmphasis.value).not.toBeCloseTo(i.glrlm_sre_3D_avg, 3);
  });

  it('flat-region conventions: Correlation 1, Imc1 0, MCC 1, Coarseness 1e6', () => {
    const levels = new Int32Array(27).fill(2);
    const f = pyradiomicsTextureFeatures({ levels, dims: [3, 3, 3], spacing: [1, 1, 1], ng: 2 });
    expect(f.glcm_Correlation.value).toBe(1);
    expect(f.glcm_Imc1.value).toBe(0);
    expect(f.glcm_Imc2.value).toBe(0);
    expect(f.glcm_MCC.value).toBe(1);
    expect(f.ngtdm_Coarseness.value).toBe(1e6);
  });
});

describe('PyRadiomics angles for distances', () => {
  it('13 / 49 / 62 unique angles in 3D for distances [1] / [2] / [1, 2], 4 in 2D, none along thin axes', () => {
    const thick = [true, true, true];
    expect(pyradiomicsAngles([1], thick, false)).toHaveLength(13);
    expect(pyradiomicsAngles([2], thick, false)).toHaveLength((125 - 27) / 2);
    expect(pyradiomicsAngles([1, 2], thick, false)).toHaveLength(62);
    expect(pyradiomicsAngles([1], thick, true)).toHaveLength(4);
    expect(pyradiomicsAngles([1], [true, true, false], false)).toHaveLength(4);
  });

  it('distances [1, 2] change the GLCM and NGTDM values (ring neighbourhoods), [1] is the default', () => {
    const img = loadPhantom();
    const d1 = pyradiomicsTextureFeatures(img);
    expect(pyradiomicsTextureFeatures(img, { distances: [1] })).toEqual(d1);
    const d12 = pyradiomicsTextureFeatures(img, { distances: [1, 2] });
    expect(d12.glcm_Contrast.value).not.toBeCloseTo(d1.glcm_Contrast.value, 3);
    expect(d12.ngtdm_Coarseness.value).not.toBeCloseTo(d1.ngtdm_Coarseness.value, 3);
    expect(d12.glrlm_ShortRunEmphasis.value).toBe(d1.glrlm_ShortRunEmphasis.value);
    expect(() => pyradiomicsTextureFeatures(img, { distances: [0] })).toThrow(/distances must be positive integers/);
  });
});

describe('MCC and eigenvalues', () => {
  it('symmetric Jacobi eigenvalues', () => {
    const ev = Array.from(symmetricEigenvalues(Float64Array.of(2, 1, 0, 1, 2, 0, 0, 0, 5), 3)).sort((a, b) => a - b);
    expect(ev[0]).toBeCloseTo(1, 12);
    expect(ev[1]).toBeCloseTo(3, 12);
    expect(ev[2]).toBeCloseTo(5, 12);
  });

  it('MCC is 1 for two grey levels that never co-occur and 0 for independent levels', () => {
    const dep = glcmProbabilities({ ng: 2, counts: Float64Array.of(4, 0, 0, 6) });
    expect(glcmMaximalCorrelationCoefficient(dep, Int32Array.of(1, 2))).toBeCloseTo(1, 12);
    // p = px ⊗ py (independent): rank one, second eigenvalue 0
    const px = [0.3, 0.7];
    const ind = glcmProbabilities({ ng: 2, counts: Float64Array.from([0, 1, 2, 3].map((k) => px[k >> 1] * px[k & 1])) });
    expect(glcmMaximalCorrelationCoefficient(ind, Int32Array.of(1, 2))).toBeCloseTo(0, 6);
  });
});

describe('MCC for many grey levels', () => {
  it('power iteration (> 150 occupied levels) agrees with the dense eigen-solution', () => {
    // a banded symmetric matrix over 160 levels, plus the same computed on 140 levels for the Jacobi path
    for (const n of [140, 160]) {
      const counts = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = Math.max(0, i - 2); j <= Math.min(n - 1, i + 2); j++) counts[i * n + j] = 1 + ((i * 31 + j * 17) % 5) + (i === j ? 3 : 0);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) counts[i * n + j] = counts[j * n + i] = (counts[i * n + j] + counts[j * n + i]) / 2;
      const g = glcmProbabilities({ ng: n, counts });
      const present = Int32Array.from({ length: n }, (_, k) => k + 1);
      const mcc = glcmMaximalCorrelationCoefficient(g, present);
      // reference: dense Jacobi on M
      const m = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = counts[i * n + j] / Math.sqrt(g.px[i] * g.py[j]) / counts.reduce((a, b) => a + b, 0);
      const ev = Array.from(symmetricEigenvalues(m, n), (v) => v * v).sort((a, b) => a - b);
      expect(mcc).toBeCloseTo(Math.sqrt(ev[n - 2]), 6);
      expect(mcc).toBeGreaterThan(0.5);
      expect(mcc).toBeLessThanOrEqual(1 + 1e-12);
    }
  });
});

describe('fused GLCM pass', () => {
  it('pyradiomicsGlcmAngle equals the per-feature definitions bit for bit (random symmetric matrices, flat and two-level cases)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const cases: Float64Array[] = [];
    for (const ng of [1, 2, 5, 12, 33]) {
      for (let rep = 0; rep < 4; rep++) {
        const c = new Float64Array(ng * ng);
        for (let i = 0; i < ng; i++) for (let j = 0; j <= i; j++) if (rnd() < 0.6) c[i * ng + j] = c[j * ng + i] = 1 + Math.floor(rnd() * 9);
        c[0] += 2; // never empty
        cases.push(c);
      }
    }
    cases.push(Float64Array.of(4, 0, 0, 6)); // two levels that never co-occur: Correlation from σ, MCC 1
    for (const counts of cases) {
      const ng = Math.round(Math.sqrt(counts.length));
      const g = glcmProbabilities({ ng, counts });
      const present = Int32Array.from({ length: ng }, (_, k) => k + 1).filter((l) => g.px[l - 1] > 0);
      for (const ngMax of [present[present.length - 1], ng + 3]) {
        const out = new Float64Array(24);
        pyradiomicsGlcmAngle(g, ngMax, present, out);
        const ref = pyradiomicsGlcmAnglePerFeature(g, ngMax, present);
        expect(ref).toHaveLength(24);
        ref.forEach((v, k) => expect([PYRADIOMICS_TEXTURE_FEATURES.glcm[k], out[k]]).toEqual([PYRADIOMICS_TEXTURE_FEATURES.glcm[k], v]));
      }
    }
  });
});

/** A one-slice image from rows of levels (x fastest), spacing (sx, sy, 1). */
function slice2D(rows: number[][], spacing: [number, number] = [1, 1]): DiscretisedImage {
  const levels = Int32Array.from(rows.flat());
  return { levels, dims: [rows[0].length, rows.length, 1], spacing: [spacing[0], spacing[1], 1], ng: Math.max(...levels) };
}

describe('symmetricalGLCM: false (PyRadiomics one-direction GLCM per angle)', () => {
  // a 3×1×1 row [1, 2, 2]: the only angle is (1, 0, 0); its pairs (centre, centre + x) are (1, 2) and (2, 2).
  // PyRadiomics asymmetric P = [[0, 1], [0, 1]] → p = [[0, .5], [0, .5]], p_x = (.5, .5), p_y = (0, 1);
  // symmetric P + Pᵀ = [[0, 1], [1, 2]] → p = [[0, .25], [.25, .5]], p_x = p_y = (.25, .75).
  const row = slice2D([[1, 2, 2]]);
  const asym = pyradiomicsTextureFeatures(row, { classes: ['glcm'], symmetricalGLCM: false });
  const sym = pyradiomicsTextureFeatures(row, { classes: ['glcm'] });

  it('gives the hand-computed values of the asymmetric matrix', () => {
    expect(asym.glcm_JointAverage.value).toBeCloseTo(1.5, 14); // Σ i p_ij: mean level of the centre voxel
    expect(asym.glcm_JointEnergy.value).toBeCloseTo(0.5, 14);
    expect(asym.glcm_JointEntropy.value).toBeCloseTo(1, 14);
    expect(asym.glcm_SumSquares.value).toBeCloseTo(0.25, 14); // Σ (i − μ_x)² p_ij
    expect(asym.glcm_ClusterTendency.value).toBeCloseTo(0.25, 14); // Σ (i + j − μ_x − μ_y)² p_ij, μ_y = 2
    expect(asym.glcm_Correlation.value).toBe(1); // σ_y = 0: PyRadiomics' flat value
    expect(asym.glcm_Imc1.value).toBeCloseTo(0, 14); // (HXY − HXY1) / max(HX, HY) = (1 − 1) / 1
    expect(asym.glcm_MCC.value).toBeCloseTo(0, 7); // Q = [[.5, .5], [.5, .5]]: eigenvalues 1 and 0
    // features that only see |i − j| or i·j are the same both ways
    expect(asym.glcm_Contrast.value).toBeCloseTo(0.5, 14);
    expect(asym.glcm_Autocorrelation.value).toBeCloseTo(3, 14);
  });

  it('differs from the symmetric matrix exactly where PyRadiomics P + Pᵀ differs', () => {
    expect(sym.glcm_JointAverage.value).toBeCloseTo(1.75, 14);
    expect(sym.glcm_JointEnergy.value).toBeCloseTo(0.375, 14);
    expect(sym.glcm_JointEntropy.value).toBeCloseTo(1.5, 14);
    expect(sym.glcm_SumSquares.value).toBeCloseTo(0.1875, 14);
    expect(sym.glcm_Correlation.value).toBeCloseTo(-1 / 3, 14);
    expect(sym.glcm_MCC.value).toBeCloseTo(1 / 3, 12); // M eigenvalues 1 and −1/3
    expect(sym.glcm_Contrast.value).toBeCloseTo(0.5, 14);
  });

  it('row = centre voxel, column = the neighbour in the angle\'s direction (+x here)', () => {
    const rev = pyradiomicsTextureFeatures(slice2D([[2, 2, 1]]), { classes: ['glcm'], symmetricalGLCM: false });
    expect(rev.glcm_JointAverage.value).toBeCloseTo(2, 14); // pairs (2, 2), (2, 1): centre levels 2, 2
  });

  it('asymmetric MCC (singular values of D_x^-1/2 P D_y^-1/2) equals the eigenvalue definition of Q on random matrices', () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const ng of [3, 6, 9]) {
      const counts = new Float64Array(ng * ng);
      for (let k = 0; k < counts.length; k++) if (rnd() < 0.5) counts[k] = 1 + Math.floor(rnd() * 5);
      counts[0] += 1;
      const g = glcmProbabilities({ ng, counts });
      const present = Int32Array.from({ length: ng }, (_, k) => k + 1);
      // PyRadiomics' Q(i, j) = Σ_k p(i,k) p(j,k) / (p_x(i) p_y(k)), built literally; its spectrum through the
      // similar symmetric matrix S = D_x^{1/2} Q D_x^{-1/2} (independent of the M Mᵀ route of the library)
      const q = new Float64Array(ng * ng);
      const p = (i: number, k: number) => g.val[Array.from(g.idx).indexOf(i * ng + k)] ?? 0;
      for (let i = 0; i < ng; i++)
        for (let j = 0; j < ng; j++) {
          let s = 0;
          for (let k = 0; k < ng; k++) if (g.px[i] > 0 && g.py[k] > 0) s += (p(i, k) * p(j, k)) / (g.px[i] * g.py[k]);
          q[i * ng + j] = s;
        }
      const sMat = new Float64Array(ng * ng);
      for (let i = 0; i < ng; i++) for (let j = 0; j < ng; j++) sMat[i * ng + j] = g.px[i] > 0 && g.px[j] > 0 ? (Math.sqrt(g.px[i]) * q[i * ng + j]) / Math.sqrt(g.px[j]) : 0;
      const ev = Array.from(symmetricEigenvalues(sMat, ng)).sort((a, b) => a - b);
      let tr = 0;
      for (let i = 0; i < ng; i++) tr += q[i * ng + i];
      expect(ev.reduce((a, b) => a + b, 0)).toBeCloseTo(tr, 10);
      expect(ev[ng - 1]).toBeCloseTo(1, 10);
      expect(glcmMaximalCorrelationCoefficient(g, present, false)).toBeCloseTo(Math.sqrt(Math.max(0, ev[ng - 2])), 10);
    }
  });

  it('pyradiomicsGlcmAngle equals the per-feature definitions bit for bit on asymmetric matrices', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const ng of [2, 4, 7, 15]) {
      const counts = new Float64Array(ng * ng);
      for (let k = 0; k < counts.length; k++) if (rnd() < 0.5) counts[k] = 1 + Math.floor(rnd() * 7);
      counts[1] += 1;
      const g = glcmProbabilities({ ng, counts });
      const present = Int32Array.from({ length: ng }, (_, k) => k + 1);
      const out = new Float64Array(24);
      pyradiomicsGlcmAngle(g, ng, present, out, false);
      const ref = pyradiomicsGlcmAnglePerFeature(g, ng, present, false);
      ref.forEach((v, k) => expect([PYRADIOMICS_TEXTURE_FEATURES.glcm[k], out[k]]).toEqual([PYRADIOMICS_TEXTURE_FEATURES.glcm[k], v]));
    }
  });

  it('on the IBSI phantom the values differ from the symmetric ones except for features of |i − j|', () => {
    const img = loadPhantom();
    const a = pyradiomicsTextureFeatures(img, { classes: ['glcm'], symmetricalGLCM: false });
    const s = pyradiomicsTextureFeatures(img, { classes: ['glcm'] });
    expect(a.glcm_Contrast.value).toBeCloseTo(s.glcm_Contrast.value, 12); // (i − j)² is symmetric
    expect(a.glcm_JointEntropy.value).not.toBeCloseTo(s.glcm_JointEntropy.value, 3);
    for (const k of Object.keys(a)) expect(Number.isFinite(a[k].value)).toBe(true);
  });
});

describe('weightingNorm (PyRadiomics distance weighting: angles merged into one matrix)', () => {
  // 2×2 slice [[1, 2], [2, 1]], spacing x 1 mm, y 2 mm. In-plane angles (1,0), (0,1), (1,1), (−1,1).
  // Symmetric GLCMs: (1,0) and (0,1): (1,2)+(2,1) twice each → off-diagonal 2 + 2; (1,1): (1,1) ×2; (−1,1): (2,2) ×2.
  const img = slice2D([[1, 2], [2, 1]], [1, 2]);

  it('weights: GLCM exp(−‖d‖²), GLRLM ‖d‖, per norm, with physical offsets', () => {
    const sp: [number, number, number] = [1, 2, 3];
    expect(pyradiomicsAngleWeight([1, 1, 1], sp, 'manhattan', 'glrlm')).toBe(6);
    expect(pyradiomicsAngleWeight([1, 1, 1], sp, 'euclidean', 'glrlm')).toBeCloseTo(Math.sqrt(14), 14);
    expect(pyradiomicsAngleWeight([1, -1, 0], sp, 'infinity', 'glrlm')).toBe(2);
    expect(pyradiomicsAngleWeight([1, 1, 1], sp, 'manhattan', 'glcm')).toBeCloseTo(Math.exp(-36), 25);
    expect(pyradiomicsAngleWeight([1, 1, 1], sp, 'euclidean', 'glcm')).toBeCloseTo(Math.exp(-14), 20);
    expect(pyradiomicsAngleWeight([0, 1, 0], sp, 'no_weighting', 'glcm')).toBe(1);
    expect(() => pyradiomicsAngleWeight([1, 0, 0], sp, 'chebyshev' as never, 'glcm')).toThrow(/weightingNorm must be one of/);
    expect(() => pyradiomicsTextureFeatures(img, { weightingNorm: 'l2' as never })).toThrow(/weightingNorm must be one of manhattan, euclidean, infinity, no_weighting/);
  });

  it('GLCM: one merged matrix Σ w_a P_a (hand-computed Contrast), not the mean over angles', () => {
    const mean = pyradiomicsTextureFeatures(img, { classes: ['glcm'] });
    expect(mean.glcm_Contrast.value).toBeCloseTo((1 + 1 + 0 + 0) / 4, 14);
    const none = pyradiomicsTextureFeatures(img, { classes: ['glcm'], weightingNorm: 'no_weighting' });
    expect(none.glcm_Contrast.value).toBeCloseTo(8 / 12, 14);
    // euclidean: w = e^−1 for (1,0), e^−4 for (0,1), e^−5 for both diagonals
    const e = Math.exp;
    const off = 4 * (e(-1) + e(-4)), diag = 4 * e(-5);
    const eu = pyradiomicsTextureFeatures(img, { classes: ['glcm'], weightingNorm: 'euclidean' });
    expect(eu.glcm_Contrast.value).toBeCloseTo(off / (off + diag), 14);
    expect(eu.glcm_JointEnergy.value).toBeCloseTo(2 * (off / 2 / (off + diag)) ** 2 + 2 * (diag / 2 / (off + diag)) ** 2, 14);
  });

  it('GLRLM: Σ w_a P_a with w = ‖d‖ (manhattan: 1, 2, 3, 3); RunPercentage = N_r / Σ j P', () => {
    // runs: (1,0) and (0,1): four runs of length 1 (two of each level); (1,1): level 1 length 2 + two level-2 singles;
    // (−1,1): level 2 length 2 + two level-1 singles. Merged: length 1: 12 + 12, length 2: 3 + 3; N_r = 30, Σ j P = 36
    const m = pyradiomicsTextureFeatures(img, { classes: ['glrlm'], weightingNorm: 'manhattan' });
    expect(m.glrlm_RunPercentage.value).toBeCloseTo(30 / 36, 14);
    expect(m.glrlm_ShortRunEmphasis.value).toBeCloseTo((24 + 6 / 4) / 30, 14);
    expect(m.glrlm_GrayLevelNonUniformity.value).toBeCloseTo((15 * 15 + 15 * 15) / 30, 12);
    const mean = pyradiomicsTextureFeatures(img, { classes: ['glrlm'] });
    expect(mean.glrlm_ShortRunEmphasis.value).toBeCloseTo((1 + 1 + 0.75 + 0.75) / 4, 14);
  });
});

describe('ROI-list kernels (visit only the ROI voxels)', () => {
  /** A random discretised image with a random ROI (levels 0 outside), and its ROI voxel list. */
  function randomImage(seed: number, dims: [number, number, number], ng: number, density: number) {
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
    const n = dims[0] * dims[1] * dims[2];
    const levels = Int32Array.from({ length: n }, () => (rnd() < density ? 1 + Math.floor(rnd() * ng) : 0));
    const list = { count: 0, index: new Int32Array(n), x: new Int32Array(n), y: new Int32Array(n), z: new Int32Array(n) };
    for (let z = 0, i = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++, i++) if (levels[i]) {
      list.index[list.count] = i; list.x[list.count] = x; list.y[list.count] = y; list.z[list.count] = z; list.count++;
    }
    return { img: { levels, dims, ng, spacing: [1, 1, 2] } as DiscretisedImage, roi: list };
  }
  const offsets: [number, number, number][] = [[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, -1, 0], [0, 0, 1], [1, 0, 1], [-1, 1, 1], [1, 1, 1], [2, 0, -1], [0, -2, 2]];

  it('co-occurrence codes and run-length counts equal the full scans, code for code', () => {
    for (let t = 0; t < 12; t++) {
      const { img, roi } = randomImage(100 + t, [7 + (t % 3), 6, 3 + (t % 4)], 1 + (t % 5), [0.2, 0.6, 0.95][t % 3]);
      const n = img.levels.length;
      for (const [dx, dy, dz] of offsets) {
        for (const both of [true, false]) {
          const a = new Int32Array(2 * n), b = new Int32Array(2 * n);
          const na = cooccurrenceCodes(img, dx, dy, dz, 0, img.dims[2], a, both);
          const nb = cooccurrenceCodesOfRoi(img, roi, dx, dy, dz, b, both);
          expect(nb).toBe(na);
          expect(b.subarray(0, nb)).toEqual(a.subarray(0, na));
        }
        if (Math.max(Math.abs(dx), Math.abs(dy), Math.abs(dz)) > 1) continue; // runs: unit directions
        const width = Math.max(...img.dims);
        const ra = new Float64Array(img.ng * width), rb = new Float64Array(img.ng * width);
        accumulateRuns(img, dx, dy, dz, 0, img.dims[2], ra, width);
        accumulateRunsOfRoi(img, roi, dx, dy, dz, rb, width);
        expect(rb).toEqual(ra);
        expect(glrlmMatrix(img, [dx, dy, dz], 0, img.dims[2], roi.count, roi)).toEqual(glrlmMatrix(img, [dx, dy, dz]));
      }
    }
  });
});

describe('neighbourhood matrices from the ROI voxel list', () => {
  it('equal the full scan (NGTDM n, s and NGLDM counts bit for bit)', () => {
    for (let t = 0; t < 10; t++) {
      let s = 300 + t;
      const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
      const dims: [number, number, number] = [6 + (t % 3), 5, 3 + (t % 3)];
      const n = dims[0] * dims[1] * dims[2];
      const ng = 1 + (t % 6);
      const levels = Int32Array.from({ length: n }, () => (rnd() < [0.3, 0.7, 1][t % 3] ? 1 + Math.floor(rnd() * ng) : 0));
      const roi = { count: 0, index: new Int32Array(n), x: new Int32Array(n), y: new Int32Array(n), z: new Int32Array(n) };
      for (let z = 0, i = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++, i++) if (levels[i]) {
        roi.index[roi.count] = i; roi.x[roi.count] = x; roi.y[roi.count] = y; roi.z[roi.count] = z; roi.count++;
      }
      const img = { levels, dims, ng, spacing: [1, 1, 1] } as DiscretisedImage;
      const o = chebyshevOffsets(1 + (t % 2), true);
      for (const alpha of [0, 1]) expect(neighbourhoodMatrices(img, o, alpha, 0, dims[2], roi)).toEqual(neighbourhoodMatrices(img, o, alpha));
    }
  });
});
