/**
 * The extraction pipeline: image + mask + settings → every requested feature, with a reason for each NaN.
 *
 * Steps (IBSI 1 chapter 2 order): validate (same grid, finite voxels, non-empty mask) → crop to the ROI
 * with a margin (so a 512×512×600 image costs what its ROI costs) → resample image and mask on the IBSI
 * centre-aligned grid of the FULL image (only the cropped part is evaluated) → round → re-segment
 * (morphological vs intensity mask) → discretise → features.
 */
import pkg from '../../package.json';
import { computeTextureFeaturesDetailed, pyradiomicsTextureFeatures, textureFeatureCatalogue, AGGREGATION_CODES, PYRADIOMICS_TEXTURE_FEATURES } from '../texture';
import { exponentialImage, gradientImage, logarithmImage, logFilter, pyradiomicsWavelet, recursiveLogFilter, squareImage, squareRootImage } from '../filters';
import type { TextureFamily } from '../texture';
import { intensityHistogramFeatures } from '../features/intensity-histogram';
import { intensityStatistics, statisticsNanReason, type FeatureMap, type ReasonMap } from '../features/intensity-statistics';
import { ivhFeatures } from '../features/ivh';
import { localIntensityFeatures, PEAK_SPHERE_RADIUS_MM } from '../features/local-intensity';
import { morphologyFeatures } from '../features/morphology';
import { FEATURE_BY_TAG } from '../features/registry';
import { pyradiomicsFirstOrder, pyradiomicsShape } from '../features/pyradiomics';
import { fractalDimensionBoxCounting } from '../hcc/fractal';
import { discretiseFixedBinNumber, discretiseFixedBinSize, discretiseNone } from '../processing/discretise';
import { resampleData, resampleGrid, roundIntensities, type ResampleGrid } from '../processing/resample';
import { roiMasks } from '../processing/resegment';
import { assertFinite, assertSameGrid, connectedComponents, labelsPresent, maskBoundingBox, maskExtent, roiValues } from '../roi';
import type { DiscretisedImage, Dims3, Image3D, Mask3D, Vec3 } from '../types';
import { parseExtractSettings, settingsHash, type ExtractSettings, type ExtractSettingsInput } from './settings';

export const SOFTWARE_VERSION = `hepatoscope-radiomics ${(pkg as { version: string }).version}`;

export interface ExtractResult {
  /** feature key → value (NaN when undefined; then `reasons[key]` says why) */
  features: Record<string, number>;
  reasons: Record<string, string>;
  settingsHash: string;
  softwareVersion: string;
  /** ROI voxel counts after each step (diagnostics) */
  diagnostics: { roiVoxels: number; morphVoxels: number; intensityVoxels: number; dims: Dims3; spacing: Vec3; ng: number };
}

/** Metadata of a feature key (for output tables). */
export interface FeatureDescription {
  name: string;
  /** 'original' or the derived image type (`log-sigma-3-0-mm-3D`, `wavelet-LLH`, `square`, …) */
  imageType: string;
  family: string;
  feature: string;
  ibsiCode: string;
  aggregation: string;
}

let textureIndex: Map<string, FeatureDescription> | null = null;

/** Family, IBSI title/code and aggregation of a feature key produced by {@link extractFeatures}. */
export function describeFeature(key: string): FeatureDescription {
  const m = /^(log-sigma-[0-9-]+-mm-3D|wavelet\d*-[LH]{3}|square|squareroot|logarithm|exponential|gradient)_(.+)$/.exec(key);
  if (m) return { ...describeFeature(m[2]), name: key, imageType: m[1] };
  const f = FEATURE_BY_TAG.get(key);
  if (f) return { name: key, imageType: 'original', family: f.family, feature: f.title, ibsiCode: f.ibsiCode, aggregation: '' };
  const py = /^(firstorder|shape|glcm|glrlm|glszm|gldm|ngtdm)_([A-Z0-9][A-Za-z0-9]*)$/.exec(key);
  if (py) return { name: key, imageType: 'original', family: `pyradiomics ${py[1]}`, feature: py[2], ibsiCode: '', aggregation: '' };
  if (key === 'fractal_dim_box') return { name: key, imageType: 'original', family: 'fractal', feature: 'Box-counting fractal dimension', ibsiCode: '', aggregation: '' };
  if (!textureIndex) {
    textureIndex = new Map();
    for (const t of textureFeatureCatalogue()) textureIndex.set(t.key, { name: t.key, imageType: 'original', family: t.family, feature: t.name, ibsiCode: t.ibsiCode, aggregation: `${t.aggregation} (${AGGREGATION_CODES[t.aggregation]})` });
  }
  return textureIndex.get(key) ?? { name: key, imageType: 'original', family: key.split('_')[0], feature: key, ibsiCode: '', aggregation: '' };
}

