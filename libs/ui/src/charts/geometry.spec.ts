import fc from 'fast-check';
import {
  bandPath,
  countsFromCalibration,
  decisionCurveFromRoc,
  formatTick,
  linearScale,
  linePath,
  linspace,
  niceTicks,
  normaliseRoc,
  rocTprBand,
  stepPath,
  trapezoidAuc,
  wilsonInterval,
  fitLabel,
  textWidth,
} from './geometry';

describe('linearScale', () => {
  it('maps the domain ends onto the range ends, including inverted pixel ranges', () => {
    const y = linearScale([0, 1], [300, 20]);
    expect(y(0)).toBe(300);
    expect(y(1)).toBe(20);
    expect(y(0.5)).toBe(160);
    expect(y.invert(160)).toBeCloseTo(0.5);
  });
  it('maps a degenerate domain to the middle of the range', () => {
    expect(linearScale([2, 2], [0, 100])(2)).toBe(50);
  });
  it('invert is the inverse of the map', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), (v) => {
        const s = linearScale([-10, 35], [400, 7]);
        expect(s.invert(s(v))).toBeCloseTo(v, 6);
      }),
    );
  });
});

describe('niceTicks', () => {
  it('gives round steps over the unit interval', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
  it('covers months with steps of 10/20', () => {
    expect(niceTicks(0, 60, 6)).toEqual([0, 10, 20, 30, 40, 50, 60]);
  });
  it('swaps reversed bounds and handles a single value', () => {
    expect(niceTicks(1, 0, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
  it('throws on non-finite bounds', () => {
    expect(() => niceTicks(0, Infinity)).toThrow(/finite/);
  });
  it('every tick lies inside the bounds, ascending, equally spaced', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (a, w) => {
        const t = niceTicks(a, a + w, 5);
        expect(t.length).toBeGreaterThanOrEqual(1);
        for (const v of t) {
          expect(v).toBeGreaterThanOrEqual(a - 1e-6 * Math.max(1, Math.abs(a)));
          expect(v).toBeLessThanOrEqual(a + w + 1e-6 * Math.max(1, Math.abs(a + w)));
        }
        for (let i = 2; i < t.length; i++) expect(t[i] - t[i - 1]).toBeCloseTo(t[1] - t[0], 4);
      }),
    );
  });
});

describe('formatTick', () => {
  it('drops trailing zeros', () => {
    expect(formatTick(0.5)).toBe('0.5');
    expect(formatTick(1)).toBe('1');
    expect(formatTick(10, 0)).toBe('10');
    expect(formatTick(0.125, 2)).toBe('0.13');
  });
});

describe('paths (d3-shape)', () => {
  it('linePath moves then draws lines with 2 decimals, skipping non-finite points', () => {
    expect(linePath([{ x: 0, y: 1 }, { x: NaN, y: 3 }, { x: 2.004, y: 3 }])).toBe('M0,1L2,3');
    expect(linePath([])).toBe('');
  });
  it('stepPath goes horizontally then vertically and can extend to the edge', () => {
    expect(stepPath([{ x: 0, y: 10 }, { x: 5, y: 20 }, { x: 8, y: 30 }], 12)).toBe('M0,10L5,10L5,20L8,20L8,30L12,30L12,30');
    expect(stepPath([{ x: 0, y: 10 }], 0)).toBe('M0,10Z');
  });
  it('bandPath closes the upper boundary then the reversed lower one; step bands turn at each x', () => {
    expect(bandPath([{ x: 0, lo: 5, hi: 0 }, { x: 1, lo: 6, hi: 0 }])).toBe('M0,0L1,0L1,6L0,5Z');
    expect(bandPath([{ x: 0, lo: 5, hi: 0 }, { x: 2, lo: 6, hi: 1 }], true)).toBe('M0,0L2,0L2,1L2,6L2,5L0,5Z');
    expect(bandPath([])).toBe('');
  });
});

describe('label fitting', () => {
  it('textWidth grows with length and treats narrow and wide glyphs differently', () => {
    expect(textWidth('', 10)).toBe(0);
    expect(textWidth('iiii', 10)).toBeLessThan(textWidth('nnnn', 10));
    expect(textWidth('nnnn', 10)).toBeLessThan(textWidth('MMMM', 10));
    expect(textWidth('abc', 20)).toBeCloseTo(2 * textWidth('abc', 10));
  });
  it('fitLabel keeps short labels and cuts long ones with an ellipsis inside the width', () => {
    expect(fitLabel('AFP', 100, 11)).toEqual({ text: 'AFP', truncated: false });
    const long = 'log10 alpha-fetoprotein at baseline (ng/mL)';
    const f = fitLabel(long, 80, 11);
    expect(f.truncated).toBe(true);
    expect(f.text.endsWith('…')).toBe(true);
    expect(long.startsWith(f.text.slice(0, -1))).toBe(true);
    expect(textWidth(f.text, 11)).toBeLessThanOrEqual(80);
    // the longest such prefix: one more character would not fit
    const next = long.slice(0, f.text.length) + '…';
    expect(textWidth(next.trimEnd(), 11)).toBeGreaterThan(80 - 1e-9);
    expect(fitLabel(long, 1, 11)).toEqual({ text: '', truncated: true });
  });
  it('fitLabel never exceeds the width (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 10, max: 300 }), (t, w) => {
        const f = fitLabel(t, w, 11);
        expect(textWidth(f.text, 11)).toBeLessThanOrEqual(w + 1e-9);
        if (!f.truncated) expect(f.text).toBe(t);
      }),
    );
  });
});

