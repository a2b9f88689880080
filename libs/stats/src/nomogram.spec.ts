import { LogisticRegression } from './logistic';
import { fromColumns } from './matrix';
import { nomogram } from './nomogram';
import { expectAllClose, expectClose, loadGolden, nums } from './spec-helpers';
import { CoxPH } from './survival/cox';

const g = loadGolden('nomogram');
const x = fromColumns(g.X.map(nums), g.features);
const axes = Object.fromEntries(g.logistic.points.map((a: { name: string; values: number[] }) => [a.name, nums(a.values)]));

// rms fits (lrm, cph) converge to ~1e-9, and its function axes are found by numerical inversion: 1e-6 relative.
describe('nomogram vs rms::nomogram', () => {
  it('logistic: points per value, lp axis and probability axis', () => {
    const fit = new LogisticRegression().fit(x, nums(g.y));
    expectAllClose(fit.beta, nums(g.logistic.coef), 1e-7, 1e-10, 'coef');
    const nom = nomogram(fit, { axes });
    for (const a of g.logistic.points) {
      const mine = nom.axes.find((q) => q.name === a.name)!;
      expectAllClose(mine.points, nums(a.points), 1e-6, 1e-8, `${a.name} points`);
    }
    // lp axis: position x has linear predictor value
    g.logistic.lp.x.forEach((pos: number, k: number) => expectClose(nom.linearPredictorAt(pos), g.logistic.lp.value[k], 1e-6, 1e-8, 'lp'));
    const f = g.logistic.funs[0];
    f.x.forEach((pos: number, k: number) => expectClose(nom.probabilityAt(pos), f.value[k], 1e-6, 1e-8, 'prob'));
    // scoring one patient equals the model's prediction
    const s = nom.score({ Age: 61, Vascularinvasion: 1, Tumorsize: 2, CXCL17T: 123 });
    const direct = fit.predict(fromColumns([[61], [1], [2], [123]], g.features))[0];
    expectClose(s.probability, direct, 1e-12, 0, 'score prob');
    expect(Math.max(...nom.axes.map((a) => Math.max(...a.points)))).toBeCloseTo(100, 10);
  });

  it('Cox: points, centred lp axis and survival axes at 24 and 60 months', () => {
    const fit = new CoxPH({ ties: 'efron' }).fit(x, nums(g.time), nums(g.event));
    expectAllClose(fit.beta, nums(g.cox.coef), 1e-7, 1e-10, 'coef');
    const nom = nomogram(fit, { axes, horizons: [24, 60] });
    for (const a of g.cox.points) {
      const mine = nom.axes.find((q) => q.name === a.name)!;
      expectAllClose(mine.points, nums(a.points), 1e-6, 1e-8, `${a.name} points`);
    }
    // rms's cph lp is centred: lp_rms = lp − center
    g.cox.lp.x.forEach((pos: number, k: number) => expectClose(nom.linearPredictorAt(pos) - g.cox.center, g.cox.lp.value[k], 1e-6, 1e-8, 'lp'));
    for (const f of g.cox.funs) {
      const horizon = f.name === 'S24' ? 24 : 60;
      f.x.forEach((pos: number, k: number) => expectClose(nom.survivalAt(pos, horizon), f.value[k], 1e-6, 1e-8, f.name));
    }
    const s = nom.score({ Age: 61, Vascularinvasion: 1, Tumorsize: 2, CXCL17T: 123 });
    expectClose(s.survival![0].survival, fit.survivalAt([61, 1, 2, 123], [24])[0], 1e-12, 0, 'score S24');
  });

  it('default axes come from the data; missing values are errors', () => {
    const fit = new LogisticRegression().fit(x, nums(g.y));
    const nom = nomogram(fit, { data: x });
    expect(nom.axes.find((a) => a.name === 'Vascularinvasion')!.values).toEqual([0, 1]);
    expect(() => nom.score({ Age: 50 })).toThrow(/no finite value for Vascularinvasion/);
  });
});
