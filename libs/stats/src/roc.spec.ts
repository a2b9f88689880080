import { pchisqUpper, pfUpper, pnorm, pnormUpper, qnorm } from './distributions';
import { aucCiBootstrap, aucCiDelong, roc, rocTestPaired, rocTestUnpaired, youden, auc } from './roc';
import { wilsonCi } from './classification';
import { expectAllClose, expectClose, loadGolden, num, nums } from './spec-helpers';

const g = loadGolden('roc');

describe('distribution functions vs R', () => {
  it('pnorm both tails to 1e-14 relative', () => {
    for (const c of g.dist.pnorm) {
      expectClose(pnorm(c.x), c.p, 1e-14, 1e-300, `pnorm(${c.x})`);
      expectClose(pnormUpper(c.x), c.q, 1e-14, 1e-300, `pnormUpper(${c.x})`);
    }
  });
  it('qnorm to 1e-14 relative', () => {
    for (const c of g.dist.qnorm) expectClose(qnorm(c.p), c.q, 1e-14, 1e-15, `qnorm(${c.p})`);
  });
  it('chi-square and F upper tails to 1e-10 relative', () => {
    for (const c of g.dist.pchisq) expectClose(pchisqUpper(c.x, c.df), c.q, 1e-10, 0, `pchisq(${c.x},${c.df})`);
    for (const c of g.dist.pf) expectClose(pfUpper(c.f, c.df1, c.df2), c.q, 1e-10, 0, `pf(${c.f})`);
  });
});

describe('ROC vs pROC', () => {
  for (const c of g.roc) {
    describe(c.name, () => {
      const y = nums(c.labels);
      const s = nums(c.scores);
      const r = roc(y, s, { direction: c.direction });
      it('thresholds, sensitivities, specificities (exact up to 1e-12)', () => {
        expectAllClose(r.thresholds, c.thresholds.map(num), 1e-12, 0, 'thresholds');
        expectAllClose(r.sensitivities, nums(c.sensitivities), 1e-12, 0, 'sens');
        expectAllClose(r.specificities, nums(c.specificities), 1e-12, 0, 'spec');
      });
      it('AUC, DeLong variance and CI (1e-12 relative)', () => {
        expectClose(r.auc, c.auc, 1e-12, 0, 'auc');
        const ci = aucCiDelong(y, s, { direction: c.direction });
        expectClose(ci.variance, c.variance, 1e-10, 0, 'var');
        expectClose(ci.lower, c.ci.lower, 1e-12, 0, 'lower');
        expectClose(ci.upper, c.ci.upper, 1e-12, 0, 'upper');
      });
      it('Youden threshold(s)', () => {
        const yd = youden(r);
        expectAllClose(yd.map((p) => p.threshold), nums(c.youden.threshold), 1e-12, 0, 'youden thr');
        expectAllClose(yd.map((p) => p.sensitivity), nums(c.youden.sensitivity), 1e-12, 0, 'youden sens');
        expectAllClose(yd.map((p) => p.specificity), nums(c.youden.specificity), 1e-12, 0, 'youden spec');
      });
      it('stratified bootstrap CI within Monte-Carlo error of pROC (±0.015 with 2000 replicates) and reproducible by seed', () => {
        const b1 = aucCiBootstrap(y, s, { direction: c.direction, replicates: 2000, seed: 7 });
        const b2 = aucCiBootstrap(y, s, { direction: c.direction, replicates: 2000, seed: 7 });
        expect(b1).toEqual(b2);
        expectClose(b1.lower, c.bootstrap.lower, 0, 0.015, 'boot lower');
        expectClose(b1.upper, c.bootstrap.upper, 0, 0.015, 'boot upper');
      });
    });
  }

  it('paired DeLong test (1e-10 relative)', () => {
    for (const t of g.paired) {
      const r = rocTestPaired(nums(t.labels), nums(t.s1), nums(t.s2), { direction1: t.direction1, direction2: t.direction2 });
      expectClose(r.auc1, t.auc1, 1e-12, 0, 'auc1');
      expectClose(r.auc2, t.auc2, 1e-12, 0, 'auc2');
      expectClose(r.z, t.z, 1e-10, 0, 'z');
      expectClose(r.p, t.p, 1e-9, 0, 'p');
    }
  });

  it('unpaired DeLong test (1e-10 relative)', () => {
    const u = g.unpaired;
    const r = rocTestUnpaired(nums(u.labels1), nums(u.s1), nums(u.labels2), nums(u.s2));
    expectClose(r.auc1, u.auc1, 1e-12, 0, 'auc1');
    expectClose(r.auc2, u.auc2, 1e-12, 0, 'auc2');
    expectClose(r.z, u.z, 1e-10, 0, 'z');
    expectClose(r.p, u.p, 1e-9, 0, 'p');
  });

  it('Wilson CI = prop.test(correct = FALSE) (1e-12)', () => {
    for (const w of g.wilson) {
      const ci = wilsonCi(w.x, w.n)!;
      expectClose(ci.lower, w.lower, 1e-12, 1e-15, 'lower');
      expectClose(ci.upper, w.upper, 1e-12, 1e-15, 'upper');
    }
  });
});

describe('ROC bad input', () => {
  it('one class only is an error naming the counts', () => {
    expect(() => auc([1, 1, 1], [0.1, 0.2, 0.3])).toThrow(/at least one case.*3 cases and 0 controls/);
  });
  it('mismatched lengths and non-finite scores are errors', () => {
    expect(() => auc([0, 1], [0.1])).toThrow(/labels has 2 values but scores has 1/);
    expect(() => auc([0, 1], [0.1, NaN])).toThrow(/scores\[1\]/);
    expect(() => auc([0, 2], [0.1, 0.2])).toThrow(/labels\[1\] = 2/);
  });
  it('perfect separation gives AUC 1 and CI clipped to 1', () => {
    const ci = aucCiDelong([0, 0, 0, 1, 1, 1], [1, 2, 3, 4, 5, 6]);
    expect(ci.auc).toBe(1);
    expect(ci.upper).toBe(1);
  });
  it('identical scores give z = 0, p = 1 in the paired test', () => {
    const r = rocTestPaired([0, 1, 0, 1], [1, 2, 3, 4], [1, 2, 3, 4]);
    expect(r.z).toBe(0);
    expect(r.p).toBe(1);
  });
});
