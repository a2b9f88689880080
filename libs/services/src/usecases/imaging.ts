import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseNifti } from '@hepatoscope/imaging-io';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';
import { seriesUrl } from './mappers';

/** Largest NIfTI upload (compressed or raw bytes) and largest decompressed size accepted. */
export const MAX_SERIES_UPLOAD_BYTES = 256 * 1024 * 1024;
export const MAX_SERIES_VOXEL_BYTES = 1024 * 1024 * 1024;

const PHASES = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED', 'HEPATOBILIARY', 'T2', 'DWI', 'ADC', 'OTHER'] as const;
const TIMEPOINTS = ['BASELINE', 'PRE_TACE', 'POST_TACE', 'FOLLOW_UP', 'OTHER'] as const;
const MODALITIES = ['CT', 'MR', 'US'] as const;

export interface NiftiUploadMeta {
  patientId: string;
  /** Add the series to this study; without it a new study is created. */
  studyId?: string;
  modality?: string;
  timepoint?: string;
  phase?: string;
  /** ISO date of the study. */
  date?: string;
  description?: string;
}

function pick<T extends string>(v: string | undefined, allowed: readonly T[], dflt: T, name: string): T {
  if (v === undefined || v === '') return dflt;
  const u = v.toUpperCase() as T;
  if (!allowed.includes(u)) throw new DomainError('INVALID', `${name} must be one of ${allowed.join(', ')}; got ${v.slice(0, 40)}`);
  return u;
}

/**
 * Imaging upload: a NIfTI volume (.nii or .nii.gz) becomes a Series (geometry read from the header) of a new or
 * existing study of the patient. The decompressed size is bounded (gzip bombs), the file is stored gzip-compressed
 * under `files/series/<id>.nii.gz` with its SHA-256.
 */
export function createImagingService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;
  return {
    async uploadNifti(actor: Actor, meta: NiftiUploadMeta, bytes: Uint8Array) {
      await access.assertPatient(actor, meta.patientId);
      const modality = pick(meta.modality, MODALITIES, 'CT', 'modality');
      const timepoint = pick(meta.timepoint, TIMEPOINTS, 'OTHER', 'timepoint');
      const phase = pick(meta.phase, PHASES, 'OTHER', 'phase');
      if (bytes.length > MAX_SERIES_UPLOAD_BYTES) throw new DomainError('INVALID', `The file is ${bytes.length} bytes; at most ${MAX_SERIES_UPLOAD_BYTES} are accepted`);
      const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
      let raw: Uint8Array = bytes;
      if (gz) {
        try {
          raw = gunzipSync(bytes, { maxOutputLength: MAX_SERIES_VOXEL_BYTES });
        } catch (e) {
          throw new DomainError('INVALID', `The file is not valid gzip or expands beyond ${MAX_SERIES_VOXEL_BYTES} bytes (${(e as Error).message})`);
        }
      }
      let vol;
      try {
        vol = parseNifti(raw, 'upload');
      } catch (e) {
        throw new DomainError('INVALID', `Not a readable NIfTI volume: ${(e as Error).message}`);
      }
      if (meta.studyId) {
        const st = await prisma.study.findUnique({ where: { id: meta.studyId }, select: { patientId: true } });
        if (!st || st.patientId !== meta.patientId) throw new DomainError('NOT_FOUND', `Study ${meta.studyId} is not a study of this patient`);
      }
      const date = meta.date ? new Date(meta.date) : null;
      if (date && Number.isNaN(date.getTime())) throw new DomainError('INVALID', `date ${String(meta.date).slice(0, 40)} is not an ISO date`);
      const stored = gz ? bytes : gzipSync(raw);
      const id = randomUUID();
      const rel = `series/${id}.nii.gz`;
      const root = path.resolve(deps.filesDir);
      await fs.promises.mkdir(path.join(root, 'series'), { recursive: true });
      await fs.promises.writeFile(path.join(root, rel), stored);
      try {
        const series = await prisma.$transaction(async (tx) => {
          const studyId =
            meta.studyId ??
            (await tx.study.create({ data: { patientId: meta.patientId, modality, timepoint, date, description: meta.description?.slice(0, 500) ?? null, origin: 'upload' } })).id;
          return tx.series.create({
            data: {
              id,
              studyId,
              phase,
              description: meta.description?.slice(0, 500) ?? null,
              dims: [...vol.dims],
              spacing: [...vol.spacing],
              origin: [...vol.origin],
              direction: [...vol.direction],
              storageUri: `file:${rel}`,
              format: 'nifti-gz',
              sha256: createHash('sha256').update(stored).digest('hex'),
              sizeBytes: stored.length,
            },
          });
        });
        return { id: series.id, studyId: series.studyId, phase: series.phase, dims: series.dims, spacing: series.spacing, url: seriesUrl(series.id) };
      } catch (e) {
        await fs.promises.rm(path.join(root, rel), { force: true });
        throw e;
      }
    },
  };
}

export type ImagingService = ReturnType<typeof createImagingService>;
