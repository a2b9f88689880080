import { renderToStaticMarkup } from 'react-dom/server';
import { CalibrationChart } from './CalibrationChart';
import { DecisionCurveChart } from './DecisionCurveChart';
import { KmChart } from './KmChart';
import { NomogramChart } from './NomogramChart';
import { RocChart } from './RocChart';

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
    expect(html).toContain('d="M52,356 L52,34 L404,34"');
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
});
