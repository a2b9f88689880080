import { rangeImportance } from './importance';

describe('rangeImportance', () => {
  it('multiplies each coefficient by its observed range, keeping the sign', () => {
    expect(
      rangeImportance({ age: 0.05, albumin: -0.8 }, [
        { name: 'age', min: 30, max: 90 },
        { name: 'albumin', min: 2.5, max: 4.5 },
      ]),
    ).toEqual([
      { feature: 'age', value: 0.05 * 60 },
      { feature: 'albumin', value: -0.8 * 2 },
    ]);
  });
  it('uses range 1 when a predictor has no (or an empty) range and drops non-finite coefficients', () => {
    expect(rangeImportance({ x: 2, y: NaN, z: 3 }, [{ name: 'z', min: 1, max: 1 }])).toEqual([
      { feature: 'x', value: 2 },
      { feature: 'z', value: 3 },
    ]);
  });
});
