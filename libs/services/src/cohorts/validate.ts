/**
 * Per-row validation of a patient CSV against a column mapping (target field → CSV header).
 * Pure: the same CSV + mapping always gives the same report (the report hash binds preview and accept).
 */
import { createHash } from 'node:crypto';
import { CSV_TARGET_FIELDS, type CsvTarget } from '@hepatoscope/domain';
import { parseCsv } from './csv';

export { CSV_TARGET_FIELDS, type CsvTarget };

export interface PatientDraft {
  pseudoId: string;
  sex?: 'MALE' | 'FEMALE' | 'OTHER' | 'UNKNOWN' | null;
  age?: number | null;
  aetiology?: string | null;
  cirrhosis?: boolean | null;
  childPugh?: 'A' | 'B' | 'C' | null;
  bclc?: 'STAGE_0' | 'A' | 'B' | 'C' | 'D' | null;
  afp?: number | null;
  bilirubin?: number | null;
  albumin?: number | null;
  platelets?: number | null;
  osMonths?: number | null;
  osEvent?: boolean | null;
  rfsMonths?: number | null;
  rfsEvent?: boolean | null;
  extra?: Record<string, string>;
}

export interface RowReport {
  line: number;
  pseudoId: string | null;
  ok: boolean;
  errors: string[];
}

export interface ValidationReport {
  reportHash: string;
  columns: string[];
  unmappedColumns: string[];
  totalRows: number;
  validRows: number;
  invalidRows: number;
  rows: RowReport[];
  /** Valid rows, ready to import (not part of the transport DTO when large). */
  drafts: PatientDraft[];
}

const NUMERIC: Record<string, [number, number]> = {
  age: [0, 120],
  afp: [0, 1e7],
  bilirubin: [0, 100],
  albumin: [0, 10],
  platelets: [0, 5000],
  osMonths: [0, 600],
  rfsMonths: [0, 600],
};

const isBlank = (s: string | undefined) =>
  s === undefined || s.trim() === '' || /^(na|n\/a|null|nan|-)$/i.test(s.trim());

function parseBool(s: string): boolean | undefined {
  const v = s.trim().toLowerCase();
  if (['1', 'true', 'yes', 'y', 'dead', 'event'].includes(v)) return true;
  if (['0', 'false', 'no', 'n', 'alive', 'censored'].includes(v)) return false;
  return undefined;
}

function parseSex(s: string): PatientDraft['sex'] | undefined {
  const v = s.trim().toUpperCase();
  if (['M', 'MALE', '1'].includes(v)) return 'MALE';
  if (['F', 'FEMALE', '0', '2'].includes(v)) return 'FEMALE';
  if (v === 'OTHER') return 'OTHER';
  if (v === 'UNKNOWN') return 'UNKNOWN';
  return undefined;
}

function parseBclc(s: string): PatientDraft['bclc'] | undefined {
  const v = s
    .trim()
    .toUpperCase()
    .replace(/^BCLC\s*/, '');
  if (v === '0' || v === 'STAGE_0') return 'STAGE_0';
  if (['A', 'B', 'C', 'D'].includes(v)) return v as 'A';
  return undefined;
}

