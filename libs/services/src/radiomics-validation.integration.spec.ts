/**
 * Validation of models with radiomic predictors on a cohort, and the synthetic radiomics demo (phantoms → features →
 * logistic model → held-out validation). PostgreSQL when DATABASE_URL is set, else PGlite.
 *
 * The validation AUC is checked against an independent computation from the stored feature sets (Mann–Whitney over
 * all case/control pairs); exclusions name each patient and why.
 */
import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';
import { servicesFor } from '@hepatoscope/testing/fixtures';
import type { Services } from './index';
import {
  RADIOMICS_DEMO_COHORT,
  RADIOMICS_DEMO_FEATURES,
  RADIOMICS_DEMO_MODEL,
  seedRadiomicsDemo,
  type RadiomicsDemoResult,
} from './demo/radiomics-demo';
import { compareCandidates, indexLesionFeatures } from './usecases/radiomic-inputs';
import type { Actor } from './types';

let t: TestDatabase;
let services: Services;
let demo: RadiomicsDemoResult;
const admin: Actor = {
  userId: 'a',
  email: 'admin@test',
  name: 'admin',
  role: 'ADMIN',
  sessionId: 's',
  clientAddress: '127.0.0.1',
};

beforeAll(async () => {
  t = await createTestDatabase();
  services = servicesFor(t);
  demo = await seedRadiomicsDemo(services.deps, { patients: 40 });
}, 180_000);
afterAll(() => t?.cleanup());

