import { createHash } from 'node:crypto';
import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';
import { resolveStorageUri } from './files';
import { enqueueJobRow, requireQueue } from './jobs';

export interface FeatureRow {
  featureSetId: string;
  lesionId: string | null;
  lesionLabel: string | null;
  phase: string;
  studyId: string;
  studyDate: string | null;
  settingsKey: string;
  softwareVersion: string;
  values: Record<string, number>;
}

export interface FeatureDelta {
  lesionLabel: string | null;
  phase: string;
  fromStudyId: string;
  toStudyId: string;
  fromDate: string | null;
  toDate: string | null;
  /** Days between the studies (null when a date is missing). */
  days: number | null;
  /** Per feature: values at both timepoints, absolute change (to − from) and relative change (÷ |from|; null when from = 0). */
  deltas: Record<string, { from: number; to: number; abs: number; rel: number | null }>;
}

/**
 * Delta radiomics: for each lesion and phase (same extraction settings and software version), the change of every
 * feature present at both timepoints between consecutive studies in date order. Pure.
 */
export function featureDeltas(rows: readonly FeatureRow[]): FeatureDelta[] {
  const groups = new Map<string, FeatureRow[]>();
  for (const r of rows) {
    if (!r.lesionId && !r.lesionLabel) continue;
    const k = [r.lesionId ?? r.lesionLabel, r.phase, r.settingsKey, r.softwareVersion].join('|');
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  }
  const out: FeatureDelta[] = [];
  for (const g of groups.values()) {
    // one row per study (the latest extraction wins), ordered by study date
    const byStudy = new Map<string, FeatureRow>();
    for (const r of g) if (!byStudy.has(r.studyId)) byStudy.set(r.studyId, r);
    const seq = [...byStudy.values()].sort((a, b) => (a.studyDate ?? '').localeCompare(b.studyDate ?? ''));
    for (let i = 1; i < seq.length; i++) {
      const a = seq[i - 1]!;
      const b = seq[i]!;
      const deltas: FeatureDelta['deltas'] = {};
      for (const [f, v1] of Object.entries(a.values)) {
        const v2 = b.values[f];
        if (typeof v2 !== 'number' || !Number.isFinite(v1) || !Number.isFinite(v2)) continue;
        deltas[f] = { from: v1, to: v2, abs: v2 - v1, rel: v1 === 0 ? null : (v2 - v1) / Math.abs(v1) };
      }
      const days =
        a.studyDate && b.studyDate
          ? Math.round((Date.parse(b.studyDate) - Date.parse(a.studyDate)) / 86_400_000)
          : null;
      out.push({
        lesionLabel: b.lesionLabel ?? a.lesionLabel,
        phase: b.phase,
        fromStudyId: a.studyId,
        toStudyId: b.studyId,
        fromDate: a.studyDate,
        toDate: b.studyDate,
        days,
        deltas,
      });
    }
  }
  return out.sort((x, y) =>
    `${x.lesionLabel}|${x.phase}|${x.fromDate}`.localeCompare(`${y.lesionLabel}|${y.phase}|${y.fromDate}`),
  );
}

/** SHA-256 of canonical JSON (sorted keys): equal settings ⇒ equal hash. */
export function canonicalHash(v: unknown): string {
  const canon = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(canon)
      : x && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x as object)
              .sort()
              .map((k) => [k, canon((x as Record<string, unknown>)[k])]),
          )
        : x;
  return createHash('sha256')
    .update(JSON.stringify(canon(v)))
    .digest('hex');
}

