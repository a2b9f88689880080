import { cohenKappa, thresholdMetrics, wilsonCi } from './classification';
import { expectClose, loadGolden } from './spec-helpers';

const g = loadGolden('classification');
const KEYS = ['accuracy', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'balancedAccuracy', 'kappa', 'mcc'] as const;

describe('threshold metrics vs scikit-learn (1e-12 relative)', () => {
  for (const c of g.threshold) {
    it(`${c.column} >= ${c.threshold}`, () => {
      const m = thresholdMetrics(c.labels, c.scores, c.threshold);
      expect([m.tp, m.fp, m.tn, m.fn]).toEqual([c.tp, c.fp, c.tn, c.fn]);
      for (const k of KEYS) {
        if (c[k] === null) expect(m[k]).toBeNull();
        else expectClose(m[k], c[k], 1e-12, 1e-15, k);
      }
    });
  }
  it('undefined metrics are null, never 0', () => {
    const m = thresholdMetrics([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], 2);
    expect(m.tp + m.fp).toBe(0);
    expect(m.ppv).toBeNull();
    expect(m.mcc).toBeNull();
    expect(m.ci.ppv).toBeNull();
    expect(m.sensitivity).toBe(0);
  });
  it('Wilson CI degenerate cases stay in [0, 1]', () => {
    expect(wilsonCi(0, 0)).toBeNull();
    expect(wilsonCi(0, 5)!.lower).toBe(0);
    expect(wilsonCi(5, 5)!.upper).toBe(1);
    expect(() => wilsonCi(6, 5)).toThrow(/outside/);
  });
});

describe("Cohen's kappa (unweighted, linear, quadratic) vs scikit-learn (1e-12)", () => {
  for (const k of g.kappa) {
    it(`${k.name} ${k.weights}`, () => {
      expectClose(cohenKappa(k.r1, k.r2, k.weights), k.kappa, 1e-12, 1e-15, 'kappa');
    });
  }
});
