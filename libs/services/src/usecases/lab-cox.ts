import type { Prisma } from '@hepatoscope/db';
import { CoxPH, fromRows, harrellC } from '@hepatoscope/stats';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import { featureRanges, stratifiedFolds, trainingRecord } from './lab';
import { clinicalValue } from './predictions';
import { kmByRiskTertile } from './survival-groups';

/** Lab input for a Cox model: outcome `os` (overall survival) or `rfs` (recurrence-free survival). */
export interface CoxTrainInput {
  cohortId: string;
  outcome: string;
  features: string[];
  cvFolds: number;
  seed: number;
  name?: string;
}

type PatientRow = Prisma.PatientGetPayload<object>;

/** Survival outcome of a lab request: `os`/`osMonths` → overall survival, `rfs`/`rfsMonths` → recurrence-free. */
export function survivalOutcome(outcome: string): 'os' | 'rfs' | null {
  if (outcome === 'os' || outcome === 'osMonths') return 'os';
  if (outcome === 'rfs' || outcome === 'rfsMonths') return 'rfs';
  return null;
}

/**
 * The lab's Cox path: Cox PH (Efron ties) on the cohort's complete cases; k-fold CV (folds stratified by event) gives
 * out-of-fold linear predictors → Harrell's C and Kaplan–Meier curves by OOF risk tertile with the log-rank test;
 * the full-data fit is registered as a DRAFT `cox` model (coefficients, means, covariance, baseline survival at the
 * means, risk thresholds that reproduce the tertile groups at 12 months).
 */
export async function trainCox(
  deps: ResolvedDeps,
  actor: Actor,
  input: CoxTrainInput,
  cohort: { id: string; name: string; synthetic: boolean },
  patients: PatientRow[],
) {
  const { prisma } = deps;
  const which = survivalOutcome(input.outcome);
  if (!which)
    throw new DomainError('INVALID', `The Cox estimator needs a survival outcome (os or rfs), got ${input.outcome}`);
  const features = [...new Set(input.features)];
  const rows: number[][] = [];
  const time: number[] = [];
  const event: number[] = [];
  let excluded = 0;
  for (const p of patients) {
    const t = which === 'os' ? p.osMonths : p.rfsMonths;
    const e = which === 'os' ? p.osEvent : p.rfsEvent;
    const xs = features.map((f) => clinicalValue(p, f));
    if (t === null || e === null || !(t >= 0) || xs.some((v) => v === null || !Number.isFinite(v))) {
      excluded++;
      continue;
    }
    rows.push(xs as number[]);
    time.push(t);
    event.push(e ? 1 : 0);
  }
  const n = rows.length;
  const events = event.reduce((s, v) => s + v, 0);
  if (n < 20 || events < input.cvFolds * 2) {
    throw new DomainError(
      'INVALID',
      `Not enough complete cases to train a Cox model for ${which}: ${n} patients with ${events} events (${excluded} excluded for missing values). ` +
        `Need at least 20 patients and ${input.cvFolds * 2} events.`,
    );
  }
  const cox = new CoxPH({ ties: 'efron' });
  const fold = stratifiedFolds(event, input.cvFolds, input.seed);
  const oof = new Array<number>(n).fill(0);
  try {
    for (let k = 0; k < input.cvFolds; k++) {
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === k ? te : tr).push(i);
      const fit = cox.fit(
        fromRows(
          tr.map((i) => rows[i]!),
          features,
        ),
        tr.map((i) => time[i]!),
        tr.map((i) => event[i]!),
      );
      const lp = fit.linearPredictor(
        fromRows(
          te.map((i) => rows[i]!),
          features,
        ),
        true,
      );
      te.forEach((i, j) => (oof[i] = lp[j]!));
    }
  } catch (e) {
    throw new DomainError('INVALID', `Cox training failed during cross-validation: ${(e as Error).message}`);
  }
  let full;
  try {
    full = cox.fit(fromRows(rows, features), time, event);
  } catch (e) {
    throw new DomainError('INVALID', `Cox training failed on the full cohort: ${(e as Error).message}`);
  }
  const cIndex = harrellC(time, event, oof).concordance;
  const groups = kmByRiskTertile(time, event, oof);
  const p = features.length;
  const means = Object.fromEntries(features.map((f, j) => [f, full.means[j]!]));
  const coefficients = Object.fromEntries(features.map((f, j) => [f, full.beta[j]!]));
  const covariance = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => full.vcov[i * p + j]!));
  const base = full.survival(full.means);
  const baseline = Array.from(base.time, (t, i) => ({ t, s: base.survival[i]! }));
  // thresholds on 1 − S(12 | x) that reproduce the full-data linear-predictor tertiles
  const lpFull = Array.from(full.linearPredictor(fromRows(rows, features), true));
  const [c1, c2] = kmByRiskTertile(time, event, lpFull).cutoffs;
  const s12 = full.survivalAt(full.means, [12])[0]!;
  const riskThresholds = s12 < 0.999 ? [1 - Math.pow(s12, Math.exp(c1)), 1 - Math.pow(s12, Math.exp(c2))] : undefined;
  const metrics = {
    kind: 'survival' as const,
    outcome: which,
    n,
    events,
    excluded,
    cvFolds: input.cvFolds,
    seed: input.seed,
    cIndex,
    kmByRiskGroup: groups.kmByRiskGroup,
    logRank: groups.logRank,
    riskGroupBasis: 'tertiles of the cross-validated (out-of-fold) linear predictor',
    coefficients: full.coefficients.map((c) => ({ name: c.name, hr: c.hr, lower: c.lower, upper: c.upper, p: c.p })),
    warnings: full.warnings,
  };
  const ranges = featureRanges(rows, features.length);
  const name = input.name?.trim() || `${which} ~ ${features.join(' + ')} (Cox, ${cohort.name})`.slice(0, 200);
  const version = `${(await prisma.model.count({ where: { name } })) + 1}.0.0`;
  const model = await prisma.model.create({
    data: {
      name,
      task: 'SURVIVAL',
      kind: 'cox',
      version,
      status: 'DRAFT',
      origin: 'TRAINED',
      synthetic: cohort.synthetic,
      inputs: features.map((f, j) => ({ name: f, source: 'clinical', field: f, ...ranges[j] })),
      parameters: {
        coefficients,
        means,
        covariance,
        covarianceOrder: features,
        baseline,
        horizons: [12, 24, 36],
        ...(riskThresholds ? { riskThresholds } : {}),
        outcome: which,
      } as Prisma.InputJsonValue,
      ...trainingRecord(
        cohort,
        metrics,
        { n, events, excluded },
        actor,
        `Research: ${which === 'os' ? 'overall' : 'recurrence-free'} survival from ${features.join(', ')}.`,
        `Cox proportional hazards (Efron ties, Newton–Raphson), @hepatoscope/stats; ${input.cvFolds}-fold CV stratified by event, seed ${input.seed}; risk groups = tertiles of the out-of-fold linear predictor.`,
      ),
    },
    select: { id: true },
  });
  return { modelId: model.id, metrics };
}
