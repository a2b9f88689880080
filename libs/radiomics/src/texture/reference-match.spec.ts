import { matchesReference } from './ibsi-phantom.fixture';

describe('matchesReference (rounding to the published significant digits)', () => {
  it('accepts values that round to the published digits and rejects others', () => {
    expect(matchesReference(0.51949, '0.519', '')).toBe(true);
    expect(matchesReference(0.5196, '0.519', '')).toBe(false);
    expect(matchesReference(2.204, '2.2', '')).toBe(true); // "2.2" stands for 2.20
    expect(matchesReference(2.21, '2.2', '')).toBe(false);
    expect(matchesReference(1494, '1.49e3', '')).toBe(true);
    expect(matchesReference(1496, '1.49e3', '')).toBe(false);
    expect(matchesReference(-0.01214, '-0.0121', '')).toBe(true);
    expect(matchesReference(0.01214, '-0.0121', '')).toBe(false);
    expect(matchesReference(0, '0', '')).toBe(true);
    expect(matchesReference(1e-4, '0', '')).toBe(false);
    expect(matchesReference(559, '556', '4')).toBe(true);
    expect(matchesReference(561, '556', '4')).toBe(false);
    expect(matchesReference(Number.NaN, '1', '')).toBe(false);
  });
});
