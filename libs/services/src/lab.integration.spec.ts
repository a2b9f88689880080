/** lab.train on a real database: CV metrics, stored DRAFT model, determinism by seed. */
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, fixtureActor } from '@hepatoscope/testing/fixtures';
import { LogisticRegression, Rng, fromRows } from '@hepatoscope/stats';
import type { Services } from './index';
import type { Fixture } from './fixture';
import { stratifiedFolds } from './usecases/lab';
import type { Actor } from './types';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let cohortId: string;
const rows: Array<{ age: number; albumin: number; y: number }> = [];

beforeAll(async () => {
  ({ t, fx, services } = await createFixtureServices());
  const rng = new Rng(7);
  const c = await t.db.prisma.cohort.create({ data: { name: 'Lab cohort' } });
  cohortId = c.id;
  for (let i = 0; i < 120; i++) {
    const age = 40 + Math.round(rng.next() * 40);
    const albumin = Math.round((2.5 + rng.next() * 2) * 10) / 10;
    const eta = -4 + 0.08 * age - 0.6 * albumin;
    const y = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    rows.push({ age, albumin, y });
    const p = await t.db.prisma.patient.create({
      data: { pseudoId: `LAB-${String(i).padStart(3, '0')}`, age, albumin, osMonths: 24, osEvent: y === 1 },
    });
    await t.db.prisma.cohortMembership.create({ data: { cohortId, patientId: p.id } });
  }
  // one incomplete case, excluded
  const q = await t.db.prisma.patient.create({ data: { pseudoId: 'LAB-MISSING', age: 50 } });
  await t.db.prisma.cohortMembership.create({ data: { cohortId, patientId: q.id } });
});
afterAll(() => t?.cleanup());

const admin = (): Actor => fixtureActor(fx, 'admin');
const clinician = (): Actor => fixtureActor(fx, 'clinician', { name: 'c' });
/** lab.train by the admin on the lab cohort: osEvent ~ age + albumin, logistic, 5 folds, seed 1, unless `over` says otherwise. */
const train = (over: Partial<Parameters<Services['lab']['train']>[1]> = {}) =>
  services.lab.train(admin(), {
    cohortId,
    outcome: 'osEvent',
    features: ['age', 'albumin'],
    estimator: 'logistic',
    cvFolds: 5,
    seed: 1,
    ...over,
  });
/** Patient ids of the lab cohort's VALIDATION split. */
const validationSplit = () =>
  t.db.prisma.cohortMembership.findMany({
    where: { cohortId, split: 'VALIDATION' },
    select: { patientId: true },
    orderBy: { patientId: 'asc' },
  });

it('stratified folds keep the class balance and depend only on the seed', () => {
  const y = rows.map((r) => r.y);
  const f = stratifiedFolds(y, 5, 3);
  expect(Array.from(stratifiedFolds(y, 5, 3))).toEqual(Array.from(f));
  const events = y.reduce((s, v) => s + v, 0);
  for (let k = 0; k < 5; k++) {
    const inFold = y.filter((_, i) => f[i] === k);
    const ev = inFold.reduce((s, v) => s + v, 0);
    expect(Math.abs(ev - events / 5)).toBeLessThanOrEqual(1);
  }
});

it('trains a logistic model with CV metrics and registers the full-data fit as a DRAFT model', async () => {
  const res = await train({ seed: 11 });
  expect(res.metrics.n).toBe(120);
  expect(res.metrics.excluded).toBe(1);
  expect(res.metrics.auc).toBeGreaterThan(0.5);
  expect(res.metrics.aucCi[0]).toBeLessThan(res.metrics.auc);
  expect(res.metrics.aucCi[1]).toBeGreaterThan(res.metrics.auc);
  expect(res.metrics.brier).toBeGreaterThan(0);
  expect(res.metrics.roc[0]).toMatchObject({ fpr: 1, tpr: 1 });
  expect(res.metrics.calibration.reduce((s, g) => s + g.n, 0)).toBe(120);

  const m = await services.models.get(res.modelId);
  expect(m).toMatchObject({
    status: 'DRAFT',
    origin: 'TRAINED',
    kind: 'logistic',
    predictors: ['age', 'albumin'],
    trainingCohort: { id: cohortId },
  });
  const direct = new LogisticRegression().fit(
    fromRows(
      rows.map((r) => [r.age, r.albumin]),
      ['age', 'albumin'],
    ),
    rows.map((r) => r.y),
  );
  const prm = m.parameters as { intercept: number; coefficients: Record<string, number>; covariance: number[][] };
  expect(prm.intercept).toBeCloseTo(direct.beta[0]!, 10);
  expect(prm.coefficients.age).toBeCloseTo(direct.beta[1]!, 10);
  expect(prm.covariance[1]![1]).toBeCloseTo(direct.vcov[4]!, 12);

  const again = await train({ seed: 11 });
  expect(again.metrics.auc).toBe(res.metrics.auc);
  expect((await services.models.get(again.modelId)).version).toBe('2.0.0');
});

