/** Display formats of the model lab and registry. */

/** Elapsed time: "12 s", "1 min 05 s" (negative → 0 s). */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A p-value: two significant digits, "< 0.001" below 0.001. */
export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toPrecision(2);
}
