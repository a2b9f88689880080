/**
 * Pure chart geometry: scales, ticks, SVG path strings and the small statistics the charts derive
 * from API payloads (Wilson intervals, decision curves from ROC points). No DOM, no React: unit-tested.
 */

/** A point in data space or in pixel space. */
export interface XY {
  x: number;
  y: number;
}

/** A linear map from a data interval to a pixel interval, with its inverse. */
export interface LinearScale {
  (v: number): number;
  domain: [number, number];
  range: [number, number];
  invert(px: number): number;
}

/**
 * Linear scale `v ↦ r0 + (v − d0)·(r1 − r0)/(d1 − d0)`.
 * A degenerate domain (d0 = d1) maps every value to the middle of the range instead of dividing by zero.
 */
export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const f = ((v: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) * (r1 - r0)) / span)) as LinearScale;
  f.domain = [d0, d1];
  f.range = [r0, r1];
  f.invert = (px: number) => (r1 === r0 ? d0 : d0 + ((px - r0) * span) / (r1 - r0));
  return f;
}

/**
 * "Nice" tick values covering [min, max]: steps of 1, 2, 2.5 or 5 × 10^k, about `count` of them
 * (Heckbert's nice-numbers idea). Returns `[min]` when min = max; swaps reversed bounds; throws on non-finite bounds.
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new Error(`niceTicks: bounds must be finite, got [${min}, ${max}]`);
  }
  if (min > max) [min, max] = [max, min];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
  const start = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= max + step * 1e-9; v += step) {
    // round away binary noise (0.30000000000000004 → 0.3)
    ticks.push(Number.parseFloat(v.toPrecision(12)));
  }
  return ticks;
}

/** Formats a number for an axis label with at most `digits` decimals and no trailing zeros. */
export function formatTick(v: number, digits = 2): string {
  const s = v.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const r = (v: number) => Math.round(v * 100) / 100;

/** Polyline path `M x0,y0 L x1,y1 …` through pixel points; empty string for no points. Non-finite points are skipped. */
export function linePath(points: readonly XY[]): string {
  const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (pts.length === 0) return '';
  return pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(p.x)},${r(p.y)}`).join(' ');
}

/**
 * Right-continuous step path (Kaplan–Meier style): from each point go horizontally to the next x, then vertically
 * to its y. `extendTo` (pixel x) carries the last level to the right edge.
 */
export function stepPath(points: readonly XY[], extendTo?: number): string {
  const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (pts.length === 0) return '';
  let d = `M${r(pts[0].x)},${r(pts[0].y)}`;
  for (let i = 1; i < pts.length; i++) {
    d += ` H${r(pts[i].x)} V${r(pts[i].y)}`;
  }
  if (extendTo !== undefined && extendTo > pts[pts.length - 1].x) d += ` H${r(extendTo)}`;
  return d;
}

/** Step points (the corners a right-continuous step function visits), used to build step-shaped bands. */
export function stepCorners(points: readonly XY[]): XY[] {
  const out: XY[] = [];
  for (let i = 0; i < points.length; i++) {
    if (i > 0) out.push({ x: points[i].x, y: points[i - 1].y });
    out.push(points[i]);
  }
  return out;
}

/**
 * Closed band polygon between an upper and a lower boundary (pixel points, both ordered by x):
 * upper left→right, then lower right→left, `Z`. Empty string if either side is empty.
 */
export function bandPath(upper: readonly XY[], lower: readonly XY[]): string {
  if (upper.length === 0 || lower.length === 0) return '';
  const back = [...lower].reverse();
  return `${linePath(upper)} ${back.map((p) => `L${r(p.x)},${r(p.y)}`).join(' ')} Z`;
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
