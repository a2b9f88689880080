/**
 * De-identified exports: cohort / patient tables as CSV with keyed pseudonyms, and a series as de-identified DICOM.
 *
 * Pseudonyms: `HS-` + the first 16 hex digits of HMAC-SHA256(key, "patient:" + patient id) — stable for one key, not
 * reversible without it, unrelated to the pseudoId shown in the portal (which may be a source id such as an MRN that a
 * CSV import mapped). Per-patient date shift for DICOM: 1–365 days back, also from the HMAC.
 * Key: `HEPATOSCOPE_PSEUDONYM_KEY` (≥ 32 characters). Without it, when `HEPATOSCOPE_ENV=production`, every export
 * answers UNAVAILABLE naming the variable; otherwise (the embedded default) a key is generated once and stored in
 * `<data dir>/pseudonym-key` (mode 0600) next to `files/`, so pseudonyms stay stable across restarts of one install.
 *
 * CSV columns ({@link CSV_COLUMNS}): clinical fields, outcomes, the cohort split and (optionally) the radiomics
 * features of the patient's most recent feature set. Never exported: pseudoId, source ids, centre, dates, `extra`
 * (free columns of CSV imports, where names/MRNs/birth dates would land), user names. Age is capped at 90
 * (HIPAA Safe Harbor). Text cells that a spreadsheet would run as a formula (`= + - @`) are prefixed with `'`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { deidentifyDicom, encodeDicomSeries, parseNifti } from '@hepatoscope/imaging-io';
import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import type { Access } from './access';
import { resolveStorageUri } from './files';

/** Largest series exported as DICOM through the API (voxel bytes; the zip travels base64 in JSON). */
export const MAX_DICOM_EXPORT_BYTES = 96 * 1024 * 1024;

/**
 * The pseudonym key: `env.HEPATOSCOPE_PSEUDONYM_KEY`; in production (`HEPATOSCOPE_ENV=production`) it is required;
 * otherwise generated once into `<dirname(filesDir)>/pseudonym-key` (0600).
 */
export function resolvePseudonymKey(filesDir: string, env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.HEPATOSCOPE_PSEUDONYM_KEY?.trim();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new DomainError('UNAVAILABLE', 'HEPATOSCOPE_PSEUDONYM_KEY must be at least 32 characters');
    return fromEnv;
  }
  if (env.HEPATOSCOPE_ENV === 'production') {
    throw new DomainError(
      'UNAVAILABLE',
      'Exports need HEPATOSCOPE_PSEUDONYM_KEY (at least 32 random characters) in production; it is not set',
    );
  }
  const file = path.join(path.dirname(path.resolve(filesDir)), 'pseudonym-key');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new DomainError('UNAVAILABLE', `Cannot read the pseudonym key ${file}: ${(e as Error).message}`);
  }
  const key = randomBytes(32).toString('base64url');
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // another process may have created it first: use theirs
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw new DomainError('UNAVAILABLE', `Cannot store a generated pseudonym key in ${file}: ${(e as Error).message}`);
  }
  return key;
}

const hmac = (key: string, msg: string) => createHmac('sha256', key).update(msg).digest();

/** The export pseudonym of a patient (by database id). */
export function pseudonymFor(key: string, patientId: string): string {
  return 'HS-' + hmac(key, `patient:${patientId}`).subarray(0, 8).toString('hex').toUpperCase();
}

/** Whole days (1–365) by which a patient's DICOM dates are shifted back. */
export function dateShiftFor(key: string, patientId: string): number {
  return 1 + (hmac(key, `dateshift:${patientId}`).readUInt32BE(0) % 365);
}

/** One CSV cell: quoted when needed; text that a spreadsheet would evaluate is prefixed with `'`. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Patient fields exported (besides the pseudonym, the split and features). */
export const CSV_COLUMNS = [
  'sex',
  'age',
  'aetiology',
  'cirrhosis',
  'childPugh',
  'childPughScore',
  'bclc',
  'ecog',
  'tumourCount',
  'maxTumourDiameterMm',
  'vascularInvasion',
  'portalVeinThrombosis',
  'extrahepaticSpread',
  'afp',
  'bilirubin',
  'albumin',
  'platelets',
  'inr',
  'alt',
  'ast',
  'osMonths',
  'osEvent',
  'rfsMonths',
  'rfsEvent',
  'taceResponse',
] as const;

