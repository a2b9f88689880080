import type { Prisma } from '@hepatoscope/db';
import {
  GlmnetLogistic,
  LogisticRegression,
  Rng,
  aucCiDelong,
  brierScore,
  calibrationCurve,
  fromRows,
  roc,
} from '@hepatoscope/stats';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import { clinicalValue } from './predictions';
import { trainCox, type CoxTrainInput } from './lab-cox';
import { kmByRiskTertile } from './survival-groups';

export interface TrainInput {
  cohortId: string;
  outcome: string;
  features: string[];
  estimator: 'logistic' | 'lasso';
  cvFolds: number;
  seed: number;
  name?: string;
}

type PatientRow = Prisma.PatientGetPayload<object>;

/**
 * Binary outcome of a patient, or null when it is not determined:
 * - `osEvent` / `rfsEvent`: the event flag as stored;
 * - `os12`, `os24`, `rfs12`, `rfs24` (death / recurrence within N months): 1 when the event happened by N months,
 *   0 when followed event-free for at least N months, null when censored earlier;
 * - `taceResponse`: 1 for CR/PR (objective response, mRECIST), 0 for SD/PD;
 * - any other clinical field or indicator (`vascularInvasion`, `bclc=C`), which must be 0/1.
 */
export function outcomeValue(p: PatientRow, outcome: string): number | null {
  const m = /^(os|rfs)(\d+)$/.exec(outcome);
  if (m) {
    const months = Number(m[2]);
    const t = m[1] === 'os' ? p.osMonths : p.rfsMonths;
    const e = m[1] === 'os' ? p.osEvent : p.rfsEvent;
    if (t === null || e === null) return null;
    if (e && t <= months) return 1;
    if (t >= months) return 0;
    return null;
  }
  if (outcome === 'osEvent') return p.osEvent === null ? null : p.osEvent ? 1 : 0;
  if (outcome === 'rfsEvent') return p.rfsEvent === null ? null : p.rfsEvent ? 1 : 0;
  if (outcome === 'taceResponse') {
    const r = p.taceResponse?.toUpperCase();
    return r === 'CR' || r === 'PR' ? 1 : r === 'SD' || r === 'PD' ? 0 : null;
  }
  const v = clinicalValue(p, outcome);
  return v === 0 || v === 1 ? v : null;
}

/**
 * The model card of a model trained in the lab: `intendedUse` and `method` come from the estimator; the data line
 * (complete cases, events, exclusions), the limitations, `synthetic` and `trainedBy` are the same for every one.
 */
export function trainedModelCard(
  cohort: { name: string; synthetic: boolean },
  counts: { n: number; events: number; excluded: number },
  actor: Actor,
  intendedUse: string,
  method: string,
) {
  return {
    intendedUse,
    data: `Cohort ${cohort.name}: ${counts.n} complete cases (${counts.events} events), ${counts.excluded} excluded for missing values.`,
    method,
    limitations: 'Internal cross-validation only; not externally validated. Not for clinical use until VALIDATED.',
    synthetic: cohort.synthetic,
    trainedBy: actor.email,
  };
}

/**
 * What every lab-trained model row records about its training: the cohort, the cross-validated metrics (also as its
 * first validation, split `cv`), the model card and who trained it.
 */
export function trainingRecord(
  cohort: { id: string; name: string; synthetic: boolean },
  metrics: object,
  counts: { n: number; events: number; excluded: number },
  actor: Actor,
  intendedUse: string,
  method: string,
) {
  const json = metrics as unknown as Prisma.InputJsonValue;
  return {
    trainingCohortId: cohort.id,
    validationMetrics: json,
    modelCard: trainedModelCard(cohort, counts, actor, intendedUse, method),
    createdById: actor.userId,
    validations: { create: { cohortId: cohort.id, split: 'cv', metrics: json } },
  };
}

/**
 * Observed range of each of the first `count` columns of `rows` (the model's input ranges); a constant column
 * gets `[v, v + 1]` so that the range is never empty.
 */
export function featureRanges(rows: readonly (readonly number[])[], count: number): { min: number; max: number }[] {
  return Array.from({ length: count }, (_, j) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      lo = Math.min(lo, r[j]!);
      hi = Math.max(hi, r[j]!);
    }
    return hi > lo ? { min: lo, max: hi } : { min: lo, max: lo + 1 };
  });
}

/** Stratified k-fold assignment (seeded): events and non-events are shuffled separately and dealt round-robin. */
export function stratifiedFolds(y: ArrayLike<number>, k: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const fold = new Int32Array(y.length);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === cls) idx.push(i);
    rng.shuffle(idx);
    idx.forEach((i, j) => (fold[i] = j % k));
  }
  return fold;
}

/**
 * For a time-to-event outcome (`os…` / `rfs…`): Kaplan–Meier curves of the full follow-up by tertile of the
 * out-of-fold predicted risk, with the log-rank test; null for other outcomes or when too few patients have follow-up.
 */
