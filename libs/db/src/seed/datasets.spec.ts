import fs from 'node:fs';
import path from 'node:path';
import { DATASETS, DAYS_PER_MONTH, WEEKS_PER_MONTH, childPughClass, childPughScore, type PatientSeed } from './datasets';
import { DEFAULT_SEED_DATA_DIR } from './demo';

function load(key: string): PatientSeed[] {
  const d = DATASETS.find((x) => x.key === key)!;
  const files = Object.fromEntries(d.files.map((f) => [f, fs.readFileSync(path.join(DEFAULT_SEED_DATA_DIR, key, f), 'utf8')]));
  return d.map(files);
}

describe('Child-Pugh helpers', () => {
  it('classifies scores 5-6 A, 7-9 B, 10-15 C and rejects impossible scores', () => {
    expect([5, 6, 7, 9, 10, 15].map(childPughClass)).toEqual(['A', 'A', 'B', 'B', 'C', 'C']);
    expect(childPughClass(4)).toBeNull();
    expect(childPughClass(16)).toBeNull();
    expect(childPughClass(6.5)).toBeNull();
    expect(childPughClass(null)).toBeNull();
  });

  it('scores the five components at their cut-offs', () => {
    const base = { bilirubin: 1.9, albumin: 3.6, inr: 1.69, ascites: 1, encephalopathy: 1 };
    expect(childPughScore(base)).toBe(5);
    expect(childPughScore({ ...base, bilirubin: 2, albumin: 3.5, inr: 1.7 })).toBe(8);
    expect(childPughScore({ ...base, bilirubin: 3.01, albumin: 2.79, inr: 2.31, ascites: 3, encephalopathy: 3 })).toBe(15);
    expect(childPughScore({ ...base, inr: null })).toBeNull();
    expect(childPughScore({ ...base, ascites: 4 })).toBeNull();
  });
});

describe('dataset mappings (shipped CSVs)', () => {
  it('TCIA HCC-TACE-Seg: 105 unique patients; HCC_001 mapped field by field', () => {
    const ps = load('tcia-hcc-tace-seg');
    expect(ps).toHaveLength(105);
    expect(new Set(ps.map((p) => p.pseudoId)).size).toBe(105);
    const p = ps.find((x) => x.pseudoId === 'TCIA-HCC_001')!;
    expect(p).toMatchObject({
      sex: 'MALE',
      age: 71,
      aetiology: 'HCV',
      cirrhosis: true,
      childPugh: 'A',
      bclc: 'A',
      ecog: 0,
      pathologyGrade: 'Moderately differentiated',
      tumourCount: null,
      maxTumourDiameterMm: 8,
      afp: 5,
      osEvent: true,
      rfsEvent: true,
      taceResponse: 'CR',
    });
    expect(p.osMonths).toBeCloseTo(350.2857143 / WEEKS_PER_MONTH, 3);
    expect(p.rfsMonths).toBeCloseTo(197 / WEEKS_PER_MONTH, 3);
    expect(p.treatments).toEqual([{ type: 'TACE', description: 'TACE (Cisplatin, doxorubicin, Mitomycin-C)', response: 'CR' }]);
    expect(p.extra['TNM']).toBeDefined();
    expect(ps.filter((x) => x.bclc === 'C')).toHaveLength(66);
  });

  it('UCI: 165 patients; derived Child-Pugh and 1-year outcome encoding', () => {
    const ps = load('uci-hcc-survival');
    expect(ps).toHaveLength(165);
    const p = ps[0]!;
    expect(p).toMatchObject({ pseudoId: 'UCI-001', sex: 'MALE', age: 67, aetiology: 'ALCOHOL', childPughScore: 7, childPugh: 'B', platelets: 99, tumourCount: 1, maxTumourDiameterMm: 35, ecog: 0 });
    expect(p).toMatchObject({ osMonths: 12, osEvent: false });
    expect(ps.filter((x) => x.osEvent === true && x.osMonths === null)).toHaveLength(63);
    expect(ps.filter((x) => x.osEvent === false && x.osMonths === 12)).toHaveLength(102);
    expect(Math.max(...ps.map((x) => x.platelets ?? 0))).toBeLessThan(1000);
  });

  it('asaur: 227 resected patients with OS and RFS', () => {
    const ps = load('asaur-hepatocellular');
    expect(ps).toHaveLength(227);
    expect(ps[0]).toMatchObject({ pseudoId: 'ASAUR-001', sex: 'FEMALE', age: 57, aetiology: 'HBV', osMonths: 83, osEvent: false, rfsMonths: 13, rfsEvent: true, tumourCount: 1 });
    expect(ps.filter((x) => x.osEvent).length).toBe(97);
    expect(ps.filter((x) => x.rfsEvent).length).toBe(143);
    expect(ps.every((x) => x.treatments[0]?.type === 'RESECTION')).toBe(true);
  });

  it('SYSUCC: 2,360 BCLC-B patients from their first visit, treatments per visit', () => {
    const ps = load('sysucc-dtsdhcc');
    expect(ps).toHaveLength(2360);
    expect(ps.every((x) => x.bclc === 'B')).toBe(true);
    expect(ps.filter((x) => x.osEvent).length).toBe(1346);
    const p = ps.find((x) => x.pseudoId === 'SYSUCC-5214045829')!;
    expect(p).toMatchObject({ age: 60, maxTumourDiameterMm: 50, childPughScore: 5, childPugh: 'A', afp: 81.12, osEvent: true, vascularInvasion: false });
    expect(p.diagnosisDate?.toISOString()).toBe('2007-01-04T00:00:00.000Z');
    expect(p.osMonths).toBeCloseTo(1233 / DAYS_PER_MONTH, 3);
    expect(p.extra.visits).toBe('3');
    expect(p.treatments.map((t) => t.type)).toEqual(['RESECTION']);
    expect(ps.every((x) => x.age == null || (x.age >= 18 && x.age <= 100))).toBe(true);
  });
});
