/**
 * IBSI 1 digital-phantom conformance for the families of this folder (morphology, local intensity,
 * intensity statistics, intensity histogram, intensity-volume histogram): every reference row of those
 * families in `fixtures/ibsi1/reference-values.csv` must match, within the published tolerance, or — where
 * none is published — equal the published value at its printed precision (|v − ref| ≤ half a unit of the
 * last printed digit). Prints a per-family pass table.
 */
import { FEATURES } from './features/registry';
import { intensityHistogramFeatures } from './features/intensity-histogram';
import { intensityStatistics } from './features/intensity-statistics';
import { ivhFeatures } from './features/ivh';
import { localIntensityFeatures } from './features/local-intensity';
import { morphologyFeatures } from './features/morphology';
import { discretiseNone, roiLevels } from './processing/discretise';
import { roiValues } from './roi';
import { loadIbsiPhantom, loadIbsiReferenceRows, printedHalfUnit, rowMatches } from './testing/ibsi-phantom';

const MY_FAMILIES = new Set(FEATURES.map((f) => f.family as string));

function computeAll(): Record<string, number> {
  const { image, mask } = loadIbsiPhantom();
  const values = roiValues(image, mask);
  const levels = roiLevels(discretiseNone(image, mask));
  return {
    ...morphologyFeatures(image, mask, mask),
    ...localIntensityFeatures(image, mask),
    ...intensityStatistics(values),
    ...intensityHistogramFeatures(levels, 6),
    ...ivhFeatures(values),
  };
}

describe('IBSI 1 digital phantom conformance (morphology, local intensity, statistics, histogram, IVH)', () => {
  const rows = loadIbsiReferenceRows().filter((r) => MY_FAMILIES.has(r.family));
  const features = computeAll();
  const byTitle = new Map(FEATURES.map((f) => [`${f.family}|${f.title}`, f]));

  it('covers all 74 reference rows of these families', () => {
    expect(rows).toHaveLength(74);
    for (const r of rows) expect(byTitle.has(`${r.family}|${r.feature}`)).toBe(true);
  });

  it('matches every reference row (table printed)', () => {
    const table = new Map<string, { pass: number; total: number }>();
    const failures: string[] = [];
    for (const r of rows) {
      const info = byTitle.get(`${r.family}|${r.feature}`)!;
      const v = features[info.tag];
      const ok = rowMatches(r, v);
      const t = table.get(r.family) ?? { pass: 0, total: 0 };
      t.total++;
      if (ok) t.pass++; else failures.push(`${r.family} / ${r.feature} (${info.tag}): got ${v}, reference ${r.valueText} ± ${r.tolerance ?? 'printed precision'}`);
      table.set(r.family, t);
    }
    const lines = [...table.entries()].map(([fam, t]) => `| ${fam.padEnd(28)} | ${String(t.pass).padStart(3)} / ${String(t.total).padEnd(3)} |`);
    const total = [...table.values()].reduce((a, t) => ({ pass: a.pass + t.pass, total: a.total + t.total }), { pass: 0, total: 0 });
    console.log(`IBSI 1 digital phantom conformance\n| family                       | pass / rows |\n${lines.join('\n')}\n| ${'total'.padEnd(28)} | ${String(total.pass).padStart(3)} / ${String(total.total).padEnd(3)} |${failures.length ? '\nFailures:\n' + failures.join('\n') : ''}`);
    expect(failures).toEqual([]);
  });

  it('rejects values outside the tolerance (the comparison can fail)', () => {
    const row = rows.find((r) => r.feature === 'Volume (mesh)')!;
    expect(rowMatches(row, 556)).toBe(true);
    expect(rowMatches(row, 561)).toBe(false);
    const mean = rows.find((r) => r.feature === 'Mean intensity')!;
    expect(rowMatches(mean, 2.1486)).toBe(true);
    expect(rowMatches(mean, 2.156)).toBe(false);
    expect(rowMatches(mean, NaN)).toBe(false);
    expect(printedHalfUnit('1.2e3')).toBeCloseTo(50);
    expect(printedHalfUnit('-0.355')).toBeCloseTo(0.0005);
  });
});