export function survivalByRiskTertile(
  outcome: string,
  patients: readonly PatientRow[],
  risk: ArrayLike<number>,
): (ReturnType<typeof kmByRiskTertile> & { outcome: 'os' | 'rfs'; n: number }) | null {
  const m = /^(os|rfs)/.exec(outcome);
  if (!m) return null;
  const which = m[1] as 'os' | 'rfs';
  const t: number[] = [];
  const e: number[] = [];
  const s: number[] = [];
  patients.forEach((p, i) => {
    const time = which === 'os' ? p.osMonths : p.rfsMonths;
    const ev = which === 'os' ? p.osEvent : p.rfsEvent;
    if (time === null || ev === null || !(time >= 0)) return;
    t.push(time);
    e.push(ev ? 1 : 0);
    s.push(risk[i]!);
  });
  if (t.length < 9 || e.every((v) => v === 0)) return null;
  return { outcome: which, n: t.length, ...kmByRiskTertile(t, e, s) };
}

/**
 * The lab: fit a logistic model on a cohort (complete cases), estimate performance by stratified k-fold
 * cross-validation (out-of-fold probabilities → AUC with DeLong CI, ROC, calibration by deciles, Brier), refit on
 * all rows, and register the refit as a DRAFT model (origin TRAINED) with its coefficients and covariance.
 */
