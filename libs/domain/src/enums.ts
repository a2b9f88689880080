/**
 * Enumerations shared by every layer (browser-safe). They mirror the enums of prisma/schema.prisma exactly;
 * libs/db has a test that fails when the two drift apart.
 */
export const ROLES = ['CLINICIAN', 'TUMOR_BOARD', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const SEXES = ['MALE', 'FEMALE', 'OTHER', 'UNKNOWN'] as const;
export type Sex = (typeof SEXES)[number];

export const CHILD_PUGH_CLASSES = ['A', 'B', 'C'] as const;
export type ChildPugh = (typeof CHILD_PUGH_CLASSES)[number];

/** BCLC stages; `STAGE_0` is "0" (see `bclcLabel`). */
export const BCLC_STAGES = ['STAGE_0', 'A', 'B', 'C', 'D'] as const;
export type Bclc = (typeof BCLC_STAGES)[number];

export const MODALITIES = ['CT', 'MR', 'US'] as const;
export type Modality = (typeof MODALITIES)[number];

export const TIMEPOINTS = ['BASELINE', 'PRE_TACE', 'POST_TACE', 'FOLLOW_UP', 'OTHER'] as const;
export type Timepoint = (typeof TIMEPOINTS)[number];

export const PHASES = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED', 'HEPATOBILIARY', 'T2', 'DWI', 'ADC', 'OTHER'] as const;
export type Phase = (typeof PHASES)[number];

export const STRUCTURES = ['LIVER', 'LESION', 'VESSELS', 'SPLEEN', 'OTHER'] as const;
export type Structure = (typeof STRUCTURES)[number];

export const SEGMENTATION_SOURCES = ['MANUAL', 'SEMI_AUTO', 'AUTO'] as const;
export type SegmentationSource = (typeof SEGMENTATION_SOURCES)[number];

export const SEGMENTATION_STATUSES = ['DRAFT', 'ACCEPTED', 'REJECTED', 'SUPERSEDED'] as const;
export type SegmentationStatus = (typeof SEGMENTATION_STATUSES)[number];

export const MODEL_TASKS = ['DIAGNOSIS', 'GRADE', 'MVI', 'EARLY_RECURRENCE', 'TACE_RESPONSE', 'SURVIVAL', 'SEGMENTATION'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const MODEL_STATUSES = ['DRAFT', 'VALIDATED', 'RETIRED'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export const MODEL_ORIGINS = ['TRAINED', 'PUBLISHED', 'UPLOADED'] as const;
export type ModelOrigin = (typeof MODEL_ORIGINS)[number];

export const COHORT_SPLITS = ['TRAINING', 'VALIDATION'] as const;
export type CohortSplit = (typeof COHORT_SPLITS)[number];

export const MEETING_STATUSES = ['SCHEDULED', 'IN_PROGRESS', 'CLOSED', 'CANCELLED'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const DISCUSSION_STATUSES = ['PENDING', 'DECIDED', 'SIGNED_OFF', 'DEFERRED'] as const;
export type DiscussionStatus = (typeof DISCUSSION_STATUSES)[number];

export const TREATMENT_TYPES = ['TACE', 'RESECTION', 'ABLATION', 'TRANSPLANT', 'SYSTEMIC', 'RADIOTHERAPY', 'TARE', 'BEST_SUPPORTIVE_CARE', 'OTHER'] as const;
export type TreatmentType = (typeof TREATMENT_TYPES)[number];

export const JOB_STATES = ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const AUDIT_OUTCOMES = ['SUCCESS', 'DENIED', 'FAILURE'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Canonical values of `Patient.aetiology` (free text in the database; these are what the seed and imports write). */
export const AETIOLOGIES = ['HBV', 'HCV', 'HBV+HCV', 'ALCOHOL', 'MASLD', 'OTHER', 'NONE'] as const;
export type Aetiology = (typeof AETIOLOGIES)[number];

/** `STAGE_0` → `0`, others unchanged. */
export function bclcLabel(stage: Bclc): string {
  return stage === 'STAGE_0' ? '0' : stage;
}

/** Human label of a phase: `PORTAL_VENOUS` → `Portal venous`. */
export function phaseLabel(phase: Phase): string {
  if (phase === 'DWI' || phase === 'ADC' || phase === 'T2') return phase;
  const s = phase.toLowerCase().replace(/_/g, ' ');
  return s[0]!.toUpperCase() + s.slice(1);
}

/** Patient fields a cohort CSV column can be mapped to (import wizard, API input, per-row validation). */
export const CSV_TARGET_FIELDS = [
  'pseudoId',
  'sex',
  'age',
  'aetiology',
  'cirrhosis',
  'childPugh',
  'bclc',
  'afp',
  'bilirubin',
  'albumin',
  'platelets',
  'osMonths',
  'osEvent',
  'rfsMonths',
  'rfsEvent',
] as const;
export type CsvTarget = (typeof CSV_TARGET_FIELDS)[number];
