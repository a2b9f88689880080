/**
 * The demo seed: the real cohorts of prisma/seed-data as patients + cohorts, one demo user per role, a
 * tumour-board meeting with a few cases, published reference models, and (when a generator is supplied)
 * synthetic multi-phase imaging for a handful of patients.
 *
 * Runs once per database: everything is written in one transaction together with a `SeedRun` row named `demo`;
 * a second call sees the row and returns `{ seeded: false }`. Concurrent seeders (two API processes starting on one
 * fresh PostgreSQL) are serialised by a transaction-scoped advisory lock ({@link SEED_LOCK_KEY}) taken before the
 * SeedRun row is checked again: the second waits for the first, sees its row, removes the synthetic imaging files
 * it had prepared and returns `{ seeded: false }`.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import type { Db, DbClient } from '../client';
import type { Bclc, Phase, Prisma, Role, Structure, Timepoint } from '../generated/prisma/client';
import { DATASETS, type PatientSeed } from './datasets';
import { PUBLISHED_MODELS } from './models';

/** Folder with the shipped cohort files: `<repo>/prisma/seed-data`. */
export const DEFAULT_SEED_DATA_DIR = path.resolve(__dirname, '../../../../prisma/seed-data');

/** Default password of the demo users (documented in README and prisma/seed-data/DEMO_LOGINS.txt). */
export const DEFAULT_DEMO_PASSWORD = 'hepatoscope-demo';

/** The demo users, one per role. */
export const DEMO_USERS: readonly { email: string; name: string; role: Role }[] = [
  { email: 'clinician@demo.hepatoscope.org', name: 'Dr Clara Clinician (demo)', role: 'CLINICIAN' },
  { email: 'board@demo.hepatoscope.org', name: 'Dr Bruno Board (demo)', role: 'TUMOR_BOARD' },
  { email: 'admin@demo.hepatoscope.org', name: 'Ada Admin (demo)', role: 'ADMIN' },
];

/** One synthetic series produced by an imaging generator (a gzip NIfTI file and its geometry). */
export interface SyntheticSeriesSpec {
  phase: Phase;
  description?: string;
  dims: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  /** Row-major 3×3 direction cosines. */
  direction: number[];
  /** `.nii.gz` bytes. */
  niftiGz: Uint8Array;
}

/** One synthetic study for a patient. */
export interface SyntheticStudySpec {
  modality: 'CT' | 'MR';
  timepoint: Timepoint;
  description?: string;
  /** Days after the patient's diagnosis date (or after 2020-01-01 when unknown). */
  dayOffset?: number;
  series: SyntheticSeriesSpec[];
  lesions?: { label: string; type?: string; diameterMm?: number; volumeMl?: number; enhancementPattern?: string; couinaudSegment?: number }[];
  segmentations?: {
    /** Index into `series`. */
    seriesIndex: number;
    structure: Structure;
    lesionLabel?: string;
    labels: Record<string, string>;
    volumeMl?: number;
    niftiGz: Uint8Array;
  }[];
}

/**
 * Hook for synthetic imaging: called for each chosen demo patient; returns the studies to attach. Supplied by
 * the caller (e.g. wired to @hepatoscope/phantoms by the API/CLI), because @hepatoscope/db does not depend on it.
 */
export type SyntheticImagingProvider = (input: { pseudoId: string; seed: number; patientIndex: number }) => Promise<SyntheticStudySpec[]>;

export interface SeedDemoOptions {
  /** Where the cohort folders are (default prisma/seed-data). */
  seedDataDir?: string;
  /** Dataset keys to load (default: all four). */
  datasets?: string[];
  /** At most this many patients per dataset (default: all). */
  maxPatientsPerDataset?: number;
  /** Demo users' password (default HEPATOSCOPE_DEMO_PASSWORD or `hepatoscope-demo`). */
  demoPassword?: string;
  /** Alias of `demoPassword`. */
  password?: string;
  /** bcrypt cost for the demo users (default 10). */
  bcryptCost?: number;
  /** `${HEPATOSCOPE_DATA_DIR}/files`; required when `syntheticImaging` is given. */
  filesDir?: string;
  /** Synthetic imaging generator (see `SyntheticImagingProvider`). Without it no imaging is attached. */
  syntheticImaging?: SyntheticImagingProvider;
  /** Number of demo patients (TCIA cohort, on the board agenda first) that get synthetic imaging (default 4). */
  syntheticPatients?: number;
  /** Clock for the meeting date (default now). */
  now?: Date;
  /** Progress lines (default: silent). */
  log?: (line: string) => void;
}

