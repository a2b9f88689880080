import { combat } from './combat';
import { LogisticRegression } from './logistic';
import { fromColumns } from './matrix';
import { anovaF, correlationFilter, icc, mannWhitney, mrmr, rfe, varianceFilter } from './selection';
import { expectAllClose, expectClose, loadGolden, nums } from './spec-helpers';

const r = loadGolden('selection');
const s = loadGolden('selection_sklearn');

describe('feature selection vs scikit-learn', () => {
  const x = fromColumns(s.X.map(nums), s.features);
  const y = nums(s.y);
  it('variance threshold (population variance, 1e-12)', () => {
    const v = varianceFilter(x, 0.5);
    expect(v.kept).toEqual(s.varianceKept);
    expectAllClose(v.variances, nums(s.variances), 1e-12, 1e-15, 'var');
  });
  it('ANOVA F and p = f_classif (1e-10)', () => {
    const a = anovaF(x, y);
    expectAllClose(a.f, nums(s.f), 1e-10, 0, 'F');
    expectAllClose(a.p, nums(s.p), 1e-9, 1e-300, 'p');
  });
  it('mRMR (FCQ) order and scores (1e-10)', () => {
    const m = mrmr(x, y, 8);
    expect(m.selected).toEqual(s.mrmr);
    expectAllClose(m.scores, nums(s.mrmrScores), 1e-10, 0, 'scores');
  });
  it('greedy correlation filter', () => {
    expect(correlationFilter(x, 0.6).kept).toEqual(s.corrKept);
  });
  it('RFE around logistic regression (|standardised coefficient|) = sklearn RFE ranking', () => {
    const n = x.rows;
    const stdCols = Array.from({ length: x.cols }, (_, j) => {
      const c = Array.from({ length: n }, (_, i) => x.data[i * x.cols + j]);
      const m = c.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(c.reduce((a, b) => a + (b - m) ** 2, 0) / n);
      return c.map((v) => (v - m) / sd);
    });
    const xs = fromColumns(stdCols, s.features);
    const imp = (sub: typeof xs, yy: ArrayLike<number>) => Array.from(new LogisticRegression().fit(sub, yy).beta.slice(1), Math.abs);
    const res = rfe(xs, y, imp, 5, 2);
    expect(res.ranking).toEqual(s.rfeRanking);
  });
});

describe('feature stability and harmonisation vs R', () => {
  it('Mann–Whitney = wilcox.test(exact = FALSE, correct = TRUE) (1e-10)', () => {
    const died = nums(r.died);
    r.mannWhitney.forEach((m: { feature: string; w: number; p: number }, j: number) => {
      const res = mannWhitney(nums(r.X0[j]), died);
      expectClose(res.u, m.w, 1e-12, 0, `${m.feature} W`);
      expectClose(res.p, m.p, 1e-9, 1e-300, `${m.feature} p`);
    });
  });
  it('ICC(1,1), ICC(2,1), ICC(3,1) and k-rater forms with 95% CIs = psych::ICC (1e-8)', () => {
    const ratings = fromColumns(r.ratings.map(nums), ['a', 'b', 'c']);
    const mine = icc(ratings);
    r.icc.forEach((e: Record<string, number | string>, k: number) => {
      const m = mine[k];
      expect(m.type).toBe(e.type);
      expectClose(m.icc, e.icc as number, 1e-10, 0, `${e.type} icc`);
      expectClose(m.f, e.f as number, 1e-10, 0, `${e.type} F`);
      expectClose(m.p, e.p as number, 1e-8, 1e-300, `${e.type} p`);
      expectClose(m.lower, e.lower as number, 1e-8, 0, `${e.type} lower`);
      expectClose(m.upper, e.upper as number, 1e-8, 0, `${e.type} upper`);
    });
  });
  const xb = fromColumns(r.X.map(nums), r.features);
  const batch = nums(r.batch);
  const check = (got: Float64Array, want: number[][]) => {
    want.forEach((col, j) => expectAllClose(Array.from({ length: xb.rows }, (_, i) => got[i * xb.cols + j]), nums(col), 1e-9, 1e-9, `feature ${j}`));
  };
  it('ComBat (parametric EB) = sva::ComBat (1e-9)', () => {
    check(combat(xb, batch).data.data, r.combat);
  });
  it('ComBat with covariates (outcome, sex) preserved = sva::ComBat(mod = ~ died + Gender) (1e-9)', () => {
    check(combat(xb, batch, { covariates: fromColumns([nums(r.died), nums(r.gender)], ['died', 'Gender']) }).data.data, r.combatMod);
  });
  it('ComBat mean-only = sva::ComBat(mean.only = TRUE) (1e-9)', () => {
    check(combat(xb, batch, { meanOnly: true }).data.data, r.combatMeanOnly);
  });
  it('confounded covariates are an error', () => {
    expect(() => combat(xb, batch, { covariates: fromColumns([batch.map((b) => (b === 1 ? 1 : 0))], ['site1']) })).toThrow(/confounded/);
  });
});
