import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import { linearPredictor, transformValue } from '../scoring/linear';
import { predictorDefs } from './models';
import { clinicalValue } from './predictions';

export type PatientRow = Prisma.PatientGetPayload<object>;
type ModelRow = Prisma.ModelGetPayload<object>;

/** Model parameters a cohort-level scorer needs (logistic / score: intercept; Cox: means). */
export interface ScorerParams {
  intercept?: number;
  coefficients?: Record<string, number>;
  means?: Record<string, number>;
  outcome?: string;
}

/**
 * The linear predictor of a registered model for a patient row (clinical predictors only), or null when a predictor
 * is missing or cannot be transformed. Throws INVALID for models with radiomic predictors or without coefficients.
 */
export function modelScorer(model: ModelRow): { prm: ScorerParams; etaOf: (p: PatientRow) => number | null } {
  const defs = predictorDefs(model.inputs);
  if (defs.some((d) => d.source === 'feature'))
    throw new DomainError('INVALID', 'Validation of models with radiomic predictors on a cohort is not available yet');
  const prm = (model.parameters ?? {}) as ScorerParams;
  const coefficients = prm.coefficients;
  if (!coefficients)
    throw new DomainError('INVALID', `Model ${model.name} v${model.version} has no coefficients to validate`);
  const names = defs.map((d) => d.name);
  const etaOf = (p: PatientRow): number | null => {
    const x: Record<string, number> = {};
    for (const d of defs) {
      const v = clinicalValue(p, d.field ?? d.name);
      if (v === null || !Number.isFinite(v)) return null;
      try {
        x[d.name] = transformValue(v, d.transform, d.name);
      } catch {
        return null;
      }
    }
    return linearPredictor(names, x, coefficients, { intercept: prm.intercept, means: prm.means }).eta;
  };
  return { prm, etaOf };
}
