/**
 * Load timing of the viewer, for the e2e bench (`apps/portal-e2e/src/bench.mjs`) and for diagnosing slow loads.
 * All times are `performance.now()` values (ms since navigation start).
 * - `window.__hsTimings`: [label, ms] marks (viewer mount, cornerstone init, per phase: preview, inflated, volume,
 *   rendered …).
 * - `window.__hsFirstRenderAt`: the first image of the current viewer on screen (the middle-slice preview or the
 *   first volume rendered, whichever comes first).
 * - `window.__hsFirstVolumeAt`: the first phase rendered by cornerstone (interactive).
 * - `window.__hsAllRenderedAt`: every phase rendered by cornerstone.
 */
interface TimingWindow {
  __hsTimings?: [string, number][];
  __hsFirstRenderAt?: number;
  __hsFirstVolumeAt?: number;
  __hsAllRenderedAt?: number;
}

const w = () => (typeof window === 'undefined' ? null : (window as unknown as TimingWindow));

/** Appends a timing mark. */
export function mark(label: string): void {
  const t = w();
  if (t) (t.__hsTimings ??= []).push([label, Math.round(performance.now())]);
}

/** A new viewer starts: forgets the previous viewer's first-image times. */
export function resetFirstImage(): void {
  const t = w();
  if (!t) return;
  delete t.__hsFirstRenderAt;
  delete t.__hsFirstVolumeAt;
  delete t.__hsAllRenderedAt;
}

/** Records the first image on screen (only the first call after `resetFirstImage` counts). */
export function firstImage(kind: 'preview' | 'volume'): void {
  const t = w();
  if (!t) return;
  const now = performance.now();
  t.__hsFirstRenderAt ??= now;
  if (kind === 'volume') t.__hsFirstVolumeAt ??= now;
}

/** Records that every phase is rendered. */
export function allRendered(): void {
  const t = w();
  if (t) t.__hsAllRenderedAt = performance.now();
}
