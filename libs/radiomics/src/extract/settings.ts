/**
 * Extraction settings: a documented zod schema with defaults, named presets, and a settings hash.
 *
 * Processing order (IBSI 1, chapter 2): resampling (image and mask) → intensity rounding → re-segmentation
 * (range, then outliers) → discretisation → features. Every field has a default, so `{}` is valid.
 */
import { z } from 'zod';
import { canonicalJson, sha256Hex } from './hash';

const spacingAxis = z.number().positive().nullable();
const interpolator = z.enum(['nearest', 'linear', 'bspline']);

/** Families this pipeline can compute. Texture families come from `src/texture`. */
export const ALL_FAMILIES = [
  'morphology', 'local-intensity', 'intensity-statistics', 'intensity-histogram', 'ivh',
  'glcm', 'glrlm', 'glszm', 'gldzm', 'ngtdm', 'ngldm', 'fractal',
  /**
   * PyRadiomics-definition classes: `firstorder_<Name>`, `shape_<Name>` (features/pyradiomics.ts) and the
   * texture classes glcm/glrlm/glszm/gldm/ngtdm with PyRadiomics names (`glcm_JointEnergy`; texture/pyradiomics.ts;
   * 2D (force2D) when `texture.dimensions` has no '3D')
   */
  'firstorder', 'shape', 'pyradiomics-texture',
] as const;
export type ExtractFamily = (typeof ALL_FAMILIES)[number];

/** The default families: every IBSI family plus the fractal dimension (not the PyRadiomics classes). */
export const IBSI_FAMILIES: readonly ExtractFamily[] = ALL_FAMILIES.filter((f) => f !== 'firstorder' && f !== 'shape' && f !== 'pyradiomics-texture');

const discretisation = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('fbs').describe('fixed bin size (IBSI Q3RU)'),
    binWidth: z.number().positive().default(25),
    /** 'ibsi': bins start at the re-segmentation lower bound (or ROI minimum); 'pyradiomics': at multiples of binWidth */
    lowerBound: z.enum(['ibsi', 'pyradiomics']).default('ibsi'),
  }),
  z.object({ method: z.literal('fbn').describe('fixed bin number (IBSI K15C)'), binCount: z.number().int().min(1).default(32) }),
  z.object({ method: z.literal('none').describe('intensities are integer grey levels already (e.g. the IBSI digital phantom)') }),
]);

export const ExtractSettingsSchema = z
  .object({
    /** Resampling; null = none. `spacing` per axis in mm, null keeps an axis (e.g. [1, 1, null] for 2D in-plane). */
    resampling: z
      .object({
        spacing: z.tuple([spacingAxis, spacingAxis, spacingAxis]),
        interpolator: interpolator.default('linear'),
        maskInterpolator: interpolator.default('linear'),
        /** partial-volume threshold of the interpolated mask (IBSI default 0.5) */
        maskThreshold: z.number().min(0).max(1).default(0.5),
      })
      .nullable()
      .default(null),
    /** round intensities to integers after resampling (IBSI, for calibrated images such as CT) */
    roundIntensities: z.boolean().default(false),
    resegmentation: z
      .object({
        /** [lo, hi] intensity range; null bound = open */
        range: z.tuple([z.number().nullable(), z.number().nullable()]).nullable().default(null),
        /** outlier filter μ ± nσ; null = off */
        outlierSigma: z.number().positive().nullable().default(null),
      })
      .default({ range: null, outlierSigma: null }),
    /** discretisation for the intensity histogram and texture families */
    discretisation: discretisation.default({ method: 'fbs', binWidth: 25, lowerBound: 'ibsi' }),
    /** discretisation for the intensity-volume histogram ('none': the intensities with step 1) */
    ivhDiscretisation: discretisation.default({ method: 'none' }),
    families: z.array(z.enum(ALL_FAMILIES)).min(1).default([...IBSI_FAMILIES]),
    /** PyRadiomics `voxelArrayShift` for firstorder Energy, TotalEnergy and RMS */
    voxelArrayShift: z.number().default(0),
    texture: z
      .object({
        dimensions: z.array(z.enum(['2D', '2.5D', '3D'])).min(1).default(['3D']),
        glcmDistance: z.number().int().min(1).default(1),
        ngtdmDistance: z.number().int().min(1).default(1),
        ngldmDistance: z.number().int().min(1).default(1),
        ngldmAlpha: z.number().int().min(0).default(0),
      })
      .default({ dimensions: ['3D'], glcmDistance: 1, ngtdmDistance: 1, ngldmDistance: 1, ngldmAlpha: 0 }),
    /**
     * Image types (filtered images, IBSI 2 / PyRadiomics): each derived image gets the intensity-based
     * families (statistics, histogram, IVH, texture — not morphology or local intensity), keys prefixed
     * `<imageType>_` (e.g. `log-sigma-3-0-mm-3D_stat_mean`, `wavelet-LLH_glcm_joint_max_3D_avg`).
     * Derived images are computed on the ROI crop (bounding box + a margin covering the filter support).
     */
    imageTypes: z
      .object({
        original: z.boolean().default(true),
        /** LoG σ list (mm); implementation 'ibsi' = sampled Gaussian kernels (IBSI 2), 'pyradiomics' = SimpleITK recursive, scale-normalised */
        log: z.object({ sigmaMm: z.array(z.number().positive()).min(1), implementation: z.enum(['ibsi', 'pyradiomics']).default('ibsi') }).nullable().default(null),
        /** PyRadiomics wavelet (undecimated, periodic): 7 detail sub-bands + LLL per level */
        wavelet: z.object({ wavelet: z.string().default('coif1'), level: z.number().int().min(1).max(3).default(1), startLevel: z.number().int().min(0).default(0) }).nullable().default(null),
        square: z.boolean().default(false),
        squareRoot: z.boolean().default(false),
        logarithm: z.boolean().default(false),
        exponential: z.boolean().default(false),
        gradient: z.boolean().default(false),
      })
      .default({ original: true, log: null, wavelet: null, square: false, squareRoot: false, logarithm: false, exponential: false, gradient: false }),
    /**
     * PyRadiomics `padDistance`: crop the (resampled) image to the ROI bounding box + this many voxels before the
     * filters run, as PyRadiomics does — derived images (LoG, wavelet, …) then see only that much context, and
     * values near the crop edge depend on it. null (default): the crop keeps a margin covering the filter support
     * (4σ of LoG, the wavelet length, the local-intensity sphere), i.e. filters see the image around the ROI.
     */
    padDistance: z.number().int().min(0).nullable().default(null),
    /**
     * PyRadiomics texture-class settings of the 'pyradiomics-texture' family (src/texture/pyradiomics.ts):
     * `distances` (GLCM angles and NGTDM/GLDM neighbours at these Chebyshev distances), `symmetricalGLCM` (false:
     * PyRadiomics' one-direction-per-angle GLCM), `weightingNorm` (GLCM/GLRLM angles weighted by distance and
     * merged). Absent = PyRadiomics' defaults ([1], true, null); optional so that settings without it keep their hash.
     */
    pyradiomicsTexture: z
      .object({
        distances: z.array(z.number().int().min(1)).min(1).default([1]),
        symmetricalGLCM: z.boolean().default(true),
        weightingNorm: z.enum(['manhattan', 'euclidean', 'infinity', 'no_weighting']).nullable().default(null),
      })
      .strict()
      .optional(),
    /** voxel count above which Moran's I / Geary's C are estimated on a seeded subsample (when no FFT fits) */
    moranMaxVoxels: z.number().int().min(2).default(10000),
    /**
     * Moran's I / Geary's C: 'exact' (FFT or pair sum, see morphMoranGeary), or 'off' (NaN with a reason) —
     * they dominate the morphology cost of large ROIs.
     */
    spatialAutocorrelation: z.enum(['exact', 'off']).default('exact'),
  })
  .strict();

