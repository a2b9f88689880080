import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Prisma } from '@hepatoscope/db';
import {
  createDicomwebClient,
  DicomwebError,
  normaliseBaseUrl,
  type DicomwebAuth,
  type DicomwebClient,
  type StudySummary,
} from '@hepatoscope/dicomweb';
import {
  assembleDicomSeries,
  CODES,
  createVolume,
  encodeDicom,
  encodeDicomSeg,
  encodeNifti,
  loadCodecs,
  parseDicomFile,
  parseNifti,
  type DicomFile,
  type Mat3,
  type SegmentInfo,
  type Vec3,
} from '@hepatoscope/imaging-io';
import { MODALITIES, PHASES, type PacsSearchInput, type Timepoint } from '@hepatoscope/domain';
import { DomainError } from '../errors';
import { StorageBatch } from '../storage/atomic-write';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';
import { resolveStorageUri } from './files';
import { seriesUrl } from './mappers';
import type { ReportsService } from './reports';

/**
 * PACS over DICOMweb: search studies (QIDO-RS), import a study (WADO-RS → the DICOM series reader → stored NIfTI
 * series on the right patient), export a segmentation version as DICOM SEG and a structured report as DICOM
 * Encapsulated PDF (STOW-RS).
 *
 * Connection: the admin setting `pacs.dicomweb` (AppSetting) or, when none is saved, the environment
 * (`HEPATOSCOPE_DICOMWEB_URL`, optional `HEPATOSCOPE_DICOMWEB_USERNAME` + `HEPATOSCOPE_DICOMWEB_PASSWORD`, or
 * `HEPATOSCOPE_DICOMWEB_TOKEN`). Secrets are stored server-side and never returned.
 *
 * Import is all-or-nothing per call: every series is fetched and assembled in memory first, files are written
 * under temporary names and renamed, then one transaction creates the patient (if needed), the study and the
 * series; any failure removes the files. Re-importing skips series whose SeriesInstanceUID is already stored.
 */

export const PACS_SETTING_KEY = 'pacs.dicomweb';
export const SOP_SEG = '1.2.840.10008.5.1.4.1.1.66.4';
export const SOP_ENCAPSULATED_PDF = '1.2.840.10008.5.1.4.1.1.104.1';

/** Modalities of series that are not images (skipped on import). */
const NON_IMAGE = new Set(['SEG', 'SR', 'DOC', 'PR', 'KO', 'RTSTRUCT', 'RTPLAN', 'RTDOSE', 'REG', 'OT']);

/** Stored connection settings (the secrets never leave the server). */
export interface PacsSettings {
  url: string;
  auth: DicomwebAuth;
  timeoutMs?: number;
}

/** What an admin sees of the settings. */
export interface PacsSettingsView {
  configured: boolean;
  /** Where the active settings come from. */
  source: 'settings' | 'env' | 'none';
  url: string | null;
  authType: DicomwebAuth['type'];
  username: string | null;
  /** A password or token is stored (never returned). */
  hasSecret: boolean;
  timeoutMs: number;
}

export interface PacsSettingsInput {
  /** DICOMweb root, e.g. `http://pacs:8042/dicom-web`; null removes the saved settings (the environment applies again). */
  url: string | null;
  /** Omitted secret (password/token) keeps the stored one when the auth type is unchanged. */
  auth?: { type: 'none' } | { type: 'basic'; username: string; password?: string } | { type: 'bearer'; token?: string };
  timeoutMs?: number;
}

/** `pacs.searchStudies` input: the zod schema `pacsSearchSchema` of @hepatoscope/domain (shared with the portal's form). */
export type { PacsSearchInput };

const DEFAULT_TIMEOUT_MS = 60_000;

/** `YYYY-MM-DD` → `YYYYMMDD`. */
const isoToDa = (iso: string) => iso.replace(/-/g, '');

/** A DICOM date range for QIDO from ISO bounds (either may be open). */
export function qidoDateRange(from?: string, to?: string): string | undefined {
  if (!from && !to) return undefined;
  for (const d of [from, to]) {
    if (d && !/^\d{4}-\d{2}-\d{2}$/.test(d))
      throw new DomainError('INVALID', `date ${d.slice(0, 20)} is not YYYY-MM-DD`);
  }
  if (from && to && from > to) throw new DomainError('INVALID', `dateFrom ${from} is after dateTo ${to}`);
  if (from && to && from === to) return isoToDa(from);
  return `${from ? isoToDa(from) : ''}-${to ? isoToDa(to) : ''}`;
}

