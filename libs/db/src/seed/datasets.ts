/**
 * The real cohorts shipped in `prisma/seed-data/<dataset>/` (each with its README: provenance, licence, citation)
 * and their mapping onto `Patient`. Pure functions: CSV rows in, patient records out.
 *
 * Conventions for every mapping
 * - a value that is missing, `NA` or out of its documented range becomes null (never a guess);
 * - every source column that has no Patient field is kept verbatim in `Patient.extra` (keys = source columns);
 * - times are converted to months with 1 month = 30.4375 days = 4.348125 weeks;
 * - `Patient.pseudoId` = `<PREFIX>-<source id>`; `sourceDataset` = the folder name.
 */
import type { Bclc, ChildPugh, Sex, TreatmentType } from '../generated/prisma/client';
import { parseCsv } from './csv';

/** A patient to insert, with its treatment timeline. */
export interface PatientSeed {
  pseudoId: string;
  sourceDataset: string;
  sourceId: string;
  centre: string;
  sex?: Sex | null;
  age?: number | null;
  diagnosisDate?: Date | null;
  aetiology?: string | null;
  cirrhosis?: boolean | null;
  childPugh?: ChildPugh | null;
  childPughScore?: number | null;
  bclc?: Bclc | null;
  ecog?: number | null;
  pathologyGrade?: string | null;
  tumourCount?: number | null;
  maxTumourDiameterMm?: number | null;
  vascularInvasion?: boolean | null;
  portalVeinThrombosis?: boolean | null;
  extrahepaticSpread?: boolean | null;
  afp?: number | null;
  bilirubin?: number | null;
  albumin?: number | null;
  platelets?: number | null;
  inr?: number | null;
  alt?: number | null;
  ast?: number | null;
  osMonths?: number | null;
  osEvent?: boolean | null;
  rfsMonths?: number | null;
  rfsEvent?: boolean | null;
  taceResponse?: string | null;
  extra: Record<string, string>;
  treatments: { type: TreatmentType; date?: Date | null; description?: string | null; response?: string | null; details?: Record<string, unknown> }[];
}

/** A cohort definition: name, description (provenance + licence), source key and its CSV mapping. */
export interface DatasetDefinition {
  key: string;
  cohortName: string;
  description: string;
  /** Files read from `prisma/seed-data/<key>/`. */
  files: string[];
  map(files: Record<string, string>): PatientSeed[];
}

export const DAYS_PER_MONTH = 30.4375;
export const WEEKS_PER_MONTH = DAYS_PER_MONTH / 7;

/** Number or null (empty, `NA`, `?`, non-numeric). */
export function num(v: string | undefined): number | null {
  if (v === undefined) return null;
  const s = v.trim();
  if (s === '' || s === 'NA' || s === '?') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** 1 → true, 0 → false, else null. */
export function bool01(v: string | undefined): boolean | null {
  const n = num(v);
  return n === 1 ? true : n === 0 ? false : null;
}

/** Child-Pugh class from the score: 5–6 A, 7–9 B, 10–15 C; null outside 5–15. */
export function childPughClass(score: number | null): ChildPugh | null {
  if (score === null || !Number.isInteger(score) || score < 5 || score > 15) return null;
  return score <= 6 ? 'A' : score <= 9 ? 'B' : 'C';
}

/**
 * Child-Pugh score from its five components (Pugh 1973): bilirubin mg/dL (<2 / 2–3 / >3), albumin g/dL
 * (>3.5 / 2.8–3.5 / <2.8), INR (<1.7 / 1.7–2.3 / >2.3), ascites and encephalopathy graded 1–3 (none / mild /
 * moderate-severe). Null when any component is missing.
 */
export function childPughScore(c: { bilirubin: number | null; albumin: number | null; inr: number | null; ascites: number | null; encephalopathy: number | null }): number | null {
  const { bilirubin, albumin, inr, ascites, encephalopathy } = c;
  if (bilirubin === null || albumin === null || inr === null || ascites === null || encephalopathy === null) return null;
  if (![1, 2, 3].includes(ascites) || ![1, 2, 3].includes(encephalopathy)) return null;
  const b = bilirubin < 2 ? 1 : bilirubin <= 3 ? 2 : 3;
  const a = albumin > 3.5 ? 1 : albumin >= 2.8 ? 2 : 3;
  const i = inr < 1.7 ? 1 : inr <= 2.3 ? 2 : 3;
  return b + a + i + ascites + encephalopathy;
}

function rest(row: Record<string, string>, used: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) if (!used.includes(k) && v !== '') out[k] = v;
  return out;
}

