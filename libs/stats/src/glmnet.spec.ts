import { GlmnetLogistic } from './glmnet';
import { fromColumns } from './matrix';
import { expectAllClose, expectClose, loadGolden, nums } from './spec-helpers';

const g = loadGolden('glmnet');
const x = fromColumns(g.X.map(nums), g.features);
const y = nums(g.y);

describe('penalised logistic regression vs glmnet (binomial)', () => {
  for (const c of g.cases) {
    describe(`alpha = ${c.alpha}`, () => {
      const net = new GlmnetLogistic({ alpha: c.alpha, thresh: 1e-20 });
      it('default lambda path: same values (1e-10); truncation length within 1', () => {
        const fit = net.fit(x, y);
        expectAllClose(fit.lambda.subarray(0, Math.min(fit.lambda.length, c.nDefault)), nums(c.defaultLambda).slice(0, Math.min(fit.lambda.length, c.nDefault)), 1e-10, 0, 'lambda');
        // glmnet's default path is fitted with thresh = 1e-7, so its deviance ratios (and hence the fdev = 1e-5 stop
        // rule) differ slightly from the exact optimum's: the stop may fall one lambda apart.
        expect(Math.abs(fit.lambda.length - c.nDefault)).toBeLessThanOrEqual(1);
      });
      it('our solution satisfies the KKT conditions to 1e-10 at every lambda', () => {
        const fit = net.fit(x, y, { lambda: nums(c.coefLambda) });
        const n = x.rows;
        const p = x.cols;
        const stats = Array.from({ length: p }, (_, j) => {
          let m = 0;
          for (let i = 0; i < n; i++) m += x.data[i * p + j];
          m /= n;
          let v = 0;
          for (let i = 0; i < n; i++) v += (x.data[i * p + j] - m) ** 2;
          return { m, sd: Math.sqrt(v / n) };
        });
        nums(c.coefLambda).forEach((lam, k) => {
          const r = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            let e = fit.a0[k];
            for (let j = 0; j < p; j++) e += fit.beta[k][j] * x.data[i * p + j];
            r[i] = y[i] - 1 / (1 + Math.exp(-e));
          }
          let worst = Math.abs(r.reduce((a, b) => a + b, 0) / n);
          for (let j = 0; j < p; j++) {
            let gj = 0;
            for (let i = 0; i < n; i++) gj += ((x.data[i * p + j] - stats[j].m) / stats[j].sd) * r[i];
            gj /= n;
            const bs = fit.beta[k][j] * stats[j].sd;
            const v = bs !== 0 ? Math.abs(gj - lam * c.alpha * Math.sign(bs) - lam * (1 - c.alpha) * bs) : Math.max(0, Math.abs(gj) - lam * c.alpha);
            worst = Math.max(worst, v);
          }
          expect(worst).toBeLessThan(1e-10);
        });
      });
      it('objective at our solution is not above glmnet(thresh = 1e-14) (exact optimum, 1e-13)', () => {
        const fit = net.fit(x, y, { lambda: nums(c.coefLambda) });
        const n = x.rows;
        const p = x.cols;
        const sds = Array.from({ length: p }, (_, j) => {
          let m = 0;
          for (let i = 0; i < n; i++) m += x.data[i * p + j];
          m /= n;
          let v = 0;
          for (let i = 0; i < n; i++) v += (x.data[i * p + j] - m) ** 2;
          return Math.sqrt(v / n);
        });
        const obj = (a0: number, b: ArrayLike<number>, lam: number) => {
          let ll = 0;
          for (let i = 0; i < n; i++) {
            let e = a0;
            for (let j = 0; j < p; j++) e += b[j] * x.data[i * p + j];
            ll += y[i] * e - Math.log1p(Math.exp(e));
          }
          let pen = 0;
          for (let j = 0; j < p; j++) pen += ((1 - c.alpha) / 2) * (b[j] * sds[j]) ** 2 + c.alpha * Math.abs(b[j] * sds[j]);
          return -ll / n + lam * pen;
        };
        const lam = nums(c.coefLambda);
        c.coef.forEach((co: number[], k: number) => {
          const r = nums(co);
          expect(obj(fit.a0[k], fit.beta[k], lam[k])).toBeLessThanOrEqual(obj(r[0], r.slice(1), lam[k]) + 1e-13);
        });
      });
      it('coefficients on the original scale at every lambda (1e-4 relative + 5e-7 absolute: glmnet stops with KKT residuals ~1e-8 on a flat ridge of collinear predictors)', () => {
        const fit = net.fit(x, y, { lambda: nums(c.coefLambda) });
        c.coef.forEach((co: number[], k: number) => {
          const mine = [fit.a0[k], ...fit.beta[k]];
          expectAllClose(mine, nums(co), 1e-4, 5e-7, `lambda[${k}]`);
        });
      });
      it('cv.glmnet with the same foldid: cvm, cvsd (1e-6), lambda.min and lambda.1se', () => {
        const cv = net.crossValidate(x, y, { foldid: nums(c.foldid), lambda: nums(c.coefLambda) });
        expectAllClose(cv.cvm, nums(c.cvm), 1e-6, 0, 'cvm');
        expectAllClose(cv.cvsd, nums(c.cvsd), 1e-5, 1e-9, 'cvsd');
        expectClose(cv.lambdaMin, c.lambdaMin, 1e-12, 0, 'lambda.min');
        expectClose(cv.lambda1se, c.lambda1se, 1e-12, 0, 'lambda.1se');
      });
    });
  }
  it('seeded folds are reproducible; bad alpha is rejected', () => {
    const net = new GlmnetLogistic({ alpha: 1, nlambda: 10 });
    const a = net.crossValidate(x, y, { folds: 5, seed: 3 });
    const b = net.crossValidate(x, y, { folds: 5, seed: 3 });
    expect(Array.from(a.foldid)).toEqual(Array.from(b.foldid));
    expect(a.lambdaMin).toBe(b.lambdaMin);
    expect(() => new GlmnetLogistic({ alpha: 2 })).toThrow(/alpha/);
  });
});
