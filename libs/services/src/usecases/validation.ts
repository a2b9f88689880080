import type { Prisma } from '@hepatoscope/db';
import {
  aucCiDelong,
  brierScore,
  calibrationCurve,
  calibrationInterceptSlope,
  decisionCurve,
  harrellC,
  roc,
} from '@hepatoscope/stats';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import { expit } from '../scoring/linear';
import { modelScorer } from './scorer';
import { createCompareService } from './compare';
import { outcomeValue } from './lab';
import { kmByRiskTertile } from './survival-groups';
import { INDEX_LESION_RULE, indexLesionFeatures, type IndexLesionFeatures } from './radiomic-inputs';

/** A cohort member left out of a validation, and why. */
export interface ValidationExclusion {
  patientId: string;
  pseudoId: string;
  reason: string;
}
/** At most this many exclusions are listed in the stored metrics (the count is always complete). */
const MAX_LISTED_EXCLUSIONS = 500;

export interface ValidateInput {
  id: string;
  cohortId: string;
  /** `all` members, or only those in the VALIDATION split. */
  split: 'all' | 'VALIDATION';
  /** Binary outcome for classification models (default: the model's training outcome); `os`|`rfs` for Cox. */
  outcome?: string;
}

type PatientRow = Prisma.PatientGetPayload<object>;

/**
 * Validation of a registered model on a cohort (external or temporal validation): classification models get
 * AUC with DeLong CI, ROC, calibration (deciles, intercept and slope), Brier and a decision curve; Cox models get
 * Harrell's C and Kaplan–Meier curves by risk tertile with a log-rank test. Stored as a ModelValidation, and as the
 * model's headline metrics.
 */