export function createLabService(deps: ResolvedDeps) {
  const { prisma } = deps;
  /** The cohort, if the actor may train on it (admins: any; clinicians: cohorts they have access to). */
  async function accessibleCohort(actor: Actor, cohortId: string) {
    const cohort = await prisma.cohort.findUnique({
      where: { id: cohortId },
      select: { id: true, name: true, synthetic: true },
    });
    if (!cohort) throw new DomainError('NOT_FOUND', `Cohort ${cohortId} was not found`);
    if (
      actor.role !== 'ADMIN' &&
      !(await prisma.cohortAccess.count({ where: { cohortId: cohort.id, userId: actor.userId } }))
    ) {
      throw new DomainError('NOT_FOUND', `Cohort ${cohortId} was not found among the cohorts you may access`);
    }
    return cohort;
  }
  return {
    /** Cox PH on a survival outcome (`os` / `rfs`) with CV C-index and KM by risk tertile; see lab-cox.ts. */
    async trainSurvival(actor: Actor, input: CoxTrainInput) {
      const cohort = await accessibleCohort(actor, input.cohortId);
      const patients = await prisma.patient.findMany({
        where: { cohortMemberships: { some: { cohortId: cohort.id } } },
        orderBy: { pseudoId: 'asc' },
      });
      return trainCox(deps, actor, input, cohort, patients);
    },

    async train(actor: Actor, input: TrainInput) {
      const cohort = await accessibleCohort(actor, input.cohortId);
      const features = [...new Set(input.features)];
      const patients = await prisma.patient.findMany({
        where: { cohortMemberships: { some: { cohortId: cohort.id } } },
        orderBy: { pseudoId: 'asc' },
      });
      const rows: number[][] = [];
      const y: number[] = [];
      const kept: (typeof patients)[number][] = [];
      let excluded = 0;
      for (const p of patients) {
        const o = outcomeValue(p, input.outcome);
        const xs = features.map((f) => clinicalValue(p, f));
        if (o === null || xs.some((v) => v === null || !Number.isFinite(v))) {
          excluded++;
          continue;
        }
        rows.push(xs as number[]);
        y.push(o);
        kept.push(p);
      }
      const events = y.reduce((s, v) => s + v, 0);
      const n = y.length;
      if (n < 20 || events < input.cvFolds || n - events < input.cvFolds) {
        throw new DomainError(
          'INVALID',
          `Not enough complete cases to train: ${n} patients (${events} with outcome ${input.outcome}, ${n - events} without; ${excluded} excluded for missing values). ` +
            `Need at least 20 and at least ${input.cvFolds} of each class.`,
        );
      }

      // Cross-validation: out-of-fold probabilities. For the lasso, λ is chosen inside each training fold by an
      // inner cv.glmnet (λ_min), so the outer estimate is not optimistic about the selection.
      const fold = stratifiedFolds(y, input.cvFolds, input.seed);
      const oof = new Float64Array(n);
      const est = new LogisticRegression();
      const lasso = new GlmnetLogistic({ alpha: 1 });
      const innerFolds = (m: number) => Math.max(3, Math.min(10, Math.floor(m / 10)));
      try {
        for (let k = 0; k < input.cvFolds; k++) {
          const tr: number[] = [];
          const te: number[] = [];
          for (let i = 0; i < n; i++) (fold[i] === k ? te : tr).push(i);
          const xtr = fromRows(
            tr.map((i) => rows[i]!),
            features,
          );
          const ytr = tr.map((i) => y[i]!);
          const xte = fromRows(
            te.map((i) => rows[i]!),
            features,
          );
          let pred: ArrayLike<number>;
          if (input.estimator === 'lasso') {
            const cv = lasso.crossValidate(xtr, ytr, { folds: innerFolds(tr.length), seed: input.seed + k + 1 });
            pred = cv.fit.predict(xte, cv.indexMin);
          } else {
            pred = est.fit(xtr, ytr).predict(xte);
          }
          te.forEach((i, j) => (oof[i] = pred[j]!));
        }
      } catch (e) {
        throw new DomainError('INVALID', `Training failed during cross-validation: ${(e as Error).message}`);
      }
      // Final model on all rows: logistic (with covariance) or lasso at λ_min (no covariance: no valid SEs after selection).
      let intercept: number;
      let coef: Record<string, number>;
      let covariance: number[][] | undefined;
      let covarianceOrder: string[] | undefined;
      let warnings: string[] = [];
      let lambda: number | undefined;
      try {
        if (input.estimator === 'lasso') {
          const cv = lasso.crossValidate(fromRows(rows, features), y, { folds: innerFolds(n), seed: input.seed });
          const cs = cv.fit.coefficientsAt(cv.indexMin);
          intercept = cs[0]!.estimate;
          coef = Object.fromEntries(
            cs
              .slice(1)
              .filter((c) => c.estimate !== 0)
              .map((c) => [c.name, c.estimate]),
          );
          lambda = cv.lambdaMin;
          if (!Object.keys(coef).length)
            throw new DomainError(
              'INVALID',
              `The lasso selected no predictor at λ_min = ${lambda.toPrecision(3)}; nothing to register`,
            );
        } else {
          const full = est.fit(fromRows(rows, features), y);
          intercept = full.beta[0]!;
          coef = Object.fromEntries(features.map((f, j) => [f, full.beta[j + 1]!]));
          const p = full.names.length;
          covariance = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => full.vcov[i * p + j]!));
          covarianceOrder = full.names;
          warnings = full.warnings;
        }
      } catch (e) {
        if (e instanceof DomainError) throw e;
        throw new DomainError('INVALID', `Training failed on the full cohort: ${(e as Error).message}`);
      }

      const ci = aucCiDelong(y, oof);
      const curve = roc(y, oof, { direction: '<' });
      const rocPoints: Array<{ fpr: number; tpr: number; threshold: number | null }> = [];
      for (let i = 0; i < curve.thresholds.length; i++) {
        const t = curve.thresholds[i]!;
        rocPoints.push({
          fpr: 1 - curve.specificities[i]!,
          tpr: curve.sensitivities[i]!,
          threshold: Number.isFinite(t) ? t : null,
        });
      }
      const calibration = calibrationCurve(y, oof, 10, 'quantile').map((g) => ({
        predicted: g.meanPredicted,
        observed: g.observed,
        n: g.n,
      }));
      const survival = survivalByRiskTertile(input.outcome, kept, oof);
      const metrics = {
        auc: ci.auc,
        aucCi: [ci.lower, ci.upper] as [number, number],
        roc: rocPoints,
        calibration,
        brier: brierScore(y, oof),
        n,
        events,
        excluded,
        cvFolds: input.cvFolds,
        seed: input.seed,
        warnings,
        ...(lambda !== undefined ? { lambda, selected: Object.keys(coef) } : {}),
        ...(survival ? { survival } : {}),
      };

      const ranges = featureRanges(rows, features.length);
      const name = input.name?.trim() || `${input.outcome} ~ ${features.join(' + ')} (${cohort.name})`.slice(0, 200);
      const version = `${(await prisma.model.count({ where: { name } })) + 1}.0.0`;
      const model = await prisma.model.create({
        data: {
          name,
          task: /^os|^rfs/.test(input.outcome)
            ? 'EARLY_RECURRENCE'
            : input.outcome === 'taceResponse'
              ? 'TACE_RESPONSE'
              : 'DIAGNOSIS',
          kind: input.estimator === 'lasso' ? 'lasso-logistic' : 'logistic',
          version,
          status: 'DRAFT',
          origin: 'TRAINED',
          synthetic: cohort.synthetic,
          inputs: features
            .map((f, j) => ({ name: f, source: 'clinical', field: f, ...ranges[j] }))
            .filter((d) => d.name in coef),
          parameters: {
            intercept,
            coefficients: coef,
            ...(covariance ? { covariance, covarianceOrder } : {}),
            ...(lambda !== undefined ? { lambda } : {}),
            outcome: input.outcome,
          },
          ...trainingRecord(
            cohort,
            metrics,
            { n, events, excluded },
            actor,
            `Research: predicts ${input.outcome} from ${features.join(', ')}.`,
            `${input.estimator === 'lasso' ? 'L1-penalised logistic regression (glmnet coordinate descent, λ_min by inner CV)' : 'Logistic regression (IRLS)'}, @hepatoscope/stats; ${input.cvFolds}-fold stratified CV, seed ${input.seed}.`,
          ),
        },
        select: { id: true },
      });
      return { modelId: model.id, metrics };
    },
  };
}

export type LabService = ReturnType<typeof createLabService>;
