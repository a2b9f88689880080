import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { assembleDicomSeries, encodeNifti, parseDicomFile, parseNifti, type DicomFile } from '@hepatoscope/imaging-io';
import { MODALITIES, PHASES, TIMEPOINTS } from '@hepatoscope/domain';
import { DomainError } from '../errors';
import { withStoredFiles } from '../storage/atomic-write';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';
import { seriesUrl } from './mappers';

/** Largest NIfTI upload (compressed or raw bytes) and largest decompressed size accepted. */
export const MAX_SERIES_UPLOAD_BYTES = 256 * 1024 * 1024;
export const MAX_SERIES_VOXEL_BYTES = 1024 * 1024 * 1024;

/** DICOM zip limits: entries, bytes per entry and in total (declared sizes; fflate inflates into buffers of exactly that size). */
export const MAX_ZIP_ENTRIES = 5000;
/** Largest zip upload (compressed). */
export const MAX_DICOM_ZIP_BYTES = 512 * 1024 * 1024;
export const MAX_ZIP_ENTRY_BYTES = 64 * 1024 * 1024;
export const MAX_ZIP_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;

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

/** Free text for the database: control characters (NUL breaks PostgreSQL text) dropped, at most 500 characters. */
function text(s: string | null | undefined): string | null {
  // eslint-disable-next-line no-control-regex
  return s == null ? null : s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').slice(0, 500);
}

function pick<T extends string>(v: string | undefined, allowed: readonly T[], dflt: T, name: string): T {
  if (v === undefined || v === '') return dflt;
  const u = v.toUpperCase() as T;
  if (!allowed.includes(u))
    throw new DomainError('INVALID', `${name} must be one of ${allowed.join(', ')}; got ${v.slice(0, 40)}`);
  return u;
}

/**
 * The entries of an uploaded zip (directories dropped), within the limits: at most {@link MAX_ZIP_ENTRIES} entries,
 * {@link MAX_ZIP_ENTRY_BYTES} per entry and {@link MAX_ZIP_TOTAL_BYTES} in all (declared sizes, checked before anything
 * is inflated; fflate inflates into buffers of exactly the declared size, so a lying header cannot expand further).
 * Entry names are returned as keys only — callers never use them as paths. Unreadable or refused archives throw a
 * DomainError INVALID naming the reason.
 */
export function unzipDicomArchive(zip: Uint8Array): Record<string, Uint8Array> {
  let entries = 0;
  let total = 0;
  let refused: string | null = null;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        if (f.name.endsWith('/')) return false;
        entries++;
        total += f.originalSize;
        if (entries > MAX_ZIP_ENTRIES) refused ??= `more than ${MAX_ZIP_ENTRIES} entries`;
        else if (f.originalSize > MAX_ZIP_ENTRY_BYTES)
          refused ??= `entry ${f.name.slice(0, 80)} expands to ${f.originalSize} bytes (at most ${MAX_ZIP_ENTRY_BYTES})`;
        else if (total > MAX_ZIP_TOTAL_BYTES)
          refused ??= `the archive expands to more than ${MAX_ZIP_TOTAL_BYTES} bytes`;
        return refused === null;
      },
    });
  } catch (e) {
    throw new DomainError('INVALID', `Not a readable zip archive: ${(e as Error).message}`);
  }
  if (refused) throw new DomainError('INVALID', `Archive refused: ${refused}`);
  return files;
}

/**
 * Imaging upload: a NIfTI volume (.nii or .nii.gz) becomes a Series (geometry read from the header) of a new or
 * existing study of the patient. The decompressed size is bounded (gzip bombs), the file is stored gzip-compressed
 * under `files/series/<id>.nii.gz` with its SHA-256.
 */