export function createValidationService(deps: ResolvedDeps) {
  const { prisma } = deps;
  return {
    /** Paired DeLong comparison of two models on one cohort (see compare.ts). */
    compare: createCompareService(deps).compare,

    async validate(actor: Actor, input: ValidateInput) {
      const model = await prisma.model.findUnique({ where: { id: input.id } });
      if (!model) throw new DomainError('NOT_FOUND', `Model ${input.id} was not found`);
      const cohort = await prisma.cohort.findUnique({
        where: { id: input.cohortId },
        select: { id: true, name: true },
      });
      if (!cohort) throw new DomainError('NOT_FOUND', `Cohort ${input.cohortId} was not found`);
      const { prm, etaOf, missingOf, usesFeatures } = modelScorer(model, { features: true });
      const patients: PatientRow[] = await prisma.patient.findMany({
        where: {
          cohortMemberships: {
            some: { cohortId: cohort.id, ...(input.split === 'VALIDATION' ? { split: 'VALIDATION' } : {}) },
          },
        },
        orderBy: { pseudoId: 'asc' },
      });
      const cox = model.kind === 'cox' || model.kind === 'coxph' || model.kind === 'lasso-cox';
      let metrics: Record<string, unknown>;
      let excluded = 0;
      // Radiomic predictors: each patient's index-lesion feature vector (see radiomic-inputs.ts for the rule).
      const featurePhase = (model.parameters as { featurePhase?: string } | null)?.featurePhase;
      const features: Map<string, IndexLesionFeatures> = usesFeatures
        ? await indexLesionFeatures(
            prisma,
            patients.map((p) => p.id),
            featurePhase,
          )
        : new Map();
      const exclusions: ValidationExclusion[] = [];
      const exclude = (p: PatientRow, reason: string) => {
        excluded++;
        exclusions.push({ patientId: p.id, pseudoId: p.pseudoId, reason });
      };
      /** The linear predictor, or null after recording why the patient is excluded. */
      const scoreOf = (p: PatientRow): number | null => {
        const f = features.get(p.id);
        if (usesFeatures && !f) {
          exclude(p, `no lesion feature set${featurePhase ? ` on a ${featurePhase} series` : ''}`);
          return null;
        }
        const missing = missingOf(p, f?.values);
        if (missing.length) {
          exclude(p, `missing predictor(s): ${missing.join(', ')}`);
          return null;
        }
        const eta = etaOf(p, f?.values);
        if (eta === null) exclude(p, 'a predictor could not be transformed (e.g. log of a value ≤ 0)');
        return eta;
      };

      if (cox) {
        const which = input.outcome === 'rfs' ? 'rfs' : 'os';
        const t: number[] = [];
        const e: number[] = [];
        const lp: number[] = [];
        for (const p of patients) {
          const time = which === 'os' ? p.osMonths : p.rfsMonths;
          const ev = which === 'os' ? p.osEvent : p.rfsEvent;
          if (time === null || ev === null) {
            exclude(p, `no ${which} follow-up`);
            continue;
          }
          const eta = scoreOf(p);
          if (eta === null) continue;
          t.push(time);
          e.push(ev ? 1 : 0);
          lp.push(eta);
        }
        if (t.length < 10 || e.reduce((s, v) => s + v, 0) < 2)
          throw new DomainError(
            'INVALID',
            `Too few complete cases with ${which} follow-up: ${t.length} (${excluded} excluded)`,
          );
        const c = harrellC(t, e, lp);
        const groups = kmByRiskTertile(t, e, lp);
        metrics = {
          kind: 'survival',
          outcome: which,
          n: t.length,
          excluded,
          cIndex: c.concordance,
          kmByRiskGroup: groups.kmByRiskGroup,
          logRank: groups.logRank,
        };
      } else {
        const outcome = input.outcome ?? prm.outcome;
        if (!outcome)
          throw new DomainError(
            'INVALID',
            `Model ${model.name} does not name its outcome; pass outcome (e.g. osEvent, os12, taceResponse)`,
          );
        const y: number[] = [];
        const score: number[] = [];
        for (const p of patients) {
          const o = outcomeValue(p, outcome);
          if (o === null) {
            exclude(p, `outcome ${outcome} not determined`);
            continue;
          }
          const eta = scoreOf(p);
          if (eta === null) continue;
          y.push(o);
          score.push(eta);
        }
        const events = y.reduce((s, v) => s + v, 0);
        if (y.length < 10 || events < 2 || y.length - events < 2) {
          throw new DomainError(
            'INVALID',
            `Too few complete cases for outcome ${outcome}: ${y.length} (${events} events, ${excluded} excluded)`,
          );
        }
        const ci = aucCiDelong(y, score, { direction: '<' });
        const curve = roc(y, score, { direction: '<' });
        const rocPts = Array.from(curve.thresholds, (th, i) => ({
          fpr: 1 - curve.specificities[i]!,
          tpr: curve.sensitivities[i]!,
          threshold: Number.isFinite(th) ? th : null,
        }));
        metrics = {
          kind: 'classification',
          outcome,
          n: y.length,
          events,
          excluded,
          auc: ci.auc,
          aucCi: [ci.lower, ci.upper],
          roc: rocPts,
        };
        if (model.kind !== 'linear-score') {
          const prob = score.map(expit);
          const cal = calibrationInterceptSlope(y, prob);
          Object.assign(metrics, {
            brier: brierScore(y, prob),
            calibration: calibrationCurve(y, prob, 10, 'quantile').map((g) => ({
              predicted: g.meanPredicted,
              observed: g.observed,
              n: g.n,
              lo: g.lower,
              hi: g.upper,
            })),
            calibrationIntercept: cal.intercept,
            calibrationSlope: cal.slope,
            decisionCurve: decisionCurve(y, prob),
          });
        }
      }
      metrics.exclusions = exclusions.slice(0, MAX_LISTED_EXCLUSIONS);
      if (usesFeatures)
        metrics.radiomics = {
          rule: INDEX_LESION_RULE,
          featurePhase: featurePhase ?? null,
          patientsWithFeatures: features.size,
          featureSets: [...features.entries()].slice(0, MAX_LISTED_EXCLUSIONS).map(([patientId, f]) => ({
            patientId,
            featureSetId: f.featureSetId,
            lesion: f.lesionLabel,
            phase: f.phase,
          })),
        };
      metrics.cohort = { id: cohort.id, name: cohort.name, split: input.split };
      metrics.validatedBy = actor.email;
      const v = await prisma.modelValidation.create({
        data: { modelId: model.id, cohortId: cohort.id, split: input.split, metrics: metrics as Prisma.InputJsonValue },
      });
      await prisma.model.update({
        where: { id: model.id },
        data: { validationMetrics: metrics as Prisma.InputJsonValue },
      });
      return { validationId: v.id, metrics };
    },
  };
}

export type ValidationService = ReturnType<typeof createValidationService>;
