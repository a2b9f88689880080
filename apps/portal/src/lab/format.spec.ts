import { fmtP, fmtRatio, formatElapsed } from './format';

describe('lab formats', () => {
  it('formatElapsed shows seconds, then minutes with two-digit seconds', () => {
    expect(formatElapsed(0)).toBe('0 s');
    expect(formatElapsed(-5)).toBe('0 s');
    expect(formatElapsed(59_999)).toBe('59 s');
    expect(formatElapsed(65_000)).toBe('1 min 05 s');
  });
  it('fmtRatio keeps the digits that show the distance from 1', () => {
    expect(fmtRatio(1.0183)).toBe('1.018');
    expect(fmtRatio(0.5)).toBe('0.500');
    expect(fmtRatio(1.000031)).toBe('1.000031');
    expect(fmtRatio(0.99942)).toBe('0.99942');
    expect(fmtRatio(1)).toBe('1.000');
  });
  it('fmtP gives two significant digits and a floor at 0.001', () => {
    expect(fmtP(0.61183)).toBe('0.61');
    expect(fmtP(0.0123)).toBe('0.012');
    expect(fmtP(0.0004)).toBe('< 0.001');
    expect(fmtP(NaN)).toBe('—');
  });
});
