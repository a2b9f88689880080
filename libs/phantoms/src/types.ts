/**
 * Types of the synthetic multi-phase liver phantoms.
 *
 * A `PhantomVolume` has exactly the fields of `@hepatoscope/imaging-io`'s `Volume` (and of radiomics'
 * `Image3D`): x-fastest data, dims, spacing (mm), origin and direction in LPS. This package stays pure
 * (no Node imports, no dependency on imaging-io) and the types are structurally compatible.
 */

export type Phase = 'NATIVE' | 'ARTERIAL' | 'PORTAL_VENOUS' | 'DELAYED';
export const PHASES: readonly Phase[] = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'];

export type LesionType = 'HCC' | 'HAEMANGIOMA' | 'CYST' | 'METASTASIS';
export const LESION_TYPES: readonly LesionType[] = ['HCC', 'HAEMANGIOMA', 'CYST', 'METASTASIS'];

/** mRECIST-like best response at follow-up (malignant lesions only). */
export type Response = 'CR' | 'PR' | 'SD' | 'PD';

export type Vec3 = [number, number, number];

export interface PhantomVolume<T extends Int16Array | Uint8Array = Int16Array | Uint8Array> {
  data: T;
  dims: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  direction: [number, number, number, number, number, number, number, number, number];
  dtype: T extends Int16Array ? 'int16' : 'uint8';
  metadata: {
    synthetic: true;
    modality: 'CT' | 'SEG';
    phase?: Phase;
    phaseSource?: 'phantom';
    hounsfield?: boolean;
    phantomSeed: number;
    timepoint: number;
    seriesDescription: string;
    [key: string]: unknown;
  };
}

export interface PhantomOptions {
  /** any integer; the same seed gives the same phantom */
  seed: number;
  /** number of lesions K (default: 1–4 drawn from the seed) */
  lesions?: number;
  /** number of timepoints T (default 1); follow-ups every `intervalDays` */
  timepoints?: number;
  /** days between timepoints (default 90) */
  intervalDays?: number;
  /** grid size (default [128, 128, 48]) */
  dims?: [number, number, number];
  /** voxel spacing in mm (default [1.5, 1.5, 3]) */
  spacing?: [number, number, number];
  /** SD of the (correlated) image noise in HU (default 12) */
  noiseSd?: number;
  /** force the lesion types (cycled when shorter than K) */
  lesionTypes?: LesionType[];
  /** probability weights of HCC, HAEMANGIOMA, CYST, METASTASIS (default 0.55, 0.15, 0.12, 0.18) */
  typeWeights?: [number, number, number, number];
}

/** Ground truth and latent labels of one lesion at one timepoint. */
export interface LesionRecord {
  /** voxel value of this lesion in the lesion mask (1..K) */
  label: number;
  type: LesionType;
  /** equivalent-sphere diameter of the lesion mask, (6V/π)^(1/3), mm (0 when it vanished) */
  diameterMm: number;
  /** nominal largest diameter of the shape, mm */
  nominalDiameterMm: number;
  volumeMl: number;
  /** lesion centre, LPS mm */
  centerMm: Vec3;
  malignant: boolean;
  /** Edmondson–Steiner-like grade 1–3 (HCC only, null otherwise) */
  grade: 1 | 2 | 3 | null;
  /** microvascular invasion (HCC only): drives irregular margins, peritumoural arterial enhancement, satellites */
  mvi: boolean | null;
  /** enhancing capsule present (HCC) */
  capsule: boolean | null;
  /** satellite nodules within 1 cm (not in the lesion mask) */
  satellites: number;
  /** latent tumour biology in SD units: higher = more arterialised, more homogeneous, better response */
  arterialSensitivity: number | null;
  /** best response at follow-up (malignant lesions), the outcome the baseline images predict */
  response: Response | null;
  /** fraction of the lesion that still enhances (1 at baseline; lower after response) */
  viableFraction: number;
}

export interface PhantomTimepoint {
  timepoint: number;
  dayOffset: number;
  phases: Record<Phase, PhantomVolume<Int16Array>>;
  /** 1 = liver (parenchyma, intrahepatic vessels and lesions) */
  liverMask: PhantomVolume<Uint8Array>;
  /** 0 background, 1..K one label per lesion */
  lesionMask: PhantomVolume<Uint8Array>;
  lesions: LesionRecord[];
}

export interface Phantom {
  synthetic: true;
  seed: number;
  timepoints: PhantomTimepoint[];
}
