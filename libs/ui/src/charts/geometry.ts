/**
 * Pure chart geometry on d3 (d3-scale scales, d3-array ticks, d3-shape paths) plus the small statistics the charts
 * derive from API payloads (Wilson intervals, decision curves from ROC points) and label fitting. No DOM, no React:
 * unit-tested.
 */

import { ticks as d3ticks } from 'd3-array';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { area, curveLinear, curveStepAfter, line } from 'd3-shape';

/** A point in data space or in pixel space. */
export interface XY {
  x: number;
  y: number;
}

/** A linear map from a data interval to a pixel interval (d3-scale's `scaleLinear`), with `invert`. */
export type LinearScale = ScaleLinear<number, number>;

/**
 * Linear scale `v ↦ r0 + (v − d0)·(r1 − r0)/(d1 − d0)` (d3 `scaleLinear`).
 * A degenerate domain (d0 = d1) maps every value to the middle of the range instead of dividing by zero.
 */
export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  return scaleLinear().domain(domain).range(range);
}

/**
 * "Nice" tick values covering [min, max]: d3-array's `ticks` (steps of 1, 2 or 5 × 10^k, about `count` of them).
 * Returns `[min]` when min = max; swaps reversed bounds; throws on non-finite bounds.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new Error(`niceTicks: bounds must be finite, got [${min}, ${max}]`);
  }
  if (min > max) [min, max] = [max, min];
  if (min === max) return [min];
  return d3ticks(min, max, Math.max(1, count));
}

/** Formats a number for an axis label with at most `digits` decimals and no trailing zeros. */
export function formatTick(v: number, digits = 2): string {
  const s = v.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const finite = (p: XY) => Number.isFinite(p.x) && Number.isFinite(p.y);

/** Polyline path through pixel points (d3-shape `line`, 2 decimals); empty string for no points. Non-finite points are skipped. */
export function linePath(points: readonly XY[]): string {
  const pts = points.filter(finite);
  if (pts.length === 0) return '';
  return (
    line<XY>()
      .x((p) => p.x)
      .y((p) => p.y)
      .digits(2)(pts) ?? ''
  );
}

/**
 * Right-continuous step path (Kaplan–Meier style; d3-shape `curveStepAfter`): from each point go horizontally to the
 * next x, then vertically to its y. `extendTo` (pixel x) carries the last level to the right edge.
 */
export function stepPath(points: readonly XY[], extendTo?: number): string {
  const pts = points.filter(finite);
  if (pts.length === 0) return '';
  const last = pts[pts.length - 1];
  if (extendTo !== undefined && extendTo > last.x) pts.push({ x: extendTo, y: last.y });
  return (
    line<XY>()
      .x((p) => p.x)
      .y((p) => p.y)
      .curve(curveStepAfter)
      .digits(2)(pts) ?? ''
  );
}

/** A band sample: pixel x with the pixel y of its lower and upper boundary. */
export interface BandPoint {
  x: number;
  lo: number;
  hi: number;
}

/**
 * Closed band polygon between lower and upper boundaries (d3-shape `area`, pixel points ordered by x); `step` draws
 * it as a right-continuous step band (for Kaplan–Meier confidence bands). Empty string for no points.
 */
export function bandPath(points: readonly BandPoint[], step = false): string {
  const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.lo) && Number.isFinite(p.hi));
  if (pts.length === 0) return '';
  return (
    area<BandPoint>()
      .x((p) => p.x)
      .y0((p) => p.lo)
      .y1((p) => p.hi)
      .curve(step ? curveStepAfter : curveLinear)
      .digits(2)(pts) ?? ''
  );
}

/**
 * Wilson score interval for a proportion p observed in n trials (z = 1.96 → 95 %).
 * `centre ± z·sqrt(p(1−p)/n + z²/4n²) / (1 + z²/n)`, centre = (p + z²/2n)/(1 + z²/n). n ≤ 0 → [0, 1].
 * Reference: Wilson EB (1927) JASA 22:209.
 */
export function wilsonInterval(p: number, n: number, z = 1.959964): [number, number] {
  if (!(n > 0)) return [0, 1];
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** One ROC operating point: predicted positive when score ≥ threshold. */
export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Score cut-off; null/±Infinity for the (0,0) and (1,1) ends. */
  threshold: number | null;
}

