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

const FIRST_IMAGE_EVENT = 'hs:first-image';

/** Records the first image on screen (only the first call after `resetFirstImage` counts) and tells `onFirstImage`. */
export function firstImage(kind: 'preview' | 'volume'): void {
  const t = w();
  if (!t) return;
  const now = performance.now();
  const first = t.__hsFirstRenderAt === undefined;
  t.__hsFirstRenderAt ??= now;
  if (kind === 'volume') t.__hsFirstVolumeAt ??= now;
  if (first) window.dispatchEvent(new Event(FIRST_IMAGE_EVENT));
}

/**
 * Calls `cb` once the current viewer's first image is on screen (at once when it already is); returns the
 * unsubscribe function.
 */
export function onFirstImage(cb: () => void): () => void {
  const t = w();
  if (!t) return () => {};
  if (t.__hsFirstRenderAt !== undefined) {
    cb();
    return () => {};
  }
  const once = () => cb();
  window.addEventListener(FIRST_IMAGE_EVENT, once, { once: true });
  return () => window.removeEventListener(FIRST_IMAGE_EVENT, once);
}

/** Records that every phase is rendered. */
export function allRendered(): void {
  const t = w();
  if (t) t.__hsAllRenderedAt = performance.now();
}
