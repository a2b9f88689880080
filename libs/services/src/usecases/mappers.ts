/**
 * Row → DTO mappers shared by the use cases. DTOs are JSON-safe: dates become ISO strings, BCLC `STAGE_0`
 * becomes `'0'`, storage URIs never leave the server (files are served by id under /api/files/...).
 */
import type { Prisma } from '@hepatoscope/db';

export type BclcLabel = '0' | 'A' | 'B' | 'C' | 'D';

export function bclcLabel(b: string | null | undefined): BclcLabel | null {
  if (!b) return null;
  return (b === 'STAGE_0' ? '0' : b) as BclcLabel;
}

export function bclcEnum(label: BclcLabel): 'STAGE_0' | 'A' | 'B' | 'C' | 'D' {
  return label === '0' ? 'STAGE_0' : label;
}

export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export const seriesUrl = (id: string) => `/api/files/series/${encodeURIComponent(id)}`;
export const segmentationUrl = (id: string) => `/api/files/segmentations/${encodeURIComponent(id)}`;

export interface PredictionDto {
  id: string;
  modelId: string;
  modelName: string;
  modelVersion: string;
  task: string;
  lesionId: string | null;
  probability: number | null;
  ci: [number, number] | null;
  riskGroup: string | null;
  nomogram: unknown;
  survival: { curve: unknown; medianMonths: number | null; horizons: unknown } | null;
  inputSnapshot: unknown;
  createdAt: string;
}

export const predictionInclude = { model: { select: { name: true, task: true } }, survival: true } as const;

export function predictionDto(p: Prisma.PredictionGetPayload<{ include: typeof predictionInclude }>): PredictionDto {
  return {
    id: p.id,
    modelId: p.modelId,
    modelName: p.model.name,
    modelVersion: p.modelVersion,
    task: p.model.task,
    lesionId: p.lesionId,
    probability: p.probability,
    ci: p.ciLow != null && p.ciHigh != null ? [p.ciLow, p.ciHigh] : null,
    riskGroup: p.riskGroup,
    nomogram: p.nomogram ?? null,
    survival: p.survival
      ? { curve: p.survival.curve, medianMonths: p.survival.medianMonths, horizons: p.survival.horizons }
      : null,
    inputSnapshot: p.inputSnapshot,
    createdAt: p.createdAt.toISOString(),
  };
}

/** The latest prediction of each model, from predictions ordered newest first. */
export function latestPredictionPerModel(
  newestFirst: Prisma.PredictionGetPayload<{ include: typeof predictionInclude }>[],
): Map<string, PredictionDto> {
  const latest = new Map<string, PredictionDto>();
  for (const pr of newestFirst) if (!latest.has(pr.modelId)) latest.set(pr.modelId, predictionDto(pr));
  return latest;
}

/**
 * The clinical header of a patient that a board snapshot and a report both begin with: pseudonym, demographics, liver
 * status and BCLC stage (callers add their own fields after it; key order is part of stored snapshots).
 */
export function clinicalHeader(p: Prisma.PatientGetPayload<object>) {
  return {
    pseudoId: p.pseudoId,
    sex: p.sex,
    age: p.age,
    aetiology: p.aetiology,
    cirrhosis: p.cirrhosis,
    childPugh: p.childPugh,
    bclc: bclcLabel(p.bclc),
  };
}

/** A lesion as a board snapshot and a report list it. */
export function lesionSummary(l: Prisma.LesionGetPayload<object>) {
  return {
    label: l.label,
    type: l.type,
    diameterMm: l.diameterMm,
    volumeMl: l.volumeMl,
    enhancementPattern: l.enhancementPattern,
    liRads: l.liRads,
  };
}
