import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { PredictorDef } from '../scoring/linear';
import { createOnnxUpload, type OnnxUploadInput } from './models-onnx';

export interface ModelListItem {
  id: string;
  name: string;
  task: string;
  kind: string;
  version: string;
  status: string;
  origin: string;
  synthetic: boolean;
  predictors: string[];
  metrics: unknown;
  trainingCohort: { id: string; name: string } | null;
  createdAt: string;
}

export interface PublishedModelInput {
  name: string;
  task: 'DIAGNOSIS' | 'GRADE' | 'MVI' | 'EARLY_RECURRENCE' | 'TACE_RESPONSE' | 'SURVIVAL';
  description: string;
  reference: string;
  intercept: number;
  predictors: Array<{ name: string; coefficient: number; min?: number; max?: number; unit?: string }>;
  covariance?: number[][];
}

/** Predictor names from `Model.inputs` (an array of definitions, or of names). */
export function predictorDefs(inputs: unknown): PredictorDef[] {
  if (!Array.isArray(inputs)) return [];
  return inputs
    .map((i) => (typeof i === 'string' ? { name: i } : (i as PredictorDef)))
    .filter((d) => d && typeof d.name === 'string');
}

const modelSelect = {
  id: true,
  name: true,
  task: true,
  kind: true,
  version: true,
  status: true,
  origin: true,
  synthetic: true,
  inputs: true,
  validationMetrics: true,
  createdAt: true,
  trainingCohort: { select: { id: true, name: true } },
} as const;

function listItem(m: Prisma.ModelGetPayload<{ select: typeof modelSelect }>): ModelListItem {
  return {
    id: m.id,
    name: m.name,
    task: m.task,
    kind: m.kind,
    version: m.version,
    status: m.status,
    origin: m.origin,
    synthetic: m.synthetic,
    predictors: predictorDefs(m.inputs).map((d) => d.name),
    metrics: m.validationMetrics ?? null,
    trainingCohort: m.trainingCohort,
    createdAt: m.createdAt.toISOString(),
  };
}