export function validatePatientCsv(csv: string, mapping: Partial<Record<CsvTarget, string>>): ValidationReport {
  const parsed = parseCsv(csv);
  const header = parsed.header;
  const hash = createHash('sha256')
    .update(csv)
    .update('\0')
    .update(JSON.stringify(Object.entries(mapping).sort()))
    .digest('hex');
  const colIndex: Partial<Record<CsvTarget, number>> = {};
  const mappingErrors: string[] = [];
  if (!mapping.pseudoId) mappingErrors.push('mapping: pseudoId must be mapped to a column');
  for (const [target, col] of Object.entries(mapping) as Array<[CsvTarget, string]>) {
    if (!col) continue;
    const idx = header.indexOf(col);
    if (idx < 0) mappingErrors.push(`mapping: column "${col}" (for ${target}) is not in the header`);
    else colIndex[target] = idx;
  }
  if (mappingErrors.length) {
    return {
      reportHash: hash,
      columns: header,
      unmappedColumns: [],
      totalRows: parsed.rows.length,
      validRows: 0,
      invalidRows: parsed.rows.length,
      rows: [{ line: 1, pseudoId: null, ok: false, errors: mappingErrors }],
      drafts: [],
    };
  }
  const mappedIdx = new Set(Object.values(colIndex));
  const unmapped = header.filter((_, i) => !mappedIdx.has(i));
  const seen = new Map<string, number>();
  const rows: RowReport[] = [];
  const drafts: PatientDraft[] = [];

  for (const { line, cells } of parsed.rows) {
    const errors: string[] = [];
    if (cells.length !== header.length) errors.push(`has ${cells.length} cells but the header has ${header.length}`);
    const get = (t: CsvTarget) => (colIndex[t] === undefined ? undefined : cells[colIndex[t]!]);
    const pid = get('pseudoId')?.trim() ?? '';
    const d: PatientDraft = { pseudoId: pid };
    if (!pid) errors.push('pseudoId is empty');
    else if (!/^[A-Za-z0-9._:-]{1,64}$/.test(pid))
      errors.push(`pseudoId "${pid.slice(0, 80)}" may only contain letters, digits and . _ : - (at most 64)`);
    else if (seen.has(pid)) errors.push(`pseudoId ${pid} repeats line ${seen.get(pid)}`);
    else seen.set(pid, line);

    for (const [f, [lo, hi]] of Object.entries(NUMERIC)) {
      const raw = get(f as CsvTarget);
      if (isBlank(raw)) continue;
      const v = Number(raw!.trim().replace(',', '.'));
      if (!Number.isFinite(v)) errors.push(`${f} "${raw}" is not a number`);
      else if (v < lo || v > hi) errors.push(`${f} ${v} is outside ${lo}..${hi}`);
      else (d as unknown as Record<string, number>)[f] = v;
    }
    for (const f of ['cirrhosis', 'osEvent', 'rfsEvent'] as const) {
      const raw = get(f);
      if (isBlank(raw)) continue;
      const v = parseBool(raw!);
      if (v === undefined) errors.push(`${f} "${raw}" is not yes/no (1/0, true/false)`);
      else d[f] = v;
    }
    const sex = get('sex');
    if (!isBlank(sex)) {
      const v = parseSex(sex!);
      if (v === undefined) errors.push(`sex "${sex}" is not M/F`);
      else d.sex = v;
    }
    const bclc = get('bclc');
    if (!isBlank(bclc)) {
      const v = parseBclc(bclc!);
      if (v === undefined) errors.push(`bclc "${bclc}" is not 0/A/B/C/D`);
      else d.bclc = v;
    }
    const cp = get('childPugh');
    if (!isBlank(cp)) {
      const v = cp!
        .trim()
        .toUpperCase()
        .replace(/^CHILD[- ]?PUGH\s*/, '');
      if (!['A', 'B', 'C'].includes(v)) errors.push(`childPugh "${cp}" is not A/B/C`);
      else d.childPugh = v as 'A';
    }
    const aet = get('aetiology');
    if (!isBlank(aet)) d.aetiology = aet!.trim().slice(0, 50);
    if (d.osEvent !== undefined && d.osMonths === undefined) errors.push('osEvent is given without osMonths');
    if (d.rfsEvent !== undefined && d.rfsMonths === undefined) errors.push('rfsEvent is given without rfsMonths');
    if (unmapped.length) d.extra = Object.fromEntries(unmapped.map((c) => [c, cells[header.indexOf(c)] ?? '']));

    rows.push({ line, pseudoId: pid || null, ok: errors.length === 0, errors });
    if (!errors.length) drafts.push(d);
  }
  return {
    reportHash: hash,
    columns: header,
    unmappedColumns: unmapped,
    totalRows: rows.length,
    validRows: drafts.length,
    invalidRows: rows.length - drafts.length,
    rows,
    drafts,
  };
}
