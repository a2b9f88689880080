import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';
import { predictionDto, predictionInclude } from './mappers';
import { predictorDefs } from './models';
import { patientLesionFeatures, type PatientLesionFeatures } from './radiomic-inputs';
import {
  coxCurve,
  linearPredictor,
  logisticProbability,
  medianSurvival,
  nomogramPoints,
  riskGroup,
  survivalAt,
  transformValue,
  type PredictorDef,
} from '../scoring/linear';

type PatientRow = Prisma.PatientGetPayload<object>;

const NUMERIC_FIELDS = [
  'age',
  'afp',
  'bilirubin',
  'albumin',
  'platelets',
  'inr',
  'alt',
  'ast',
  'ecog',
  'childPughScore',
  'tumourCount',
  'maxTumourDiameterMm',
] as const;
const BOOLEAN_FIELDS = ['cirrhosis', 'vascularInvasion', 'portalVeinThrombosis', 'extrahepaticSpread'] as const;

/**
 * Value of a clinical predictor for a patient, before transform:
 * - numeric fields as stored (`age`, `afp` ng/mL, `bilirubin` mg/dL, ...);
 * - boolean fields as 1/0 (`cirrhosis`, `vascularInvasion`, ...);
 * - indicators `field=VALUE` as 1/0 (e.g. `childPugh=B`, `bclc=C`, `sex=MALE`, `aetiology=HBV`);
 * - `sex` alone is 1 for MALE, 0 for FEMALE.
 * Extra source columns (`Patient.extra`) are read when the name is not a known field.
 * Returns null when the patient has no value.
 */
