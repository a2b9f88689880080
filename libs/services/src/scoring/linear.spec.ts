import goldens from './fixtures/scoring-goldens.json';
import {
  coxCurve,
  expit,
  linearPredictor,
  logisticProbability,
  medianSurvival,
  nomogramPoints,
  riskGroup,
  survivalAt,
  transformValue,
} from './linear';

// Goldens: R glm/predict(se.fit), rms::nomogram, survival::coxph/survfit — tools/goldens/api-scoring/generate.R.

describe('logistic scoring vs R glm (delta-method CI on the linear predictor)', () => {
  const g = goldens.logistic;
  it.each(g.cases.map((c, i) => [i, c] as const))('case %i: η, se(η), p and 95%% CI', (_, c) => {
    const { eta, se } = linearPredictor(['wt', 'hp'], c.x, g.coefficients, {
      intercept: g.intercept,
      covariance: g.covariance,
      covarianceOrder: g.covarianceOrder,
    });
    expect(eta).toBeCloseTo(c.eta, 10);
    expect(se).not.toBeNull();
    expect(se!).toBeCloseTo(c.se, 10);
    const { probability, ci } = logisticProbability(eta, se);
    expect(probability).toBeCloseTo(c.probability, 12);
    expect(ci![0]).toBeCloseTo(c.ci[0]!, 10);
    expect(ci![1]).toBeCloseTo(c.ci[1]!, 10);
  });

  it('gives no CI without a covariance matrix, and names a wrongly sized one', () => {
    const c = g.cases[0]!;
    const r = linearPredictor(['wt', 'hp'], c.x, g.coefficients, { intercept: g.intercept });
    expect(r.se).toBeNull();
    expect(logisticProbability(r.eta, r.se).ci).toBeNull();
    expect(() =>
      linearPredictor(['wt', 'hp'], c.x, g.coefficients, { intercept: g.intercept, covariance: [[1]] }),
    ).toThrow(/covariance is 1x1 but 3/);
    expect(() => linearPredictor(['wt', 'zz'], c.x, g.coefficients)).toThrow(/no coefficient for predictor zz/);
    expect(() => linearPredictor(['wt', 'hp'], { wt: 1 }, g.coefficients)).toThrow(/hp has no finite value/);
  });
});

describe('nomogram points vs rms::nomogram', () => {
  const g = goldens.nomogram;
  const defs = [
    { name: 'wt', min: g.ranges.wt[0], max: g.ranges.wt[1] },
    { name: 'hp', min: g.ranges.hp[0], max: g.ranges.hp[1] },
  ];
  it.each(g.cases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const r = nomogramPoints(defs, c.x, g.coefficients);
    expect(r.points.find((p) => p.predictor === 'wt')!.points).toBeCloseTo(c.points.wt, 1);
    expect(r.points.find((p) => p.predictor === 'hp')!.points).toBeCloseTo(c.points.hp, 1);
    expect(r.totalPoints).toBeCloseTo(c.points.wt + c.points.hp, 1);
  });

  it('total points are monotone in the linear predictor', () => {
    const coef = { a: 0.8, b: -0.3 };
    const d = [
      { name: 'a', min: 0, max: 10 },
      { name: 'b', min: 0, max: 20 },
    ];
    const xs = [
      { a: 1, b: 3 },
      { a: 5, b: 19 },
      { a: 7, b: 2 },
      { a: 9, b: 0 },
    ];
    const pairs = xs
      .map((x) => [linearPredictor(['a', 'b'], x, coef).eta, nomogramPoints(d, x, coef).totalPoints] as const)
      .sort((p, q) => p[0] - q[0]);
    for (let i = 1; i < pairs.length; i++) expect(pairs[i]![1]).toBeGreaterThanOrEqual(pairs[i - 1]![1]);
  });
});

describe('Cox survival vs survival::survfit', () => {
  const g = goldens.cox;
  const baseline = g.baseline;
  it.each(g.cases.map((c, i) => [i, c] as const))('case %i: curve and median', (_, c) => {
    const { eta, se } = linearPredictor(['age', 'ph.ecog'], c.x, g.coefficients, {
      means: g.means,
      covariance: g.covariance,
      covarianceOrder: g.covarianceOrder,
    });
    expect(eta).toBeCloseTo(c.eta, 10);
    expect(se!).toBeCloseTo(c.se, 10);
    const curve = coxCurve(baseline, eta, se);
    for (let i = 0; i < c.times.length; i += 7) {
      expect(survivalAt(curve, c.times[i]!).s).toBeCloseTo(c.surv[i]!, 10);
    }
    expect(medianSurvival(curve)).toBeCloseTo(c.median, 10);
    for (const p of curve) {
      expect(p.lo!).toBeLessThanOrEqual(p.s + 1e-15);
      expect(p.hi!).toBeGreaterThanOrEqual(p.s - 1e-15);
    }
  });

  it('survivalAt is a right-continuous step function starting at 1', () => {
    const curve = coxCurve(
      [
        { t: 1, s: 0.9 },
        { t: 2, s: 0.8 },
      ],
      0,
      null,
    );
    expect(survivalAt(curve, 0.5)).toEqual({ t: 0.5, s: 1, lo: null, hi: null });
    expect(survivalAt(curve, 1).s).toBe(0.9);
    expect(survivalAt(curve, 1.99).s).toBe(0.9);
    expect(survivalAt(curve, 5).s).toBe(0.8);
    expect(medianSurvival(curve)).toBeNull();
  });
});

describe('helpers', () => {
  it('expit is stable at the extremes', () => {
    expect(expit(0)).toBe(0.5);
    expect(expit(800)).toBe(1);
    expect(expit(-800)).toBe(0);
  });
  it('transforms and refuses out-of-domain values by name', () => {
    expect(transformValue(Math.E, 'log')).toBeCloseTo(1, 15);
    expect(transformValue(100, 'log10')).toBe(2);
    expect(transformValue(0, 'log1p')).toBe(0);
    expect(() => transformValue(0, 'log', 'afp')).toThrow(/afp: log transform needs a positive value, got 0/);
  });
  it('risk groups by thresholds', () => {
    expect(riskGroup(0.1)).toBe('low');
    expect(riskGroup(0.2)).toBe('intermediate');
    expect(riskGroup(0.5)).toBe('high');
    expect(riskGroup(0.3, [0.1, 0.25])).toBe('high');
  });
});
