/**
 * Analyses behind the portal's charts, on a real database: the paired DeLong comparison of two models (checked
 * against pROC), the lab's Cox path (C-index, KM by risk tertile, a scorable cox model), KM by risk group for
 * time-to-event outcomes of the logistic lab, and the worklist's pending-review filter.
 */
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, fixtureActor } from '@hepatoscope/testing/fixtures';
import { Rng, harrellC, rocTestPaired } from '@hepatoscope/stats';
import type { Services } from './index';
import type { Fixture } from './fixture';
import { delongDifferenceSe } from './usecases/compare';
import { survivalByRiskTertile } from './usecases/lab';
import { kmByRiskTertile, tertiles } from './usecases/survival-groups';
import type { Actor } from './types';
import golden from './usecases/compare.golden.json';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let cohortId: string;

const actor = (key: keyof Fixture['users']): Actor => fixtureActor(fx, key);
/** The logistic lab by the admin on the analysis cohort: os24 ~ age + albumin, 3 folds, seed 1, unless `over` says otherwise. */
const train = (over: Partial<Parameters<Services['lab']['train']>[1]> = {}) =>
  services.lab.train(actor('admin'), {
    cohortId,
    outcome: 'os24',
    features: ['age', 'albumin'],
    estimator: 'logistic',
    cvFolds: 3,
    seed: 1,
    ...over,
  });

beforeAll(async () => {
  ({ t, fx, services } = await createFixtureServices());
  const rng = new Rng(11);
  const c = await t.db.prisma.cohort.create({ data: { name: 'Analysis cohort' } });
  cohortId = c.id;
  const data = [];
  for (let i = 0; i < 90; i++) {
    const age = 40 + Math.round(rng.next() * 40);
    const albumin = Math.round((2.5 + rng.next() * 2) * 10) / 10;
    // exponential survival with hazard rising with age and falling with albumin; censoring at 48 months
    const hazard = 0.02 * Math.exp(0.05 * (age - 60) - 0.8 * (albumin - 3.5));
    const tt = -Math.log(1 - rng.next()) / hazard;
    const os = Math.round(Math.min(tt, 48) * 10) / 10;
    data.push({
      pseudoId: `AN-${String(i).padStart(3, '0')}`,
      age,
      albumin,
      osMonths: os,
      osEvent: tt <= 48,
    });
  }
  await t.db.prisma.patient.createMany({ data });
  const ids = await t.db.prisma.patient.findMany({ where: { pseudoId: { startsWith: 'AN-' } }, select: { id: true } });
  await t.db.prisma.cohortMembership.createMany({ data: ids.map((p) => ({ cohortId, patientId: p.id })) });
});
afterAll(() => t?.cleanup());