/**
 * A DICOM UID under the 2.25 root from a name (UUID version-5 style: SHA-256 of the name, version and variant bits
 * set), so that exporting the same thing twice yields the same UID.
 */
export function uidFromName(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  return '2.25.' + BigInt('0x' + h.subarray(0, 16).toString('hex')).toString();
}

const dicomDate = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '');
const dicomTime = (d: Date) => d.toISOString().slice(11, 19).replace(/:/g, '');

export interface EncapsulatedPdfMeta {
  patientId: string;
  patientName?: string | null;
  patientBirthDate?: string | null;
  patientSex?: string | null;
  studyInstanceUid: string;
  /** DICOM DA / TM of the study (copied from the PACS so the document joins that study). */
  studyDate?: string | null;
  studyTime?: string | null;
  accessionNumber?: string | null;
  studyId?: string | null;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  documentTitle: string;
  /** When the document content was created. */
  contentDateTime: Date;
  seriesNumber?: number;
  synthetic?: boolean;
}

/**
 * A DICOM Encapsulated PDF Storage object (PS3.3 A.45.1): Patient, General Study, Encapsulated Document Series,
 * General/SC Equipment, Encapsulated Document and SOP Common modules, explicit VR little endian. The PDF goes
 * into EncapsulatedDocument (0042,0011), padded to even length, with its exact length in (0042,0015).
 */
export function buildEncapsulatedPdf(pdf: Uint8Array, m: EncapsulatedPdfMeta): Uint8Array {
  if (pdf.length < 5 || new TextDecoder().decode(pdf.subarray(0, 5)) !== '%PDF-')
    throw new DomainError('INVALID', 'The report rendering is not a PDF');
  const da = (s: string | null | undefined) => (s && /^\d{8}$/.test(s) ? s : '');
  const iso = (s: string | null | undefined) => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? isoToDa(s) : da(s));
  const sex = m.patientSex && ['M', 'F', 'O'].includes(m.patientSex) ? m.patientSex : '';
  const cd = dicomDate(m.contentDateTime);
  const ct = dicomTime(m.contentDateTime);
  return encodeDicom([
    { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 192' },
    { tag: 0x00080016, vr: 'UI', value: SOP_ENCAPSULATED_PDF },
    { tag: 0x00080018, vr: 'UI', value: m.sopInstanceUid },
    { tag: 0x00080020, vr: 'DA', value: iso(m.studyDate) },
    { tag: 0x00080023, vr: 'DA', value: cd },
    { tag: 0x0008002a, vr: 'DT', value: cd + ct },
    { tag: 0x00080030, vr: 'TM', value: (m.studyTime ?? '').replace(/[^0-9.]/g, '').slice(0, 16) },
    { tag: 0x00080033, vr: 'TM', value: ct },
    { tag: 0x00080050, vr: 'SH', value: (m.accessionNumber ?? '').slice(0, 16) },
    { tag: 0x00080060, vr: 'CS', value: 'DOC' },
    { tag: 0x00080064, vr: 'CS', value: 'WSD' },
    { tag: 0x00080070, vr: 'LO', value: 'Hepatoscope' },
    { tag: 0x00080090, vr: 'PN', value: '' },
    { tag: 0x0008103e, vr: 'LO', value: 'Hepatoscope structured report' },
    { tag: 0x00100010, vr: 'PN', value: (m.patientName ?? '').slice(0, 64) },
    { tag: 0x00100020, vr: 'LO', value: m.patientId.slice(0, 64) },
    { tag: 0x00100030, vr: 'DA', value: iso(m.patientBirthDate) },
    { tag: 0x00100040, vr: 'CS', value: sex },
    { tag: 0x0020000d, vr: 'UI', value: m.studyInstanceUid },
    { tag: 0x0020000e, vr: 'UI', value: m.seriesInstanceUid },
    { tag: 0x00200010, vr: 'SH', value: (m.studyId ?? '').slice(0, 16) },
    { tag: 0x00200011, vr: 'IS', value: m.seriesNumber ?? 900 },
    { tag: 0x00200013, vr: 'IS', value: 1 },
    ...(m.synthetic ? [{ tag: 0x00204000, vr: 'LT', value: 'SYNTHETIC PHANTOM - not patient data' }] : []),
    { tag: 0x00280301, vr: 'CS', value: 'YES' },
    { tag: 0x0040a043, vr: 'SQ', value: [] },
    { tag: 0x00420010, vr: 'ST', value: m.documentTitle.slice(0, 1024) },
    { tag: 0x00420011, vr: 'OB', value: pdf },
    { tag: 0x00420012, vr: 'LO', value: 'application/pdf' },
    { tag: 0x00420015, vr: 'UL', value: pdf.length },
  ]);
}