function crop<T extends { data: ArrayLike<number> }>(src: T & { dims: Dims3 }, box: number[], Ctor: new (n: number) => Float64Array | Uint8Array): Float64Array | Uint8Array {
  const [nx, ny] = src.dims;
  const [x0, y0, z0, x1, y1, z1] = box;
  const cx = x1 - x0 + 1, cy = y1 - y0 + 1, cz = z1 - z0 + 1;
  const out = new Ctor(cx * cy * cz);
  const data = src.data;
  // row copies by TypedArray.set (native, fast even before the JIT has compiled anything) where the conversion
  // is exact: any numeric typed array into Float64Array, Uint8Array into Uint8Array; element loop otherwise
  if (ArrayBuffer.isView(data) && !(data instanceof DataView) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array) && (out instanceof Float64Array || data instanceof Uint8Array)) {
    const typed = data as unknown as Float64Array;
    for (let z = z0, o = 0; z <= z1; z++) for (let y = y0; y <= y1; y++, o += cx) {
      const row = nx * (y + ny * z);
      out.set(typed.subarray(row + x0, row + x1 + 1), o);
    }
    return out;
  }
  let o = 0;
  for (let z = z0; z <= z1; z++) for (let y = y0; y <= y1; y++) {
    const row = nx * (y + ny * z);
    for (let x = x0; x <= x1; x++) out[o++] = data[row + x];
  }
  return out;
}

// Voxel loops live in small helpers, not in extractFeatures itself: a hot loop in a long function makes V8
// optimise (on-stack replacement) the whole function and deoptimise it again on the first not-yet-run line,
// which costs a one-case (cold) extraction more CPU than the loop itself.

/** Number of entries > 0. */
function countPositive(data: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > 0) n++;
  return n;
}

/** Sets every entry > 0 to 1 (others to 0), in place. */
function binarise(bin: Uint8Array): void {
  for (let i = 0; i < bin.length; i++) bin[i] = bin[i] > 0 ? 1 : 0;
}

function discretise(image: Image3D, mask: Mask3D, d: ExtractSettings['discretisation'], lower: number | null): DiscretisedImage {
  if (d.method === 'fbn') return discretiseFixedBinNumber(image, mask, d.binCount);
  if (d.method === 'fbs') return discretiseFixedBinSize(image, mask, d.binWidth, { minimum: lower ?? undefined, lowerBound: d.lowerBound });
  return discretiseNone(image, mask);
}

/**
 * Extracts features of the ROI `mask > 0` (a binary mask; use {@link extractFeaturesPerLabel} for label
 * maps). Throws on a geometry mismatch (naming both geometries), on NaN/Inf voxels, on an empty mask,
 * and on invalid settings. Texture feature keys follow `src/texture` (`glcm_joint_max_3D_avg`, …).
 */