export function clinicalValue(p: PatientRow, field: string): number | null {
  const eq = field.indexOf('=');
  if (eq > 0) {
    const key = field.slice(0, eq);
    const want = field.slice(eq + 1);
    const raw = (p as Record<string, unknown>)[key];
    if (raw === null || raw === undefined) return null;
    const have = key === 'bclc' && raw === 'STAGE_0' ? '0' : String(raw);
    return have.toUpperCase() === want.toUpperCase() ? 1 : 0;
  }
  if ((NUMERIC_FIELDS as readonly string[]).includes(field))
    return ((p as Record<string, unknown>)[field] as number | null) ?? null;
  if ((BOOLEAN_FIELDS as readonly string[]).includes(field)) {
    const b = (p as Record<string, unknown>)[field] as boolean | null;
    return b === null || b === undefined ? null : b ? 1 : 0;
  }
  if (field === 'sex') return p.sex === 'MALE' ? 1 : p.sex === 'FEMALE' ? 0 : null;
  const extra = p.extra as Record<string, unknown> | null;
  const v = extra?.[field];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

interface LogisticParams {
  intercept: number;
  coefficients: Record<string, number>;
  covariance?: number[][];
  covarianceOrder?: string[];
  riskThresholds?: [number, number];
}
interface CoxParams {
  coefficients: Record<string, number>;
  means?: Record<string, number>;
  baseline: Array<{ t: number; s: number }>;
  covariance?: number[][];
  covarianceOrder?: string[];
  riskThresholds?: [number, number];
  horizons?: number[];
}

interface ScoreParams {
  intercept?: number;
  coefficients: Record<string, number>;
  /** Ordered grades: the first whose `upTo` ≥ score (null = no upper bound). */
  grades?: Array<{ label: string; upTo: number | null }>;
}

const LOGISTIC_KINDS = new Set(['logistic', 'lasso-logistic', 'lasso']);
const SCORE_KINDS = new Set(['linear-score']);

/** Grade of a linear score: the first grade whose `upTo` is ≥ the score (`upTo: null` = open-ended). */
export function gradeOf(
  score: number,
  grades: ReadonlyArray<{ label: string; upTo: number | null }> | undefined,
): string | null {
  if (!grades?.length) return null;
  for (const g of grades) if (g.upTo === null || score <= g.upTo) return g.label;
  return grades[grades.length - 1]!.label;
}
const COX_KINDS = new Set(['cox', 'coxph', 'lasso-cox']);

/** Predictions: score a patient/lesion with a VALIDATED linear model; results stored with the input snapshot. */
export function createPredictionsService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;

  /**
   * Predictor values of a patient. Radiomic predictors come from `patientLesionFeatures`: the index lesion (the
   * rule validation uses) or the named lesion, on the model's `featurePhase` when set.
   */
  async function gatherInputs(
    defs: PredictorDef[],
    patient: PatientRow,
    lesionId: string | undefined,
    featurePhase: string | undefined,
  ) {
    const needsFeatures = defs.some((d) => d.source === 'feature');
    let features: Record<string, number> = {};
    let source: PatientLesionFeatures | null = null;
    if (needsFeatures) {
      source = await patientLesionFeatures(prisma, patient.id, { phase: featurePhase, lesionId });
      if (!source)
        throw new DomainError(
          'INVALID',
          `The model needs radiomic features but ${lesionId ? `lesion ${lesionId}` : `patient ${patient.pseudoId}`} has no lesion feature set${featurePhase ? ` on a ${featurePhase} series` : ''}; run feature extraction first`,
        );
      features = source.values;
    }
    const raw: Record<string, number> = {};
    const x: Record<string, number> = {};
    const missing: string[] = [];
    const missingFeatures: string[] = [];
    for (const d of defs) {
      const field = d.field ?? d.name;
      const v =
        d.source === 'feature'
          ? typeof features[field] === 'number'
            ? features[field]!
            : null
          : clinicalValue(patient, field);
      if (v === null || !Number.isFinite(v)) {
        if (d.source === 'feature') missingFeatures.push(field);
        else missing.push(d.name);
        continue;
      }
      raw[d.name] = v;
      try {
        x[d.name] = transformValue(v, d.transform, d.name);
      } catch (e) {
        throw new DomainError('INVALID', `Patient ${patient.pseudoId}: ${(e as Error).message}`);
      }
    }
    if (missingFeatures.length) {
      throw new DomainError(
        'INVALID',
        `Feature set ${source!.featureSetId} of lesion ${source!.lesionLabel} (patient ${patient.pseudoId}, ` +
          `${source!.rule === 'INDEX_LESION' ? 'index lesion' : 'named lesion'}) lacks radiomic feature(s) ` +
          `${missingFeatures.join(', ')}` +
          (missing.length ? `; the patient also lacks clinical predictor(s) ${missing.join(', ')}` : ''),
        { missing: [...missingFeatures, ...missing], missingFeatures, featureSetId: source!.featureSetId },
      );
    }
    if (missing.length) {
      throw new DomainError(
        'INVALID',
        `Patient ${patient.pseudoId} lacks values for predictor(s) ${missing.join(', ')}`,
        { missing },
      );
    }
    const featureSource = source && {
      rule: source.rule,
      ruleText: source.ruleText,
      featurePhase: source.featurePhase,
      lesionId: source.lesionId,
      lesionLabel: source.lesionLabel,
      featureSetId: source.featureSetId,
      studyId: source.studyId,
      phase: source.phase,
    };
    return { raw, x, featureSetId: source?.featureSetId ?? null, featureSource };
  }

  return {
    async run(actor: Actor, input: { patientId: string; modelId: string; lesionId?: string }) {
      await access.assertPatient(actor, input.patientId);
      const [patient, model] = await Promise.all([
        prisma.patient.findUnique({ where: { id: input.patientId } }),
        prisma.model.findUnique({ where: { id: input.modelId } }),
      ]);
      if (!patient) throw new DomainError('NOT_FOUND', `Patient ${input.patientId} was not found`);
      if (!model) throw new DomainError('NOT_FOUND', `Model ${input.modelId} was not found`);
      if (model.status !== 'VALIDATED') {
        throw new DomainError(
          'INVALID',
          `Model ${model.name} v${model.version} is ${model.status}; only VALIDATED models score patients`,
        );
      }
      if (input.lesionId) {
        const n = await prisma.lesion.count({ where: { id: input.lesionId, patientId: patient.id } });
        if (!n)
          throw new DomainError('NOT_FOUND', `Lesion ${input.lesionId} does not belong to patient ${patient.pseudoId}`);
      }
      const defs = predictorDefs(model.inputs);
      if (!defs.length)
        throw new DomainError('INVALID', `Model ${model.name} v${model.version} declares no predictors`);
      const featurePhase = (model.parameters as { featurePhase?: string } | null)?.featurePhase;
      const { raw, x, featureSetId, featureSource } = await gatherInputs(defs, patient, input.lesionId, featurePhase);
      const names = defs.map((d) => d.name);
      const snapshot = {
        values: raw,
        transformed: x,
        featureSetId,
        // which lesion and feature set the radiomic predictors came from, and by which rule (null: clinical only)
        featureSource,
        modelKind: model.kind,
        predictors: defs,
      } as unknown as Prisma.InputJsonValue;
      /** The columns every kind of Prediction row has. */
      const predictionRow = (group: string | null, nomogram: unknown, inputSnapshot: Prisma.InputJsonValue) => ({
        modelId: model.id,
        modelVersion: model.version,
        patientId: patient.id,
        lesionId: input.lesionId ?? null,
        riskGroup: group,
        nomogram: nomogram as Prisma.InputJsonValue,
        inputSnapshot,
        createdById: actor.userId,
      });

      if (LOGISTIC_KINDS.has(model.kind)) {
        const prm = model.parameters as unknown as LogisticParams | null;
        if (!prm || typeof prm.intercept !== 'number' || !prm.coefficients) {
          throw new DomainError(
            'INVALID',
            `Model ${model.name} v${model.version} has no logistic parameters (intercept, coefficients)`,
          );
        }
        const { eta, se } = linearPredictor(names, x, prm.coefficients, {
          intercept: prm.intercept,
          covariance: prm.covariance,
          covarianceOrder: prm.covarianceOrder,
        });
        const { probability, ci } = logisticProbability(eta, se);
        const nomogram = nomogramPoints(defs, x, prm.coefficients);
        const group = riskGroup(probability, prm.riskThresholds);
        const row = await prisma.prediction.create({
          data: {
            ...predictionRow(group, nomogram, snapshot),
            probability,
            ciLow: ci?.[0] ?? null,
            ciHigh: ci?.[1] ?? null,
          },
        });
        return {
          kind: 'probability' as const,
          id: row.id,
          modelVersion: model.version,
          probability,
          ci,
          ciUnavailableReason: ci
            ? null
            : 'The model stores no coefficient covariance, so no confidence interval can be computed',
          linearPredictor: eta,
          riskGroup: group,
          nomogram,
          inputs: raw,
        };
      }

      if (COX_KINDS.has(model.kind)) {
        const prm = model.parameters as unknown as CoxParams | null;
        if (!prm || !prm.coefficients || !Array.isArray(prm.baseline) || !prm.baseline.length) {
          throw new DomainError(
            'INVALID',
            `Model ${model.name} v${model.version} has no Cox parameters (coefficients, baseline)`,
          );
        }
        const { eta, se } = linearPredictor(names, x, prm.coefficients, {
          means: prm.means,
          covariance: prm.covariance,
          covarianceOrder: prm.covarianceOrder,
        });
        const baseline = [...prm.baseline].sort((a, b) => a.t - b.t);
        const curve = coxCurve(baseline, eta, se);
        const horizons = (prm.horizons ?? [12, 24, 36]).map((t) => survivalAt(curve, t));
        const medianMonths = medianSurvival(curve);
        const s12 = survivalAt(curve, 12).s;
        const group = riskGroup(1 - s12, prm.riskThresholds);
        const nomogram = nomogramPoints(defs, x, prm.coefficients);
        const row = await prisma.prediction.create({
          data: {
            ...predictionRow(group, nomogram, snapshot),
            survival: {
              create: {
                curve: curve as unknown as Prisma.InputJsonValue,
                medianMonths,
                horizons: horizons as unknown as Prisma.InputJsonValue,
              },
            },
          },
        });
        return {
          kind: 'survival' as const,
          id: row.id,
          modelVersion: model.version,
          curve,
          medianMonths,
          horizons,
          ciUnavailableReason:
            se === null ? 'The model stores no coefficient covariance, so no confidence band can be computed' : null,
          linearPredictor: eta,
          riskGroup: group,
          nomogram,
          inputs: raw,
        };
      }

      if (SCORE_KINDS.has(model.kind)) {
        const prm = model.parameters as unknown as ScoreParams | null;
        if (!prm || !prm.coefficients)
          throw new DomainError(
            'INVALID',
            `Model ${model.name} v${model.version} has no score parameters (coefficients)`,
          );
        const { eta } = linearPredictor(names, x, prm.coefficients, { intercept: prm.intercept ?? 0 });
        const grade = gradeOf(eta, prm.grades);
        const nomogram = nomogramPoints(defs, x, prm.coefficients);
        const row = await prisma.prediction.create({
          data: predictionRow(grade, nomogram, { ...(snapshot as object), score: eta } as Prisma.InputJsonValue),
        });
        return {
          kind: 'score' as const,
          id: row.id,
          modelVersion: model.version,
          score: eta,
          grade,
          riskGroup: grade,
          nomogram,
          inputs: raw,
        };
      }

      throw new DomainError(
        'INVALID',
        `Model kind ${model.kind} cannot score patients here (supported: ${[...LOGISTIC_KINDS, ...COX_KINDS, ...SCORE_KINDS].join(', ')})`,
      );
    },

    async listForPatient(actor: Actor, patientId: string) {
      await access.assertPatient(actor, patientId);
      const rows = await prisma.prediction.findMany({
        where: { patientId },
        orderBy: { createdAt: 'desc' },
        include: predictionInclude,
      });
      return rows.map(predictionDto);
    },
  };
}

export type PredictionsService = ReturnType<typeof createPredictionsService>;