it('promoted trained models score patients (train → validate → predict)', async () => {
  const res = await train({ features: ['age'], cvFolds: 3, name: 'age only' });
  await services.models.promote(admin(), res.modelId, 'test');
  const r = await services.predictions.run(clinician(), { patientId: fx.patients.p1, modelId: res.modelId });
  expect(r.kind).toBe('probability');
});

it('refuses too few complete cases with a clear message', async () => {
  await expect(train({ cohortId: fx.cohortA, features: ['age'] })).rejects.toMatchObject({
    code: 'INVALID',
    message: expect.stringMatching(/Not enough complete cases to train: 1 patients/),
  });
});

it('trains a lasso model (λ chosen by inner CV) without covariance; its predictions say why there is no CI', async () => {
  const res = await train({ estimator: 'lasso', seed: 4, name: 'lasso' });
  expect(res.metrics.auc).toBeGreaterThan(0.5);
  const m = await services.models.get(res.modelId);
  expect(m.kind).toBe('lasso-logistic');
  const prm = m.parameters as { lambda: number; coefficients: Record<string, number>; covariance?: unknown };
  expect(prm.lambda).toBeGreaterThan(0);
  expect(prm.covariance).toBeUndefined();
  expect(Object.keys(prm.coefficients).length).toBeGreaterThan(0);
  expect(m.predictors).toEqual(Object.keys(prm.coefficients));
  await services.models.promote(admin(), res.modelId, 'test');
  const r = await services.predictions.run(clinician(), { patientId: fx.patients.p1, modelId: res.modelId });
  if (r.kind !== 'probability') throw new Error('expected a probability');
  expect(r.ci).toBeNull();
  expect(r.ciUnavailableReason).toMatch(/no coefficient covariance/);
});

describe('cohort split and model validation', () => {
  it('splits a cohort by seeded random, reproducibly, and by date', async () => {
    const a = await services.cohorts.split(admin(), { id: cohortId, by: 'random', validationFraction: 0.25, seed: 5 });
    expect(a).toMatchObject({ training: 91, validation: 30, unassigned: 0 });
    const first = await validationSplit();
    await services.cohorts.split(admin(), { id: cohortId, by: 'random', validationFraction: 0.25, seed: 5 });
    const second = await validationSplit();
    expect(second).toEqual(first);
    const d = await services.cohorts.split(admin(), {
      id: cohortId,
      by: 'date',
      validationFraction: 0.3,
      seed: 1,
      cutoffDate: '2020-01-01',
    });
    expect(d).toMatchObject({ training: 0, validation: 0, unassigned: 121 }); // no diagnosis dates in this cohort
    await expect(
      services.cohorts.split(admin(), { id: cohortId, by: 'centre', validationFraction: 0.3, seed: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID', message: /available: none recorded/ });
    await services.cohorts.split(admin(), { id: cohortId, by: 'random', validationFraction: 0.25, seed: 5 });
  });

  it('validates a logistic model on the VALIDATION split: AUC/CI, calibration, Brier, DCA; stored', async () => {
    const res = await train({ seed: 2, name: 'to validate' });
    const v = await services.validation.validate(admin(), { id: res.modelId, cohortId, split: 'VALIDATION' });
    const m = v.metrics as {
      n: number;
      auc: number;
      aucCi: [number, number];
      brier: number;
      calibrationSlope: number;
      decisionCurve: unknown[];
      outcome: string;
    };
    expect(m.n).toBe(30);
    expect(m.outcome).toBe('osEvent');
    expect(m.aucCi[0]).toBeLessThanOrEqual(m.auc);
    expect(m.brier).toBeGreaterThan(0);
    expect(Number.isFinite(m.calibrationSlope)).toBe(true);
    expect(m.decisionCurve).toHaveLength(99);
    const card = await services.models.get(res.modelId);
    expect(card.validations[0]).toMatchObject({ id: v.validationId, split: 'VALIDATION', cohortId });
    expect((card.metrics as { n: number }).n).toBe(30);
  });

  it('validates a Cox model: C-index and KM by risk tertile with log-rank', async () => {
    const v = await services.validation.validate(admin(), { id: fx.models.cox, cohortId, split: 'all', outcome: 'os' });
    const m = v.metrics as {
      cIndex: number;
      kmByRiskGroup: Array<{ group: string; n: number }>;
      logRank: { p: number };
      n: number;
    };
    expect(m.n).toBe(120);
    expect(m.cIndex).toBeGreaterThan(0);
    expect(m.cIndex).toBeLessThan(1);
    expect(m.kmByRiskGroup.map((g) => g.group)).toEqual(['low', 'intermediate', 'high']);
    expect(m.kmByRiskGroup.reduce((s, g) => s + g.n, 0)).toBe(120);
    expect(m.logRank.p).toBeGreaterThanOrEqual(0);
  });

  it('names the missing outcome of a model without one', async () => {
    await expect(
      services.validation.validate(admin(), { id: fx.models.validated, cohortId, split: 'all' }),
    ).rejects.toMatchObject({ code: 'INVALID', message: /does not name its outcome/ });
  });
});