describe('wilsonInterval', () => {
  it('matches the textbook value for 8/10 (0.490–0.943)', () => {
    const [lo, hi] = wilsonInterval(0.8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
  });
  it('is [0,1] for no trials and stays inside [0,1] and contains p', () => {
    expect(wilsonInterval(0.3, 0)).toEqual([0, 1]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), (n, k0) => {
        const k = Math.min(k0, n);
        const [lo, hi] = wilsonInterval(k / n, n);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(k / n + 1e-12);
        expect(hi).toBeGreaterThanOrEqual(k / n - 1e-12);
      }),
    );
  });
});

describe('ROC helpers', () => {
  const roc = [
    { fpr: 0.5, tpr: 1, threshold: 0.3 },
    { fpr: 0, tpr: 0.5, threshold: 0.8 },
  ];
  it('normaliseRoc sorts and adds the corners', () => {
    const n = normaliseRoc(roc);
    expect(n.map((p) => [p.fpr, p.tpr])).toEqual([[0, 0], [0, 0.5], [0.5, 1], [1, 1]]);
  });
  it('trapezoidAuc: perfect = 1, chance = 0.5, example = 0.875', () => {
    expect(trapezoidAuc([{ fpr: 0, tpr: 1, threshold: 0.5 }])).toBe(1);
    expect(trapezoidAuc([])).toBe(0.5);
    expect(trapezoidAuc(roc)).toBeCloseTo(0.875);
  });
  it('rocTprBand brackets each TPR', () => {
    const pts = normaliseRoc(roc);
    rocTprBand(roc, 20).forEach((b, i) => {
      const p = pts[i];
      expect(b.fpr).toBe(p.fpr);
      expect(b.lo).toBeLessThanOrEqual(p.tpr + 1e-12);
      expect(b.hi).toBeGreaterThanOrEqual(p.tpr - 1e-12);
    });
  });
  it('countsFromCalibration recovers events and total', () => {
    expect(countsFromCalibration([{ predicted: 0.1, observed: 0.2, n: 10 }, { predicted: 0.8, observed: 0.75, n: 4 }])).toEqual({ events: 5, total: 14 });
  });
});

describe('decisionCurveFromRoc', () => {
  // 4 patients: scores 0.9(+), 0.7(-), 0.4(+), 0.2(-); prevalence 0.5.
  const roc = [
    { fpr: 0, tpr: 0.5, threshold: 0.9 },
    { fpr: 0.5, tpr: 0.5, threshold: 0.7 },
    { fpr: 0.5, tpr: 1, threshold: 0.4 },
    { fpr: 1, tpr: 1, threshold: 0.2 },
  ];
  it('equals the direct net-benefit formula TP/N − FP/N·pt/(1−pt)', () => {
    const [a, b, c] = decisionCurveFromRoc(roc, 0.5, [0.1, 0.5, 0.95]);
    // pt=0.1: everyone with score ≥ 0.1 treated → TP=2, FP=2 → 0.5 − 0.5·(1/9)
    expect(a.model).toBeCloseTo(0.5 - 0.5 / 9);
    expect(a.treatAll).toBeCloseTo(0.5 - 0.5 / 9);
    // pt=0.5: scores ≥ 0.5 → 0.9(+), 0.7(−): TP=1, FP=1 → 0.25 − 0.25
    expect(b.model).toBeCloseTo(0);
    // pt=0.95: nobody treated
    expect(c.model).toBe(0);
  });
  it('rejects thresholds outside [0,1)', () => {
    expect(() => decisionCurveFromRoc(roc, 0.5, [1])).toThrow(/outside/);
  });
  it('linspace includes both ends', () => {
    expect(linspace(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});
