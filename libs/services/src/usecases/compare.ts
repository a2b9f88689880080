import {
  aucCiDelong,
  delongPlacements,
  delongVariance,
  qnorm,
  roc,
  rocTestPaired,
  type NumArray,
} from '@hepatoscope/stats';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import { outcomeValue } from './lab';
import { modelScorer, type PatientRow } from './scorer';

export interface CompareInput {
  /** The two models (classification or score models with clinical predictors). */
  modelA: string;
  modelB: string;
  cohortId: string;
  split: 'all' | 'VALIDATION';
  /** Binary outcome; default: the outcome model A was trained on (else model B's). */
  outcome?: string;
}

const COX_KINDS = new Set(['cox', 'coxph', 'lasso-cox']);

function covariance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (n - 1);
}

/**
 * Standard error of AUC₁ − AUC₂ for two scores on the same subjects (DeLong et al. 1988):
 * √(V₁ + V₂ − 2·Cov), Cov = cov(V10¹, V10²)/m + cov(V01¹, V01²)/n over the m cases and n controls — the
 * denominator of pROC's paired `roc.test(method = "delong")` z statistic.
 */
export function delongDifferenceSe(labels: NumArray, score1: NumArray, score2: NumArray): number {
  const cases1: number[] = [];
  const controls1: number[] = [];
  const cases2: number[] = [];
  const controls2: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    (labels[i] === 1 ? cases1 : controls1).push(score1[i]!);
    (labels[i] === 1 ? cases2 : controls2).push(score2[i]!);
  }
  const p1 = delongPlacements(cases1, controls1, '<');
  const p2 = delongPlacements(cases2, controls2, '<');
  const cov = covariance(p1.v10, p2.v10) / p1.v10.length + covariance(p1.v01, p2.v01) / p1.v01.length;
  const v = delongVariance(p1) + delongVariance(p2) - 2 * cov;
  return v > 0 ? Math.sqrt(v) : 0;
}

const rocPoints = (y: number[], s: number[]) => {
  const c = roc(y, s, { direction: '<' });
  return Array.from(c.thresholds, (th, i) => ({
    fpr: 1 - c.specificities[i]!,
    tpr: c.sensitivities[i]!,
    threshold: Number.isFinite(th) ? th : null,
  }));
};

/**
 * Paired DeLong comparison of two registered models on one cohort: both models score every member (or the
 * VALIDATION split) with a known binary outcome and all predictors of both models; the two AUCs on those same
 * patients are compared by the paired DeLong test (z, two-sided p) with a 95 % Wald CI of the difference.
 */
export function createCompareService(deps: ResolvedDeps) {
  const { prisma } = deps;
  return {
    async compare(input: CompareInput) {
      if (input.modelA === input.modelB) throw new DomainError('INVALID', 'Choose two different models to compare');
      const [a, b] = await Promise.all([
        prisma.model.findUnique({ where: { id: input.modelA } }),
        prisma.model.findUnique({ where: { id: input.modelB } }),
      ]);
      if (!a) throw new DomainError('NOT_FOUND', `Model ${input.modelA} was not found`);
      if (!b) throw new DomainError('NOT_FOUND', `Model ${input.modelB} was not found`);
      for (const m of [a, b]) {
        if (COX_KINDS.has(m.kind))
          throw new DomainError(
            'INVALID',
            `Model ${m.name} v${m.version} is a survival (Cox) model; the DeLong test compares classification models`,
          );
      }
      const cohort = await prisma.cohort.findUnique({
        where: { id: input.cohortId },
        select: { id: true, name: true },
      });
      if (!cohort) throw new DomainError('NOT_FOUND', `Cohort ${input.cohortId} was not found`);
      const sa = modelScorer(a);
      const sb = modelScorer(b);
      const outcome = input.outcome ?? sa.prm.outcome ?? sb.prm.outcome;
      if (!outcome)
        throw new DomainError(
          'INVALID',
          'Neither model names its outcome; pass outcome (e.g. osEvent, os24, taceResponse)',
        );
      const patients: PatientRow[] = await prisma.patient.findMany({
        where: {
          cohortMemberships: {
            some: { cohortId: cohort.id, ...(input.split === 'VALIDATION' ? { split: 'VALIDATION' } : {}) },
          },
        },
        orderBy: { pseudoId: 'asc' },
      });
      const y: number[] = [];
      const s1: number[] = [];
      const s2: number[] = [];
      let excluded = 0;
      for (const p of patients) {
        const o = outcomeValue(p, outcome);
        const e1 = sa.etaOf(p);
        const e2 = sb.etaOf(p);
        if (o === null || e1 === null || e2 === null) {
          excluded++;
          continue;
        }
        y.push(o);
        s1.push(e1);
        s2.push(e2);
      }
      const events = y.reduce((s, v) => s + v, 0);
      if (y.length < 10 || events < 2 || y.length - events < 2)
        throw new DomainError(
          'INVALID',
          `Too few patients scored by both models with outcome ${outcome} in ${cohort.name}: ${y.length} (${events} events, ${excluded} excluded)`,
        );
      const test = rocTestPaired(y, s1, s2);
      const se = delongDifferenceSe(y, s1, s2);
      const z = qnorm(0.975);
      const ciA = aucCiDelong(y, s1, { direction: '<' });
      const ciB = aucCiDelong(y, s2, { direction: '<' });
      return {
        cohort: { id: cohort.id, name: cohort.name, split: input.split },
        outcome,
        n: y.length,
        events,
        excluded,
        method: 'DeLong paired test (two-sided)',
        a: {
          id: a.id,
          name: a.name,
          version: a.version,
          auc: test.auc1,
          aucCi: [ciA.lower, ciA.upper] as [number, number],
          roc: rocPoints(y, s1),
        },
        b: {
          id: b.id,
          name: b.name,
          version: b.version,
          auc: test.auc2,
          aucCi: [ciB.lower, ciB.upper] as [number, number],
          roc: rocPoints(y, s2),
        },
        difference: test.difference,
        differenceCi: [test.difference - z * se, test.difference + z * se] as [number, number],
        se,
        z: test.z,
        p: test.p,
      };
    },
  };
}

export type CompareService = ReturnType<typeof createCompareService>;