/** Radiomic feature sets of a patient's segmentations, newest first. */
export function createFeaturesService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;
  const api = {
    /**
     * Queue radiomics extraction (worker queue `feature-extraction`) for a segmentation, on its own series or on
     * another series of the same study and grid (multi-phase features). LESION masks: every label; AUTO liver masks
     * (1 liver, 2 tumour): the tumour label split into connected components.
     */
    async request(actor: Actor, input: { segmentationId: string; seriesId?: string; preset?: string }) {
      const seg = await prisma.segmentation.findUnique({
        where: { id: input.segmentationId },
        include: {
          series: {
            select: { id: true, studyId: true, dims: true, storageUri: true, study: { select: { patientId: true } } },
          },
        },
      });
      if (!seg) throw new DomainError('NOT_FOUND', `Segmentation ${input.segmentationId} was not found`);
      await access.assertPatient(actor, seg.series.study.patientId);
      let image = seg.series;
      if (input.seriesId && input.seriesId !== seg.seriesId) {
        const other = await prisma.series.findUnique({
          where: { id: input.seriesId },
          select: { id: true, studyId: true, dims: true, storageUri: true, study: { select: { patientId: true } } },
        });
        if (!other || other.studyId !== seg.series.studyId)
          throw new DomainError('INVALID', `Series ${input.seriesId} is not in the study of segmentation ${seg.id}`);
        if (other.dims.join('x') !== seg.series.dims.join('x'))
          throw new DomainError(
            'INVALID',
            `Series ${input.seriesId} (${other.dims.join('×')}) is not on the mask grid (${seg.series.dims.join('×')})`,
          );
        image = other;
      }
      const enqueue = requireQueue(deps);
      const labels = (seg.labels ?? {}) as Record<string, string>;
      const tumourLabel = Object.entries(labels).find(([, n]) => /tumou?r/i.test(n))?.[0];
      const payload: Record<string, unknown> = {
        imagePath: resolveStorageUri(deps.filesDir, image.storageUri),
        maskPath: resolveStorageUri(deps.filesDir, seg.maskUri),
        preset: input.preset ?? 'liver-ct',
        ...(seg.structure === 'LESION'
          ? { exclude: [] }
          : tumourLabel
            ? { label: Number(tumourLabel), splitComponents: true }
            : {}),
      };
      const job = await prisma.job.create({
        data: {
          type: 'feature-extraction',
          input: { segmentationId: seg.id, seriesId: image.id, preset: payload.preset } as Prisma.InputJsonValue,
          entityType: 'Segmentation',
          entityId: seg.id,
          createdById: actor.userId,
        },
      });
      await enqueueJobRow(deps, enqueue, job.id, 'feature-extraction', payload, 'extraction');
      return { jobId: job.id };
    },

    /**
     * Store the rows of a COMPLETED feature-extraction job as FeatureSets (once; claimed atomically). Each row
     * (label, component) is one FeatureSet; the lesion is the segmentation's lesion, or the patient's lesion labelled
     * `L<label>`. Undefined (null) features are left out of `values`.
     */
    async importJobResult(jobId: string): Promise<string[] | null> {
      const job = await prisma.job.findUnique({ where: { id: jobId } });
      if (!job || job.type !== 'feature-extraction' || job.state !== 'COMPLETED') return null;
      const input = job.input as { segmentationId: string; seriesId: string; preset?: string };
      const result = job.result as {
        settingsHash?: string;
        softwareVersion?: string;
        rows?: Array<{ label: number; component: number; voxels: number; features: Record<string, number | null> }>;
      } | null;
      if (!result?.rows) return null;
      const claimed = await prisma.job.updateMany({
        where: { id: jobId, state: 'COMPLETED', NOT: { message: 'imported' } },
        data: { message: 'imported' },
      });
      if (claimed.count !== 1) return null;
      const seg = await prisma.segmentation.findUniqueOrThrow({
        where: { id: input.segmentationId },
        include: { series: { select: { study: { select: { patientId: true } } } } },
      });
      const lesions = await prisma.lesion.findMany({
        where: { patientId: seg.series.study.patientId },
        select: { id: true, label: true },
      });
      const ids: string[] = [];
      for (const row of result.rows) {
        const values = Object.fromEntries(
          Object.entries(row.features).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)),
        ) as Record<string, number>;
        const settings = {
          preset: input.preset ?? 'liver-ct',
          radiomicsSettingsHash: result.settingsHash,
          label: row.label,
          component: row.component,
          voxels: row.voxels,
        };
        // Labels of a LESION mask number the lesions (L1, L2 …); in a liver/tumour mask they are tissue classes.
        const lesionId =
          seg.lesionId ??
          (seg.structure === 'LESION' ? (lesions.find((l) => l.label === `L${row.label}`)?.id ?? null) : null);
        const fsRow = await prisma.featureSet.upsert({
          where: {
            segmentationId_seriesId_settingsHash_softwareVersion: {
              segmentationId: seg.id,
              seriesId: input.seriesId,
              settingsHash: canonicalHash(settings),
              softwareVersion: result.softwareVersion ?? 'unknown',
            },
          },
          create: {
            segmentationId: seg.id,
            seriesId: input.seriesId,
            lesionId,
            settings: settings as Prisma.InputJsonValue,
            settingsHash: canonicalHash(settings),
            softwareVersion: result.softwareVersion ?? 'unknown',
            values,
            featureCount: Object.keys(values).length,
          },
          update: {},
        });
        ids.push(fsRow.id);
      }
      await prisma.job.update({
        where: { id: jobId },
        data: { result: { ...(result as object), featureSetIds: ids } as Prisma.InputJsonValue },
      });
      return ids;
    },

    /** Delta radiomics between consecutive timepoints of each lesion (see `featureDeltas`). */
    async delta(actor: Actor, patientId: string): Promise<FeatureDelta[]> {
      const rows = await api.forPatient(actor, patientId);
      return featureDeltas(
        rows.map((r) => {
          const st = (r.settings ?? {}) as { radiomicsSettingsHash?: string; preset?: string };
          return { ...r, settingsKey: st.radiomicsSettingsHash ?? st.preset ?? r.settingsHash };
        }),
      );
    },

    async forPatient(actor: Actor, patientId: string) {
      await access.assertPatient(actor, patientId);
      const rows = await deps.prisma.featureSet.findMany({
        where: { segmentation: { series: { study: { patientId } } } },
        orderBy: { createdAt: 'desc' },
        include: {
          lesion: { select: { label: true } },
          series: { select: { phase: true, study: { select: { id: true, date: true, timepoint: true } } } },
          segmentation: { select: { structure: true, version: true, status: true } },
        },
      });
      return rows.map((f) => ({
        featureSetId: f.id,
        lesionId: f.lesionId,
        lesionLabel: f.lesion?.label ?? null,
        structure: f.segmentation.structure,
        segmentationId: f.segmentationId,
        segmentationVersion: f.segmentation.version,
        phase: f.series.phase,
        studyId: f.series.study.id,
        studyDate: f.series.study.date?.toISOString() ?? null,
        timepoint: f.series.study.timepoint,
        settingsHash: f.settingsHash,
        settings: f.settings,
        softwareVersion: f.softwareVersion,
        values: f.values as Record<string, number>,
        createdAt: f.createdAt.toISOString(),
      }));
    },
  };
  return api;
}

export type FeaturesService = ReturnType<typeof createFeaturesService>;
