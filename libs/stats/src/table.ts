/**
 * Minimal RFC 4180 CSV parsing and numeric column extraction with an explicit missing-value policy
 * (browser-safe: works on strings).
 *
 * Missing values: empty cells and the tokens NA, NaN, ?, null (any case) are missing. `numericColumns` keeps complete
 * cases over the requested columns and reports how many rows were dropped. Any other non-numeric cell is an error
 * naming the column and the data row (1-based, header excluded) and line.
 */
import { StatsInputError } from './util';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/** Parse CSV text (comma separator, double-quote quoting, CRLF or LF). */
export function parseCsv(text: string): CsvTable {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0].trim() === ''));
  if (!nonEmpty.length) throw new StatsInputError('parseCsv: the file is empty');
  const header = nonEmpty[0].map((h) => h.trim());
  const rows = nonEmpty.slice(1);
  rows.forEach((r, k) => {
    if (r.length !== header.length) throw new StatsInputError(`parseCsv: data row ${k + 1} has ${r.length} fields but the header has ${header.length}`);
  });
  return { header, rows };
}

const MISSING = new Set(['', 'na', 'nan', '?', 'null']);

export function isMissing(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}

export interface NumericColumns {
  columns: Record<string, Float64Array>;
  /** Indices (0-based data rows) kept. */
  rows: number[];
  /** Rows dropped because a requested column was missing. */
  dropped: number;
}

/** Numeric columns over complete cases. Unknown column names and non-numeric cells are errors. */
export function numericColumns(table: CsvTable, names: string[]): NumericColumns {
  const idx = names.map((n) => {
    const j = table.header.indexOf(n);
    if (j < 0) throw new StatsInputError(`column '${n}' not found; the file has: ${table.header.join(', ')}`);
    return j;
  });
  const keep: number[] = [];
  const values: number[][] = names.map(() => []);
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r];
    let complete = true;
    const vals: number[] = [];
    for (let k = 0; k < names.length; k++) {
      const cell = row[idx[k]];
      if (isMissing(cell)) {
        complete = false;
        continue;
      }
      const v = Number(cell.trim());
      if (!Number.isFinite(v)) throw new StatsInputError(`column '${names[k]}', data row ${r + 1} (line ${r + 2}): '${cell}' is not a number`);
      vals.push(v);
    }
    if (!complete) continue;
    keep.push(r);
    vals.forEach((v, k) => values[k].push(v));
  }
  const columns: Record<string, Float64Array> = {};
  names.forEach((n, k) => {
    columns[n] = Float64Array.from(values[k]);
  });
  return { columns, rows: keep, dropped: table.rows.length - keep.length };
}

/** String values of one column over the given rows. */
export function stringColumn(table: CsvTable, name: string, rows?: number[]): string[] {
  const j = table.header.indexOf(name);
  if (j < 0) throw new StatsInputError(`column '${name}' not found; the file has: ${table.header.join(', ')}`);
  return (rows ?? table.rows.map((_, r) => r)).map((r) => table.rows[r][j].trim());
}
