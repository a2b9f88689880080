import * as path from 'node:path';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';

/**
 * Resolve a storage URI `file:<relative path>` to an absolute path strictly inside `filesDir`.
 * Rejects absolute paths, `..` segments, NUL bytes and anything whose resolved path escapes the root.
 */
export function resolveStorageUri(filesDir: string, uri: string): string {
  if (!uri.startsWith('file:')) throw new DomainError('INVALID', `Unsupported storage URI ${uri.slice(0, 40)}`);
  const rel = uri.slice('file:'.length);
  if (!rel || rel.includes('\0') || path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) {
    throw new DomainError('FORBIDDEN', 'Storage path escapes the data directory');
  }
  const root = path.resolve(filesDir);
  const abs = path.resolve(root, rel);
  if (abs !== root && !abs.startsWith(root + path.sep))
    throw new DomainError('FORBIDDEN', 'Storage path escapes the data directory');
  return abs;
}

export interface FileRef {
  absPath: string;
  sha256: string;
  /** Suggested download name. */
  fileName: string;
  contentType: string;
  patientId: string;
}

/** Files behind `/api/files/series/:id` and `/api/files/segmentations/:id`, with the patient access check. */
export function createFilesService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;
  const ct = (format: string) => (format === 'nifti-gz' ? 'application/gzip' : 'application/octet-stream');
  return {
    async series(actor: Actor, id: string): Promise<FileRef> {
      const s = await prisma.series.findUnique({
        where: { id },
        select: { storageUri: true, sha256: true, format: true, study: { select: { patientId: true } } },
      });
      if (!s) throw new DomainError('NOT_FOUND', `Series ${id} was not found`);
      await access.assertPatient(actor, s.study.patientId);
      const ext = s.format === 'nifti-gz' ? '.nii.gz' : s.format === 'nifti' ? '.nii' : `.${s.format}`;
      return {
        absPath: resolveStorageUri(deps.filesDir, s.storageUri),
        sha256: s.sha256,
        fileName: `series-${id}${ext}`,
        contentType: ct(s.format),
        patientId: s.study.patientId,
      };
    },
    async segmentation(actor: Actor, id: string): Promise<FileRef> {
      const g = await prisma.segmentation.findUnique({
        where: { id },
        select: { maskUri: true, sha256: true, series: { select: { study: { select: { patientId: true } } } } },
      });
      if (!g) throw new DomainError('NOT_FOUND', `Segmentation ${id} was not found`);
      await access.assertPatient(actor, g.series.study.patientId);
      const gz = g.maskUri.endsWith('.gz');
      return {
        absPath: resolveStorageUri(deps.filesDir, g.maskUri),
        sha256: g.sha256,
        fileName: `segmentation-${id}${gz ? '.nii.gz' : '.nii'}`,
        contentType: gz ? 'application/gzip' : 'application/octet-stream',
        patientId: g.series.study.patientId,
      };
    },
  };
}

export type FilesService = ReturnType<typeof createFilesService>;
