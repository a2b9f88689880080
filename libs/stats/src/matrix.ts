/** A dense row-major design matrix with optional column names. */
import { NumArray, StatsInputError } from './util';

export interface Matrix {
  rows: number;
  cols: number;
  /** Row-major values: element (i, j) at data[i * cols + j]. */
  data: Float64Array;
  names?: string[];
}

/** Build a matrix from column vectors (all the same length). */
export function fromColumns(columns: NumArray[], names?: string[]): Matrix {
  const cols = columns.length;
  const rows = cols ? columns[0].length : 0;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    if (columns[j].length !== rows) throw new StatsInputError(`fromColumns: column ${names?.[j] ?? j} has ${columns[j].length} values but column ${names?.[0] ?? 0} has ${rows}`);
    for (let i = 0; i < rows; i++) data[i * cols + j] = columns[j][i];
  }
  return { rows, cols, data, names: names ?? columns.map((_, j) => `x${j + 1}`) };
}

/** Build a matrix from row vectors. */
export function fromRows(rowsIn: NumArray[], names?: string[]): Matrix {
  const rows = rowsIn.length;
  const cols = rows ? rowsIn[0].length : (names?.length ?? 0);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    if (rowsIn[i].length !== cols) throw new StatsInputError(`fromRows: row ${i} has ${rowsIn[i].length} values but row 0 has ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = rowsIn[i][j];
  }
  return { rows, cols, data, names: names ?? Array.from({ length: cols }, (_, j) => `x${j + 1}`) };
}

/** Column j as a new Float64Array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Throw if any value is not finite, naming the row and column. */
export function assertFinite(fn: string, m: Matrix): void {
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const v = m.data[i * m.cols + j];
      if (!Number.isFinite(v)) throw new StatsInputError(`${fn}: value ${v} in column ${m.names?.[j] ?? j}, row ${i} is not a finite number`);
    }
  }
}
