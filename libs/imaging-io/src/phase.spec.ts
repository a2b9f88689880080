import { detectContrastPhase, parseDicomTime, phaseFromDelay } from './phase';

describe('contrast phase detection', () => {
  it.each([
    ['Abdomen NATIVE 5mm', 'NATIVE'],
    ['non-contrast liver', 'NATIVE'],
    ['Leber arterielle Phase', 'ARTERIAL'],
    ['LATE ARTERIAL 1.25', 'ARTERIAL'],
    ['Portal venous', 'PORTAL_VENOUS'],
    ['ABD PV 70s', 'PORTAL_VENOUS'],
    ['Delayed 3 min', 'DELAYED'],
    ['equilibrium phase', 'DELAYED'],
  ])('description %s → %s', (d, p) => {
    expect(detectContrastPhase({ seriesDescription: d })).toMatchObject({ phase: p, source: 'description' });
  });

  it('uses the time after injection when the description says nothing', () => {
    const t = (acq: string) => detectContrastPhase({ seriesDescription: 'Abdomen 1.0 B30f', contrastBolusStartTime: '101500', acquisitionTime: acq });
    expect(t('101535')).toMatchObject({ phase: 'ARTERIAL', secondsAfterInjection: 35, source: 'timing' });
    expect(t('101610.5')).toMatchObject({ phase: 'PORTAL_VENOUS', secondsAfterInjection: 70.5 });
    expect(t('101800')).toMatchObject({ phase: 'DELAYED' });
    expect(t('101400')).toMatchObject({ phase: 'NATIVE' });
    // across midnight
    expect(detectContrastPhase({ contrastBolusStartTime: '235950', acquisitionTime: '000030' }).secondsAfterInjection).toBe(40);
  });

  it('empty contrast agent means native; a given agent without more evidence is unknown; override wins', () => {
    expect(detectContrastPhase({ contrastBolusAgent: '' }).phase).toBe('NATIVE');
    expect(detectContrastPhase({ contrastBolusAgent: 'Iomeprol 400' })).toMatchObject({ source: 'unknown', reason: expect.stringMatching(/Iomeprol/) });
    expect(detectContrastPhase({ contrastBolusAgent: 'Iomeprol 400' }).phase).toBeUndefined();
    expect(detectContrastPhase({}).phase).toBeUndefined();
    expect(detectContrastPhase({ seriesDescription: 'arterial' }, 'DELAYED')).toMatchObject({ phase: 'DELAYED', source: 'override' });
  });

  it('parses DICOM TM values and bands delays', () => {
    expect(parseDicomTime('101530.25')).toBeCloseTo(36930.25, 6);
    expect(parseDicomTime('10:15:30')).toBe(36930);
    expect(parseDicomTime('1015')).toBe(36900);
    expect(parseDicomTime('xx')).toBeUndefined();
    expect([-5, 0, 49, 50, 119, 120].map(phaseFromDelay)).toEqual(['NATIVE', 'ARTERIAL', 'ARTERIAL', 'PORTAL_VENOUS', 'PORTAL_VENOUS', 'DELAYED']);
  });
});