describe('paired DeLong comparison', () => {
  it('SE of the AUC difference reproduces pROC roc.test: z, p and the 95 % CI of AUC1 − AUC2', () => {
    const r = rocTestPaired(golden.labels, golden.s1, golden.s2);
    const se = delongDifferenceSe(golden.labels, golden.s1, golden.s2);
    expect(r.auc1).toBeCloseTo(golden.auc1, 12);
    expect(r.auc2).toBeCloseTo(golden.auc2, 12);
    expect(r.difference / se).toBeCloseTo(golden.z, 10);
    expect(r.p).toBeCloseTo(golden.p, 9);
    expect(r.difference - 1.959963984540054 * se).toBeCloseTo(golden.ci[0]!, 10);
    expect(r.difference + 1.959963984540054 * se).toBeCloseTo(golden.ci[1]!, 10);
  });

  it('compares two lab models on the same cohort: ΔAUC = AUC_A − AUC_B with its CI, p, both ROC curves', async () => {
    const a = await train({ name: 'A' });
    const b = await train({ features: ['age'], name: 'B' });
    const r = await services.validation.compare({ modelA: a.modelId, modelB: b.modelId, cohortId, split: 'all' });
    expect(r.outcome).toBe('os24');
    expect(r.n + r.excluded).toBe(90);
    expect(r.difference).toBeCloseTo(r.a.auc - r.b.auc, 12);
    expect(r.differenceCi[0]).toBeLessThan(r.difference);
    expect(r.differenceCi[1]).toBeGreaterThan(r.difference);
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThanOrEqual(1);
    expect(r.a.roc.length).toBeGreaterThan(3);
    expect(r.b.roc.length).toBeGreaterThan(3);
    // the same patients: a model compared with itself is refused; unknown ids are NOT_FOUND
    await expect(
      services.validation.compare({ modelA: a.modelId, modelB: a.modelId, cohortId, split: 'all' }),
    ).rejects.toMatchObject({ code: 'INVALID' });
    await expect(
      services.validation.compare({ modelA: a.modelId, modelB: 'nope', cohortId, split: 'all' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('the logistic lab adds KM curves by out-of-fold risk tertile for a time-to-event outcome, and not otherwise', async () => {
    const r = await train({ seed: 2 });
    const s = (r.metrics as { survival?: { kmByRiskGroup: { group: string; n: number }[]; logRank: { p: number } } })
      .survival;
    expect(s?.kmByRiskGroup.map((g) => g.group)).toEqual(['low', 'intermediate', 'high']);
    expect(s!.kmByRiskGroup.reduce((x, g) => x + g.n, 0)).toBe(r.metrics.n);
    expect(s!.logRank.p).toBeGreaterThanOrEqual(0);
    expect(survivalByRiskTertile('taceResponse', [], [])).toBeNull();
  });
});

describe('lab Cox model', () => {
  it('trains on os: CV C-index, KM by tertile; the registered model scores a patient with a CI band', async () => {
    const r = await services.lab.trainSurvival(actor('admin'), {
      cohortId,
      outcome: 'os',
      features: ['age', 'albumin'],
      cvFolds: 3,
      seed: 5,
    });
    expect(r.metrics.n).toBe(90);
    expect(r.metrics.cIndex).toBeGreaterThan(0.6); // strong simulated effects
    expect(r.metrics.kmByRiskGroup.map((g) => g.n)).toEqual([30, 30, 30]);
    // high-risk tertile dies sooner: its KM lies below the low tertile's at 24 months
    const at = (g: { curve: { t: number; s: number }[] }, tt: number) =>
      g.curve.filter((p) => p.t <= tt).at(-1)?.s ?? 1;
    expect(at(r.metrics.kmByRiskGroup[2]!, 24)).toBeLessThan(at(r.metrics.kmByRiskGroup[0]!, 24));
    expect(r.metrics.coefficients.find((c) => c.name === 'age')!.hr).toBeGreaterThan(1);

    const m = await services.models.get(r.modelId);
    expect(m).toMatchObject({ kind: 'cox', status: 'DRAFT', task: 'SURVIVAL' });
    await services.models.promote(actor('admin'), r.modelId, 'test');
    const pred = await services.predictions
      .run(actor('clinician'), { patientId: fx.patients.p1, modelId: r.modelId })
      .catch((e) => e);
    // fixture p1 has age and albumin → a survival curve with a band
    expect(pred).toMatchObject({ kind: 'survival' });
    const curve = (pred as { curve: { s: number; lo: number | null; hi: number | null }[] }).curve;
    expect(curve.length).toBeGreaterThan(10);
    for (const p of curve) {
      expect(p.lo!).toBeLessThanOrEqual(p.s + 1e-12);
      expect(p.hi!).toBeGreaterThanOrEqual(p.s - 1e-12);
    }
    // validating on the cohort gives the same KM-by-tertile shape for the case view
    const v = await services.validation.validate(actor('admin'), {
      id: r.modelId,
      cohortId,
      split: 'all',
      outcome: 'os',
    });
    expect((v.metrics as { kmByRiskGroup: unknown[] }).kmByRiskGroup).toHaveLength(3);
  });

  it('refuses a non-survival outcome and too few events with a clear message', async () => {
    await expect(
      services.lab.trainSurvival(actor('admin'), { cohortId, outcome: 'os24', features: ['age'], cvFolds: 3, seed: 1 }),
    ).rejects.toThrow(/survival outcome \(os or rfs\), got os24/);
    await expect(
      services.lab.trainSurvival(actor('admin'), {
        cohortId: fx.cohortA,
        outcome: 'os',
        features: ['age'],
        cvFolds: 3,
        seed: 1,
      }),
    ).rejects.toThrow(/Not enough complete cases to train a Cox model/);
  });

  it('kmByRiskTertile groups by type-7 tertiles and Harrell C agrees with the grouping direction', () => {
    expect(tertiles([1, 2, 3, 4, 5, 6, 7])).toEqual([3, 5]);
    const time = [5, 8, 12, 20, 30, 40, 45, 48, 48];
    const event = [1, 1, 1, 1, 0, 1, 0, 0, 0];
    const score = [9, 8, 7, 6, 5, 4, 3, 2, 1];
    const g = kmByRiskTertile(time, event, score);
    expect(g.kmByRiskGroup.map((x) => x.n)).toEqual([3, 3, 3]);
    expect(g.kmByRiskGroup[2]!.events).toBe(3);
    expect(harrellC(time, event, score).concordance).toBeGreaterThan(0.9);
  });
});

describe('worklist pending-review filter', () => {
  it('keeps only patients with a DRAFT segmentation', async () => {
    const before = await services.patients.list(actor('clinician'), { page: 1, pageSize: 50, pendingReview: true });
    expect(before.total).toBe(0);
    const all = await services.patients.list(actor('clinician'), { page: 1, pageSize: 50 });
    expect(all.total).toBeGreaterThan(1);
    const seg = await t.db.prisma.segmentation.findUniqueOrThrow({ where: { id: fx.segmentationId } });
    await t.db.prisma.segmentation.create({
      data: {
        seriesId: seg.seriesId,
        structure: 'LIVER',
        source: 'AUTO',
        maskUri: seg.maskUri,
        sha256: seg.sha256,
        labels: { '1': 'liver' },
        status: 'DRAFT',
      },
    });
    const after = await services.patients.list(actor('clinician'), { page: 1, pageSize: 50, pendingReview: true });
    expect(after.items.map((p) => p.id)).toEqual([fx.patients.p1]);
  });
});
