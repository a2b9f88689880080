import type { Prisma } from '@hepatoscope/db';
import {
  aucCiDelong,
  brierScore,
  calibrationCurve,
  calibrationInterceptSlope,
  decisionCurve,
  harrellC,
  kaplanMeier,
  logRank,
  roc,
} from '@hepatoscope/stats';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import { expit, linearPredictor, transformValue } from '../scoring/linear';
import { predictorDefs } from './models';
import { clinicalValue } from './predictions';
import { outcomeValue } from './lab';

export interface ValidateInput {
  id: string;
  cohortId: string;
  /** `all` members, or only those in the VALIDATION split. */
  split: 'all' | 'VALIDATION';
  /** Binary outcome for classification models (default: the model's training outcome); `os`|`rfs` for Cox. */
  outcome?: string;
}

type PatientRow = Prisma.PatientGetPayload<object>;

/** Tertile cut points of a numeric array (R type-7 quantiles at 1/3 and 2/3). */
function tertiles(v: number[]): [number, number] {
  const s = [...v].sort((a, b) => a - b);
  const q = (p: number) => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
  };
  return [q(1 / 3), q(2 / 3)];
}

/**
 * Validation of a registered model on a cohort (external or temporal validation): classification models get
 * AUC with DeLong CI, ROC, calibration (deciles, intercept and slope), Brier and a decision curve; Cox models get
 * Harrell's C and Kaplan–Meier curves by risk tertile with a log-rank test. Stored as a ModelValidation, and as the
 * model's headline metrics.
 */
export function createValidationService(deps: ResolvedDeps) {
  const { prisma } = deps;
  return {
    async validate(actor: Actor, input: ValidateInput) {
      const model = await prisma.model.findUnique({ where: { id: input.id } });
      if (!model) throw new DomainError('NOT_FOUND', `Model ${input.id} was not found`);
      const cohort = await prisma.cohort.findUnique({
        where: { id: input.cohortId },
        select: { id: true, name: true },
      });
      if (!cohort) throw new DomainError('NOT_FOUND', `Cohort ${input.cohortId} was not found`);
      const defs = predictorDefs(model.inputs);
      if (defs.some((d) => d.source === 'feature'))
        throw new DomainError(
          'INVALID',
          'Validation of models with radiomic predictors on a cohort is not available yet',
        );
      const prm = (model.parameters ?? {}) as {
        intercept?: number;
        coefficients?: Record<string, number>;
        means?: Record<string, number>;
        outcome?: string;
      };
      if (!prm.coefficients)
        throw new DomainError('INVALID', `Model ${model.name} v${model.version} has no coefficients to validate`);
      const patients: PatientRow[] = await prisma.patient.findMany({
        where: {
          cohortMemberships: {
            some: { cohortId: cohort.id, ...(input.split === 'VALIDATION' ? { split: 'VALIDATION' } : {}) },
          },
        },
        orderBy: { pseudoId: 'asc' },
      });
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
        return linearPredictor(names, x, prm.coefficients!, { intercept: prm.intercept, means: prm.means }).eta;
      };
      const cox = model.kind === 'cox' || model.kind === 'coxph' || model.kind === 'lasso-cox';
      let metrics: Record<string, unknown>;
      let excluded = 0;

      if (cox) {
        const which = input.outcome === 'rfs' ? 'rfs' : 'os';
        const t: number[] = [];
        const e: number[] = [];
        const lp: number[] = [];
        for (const p of patients) {
          const time = which === 'os' ? p.osMonths : p.rfsMonths;
          const ev = which === 'os' ? p.osEvent : p.rfsEvent;
          const eta = etaOf(p);
          if (time === null || ev === null || eta === null) {
            excluded++;
            continue;
          }
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
        const [c1, c2] = tertiles(lp);
        const group = lp.map((v) => (v <= c1 ? 'low' : v <= c2 ? 'intermediate' : 'high'));
        const km = (['low', 'intermediate', 'high'] as const).map((g) => {
          const idx = group.map((x, i) => (x === g ? i : -1)).filter((i) => i >= 0);
          if (!idx.length) return { group: g, n: 0, curve: [], median: null };
          const fit = kaplanMeier(
            idx.map((i) => t[i]!),
            idx.map((i) => e[i]!),
          );
          return {
            group: g,
            n: fit.n,
            events: fit.events,
            median: fit.median.median,
            curve: fit.table.map((r) => ({ t: r.time, s: r.survival, lo: r.lower, hi: r.upper })),
          };
        });
        const lr = logRank(t, e, group);
        metrics = {
          kind: 'survival',
          outcome: which,
          n: t.length,
          excluded,
          cIndex: c.concordance,
          kmByRiskGroup: km,
          logRank: { chisq: lr.chisq, df: lr.df, p: lr.p },
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
          const eta = etaOf(p);
          if (o === null || eta === null) {
            excluded++;
            continue;
          }
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
