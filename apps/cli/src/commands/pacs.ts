import { parseArgs } from 'node:util';
import type { DicomwebAuth, StudySummary } from '@hepatoscope/dicomweb';
import { CliError, type Command } from '../command';

const USAGE = `Usage: hepatoscope pacs <search|import|export-seg|export-report> [options]

  search          QIDO-RS study search, straight against a DICOMweb server (no database)
    --url <url>               DICOMweb root, e.g. http://pacs:8042/dicom-web (default HEPATOSCOPE_DICOMWEB_URL)
    --user <name>             HTTP basic user (default HEPATOSCOPE_DICOMWEB_USERNAME)
    --password <pw>           its password (prefer HEPATOSCOPE_DICOMWEB_PASSWORD: the command line is visible to others)
    --token <t>               bearer token instead (default HEPATOSCOPE_DICOMWEB_TOKEN)
    --patient-id <id>         DICOM PatientID (exact, or with * / ? wildcards)
    --name <name>             patient name (prefix match unless it contains * or ?)
    --date <d>                YYYY-MM-DD, or a range FROM..TO (either side may be empty)
    --modality <m>            modality in study, e.g. CT or MR
    --accession <a>           accession number
    --limit <n>               at most n studies (default 50, at most 1000)
    --format table|json       output (default table)

  import          a PACS study into the platform database (as the API's pacs.importStudy)
    --study <uid>             StudyInstanceUID (required)
    --as <email>              the clinician on whose behalf (scope, care assignment, audit; required)
    --patient <id|pseudoId>   the patient (in that clinician's scope); default: matched or created by DICOM PatientID
    --timepoint <t>           BASELINE, PRE_TACE, POST_TACE, FOLLOW_UP or OTHER

  export-seg      a segmentation version as DICOM SEG into its source study (STOW-RS)
    --segmentation <id>       segmentation id (required)
    --as <email>              clinician (required)

  export-report   a structured report as DICOM Encapsulated PDF (STOW-RS)
    --report <id>             this report, or
    --patient <id|pseudoId>   the patient's latest report (one is generated when the patient has none)
    --study <uid>             target study (default the patient's latest DICOM study)
    --as <email>              clinician (required)

  import / export-* use the platform's PACS connection (the admin's PACS settings, else HEPATOSCOPE_DICOMWEB_URL
  [+ _USERNAME/_PASSWORD or _TOKEN]) and database:
    --data-dir <dir>          embedded database location (default HEPATOSCOPE_DATA_DIR or ./.hepatoscope)
    --database-url <url>      PostgreSQL (default DATABASE_URL)
    --format table|json       output (default table)

Exit codes: 2 bad input, 3 database unavailable, 4 PACS unreachable or refused, 5 not found, 6 conflict.`;

const ACTIONS = ['search', 'import', 'export-seg', 'export-report'] as const;
type Action = (typeof ACTIONS)[number];
const TIMEPOINTS = ['BASELINE', 'PRE_TACE', 'POST_TACE', 'FOLLOW_UP', 'OTHER'] as const;
type Timepoint = (typeof TIMEPOINTS)[number];

