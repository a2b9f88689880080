/**
 * Test-only helpers (imported by *.spec.ts files only; never exported from the package index).
 * Goldens are JSON written by tools/goldens/stats/*.R|py: "Inf"/"-Inf" strings stand for ±∞, null for NA.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', 'fixtures');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadGolden(name: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, 'goldens', `${name}.json`), 'utf8'));
}

/** Convert R's JSON encodings of numbers ("Inf", "-Inf", "NaN", null) to JS numbers. */
export function num(v: unknown): number {
  if (v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === null || v === 'NA' || v === 'NaN') return NaN;
  if (typeof v === 'string') return Number(v);
  return v as number;
}

export function nums(v: unknown): number[] {
  if (!Array.isArray(v)) return [num(v)];
  return v.map(num);
}

/** Expect |a − b| ≤ rel·max(|b|, 1e-300) + abs. ±∞ must match exactly. */
export function expectClose(a: number | null | undefined, b: number, rel: number, abs = 0, what = ''): void {
  if (!Number.isFinite(b)) {
    if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
    return;
  }
  if (a === null || a === undefined || !Number.isFinite(a)) throw new Error(`${what}: expected ${b}, got ${a}`);
  const tol = rel * Math.abs(b) + abs;
  if (!(Math.abs(a - b) <= tol)) throw new Error(`${what}: expected ${b}, got ${a} (|diff| ${Math.abs(a - b)} > tol ${tol})`);
}

export function expectAllClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, abs = 0, what = ''): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} != expected ${b.length}`);
  for (let i = 0; i < b.length; i++) expectClose(a[i], b[i], rel, abs, `${what}[${i}]`);
}

/** Parse a small CSV with a header (numbers; empty or "?" = NaN). Test-only. */
export function readCsv(rel: string): Record<string, number[]> {
  const text = readFileSync(join(FIXTURES, rel), 'utf8').trim().split(/\r?\n/);
  const header = text[0].split(',').map((h) => h.replace(/^"|"$/g, ''));
  const cols: Record<string, number[]> = {};
  for (const h of header) cols[h] = [];
  for (let i = 1; i < text.length; i++) {
    const cells = text[i].split(',');
    header.forEach((h, j) => cols[h].push(cells[j] === '' || cells[j] === '?' || cells[j] === undefined ? NaN : Number(cells[j])));
  }
  return cols;
}