export function extractFeatures(image: Image3D, mask: { data: ArrayLike<number>; dims: Dims3; spacing: Vec3; origin?: Vec3 }, settingsInput: ExtractSettingsInput | ExtractSettings = {}): ExtractResult {
  const settings = parseExtractSettings(settingsInput);
  assertSameGrid(image, mask, 'extractFeatures');
  assertFinite(image, undefined, 'extractFeatures');
  const extent = maskExtent(mask); // the only pass over the whole mask: everything below runs on the ROI's crop
  if (!extent) throw new Error(`extractFeatures: the mask is empty (no voxel > 0); labels present: none`);
  const { box: bbox, count: roiVoxels } = extent;

  // crop with a margin that covers the peak sphere, interpolation support and B-spline prefilter decay
  const it = settings.imageTypes;
  const maxSigma = it.log ? Math.max(...it.log.sigmaMm) : 0;
  const waveletSupport = it.wavelet ? 8 * (it.wavelet.level + it.wavelet.startLevel) : 0;
  // support (mm) each ROI voxel needs around it: the peak sphere, 4σ of LoG, the wavelet filters (in voxels of
  // the grid they run on)
  const supportMm = [0, 1, 2].map((a) => Math.max(PEAK_SPHERE_RADIUS_MM, 4 * maxSigma, waveletSupport * (settings.resampling?.spacing[a] ?? image.spacing[a])));
  const margin = [0, 1, 2].map((a) => Math.ceil(supportMm[a] / image.spacing[a]) + 1 + (settings.resampling ? 14 : 0));
  const box = [0, 1, 2].flatMap((a) => [Math.max(0, bbox[a] - margin[a])]).concat([0, 1, 2].map((a) => Math.min(image.dims[a] - 1, bbox[a + 3] + margin[a])));
  const cdims = [box[3] - box[0] + 1, box[4] - box[1] + 1, box[5] - box[2] + 1] as unknown as Dims3;
  const o0 = image.origin ?? [0, 0, 0];
  const corigin = [0, 1, 2].map((a) => o0[a] + box[a] * image.spacing[a]) as unknown as Vec3;
  let img: Image3D = { data: crop(image as Image3D & { dims: Dims3 }, box, Float64Array), dims: cdims, spacing: image.spacing, origin: corigin };
  const bin = crop(mask, box, Uint8Array) as Uint8Array;
  binarise(bin);
  let roi: Mask3D = { data: bin, dims: cdims, spacing: image.spacing, origin: corigin };

  if (settings.resampling) {
    const rs = settings.resampling;
    const full = resampleGrid(image.dims, image.spacing, image.origin, rs.spacing);
    // the part of the full grid that covers the ROI bounding box ± (peak radius + 1 voxel)
    const lo: number[] = [], hi: number[] = [];
    for (let a = 0; a < 3; a++) {
      // cover the peak sphere and the filter support of derived images (in original voxels)
      const pad = supportMm[a] / image.spacing[a] + 1;
      const i0 = Math.max(0, Math.floor((bbox[a] - pad - full.start[a]) / full.step[a]));
      const i1 = Math.min(full.dims[a] - 1, Math.ceil((bbox[a + 3] + pad - full.start[a]) / full.step[a]));
      lo.push(i0); hi.push(i1);
    }
    const sub: ResampleGrid = {
      dims: [0, 1, 2].map((a) => hi[a] - lo[a] + 1) as unknown as Dims3,
      spacing: full.spacing,
      origin: [0, 1, 2].map((a) => full.origin[a] + lo[a] * full.spacing[a]) as unknown as Vec3,
      start: [0, 1, 2].map((a) => full.start[a] + lo[a] * full.step[a] - box[a]) as unknown as Vec3,
      step: full.step,
    };
    img = { data: resampleData(img.data, img.dims, sub, rs.interpolator), dims: sub.dims, spacing: sub.spacing, origin: sub.origin };
    const mv = resampleData(roi.data, roi.dims, sub, rs.maskInterpolator);
    const md = new Uint8Array(mv.length);
    for (let i = 0; i < mv.length; i++) md[i] = mv[i] >= rs.maskThreshold - 1e-12 ? 1 : 0;
    roi = { data: md, dims: sub.dims, spacing: sub.spacing, origin: sub.origin };
  }
  if (settings.padDistance !== null) {
    // PyRadiomics `padDistance`: the image seen by the filters (and every family) is the ROI bounding box + pad
    const rb = maskBoundingBox(roi)!;
    const pb = [0, 1, 2].map((a) => Math.max(0, rb[a] - settings.padDistance!)).concat([0, 1, 2].map((a) => Math.min(roi.dims[a] - 1, rb[a + 3] + settings.padDistance!)));
    const pd = [pb[3] - pb[0] + 1, pb[4] - pb[1] + 1, pb[5] - pb[2] + 1] as unknown as Dims3;
    if (pd.some((d, a) => d !== roi.dims[a])) {
      const po = [0, 1, 2].map((a) => (img.origin ?? [0, 0, 0])[a] + pb[a] * img.spacing[a]) as unknown as Vec3;
      img = { data: crop(img as Image3D & { dims: Dims3 }, pb, Float64Array), dims: pd, spacing: img.spacing, origin: po };
      roi = { data: crop(roi, pb, Uint8Array) as Uint8Array, dims: pd, spacing: roi.spacing, origin: po };
    }
  }
  if (settings.roundIntensities) img = roundIntensities(img);

  const range = settings.resegmentation.range;
  const { morphMask, intensityMask } = roiMasks(img, roi, { range, outlierSigma: settings.resegmentation.outlierSigma });
  const features: FeatureMap = {};
  const reasons: ReasonMap = {};
  const fam = new Set(settings.families);
  let ng = 0;
  const morphExtent = maskExtent(morphMask);
  const morphVoxels = morphExtent?.count ?? 0, intensityVoxels = countPositive(intensityMask.data);
  if (!morphExtent) throw new Error(`extractFeatures: the ROI has no voxel left after resampling (mask threshold ${settings.resampling?.maskThreshold}); ${roiVoxels} voxels before`);

  // the intensity-based families only see ROI voxels (and ROI neighbours): run them on the ROI bounding box + 1
  // voxel, not on the crop with the filter margin (up to ~10× fewer voxels for LoG/wavelet images)
  const rbox = morphExtent.box;
  const tbox = [0, 1, 2].map((a) => Math.max(0, rbox[a] - 1)).concat([0, 1, 2].map((a) => Math.min(img.dims[a] - 1, rbox[a + 3] + 1)));
  const tdims = [tbox[3] - tbox[0] + 1, tbox[4] - tbox[1] + 1, tbox[5] - tbox[2] + 1] as unknown as Dims3;
  const whole = tdims.every((d, a) => d === img.dims[a]);
  const torigin = img.origin ? ([0, 1, 2].map((a) => img.origin![a] + tbox[a] * img.spacing[a]) as unknown as Vec3) : undefined;
  const toBox = (im: Image3D): Image3D => (whole ? im : { data: crop(im as Image3D & { dims: Dims3 }, tbox, Float64Array), dims: tdims, spacing: im.spacing, origin: torigin });
  const tMorph: Mask3D = whole ? morphMask : { data: crop(morphMask, tbox, Uint8Array) as Uint8Array, dims: tdims, spacing: morphMask.spacing, origin: torigin };
  const tIntensity: Mask3D = whole ? intensityMask : { data: crop(intensityMask, tbox, Uint8Array) as Uint8Array, dims: tdims, spacing: intensityMask.spacing, origin: torigin };

  if (it.original) {
    if (fam.has('morphology')) Object.assign(features, morphologyFeatures(img, morphMask, intensityMask, reasons, { moranMaxVoxels: settings.moranMaxVoxels, spatialAutocorrelation: settings.spatialAutocorrelation === 'exact' }));
    if (fam.has('local-intensity')) Object.assign(features, localIntensityFeatures(img, intensityMask, reasons));
    ng = intensityFamilies(toBox(img), tMorph, tIntensity, intensityVoxels, settings, '', features, reasons);
    if (fam.has('shape')) Object.assign(features, pyradiomicsShape(morphMask, reasons));
    if (fam.has('fractal')) {
      features.fractal_dim_box = fractalDimensionBoxCounting(morphMask);
      if (Number.isNaN(features.fractal_dim_box)) reasons.fractal_dim_box = 'ROI extent is one voxel: box counting needs two box sizes';
    }
  }
  for (const [name, derived] of derivedImages(img, settings)) {
    intensityFamilies(toBox(derived()), tMorph, tIntensity, intensityVoxels, settings, `${name}_`, features, reasons);
  }
  return {
    features,
    reasons,
    settingsHash: settingsHash(settings),
    softwareVersion: SOFTWARE_VERSION,
    diagnostics: { roiVoxels, morphVoxels, intensityVoxels, dims: img.dims, spacing: img.spacing, ng },
  };
}