export interface SeedDemoResult {
  /** False when the demo seed had already run on this database. */
  seeded: boolean;
  /** Logins to print. */
  logins: { email: string; role: Role; password: string }[];
  /** What was created. */
  counts: Record<string, number>;
  /** Wall time in ms. */
  ms: number;
}

const SEED_NAME = 'demo';
const SEED_VERSION = 1;
/** Rows per bulk INSERT statement. */
const CHUNK = 2000;

type Seedable = DbClient & Pick<Db, '$transaction'>;

/** Advisory lock key (`pg_advisory_xact_lock`) that serialises demo seeders on one database (arbitrary constant). */
export const SEED_LOCK_KEY = 0x4865_7053; // 'HepS'

/** Thrown inside the seed transaction when another process completed the seed while this one waited for the lock. */
class AlreadySeeded extends Error {}

/**
 * Seeds the demo once (see the module comment). Pass the open `Database` (from `openDatabase`) or its `prisma`.
 */
export async function seedDemo(target: Seedable | { prisma: Seedable }, options: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const t0 = performance.now();
  const prisma: Seedable = 'prisma' in target && typeof (target as { prisma?: unknown }).prisma === 'object' ? (target as { prisma: Seedable }).prisma : (target as Seedable);
  const log = options.log ?? (() => undefined);
  const password = options.demoPassword ?? options.password ?? (process.env.HEPATOSCOPE_DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD);
  const logins = DEMO_USERS.map((u) => ({ email: u.email, role: u.role, password }));
  if (await prisma.seedRun.findUnique({ where: { name: SEED_NAME }, select: { name: true } })) {
    return { seeded: false, logins, counts: {}, ms: performance.now() - t0 };
  }

  // 1. Read and map the cohorts (pure, outside the transaction).
  const dir = options.seedDataDir ?? DEFAULT_SEED_DATA_DIR;
  const wanted = options.datasets ? DATASETS.filter((d) => options.datasets!.includes(d.key)) : DATASETS;
  const cohorts = wanted.map((d) => {
    const files: Record<string, string> = {};
    for (const f of d.files) {
      const p = path.join(dir, d.key, f);
      try {
        files[f] = fs.readFileSync(p, 'utf8');
      } catch (err) {
        throw new Error(`seedDemo: cannot read ${p} (${(err as Error).message}); the seed data ships with the repository in prisma/seed-data.`);
      }
    }
    let patients = d.map(files);
    if (options.maxPatientsPerDataset !== undefined) patients = patients.slice(0, options.maxPatientsPerDataset);
    return { def: d, id: randomUUID(), patients: patients.map((p) => ({ ...p, id: randomUUID() })) };
  });
  const hash = await bcrypt.hash(password, options.bcryptCost ?? 10);
  const users = DEMO_USERS.map((u) => ({ ...u, id: randomUUID(), passwordHash: hash }));

  // 2. Synthetic imaging files (before the transaction: files first, rows after).
  const tcia = cohorts.find((c) => c.def.key === 'tcia-hcc-tace-seg') ?? cohorts[0];
  const agenda = pickAgenda(tcia?.patients ?? []);
  const imaging = options.syntheticImaging ? await prepareImaging(options, agenda, log) : [];

  // 3. Everything else in one transaction, closed by the SeedRun row.
  const now = options.now ?? new Date();
  const counts: Record<string, number> = {};
  try {
    await prisma.$transaction(
      async (tx: DbClient) => {
        // One seeder at a time per database; released at commit/rollback. Check again under the lock.
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
        if (await tx.seedRun.findUnique({ where: { name: SEED_NAME }, select: { name: true } })) throw new AlreadySeeded();
        await tx.user.createMany({ data: users.map(({ id, email, name, role, passwordHash }) => ({ id, email, name, role, passwordHash })) });
        counts.users = users.length;
        const clinician = users.find((u) => u.role === 'CLINICIAN')!;
        const board = users.find((u) => u.role === 'TUMOR_BOARD')!;
        for (const c of cohorts) {
          await tx.cohort.create({
            data: { id: c.id, name: c.def.cohortName, description: c.def.description, sourceDataset: c.def.key, definition: { kind: 'dataset', dataset: c.def.key, seed: SEED_NAME } },
          });
          const at = new Date().toISOString();
          await bulkInsert(tx, 'Patient', c.patients.map((p) => ({ ...toPatientRow(p), createdAt: at, updatedAt: at })));
          await bulkInsert(tx, 'CohortMembership', c.patients.map((p) => ({ cohortId: c.id, patientId: p.id, split: null, addedAt: at })));
          const treatments = c.patients.flatMap((p) =>
            p.treatments.map((t) => ({ id: randomUUID(), patientId: p.id, type: t.type, date: t.date ?? null, description: t.description ?? null, response: t.response ?? null, details: null, createdAt: at })),
          );
          await bulkInsert(tx, 'Treatment', treatments);
          counts.treatments = (counts.treatments ?? 0) + treatments.length;
          counts.patients = (counts.patients ?? 0) + c.patients.length;
          await tx.cohortAccess.create({ data: { userId: clinician.id, cohortId: c.id } });
          log(`cohort ${c.def.cohortName}: ${c.patients.length} patients`);
        }
        counts.cohorts = cohorts.length;

        // Tumour board: next Thursday 16:00 UTC, the agenda patients, the clinician in charge of them.
        if (agenda.length) {
          const meetingId = randomUUID();
          await tx.tumorBoardMeeting.create({
            data: { id: meetingId, title: 'Liver tumour board (demo)', scheduledAt: nextWeekday(now, 4, 16), location: 'Room 2.14 / video link' },
          });
          await tx.careAssignment.createMany({ data: agenda.map((p) => ({ userId: clinician.id, patientId: p.id })) });
          await tx.caseDiscussion.createMany({
            data: agenda.map((p, k) => ({
              meetingId,
              patientId: p.id,
              position: k + 1,
              question: agendaQuestion(p),
              findings: summary(p),
            })),
          });
          // A past meeting with one signed-off case, so the history view has content.
          const pastId = randomUUID();
          await tx.tumorBoardMeeting.create({
            data: { id: pastId, title: 'Liver tumour board (demo, past)', scheduledAt: nextWeekday(new Date(now.getTime() - 14 * 86400_000), 4, 16), status: 'CLOSED' },
          });
          const first = agenda[0]!;
          await tx.caseDiscussion.create({
            data: {
              meetingId: pastId,
              patientId: first.id,
              position: 1,
              question: 'Initial staging and treatment plan',
              status: 'SIGNED_OFF',
              presentedSnapshot: { patient: first.pseudoId, bclc: first.bclc ?? null, childPugh: first.childPugh ?? null, afp: first.afp ?? null },
              findings: summary(first),
              decision: 'TACE',
              recommendation: 'Conventional TACE; response assessment by mRECIST on CT 4-6 weeks after treatment.',
              attendees: ['Hepatology', 'Interventional radiology', 'Hepatobiliary surgery', 'Oncology', 'Pathology'],
              decidedAt: new Date(now.getTime() - 14 * 86400_000),
              signedOffById: board.id,
              signedOffAt: new Date(now.getTime() - 14 * 86400_000),
            },
          });
          counts.meetings = 2;
          counts.discussions = agenda.length + 1;
        }

        for (const m of PUBLISHED_MODELS) await tx.model.create({ data: m });
        counts.models = PUBLISHED_MODELS.length;

        for (const img of imaging) await insertImaging(tx, img);
        counts.syntheticStudies = imaging.reduce((n, i) => n + i.studies.length, 0);

        await tx.seedRun.create({ data: { name: SEED_NAME, version: SEED_VERSION, summary: counts } });
      },
      { timeout: 300_000, maxWait: 60_000 },
    );
  } catch (e) {
    // Nothing of this run may remain: its rows were rolled back, so remove the imaging files it wrote.
    for (const f of imagingFiles(imaging)) fs.rmSync(path.join(options.filesDir!, f), { force: true });
    if (e instanceof AlreadySeeded) {
      log('demo seed: completed meanwhile by another process; nothing to do');
      return { seeded: false, logins, counts: {}, ms: performance.now() - t0 };
    }
    throw e;
  }
  const ms = performance.now() - t0;
  log(`demo seed done in ${(ms / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
  return { seeded: true, logins, counts, ms };
}

type SeededPatient = PatientSeed & { id: string };

/**
 * Bulk insert of plain rows through one parameter: `INSERT INTO "T" SELECT * FROM json_populate_recordset(NULL::"T", $1)`
 * — PostgreSQL converts each JSON field with the column's own type (enums, timestamps, jsonb), so thousands of rows
 * cost one round trip instead of Prisma building a statement with tens of thousands of parameters.
 * Rows must provide every NOT NULL column (database defaults do not apply to explicit NULLs).
 */
async function bulkInsert(tx: DbClient, table: 'Patient' | 'CohortMembership' | 'Treatment', rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const json = JSON.stringify(rows.slice(i, i + CHUNK));
    await tx.$executeRawUnsafe(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, json);
  }
}

function toPatientRow(p: SeededPatient): Prisma.PatientCreateManyInput {
  const { treatments: _t, extra, ...fields } = p;
  return { ...fields, extra } as Prisma.PatientCreateManyInput;
}

/** Four agenda cases with different stages (deterministic: first patient of each BCLC stage, in file order). */
function pickAgenda(patients: SeededPatient[]): SeededPatient[] {
  const out: SeededPatient[] = [];
  for (const stage of ['A', 'B', 'C', 'D'] as Bclc[]) {
    const p = patients.find((x) => x.bclc === stage);
    if (p) out.push(p);
  }
  for (const p of patients) if (out.length < 4 && !out.includes(p)) out.push(p);
  return out.slice(0, 4);
}

function agendaQuestion(p: SeededPatient): string {
  switch (p.bclc) {
    case 'A':
      return 'Curative options: resection, ablation or transplant listing?';
    case 'B':
      return 'Intermediate stage: TACE candidate? Expected response?';
    case 'C':
      return 'Advanced stage: systemic therapy line and role of locoregional treatment?';
    case 'D':
      return 'Terminal stage: best supportive care?';
    default:
      return 'Staging and treatment plan';
  }
}

function summary(p: SeededPatient): string {
  const parts = [
    p.sex ? p.sex.toLowerCase() : null,
    p.age !== null && p.age !== undefined ? `${p.age} y` : null,
    p.aetiology ? `aetiology ${p.aetiology}` : null,
    p.cirrhosis ? 'cirrhosis' : null,
    p.childPugh ? `Child-Pugh ${p.childPugh}` : null,
    p.bclc ? `BCLC ${p.bclc === 'STAGE_0' ? '0' : p.bclc}` : null,
    p.maxTumourDiameterMm ? `largest lesion ${Math.round(p.maxTumourDiameterMm)} mm` : null,
    p.afp !== null && p.afp !== undefined ? `AFP ${p.afp} ng/mL` : null,
    p.portalVeinThrombosis ? 'portal vein thrombosis' : null,
  ].filter(Boolean);
  return `${p.pseudoId}: ${parts.join(', ')}.`;
}

/** Next given weekday (0=Sunday) at `hour`:00 UTC, strictly after `from`. */
export function nextWeekday(from: Date, weekday: number, hour: number): Date {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), hour));
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== weekday);
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Synthetic imaging
// ---------------------------------------------------------------------------------------------------------------

interface PreparedImaging {
  patient: SeededPatient;
  studies: {
    spec: SyntheticStudySpec;
    studyId: string;
    series: { id: string; uri: string; sha256: string; size: number; spec: SyntheticSeriesSpec }[];
    segmentations: { id: string; uri: string; sha256: string; spec: NonNullable<SyntheticStudySpec['segmentations']>[number] }[];
  }[];
}

async function prepareImaging(options: SeedDemoOptions, agenda: SeededPatient[], log: (l: string) => void): Promise<PreparedImaging[]> {
  if (!options.filesDir) throw new Error('seedDemo: `filesDir` is required with `syntheticImaging` (where the NIfTI files are written).');
  const n = Math.min(options.syntheticPatients ?? 4, agenda.length);
  const out: PreparedImaging[] = [];
  for (let k = 0; k < n; k++) {
    const patient = agenda[k]!;
    const specs = await options.syntheticImaging!({ pseudoId: patient.pseudoId, seed: seedOf(patient.pseudoId), patientIndex: k });
    const studies = specs.map((spec) => {
      const series = spec.series.map((s) => {
        const id = randomUUID();
        return { id, ...writeFile(options.filesDir!, `series/${id}.nii.gz`, s.niftiGz), spec: s };
      });
      const segmentations = (spec.segmentations ?? []).map((s) => {
        if (!series[s.seriesIndex]) throw new Error(`seedDemo: synthetic segmentation refers to series ${s.seriesIndex}, but the study has ${series.length}`);
        const id = randomUUID();
        const f = writeFile(options.filesDir!, `segmentations/${id}.nii.gz`, s.niftiGz);
        return { id, uri: f.uri, sha256: f.sha256, spec: s };
      });
      return { spec, studyId: randomUUID(), series, segmentations };
    });
    out.push({ patient, studies });
    log(`synthetic imaging for ${patient.pseudoId}: ${studies.length} studies`);
  }
  return out;
}

/** Paths (relative to `filesDir`) of every file that {@link prepareImaging} wrote. */
function imagingFiles(imaging: PreparedImaging[]): string[] {
  return imaging.flatMap((i) =>
    i.studies.flatMap((st) => [...st.series, ...st.segmentations].map((f) => f.uri.slice('file:'.length))),
  );
}

function writeFile(filesDir: string, rel: string, bytes: Uint8Array): { uri: string; sha256: string; size: number } {
  const abs = path.join(filesDir, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, bytes);
  return { uri: `file:${rel}`, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength };
}

async function insertImaging(tx: DbClient, img: PreparedImaging): Promise<void> {
  const base = img.patient.diagnosisDate ?? new Date(Date.UTC(2020, 0, 1));
  const lesionIds = new Map<string, string>();
  for (const st of img.studies) {
    for (const l of st.spec.lesions ?? []) {
      if (lesionIds.has(l.label)) continue;
      const id = randomUUID();
      lesionIds.set(l.label, id);
      await tx.lesion.create({
        data: {
          id,
          patientId: img.patient.id,
          label: l.label,
          type: l.type ?? 'HCC',
          diameterMm: l.diameterMm ?? null,
          volumeMl: l.volumeMl ?? null,
          enhancementPattern: l.enhancementPattern ?? null,
          couinaudSegment: l.couinaudSegment ?? null,
          notes: 'Synthetic phantom lesion (demo).',
        },
      });
    }
    await tx.study.create({
      data: {
        id: st.studyId,
        patientId: img.patient.id,
        date: new Date(base.getTime() + (st.spec.dayOffset ?? 0) * 86400_000),
        modality: st.spec.modality,
        timepoint: st.spec.timepoint,
        description: `SYNTHETIC — ${st.spec.description ?? 'phantom study'}`,
        synthetic: true,
        origin: 'phantom',
      },
    });
    await tx.series.createMany({
      data: st.series.map((s) => ({
        id: s.id,
        studyId: st.studyId,
        phase: s.spec.phase,
        description: `SYNTHETIC — ${s.spec.description ?? s.spec.phase}`,
        dims: [...s.spec.dims],
        spacing: [...s.spec.spacing],
        origin: [...s.spec.origin],
        direction: [...s.spec.direction],
        storageUri: s.uri,
        format: 'nifti-gz',
        sha256: s.sha256,
        sizeBytes: s.size,
        synthetic: true,
      })),
    });
    for (const sg of st.segmentations) {
      await tx.segmentation.create({
        data: {
          id: sg.id,
          seriesId: st.series[sg.spec.seriesIndex]!.id,
          structure: sg.spec.structure,
          lesionId: sg.spec.lesionLabel ? (lesionIds.get(sg.spec.lesionLabel) ?? null) : null,
          source: 'AUTO',
          status: 'ACCEPTED',
          maskUri: sg.uri,
          sha256: sg.sha256,
          labels: sg.spec.labels,
          volumeMl: sg.spec.volumeMl ?? null,
          reviewNote: 'Ground-truth mask of the synthetic phantom.',
        },
      });
    }
  }
}

/** Deterministic 31-bit seed from a pseudo id. */
export function seedOf(pseudoId: string): number {
  return createHash('sha256').update(pseudoId).digest().readUInt32BE(0) & 0x7fffffff;
}
