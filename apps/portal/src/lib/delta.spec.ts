import { deltaResponse, featureDeltas, lesionDeltas, pctChange, responseCategory, sumDiameters } from './delta';

describe('pctChange', () => {
  it('is the relative change in percent, null when undefined', () => {
    expect(pctChange(40, 30)).toBeCloseTo(-25);
    expect(pctChange(0, 3)).toBeNull();
    expect(pctChange(null, 3)).toBeNull();
  });
});

describe('responseCategory (RECIST 1.1 thresholds)', () => {
  it('PD at +20 % and ≥ 5 mm, not when the absolute growth is under 5 mm', () => {
    expect(responseCategory(50, 60)).toBe('PD');
    expect(responseCategory(20, 24)).toBe('SD'); // +20 % but only 4 mm
  });
  it('PR at −30 %, CR when everything is gone, SD in between', () => {
    expect(responseCategory(50, 35)).toBe('PR');
    expect(responseCategory(50, 36)).toBe('SD');
    expect(responseCategory(50, 0)).toBe('CR');
  });
  it('new lesions mean PD; no baseline means not evaluable', () => {
    expect(responseCategory(50, 20, true)).toBe('PD');
    expect(responseCategory(null, 20)).toBe('NE');
    expect(responseCategory(0, 0)).toBe('NE');
  });
});

describe('lesionDeltas / deltaResponse', () => {
  const base = [
    { label: 'L1', diameterMm: 40, volumeMl: 30 },
    { label: 'L2', diameterMm: 20, volumeMl: 4 },
  ];
  it('pairs by label and flags new and gone lesions', () => {
    const d = lesionDeltas(base, [{ label: 'l1', diameterMm: 26, volumeMl: 9 }, { label: 'L3', diameterMm: 11 }]);
    expect(d.map((x) => [x.label, x.status])).toEqual([
      ['L1', 'measured'],
      ['L2', 'gone'],
      ['L3', 'new'],
    ]);
    expect(d[0].diameterChangePct).toBeCloseTo(-35);
    expect(d[0].volumeChangePct).toBeCloseTo(-70);
    expect(deltaResponse(d).category).toBe('PD');
  });
  it('partial response without new lesions (sum 60 → 26 mm)', () => {
    const d = lesionDeltas(base, [{ label: 'L1', diameterMm: 26 }]);
    const r = deltaResponse(d);
    expect(r.before).toBe(60);
    expect(r.after).toBe(26);
    expect(r.category).toBe('PR');
  });
  it('complete response when every baseline lesion is gone', () => {
    expect(deltaResponse(lesionDeltas(base, [])).category).toBe('CR');
  });
  it('sumDiameters ignores missing values', () => {
    expect(sumDiameters([{ label: 'a', diameterMm: 3 }, null, { label: 'b' }])).toBe(3);
    expect(sumDiameters([null])).toBeNull();
  });
});

describe('featureDeltas', () => {
  it('matches lesion × phase and sorts by |relative change|', () => {
    const rows = featureDeltas(
      [{ lesionLabel: 'L1', phase: 'ARTERIAL', values: { a: 10, b: 100, c: 0 } }],
      [
        { lesionLabel: 'L1', phase: 'ARTERIAL', values: { a: 5, b: 110, c: 1 } },
        { lesionLabel: 'L1', phase: 'DELAYED', values: { a: 1 } },
      ],
    );
    expect(rows.map((r) => r.feature)).toEqual(['a', 'b', 'c']);
    expect(rows[0].changePct).toBeCloseTo(-50);
    expect(rows[2].changePct).toBeNull();
  });
});