export type ExtractSettings = z.output<typeof ExtractSettingsSchema>;
export type ExtractSettingsInput = z.input<typeof ExtractSettingsSchema>;

/** Named presets (inputs to the schema). */
export const PRESETS: Readonly<Record<string, ExtractSettingsInput>> = {
  /** IBSI 1 digital phantom: no resampling, no re-segmentation, no discretisation, all texture aggregations. */
  'ibsi-digital-phantom': {
    discretisation: { method: 'none' },
    ivhDiscretisation: { method: 'none' },
    texture: { dimensions: ['2D', '2.5D', '3D'] },
  },
  /**
   * PyRadiomics defaults: binWidth 25 with bin edges on multiples of 25, no resampling, 3D, padDistance 5, the
   * PyRadiomics classes firstorder, shape, glcm, glrlm, glszm, gldm, ngtdm with PyRadiomics definitions and names.
   */
  'pyradiomics-default': {
    discretisation: { method: 'fbs', binWidth: 25, lowerBound: 'pyradiomics' },
    texture: { dimensions: ['3D'] },
    families: ['firstorder', 'shape', 'pyradiomics-texture'],
    padDistance: 5,
  },
  /** Liver CT (HCC): 1 mm isotropic linear resampling, rounding to HU, range [−100, 400] HU, FBS 25 HU. */
  'liver-ct': {
    resampling: { spacing: [1, 1, 1], interpolator: 'linear', maskInterpolator: 'linear', maskThreshold: 0.5 },
    roundIntensities: true,
    resegmentation: { range: [-100, 400], outlierSigma: null },
    discretisation: { method: 'fbs', binWidth: 25, lowerBound: 'ibsi' },
    ivhDiscretisation: { method: 'none' },
    texture: { dimensions: ['3D'] },
  },
};

/** Parses settings (throws a readable error naming the bad field). */
export function parseExtractSettings(input: unknown): ExtractSettings {
  const r = ExtractSettingsSchema.safeParse(input ?? {});
  if (!r.success) {
    throw new Error(`extract settings are invalid: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/** The settings of a named preset; throws listing the presets when unknown. */
export function presetSettings(name: string): ExtractSettings {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown preset "${name}"; presets: ${Object.keys(PRESETS).join(', ')}`);
  return parseExtractSettings(p);
}

/** SHA-256 of the canonical JSON of the parsed settings (defaults filled in). */
export function settingsHash(settings: ExtractSettings): string {
  return sha256Hex(canonicalJson(settings));
}
