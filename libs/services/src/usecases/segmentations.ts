import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Prisma } from '@hepatoscope/db';
import { parseNifti } from '@hepatoscope/imaging-io';
import { DomainError } from '../errors';
import { withStoredFiles } from '../storage/atomic-write';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';
import { resolveStorageUri } from './files';
import { segmentationUrl } from './mappers';
import { enqueueJobRow, requireQueue } from './jobs';
import { createOnnxUpload } from './models-onnx';

/** Largest mask upload accepted (compressed bytes). */
export const MAX_MASK_UPLOAD_BYTES = 64 * 1024 * 1024;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Check an uploaded mask: gzip NIfTI (or raw NIfTI) whose decompressed size is bounded by the series grid (a zip
 * bomb cannot expand past it), integer labels, and the same grid as the series. Returns the stored bytes.
 */
export function checkMask(bytes: Uint8Array, dims: readonly number[]): { voxels: number; labels: number[] } {
  if (bytes.length > MAX_MASK_UPLOAD_BYTES)
    throw new DomainError(
      'INVALID',
      `The mask is ${bytes.length} bytes; at most ${MAX_MASK_UPLOAD_BYTES} are accepted`,
    );
  const voxels = dims.reduce((a, b) => a * b, 1);
  const limit = 352 + 64 * 1024 + voxels * 8; // header + extensions + the widest voxel type
  let raw: Uint8Array = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      raw = gunzipSync(bytes, { maxOutputLength: limit });
    } catch (e) {
      throw new DomainError(
        'INVALID',
        `The mask is not valid gzip or expands beyond the series grid (${(e as Error).message})`,
      );
    }
  }
  if (raw.length > limit) throw new DomainError('INVALID', 'The mask is larger than the series grid allows');
  let vol;
  try {
    vol = parseNifti(raw, 'mask');
  } catch (e) {
    throw new DomainError('INVALID', `The mask is not a readable NIfTI file: ${(e as Error).message}`);
  }
  const vd = [...vol.dims].slice(0, 3);
  if (vd.length !== dims.length || vd.some((d, i) => d !== dims[i])) {
    throw new DomainError('INVALID', `The mask grid ${vd.join('×')} differs from the series grid ${dims.join('×')}`);
  }
  const seen = new Set<number>();
  const data = vol.data as ArrayLike<number>;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v) || v < 0 || v > 65535)
      throw new DomainError('INVALID', `The mask has a non-label value ${v} at voxel ${i}`);
    if (seen.size < 256) seen.add(v);
  }
  return { voxels, labels: [...seen].sort((a, b) => a - b) };
}

/** What produced an AUTO mask: the cascade, provider and each stage's model (`Segmentation.provenance`). */
export interface SegmentationProvenance {
  cascade: string | null;
  provider: string | null;
  jobId: string;
  stages: { stage: 'liver' | 'tumour'; model: string; modelId: string | null; origin: 'BUNDLED' | 'UPLOADED' }[];
}

/**
 * Provenance of a finished segmentation job: the stage keys (`id@version`, liver first) come from the worker's
 * summary (`summary.models`); the registered model of each stage from the job's input (`stages`, written by
 * `request`; absent = the bundled cascade; a pre-`stages` job with `modelId` ran that liver model alone).
 */
export function segmentationProvenance(
  jobId: string,
  input: unknown,
  summary: { model?: string; models?: string[]; provider?: string } | undefined,
): SegmentationProvenance {
  const i = (input ?? {}) as { modelId?: string; stages?: { liver?: string | null; tumour?: string | null } };
  const ids = i.stages ?? (i.modelId ? { liver: i.modelId, tumour: null } : { liver: null, tumour: null });
  const keys = Array.isArray(summary?.models) ? summary.models : [];
  const roles = ['liver', 'tumour'] as const;
  return {
    cascade: summary?.model ?? null,
    provider: summary?.provider ?? null,
    jobId,
    stages: keys.slice(0, 2).map((model, k) => {
      const modelId = ids[roles[k]] ?? null;
      return { stage: roles[k], model, modelId, origin: modelId ? 'UPLOADED' : 'BUNDLED' };
    }),
  };
}

/**
 * Segmentations: request an automatic segmentation (pg-boss job for the worker), import the worker's mask as an
 * AUTO DRAFT version when the job completes, review (accept/reject) with an optimistic version check, and new
 * versions of a mask (a version chain; `previousId` is unique, so two concurrent edits of the same version cannot
 * both be saved — the second gets CONFLICT and nothing is lost).
 */