/** AUC by definition: P(score case > score control) + ½ P(tie). */
function mannWhitneyAuc(y: number[], s: number[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++)
    for (let j = 0; j < y.length; j++)
      if (y[i] === 1 && y[j] === 0) {
        pairs++;
        sum += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
  return sum / pairs;
}

async function validationSplit() {
  const prisma = t.db.prisma;
  const cohort = await prisma.cohort.findUniqueOrThrow({ where: { name: RADIOMICS_DEMO_COHORT } });
  const members = await prisma.cohortMembership.findMany({
    where: { cohortId: cohort.id, split: 'VALIDATION' },
    include: { patient: { include: { lesions: { include: { featureSets: true } } } } },
    orderBy: { patient: { pseudoId: 'asc' } },
  });
  return { cohort, members };
}

describe('synthetic radiomics demo', () => {
  it('trains a SYNTHETIC DRAFT model on phantom features and validates it on the held-out split', async () => {
    expect(demo.seeded).toBe(true);
    const m = await services.models.get(demo.modelId!);
    expect(m).toMatchObject({ name: RADIOMICS_DEMO_MODEL, synthetic: true, status: 'DRAFT', origin: 'TRAINED' });
    expect(m.card).toMatchObject({ label: 'SYNTHETIC', synthetic: true });
    expect(m.inputs.map((i) => [i.name, i.source])).toEqual(RADIOMICS_DEMO_FEATURES.map((f) => [f, 'feature']));
    expect(m.validations).toHaveLength(1);
    expect(m.validations[0]!.split).toBe('VALIDATION');

    // the stored metrics agree with an independent computation from the stored feature sets
    const { members } = await validationSplit();
    expect(members).toHaveLength(20);
    const prm = (await t.db.prisma.model.findUniqueOrThrow({ where: { id: demo.modelId! } })).parameters as {
      intercept: number;
      coefficients: Record<string, number>;
    };
    const y: number[] = [];
    const s: number[] = [];
    for (const mm of members) {
      const v = mm.patient.lesions[0]!.featureSets[0]!.values as Record<string, number>;
      y.push(mm.patient.vascularInvasion ? 1 : 0);
      s.push(prm.intercept + RADIOMICS_DEMO_FEATURES.reduce((acc, f) => acc + prm.coefficients[f]! * v[f]!, 0));
    }
    const metrics = m.validations[0]!.metrics as { auc: number; n: number; events: number; excluded: number };
    expect(metrics.n).toBe(20);
    expect(metrics.excluded).toBe(0);
    expect(metrics.events).toBe(y.reduce((a, b) => a + b, 0));
    expect(metrics.auc).toBeCloseTo(mannWhitneyAuc(y, s), 12);
    // the features carry signal on unseen phantoms (the generator ties MVI to peritumoural enhancement)
    expect(metrics.auc).toBeGreaterThan(0.6);
  });

  it('is seeded once', async () => {
    expect((await seedRadiomicsDemo(services.deps, { patients: 40 })).seeded).toBe(false);
    expect(await t.db.prisma.model.count({ where: { name: RADIOMICS_DEMO_MODEL } })).toBe(1);
  });
});

describe('models.validate with radiomic predictors', () => {
  it('lists per-patient exclusions: no feature set, a missing feature, an undetermined outcome', async () => {
    const prisma = t.db.prisma;
    const { cohort, members } = await validationSplit();
    const [a, b, c] = members.map((m) => m.patient);
    await prisma.featureSet.deleteMany({ where: { lesionId: a!.lesions[0]!.id } });
    const fsB = b!.lesions[0]!.featureSets[0]!;
    const vb = { ...(fsB.values as Record<string, number>) };
    delete vb.shape_Sphericity;
    await prisma.featureSet.update({ where: { id: fsB.id }, data: { values: vb } });
    await prisma.patient.update({ where: { id: c!.id }, data: { vascularInvasion: null } });

    const r = await services.validation.validate(admin, {
      id: demo.modelId!,
      cohortId: cohort.id,
      split: 'all', // all 40 (the 12-patient VALIDATION split has too few events once three are excluded)
    });
    const metrics = r.metrics as {
      n: number;
      excluded: number;
      exclusions: Array<{ pseudoId: string; reason: string }>;
      radiomics: { rule: string; patientsWithFeatures: number };
    };
    expect(metrics.n).toBe(37);
    expect(metrics.excluded).toBe(3);
    expect(metrics.exclusions).toEqual(
      expect.arrayContaining([
        { patientId: a!.id, pseudoId: a!.pseudoId, reason: 'no lesion feature set on a ARTERIAL series' },
        { patientId: b!.id, pseudoId: b!.pseudoId, reason: 'missing predictor(s): shape_Sphericity' },
        { patientId: c!.id, pseudoId: c!.pseudoId, reason: 'outcome vascularInvasion not determined' },
      ]),
    );
    expect(metrics.radiomics.rule).toMatch(/largest lesion/);
    expect(metrics.radiomics.patientsWithFeatures).toBe(39);
  });

  it('takes the index lesion: latest study, then the largest lesion, then the latest feature set', async () => {
    const prisma = t.db.prisma;
    const { members } = await validationSplit();
    const p = members[5]!.patient;
    const old = p.lesions[0]!; // baseline study, the only lesion so far
    const oldSeries = await prisma.series.findFirstOrThrow({ where: { study: { patientId: p.id } } });
    const later = await prisma.study.create({
      data: { patientId: p.id, modality: 'CT', timepoint: 'FOLLOW_UP', date: new Date('2030-01-01'), synthetic: true },
    });
    const series = await prisma.series.create({
      data: {
        studyId: later.id,
        phase: 'ARTERIAL',
        dims: oldSeries.dims,
        spacing: oldSeries.spacing,
        origin: oldSeries.origin,
        direction: oldSeries.direction,
        storageUri: oldSeries.storageUri,
        sha256: oldSeries.sha256,
        synthetic: true,
      },
    });
    const mk = async (label: string, volumeMl: number, values: Record<string, number>) => {
      const l = await prisma.lesion.create({ data: { patientId: p.id, label, volumeMl } });
      const sg = await prisma.segmentation.create({
        data: {
          seriesId: series.id,
          structure: 'LESION',
          lesionId: l.id,
          source: 'MANUAL',
          maskUri: 'file:segmentations/x.nii.gz',
          sha256: 'x',
          labels: { '1': label },
        },
      });
      return prisma.featureSet.create({
        data: {
          segmentationId: sg.id,
          seriesId: series.id,
          lesionId: l.id,
          settings: {},
          settingsHash: label,
          softwareVersion: 'test',
          values,
          featureCount: 1,
        },
      });
    };
    await mk('L2', 1, { peritumoural_enhancement: 1 });
    const big = await mk('L3', old.volumeMl! + 100, { peritumoural_enhancement: 3 });
    const got = (await indexLesionFeatures(prisma, [p.id], 'ARTERIAL')).get(p.id)!;
    expect(got).toMatchObject({ featureSetId: big.id, lesionLabel: 'L3', studyId: later.id, phase: 'ARTERIAL' });
    expect(got.values).toEqual({ peritumoural_enhancement: 3 });
    // another phase filter finds nothing
    expect((await indexLesionFeatures(prisma, [p.id], 'PORTAL_VENOUS')).size).toBe(0);
  });

  it('orders candidates by the rule (pure)', () => {
    const c = (id: string, date: string, vol: number | null, label: string, created: string) => ({
      id,
      createdAt: new Date(created),
      values: {},
      lesion: { id: label, label, patientId: 'p', volumeMl: vol, diameterMm: null },
      series: { phase: 'ARTERIAL', study: { id: date, date: new Date(date), createdAt: new Date(date) } },
    });
    const list = [
      c('old-big', '2020-01-01', 50, 'L1', '2020-01-02'),
      c('new-small', '2021-01-01', 2, 'L2', '2021-01-02'),
      c('new-big-old-fs', '2021-01-01', 9, 'L3', '2021-01-02'),
      c('new-big-new-fs', '2021-01-01', 9, 'L3', '2021-02-02'),
    ];
    expect([...list].sort(compareCandidates).map((x) => x.id)).toEqual([
      'new-big-new-fs',
      'new-big-old-fs',
      'new-small',
      'old-big',
    ]);
  });
});