const round = (x: number | null, d = 3) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

// ---------------------------------------------------------------------------------------------------------------
// TCIA HCC-TACE-Seg (105 TACE patients, MD Anderson) — CC BY 4.0
// ---------------------------------------------------------------------------------------------------------------

const TCIA_BCLC: Record<string, Bclc> = { 'Stage-0': 'STAGE_0', 'Stage-A': 'A', 'Stage-B': 'B', 'Stage-C': 'C', 'Stage-D': 'D' };
const TCIA_HEP: Record<string, string> = { 'HCV only': 'HCV', 'HBV only': 'HBV', 'HCV and HBV': 'HBV+HCV' };
const MRECIST: Record<string, string> = { '1': 'CR', '2': 'PR', '3': 'SD', '4': 'PD' };

/**
 * TCIA HCC-TACE-Seg clinical table. Mapping: `TCIA_ID`→sourceId (pseudoId `TCIA-<id>`), `Sex` 1/2→MALE/FEMALE,
 * `age`, `hepatitis` (HCV only / HBV only / HCV and HBV → HCV / HBV / HBV+HCV; "No virus" → ALCOHOL when
 * `Alcohol`=1, else OTHER), `Evidence_of_cirh`→cirrhosis, `CPS`→childPugh, `BCLC` Stage-X→bclc,
 * `PS_bclc…`: 0→ecog 0 (1 = PS 1–2 and 3 = PS 3–4 are ranges: ecog null, raw value kept in extra),
 * `Pathology`→pathologyGrade (except NOT STATED / No biopsy), `tumor_nodul` uninodular→tumourCount 1
 * (multinodular: null), `Tr_Size` cm→maxTumourDiameterMm ×10, `Vascular invasion`, `Portal Vein Thrombosis`,
 * `Metastasis`→extrahepaticSpread, `AFP`, `OS` weeks→osMonths, `Death_1…`→osEvent, `TTP` weeks→rfsMonths
 * (time to progression), `Censored_0_progressed_1`→rfsEvent, `1_mRECIST` 1–4→taceResponse CR/PR/SD/PD,
 * one TACE treatment (description = `chemotherapy`, response = reader-1 mRECIST).
 */
