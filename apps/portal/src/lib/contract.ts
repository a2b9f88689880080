/**
 * View types for what the portal reads from the API, written from the contract in DEVELOPERS.md ("API surface").
 * Router outputs are assigned to these types, so a drift between the server and the contract fails type checking
 * here rather than at run time. Fields the portal can live without are optional.
 */
export type Role = 'CLINICIAN' | 'TUMOR_BOARD' | 'ADMIN';
export type Phase = 'NATIVE' | 'ARTERIAL' | 'PORTAL_VENOUS' | 'DELAYED';
export const PHASES: readonly Phase[] = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'];
export const BCLC_STAGES = ['0', 'A', 'B', 'C', 'D'] as const;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface PatientRow {
  id: string;
  pseudoId: string;
  sex?: string | null;
  age?: number | null;
  aetiology?: string | null;
  bclc?: string | null;
  childPugh?: string | null;
  afp?: number | null;
  cohortNames?: string[];
  studyCount?: number;
  synthetic?: boolean;
}

export interface SeriesView {
  id: string;
  phase: Phase | string;
  dims?: number[];
  spacing?: number[];
  url: string;
}

export interface SegmentationView {
  id: string;
  seriesId?: string | null;
  structure?: string;
  /** Set when the segmentation holds one lesion. */
  lesionId?: string | null;
  source?: string;
  version?: number;
  /** The version this one replaced; null for the first version of a mask (masks are version chains). */
  previousId?: string | null;
  status?: string;
  url: string;
  labels?: unknown;
  /** AUTO masks: what produced them (cascade, provider, each stage's model); null for other sources. */
  provenance?: SegmentationProvenanceView | null;
}

/** `Segmentation.provenance` as the API sends it (services' SegmentationProvenance). */
export interface SegmentationProvenanceView {
  cascade: string | null;
  provider: string | null;
  jobId: string;
  stages: { stage: 'liver' | 'tumour'; model: string; modelId: string | null; origin: 'BUNDLED' | 'UPLOADED' }[];
}

/**
 * One line naming the models behind an AUTO mask, liver stage first, e.g.
 * `liver: liver-unet@1.2 (bundled) · tumour: site-tumour@3 (uploaded) · cpu`; '' when nothing is recorded.
 */
export function provenanceText(p: SegmentationProvenanceView | null | undefined): string {
  if (!p) return '';
  const parts = p.stages.map((s) => `${s.stage}: ${s.model} (${s.origin === 'UPLOADED' ? 'uploaded' : 'bundled'})`);
  if (!parts.length && p.cascade) parts.push(p.cascade);
  if (p.provider) parts.push(p.provider);
  return parts.join(' · ');
}

export interface LesionView {
  id: string;
  label: string;
  type?: string | null;
  diameterMm?: number | null;
  volumeMl?: number | null;
  enhancementPattern?: string | null;
}

export interface StudyView {
  id: string;
  date: string | Date;
  modality?: string;
  timepoint?: string | null;
  synthetic?: boolean;
  series: SeriesView[];
  segmentations: SegmentationView[];
  lesions: LesionView[];
}

export interface NomogramPoint {
  predictor: string;
  value: number | string;
  points: number;
}

export interface ClassificationResult {
  kind?: 'probability';
  id: string;
  modelVersion?: string;
  probability: number;
  ci: number[] | null;
  ciUnavailableReason?: string | null;
  riskGroup?: string | null;
  nomogram?: { points: NomogramPoint[]; totalPoints: number } | null;
}

export interface SurvivalPointView {
  t: number;
  s: number;
  lo?: number | null;
  hi?: number | null;
}

export interface SurvivalResult {
  kind?: 'survival';
  id: string;
  curve: SurvivalPointView[];
  medianMonths?: number | null;
  horizons?: SurvivalPointView[];
  ciUnavailableReason?: string | null;
  riskGroup?: string | null;
  nomogram?: { points: NomogramPoint[]; totalPoints: number } | null;
}

/** Linear scores such as ALBI: a value and a grade, no probability. */
export interface ScoreResult {
  kind: 'score';
  id: string;
  score: number;
  grade?: string | number | null;
  nomogram?: { points: NomogramPoint[]; totalPoints: number } | null;
}

export type PredictionResult = ClassificationResult | SurvivalResult | ScoreResult;

export function isScore(r: PredictionResult): r is ScoreResult {
  return (r as ScoreResult).kind === 'score';
}

export function isSurvival(r: PredictionResult): r is SurvivalResult {
  if ((r as ScoreResult).kind === 'score') return false;
  return (r as SurvivalResult).kind === 'survival' || Array.isArray((r as SurvivalResult).curve);
}

export interface ModelRow {
  id: string;
  name: string;
  task: string;
  kind?: string;
  version?: number | string;
  status: string;
  predictors: string[];
  metrics?: unknown;
}

export interface TrainResult {
  modelId: string;
  metrics: {
    auc: number;
    aucCi: number[];
    roc: { fpr: number; tpr: number; threshold: number | null }[];
    calibration: { predicted: number; observed: number; n: number }[];
    brier: number;
    n?: number;
    events?: number;
    excluded?: number;
    warnings?: unknown;
  };
}

/** The series of the four standard phases, in display order (NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED; the first of each). */
export function seriesInPhaseOrder<T extends Pick<SeriesView, 'phase'>>(series: readonly T[]): T[] {
  return PHASES.map((p) => series.find((s) => s.phase === p)).filter((s): s is T => !!s);
}

/** Human label of an acquisition phase. */
export function phaseLabel(p: string): string {
  return (
    { NATIVE: 'Native', ARTERIAL: 'Arterial', PORTAL_VENOUS: 'Portal venous', DELAYED: 'Delayed' } as Record<string, string>
  )[p] ?? p;
}

/** Formats a date (ISO string or Date) as YYYY-MM-DD; '—' when absent or invalid. */
export function fmtDate(d: string | Date | null | undefined): string {
  if (!d) return '—';
  const x = typeof d === 'string' ? new Date(d) : d;
  return Number.isNaN(x.getTime()) ? String(d) : x.toISOString().slice(0, 10);
}

/** Formats a number with `digits` decimals; '—' for null/undefined/NaN. */
export function fmtNum(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits);
}