/** SNOMED codes of a segment from its name and the segmentation's structure (liver vs. lesion). */
export function segmentInfoFor(label: number, name: string, structure: string, source: string): SegmentInfo {
  const liver = /liver|leber|foie/i.test(name) || (structure === 'LIVER' && !/lesion|tum|hcc|nodul/i.test(name));
  const algorithmType = source === 'MANUAL' ? 'MANUAL' : source === 'SEMI_AUTO' ? 'SEMIAUTOMATIC' : 'AUTOMATIC';
  return {
    label,
    name: name.slice(0, 64) || `Label ${label}`,
    category: liver ? CODES.anatomicalStructure : CODES.morphologicallyAltered,
    type: liver ? CODES.liver : CODES.neoplasm,
    algorithmType,
    ...(algorithmType !== 'MANUAL' ? { algorithmName: 'hepatoscope' } : {}),
  };
}

/** A DicomwebError as a DomainError with a message a clinician can act on. */
export function pacsError(e: unknown, what: string): DomainError {
  if (e instanceof DomainError) return e;
  if (e instanceof DicomwebError) {
    switch (e.kind) {
      case 'unreachable':
      case 'timeout':
        return new DomainError('UNAVAILABLE', `PACS unreachable while trying to ${what}: ${e.message}`);
      case 'not-found':
        return new DomainError('NOT_FOUND', `${what}: ${e.message}`);
      case 'too-large':
        return new DomainError('INVALID', `${what}: ${e.message}`);
      case 'http':
        return new DomainError('UNAVAILABLE', `The PACS refused to ${what}: ${e.message}`, { status: e.status });
      default:
        return new DomainError('UNAVAILABLE', `The PACS sent an invalid answer while trying to ${what}: ${e.message}`);
    }
  }
  return new DomainError('UNAVAILABLE', `PACS error while trying to ${what}: ${(e as Error)?.message ?? String(e)}`);
}

export interface PacsServiceOptions {
  /** Environment for the fallback settings (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** `fetch` for the DICOMweb client (default the global one). */
  fetch?: typeof fetch;
}

