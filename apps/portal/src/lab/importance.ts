/**
 * Feature importance of a linear model for the charts: each coefficient times its predictor's range in the data
 * (the span a nomogram axis covers), signed by the coefficient — the change in the linear predictor (log-odds or
 * log-hazard) from the lowest to the highest observed value. Predictors without a range count with range 1.
 */
export function rangeImportance(
  coefficients: Readonly<Record<string, number>>,
  inputs: readonly { name: string; min?: number; max?: number }[] = [],
): { feature: string; value: number }[] {
  const ranges = new Map(inputs.map((i) => [i.name, i]));
  return Object.entries(coefficients)
    .filter(([, b]) => Number.isFinite(b))
    .map(([feature, b]) => {
      const r = ranges.get(feature);
      const span = r && typeof r.min === 'number' && typeof r.max === 'number' && r.max > r.min ? r.max - r.min : 1;
      return { feature, value: b * span };
    });
}
