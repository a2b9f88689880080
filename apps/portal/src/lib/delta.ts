/**
 * Delta view logic: lesion size changes between two timepoints, a RECIST 1.1-style response category on the sum
 * of longest diameters, and radiomic feature changes. Pure functions (unit-tested).
 *
 * Reference: Eisenhauer EA et al. New response evaluation criteria in solid tumours: revised RECIST guideline
 * (version 1.1). Eur J Cancer 2009;45:228–247. (mRECIST for HCC measures the *enhancing* diameter, which the
 * platform does not store separately; the category here uses the recorded diameters and says so.)
 */

export interface LesionMeasure {
  label: string;
  diameterMm?: number | null;
  volumeMl?: number | null;
}

export interface LesionDelta {
  label: string;
  before: LesionMeasure | null;
  after: LesionMeasure | null;
  /** 'new' = only at the later timepoint, 'gone' = only at the earlier one. */
  status: 'measured' | 'new' | 'gone';
  diameterChangePct: number | null;
  volumeChangePct: number | null;
}

/** Relative change (b − a)/a in percent; null when either is missing or a is 0. */
export function pctChange(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || a === 0) return null;
  return ((b - a) / a) * 100;
}

/** Pairs lesions of two timepoints by label (case-insensitive), earlier-timepoint order first, then new lesions. */
export function lesionDeltas(before: readonly LesionMeasure[], after: readonly LesionMeasure[]): LesionDelta[] {
  const key = (l: LesionMeasure) => l.label.trim().toLowerCase();
  const later = new Map(after.map((l) => [key(l), l]));
  const out: LesionDelta[] = before.map((b) => {
    const a = later.get(key(b)) ?? null;
    later.delete(key(b));
    return {
      label: b.label,
      before: b,
      after: a,
      status: a ? 'measured' : 'gone',
      diameterChangePct: a ? pctChange(b.diameterMm, a.diameterMm) : null,
      volumeChangePct: a ? pctChange(b.volumeMl, a.volumeMl) : null,
    };
  });
  for (const a of later.values()) out.push({ label: a.label, before: null, after: a, status: 'new', diameterChangePct: null, volumeChangePct: null });
  return out;
}

export type ResponseCategory = 'CR' | 'PR' | 'SD' | 'PD' | 'NE';

/**
 * RECIST 1.1-style category from the sums of longest diameters (mm) at baseline and follow-up:
 * PD if a new lesion appeared, or the sum grew ≥ 20 % and ≥ 5 mm; CR if the follow-up sum is 0 (all gone);
 * PR if it fell ≥ 30 %; SD otherwise; NE (not evaluable) when the baseline sum is missing or 0.
 */
export function responseCategory(sumBefore: number | null, sumAfter: number | null, newLesions = false): ResponseCategory {
  if (newLesions) return 'PD';
  if (sumBefore == null || sumAfter == null || !(sumBefore > 0)) return 'NE';
  const change = (sumAfter - sumBefore) / sumBefore;
  if (change >= 0.2 && sumAfter - sumBefore >= 5) return 'PD';
  if (sumAfter === 0) return 'CR';
  if (change <= -0.3) return 'PR';
  return 'SD';
}

/** Sum of diameters of the measured lesions (missing diameters ignored; a lesion that is gone counts 0). */
export function sumDiameters(ls: readonly (LesionMeasure | null)[]): number | null {
  let s = 0;
  let any = false;
  for (const l of ls) {
    if (l?.diameterMm != null && Number.isFinite(l.diameterMm)) {
      s += l.diameterMm;
      any = true;
    }
  }
  return any ? s : null;
}

/** Response of a delta table: sums over lesions present at baseline, PD on new lesions. */
export function deltaResponse(deltas: readonly LesionDelta[]): { before: number | null; after: number | null; category: ResponseCategory } {
  const base = deltas.filter((d) => d.before);
  const before = sumDiameters(base.map((d) => d.before));
  const afterRaw = sumDiameters(base.map((d) => d.after));
  const after = afterRaw ?? (base.length > 0 && base.every((d) => d.status === 'gone') ? 0 : null);
  return { before, after, category: responseCategory(before, after, deltas.some((d) => d.status === 'new')) };
}

export interface FeatureSetLike {
  lesionLabel: string | null;
  structure?: string;
  phase: string;
  values: Record<string, number>;
}

export interface FeatureDelta {
  key: string;
  feature: string;
  before: number;
  after: number;
  changePct: number | null;
}

/**
 * Feature changes between two timepoints for the same (lesion or structure, phase): one row per feature present
 * in both, sorted by |relative change| (largest first; rows without a relative change last).
 */
export function featureDeltas(before: readonly FeatureSetLike[], after: readonly FeatureSetLike[]): FeatureDelta[] {
  const keyOf = (f: FeatureSetLike) => `${f.lesionLabel ?? f.structure ?? '?'} · ${f.phase}`;
  const later = new Map(after.map((f) => [keyOf(f), f]));
  const rows: FeatureDelta[] = [];
  for (const b of before) {
    const a = later.get(keyOf(b));
    if (!a) continue;
    for (const [feature, v] of Object.entries(b.values)) {
      const w = a.values[feature];
      if (typeof v !== 'number' || typeof w !== 'number' || !Number.isFinite(v) || !Number.isFinite(w)) continue;
      rows.push({ key: keyOf(b), feature, before: v, after: w, changePct: pctChange(v, w) });
    }
  }
  return rows.sort((x, y) => Math.abs(y.changePct ?? -1) - Math.abs(x.changePct ?? -1));
}
