/**
 * Published reference models seeded into the registry (origin PUBLISHED, status DRAFT: their coefficients come
 * from the cited papers and have not been validated on local data; validate before promoting).
 * Parameter/input formats follow @hepatoscope/services `scoring/linear.ts`:
 *   inputs: [{ name, source: 'clinical', field, transform?, unit? }]
 *   logistic: { intercept, coefficients }          p = expit(intercept + Σ β·x)
 *   linear-score: { intercept, coefficients, grades: [{ label, upTo }] }   score = intercept + Σ β·x, graded
 */
import type { Prisma } from '../generated/prisma/client';

export const PUBLISHED_MODELS: Prisma.ModelCreateInput[] = [
  {
    name: 'ALBI grade (Johnson 2015)',
    task: 'SURVIVAL',
    kind: 'linear-score',
    version: '1.0.0',
    origin: 'PUBLISHED',
    status: 'DRAFT',
    inputs: [
      { name: 'bilirubin', source: 'clinical', field: 'bilirubin', transform: 'log10', unit: 'mg/dL' },
      { name: 'albumin', source: 'clinical', field: 'albumin', unit: 'g/dL' },
    ],
    parameters: {
      // ALBI = 0.66·log10(bilirubin µmol/L) − 0.085·albumin g/L, re-expressed for mg/dL and g/dL:
      // bilirubin µmol/L = 17.1 × mg/dL → + 0.66·log10(17.1) = 0.8138; albumin g/L = 10 × g/dL → −0.85.
      intercept: 0.8138,
      coefficients: { bilirubin: 0.66, albumin: -0.85 },
      grades: [
        { label: 'ALBI grade 1', upTo: -2.6 },
        { label: 'ALBI grade 2', upTo: -1.39 },
        { label: 'ALBI grade 3', upTo: null },
      ],
    },
    modelCard: {
      summary: 'Albumin-bilirubin (ALBI) score of liver function in HCC; a lower score means better liver function.',
      intendedUse: 'Grading liver function of HCC patients as an objective alternative to Child-Pugh. Prognostic, not a treatment rule.',
      formula: 'ALBI = 0.66 × log10(bilirubin, µmol/L) − 0.085 × albumin (g/L); grade 1 ≤ −2.60 < grade 2 ≤ −1.39 < grade 3.',
      data: 'Derived and validated by the authors on international HCC cohorts (see reference); not re-fitted here.',
      limitations: 'Published coefficients; not validated on this installation\'s data. Units are converted from mg/dL and g/dL.',
      reference: 'Johnson PJ et al. Assessment of liver function in patients with hepatocellular carcinoma: a new evidence-based approach — the ALBI grade. J Clin Oncol 2015;33(6):550-558. doi:10.1200/JCO.2014.57.9151',
      origin: 'PUBLISHED coefficients (seeded)',
    },
  },
  {
    name: 'GALAD (Johnson 2014)',
    task: 'DIAGNOSIS',
    kind: 'logistic',
    version: '1.0.0',
    origin: 'PUBLISHED',
    status: 'DRAFT',
    inputs: [
      { name: 'age', source: 'clinical', field: 'age', unit: 'years' },
      { name: 'sex_male', source: 'clinical', field: 'sex=MALE' },
      { name: 'afp', source: 'clinical', field: 'afp', transform: 'log10', unit: 'ng/mL' },
      { name: 'afp_l3', source: 'clinical', field: 'afpL3', unit: '%' },
      { name: 'dcp', source: 'clinical', field: 'dcp', transform: 'log10', unit: 'ng/mL' },
    ],
    parameters: {
      intercept: -10.08,
      coefficients: { age: 0.09, sex_male: 1.67, afp: 2.34, afp_l3: 0.04, dcp: 1.33 },
    },
    modelCard: {
      summary: 'GALAD: probability of HCC from Gender, Age, AFP-L3, AFP and DCP in patients with chronic liver disease.',
      intendedUse: 'Surveillance / diagnosis of HCC in chronic liver disease. Needs AFP-L3 (%) and DCP (des-gamma-carboxy prothrombin, ng/mL), which the seeded cohorts do not contain.',
      formula: 'Z = −10.08 + 0.09 × age + 1.67 × sex (male 1, female 0) + 2.34 × log10(AFP) + 0.04 × AFP-L3 + 1.33 × log10(DCP); p = 1/(1 + e^−Z).',
      data: 'Derived by the authors on a UK cohort and validated externally (see reference); not re-fitted here.',
      limitations: 'Published coefficients; not validated on this installation\'s data; DCP units as in the original publication.',
      reference: 'Johnson PJ et al. The detection of hepatocellular carcinoma using a prospectively developed and validated model based on serological biomarkers. Cancer Epidemiol Biomarkers Prev 2014;23(1):144-153. doi:10.1158/1055-9965.EPI-13-0870',
      origin: 'PUBLISHED coefficients (seeded)',
    },
  },
];