const PATIENT_SELECT = Object.fromEntries([['id', true], ...CSV_COLUMNS.map((c) => [c, true])]) as Record<string, true>;
const BCLC_LABEL: Record<string, string> = { STAGE_0: '0', A: 'A', B: 'B', C: 'C', D: 'D' };

type PatientRow = Record<(typeof CSV_COLUMNS)[number] | 'id', unknown>;

export interface CsvExport {
  fileName: string;
  contentType: 'text/csv';
  csv: string;
  rows: number;
  columns: string[];
}

export function createExportService(deps: ResolvedDeps, access: Access, env: Record<string, string | undefined> = process.env) {
  const { prisma } = deps;
  const key = () => resolvePseudonymKey(deps.filesDir, env);

  /** Latest feature set per patient: patient id → feature values. */
  async function latestFeatures(patientIds: string[]): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    for (let i = 0; i < patientIds.length; i += 1000) {
      const sets = await prisma.featureSet.findMany({
        where: { segmentation: { series: { study: { patientId: { in: patientIds.slice(i, i + 1000) } } } } },
        select: { values: true, createdAt: true, segmentation: { select: { series: { select: { study: { select: { patientId: true } } } } } } },
        orderBy: { createdAt: 'desc' },
      });
      for (const s of sets) {
        const pid = s.segmentation.series.study.patientId;
        if (!out.has(pid) && s.values && typeof s.values === 'object') out.set(pid, s.values as Record<string, number>);
      }
    }
    return out;
  }

  async function table(
    where: Prisma.PatientWhereInput,
    split: Map<string, string | null> | null,
    withFeatures: boolean,
    fileName: string,
  ): Promise<CsvExport> {
    const k = key();
    const patients = (await prisma.patient.findMany({ where, select: PATIENT_SELECT, orderBy: { id: 'asc' } })) as unknown as PatientRow[];
    const features = withFeatures ? await latestFeatures(patients.map((p) => String(p.id))) : new Map<string, Record<string, number>>();
    const featureNames = [...new Set([...features.values()].flatMap((v) => Object.keys(v)))].sort();
    const columns = ['pseudonym', ...CSV_COLUMNS, ...(split ? ['split'] : []), ...featureNames.map((f) => `feature:${f}`)];
    const rows = patients
      .map((p) => {
        const id = String(p.id);
        const f = features.get(id) ?? {};
        const cells: unknown[] = [
          pseudonymFor(k, id),
          ...CSV_COLUMNS.map((c) => (c === 'age' && typeof p.age === 'number' ? Math.min(90, p.age) : c === 'bclc' ? (p.bclc ? BCLC_LABEL[String(p.bclc)] : null) : p[c])),
          ...(split ? [split.get(id) ?? null] : []),
          ...featureNames.map((n) => f[n]),
        ];
        return cells.map(csvCell).join(',');
      })
      // sorted by pseudonym: the row order must not reveal the database order
      .sort();
    return { fileName, contentType: 'text/csv', csv: [columns.map(csvCell).join(','), ...rows].join('\r\n') + '\r\n', rows: rows.length, columns };
  }

  return {
    /** A cohort's members (ADMIN: any cohort; CLINICIAN: cohorts they may access). */
    async cohortCsv(actor: Actor, input: { cohortId: string; features?: boolean }): Promise<CsvExport> {
      if (actor.role !== 'ADMIN') {
        const n = await prisma.cohortAccess.count({ where: { cohortId: input.cohortId, userId: actor.userId } });
        if (!n) throw new DomainError('NOT_FOUND', `Cohort ${input.cohortId} was not found among the cohorts you may access`);
      }
      const c = await prisma.cohort.findUnique({ where: { id: input.cohortId }, select: { id: true } });
      if (!c) throw new DomainError('NOT_FOUND', `Cohort ${input.cohortId} was not found`);
      const members = await prisma.cohortMembership.findMany({ where: { cohortId: c.id }, select: { patientId: true, split: true } });
      const split = new Map(members.map((m) => [m.patientId, m.split]));
      return table({ cohortMemberships: { some: { cohortId: c.id } } }, split, input.features ?? true, `cohort-${c.id}.csv`);
    },

    /** The clinician's patients (care assignments and accessible cohorts). */
    async patientsCsv(actor: Actor, input: { features?: boolean }): Promise<CsvExport> {
      return table(await access.scope(actor), null, input.features ?? true, 'patients.csv');
    },

    /**
     * A series as a zip of de-identified DICOM CT/MR slices (PS3.15 basic profile, modified dates; see
     * `deidentifyDicom`): the stored volume is written as DICOM with the study's UIDs and date and the patient's
     * portal id, then de-identified with the patient's export pseudonym, date shift and the key's UID mapping.
     */
    async seriesDicom(actor: Actor, input: { seriesId: string }) {
      const s = await prisma.series.findUnique({
        where: { id: input.seriesId },
        select: {
          id: true,
          storageUri: true,
          seriesInstanceUid: true,
          description: true,
          study: { select: { patientId: true, studyInstanceUid: true, date: true, modality: true, patient: { select: { pseudoId: true } } } },
        },
      });
      if (!s) throw new DomainError('NOT_FOUND', `Series ${input.seriesId} was not found`);
      await access.assertPatient(actor, s.study.patientId);
      const k = key();
      let raw: Uint8Array = await fs.promises.readFile(resolveStorageUri(deps.filesDir, s.storageUri));
      if (raw[0] === 0x1f && raw[1] === 0x8b) {
        try {
          raw = gunzipSync(raw, { maxOutputLength: MAX_DICOM_EXPORT_BYTES + 1024 * 1024 });
        } catch (e) {
          throw new DomainError('INVALID', `Series ${s.id} cannot be exported: ${(e as Error).message}`);
        }
      }
      let vol;
      try {
        vol = parseNifti(raw, `series ${s.id}`);
      } catch (e) {
        throw new DomainError('INVALID', `Series ${s.id} cannot be exported: ${(e as Error).message}`);
      }
      if (vol.data.byteLength > MAX_DICOM_EXPORT_BYTES)
        throw new DomainError('INVALID', `Series ${s.id} is ${vol.data.byteLength} bytes; at most ${MAX_DICOM_EXPORT_BYTES} are exported as DICOM here`);
      const modality = s.study.modality === 'MR' ? 'MR' : 'CT';
      const date = s.study.date ? s.study.date.toISOString().slice(0, 10).replace(/-/g, '') : undefined;
      const encoded = encodeDicomSeries(vol, {
        modality,
        patientName: s.study.patient.pseudoId,
        patientId: s.study.patient.pseudoId,
        ...(s.study.studyInstanceUid ? { studyInstanceUid: s.study.studyInstanceUid } : {}),
        ...(s.seriesInstanceUid ? { seriesInstanceUid: s.seriesInstanceUid } : {}),
        seriesDescription: s.description ?? '',
        extra: date
          ? [
              { tag: 0x00080020, vr: 'DA', value: date },
              { tag: 0x00080021, vr: 'DA', value: date },
            ]
          : [],
      });
      const pseudonym = pseudonymFor(k, s.study.patientId);
      const dateShiftDays = dateShiftFor(k, s.study.patientId);
      const files: Record<string, Uint8Array> = {};
      encoded.files.forEach((f, i) => {
        files[`${pseudonym}/IM${String(i + 1).padStart(5, '0')}.dcm`] = deidentifyDicom(f, { pseudonym, key: k, dateShiftDays });
      });
      const zip = zipSync(files, { level: 6 });
      return {
        fileName: `${pseudonym}-series.zip`,
        contentType: 'application/zip' as const,
        base64: Buffer.from(zip).toString('base64'),
        sizeBytes: zip.length,
        instances: encoded.files.length,
        pseudonym,
        profile: 'PS3.15 E.1 Basic Application Level Confidentiality Profile; Retain Longitudinal Temporal Information Modified Dates Option',
      };
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
