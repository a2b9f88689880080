/**
 * Delta radiomics: change of a lesion's features between two timepoints.
 *
 * For each feature present in both sets: absolute Δ = b − a, relative Δ = (b − a)/|a| and, when the dates
 * are given, per-day Δ = (b − a)/days. Sets extracted with different settings (different settings hashes)
 * are refused: their features are not comparable.
 *
 * Edge cases (NaN with a reason): a feature NaN at either timepoint; relative change when a = 0; per-day
 * change when both dates are equal.
 *
 * Reference: Fave X et al., Delta-radiomics features for the prediction of patient outcomes in non-small
 * cell lung cancer, Sci Rep 2017;7:588.
 */
export interface FeatureSet {
  features: Record<string, number>;
  settingsHash: string;
  /** acquisition date (ISO string or Date); needed for per-day change */
  date?: string | Date;
}

export interface DeltaResult {
  absolute: Record<string, number>;
  relative: Record<string, number>;
  perDay: Record<string, number>;
  days: number | null;
  reasons: Record<string, string>;
}

export function deltaRadiomics(a: FeatureSet, b: FeatureSet): DeltaResult {
  if (a.settingsHash !== b.settingsHash) {
    throw new Error(`deltaRadiomics: the feature sets were extracted with different settings (hash ${a.settingsHash.slice(0, 12)}… vs ${b.settingsHash.slice(0, 12)}…); re-extract both with the same settings`);
  }
  let days: number | null = null;
  if (a.date !== undefined && b.date !== undefined) {
    const ta = new Date(a.date).getTime(), tb = new Date(b.date).getTime();
    if (!Number.isFinite(ta) || !Number.isFinite(tb)) throw new Error(`deltaRadiomics: invalid date (${String(a.date)}, ${String(b.date)})`);
    days = (tb - ta) / 86400000;
  }
  const out: DeltaResult = { absolute: {}, relative: {}, perDay: {}, days, reasons: {} };
  for (const k of Object.keys(a.features)) {
    if (!(k in b.features)) continue;
    const va = a.features[k], vb = b.features[k];
    const d = vb - va;
    out.absolute[k] = d;
    if (Number.isNaN(va) || Number.isNaN(vb)) {
      out.relative[k] = NaN;
      out.reasons[k] = 'feature undefined at one timepoint';
    } else if (va === 0) {
      out.relative[k] = NaN;
      out.reasons[`${k}:relative`] = 'baseline value is 0';
    } else out.relative[k] = d / Math.abs(va);
    if (days !== null) {
      out.perDay[k] = days === 0 ? NaN : d / days;
      if (days === 0) out.reasons[`${k}:perDay`] = 'both timepoints have the same date';
    }
  }
  return out;
}