export function createImagingService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;
  /**
   * Stores the series of one upload: every file first (atomically, see {@link StorageBatch}), then one transaction
   * that resolves or creates the study and creates every Series row. Any failure (full disk, a duplicate DICOM
   * series, a database error) removes every file of the upload and leaves no row: nothing half-written remains.
   */
  async function storeSeries(
    meta: NiftiUploadMeta,
    studyIdIn: string | undefined,
    items: Array<{
      phase: (typeof PHASES)[number];
      vol: ReturnType<typeof parseNifti>;
      stored: Uint8Array;
      modality?: string;
      extra?: { description?: string | null; seriesInstanceUid?: string | null; studyInstanceUid?: string | null };
    }>,
  ) {
    const rows = items.map((it) => ({ ...it, id: randomUUID(), extra: it.extra ?? {} }));
    const relOf = (id: string) => `series/${id}.nii.gz`;
    try {
      return await withStoredFiles(
        deps.filesDir,
        async (batch) => {
          for (const r of rows) await batch.write(relOf(r.id), r.stored);
        },
        () =>
          prisma.$transaction(async (tx) => {
            const first = rows[0]!;
            let studyId = studyIdIn;
            if (!studyId && first.extra.studyInstanceUid)
              studyId = (
                await tx.study.findUnique({
                  where: { studyInstanceUid: first.extra.studyInstanceUid },
                  select: { id: true },
                })
              )?.id;
            if (!studyId) {
              const date = meta.date ? new Date(meta.date) : null;
              studyId = (
                await tx.study.create({
                  data: {
                    patientId: meta.patientId,
                    modality: pick(first.modality ?? meta.modality, MODALITIES, 'CT', 'modality'),
                    timepoint: pick(meta.timepoint, TIMEPOINTS, 'OTHER', 'timepoint'),
                    date,
                    description: text(meta.description),
                    origin: 'upload',
                    studyInstanceUid: first.extra.studyInstanceUid ?? null,
                  },
                })
              ).id;
            }
            const created = [];
            for (const r of rows)
              created.push(
                await tx.series.create({
                  data: {
                    id: r.id,
                    studyId,
                    phase: r.phase,
                    description: text(r.extra.description ?? meta.description),
                    seriesInstanceUid: r.extra.seriesInstanceUid ?? null,
                    dims: [...r.vol.dims],
                    spacing: [...r.vol.spacing],
                    origin: [...r.vol.origin],
                    direction: [...r.vol.direction],
                    storageUri: `file:${relOf(r.id)}`,
                    format: 'nifti-gz',
                    sha256: createHash('sha256').update(r.stored).digest('hex'),
                    sizeBytes: r.stored.length,
                  },
                }),
              );
            return created;
          }),
      );
    } catch (e) {
      if ((e as { code?: string }).code === 'P2002')
        throw new DomainError('CONFLICT', 'This DICOM series was already imported');
      throw e;
    }
  }

  return {
    /**
     * A zip of DICOM files (one study; any number of series): every image series becomes a Series (NIfTI-gz,
     * geometry and HU from the DICOM reader, contrast phase from the tags when detectable). Limits: entries, bytes per
     * entry and in total (zip bombs); entry names are never used as paths. Non-DICOM entries are skipped and reported.
     */
    async uploadDicomZip(actor: Actor, meta: NiftiUploadMeta, zip: Uint8Array) {
      await access.assertPatient(actor, meta.patientId);
      if (meta.studyId) {
        const st = await prisma.study.findUnique({ where: { id: meta.studyId }, select: { patientId: true } });
        if (!st || st.patientId !== meta.patientId)
          throw new DomainError('NOT_FOUND', `Study ${meta.studyId} is not a study of this patient`);
      }
      const files = unzipDicomArchive(zip);
      const parsed: DicomFile[] = [];
      const skipped: string[] = [];
      for (const [name, bytes] of Object.entries(files)) {
        try {
          parsed.push(parseDicomFile(bytes, name));
        } catch {
          skipped.push(name.slice(0, 120));
        }
      }
      if (!parsed.length)
        throw new DomainError('INVALID', `The archive holds no DICOM files (${skipped.length} other entries)`);
      const bySeries = new Map<string, DicomFile[]>();
      for (const f of parsed) {
        const uid = f.dataSet.string('x0020000e') ?? 'unknown';
        (bySeries.get(uid) ?? bySeries.set(uid, []).get(uid)!).push(f);
      }
      const created: Array<{
        id: string;
        studyId: string;
        phase: string;
        dims: number[];
        spacing: number[];
        url: string;
        seriesInstanceUid: string | null;
      }> = [];
      const failed: Array<{ seriesInstanceUid: string; error: string }> = [];
      const ready: Parameters<typeof storeSeries>[2] = [];
      for (const [uid, group] of bySeries) {
        let vol;
        try {
          vol = assembleDicomSeries(group, { unevenSpacing: 'warn', duplicates: 'first' });
        } catch (e) {
          failed.push({ seriesInstanceUid: uid, error: (e as Error).message.slice(0, 300) });
          continue;
        }
        const phase =
          vol.metadata.phase && (PHASES as readonly string[]).includes(vol.metadata.phase)
            ? (vol.metadata.phase as (typeof PHASES)[number])
            : pick(meta.phase, PHASES, 'OTHER', 'phase');
        const dm = String(vol.metadata.modality ?? '');
        ready.push({
          phase,
          vol,
          stored: gzipSync(encodeNifti(vol)),
          modality: meta.modality ?? ((MODALITIES as readonly string[]).includes(dm) ? dm : undefined),
          extra: {
            description: vol.metadata.seriesDescription ?? null,
            seriesInstanceUid: uid === 'unknown' ? null : uid,
            studyInstanceUid: vol.metadata.studyInstanceUid ?? null,
          },
        });
      }
      if (ready.length)
        for (const s of await storeSeries(meta, meta.studyId, ready))
          created.push({
            id: s.id,
            studyId: s.studyId,
            phase: s.phase,
            dims: s.dims,
            spacing: s.spacing,
            url: seriesUrl(s.id),
            seriesInstanceUid: s.seriesInstanceUid,
          });
      if (!created.length)
        throw new DomainError(
          'INVALID',
          `No series could be assembled: ${failed
            .map((f) => f.error)
            .join('; ')
            .slice(0, 500)}`,
          { failed },
        );
      return { studyId: created[0]!.studyId, series: created, failed, skippedEntries: skipped.length };
    },

    async uploadNifti(actor: Actor, meta: NiftiUploadMeta, bytes: Uint8Array) {
      await access.assertPatient(actor, meta.patientId);
      const modality = pick(meta.modality, MODALITIES, 'CT', 'modality');
      const timepoint = pick(meta.timepoint, TIMEPOINTS, 'OTHER', 'timepoint');
      const phase = pick(meta.phase, PHASES, 'OTHER', 'phase');
      if (bytes.length > MAX_SERIES_UPLOAD_BYTES)
        throw new DomainError(
          'INVALID',
          `The file is ${bytes.length} bytes; at most ${MAX_SERIES_UPLOAD_BYTES} are accepted`,
        );
      const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
      let raw: Uint8Array = bytes;
      if (gz) {
        try {
          raw = gunzipSync(bytes, { maxOutputLength: MAX_SERIES_VOXEL_BYTES });
        } catch (e) {
          throw new DomainError(
            'INVALID',
            `The file is not valid gzip or expands beyond ${MAX_SERIES_VOXEL_BYTES} bytes (${(e as Error).message})`,
          );
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
        if (!st || st.patientId !== meta.patientId)
          throw new DomainError('NOT_FOUND', `Study ${meta.studyId} is not a study of this patient`);
      }
      const date = meta.date ? new Date(meta.date) : null;
      if (date && Number.isNaN(date.getTime()))
        throw new DomainError('INVALID', `date ${String(meta.date).slice(0, 40)} is not an ISO date`);
      const stored = gz ? bytes : gzipSync(raw);
      const [series] = await storeSeries({ ...meta, modality, timepoint }, meta.studyId, [{ phase, vol, stored }]);
      return {
        id: series!.id,
        studyId: series!.studyId,
        phase: series!.phase,
        dims: series!.dims,
        spacing: series!.spacing,
        url: seriesUrl(series!.id),
      };
    },
  };
}

export type ImagingService = ReturnType<typeof createImagingService>;
