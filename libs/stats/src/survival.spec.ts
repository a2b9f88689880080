import { fromColumns } from './matrix';
import { expectAllClose, expectClose, loadGolden, nums } from './spec-helpers';
import { harrellC, unoC } from './survival/concordance';
import { CoxPH } from './survival/cox';
import { kaplanMeier } from './survival/km';
import { logRank } from './survival/logrank';

const g = loadGolden('survival');
const nullable = (v: unknown) => (v === null || v === 'NA' ? null : (v as number));

describe('Kaplan–Meier vs survfit (log-log CI)', () => {
  for (const c of g.km) {
    const time = nums(c.time);
    const event = nums(c.event);
    const group = Array.isArray(c.group) ? c.group : [c.group];
    for (const gr of c.groups) {
      it(`${c.name} [${gr.group}]`, () => {
        const keep = group.map((v: unknown) => String(v) === String(gr.group));
        const fit = kaplanMeier(time.filter((_, i) => keep[i]), event.filter((_, i) => keep[i]));
        expectAllClose(fit.table.map((r) => r.time), nums(gr.time), 0, 0, 'time');
        expect(fit.table.map((r) => r.nRisk)).toEqual(nums(gr.nRisk));
        expect(fit.table.map((r) => r.nEvent)).toEqual(nums(gr.nEvent));
        expect(fit.table.map((r) => r.nCensor)).toEqual(nums(gr.nCensor));
        // closed forms: 1e-12 relative
        expectAllClose(fit.table.map((r) => r.survival), nums(gr.surv), 1e-12, 1e-15, 'surv');
        const se = nums(gr.stdErrLog);
        fit.table.forEach((r, k) => {
          if (Number.isFinite(se[k])) expectClose(r.stdErrLog, se[k], 1e-12, 1e-15, `se[${k}]`);
          const lo = nullable(Array.isArray(gr.lower) ? gr.lower[k] : gr.lower);
          const up = nullable(Array.isArray(gr.upper) ? gr.upper[k] : gr.upper);
          if (lo === null) expect(r.lower).toBeNull();
          else expectClose(r.lower, lo, 1e-12, 1e-15, `lower[${k}]`);
          if (up === null) expect(r.upper).toBeNull();
          else expectClose(r.upper, up, 1e-12, 1e-15, `upper[${k}]`);
        });
        expect(fit.median.median).toEqual(nullable(gr.median));
        expect(fit.median.lower).toEqual(nullable(gr.medianLower));
        expect(fit.median.upper).toEqual(nullable(gr.medianUpper));
      });
    }
    if (c.logrank) {
      it(`${c.name}: log-rank = survdiff (1e-10)`, () => {
        const r = logRank(time, event, group);
        expectClose(r.chisq, c.logrank.chisq, 1e-10, 0, 'chisq');
        expect(r.df).toBe(c.logrank.df);
        expectClose(r.p, c.logrank.p, 1e-9, 1e-300, 'p');
        expectAllClose(r.observed, nums(c.logrank.observed), 0, 0, 'O');
        expectAllClose(r.expected, nums(c.logrank.expected), 1e-12, 0, 'E');
      });
    }
  }
});

describe('Cox PH vs coxph', () => {
  for (const c of g.cox) {
    describe(c.name, () => {
      const x = fromColumns(c.X.map(nums), c.features);
      const time = nums(c.time);
      const event = nums(c.event);
      const fit = new CoxPH({ ties: c.ties }).fit(x, time, event);
      it('coefficients, SE, HR, CI, z, p (iterative: 1e-8 relative; p 1e-7)', () => {
        expect(fit.converged).toBe(true);
        c.coef.forEach((e: Record<string, number>, j: number) => {
          const m = fit.coefficients[j];
          expectClose(m.estimate, e.estimate, 1e-8, 1e-12, 'beta');
          expectClose(m.se, e.se, 1e-8, 0, 'se');
          expectClose(m.hr, e.hr, 1e-8, 0, 'hr');
          expectClose(m.lower, e.lower, 1e-8, 0, 'lower');
          expectClose(m.upper, e.upper, 1e-8, 0, 'upper');
          expectClose(m.z, e.z, 1e-8, 1e-12, 'z');
          expectClose(m.p, e.p, 1e-7, 1e-300, 'p');
        });
      });
      it('log-likelihoods and Wald / LR / score tests (1e-8)', () => {
        expectAllClose(fit.logLik, nums(c.loglik), 1e-10, 0, 'loglik');
        for (const k of ['wald', 'lr', 'score'] as const) {
          expectClose(fit.tests[k].statistic, c[k].statistic, 1e-8, 0, `${k} stat`);
          expect(fit.tests[k].df).toBe(c[k].df);
          expectClose(fit.tests[k].p, c[k].p, 1e-7, 1e-300, `${k} p`);
        }
        expectAllClose(fit.means, nums(c.means), 1e-12, 0, 'means');
      });
      it('baseline cumulative hazard (basehaz centered = FALSE) and predicted survival of profiles (1e-7)', () => {
        expectAllClose(fit.baseline.time, nums(c.baseline.time), 0, 0, 'bh time');
        expectAllClose(fit.baseline.cumHazard, nums(c.baseline.hazard), 1e-7, 1e-300, 'bh');
        const profiles = c.profiles.map(nums);
        c.predicted.surv.forEach((s: unknown, k: number) => {
          const prof = profiles.map((col: number[]) => col[k]);
          const pred = fit.survival(prof);
          expectAllClose(pred.time, nums(c.predicted.time), 0, 0, 'time');
          expectAllClose(pred.survival, nums(s), 1e-7, 1e-12, `profile ${k}`);
        });
      });
      it("Harrell's C = concordance(coxph) (1e-10) and Uno's C = concordance(timewt = 'n/G2')", () => {
        const lp = fit.linearPredictor(x);
        expectClose(harrellC(time, event, lp).concordance, c.concordance, 1e-10, 0, 'C');
        expectClose(unoC(time, event, lp).concordance, c.unoC, 1e-8, 0, 'Uno C');
      });
    });
  }
});