/** Parsed command line of `hepatoscope pacs`. */
export interface PacsArgs {
  action: Action;
  format: 'table' | 'json';
  // search
  url?: string;
  auth: DicomwebAuth;
  patientId?: string;
  name?: string;
  dateFrom?: string;
  dateTo?: string;
  modality?: string;
  accession?: string;
  limit: number;
  // database-backed
  study?: string;
  as?: string;
  patient?: string;
  timepoint?: Timepoint;
  segmentation?: string;
  report?: string;
  dataDir?: string;
  databaseUrl?: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const UID = /^[0-9]+(\.[0-9]+)*$/;

/** Parses `hepatoscope pacs …`; throws CliError (with the usage) naming what was wrong. */
export function parsePacsArgs(argv: string[], env: Record<string, string | undefined> = process.env): PacsArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        token: { type: 'string' },
        'patient-id': { type: 'string' },
        name: { type: 'string' },
        date: { type: 'string' },
        modality: { type: 'string' },
        accession: { type: 'string' },
        limit: { type: 'string' },
        format: { type: 'string' },
        study: { type: 'string' },
        as: { type: 'string' },
        patient: { type: 'string' },
        timepoint: { type: 'string' },
        segmentation: { type: 'string' },
        report: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new CliError(`pacs: ${(err as Error).message}\n\n${USAGE}`);
  }
  const v = parsed.values;
  const [action, ...rest] = parsed.positionals;
  if (v.help || !action) throw new CliError(USAGE, v.help ? 0 : 2);
  if (!(ACTIONS as readonly string[]).includes(action)) throw new CliError(`Unknown pacs action "${action}".\n\n${USAGE}`);
  if (rest.length) throw new CliError(`Unexpected argument "${rest[0]}".\n\n${USAGE}`);
  const a = action as Action;
  const allowed: Record<Action, string[]> = {
    search: ['url', 'user', 'password', 'token', 'patient-id', 'name', 'date', 'modality', 'accession', 'limit', 'format'],
    import: ['study', 'as', 'patient', 'timepoint', 'data-dir', 'database-url', 'format'],
    'export-seg': ['segmentation', 'as', 'data-dir', 'database-url', 'format'],
    'export-report': ['report', 'patient', 'study', 'as', 'data-dir', 'database-url', 'format'],
  };
  for (const k of Object.keys(v)) {
    if (k === 'help' || v[k as keyof typeof v] === undefined) continue;
    if (!allowed[a].includes(k)) throw new CliError(`pacs ${a} does not take --${k}.\n\n${USAGE}`);
  }
  const format = v.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new CliError(`--format must be table or json, not "${format}"`);
  const out: PacsArgs = { action: a, format, auth: { type: 'none' }, limit: 50 };

  if (a === 'search') {
    out.url = v.url ?? env.HEPATOSCOPE_DICOMWEB_URL?.trim();
    if (!out.url) throw new CliError('pacs search needs --url (or HEPATOSCOPE_DICOMWEB_URL), the DICOMweb root such as http://pacs:8042/dicom-web');
    const user = v.user ?? env.HEPATOSCOPE_DICOMWEB_USERNAME;
    const token = v.token ?? env.HEPATOSCOPE_DICOMWEB_TOKEN;
    if (v.user !== undefined && v.token !== undefined) throw new CliError('pass either --user/--password or --token, not both');
    if (v.password !== undefined && !user) throw new CliError('--password needs --user');
    if (user) out.auth = { type: 'basic', username: user, password: v.password ?? env.HEPATOSCOPE_DICOMWEB_PASSWORD ?? '' };
    else if (token) out.auth = { type: 'bearer', token };
    out.patientId = text(v['patient-id'], '--patient-id');
    out.name = text(v.name, '--name');
    out.accession = text(v.accession, '--accession');
    if (v.modality !== undefined) {
      const m = v.modality.trim().toUpperCase();
      if (!/^[A-Z]{2,4}$/.test(m)) throw new CliError(`--modality must be a DICOM modality code such as CT or MR, not "${v.modality}"`);
      out.modality = m;
    }
    if (v.date !== undefined) {
      const [from, to, extra] = v.date.includes('..') ? v.date.split('..') : [v.date, v.date];
      if (extra !== undefined || (!from && !to)) throw new CliError(`--date must be YYYY-MM-DD or FROM..TO, not "${v.date}"`);
      for (const d of [from, to]) if (d && (!ISO.test(d) || Number.isNaN(Date.parse(d)))) throw new CliError(`--date: "${d}" is not a date (YYYY-MM-DD)`);
      if (from && to && from > to) throw new CliError(`--date: ${from} is after ${to}`);
      out.dateFrom = from || undefined;
      out.dateTo = to || undefined;
    }
    if (v.limit !== undefined) {
      const n = Number(v.limit);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError(`--limit must be a whole number from 1 to 1000, not "${v.limit}"`);
      out.limit = n;
    }
    return out;
  }

  out.dataDir = v['data-dir'];
  out.databaseUrl = v['database-url'];
  if (!v.as) throw new CliError(`pacs ${a} needs --as <email> of the clinician on whose behalf it runs (scope and audit)`);
  out.as = v.as.trim().toLowerCase();
  if (a === 'import') {
    if (!v.study) throw new CliError('pacs import needs --study <StudyInstanceUID>');
    out.study = uid(v.study, '--study');
    out.patient = v.patient?.trim() || undefined;
    if (v.timepoint !== undefined) {
      const t = v.timepoint.toUpperCase();
      if (!(TIMEPOINTS as readonly string[]).includes(t)) throw new CliError(`--timepoint must be one of ${TIMEPOINTS.join(', ')}, not "${v.timepoint}"`);
      out.timepoint = t as Timepoint;
    }
  } else if (a === 'export-seg') {
    if (!v.segmentation?.trim()) throw new CliError('pacs export-seg needs --segmentation <id>');
    out.segmentation = v.segmentation.trim();
  } else {
    if (!v.report === !v.patient) throw new CliError('pacs export-report needs exactly one of --report <id> or --patient <id|pseudoId>');
    out.report = v.report?.trim();
    out.patient = v.patient?.trim();
    if (v.study !== undefined) out.study = uid(v.study, '--study');
  }
  return out;
}