export function mapTcia(rows: Record<string, string>[]): PatientSeed[] {
  const used = [
    'TCIA_ID', 'Sex', 'age', 'hepatitis', 'Evidence_of_cirh', 'CPS', 'BCLC', 'Pathology', 'Tr_Size', 'Vascular invasion',
    'Portal Vein Thrombosis', 'Metastasis', 'AFP', 'OS', 'Death_1_StillAliveorLostToFU_0', 'TTP', 'Censored_0_progressed_1',
  ];
  return rows.map((r) => {
    const ps = num(r['PS_bclc_0_0_1-2_1_3-4_3']);
    const hep = r.hepatitis?.trim() ?? '';
    const aetiology = TCIA_HEP[hep] ?? (hep === 'No virus' ? (bool01(r.Alcohol) ? 'ALCOHOL' : 'OTHER') : null);
    const path = r.Pathology?.trim();
    const size = num(r.Tr_Size);
    const os = num(r.OS);
    const ttp = num(r.TTP);
    const resp = MRECIST[r['1_mRECIST']?.trim() ?? ''] ?? null;
    const chemo = r.chemotherapy?.trim();
    return {
      pseudoId: `TCIA-${r.TCIA_ID}`,
      sourceDataset: 'tcia-hcc-tace-seg',
      sourceId: r.TCIA_ID!,
      centre: 'MD Anderson Cancer Center',
      sex: r.Sex === '1' ? 'MALE' : r.Sex === '2' ? 'FEMALE' : null,
      age: num(r.age),
      aetiology,
      cirrhosis: bool01(r.Evidence_of_cirh),
      childPugh: (['A', 'B', 'C'] as const).find((c) => c === r.CPS?.trim()) ?? null,
      bclc: TCIA_BCLC[r.BCLC?.trim() ?? ''] ?? null,
      ecog: ps === 0 ? 0 : null,
      pathologyGrade: path && path !== 'NOT STATED' && path.toLowerCase() !== 'no biopsy' ? path : null,
      tumourCount: r.tumor_nodul === 'uninodular' ? 1 : null,
      maxTumourDiameterMm: size === null ? null : round(size * 10, 2),
      vascularInvasion: bool01(r['Vascular invasion']),
      portalVeinThrombosis: bool01(r['Portal Vein Thrombosis']),
      extrahepaticSpread: bool01(r.Metastasis),
      afp: num(r.AFP),
      osMonths: os === null ? null : round(os / WEEKS_PER_MONTH),
      osEvent: bool01(r.Death_1_StillAliveorLostToFU_0),
      rfsMonths: ttp === null ? null : round(ttp / WEEKS_PER_MONTH),
      rfsEvent: bool01(r.Censored_0_progressed_1),
      taceResponse: resp,
      extra: rest(r, used),
      treatments: [{ type: 'TACE', description: chemo && chemo !== 'NA' ? `TACE (${chemo})` : 'TACE', response: resp }],
    } satisfies PatientSeed;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// UCI HCC Survival (165 patients, CHUC Coimbra) — CC BY 4.0
// ---------------------------------------------------------------------------------------------------------------

/**
 * UCI HCC Survival. Mapping: row number→sourceId (pseudoId `UCI-001`…), `Gender` 1/0→MALE/FEMALE, `Age`,
 * aetiology from `HBsAg`/`HCVAb` (HBV / HCV / HBV+HCV), else `NASH`=1→MASLD, else `Alcohol`=1→ALCOHOL, else null;
 * `Cirrhosis`, `PS`→ecog, `INR`, `AFP`, `Albumin` (g/dL), `Total_Bil`→bilirubin, `ALT`, `AST`,
 * `Platelets`→platelets in 10^9/L (values > 1000 are per µL and are divided by 1000, see the README),
 * `Nodules`→tumourCount, `Major_Dim` cm→maxTumourDiameterMm, `PVT`→portalVeinThrombosis; Child-Pugh score/class
 * DERIVED from bilirubin, albumin, INR, `Ascites`, `Encephalopathy` (all five needed). Outcome `Class`
 * (1-year survival): 1 → alive at 12 months, stored as osMonths 12 / osEvent false (censored at 1 year);
 * 0 → died within a year at an unknown time: osMonths null / osEvent true. `Class` is also kept in extra.
 */
export function mapUci(rows: Record<string, string>[]): PatientSeed[] {
  const used = ['Gender', 'Age', 'Cirrhosis', 'PS', 'INR', 'AFP', 'Albumin', 'Total_Bil', 'ALT', 'AST', 'Platelets', 'Nodules', 'Major_Dim', 'PVT'];
  return rows.map((r, k) => {
    const id = String(k + 1).padStart(3, '0');
    const hbv = bool01(r.HBsAg);
    const hcv = bool01(r.HCVAb);
    const aetiology = hbv && hcv ? 'HBV+HCV' : hbv ? 'HBV' : hcv ? 'HCV' : bool01(r.NASH) ? 'MASLD' : bool01(r.Alcohol) ? 'ALCOHOL' : null;
    const bilirubin = num(r.Total_Bil);
    const albumin = num(r.Albumin);
    const inr = num(r.INR);
    const score = childPughScore({ bilirubin, albumin, inr, ascites: num(r.Ascites), encephalopathy: num(r.Encephalopathy) });
    const plt = num(r.Platelets);
    const dim = num(r.Major_Dim);
    const ps = num(r.PS);
    const cls = num(r.Class);
    return {
      pseudoId: `UCI-${id}`,
      sourceDataset: 'uci-hcc-survival',
      sourceId: id,
      centre: 'CHUC Coimbra',
      sex: r.Gender === '1' ? 'MALE' : r.Gender === '0' ? 'FEMALE' : null,
      age: num(r.Age),
      aetiology,
      cirrhosis: bool01(r.Cirrhosis),
      childPughScore: score,
      childPugh: childPughClass(score),
      ecog: ps !== null && Number.isInteger(ps) && ps >= 0 && ps <= 4 ? ps : null,
      tumourCount: num(r.Nodules),
      maxTumourDiameterMm: dim === null ? null : round(dim * 10, 2),
      portalVeinThrombosis: bool01(r.PVT),
      afp: num(r.AFP),
      bilirubin,
      albumin,
      inr,
      alt: num(r.ALT),
      ast: num(r.AST),
      platelets: plt === null ? null : plt > 1000 ? round(plt / 1000) : plt,
      osMonths: cls === 1 ? 12 : null,
      osEvent: cls === 1 ? false : cls === 0 ? true : null,
      extra: rest(r, used),
      treatments: [],
    } satisfies PatientSeed;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// asaur hepatoCellular (227 resected patients, Li et al. 2014, Dryad CC0)
// ---------------------------------------------------------------------------------------------------------------

/**
 * asaur::hepatoCellular. Mapping: `Number`→sourceId (pseudoId `ASAUR-001`…), `Gender` 1/0→MALE/FEMALE
 * (1 = male per the README's reading of the source), `Age`, `HBsAg`=1→aetiology HBV (0: null, not "none": other
 * causes are not recorded), `Cirrhosis`, `Vascularinvasion`→vascularInvasion, `Tumormultiplicity` 1→tumourCount 1
 * (2 = multiple: null), `OS`/`Death`→osMonths/osEvent, `RFS`/`Recurrence`→rfsMonths/rfsEvent; one RESECTION
 * treatment. The dichotomised 1/2 codes (ALT, AST, AFP, Tumorsize, BCLC, TNM …) have undocumented cut-offs, so
 * they stay in `extra` only (no AFP value, no BCLC stage).
 */
export function mapAsaur(rows: Record<string, string>[]): PatientSeed[] {
  const used = ['rownames', 'Number', 'Gender', 'Age', 'HBsAg', 'Cirrhosis', 'Vascularinvasion', 'OS', 'Death', 'RFS', 'Recurrence'];
  return rows.map((r) => {
    const id = String(num(r.Number) ?? r.rownames).padStart(3, '0');
    return {
      pseudoId: `ASAUR-${id}`,
      sourceDataset: 'asaur-hepatocellular',
      sourceId: id,
      centre: 'Sun Yat-sen University (resection)',
      sex: r.Gender === '1' ? 'MALE' : r.Gender === '0' ? 'FEMALE' : null,
      age: num(r.Age),
      aetiology: bool01(r.HBsAg) ? 'HBV' : null,
      cirrhosis: bool01(r.Cirrhosis),
      vascularInvasion: bool01(r.Vascularinvasion),
      tumourCount: r.Tumormultiplicity === '1' ? 1 : null,
      osMonths: num(r.OS),
      osEvent: bool01(r.Death),
      rfsMonths: num(r.RFS),
      rfsEvent: bool01(r.Recurrence),
      extra: rest(r, used),
      treatments: [{ type: 'RESECTION', description: 'Hepatic resection' }],
    } satisfies PatientSeed;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// SYSUCC DTSDHCC (2,360 BCLC-B patients, longitudinal) — MIT (SurvivalPath)
// ---------------------------------------------------------------------------------------------------------------

/**
 * SurvivalPath DTSDHCC: one patient per `ID`, baseline = the earliest `Date` row. Mapping: pseudoId
 * `SYSUCC-<ID>`, bclc B (the cohort is intermediate-stage by inclusion), `Age` (only 18–100; the README flags
 * imputed ages outside it, kept in extra as `Age`), diagnosisDate = first `Date`,
 * `Largest.Diameter.of.Hepatic.Lesions` mm, `Vascular.Invasion`, `Distant.Metastasis`→extrahepaticSpread,
 * `Child_pugh_score` (+ class), `AFP`, osMonths = `OStime_day` of the first row / 30.4375, osEvent =
 * `Status_of_death`. Treatments: one per visit row and flag (`Embolization`→TACE, `Resection`→RESECTION,
 * `TargetedTherapy`→SYSTEMIC) dated by that row. Lesion-count category, lymph nodes and new-lesion flags of the
 * baseline row go to extra. Values are partly random-forest imputed by the package authors (see README).
 */
export function mapSysucc(rows: Record<string, string>[]): PatientSeed[] {
  const byId = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const list = byId.get(r.ID!) ?? [];
    list.push(r);
    byId.set(r.ID!, list);
  }
  const out: PatientSeed[] = [];
  for (const [id, visits] of byId) {
    visits.sort((a, b) => (a.Date! < b.Date! ? -1 : a.Date! > b.Date! ? 1 : 0));
    const b = visits[0]!;
    const age = num(b.Age);
    const cps = num(b.Child_pugh_score);
    const osDays = num(b.OStime_day);
    const diag = new Date(`${b.Date}T00:00:00Z`);
    const treatments: PatientSeed['treatments'] = [];
    for (const v of visits) {
      const date = new Date(`${v.Date}T00:00:00Z`);
      if (bool01(v.Embolization)) treatments.push({ type: 'TACE', date, description: 'Embolisation (TACE)' });
      if (bool01(v.Resection)) treatments.push({ type: 'RESECTION', date, description: 'Resection' });
      if (bool01(v.TargetedTherapy)) treatments.push({ type: 'SYSTEMIC', date, description: 'Targeted therapy' });
    }
    out.push({
      pseudoId: `SYSUCC-${id}`,
      sourceDataset: 'sysucc-dtsdhcc',
      sourceId: id,
      centre: 'Sun Yat-sen University Cancer Center',
      bclc: 'B',
      age: age !== null && age >= 18 && age <= 100 ? age : null,
      diagnosisDate: Number.isNaN(diag.getTime()) ? null : diag,
      maxTumourDiameterMm: num(b['Largest.Diameter.of.Hepatic.Lesions']),
      vascularInvasion: bool01(b['Vascular.Invasion']),
      extrahepaticSpread: bool01(b['Distant.Metastasis']),
      childPughScore: cps !== null && Number.isInteger(cps) ? cps : null,
      childPugh: childPughClass(cps),
      afp: num(b.AFP),
      osMonths: osDays === null ? null : round(osDays / DAYS_PER_MONTH),
      osEvent: bool01(b.Status_of_death),
      extra: {
        ...rest(b, ['ID', 'Date', 'Largest.Diameter.of.Hepatic.Lesions', 'Vascular.Invasion', 'Distant.Metastasis', 'Child_pugh_score', 'AFP', 'OStime_day', 'Status_of_death', 'Embolization', 'Resection', 'TargetedTherapy']),
        visits: String(visits.length),
      },
      treatments,
    });
  }
  return out;
}

const LICENCE_NOTE = 'Shipped in prisma/seed-data/<key>/ with its README (provenance, licence, citation).';

/** The four cohorts of the demo seed. */
export const DATASETS: DatasetDefinition[] = [
  {
    key: 'tcia-hcc-tace-seg',
    cohortName: 'TCIA HCC-TACE-Seg (TACE, MD Anderson)',
    description:
      '105 HCC patients treated with TACE (MD Anderson), clinical data of the TCIA collection HCC-TACE-Seg. Licence CC BY 4.0. ' +
      'Cite Moawad et al., TCIA 2021, doi:10.7937/TCIA.5FNA-0924 and Sci Data 10:33 (2023). ' + LICENCE_NOTE,
    files: ['data_table.csv'],
    map: (f) => mapTcia(parseCsv(f['data_table.csv']!)),
  },
  {
    key: 'uci-hcc-survival',
    cohortName: 'UCI HCC Survival (Coimbra)',
    description:
      '165 HCC patients (CHUC Coimbra) with 1-year survival, UCI Machine Learning Repository dataset 423. Licence CC BY 4.0. ' +
      'Cite Santos et al., J Biomed Inform 58 (2015) 49-59. ' + LICENCE_NOTE,
    files: ['hcc-data_with_header.csv'],
    map: (f) => mapUci(parseCsv(f['hcc-data_with_header.csv']!)),
  },
  {
    key: 'asaur-hepatocellular',
    cohortName: 'Resection cohort (Li et al. 2014, asaur)',
    description:
      '227 resected HCC patients with overall and recurrence-free survival (Li et al., PLoS ONE 9:e110064, 2014; Dryad, CC0), ' +
      'as distributed in the R package asaur. ' + LICENCE_NOTE,
    files: ['hepatoCellular.csv'],
    map: (f) => mapAsaur(parseCsv(f['hepatoCellular.csv']!)),
  },
  {
    key: 'sysucc-dtsdhcc',
    cohortName: 'SYSUCC BCLC-B longitudinal (DTSDHCC)',
    description:
      '2,360 intermediate-stage (BCLC B) HCC patients, SYSUCC 2007-2020, baseline visit per patient; data set DTSDHCC of the R package ' +
      'SurvivalPath (MIT). Partly imputed by the authors. Cite Shen et al., Nat Commun 9:2230 (2018). ' + LICENCE_NOTE,
    files: ['DTSDHCC.csv'],
    map: (f) => mapSysucc(parseCsv(f['DTSDHCC.csv']!)),
  },
];