/**
 * PyRadiomics-style name of a feature key of the PyRadiomics classes (firstorder, shape, and the texture
 * classes of `src/texture/pyradiomics.ts`: glcm_JointEnergy, gldm_…)
 * (`firstorder_Mean` → `original_firstorder_Mean`, `wavelet-LLH_firstorder_Mean` → same), or null for
 * IBSI-only keys.
 */
export function pyradiomicsName(key: string): string | null {
  const m = /^(?:(log-sigma-[0-9-]+-mm-3D|wavelet\d*-[LH]{3}|square|squareroot|logarithm|exponential|gradient)_)?((?:firstorder|shape|glcm|glrlm|glszm|gldm|ngtdm)_[A-Z0-9][A-Za-z0-9]*)$/.exec(key);
  return m ? `${m[1] ?? 'original'}_${m[2]}` : null;
}

/** Statistics, histogram, IVH and texture features of one (original or derived) image, keys prefixed. Returns N_g. */
function intensityFamilies(img: Image3D, morphMask: Mask3D, intensityMask: Mask3D, intensityVoxels: number, settings: ExtractSettings, prefix: string, out: FeatureMap, outReasons: ReasonMap): number {
  const derived = prefix !== '';
  const fam = new Set(settings.families);
  if (derived) fam.delete('ivh'); // IVH is defined for calibrated/original intensities only
  // the re-segmentation range is in original intensity units: it bounds FBS bins of the original image only
  const range = derived ? null : settings.resegmentation.range;
  const features: FeatureMap = {};
  const reasons: ReasonMap = {};
  let ng = 0;
  const values = roiValues(img, intensityMask);
  if (fam.has('intensity-statistics')) Object.assign(features, intensityStatistics(values, reasons));
  if (fam.has('firstorder')) {
    if (!values.length) for (const k of Object.keys(pyradiomicsFirstOrder([1], { voxelVolume: 1 }))) { features[k] = NaN; reasons[k] = 'empty intensity mask'; }
    else {
      const d = settings.discretisation;
      const fo = pyradiomicsFirstOrder(values, {
        binWidth: d.method === 'fbs' ? d.binWidth : 1,
        binCount: d.method === 'fbn' ? d.binCount : undefined,
        voxelVolume: img.spacing[0] * img.spacing[1] * img.spacing[2],
        voxelArrayShift: settings.voxelArrayShift,
      });
      for (const k of Object.keys(fo)) if (Number.isNaN(fo[k])) reasons[k] = statisticsNanReason(k, values.length);
      Object.assign(features, fo);
    }
  }

  const textureFams = (['glcm', 'glrlm', 'glszm', 'gldzm', 'ngtdm', 'ngldm'] as const).filter((f) => fam.has(f));
  const pyTexture = fam.has('pyradiomics-texture');
  if (fam.has('intensity-histogram') || textureFams.length || pyTexture) {
    if (!intensityVoxels) {
      const keys = [
        ...(fam.has('intensity-histogram') ? Object.keys(intensityHistogramFeatures([], 0)) : []),
        ...textureFeatureCatalogue({ families: textureFams as TextureFamily[], dimensions: settings.texture.dimensions }).map((t) => t.key),
        ...(pyTexture ? Object.entries(PYRADIOMICS_TEXTURE_FEATURES).flatMap(([c, names]) => names.map((nm) => `${c}_${nm}`)) : []),
      ];
      for (const k of keys) { features[k] = NaN; reasons[k] = 'empty intensity mask after re-segmentation'; }
    } else {
      const disc = discretise(img, intensityMask, settings.discretisation, range?.[0] ?? null);
      ng = disc.ng;
      if (fam.has('intensity-histogram')) {
        const lv = new Int32Array(intensityVoxels);
        for (let i = 0, k = 0; i < disc.levels.length; i++) if (disc.levels[i] > 0) lv[k++] = disc.levels[i];
        Object.assign(features, intensityHistogramFeatures(lv, disc.ng, reasons));
      }
      if (pyTexture) {
        const pt = settings.pyradiomicsTexture;
        const t = pyradiomicsTextureFeatures(disc, {
          force2D: !settings.texture.dimensions.includes('3D'),
          gldmAlpha: settings.texture.ngldmAlpha,
          ...(pt ? { distances: pt.distances, symmetricalGLCM: pt.symmetricalGLCM, weightingNorm: pt.weightingNorm } : {}),
        });
        for (const k of Object.keys(t)) {
          features[k] = t[k].value;
          if (Number.isNaN(t[k].value)) reasons[k] = t[k].reason ?? 'undefined for this ROI';
        }
      }
      if (textureFams.length) {
        const t = computeTextureFeaturesDetailed(disc, {
          families: textureFams as TextureFamily[],
          dimensions: settings.texture.dimensions,
          glcmDistance: settings.texture.glcmDistance,
          ngtdmDistance: settings.texture.ngtdmDistance,
          ngldmDistance: settings.texture.ngldmDistance,
          ngldmAlpha: settings.texture.ngldmAlpha,
          morphologicalMask: morphMask.data,
        });
        for (const k of Object.keys(t)) {
          features[k] = t[k].value;
          if (Number.isNaN(t[k].value)) reasons[k] = t[k].reason ?? 'undefined for this ROI';
        }
      }
    }
  }
  if (fam.has('ivh')) {
    // IBSI 3.5 grids: discrete calibrated (none), continuous calibrated (fbs → bin centres), arbitrary (fbn)
    const d = settings.ivhDiscretisation;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < values.length; i++) { if (values[i] < lo) lo = values[i]; if (values[i] > hi) hi = values[i]; }
    const xmin = range?.[0] ?? lo, xmax = range?.[1] ?? hi;
    if (!intensityVoxels) Object.assign(features, ivhFeatures([], {}, reasons));
    else if (d.method === 'none') {
      Object.assign(features, ivhFeatures(values, { min: xmin, max: xmax, step: 1 }, reasons));
    } else if (d.method === 'fbs') {
      const w = d.binWidth;
      const centres = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) centres[i] = xmin + (Math.max(1, Math.floor((values[i] - xmin) / w) + 1) - 0.5) * w;
      Object.assign(features, ivhFeatures(centres, { min: xmin + w / 2, max: Math.max(xmin + w / 2, xmax - w / 2), step: w }, reasons));
    } else {
      const disc = discretise(img, intensityMask, d, null);
      const lv = roiValues({ data: disc.levels }, intensityMask);
      Object.assign(features, ivhFeatures(lv, { min: 1, max: d.binCount, step: 1 }, reasons));
    }
  }
  for (const k of Object.keys(features)) out[prefix + k] = features[k];
  for (const k of Object.keys(reasons)) outReasons[prefix + k] = reasons[k];
  return ng;
}

