/**
 * Test helpers: the IBSI 1 digital phantom and its reference values, read from the committed
 * fixtures in `libs/radiomics/fixtures/texture/` (never from /work/shared).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiscretisedImage } from '../types';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'texture');

/** The phantom as a discretised image: levels 1..6 inside the ROI, 0 outside, Ng = 6 (IBSI). */
export function loadPhantom(): DiscretisedImage {
  const grid = JSON.parse(readFileSync(join(FIXTURES, 'ibsi_1_digital_phantom', 'phantom-grid.json'), 'utf8')) as {
    shape_ijk: [number, number, number];
    voxel_spacing_mm: [number, number, number];
    image: number[][][];
    mask: number[][][];
  };
  const [nx, ny, nz] = grid.shape_ijk;
  const levels = new Int32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) levels[i + nx * (j + ny * k)] = grid.mask[k][j][i] ? grid.image[k][j][i] : 0;
  return { levels, dims: [nx, ny, nz], spacing: grid.voxel_spacing_mm, ng: 6 };
}

export interface ReferenceRow {
  family: string;
  feature: string;
  ibsiCode: string;
  aggregation: string;
  value: string;
  tolerance: string;
}

/** Parses `reference-values.csv` (comma separated, double-quoted fields). */
export function loadReferenceRows(): ReferenceRow[] {
  const text = readFileSync(join(FIXTURES, 'reference-values.csv'), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const parse = (line: string): string[] => {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    return cells;
  };
  const header = parse(lines[0]);
  const col = (n: string) => {
    const i = header.indexOf(n);
    if (i < 0) throw new Error(`reference-values.csv: no column ${n}`);
    return i;
  };
  const [f, fe, c, a, v, t] = ['family', 'feature', 'ibsi_code', 'aggregation', 'value', 'tolerance'].map(col);
  return lines.slice(1).map((l) => {
    const r = parse(l);
    return { family: r[f], feature: r[fe], ibsiCode: r[c], aggregation: r[a], value: r[v], tolerance: r[t] };
  });
}

/**
 * Whether `x` matches a published value: within the tolerance when one is given, otherwise equal
 * after rounding to the published significant digits (at least 3, the IBSI convention; trailing
 * zeros were dropped in the CSV, so "2.2" stands for 2.20). A published 0 requires |x| < 1e-9.
 */
export function matchesReference(x: number, value: string, tolerance: string): boolean {
  const ref = Number(value);
  if (!Number.isFinite(x)) return false;
  if (tolerance !== '') return Math.abs(x - ref) <= Number(tolerance) * (1 + 1e-9);
  if (ref === 0) return Math.abs(x) < 1e-9;
  const mantissa = value.toLowerCase().split('e')[0].replace('-', '').replace('.', '').replace(/^0+/, '');
  const sig = Math.max(3, mantissa.length);
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(ref))) - sig + 1);
  return Math.abs(x - ref) <= 0.5 * unit * (1 + 1e-9);
}
