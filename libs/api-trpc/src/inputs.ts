/**
 * zod schemas for every procedure input. Bounds are explicit (page sizes, string lengths, array lengths) so that
 * no input can ask the server for unbounded work.
 */
import { CSV_TARGET_FIELDS } from '@hepatoscope/services';
import { z } from 'zod';

export const id = z.string().min(1).max(64);
export const idInput = z.object({ id });

export const loginInput = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  // bcrypt reads at most 72 bytes; longer inputs are refused rather than truncated.
  password: z.string().min(1).max(72),
});

export const BCLC = ['0', 'A', 'B', 'C', 'D'] as const;

export const patientListInput = z
  .object({
    search: z.string().trim().max(100).optional(),
    cohortId: id.optional(),
    bclc: z.enum(BCLC).optional(),
    page: z.number().int().min(1).max(100000).default(1),
    pageSize: z.number().int().min(1).max(200).default(25),
  })
  .default({ page: 1, pageSize: 25 });

export const patientIdInput = z.object({ patientId: id });

export const predictionRunInput = z.object({ patientId: id, modelId: id, lesionId: id.optional() });

export const decisionInput = z.object({
  discussionId: id,
  decision: z.string().trim().min(1).max(2000),
  recommendation: z.string().trim().max(4000).default(''),
  attendees: z.array(z.string().trim().min(1).max(200)).max(50),
  signOff: z.boolean(),
});

export const meetingCreateInput = z.object({
  title: z.string().trim().min(1).max(200),
  /** ISO date-time. */
  scheduledAt: z.string().datetime({ offset: true }),
});

export const agendaAddInput = z.object({
  meetingId: id,
  patientId: id,
  /** Free-text question for the board. */
  question: z.string().trim().max(2000).default(''),
});

/** Filter that defines a cohort (all fields optional, combined with AND). */
export const cohortFilter = z.object({
  bclc: z.array(z.enum(BCLC)).max(5).optional(),
  sex: z.enum(['M', 'F']).optional(),
  ageMin: z.number().int().min(0).max(120).optional(),
  ageMax: z.number().int().min(0).max(120).optional(),
  aetiology: z.array(z.string().max(50)).max(20).optional(),
  childPugh: z
    .array(z.enum(['A', 'B', 'C']))
    .max(3)
    .optional(),
  sourceCohortId: id.optional(),
});

export const cohortCreateInput = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(''),
  filter: cohortFilter,
});


export const csvPreviewInput = z.object({
  cohortName: z.string().trim().min(1).max(120),
  /** Raw CSV text (UTF-8); 5 MB at most. */
  csv: z
    .string()
    .min(1)
    .max(5 * 1024 * 1024),
  /** target field → CSV header name. `pseudoId` is required. */
  mapping: z.partialRecord(z.enum(CSV_TARGET_FIELDS), z.string().max(200)),
});

/** Accept exactly the previewed CSV + mapping: `reportHash` is `importId` from the preview. */
export const csvAcceptInput = csvPreviewInput.extend({ reportHash: z.string().regex(/^[0-9a-f]{64}$/) });

export const modelImportInput = z.object({
  name: z.string().trim().min(1).max(200),
  task: z.enum(['DIAGNOSIS', 'GRADE', 'MVI', 'EARLY_RECURRENCE', 'TACE_RESPONSE', 'SURVIVAL']),
  description: z.string().max(4000).default(''),
  reference: z.string().max(1000).default(''),
  /** Logistic model: logit(p) = intercept + Σ coefficient·x. */
  intercept: z.number().finite(),
  predictors: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(100),
        coefficient: z.number().finite(),
        /** Range used to draw the nomogram axis; defaults to [0, 1]. */
        min: z.number().finite().optional(),
        max: z.number().finite().optional(),
        unit: z.string().max(40).optional(),
      }),
    )
    .min(1)
    .max(100),
  /** Optional covariance of [intercept, β1..βk] (row-major, (k+1)²), enabling CIs by the delta method. */
  covariance: z.array(z.array(z.number().finite())).optional(),
});

export const modelStatusInput = z.object({ id, reason: z.string().max(2000).default('') });

/** The fields every model-training input ends with: cross-validation folds, the random seed and an optional name. */
export const trainingRunFields = {
  cvFolds: z.number().int().min(2).max(20).default(5),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  name: z.string().trim().max(200).optional(),
};

export const trainInput = z.object({
  cohortId: id,
  outcome: z.string().min(1).max(100),
  features: z.array(z.string().min(1).max(100)).min(1).max(200),
  estimator: z.enum(['logistic', 'lasso']),
  ...trainingRunFields,
});

export const auditQueryInput = z
  .object({
    page: z.number().int().min(1).max(100000).default(1),
    pageSize: z.number().int().min(1).max(200).default(50),
    userId: id.optional(),
    entity: z.string().max(60).optional(),
    entityId: id.optional(),
    action: z.string().max(60).optional(),
  })
  .default({ page: 1, pageSize: 50 });

export const userCreateInput = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  name: z.string().trim().min(1).max(200),
  role: z.enum(['CLINICIAN', 'TUMOR_BOARD', 'ADMIN']),
  password: z.string().min(12).max(72),
});

export const userDisableInput = z.object({ id, disabled: z.boolean() });

export const cohortSplitInput = z.object({
  id,
  by: z.enum(['random', 'centre', 'date']),
  validationFraction: z.number().gt(0).lt(1).default(0.3),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  validationCentres: z.array(z.string().max(120)).max(100).optional(),
  cutoffDate: z
    .string()
    .datetime({ offset: true })
    .or(z.string().regex(/^\d{4}-\d{2}-\d{2}$/))
    .optional(),
});

export const modelValidateInput = z.object({
  id,
  cohortId: id,
  split: z.enum(['all', 'VALIDATION']).default('all'),
  outcome: z.string().min(1).max(100).optional(),
});

export const segRequestInput = z.object({
  seriesId: id,
  /**
   * An uploaded ONNX model (models.uploadOnnx): a liver-segmentation model runs alone, a tumour-segmentation model
   * as the tumour stage behind the bundled liver stage (or `liverModelId`); default: the bundled cascade.
   */
  modelId: id.optional(),
  /** With a tumour-segmentation `modelId`: an uploaded liver-segmentation model as the first stage. */
  liverModelId: id.optional(),
});
export const segReviewInput = z.object({
  id,
  status: z.enum(['ACCEPTED', 'REJECTED']),
  note: z.string().max(2000).optional(),
  /** `updatedAt` of the version being reviewed (optimistic concurrency). */
  expectedUpdatedAt: z.string().datetime({ offset: true }),
});

export const reportGenerateInput = z.object({ patientId: id, discussionId: id.optional() });

export const featureRequestInput = z.object({
  segmentationId: id,
  seriesId: id.optional(),
  preset: z.string().max(60).optional(),
});

export const llmSettingsInput = z.object({
  enabled: z.boolean(),
  endpoint: z.string().max(500).default(''),
  model: z.string().max(200).default(''),
  /** Omit to keep the stored key; null or '' to clear it. */
  apiKey: z.string().max(500).nullable().optional(),
  timeoutMs: z.number().int().min(1000).max(300_000).optional(),
});