/** PyRadiomics-style image-type names with lazily computed derived images on the (cropped) grid. */
function derivedImages(img: Image3D, settings: ExtractSettings): [string, () => Image3D][] {
  const it = settings.imageTypes;
  const out: [string, () => Image3D][] = [];
  if (it.log) {
    const impl = it.log.implementation;
    for (const s of it.log.sigmaMm) {
      const name = `log-sigma-${String(s).replace('.', '-')}${Number.isInteger(s) ? '-0' : ''}-mm-3D`;
      out.push([name, () => (impl === 'pyradiomics' ? recursiveLogFilter(img, s) : logFilter(img, { sigmaMm: s }))]);
    }
  }
  if (it.wavelet) {
    const w = it.wavelet;
    let cache: ReturnType<typeof pyradiomicsWavelet> | null = null;
    const get = () => (cache ??= pyradiomicsWavelet(img, { wavelet: w.wavelet, level: w.level, startLevel: w.startLevel }));
    for (let l = 0; l < w.level; l++) {
      const lp = l + w.startLevel > 0 ? `wavelet${l + w.startLevel + 1}` : 'wavelet';
      for (const band of ['LLH', 'LHL', 'LHH', 'HLL', 'HLH', 'HHL', 'HHH']) out.push([`${lp}-${band}`, () => get().levels[l][band]]);
      if (l === w.level - 1) out.push([`${lp}-LLL`, () => get().approximation]);
    }
  }
  if (it.square) out.push(['square', () => squareImage(img)]);
  if (it.squareRoot) out.push(['squareroot', () => squareRootImage(img)]);
  if (it.logarithm) out.push(['logarithm', () => logarithmImage(img)]);
  if (it.exponential) out.push(['exponential', () => exponentialImage(img)]);
  if (it.gradient) out.push(['gradient', () => gradientImage(img)]);
  return out;
}

