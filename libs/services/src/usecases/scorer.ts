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
 * The linear predictor of a registered model for a patient row (and, with `opts.features`, the patient's radiomic
 * feature vector for `source: 'feature'` predictors), or null when a predictor is missing or cannot be transformed.
 * Throws INVALID for models without coefficients, and for radiomic models unless `opts.features`.
 */
export function modelScorer(
  model: ModelRow,
  opts: { features?: boolean } = {},
): {
  prm: ScorerParams;
  /** Linear predictor from the patient row and (radiomic predictors) the patient's feature vector. */
  etaOf: (p: PatientRow, features?: Record<string, number>) => number | null;
  /** Names of the predictors without a finite value for this patient. */
  missingOf: (p: PatientRow, features?: Record<string, number>) => string[];
  usesFeatures: boolean;
} {
  const defs = predictorDefs(model.inputs);
  const usesFeatures = defs.some((d) => d.source === 'feature');
  if (usesFeatures && !opts.features)
    throw new DomainError(
      'INVALID',
      'Models with radiomic predictors are not supported here (clinical predictors only)',
    );
  const prm = (model.parameters ?? {}) as ScorerParams;
  const coefficients = prm.coefficients;
  if (!coefficients)
    throw new DomainError('INVALID', `Model ${model.name} v${model.version} has no coefficients to validate`);
  const names = defs.map((d) => d.name);
  const valueOf = (p: PatientRow, d: (typeof defs)[number], features?: Record<string, number>): number | null =>
    d.source === 'feature' ? (features?.[d.field ?? d.name] ?? null) : clinicalValue(p, d.field ?? d.name);
  const missingOf = (p: PatientRow, features?: Record<string, number>): string[] =>
    defs
      .filter((d) => {
        const v = valueOf(p, d, features);
        return v === null || !Number.isFinite(v);
      })
      .map((d) => d.name);
  const etaOf = (p: PatientRow, features?: Record<string, number>): number | null => {
    const x: Record<string, number> = {};
    for (const d of defs) {
      const v = valueOf(p, d, features);
      if (v === null || !Number.isFinite(v)) return null;
      try {
        x[d.name] = transformValue(v, d.transform, d.name);
      } catch {
        return null;
      }
    }
    return linearPredictor(names, x, coefficients, { intercept: prm.intercept, means: prm.means }).eta;
  };
  return { prm, etaOf, missingOf, usesFeatures };
}
