import { Mask, segmentationMetrics } from './segmentation';
import { expectClose, loadGolden } from './spec-helpers';

const g = loadGolden('segmentation');

describe('segmentation metrics vs scipy re-implementations of MedPy and MONAI (1e-12)', () => {
  for (const c of g.cases) {
    it(c.name, () => {
      const ref: Mask = { data: c.reference, shape: c.shape, spacing: c.spacing };
      const pred: Mask = { data: c.prediction, shape: c.shape, spacing: c.spacing };
      for (const style of ['medpy', 'monai'] as const) {
        const m = segmentationMetrics(ref, pred, style);
        for (const k of ['dice', 'jaccard', 'referenceVolume', 'predictionVolume', 'volumeDifference', 'arvd', 'hausdorff', 'kappa'] as const) {
          expectClose(m[k] as number, c[k], 1e-12, 1e-12, k);
        }
        expectClose(m.hd95, c[style].hd95, 1e-12, 1e-12, `${style} hd95`);
        expectClose(m.assd, c[style].assd, 1e-12, 1e-12, `${style} assd`);
      }
    });
  }
  it('empty masks give null surface metrics and Dice; shape mismatch is an error', () => {
    const e: Mask = { data: new Uint8Array(8), shape: [2, 2, 2], spacing: [1, 1, 1] };
    const m = segmentationMetrics(e, e);
    expect(m.dice).toBeNull();
    expect(m.hausdorff).toBeNull();
    expect(() => segmentationMetrics(e, { ...e, shape: [4, 2, 1] })).toThrow(/shape/);
  });
  it('identical masks: Dice 1, distances 0', () => {
    const d = new Uint8Array(27);
    d[13] = 1;
    d[12] = 1;
    const m = segmentationMetrics({ data: d, shape: [3, 3, 3], spacing: [1, 2, 3] }, { data: d, shape: [3, 3, 3], spacing: [1, 2, 3] });
    expect(m.dice).toBe(1);
    expect(m.hausdorff).toBe(0);
    expect(m.assd).toBe(0);
  });
});