export interface LabelRow extends ExtractResult {
  label: number;
  /** connected-component number within the label (1..), or 0 when the label was not split */
  component: number;
  voxels: number;
}

export interface Lesion {
  label: number;
  component: number;
  voxels: number;
  /** binary mask of the lesion on the label map's grid (reused between iterations: copy it to keep it) */
  mask: Mask3D;
}

/**
 * The lesions of a label map, one at a time: every label (or only `label`; `exclude` drops e.g. the liver
 * label), split into connected components (26-connectivity) when `splitComponents` (default: when a single
 * label is used). Components are found on the label's bounding box, so memory stays ∝ the ROI box plus one
 * image-sized mask. Throws listing the labels present when the map is empty or `label` is absent.
 */
export function* lesionsOf(labels: { data: ArrayLike<number>; dims: Dims3; spacing: Vec3; origin?: Vec3 }, options: { label?: number; exclude?: number[]; splitComponents?: boolean } = {}): Generator<Lesion> {
  const present = labelsPresent(labels);
  if (!present.length) throw new Error('lesionsOf: the mask is empty; labels present: none');
  if (options.label !== undefined && !present.includes(options.label)) throw new Error(`lesionsOf: label ${options.label} is not in the mask; labels present: ${present.join(', ')}`);
  const wanted = options.label !== undefined ? [options.label] : present.filter((l) => !(options.exclude ?? []).includes(l));
  if (!wanted.length) throw new Error(`lesionsOf: no lesion label left after excluding ${options.exclude?.join(', ')}; labels present: ${present.join(', ')}`);
  const split = options.splitComponents ?? wanted.length === 1;
  const [nx, ny] = labels.dims;
  const bin = new Uint8Array(labels.data.length);
  const mask: Mask3D = { data: bin, dims: labels.dims, spacing: labels.spacing, origin: labels.origin };
  for (const label of wanted) {
    bin.fill(0);
    let total = 0;
    for (let i = 0; i < bin.length; i++) if (labels.data[i] === label) { bin[i] = 1; total++; }
    if (!split) { yield { label, component: 0, voxels: total, mask }; continue; }
    const bb = maskBoundingBox(mask)!;
    const bdims = [bb[3] - bb[0] + 1, bb[4] - bb[1] + 1, bb[5] - bb[2] + 1] as unknown as Dims3;
    const sub = crop({ data: bin, dims: labels.dims }, bb, Uint8Array) as Uint8Array;
    const cc = connectedComponents({ data: sub, dims: bdims });
    for (let c = 1; c <= cc.count; c++) {
      bin.fill(0);
      let n = 0;
      for (let z = 0, j = 0; z < bdims[2]; z++) for (let y = 0; y < bdims[1]; y++) for (let x = 0; x < bdims[0]; x++, j++) {
        if (cc.labels[j] === c) { bin[bb[0] + x + nx * (bb[1] + y + ny * (bb[2] + z))] = 1; n++; }
      }
      yield { label, component: c, voxels: n, mask };
    }
  }
}

/**
 * `--all-labels`: one row per label of a label map; when the map has a single label, one row per connected
 * lesion (26-connectivity) instead, so multifocal disease in a binary mask gets a row per lesion.
 * `label` restricts to one label (throws listing the labels present when absent).
 */
export function extractFeaturesPerLabel(image: Image3D, labels: { data: ArrayLike<number>; dims: Dims3; spacing: Vec3; origin?: Vec3 }, settings: ExtractSettingsInput | ExtractSettings = {}, options: { label?: number; exclude?: number[]; splitComponents?: boolean } = {}): LabelRow[] {
  assertSameGrid(image, labels, 'extractFeaturesPerLabel');
  const rows: LabelRow[] = [];
  for (const l of lesionsOf(labels, options)) rows.push({ label: l.label, component: l.component, voxels: l.voxels, ...extractFeatures(image, l.mask, settings) });
  return rows;
}