function text(s: string | undefined, flag: string): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t.length > 64 || [...t].some((c) => c === '\\' || c.charCodeAt(0) < 0x20)) throw new CliError(`${flag} must be printable text (at most 64 characters, no backslash)`);
  return t || undefined;
}

function uid(s: string, flag: string): string {
  const t = s.trim();
  if (t.length > 64 || !UID.test(t)) throw new CliError(`${flag} must be a DICOM UID (digits and dots, at most 64 characters), not "${t.slice(0, 80)}"`);
  return t;
}

/** The URL as shown in messages: no user info, no query. */
function showUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** A DICOMweb failure as a CliError a user can act on; never carries the credentials. */
export function dicomwebCliError(e: unknown, url: string, auth: DicomwebAuth): CliError {
  const err = e as { name?: string; kind?: string; status?: number; message?: string };
  if (err?.name !== 'DicomwebError') return new CliError(`PACS ${showUrl(url)}: ${scrub(String(err?.message ?? e), auth)}`, 4);
  if (err.kind === 'http' && (err.status === 401 || err.status === 403)) {
    const who = auth.type === 'basic' ? `user "${auth.username}"` : auth.type === 'bearer' ? 'the bearer token' : 'no credentials';
    return new CliError(`The PACS at ${showUrl(url)} refused ${who} (HTTP ${err.status}); check --user/--password or --token (or HEPATOSCOPE_DICOMWEB_*)`, 4);
  }
  const msg = scrub(err.message ?? '', auth).replace(/\?[^\s)]*/g, ''); // the QIDO query string adds nothing
  if (err.kind === 'unreachable' || err.kind === 'timeout') return new CliError(`Cannot reach the PACS: ${msg}`, 4);
  if (err.kind === 'not-found') return new CliError(`Not found on the PACS at ${showUrl(url)}: ${msg}`, 5);
  return new CliError(`The PACS at ${showUrl(url)} failed: ${msg}`, 4);
}

/** Removes the secret from a message (defence in depth: the client never puts it there). */
function scrub(msg: string, auth: DicomwebAuth): string {
  const secret = auth.type === 'basic' ? auth.password : auth.type === 'bearer' ? auth.token : '';
  return secret ? msg.split(secret).join('***') : msg;
}

/** QIDO-RS search with the parsed arguments. */
export async function searchPacs(args: PacsArgs, fetchImpl?: typeof fetch): Promise<StudySummary[]> {
  const { createDicomwebClient } = await import('@hepatoscope/dicomweb');
  let client;
  try {
    client = createDicomwebClient({ baseUrl: args.url!, auth: args.auth, timeoutMs: 30_000, fetch: fetchImpl });
  } catch (e) {
    throw new CliError(`--url: ${scrub((e as Error).message, args.auth).replace(args.url!, showUrl(args.url!))}`);
  }
  const name = args.name;
  const range = args.dateFrom || args.dateTo ? (args.dateFrom === args.dateTo ? da(args.dateFrom!) : `${da(args.dateFrom)}-${da(args.dateTo)}`) : undefined;
  try {
    return await client.searchStudies(
      {
        PatientID: args.patientId,
        PatientName: name ? (/[*?]/.test(name) ? name : `${name}*`) : undefined,
        StudyDate: range,
        ModalitiesInStudy: args.modality,
        AccessionNumber: args.accession,
      },
      { limit: args.limit },
    );
  } catch (e) {
    throw dicomwebCliError(e, args.url!, args.auth);
  }
}