describe('survival bad input', () => {
  it('all censored is an error for Cox, KM still works', () => {
    const x = fromColumns([[1, 2, 3]], ['a']);
    expect(() => new CoxPH().fit(x, [1, 2, 3], [0, 0, 0])).toThrow(/all 3 observations are censored/);
    expect(kaplanMeier([1, 2, 3], [0, 0, 0]).median.median).toBeNull();
  });
  it('bad event codes and negative times name the row', () => {
    expect(() => kaplanMeier([1, -2], [1, 0])).toThrow(/time\[1\]/);
    expect(() => kaplanMeier([1, 2], [1, 2])).toThrow(/event\[1\] = 2/);
  });
  it('collinear and constant covariates are named in the error', () => {
    const a = [1, 2, 3, 4, 5, 6];
    expect(() => new CoxPH().fit(fromColumns([a, a.map((v) => 3 * v - 1)], ['a', 'b']), [1, 2, 3, 4, 5, 6], [1, 0, 1, 1, 0, 1])).toThrow(/column b is constant or collinear/);
    expect(() => new CoxPH().fit(fromColumns([a, [2, 2, 2, 2, 2, 2]], ['a', 'k']), [1, 2, 3, 4, 5, 6], [1, 0, 1, 1, 0, 1])).toThrow(/column k/);
  });
  it('monotone likelihood warns and terminates', () => {
    const x = fromColumns([[0, 0, 0, 1, 1, 1]], ['sep']);
    const fit = new CoxPH({ maxIter: 30 }).fit(x, [5, 6, 7, 1, 2, 3], [0, 0, 0, 1, 1, 1]);
    expect(fit.warnings.join(' ')).toMatch(/sep may be infinite/);
  });
});

describe('concordance pair counting', () => {
  // brute-force O(n²) definition (survival's convention), used to check the Fenwick-tree implementation
  function brute(t: number[], e: number[], r: number[], w: (t: number) => number = () => 1) {
    let c = 0;
    let d = 0;
    let tx = 0;
    for (let i = 0; i < t.length; i++) {
      if (!e[i]) continue;
      for (let j = 0; j < t.length; j++) {
        if (j === i || !(t[j] > t[i] || (t[j] === t[i] && !e[j]))) continue;
        if (r[i] > r[j]) c += w(t[i]);
        else if (r[i] < r[j]) d += w(t[i]);
        else tx += w(t[i]);
      }
    }
    return (c + tx / 2) / (c + d + tx);
  }
  it('equals the O(n²) definition on random data with ties in time and risk', () => {
    const fc = require('fast-check');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 4 })), { minLength: 3, maxLength: 40 }),
        (rows: [number, number, number][]) => {
          const t = rows.map((r) => r[0]);
          const e = rows.map((r) => r[1]);
          const r = rows.map((q) => q[2]);
          const want = brute(t, e, r);
          const got = harrellC(t, e, r).concordance;
          return Number.isNaN(want) ? Number.isNaN(got) : Math.abs(got - want) < 1e-12;
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('risk groups', () => {
  it('median split: groups, cut-off and log-rank equal the direct computation', () => {
    const { riskGroupAnalysis } = require('./survival/riskgroups');
    const c = g.cox[0];
    const x = fromColumns(c.X.map(nums), c.features);
    const fit = new CoxPH({ ties: c.ties }).fit(x, nums(c.time), nums(c.event));
    const lp = fit.linearPredictor(x);
    const r = riskGroupAnalysis(nums(c.time), nums(c.event), lp, { probs: [1 / 3, 2 / 3] });
    expect(r.groups.map((q: { group: number }) => q.group)).toEqual([1, 2, 3]);
    expect(r.groups.reduce((s: number, q: { n: number }) => s + q.n, 0)).toBe(lp.length);
    const sorted = Float64Array.from(lp).sort();
    expect(r.cutoffs[0]).toBeGreaterThan(sorted[0]);
    expect(r.logrank.df).toBe(2);
    expect(r.logrank.p).toBeLessThan(0.05);
  });
});