export function createSegmentationsService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;

  async function segWithPatient(id: string) {
    const s = await prisma.segmentation.findUnique({
      where: { id },
      include: { series: { select: { id: true, dims: true, study: { select: { patientId: true } } } } },
    });
    if (!s) throw new DomainError('NOT_FOUND', `Segmentation ${id} was not found`);
    return s;
  }

  const dto = (s: {
    id: string;
    seriesId: string;
    structure: string;
    lesionId: string | null;
    source: string;
    version: number;
    previousId: string | null;
    status: string;
    labels: unknown;
    volumeMl: number | null;
    reviewNote: string | null;
    provenance?: unknown;
    updatedAt: Date;
  }) => ({
    id: s.id,
    seriesId: s.seriesId,
    structure: s.structure,
    lesionId: s.lesionId,
    source: s.source,
    version: s.version,
    previousId: s.previousId,
    status: s.status,
    labels: s.labels,
    volumeMl: s.volumeMl,
    reviewNote: s.reviewNote,
    /** AUTO masks: cascade, provider and each stage's model id@version (`SegmentationProvenance`); else null. */
    provenance: (s.provenance ?? null) as SegmentationProvenance | null,
    url: segmentationUrl(s.id),
    /** Pass back as `expectedUpdatedAt` to review: a concurrent change makes the review fail with CONFLICT. */
    updatedAt: s.updatedAt.toISOString(),
  });

  return {
    /**
     * Queue the ONNX segmentation of a series; returns the job to poll with `jobs.get`. Default: the bundled liver →
     * tumour cascade. `modelId`: an uploaded liver-segmentation model runs alone; an uploaded tumour-segmentation
     * model runs as the cascade's tumour stage behind the bundled liver stage, or behind the uploaded liver model
     * `liverModelId`.
     */
    async request(actor: Actor, seriesId: string, modelId?: string, liverModelId?: string) {
      const series = await prisma.series.findUnique({
        where: { id: seriesId },
        select: { storageUri: true, study: { select: { patientId: true } } },
      });
      if (!series) throw new DomainError('NOT_FOUND', `Series ${seriesId} was not found`);
      await access.assertPatient(actor, series.study.patientId);
      const enqueue = requireQueue(deps);
      const imagePath = resolveStorageUri(deps.filesDir, series.storageUri);
      if (liverModelId && !modelId)
        throw new DomainError('INVALID', 'liverModelId needs modelId (the uploaded tumour-segmentation model)');
      // Uploaded ONNX stages (models.uploadOnnx) instead of the bundled ones.
      const chosen = modelId ? await createOnnxUpload(deps).segmentationStages(modelId, liverModelId) : null;
      const job = await prisma.job.create({
        data: {
          type: 'segmentation',
          input: chosen ? { seriesId, modelId: chosen.modelId, stages: chosen.stages } : { seriesId },
          entityType: 'Series',
          entityId: seriesId,
          createdById: actor.userId,
        },
      });
      const payload = chosen ? { imagePath, ...chosen.payload } : { imagePath };
      await enqueueJobRow(deps, enqueue, job.id, 'segmentation', payload, 'segmentation');
      return { jobId: job.id };
    },

    /**
     * Import the mask of a COMPLETED segmentation job as an AUTO, DRAFT segmentation of its series (once: the
     * job's message is switched to `imported` atomically). Returns the new segmentation id, or null when there is
     * nothing to import.
     */
    async importJobResult(jobId: string): Promise<string | null> {
      const job = await prisma.job.findUnique({ where: { id: jobId } });
      if (
        !job ||
        job.type !== 'segmentation' ||
        job.state !== 'COMPLETED' ||
        job.entityType !== 'Series' ||
        !job.entityId
      )
        return null;
      const result = job.result as {
        maskPath?: string;
        summary?: { model?: string; models?: string[]; provider?: string };
      } | null;
      if (!result?.maskPath) return null;
      const claimed = await prisma.job.updateMany({
        where: { id: jobId, state: 'COMPLETED', NOT: { message: 'imported' } },
        data: { message: 'imported' },
      });
      if (claimed.count !== 1) return null;
      const root = path.resolve(deps.filesDir);
      const src = path.resolve(result.maskPath);
      if (!src.startsWith(root + path.sep))
        throw new DomainError('FORBIDDEN', `Job ${jobId} wrote its mask outside the data directory`);
      const bytes = await fs.promises.readFile(src);
      const provenance = segmentationProvenance(jobId, job.input, result.summary);
      const id = randomUUID();
      const rel = `segmentations/${id}.nii.gz`;
      try {
        // The mask file first (atomic), then the rows; a failure removes the file and releases the claim so that a
        // later call (e.g. after space was freed) imports the job again.
        await withStoredFiles(
          deps.filesDir,
          (batch) => batch.write(rel, bytes),
          () =>
            prisma.$transaction([
              prisma.segmentation.create({
                data: {
                  id,
                  seriesId: job.entityId!,
                  structure: 'LIVER',
                  source: 'AUTO',
                  modelId: (job.input as { modelId?: string } | null)?.modelId ?? null,
                  authorId: job.createdById,
                  maskUri: `file:${rel}`,
                  sha256: sha256(bytes),
                  // a tumour stage ran → 1/2; a result without the stage list: a liver model alone when one was chosen
                  labels: (
                    provenance.stages.length
                      ? provenance.stages.some((st) => st.stage === 'tumour')
                      : !(job.input as { modelId?: string } | null)?.modelId
                  )
                    ? { '1': 'liver', '2': 'tumour' }
                    : { '1': 'liver' },
                  provenance: provenance as unknown as Prisma.InputJsonValue,
                  status: 'DRAFT',
                  reviewNote: null,
                },
              }),
              prisma.job.update({
                where: { id: jobId },
                data: { result: { ...(result as object), segmentationId: id } as Prisma.InputJsonValue },
              }),
            ]),
        );
      } catch (e) {
        await prisma.job.updateMany({ where: { id: jobId, message: 'imported' }, data: { message: job.message } });
        throw e;
      }
      return id;
    },

    /** Accept or reject one version. `expectedUpdatedAt` (from the version you reviewed) guards against concurrent changes. */
    async review(
      actor: Actor,
      input: { id: string; status: 'ACCEPTED' | 'REJECTED'; note?: string; expectedUpdatedAt: string },
    ) {
      const s = await segWithPatient(input.id);
      await access.assertPatient(actor, s.series.study.patientId);
      if (s.status === 'SUPERSEDED')
        throw new DomainError(
          'CONFLICT',
          `Segmentation ${s.id} v${s.version} was superseded by a newer version; review that one`,
        );
      const res = await prisma.segmentation.updateMany({
        where: { id: s.id, updatedAt: new Date(input.expectedUpdatedAt) },
        data: { status: input.status, reviewNote: input.note ?? null },
      });
      if (res.count !== 1)
        throw new DomainError('CONFLICT', `Segmentation ${s.id} changed since you loaded it; reload and review again`);
      return dto(await prisma.segmentation.findUniqueOrThrow({ where: { id: s.id } }));
    },

    /**
     * Save an edited mask as the next version of `previousId` (MANUAL if the previous one was manual, else
     * SEMI_AUTO). The previous version becomes SUPERSEDED. Concurrent saves on the same version: one wins, the
     * other gets CONFLICT (unique `previousId`).
     */
    async createVersion(actor: Actor, previousId: string, bytes: Uint8Array) {
      const prev = await segWithPatient(previousId);
      await access.assertPatient(actor, prev.series.study.patientId);
      if (prev.status === 'SUPERSEDED')
        throw new DomainError(
          'CONFLICT',
          `Segmentation ${prev.id} v${prev.version} already has a newer version; edit the latest one`,
        );
      const info = checkMask(bytes, prev.series.dims);
      const id = randomUUID();
      const rel = `segmentations/${id}.nii.gz`;
      const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
      const stored = gz ? bytes : (await import('node:zlib')).gzipSync(bytes);
      try {
        // The mask file first (atomic), then one transaction; any failure removes the file (withStoredFiles).
        const created = await withStoredFiles(
          deps.filesDir,
          (batch) => batch.write(rel, stored),
          () =>
            prisma.$transaction(async (tx) => {
              const c = await tx.segmentation.create({
                data: {
                  id,
                  seriesId: prev.seriesId,
                  structure: prev.structure,
                  lesionId: prev.lesionId,
                  source: prev.source === 'MANUAL' ? 'MANUAL' : 'SEMI_AUTO',
                  modelId: prev.modelId,
                  authorId: actor.userId,
                  version: prev.version + 1,
                  previousId: prev.id,
                  status: 'DRAFT',
                  maskUri: `file:${rel}`,
                  sha256: sha256(stored),
                  labels: prev.labels as Prisma.InputJsonValue,
                },
              });
              const sup = await tx.segmentation.updateMany({
                where: { id: prev.id, status: { not: 'SUPERSEDED' } },
                data: { status: 'SUPERSEDED' },
              });
              if (sup.count !== 1)
                throw new DomainError('CONFLICT', `Segmentation ${prev.id} was superseded concurrently`);
              return c;
            }),
        );
        return { ...dto(created), labelsPresent: info.labels };
      } catch (e) {
        if ((e as { code?: string }).code === 'P2002') {
          throw new DomainError(
            'CONFLICT',
            `Someone saved a new version of segmentation ${prev.id} at the same time; reload the latest version and re-apply your edit`,
          );
        }
        throw e;
      }
    },

    /** The version chain of a segmentation (oldest first). */
    async history(actor: Actor, id: string) {
      const s = await segWithPatient(id);
      await access.assertPatient(actor, s.series.study.patientId);
      const all = await prisma.segmentation.findMany({
        where: { seriesId: s.seriesId, structure: s.structure, lesionId: s.lesionId },
        orderBy: { version: 'asc' },
      });
      // Walk the chain through `s` (other chains on the same series/structure are separate masks).
      const byId = new Map(all.map((x) => [x.id, x]));
      const next = new Map(all.filter((x) => x.previousId).map((x) => [x.previousId!, x]));
      let head = s;
      while (head.previousId && byId.has(head.previousId)) head = byId.get(head.previousId)! as typeof s;
      const chain = [head];
      while (next.has(chain[chain.length - 1]!.id)) chain.push(next.get(chain[chain.length - 1]!.id)! as typeof s);
      return chain.map(dto);
    },
  };
}

export type SegmentationsService = ReturnType<typeof createSegmentationsService>;