const da = (iso: string | undefined) => (iso ? iso.replace(/-/g, '') : '');

/** Plain-text table (no colours; fits a terminal or a log). */
export function formatTable(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function studiesTable(studies: StudySummary[]): string {
  if (!studies.length) return 'No studies match.';
  return formatTable(
    ['StudyInstanceUID', 'PatientID', 'Name', 'Date', 'Modalities', 'Series', 'Images', 'Description'],
    studies.map((s) => [s.studyInstanceUid, s.patientId, s.patientName, s.studyDate, s.modalities.join('/'), s.numberOfSeries, s.numberOfInstances, s.description]),
  );
}

type ServicesModule = typeof import('@hepatoscope/services');
type Services = ReturnType<ServicesModule['createServices']>;
type Actor = import('@hepatoscope/services').Actor;

/** A DomainError (or anything else) from the services as a CliError with the exit code of its kind. */
function serviceCliError(e: unknown): unknown {
  const err = e as { name?: string; code?: string; message?: string };
  if (err?.name !== 'DomainError') return e;
  const exit = err.code === 'UNAVAILABLE' ? 4 : err.code === 'NOT_FOUND' ? 5 : err.code === 'CONFLICT' ? 6 : 2;
  return new CliError(err.message ?? 'failed', exit);
}

/** The clinician named by --as, as a service Actor. */
export async function resolveActor(services: Services, email: string): Promise<Actor> {
  const u = await services.deps.prisma.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, role: true, active: true } });
  if (!u) throw new CliError(`--as: no user with e-mail ${email}`);
  if (!u.active) throw new CliError(`--as: the account ${email} is disabled`);
  if (u.role !== 'CLINICIAN') throw new CliError(`--as: ${email} is ${u.role}; PACS import and export run on behalf of a CLINICIAN`);
  return { userId: u.id, email: u.email, name: u.name, role: u.role, sessionId: 'cli', clientAddress: 'cli' };
}

/** A patient by id or pseudoId (the scope check happens in the use case). */
async function resolvePatient(services: Services, ref: string): Promise<string> {
  const p = await services.deps.prisma.patient.findFirst({ where: { OR: [{ id: ref }, { pseudoId: ref }] }, select: { id: true } });
  if (!p) throw new CliError(`--patient: no patient with id or pseudoId "${ref.slice(0, 80)}"`, 5);
  return p.id;
}

export interface PacsRunResult {
  /** What to print (table text or JSON). */
  output: string;
}

/**
 * The database-backed actions against open services (the CLI opens the database; tests pass their own).
 * Every action is audited like its API procedure (client address `cli`).
 */