export function createPacsService(
  deps: ResolvedDeps,
  access: Access,
  reports: Pick<ReportsService, 'pdf'>,
  options: PacsServiceOptions = {},
) {
  const { prisma } = deps;
  const env = options.env ?? process.env;

  function envSettings(): PacsSettings | null {
    const url = env.HEPATOSCOPE_DICOMWEB_URL?.trim();
    if (!url) return null;
    const user = env.HEPATOSCOPE_DICOMWEB_USERNAME;
    const token = env.HEPATOSCOPE_DICOMWEB_TOKEN;
    let auth: DicomwebAuth = { type: 'none' };
    if (user) auth = { type: 'basic', username: user, password: env.HEPATOSCOPE_DICOMWEB_PASSWORD ?? '' };
    else if (token) auth = { type: 'bearer', token };
    return { url, auth };
  }

  async function saved(): Promise<PacsSettings | null> {
    const row = await prisma.appSetting.findUnique({ where: { key: PACS_SETTING_KEY } });
    return (row?.value as PacsSettings | null) ?? null;
  }

  async function active(): Promise<{ s: PacsSettings | null; source: PacsSettingsView['source'] }> {
    const s = await saved();
    if (s) return { s, source: 'settings' };
    const e = envSettings();
    return e ? { s: e, source: 'env' } : { s: null, source: 'none' };
  }

  const view = (s: PacsSettings | null, source: PacsSettingsView['source']): PacsSettingsView => ({
    configured: !!s,
    source,
    url: s?.url ?? null,
    authType: s?.auth.type ?? 'none',
    username: s?.auth.type === 'basic' ? s.auth.username : null,
    hasSecret: s?.auth.type === 'basic' ? !!s.auth.password : s?.auth.type === 'bearer' ? !!s.auth.token : false,
    timeoutMs: s?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });

  async function client(): Promise<DicomwebClient> {
    const { s, source } = await active();
    if (!s)
      throw new DomainError(
        'INVALID',
        'No PACS is configured: an administrator sets the DICOMweb URL (pacs.setSettings) or the server sets HEPATOSCOPE_DICOMWEB_URL',
      );
    try {
      return createDicomwebClient({
        baseUrl: s.url,
        auth: s.auth,
        timeoutMs: s.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        fetch: options.fetch,
      });
    } catch (e) {
      const where = source === 'env' ? 'HEPATOSCOPE_DICOMWEB_URL' : 'the PACS settings';
      throw new DomainError('INVALID', `${where}: ${(e as Error).message}`);
    }
  }

  async function call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw pacsError(e, what);
    }
  }

  /** Resolves (or plans the creation of) the patient a PACS study is imported for. */
  async function targetPatient(
    actor: Actor,
    study: StudySummary,
    input: { patientId?: string },
    existing: { id: string; patientId: string } | null,
  ): Promise<{ patientId: string | null; createPseudoId: string | null }> {
    if (input.patientId) {
      await access.assertPatient(actor, input.patientId);
      if (existing && existing.patientId !== input.patientId)
        throw new DomainError('CONFLICT', `Study ${study.studyInstanceUid} was already imported for another patient`);
      return { patientId: input.patientId, createPseudoId: null };
    }
    if (existing) {
      try {
        await access.assertPatient(actor, existing.patientId);
      } catch {
        throw new DomainError(
          'CONFLICT',
          `Study ${study.studyInstanceUid} was already imported for a patient outside your scope`,
        );
      }
      return { patientId: existing.patientId, createPseudoId: null };
    }
    const pid = study.patientId?.trim();
    if (!pid)
      throw new DomainError(
        'INVALID',
        `Study ${study.studyInstanceUid} has no PatientID; pass patientId to choose the patient`,
      );
    const match = await prisma.patient.findUnique({ where: { pseudoId: pid }, select: { id: true } });
    if (!match) return { patientId: null, createPseudoId: pid };
    try {
      await access.assertPatient(actor, match.id);
    } catch {
      throw new DomainError(
        'CONFLICT',
        `PatientID ${pid} belongs to a patient outside your scope; pass patientId of one of your patients or ask for access`,
      );
    }
    return { patientId: match.id, createPseudoId: null };
  }

  return {
    async getSettings(): Promise<PacsSettingsView> {
      const { s, source } = await active();
      return view(s, source);
    },

    async setSettings(actor: Actor, input: PacsSettingsInput): Promise<PacsSettingsView> {
      if (input.url === null) {
        await prisma.appSetting.deleteMany({ where: { key: PACS_SETTING_KEY } });
        const e = envSettings();
        return view(e, e ? 'env' : 'none');
      }
      let url: string;
      try {
        url = normaliseBaseUrl(input.url);
      } catch (e) {
        throw new DomainError('INVALID', (e as Error).message);
      }
      const prev = await saved();
      const a = input.auth ?? { type: 'none' as const };
      let auth: DicomwebAuth;
      if (a.type === 'basic') {
        const password = a.password ?? (prev?.auth.type === 'basic' ? prev.auth.password : undefined);
        if (!a.username) throw new DomainError('INVALID', 'auth.username is required for basic authentication');
        if (password === undefined)
          throw new DomainError('INVALID', 'auth.password is required for basic authentication');
        auth = { type: 'basic', username: a.username, password };
      } else if (a.type === 'bearer') {
        const token = a.token ?? (prev?.auth.type === 'bearer' ? prev.auth.token : undefined);
        if (!token) throw new DomainError('INVALID', 'auth.token is required for bearer authentication');
        auth = { type: 'bearer', token };
      } else auth = { type: 'none' };
      const next: PacsSettings = { url, auth, timeoutMs: input.timeoutMs ?? prev?.timeoutMs };
      await prisma.appSetting.upsert({
        where: { key: PACS_SETTING_KEY },
        create: { key: PACS_SETTING_KEY, value: next as unknown as Prisma.InputJsonValue, updatedById: actor.userId },
        update: { value: next as unknown as Prisma.InputJsonValue, updatedById: actor.userId },
      });
      return view(next, 'settings');
    },

    /** One QIDO-RS request (limit 1): whether the PACS answers with these settings, and how fast. */
    async testConnection(): Promise<{ ok: true; url: string; latencyMs: number }> {
      const c = await client();
      const t0 = performance.now();
      await call('answer a test query', () => c.searchStudies({}, { limit: 1 }));
      return { ok: true, url: c.baseUrl, latencyMs: Math.round(performance.now() - t0) };
    },

    /**
     * QIDO-RS study search, paged (limit = pageSize + 1 tells whether there is a next page; QIDO has no total).
     * `importedStudyId` is set when the study is already stored for a patient in the caller's scope.
     */
    async searchStudies(actor: Actor, input: PacsSearchInput) {
      const c = await client();
      const name = input.patientName?.trim();
      const query = {
        PatientID: input.patientId?.trim() || undefined,
        PatientName: name ? (/[*?]/.test(name) ? name : `${name}*`) : undefined,
        StudyDate: qidoDateRange(input.dateFrom, input.dateTo),
        ModalitiesInStudy: input.modality || undefined,
        AccessionNumber: input.accessionNumber?.trim() || undefined,
      };
      const rows = await call('search studies', () =>
        c.searchStudies(query, { limit: input.pageSize + 1, offset: (input.page - 1) * input.pageSize }),
      );
      const page = rows.slice(0, input.pageSize);
      const uids = page.map((s) => s.studyInstanceUid);
      const [inScope, anyImported] = uids.length
        ? await Promise.all([
            prisma.study.findMany({
              where: { studyInstanceUid: { in: uids }, patient: await access.scope(actor) },
              select: { id: true, studyInstanceUid: true, patientId: true },
            }),
            prisma.study.findMany({ where: { studyInstanceUid: { in: uids } }, select: { studyInstanceUid: true } }),
          ])
        : [[], []];
      const mine = new Map(inScope.map((s) => [s.studyInstanceUid, s]));
      const imported = new Set(anyImported.map((s) => s.studyInstanceUid));
      return {
        items: page.map((s) => ({
          ...s,
          imported: imported.has(s.studyInstanceUid),
          importedStudyId: mine.get(s.studyInstanceUid)?.id ?? null,
          importedPatientId: mine.get(s.studyInstanceUid)?.patientId ?? null,
        })),
        page: input.page,
        pageSize: input.pageSize,
        hasMore: rows.length > input.pageSize,
      };
    },

    /**
     * Import a PACS study: every image series (WADO-RS) → the DICOM series reader → a stored NIfTI series of the
     * patient (given, or matched by PatientID = pseudoId in the caller's scope, or created with a care assignment
     * to the caller). Idempotent: series already stored (by SeriesInstanceUID) are skipped.
     */
    async importStudy(actor: Actor, input: { studyInstanceUid: string; patientId?: string; timepoint?: Timepoint }) {
      const c = await client();
      const uid = input.studyInstanceUid;
      const study = await call(`find study ${uid}`, () => c.findStudy(uid));
      if (!study) throw new DomainError('NOT_FOUND', `Study ${uid} was not found in the PACS`);
      const existing = await prisma.study.findUnique({
        where: { studyInstanceUid: uid },
        select: { id: true, patientId: true },
      });
      const target = await targetPatient(actor, study, input, existing);
      const seriesList = await call(`list the series of study ${uid}`, () => c.searchSeries(uid));
      const stored = await prisma.series.findMany({
        where: { seriesInstanceUid: { in: seriesList.map((s) => s.seriesInstanceUid) } },
        select: { id: true, seriesInstanceUid: true },
      });
      const storedBy = new Map(stored.map((s) => [s.seriesInstanceUid, s.id]));
      const skipped: Array<{ seriesInstanceUid: string; modality: string | null; reason: string; seriesId?: string }> =
        [];
      const failed: Array<{ seriesInstanceUid: string; error: string }> = [];
      type Ready = {
        id: string;
        seriesInstanceUid: string;
        phase: (typeof PHASES)[number];
        description: string | null;
        modality: string | null;
        dims: number[];
        spacing: number[];
        origin: number[];
        direction: number[];
        gz: Uint8Array;
        instances: number;
        synthetic: boolean;
      };
      const ready: Ready[] = [];
      for (const s of seriesList) {
        const modality = s.modality?.toUpperCase() ?? null;
        if (modality && NON_IMAGE.has(modality)) {
          skipped.push({
            seriesInstanceUid: s.seriesInstanceUid,
            modality,
            reason: `not an image series (modality ${modality})`,
          });
          continue;
        }
        const have = storedBy.get(s.seriesInstanceUid);
        if (have) {
          skipped.push({
            seriesInstanceUid: s.seriesInstanceUid,
            modality,
            reason: 'already imported',
            seriesId: have,
          });
          continue;
        }
        const bytes = await call(`retrieve series ${s.seriesInstanceUid}`, () =>
          c.retrieveSeries(uid, s.seriesInstanceUid),
        );
        try {
          const files: DicomFile[] = bytes.map((b, i) => parseDicomFile(b, `${s.seriesInstanceUid}#${i + 1}`));
          await loadCodecs(files.map((f) => f.transferSyntax));
          const vol = assembleDicomSeries(files, { unevenSpacing: 'warn', duplicates: 'first' });
          const ph = vol.metadata.phase as string | undefined;
          ready.push({
            id: randomUUID(),
            seriesInstanceUid: s.seriesInstanceUid,
            phase: ph && (PHASES as readonly string[]).includes(ph) ? (ph as (typeof PHASES)[number]) : 'OTHER',
            description: (vol.metadata.seriesDescription as string | undefined) ?? s.description,
            modality: (vol.metadata.modality as string | undefined) ?? modality,
            dims: [...vol.dims],
            spacing: [...vol.spacing],
            origin: [...vol.origin],
            direction: [...vol.direction],
            gz: gzipSync(encodeNifti(vol)),
            instances: bytes.length,
            synthetic: vol.metadata.synthetic === true,
          });
        } catch (e) {
          failed.push({ seriesInstanceUid: s.seriesInstanceUid, error: (e as Error).message.slice(0, 300) });
        }
      }
      if (!ready.length && !existing) {
        if (failed.length)
          throw new DomainError(
            'INVALID',
            `No series of study ${uid} could be assembled: ${failed
              .map((f) => f.error)
              .join('; ')
              .slice(0, 500)}`,
            { failed },
          );
        throw new DomainError('INVALID', `Study ${uid} holds no image series to import`, { skipped });
      }

      // Files first (atomic: temporary name, fsync, rename), then one transaction; any failure removes the files.
      // A full or read-only data directory is the STORAGE_UNAVAILABLE DomainError (see StorageBatch).
      const batch = new StorageBatch(deps.filesDir);
      let created;
      try {
        for (const r of ready) await batch.write(`series/${r.id}.nii.gz`, r.gz);
        const modality = ready
          .map((r) => r.modality)
          .find((m) => (MODALITIES as readonly string[]).includes(m ?? '')) as (typeof MODALITIES)[number] | undefined;
        const synthetic = ready.some((r) => r.synthetic);
        created = await prisma.$transaction(async (tx) => {
          let patientId = target.patientId;
          let patientCreated = false;
          if (!patientId) {
            const sex = { M: 'MALE', F: 'FEMALE', O: 'OTHER' }[study.patientSex ?? ''] as
              'MALE' | 'FEMALE' | 'OTHER' | undefined;
            patientId = (
              await tx.patient.create({
                data: {
                  pseudoId: target.createPseudoId!,
                  sourceDataset: 'dicomweb',
                  sourceId: target.createPseudoId,
                  sex: sex ?? 'UNKNOWN',
                },
              })
            ).id;
            patientCreated = true;
            if (actor.role === 'CLINICIAN')
              await tx.careAssignment.create({ data: { userId: actor.userId, patientId } });
          }
          const studyId =
            existing?.id ??
            (
              await tx.study.create({
                data: {
                  patientId,
                  studyInstanceUid: uid,
                  modality: modality ?? 'CT',
                  timepoint: input.timepoint ?? 'OTHER',
                  date: study.studyDate ? new Date(`${study.studyDate}T00:00:00Z`) : null,
                  description: study.description?.slice(0, 500) ?? null,
                  origin: 'dicomweb',
                  synthetic,
                },
              })
            ).id;
          const rows = [];
          for (const r of ready) {
            rows.push(
              await tx.series.create({
                data: {
                  id: r.id,
                  studyId,
                  phase: r.phase,
                  description: r.description?.slice(0, 500) ?? null,
                  seriesInstanceUid: r.seriesInstanceUid,
                  dims: r.dims,
                  spacing: r.spacing,
                  origin: r.origin,
                  direction: r.direction,
                  storageUri: `file:series/${r.id}.nii.gz`,
                  format: 'nifti-gz',
                  sha256: createHash('sha256').update(r.gz).digest('hex'),
                  sizeBytes: r.gz.length,
                  synthetic: r.synthetic,
                },
              }),
            );
          }
          return { patientId, patientCreated, studyId, rows };
        });
      } catch (e) {
        await batch.rollback();
        if ((e as { code?: string }).code === 'P2002')
          throw new DomainError(
            'CONFLICT',
            `Study ${uid} was imported concurrently by another request; retry to pick up what is missing`,
          );
        throw e;
      }
      return {
        patientId: created.patientId,
        patientCreated: created.patientCreated,
        studyId: created.studyId,
        studyInstanceUid: uid,
        series: created.rows.map((s, i) => ({
          id: s.id,
          seriesInstanceUid: s.seriesInstanceUid!,
          phase: s.phase,
          description: s.description,
          dims: s.dims,
          spacing: s.spacing,
          instances: ready[i]!.instances,
          url: seriesUrl(s.id),
        })),
        skipped,
        failed,
      };
    },

    /**
     * A segmentation version as a BINARY DICOM SEG referencing its source series (retrieved from the PACS for the
     * reference instances), stored with STOW-RS into the source study.
     */
    async exportSegmentation(actor: Actor, input: { segmentationId: string }) {
      const seg = await prisma.segmentation.findUnique({
        where: { id: input.segmentationId },
        include: { series: { include: { study: { select: { patientId: true, studyInstanceUid: true } } } } },
      });
      if (!seg) throw new DomainError('NOT_FOUND', `Segmentation ${input.segmentationId} was not found`);
      await access.assertPatient(actor, seg.series.study.patientId);
      const series = seg.series;
      const studyUid = series.study.studyInstanceUid;
      if (!series.seriesInstanceUid || !studyUid)
        throw new DomainError(
          'INVALID',
          `Series ${series.id} has no DICOM Study/SeriesInstanceUID (it was not imported from DICOM), so a DICOM SEG cannot reference it`,
        );
      const c = await client();
      const refs = await call(`retrieve the source series ${series.seriesInstanceUid}`, () =>
        c.retrieveSeries(studyUid, series.seriesInstanceUid!),
      );
      let mask;
      try {
        const raw = await fs.promises.readFile(resolveStorageUri(deps.filesDir, seg.maskUri));
        mask = parseNifti(raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw, 'mask');
      } catch (e) {
        throw new DomainError(
          'UNAVAILABLE',
          `The mask of segmentation ${seg.id} cannot be read: ${(e as Error).message}`,
        );
      }
      if (mask.dims.some((d, i) => d !== series.dims[i]))
        throw new DomainError(
          'INVALID',
          `The mask grid ${mask.dims.join('×')} differs from the series grid ${series.dims.join('×')}`,
        );
      // The series geometry from the database (double precision) with the mask's labels.
      const labelmap = createVolume({
        data: mask.data,
        dims: mask.dims,
        spacing: series.spacing as unknown as Vec3,
        origin: series.origin as unknown as Vec3,
        direction: series.direction as unknown as Mat3,
        metadata: { synthetic: series.synthetic },
      });
      const named = Object.entries((seg.labels ?? {}) as Record<string, unknown>)
        .map(([k, v]) => [Number(k), String(v)] as const)
        .filter(([k]) => Number.isInteger(k) && k > 0);
      const present = new Set<number>();
      const data = mask.data as ArrayLike<number>;
      for (let i = 0; i < data.length; i++) if (data[i]! > 0 && present.size < 256) present.add(data[i]!);
      const labels = new Map<number, string>(named);
      for (const l of present) if (!labels.has(l)) labels.set(l, `Label ${l}`);
      if (!labels.size) throw new DomainError('INVALID', `Segmentation ${seg.id} has no labels to export`);
      const segments = [...labels.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([l, n]) => segmentInfoFor(l, n, seg.structure, seg.source));
      let bytes: Uint8Array;
      try {
        bytes = encodeDicomSeg(labelmap, segments, refs, {
          seriesDescription: `Hepatoscope ${seg.structure.toLowerCase()} segmentation v${seg.version} (${seg.status.toLowerCase()})${series.synthetic ? ' synthetic' : ''}`,
          seriesNumber: 300 + Math.min(seg.version, 99),
        });
      } catch (e) {
        throw new DomainError(
          'INVALID',
          `The segmentation cannot be encoded against the PACS series: ${(e as Error).message}`,
        );
      }
      const ds = parseDicomFile(bytes, 'seg').dataSet;
      const result = await call(`store the DICOM SEG in study ${studyUid}`, () => c.store([bytes], studyUid));
      if (result.failed.length || !result.stored.length)
        throw new DomainError(
          'UNAVAILABLE',
          `The PACS did not store the DICOM SEG (failure reason ${result.failed[0]?.reason ?? 'unknown'})`,
        );
      return {
        segmentationId: seg.id,
        studyInstanceUid: studyUid,
        referencedSeriesInstanceUid: series.seriesInstanceUid,
        seriesInstanceUid: ds.string('x0020000e') ?? '',
        sopInstanceUid: ds.string('x00080018') ?? '',
        sopClassUid: SOP_SEG,
        frames: Number(ds.string('x00280008') ?? 0),
        // dcmjs numbers segments 1..n in the order given (sorted by label value here)
        segments: segments.map((s, i) => ({ number: i + 1, label: s.label, name: s.name })),
        bytes: bytes.length,
        status: result.status,
      };
    },

    /**
     * A structured report as DICOM Encapsulated PDF in one of the patient's DICOM studies (the given one, or the most
     * recent) — patient and study attributes copied from the PACS so the document joins that study. The UIDs
     * derive from the report and the study, so exporting again replaces rather than duplicates.
     */
    async exportReport(actor: Actor, input: { reportId: string; studyInstanceUid?: string }) {
      const pdf = await reports.pdf(actor, input.reportId); // scope check inside
      const report = await prisma.report.findUnique({
        where: { id: input.reportId },
        select: { id: true, sha256: true, kind: true, createdAt: true, patient: { select: { pseudoId: true } } },
      });
      if (!report) throw new DomainError('NOT_FOUND', `Report ${input.reportId} was not found`);
      const study = await prisma.study.findFirst({
        where: {
          patientId: pdf.patientId,
          ...(input.studyInstanceUid
            ? { studyInstanceUid: input.studyInstanceUid }
            : { studyInstanceUid: { not: null } }),
        },
        orderBy: [{ date: { sort: 'desc', nulls: 'last' } }, { createdAt: 'desc' }],
        select: { studyInstanceUid: true, synthetic: true },
      });
      if (!study?.studyInstanceUid)
        throw new DomainError(
          input.studyInstanceUid ? 'NOT_FOUND' : 'INVALID',
          input.studyInstanceUid
            ? `Study ${input.studyInstanceUid} is not a study of this patient`
            : 'The patient has no DICOM study to attach the report to; import one from the PACS first',
        );
      const studyUid = study.studyInstanceUid;
      const c = await client();
      const pacsStudy = await call(`find study ${studyUid}`, () => c.findStudy(studyUid));
      if (!pacsStudy) throw new DomainError('NOT_FOUND', `Study ${studyUid} is not in the PACS`);
      const sopInstanceUid = uidFromName(`hepatoscope:report:${report.id}:${report.sha256}:${studyUid}`);
      const seriesInstanceUid = uidFromName(`hepatoscope:report-series:${studyUid}`);
      const bytes = buildEncapsulatedPdf(pdf.bytes, {
        patientId: pacsStudy.patientId ?? report.patient.pseudoId,
        patientName: pacsStudy.patientName,
        patientBirthDate: pacsStudy.patientBirthDate,
        patientSex: pacsStudy.patientSex,
        studyInstanceUid: studyUid,
        studyDate: pacsStudy.studyDate,
        studyTime: pacsStudy.studyTime,
        accessionNumber: pacsStudy.accessionNumber,
        studyId: pacsStudy.studyId,
        seriesInstanceUid,
        sopInstanceUid,
        documentTitle: `Hepatoscope ${report.kind} report ${report.patient.pseudoId}`,
        contentDateTime: report.createdAt,
        synthetic: study.synthetic,
      });
      const result = await call(`store the report in study ${studyUid}`, () => c.store([bytes], studyUid));
      if (result.failed.length || !result.stored.length)
        throw new DomainError(
          'UNAVAILABLE',
          `The PACS did not store the report (failure reason ${result.failed[0]?.reason ?? 'unknown'})`,
        );
      return {
        reportId: report.id,
        patientId: pdf.patientId,
        studyInstanceUid: studyUid,
        seriesInstanceUid,
        sopInstanceUid,
        sopClassUid: SOP_ENCAPSULATED_PDF,
        pdfBytes: pdf.bytes.length,
        bytes: bytes.length,
        status: result.status,
      };
    },
  };
}

export type PacsService = ReturnType<typeof createPacsService>;
