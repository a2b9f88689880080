import { expectClose, loadGolden, nums } from './spec-helpers';
import { timeDependentAuc } from './survival/tdauc';

const g = loadGolden('tdauc');

describe('time-dependent AUC (IPCW) vs the R implementation of the timeROC estimator (1e-12)', () => {
  for (const key of ['pbc', 'hepato']) {
    it(key, () => {
      const c = g[key];
      nums(c.horizons).forEach((h, k) => {
        const r = timeDependentAuc(nums(c.time), nums(c.event), nums(c.marker), h);
        expectClose(r.auc, nums(c.auc)[k], 1e-12, 0, `AUC(${h})`);
      });
    });
  }
  it('no cases before the horizon gives null', () => {
    expect(timeDependentAuc([5, 6, 7], [1, 1, 0], [1, 2, 3], 1).auc).toBeNull();
  });
});