export async function runDbAction(services: Services, args: PacsArgs): Promise<PacsRunResult> {
  const actor = await resolveActor(services, args.as!);
  const audit = (action: string, entityType: string, entityId: string | null, details: Record<string, unknown>, outcome: 'SUCCESS' | 'FAILURE' = 'SUCCESS') =>
    services.audit.record({ userId: actor.userId, userEmail: actor.email, userRole: actor.role, action, entityType, entityId, outcome, clientAddress: 'cli', userAgent: 'hepatoscope-cli', details });
  const json = (o: unknown) => JSON.stringify(o, null, 2);
  try {
    if (args.action === 'import') {
      const patientId = args.patient ? await resolvePatient(services, args.patient) : undefined;
      let r;
      try {
        r = await services.pacs.importStudy(actor, { studyInstanceUid: args.study!, patientId, timepoint: args.timepoint });
      } catch (e) {
        await audit('pacs.import', 'Patient', patientId ?? null, { studyInstanceUid: args.study, error: (e as Error).message }, 'FAILURE');
        throw e;
      }
      await audit('pacs.import', 'Patient', r.patientId, { studyInstanceUid: args.study, studyId: r.studyId, created: r.series.length, skipped: r.skipped.length, failed: r.failed.length, patientCreated: r.patientCreated });
      if (args.format === 'json') return { output: json(r) };
      const lines = [
        `Study ${r.studyInstanceUid} → patient ${r.patientId}${r.patientCreated ? ' (new)' : ''}, study ${r.studyId}`,
        `${r.series.length} series imported, ${r.skipped.length} skipped, ${r.failed.length} failed`,
      ];
      if (r.series.length)
        lines.push('', formatTable(['SeriesInstanceUID', 'Phase', 'Description', 'Dims', 'Images', 'Series id'], r.series.map((s) => [s.seriesInstanceUid, s.phase, s.description, s.dims.join('×'), s.instances, s.id])));
      if (r.skipped.length) lines.push('', formatTable(['Skipped SeriesInstanceUID', 'Modality', 'Reason'], r.skipped.map((s) => [s.seriesInstanceUid, s.modality, s.reason])));
      if (r.failed.length) lines.push('', formatTable(['Failed SeriesInstanceUID', 'Error'], r.failed.map((s) => [s.seriesInstanceUid, s.error])));
      return { output: lines.join('\n') };
    }
    if (args.action === 'export-seg') {
      const r = await services.pacs.exportSegmentation(actor, { segmentationId: args.segmentation! });
      await audit('pacs.exportSegmentation', 'Segmentation', args.segmentation!, { sopInstanceUid: r.sopInstanceUid });
      if (args.format === 'json') return { output: json(r) };
      return {
        output: `DICOM SEG stored (${r.status}): ${r.frames} frame(s), ${r.segments.length} segment(s), ${r.bytes} bytes\n  study    ${r.studyInstanceUid}\n  series   ${r.seriesInstanceUid}\n  instance ${r.sopInstanceUid}\n  source   ${r.referencedSeriesInstanceUid}`,
      };
    }
    // export-report
    let reportId = args.report;
    if (!reportId) {
      const patientId = await resolvePatient(services, args.patient!);
      const reports = await services.reports.listForPatient(actor, patientId);
      const latest = [...(reports as { id: string; createdAt: string }[])].sort((x, y) => y.createdAt.localeCompare(x.createdAt))[0];
      reportId = latest?.id ?? (await services.reports.generate(actor, { patientId })).id;
    }
    const r = await services.pacs.exportReport(actor, { reportId, studyInstanceUid: args.study });
    await audit('pacs.exportReport', 'Report', reportId, { studyInstanceUid: r.studyInstanceUid, sopInstanceUid: r.sopInstanceUid });
    if (args.format === 'json') return { output: json(r) };
    return {
      output: `Report ${reportId} stored as Encapsulated PDF (${r.status}): ${r.pdfBytes} bytes of PDF\n  study    ${r.studyInstanceUid}\n  series   ${r.seriesInstanceUid}\n  instance ${r.sopInstanceUid}`,
    };
  } catch (e) {
    throw serviceCliError(e);
  }
}

/** `hepatoscope pacs`: search a DICOMweb PACS, import studies, export segmentations and reports. */
const pacs: Command = {
  name: 'pacs',
  summary: 'PACS over DICOMweb: search, import a study, export SEG / report',
  usage: USAGE,
  async run(argv) {
    const args = parsePacsArgs(argv);
    if (args.action === 'search') {
      const studies = await searchPacs(args);
      console.log(args.format === 'json' ? JSON.stringify(studies, null, 2) : studiesTable(studies));
      return 0;
    }
    const { DatabaseStartupError, openDatabase } = await import('@hepatoscope/db');
    const { loadConfig } = await import('@hepatoscope/config');
    const { createServices } = await import('@hepatoscope/services');
    const config = loadConfig(args.dataDir ? { ...process.env, HEPATOSCOPE_DATA_DIR: args.dataDir } : process.env);
    let database;
    try {
      database = await openDatabase({ dataDir: config.dataDir, databaseUrl: args.databaseUrl ?? config.databaseUrl });
    } catch (err) {
      if (err instanceof DatabaseStartupError) throw new CliError(err.message, 3);
      throw err;
    }
    try {
      const services = createServices({ prisma: database.prisma, dbKind: database.kind, filesDir: config.filesDir });
      const { output } = await runDbAction(services, args);
      console.log(output);
      return 0;
    } finally {
      await database.close();
    }
  },
};
export default pacs;
