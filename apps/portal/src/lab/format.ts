/** Display formats of the model lab and registry. */

/** Elapsed time: "12 s", "1 min 05 s" (negative → 0 s). */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * A hazard (or odds) ratio with enough decimals to show how far it is from 1: 3 decimals, more (up to 6) when it is
 * within 0.01 of 1 — e.g. a per-ng/mL AFP ratio 1.000031 instead of "1.000".
 */
export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  const d = Math.abs(r - 1);
  const digits = d > 0 && d < 0.01 ? Math.min(6, 1 - Math.floor(Math.log10(d))) : 3;
  return r.toFixed(digits);
}

/** A p-value: two significant digits, "< 0.001" below 0.001. */
export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toPrecision(2);
}
