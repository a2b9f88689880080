import { growth, parseSoakArgs, percentile } from './soak';

describe('soak helpers', () => {
  it('parses --minutes/--connections/--heap-snapshots and names bad arguments', () => {
    expect(parseSoakArgs([])).toEqual({ minutes: 10, connections: 12, heapSnapshots: null });
    expect(parseSoakArgs(['--minutes', '0.5', '--connections', '8'])).toMatchObject({ minutes: 0.5, connections: 8 });
    expect(() => parseSoakArgs(['--minutes', '0'])).toThrow(/--minutes must be a positive number/);
    expect(() => parseSoakArgs(['--connections', '2'])).toThrow(/--connections must be a whole number ≥ 5/);
    expect(() => parseSoakArgs(['--minutes'])).toThrow(/--minutes needs a value/);
    expect(() => parseSoakArgs(['--seconds', '5'])).toThrow(/unknown argument --seconds/);
  });

  it('nearest-rank percentiles and relative growth', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 95), percentile(xs, 99), percentile(xs, 100)]).toEqual([50, 95, 99, 100]);
    expect(percentile([], 50)).toBeNaN();
    expect(growth(500, 550)).toBeCloseTo(0.1);
    expect(growth(503.3, 452.4)).toBeCloseTo(-0.1011, 3);
  });
});
