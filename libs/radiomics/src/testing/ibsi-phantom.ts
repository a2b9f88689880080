/** Loads the IBSI 1 digital phantom and its reference values from `fixtures/ibsi1` (tests only). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Image3D, Mask3D } from '../types';
import { readNifti1 } from './nifti';

export const IBSI1_DIR = join(__dirname, '..', '..', 'fixtures', 'ibsi1');

export function loadIbsiPhantom(): { image: Image3D<Float64Array>; mask: Mask3D } {
  const img = readNifti1(join(IBSI1_DIR, 'ibsi_1_digital_phantom', 'nifti', 'image', 'phantom.nii.gz'));
  const msk = readNifti1(join(IBSI1_DIR, 'ibsi_1_digital_phantom', 'nifti', 'mask', 'mask.nii.gz'));
  const image = { ...img, data: Float64Array.from(img.data) };
  const mask: Mask3D = { dims: msk.dims, spacing: msk.spacing, origin: msk.origin, data: Uint8Array.from(msk.data, (v) => (v > 0 ? 1 : 0)) };
  return { image, mask };
}

export interface ReferenceRow {
  family: string;
  feature: string;
  ibsiCode: string;
  aggregation: string;
  aggregationCode: string;
  /** the published value as printed */
  valueText: string;
  value: number;
  tolerance: number | null;
  consensus: string;
}

export function loadIbsiReferenceRows(): ReferenceRow[] {
  const text = readFileSync(join(IBSI1_DIR, 'reference-values.csv'), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows: ReferenceRow[] = [];
  for (const line of lines.slice(1)) {
    const c = splitCsv(line);
    rows.push({
      family: c[0], feature: c[1], ibsiCode: c[2], aggregation: c[3], aggregationCode: c[4],
      valueText: c[5], value: Number(c[5]), tolerance: c[6] === '' ? null : Number(c[6]), consensus: c[7],
    });
  }
  return rows;
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') q = false; else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Half a unit of the last printed digit of a published value ("2.15" → 0.005, "1.2e3" → 50, "567" → 0.5). */
export function printedHalfUnit(text: string): number {
  const m = /^-?(\d*)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text.trim());
  if (!m) throw new Error(`unparseable reference value ${text}`);
  const decimals = m[2]?.length ?? 0;
  const exp = m[3] ? Number(m[3]) : 0;
  return 0.5 * 10 ** (exp - decimals);
}

/** A reference row matches when |v − ref| ≤ tolerance, or half a unit of the last printed digit when none is published. */
export function rowMatches(row: ReferenceRow, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const tol = row.tolerance ?? printedHalfUnit(row.valueText);
  return Math.abs(value - row.value) <= tol * (1 + 1e-9) + 1e-12;
}