/** Sorts ROC points by (fpr, tpr) ascending and makes sure (0,0) and (1,1) are present. */
export function normaliseRoc(points: readonly RocPoint[]): RocPoint[] {
  const pts = [...points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
  if (pts.length === 0 || pts[0].fpr > 0 || pts[0].tpr > 0) pts.unshift({ fpr: 0, tpr: 0, threshold: Infinity });
  const last = pts[pts.length - 1];
  if (last.fpr < 1 || last.tpr < 1) pts.push({ fpr: 1, tpr: 1, threshold: -Infinity });
  return pts;
}

/** Trapezoidal area under ROC points (after {@link normaliseRoc}). */
export function trapezoidAuc(points: readonly RocPoint[]): number {
  const pts = normaliseRoc(points);
  let auc = 0;
  for (let i = 1; i < pts.length; i++) {
    auc += ((pts[i].fpr - pts[i - 1].fpr) * (pts[i].tpr + pts[i - 1].tpr)) / 2;
  }
  return auc;
}

/** A calibration bin: mean predicted probability, observed event rate, and bin size. */
export interface CalibrationBin {
  predicted: number;
  observed: number;
  n: number;
}

/** Events and total from calibration bins: events = Σ observed·n (rounded), total = Σ n. */
export function countsFromCalibration(bins: readonly CalibrationBin[]): { events: number; total: number } {
  let events = 0;
  let total = 0;
  for (const b of bins) {
    events += b.observed * b.n;
    total += b.n;
  }
  return { events: Math.round(events), total };
}

/**
 * Pointwise 95 % band for the ROC's TPR: Wilson interval of each TPR with `positives` trials.
 * (A pointwise band, not a simultaneous one; labelled as such in the chart.)
 */
export function rocTprBand(points: readonly RocPoint[], positives: number): { fpr: number; lo: number; hi: number }[] {
  return normaliseRoc(points).map((p) => {
    const [lo, hi] = wilsonInterval(p.tpr, positives);
    return { fpr: p.fpr, lo, hi };
  });
}

/** One decision-curve point: threshold probability and net benefit of model, treat-all and treat-none (= 0). */
export interface DecisionPoint {
  threshold: number;
  model: number;
  treatAll: number;
}

/**
 * Decision curve (Vickers & Elkin 2006) from ROC operating points and prevalence π:
 * NB(pt) = TPR·π − FPR·(1−π)·pt/(1−pt), using at each pt the operating point "score ≥ pt", i.e. the ROC point with
 * the smallest threshold ≥ pt (no such point → nobody treated → NB = 0). Treat-all: π − (1−π)·pt/(1−pt).
 * Exact when `roc` lists every distinct score as a threshold. Thresholds must lie in [0, 1).
 */
export function decisionCurveFromRoc(
  roc: readonly RocPoint[],
  prevalence: number,
  thresholds: readonly number[],
): DecisionPoint[] {
  const byThr = roc
    .filter((p): p is RocPoint & { threshold: number } => typeof p.threshold === 'number' && Number.isFinite(p.threshold))
    .sort((a, b) => a.threshold - b.threshold);
  return thresholds.map((pt) => {
    if (pt < 0 || pt >= 1) throw new Error(`decisionCurveFromRoc: threshold ${pt} outside [0, 1)`);
    const odds = pt / (1 - pt);
    const op = byThr.find((p) => p.threshold >= pt);
    const model = op ? op.tpr * prevalence - op.fpr * (1 - prevalence) * odds : 0;
    return { threshold: pt, model, treatAll: prevalence - (1 - prevalence) * odds };
  });
}

/** Evenly spaced values from `start` to `stop` inclusive (`n` ≥ 2 values). */
export function linspace(start: number, stop: number, n: number): number[] {
  if (n < 2) return [start];
  return Array.from({ length: n }, (_, i) => start + ((stop - start) * i) / (n - 1));
}

/**
 * Approximate rendered width (px) of `text` in a sans-serif font of `fontSize` px: per-character advance widths
 * relative to the em (narrow i/l/1/punctuation, wide M/W, capitals ≈ 0.68 em, others 0.55 em). Deterministic, so a
 * chart lays out the same in the browser, under SSR and in an exported SVG.
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    if ('il.,:;|!\'`1()[]{}'.includes(ch) || ch === ' ') em += 0.3;
    else if ('mwMW@%'.includes(ch)) em += 0.85;
    else if (ch >= 'A' && ch <= 'Z') em += 0.68;
    else em += 0.56;
  }
  return em * fontSize;
}

/**
 * `text` shortened with an ellipsis so that it fits in `maxWidth` px at `fontSize` ({@link textWidth});
 * `truncated` tells the caller to keep the full text in a `<title>`. An empty string if not even "…" fits.
 */
export function fitLabel(text: string, maxWidth: number, fontSize: number): { text: string; truncated: boolean } {
  if (textWidth(text, fontSize) <= maxWidth) return { text, truncated: false };
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  // longest prefix p with width(p + '…') ≤ maxWidth (width is monotone in the prefix length)
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (textWidth(chars.slice(0, mid).join('').trimEnd() + '…', fontSize) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0) return { text: textWidth('…', fontSize) <= maxWidth ? '…' : '', truncated: true };
  return { text: chars.slice(0, lo).join('').trimEnd() + '…', truncated: true };
}
