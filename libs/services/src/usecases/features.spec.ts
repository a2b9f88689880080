import { canonicalHash, featureDeltas, type FeatureRow } from './features';

const row = (over: Partial<FeatureRow>): FeatureRow => ({
  featureSetId: 'f',
  lesionId: 'L1',
  lesionLabel: 'L1',
  phase: 'ARTERIAL',
  studyId: 's1',
  studyDate: '2025-01-01T00:00:00.000Z',
  settingsKey: 'k',
  softwareVersion: '1',
  values: {},
  ...over,
});

describe('featureDeltas', () => {
  it('compares consecutive studies per lesion and phase, feature by feature', () => {
    const d = featureDeltas([
      row({ studyId: 's2', studyDate: '2025-04-01T00:00:00.000Z', values: { a: 15, b: 0, c: 1 } }),
      row({ studyId: 's1', values: { a: 10, b: 0 } }),
      row({ studyId: 's1', phase: 'PORTAL_VENOUS', values: { a: 1 } }),
    ]);
    expect(d).toEqual([
      {
        lesionLabel: 'L1',
        phase: 'ARTERIAL',
        fromStudyId: 's1',
        toStudyId: 's2',
        fromDate: '2025-01-01T00:00:00.000Z',
        toDate: '2025-04-01T00:00:00.000Z',
        days: 90,
        deltas: { a: { from: 10, to: 15, abs: 5, rel: 0.5 }, b: { from: 0, to: 0, abs: 0, rel: null } },
      },
    ]);
  });
  it('never mixes settings, software versions or lesions, and ignores unlinked rows', () => {
    expect(
      featureDeltas([row({ values: { a: 1 } }), row({ studyId: 's2', settingsKey: 'other', values: { a: 2 } })]),
    ).toEqual([]);
    expect(
      featureDeltas([row({ values: { a: 1 } }), row({ studyId: 's2', softwareVersion: '2', values: { a: 2 } })]),
    ).toEqual([]);
    expect(
      featureDeltas([
        row({ values: { a: 1 } }),
        row({ studyId: 's2', lesionId: 'L2', lesionLabel: 'L2', values: { a: 2 } }),
      ]),
    ).toEqual([]);
    expect(
      featureDeltas([
        row({ lesionId: null, lesionLabel: null }),
        row({ studyId: 's2', lesionId: null, lesionLabel: null }),
      ]),
    ).toEqual([]);
  });
});

describe('canonicalHash', () => {
  it('ignores key order but not values', () => {
    expect(canonicalHash({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(canonicalHash({ b: { d: [1, 2], c: 2 }, a: 1 }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
  });
});
