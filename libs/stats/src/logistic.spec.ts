import { brierScore, calibrationCurve, calibrationInterceptSlope, decisionCurve, hosmerLemeshow } from './calibration';
import { LogisticRegression } from './logistic';
import { fromColumns } from './matrix';
import { expectAllClose, expectClose, loadGolden, nums } from './spec-helpers';

const g = loadGolden('logistic');

describe('logistic regression vs R glm (binomial)', () => {
  for (const f of g.fits) {
    it(f.name, () => {
      const x = fromColumns(f.X.map(nums), f.features);
      const fit = new LogisticRegression().fit(x, nums(f.y));
      expect(fit.converged).toBe(true);
      expect(fit.warnings).toEqual([]);
      f.coef.forEach((c: { name: string; estimate: number; se: number; z: number; p: number; lower: number; upper: number }, j: number) => {
        const m = fit.coefficients[j];
        expect(m.name).toBe(c.name);
        // iterative fit: 1e-8 relative on estimates, SE, z; p-values 1e-7 relative
        expectClose(m.estimate, c.estimate, 1e-8, 1e-12, `${c.name} estimate`);
        expectClose(m.se, c.se, 1e-8, 0, `${c.name} se`);
        expectClose(m.z, c.z, 1e-8, 1e-12, `${c.name} z`);
        expectClose(m.p, c.p, 1e-7, 1e-300, `${c.name} p`);
        expectClose(m.lower, c.lower, 1e-8, 1e-12, `${c.name} lower`);
        expectClose(m.upper, c.upper, 1e-8, 1e-12, `${c.name} upper`);
      });
      expectClose(fit.deviance, f.deviance, 1e-10, 0, 'deviance');
      expectClose(fit.nullDeviance, f.nullDeviance, 1e-10, 0, 'null deviance');
      expectClose(fit.aic, f.aic, 1e-10, 0, 'aic');
      expectAllClose(fit.fitted, nums(f.fitted), 1e-8, 1e-14, 'fitted');
      expectAllClose(fit.predict(x), nums(f.fitted), 1e-8, 1e-14, 'predict');
    });
  }

  it('collinear and constant columns are named in the error', () => {
    const a = [1, 2, 3, 4, 5, 6];
    expect(() => new LogisticRegression().fit(fromColumns([a, a.map((v) => 2 * v)], ['a', 'twoA']), [0, 1, 0, 1, 1, 0])).toThrow(/column twoA is constant or collinear/);
    expect(() => new LogisticRegression().fit(fromColumns([a, [1, 1, 1, 1, 1, 1]], ['a', 'k']), [0, 1, 0, 1, 1, 0])).toThrow(/column k/);
  });
  it('perfect separation terminates with a warning', () => {
    const fit = new LogisticRegression({ maxIter: 30 }).fit(fromColumns([[1, 2, 3, 4, 5, 6]], ['x']), [0, 0, 0, 1, 1, 1]);
    expect(fit.warnings.join(' ')).toMatch(/numerically 0 or 1/);
  });
  it('one class only and non-finite values are errors', () => {
    expect(() => new LogisticRegression().fit(fromColumns([[1, 2, 3]], ['x']), [1, 1, 1])).toThrow(/only one class/);
    expect(() => new LogisticRegression().fit(fromColumns([[1, NaN, 3]], ['x']), [1, 0, 1])).toThrow(/column x, row 1/);
  });
});

describe('calibration vs R', () => {
  const c = g.calibration;
  const y = nums(c.y);
  const p = nums(c.p);
  it('Brier (1e-12), intercept and slope (1e-8)', () => {
    expectClose(brierScore(y, p), c.brier, 1e-12, 0, 'brier');
    const cal = calibrationInterceptSlope(y, p);
    expectClose(cal.intercept, c.intercept, 1e-8, 1e-12, 'intercept');
    expectClose(cal.slope, c.slope, 1e-8, 0, 'slope');
    expectClose(cal.slopeIntercept, c.slopeIntercept, 1e-8, 1e-12, 'slope intercept');
  });
  it.each([
    ['hl10', 10],
    ['hl5', 5],
  ])('Hosmer–Lemeshow %s = hoslem.test (1e-10)', (key, groups) => {
    const h = hosmerLemeshow(y, p, groups as number);
    const e = c[key as string];
    expectClose(h.statistic, e.statistic, 1e-10, 0, 'chisq');
    expect(h.df).toBe(e.df);
    expectClose(h.p, e.p, 1e-9, 0, 'p');
    expect(h.groups).toBe(e.groups);
    expect(h.table.map((t) => t.n)).toEqual(nums(e.n));
    expectAllClose(calibrationCurve(y, p, groups as number).map((t) => t.meanPredicted), nums(e.meanPredicted), 1e-12, 0, 'curve x');
    expectAllClose(calibrationCurve(y, p, groups as number).map((t) => t.observed), nums(e.observed), 1e-12, 0, 'curve y');
  });
  it('decision curve net benefit (1e-12)', () => {
    const d = decisionCurve(y, p, nums(c.dca.thresholds));
    expectAllClose(d.map((q) => q.netBenefit), nums(c.dca.netBenefit), 1e-12, 1e-15, 'nb');
    expectAllClose(d.map((q) => q.treatAll), nums(c.dca.treatAll), 1e-12, 1e-15, 'all');
  });
  it('probabilities outside (0, 1) are rejected for the logit-based fits', () => {
    expect(() => calibrationInterceptSlope([0, 1], [0, 0.5])).toThrow(/probs\[0\] = 0/);
  });
});