/** The model registry: list, model card, import by coefficients, DRAFT → VALIDATED → RETIRED. */
export function createModelsService(deps: ResolvedDeps) {
  const { prisma } = deps;
  const onnx = createOnnxUpload(deps);

  async function nextVersion(name: string): Promise<string> {
    const n = await prisma.model.count({ where: { name } });
    return `${n + 1}.0.0`;
  }

  async function setStatus(actor: Actor, id: string, to: 'VALIDATED' | 'RETIRED', reason: string) {
    const m = await prisma.model.findUnique({
      where: { id },
      select: { status: true, modelCard: true, name: true, version: true },
    });
    if (!m) throw new DomainError('NOT_FOUND', `Model ${id} was not found`);
    if (to === 'VALIDATED' && m.status !== 'DRAFT') {
      throw new DomainError(
        'CONFLICT',
        `Model ${m.name} v${m.version} is ${m.status}; only DRAFT models can be promoted to VALIDATED`,
      );
    }
    if (to === 'RETIRED' && m.status === 'RETIRED')
      throw new DomainError('CONFLICT', `Model ${m.name} v${m.version} is already RETIRED`);
    const now = deps.now();
    const card = (m.modelCard && typeof m.modelCard === 'object' ? m.modelCard : {}) as Record<string, unknown>;
    const history = Array.isArray(card.statusHistory) ? (card.statusHistory as unknown[]) : [];
    // Conditional update: a concurrent status change makes this match nothing.
    const res = await prisma.model.updateMany({
      where: { id, status: m.status },
      data: {
        status: to,
        ...(to === 'VALIDATED' ? { validatedAt: now } : { retiredAt: now }),
        modelCard: {
          ...card,
          statusHistory: [...history, { from: m.status, to, at: now.toISOString(), by: actor.email, reason }],
        } as Prisma.InputJsonValue,
      },
    });
    if (res.count !== 1) throw new DomainError('CONFLICT', `Model ${id} changed status concurrently; reload and retry`);
    return this_get(id);
  }

  async function this_get(id: string) {
    const m = await prisma.model.findUnique({
      where: { id },
      select: {
        ...modelSelect,
        parameters: true,
        modelCard: true,
        artefactSha256: true,
        validatedAt: true,
        retiredAt: true,
        createdBy: { select: { email: true, name: true } },
        validations: {
          orderBy: { createdAt: 'desc' },
          select: { id: true, cohortId: true, split: true, metrics: true, createdAt: true },
        },
      },
    });
    if (!m) throw new DomainError('NOT_FOUND', `Model ${id} was not found`);
    return {
      ...listItem(m),
      inputs: predictorDefs(m.inputs),
      parameters: m.parameters ?? null,
      card: m.modelCard,
      artefactSha256: m.artefactSha256,
      validatedAt: m.validatedAt?.toISOString() ?? null,
      retiredAt: m.retiredAt?.toISOString() ?? null,
      createdBy: m.createdBy,
      validations: m.validations.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
    };
  }

  return {
    async list(): Promise<ModelListItem[]> {
      const rows = await prisma.model.findMany({
        orderBy: [{ task: 'asc' }, { name: 'asc' }, { createdAt: 'desc' }],
        select: modelSelect,
      });
      return rows.map(listItem);
    },

    get: this_get,

    async importPublished(actor: Actor, input: PublishedModelInput) {
      const names = input.predictors.map((p) => p.name);
      if (new Set(names).size !== names.length)
        throw new DomainError('INVALID', `Predictor names must be unique: ${names.join(', ')}`);
      if (input.task === 'SURVIVAL') {
        throw new DomainError(
          'INVALID',
          'Importing a SURVIVAL model by coefficients needs a baseline survival curve; only logistic models are imported here',
        );
      }
      if (input.covariance) {
        const k = names.length + 1;
        if (input.covariance.length !== k || input.covariance.some((r) => r.length !== k)) {
          throw new DomainError('INVALID', `covariance must be ${k}x${k} (intercept + ${names.length} predictors)`);
        }
      }
      for (const p of input.predictors) {
        if (p.min !== undefined && p.max !== undefined && !(p.max > p.min)) {
          throw new DomainError('INVALID', `Predictor ${p.name}: max (${p.max}) must be greater than min (${p.min})`);
        }
      }
      const version = await nextVersion(input.name);
      const m = await prisma.model.create({
        data: {
          name: input.name,
          task: input.task,
          kind: 'logistic',
          version,
          status: 'DRAFT',
          origin: 'PUBLISHED',
          inputs: input.predictors.map((p) => ({
            name: p.name,
            source: 'clinical',
            field: p.name,
            min: p.min,
            max: p.max,
            unit: p.unit,
          })),
          parameters: {
            intercept: input.intercept,
            coefficients: Object.fromEntries(input.predictors.map((p) => [p.name, p.coefficient])),
            ...(input.covariance ? { covariance: input.covariance, covarianceOrder: ['(Intercept)', ...names] } : {}),
          },
          modelCard: {
            intendedUse: input.description,
            reference: input.reference,
            origin: 'Imported from published coefficients; not re-fitted on local data.',
            importedBy: actor.email,
          },
          createdById: actor.userId,
        },
        select: { id: true },
      });
      return this_get(m.id);
    },

    /** Upload an ONNX segmentation model (manifest + card + bytes) as a new DRAFT version; returns its model card. */
    async uploadOnnx(actor: Actor, input: OnnxUploadInput, maxBytes?: number) {
      return this_get(await onnx.upload(actor, input, maxBytes));
    },

    /** `{modelId, modelDir}` of an uploaded liver-segmentation model for the `segmentation` job. */
    segmentationModelDir: onnx.segmentationModelDir,

    promote: (actor: Actor, id: string, reason: string) => setStatus(actor, id, 'VALIDATED', reason),
    retire: (actor: Actor, id: string, reason: string) => setStatus(actor, id, 'RETIRED', reason),
  };
}

export type ModelsService = ReturnType<typeof createModelsService>;
