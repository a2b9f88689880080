/**
 * zod inputs of the analysis procedures added for the portal's charts: survival training in the lab, the paired
 * DeLong comparison of two models, and the worklist's pending-review filter.
 */
import { z } from 'zod';
import { id, patientListInput, trainingRunFields } from './inputs';

/** patients.list input plus `pendingReview` (patients with a DRAFT segmentation awaiting accept/reject). */
export const patientListQueryInput = patientListInput
  .unwrap()
  .extend({ pendingReview: z.boolean().optional() })
  .default({ page: 1, pageSize: 25 });

/** lab.trainSurvival: Cox PH on overall (`os`) or recurrence-free (`rfs`) survival. */
export const trainSurvivalInput = z.object({
  cohortId: id,
  outcome: z.enum(['os', 'rfs']),
  features: z.array(z.string().min(1).max(100)).min(1).max(50),
  ...trainingRunFields,
});

/** models.compare: paired DeLong test of two models on the same cohort. */
export const modelCompareInput = z
  .object({
    modelA: id,
    modelB: id,
    cohortId: id,
    split: z.enum(['all', 'VALIDATION']).default('all'),
    outcome: z.string().min(1).max(100).optional(),
  })
  .refine((v) => v.modelA !== v.modelB, { message: 'Choose two different models', path: ['modelB'] });
