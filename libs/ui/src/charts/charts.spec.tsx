import { renderToStaticMarkup } from 'react-dom/server';
import { CalibrationChart } from './CalibrationChart';
import { DecisionCurveChart } from './DecisionCurveChart';
import { KmChart } from './KmChart';
import { NomogramChart } from './NomogramChart';
import { RocChart } from './RocChart';
import { FeatureImportanceChart } from './FeatureImportanceChart';
import { textWidth } from './geometry';

describe('chart components render SVG with their data', () => {
  it('RocChart draws the curve through the pixel points of its scale, plus the band and AUC legend', () => {
    const html = renderToStaticMarkup(
      <RocChart
        width={420}
        height={400}
        curves={[{ label: 'M1', roc: [{ fpr: 0, tpr: 1, threshold: 0.5 }], auc: 0.91, aucCi: [0.85, 0.97], band: [{ fpr: 0, lo: 0.8, hi: 1 }, { fpr: 1, lo: 1, hi: 1 }] }]}
      />,
    );
    // x: [0,1] → [52,404]; y: [0,1] → [356,34]; points (0,0),(0,1),(1,1)
    expect(html).toContain('d="M52,356L52,34L404,34"');
    expect(html).toContain('data-role="roc-band"');
    expect(html).toContain('AUC 0.910');
    expect(html).toContain('0.850–0.970');
  });
  it('CalibrationChart draws one marker per bin', () => {
    const html = renderToStaticMarkup(<CalibrationChart bins={[{ predicted: 0.2, observed: 0.1, n: 20 }, { predicted: 0.7, observed: 0.8, n: 10 }]} brier={0.123} />);
    expect(html.match(/data-role="calibration-bin"/g)).toHaveLength(2);
    expect(html).toContain('Brier 0.123');
  });
  it('KmChart draws a step curve per group', () => {
    const html = renderToStaticMarkup(<KmChart curves={[{ label: 'low', points: [{ t: 10, s: 0.8 }] }, { label: 'high', points: [{ t: 5, s: 0.5 }], dashed: true }]} />);
    expect(html.match(/data-role="km-curve"/g)).toHaveLength(2);
    expect(html).toContain('stroke-dasharray="6 4"');
  });
  it('NomogramChart marks each predictor and the total', () => {
    const html = renderToStaticMarkup(
      <NomogramChart points={[{ predictor: 'AFP', value: 400, points: 50 }, { predictor: 'diameter', value: 6.1, points: 25 }]} totalPoints={75} probability={0.42} ci={[0.3, 0.55]} />,
    );
    expect(html.match(/data-role="nomogram-row"/g)).toHaveLength(2);
    expect(html).toContain('data-role="nomogram-total"');
    expect(html).toContain('42.0%');
    expect(html).toContain('30.0–55.0%');
  });
  it('DecisionCurveChart renders model and treat-all lines', () => {
    const html = renderToStaticMarkup(<DecisionCurveChart points={[{ threshold: 0, model: 0.3, treatAll: 0.3 }, { threshold: 0.5, model: 0.1, treatAll: -0.4 }]} />);
    expect(html).toContain('treat all');
    expect(html.match(/<path /g)!.length).toBeGreaterThanOrEqual(2);
  });
  it('NomogramChart cuts long predictor names before the axes and keeps the full name in a tooltip', () => {
    const long = 'log10 alpha-fetoprotein at baseline (ng/mL)';
    const html = renderToStaticMarkup(<NomogramChart width={360} points={[{ predictor: long, value: 2.6, points: 40 }, { predictor: 'age', value: 64, points: 10 }]} totalPoints={50} />);
    // LEFT = min(170, 0.3·360) = 108: the label column ends 10 px before it
    const label = /data-role="nomogram-label" data-full="([^"]*)"><title>([^<]*)<\/title>([^<]*)<\/text>/.exec(html);
    expect(label).not.toBeNull();
    expect(label![1]).toBe(long);
    expect(label![2]).toBe(long);
    expect(label![3].endsWith('…')).toBe(true);
    expect(12 + textWidth(label![3], 11)).toBeLessThanOrEqual(108 - 10);
    // a short name is drawn as is, without a tooltip
    expect(html).toMatch(/data-role="nomogram-label">age<\/text>/);
  });
  it('FeatureImportanceChart draws one bar per feature, largest |value| first, long names cut', () => {
    const html = renderToStaticMarkup(
      <FeatureImportanceChart values={[{ feature: 'a', value: 0.1 }, { feature: 'original_glszm_LargeAreaHighGrayLevelEmphasis_portal', value: -2 }]} />,
    );
    expect(html.match(/data-role="importance-bar"/g)).toHaveLength(2);
    expect(html.indexOf('-2.000')).toBeLessThan(html.indexOf('0.100'));
    expect(html).toContain('<title>original_glszm_LargeAreaHighGrayLevelEmphasis_portal</title>');
  });
  it('KmChart prints its note inside the SVG and marks the dashed (patient) curve', () => {
    const html = renderToStaticMarkup(
      <KmChart note="log-rank p = 0.012" curves={[{ label: 'high (n=30)', points: [{ t: 5, s: 0.5, lo: 0.3, hi: 0.7 }] }, { label: 'this patient', points: [{ t: 3, s: 0.9 }], dashed: true }]} />,
    );
    expect(html).toContain('data-role="km-note">log-rank p = 0.012');
    expect(html).toContain('data-label="this patient" data-dashed="true"');
  });
});
