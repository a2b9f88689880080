/**
 * predictions.run with radiomic predictors: the feature vector is picked by the same INDEX LESION code as
 * models.validate (radiomic-inputs.ts), or is the named lesion's; the input snapshot records which lesion and
 * feature set were used and by which rule. PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, createPublishedModel, fixtureActor } from '@hepatoscope/testing/fixtures';
import type { Services } from '../index';
import type { Fixture } from '../fixture';
import { DomainError } from '../errors';
import { INDEX_LESION_RULE, NAMED_LESION_RULE, indexLesionFeatures } from './radiomic-inputs';
import type { Actor } from '../types';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let modelId: string;
const ids: Record<string, string> = {};

// Feature names as the fixture's feature set stores them.
const MEAN = 'original_firstorder_Mean';
const SPH = 'original_shape_Sphericity';
const PRM = { intercept: -1, coefficients: { enh: 0.01, sph: 2 } };
/** Logistic probability computed here, independently of the scoring code. */
const expit = (mean: number, sph: number) => 1 / (1 + Math.exp(-(PRM.intercept + 0.01 * mean + 2 * sph)));

beforeAll(async () => {
  ({ t, fx, services } = await createFixtureServices());
  const prisma = t.db.prisma;
  const series = await prisma.series.findUniqueOrThrow({ where: { id: fx.seriesId } });

  // P1 already has L1 (14.2 ml; Mean 81.5, Sphericity 0.71) on the baseline ARTERIAL series.
  // L2: larger (30 ml) in the same study and phase, different features → the index lesion.
  // L4: larger still (99 ml) but only on a PORTAL_VENOUS series of a LATER study → not eligible for an ARTERIAL model.
  const lesionWithFeatures = async (seriesId: string, label: string, volumeMl: number, values: object) => {
    const l = await prisma.lesion.create({ data: { patientId: fx.patients.p1, label, volumeMl } });
    const sg = await prisma.segmentation.create({
      data: {
        seriesId,
        structure: 'LESION',
        lesionId: l.id,
        source: 'MANUAL',
        maskUri: 'file:segmentations/none.nii.gz',
        sha256: 'x',
        labels: { '1': label },
      },
    });
    const f = await prisma.featureSet.create({
      data: {
        segmentationId: sg.id,
        seriesId,
        lesionId: l.id,
        settings: {},
        settingsHash: label,
        softwareVersion: 'test',
        values,
        featureCount: Object.keys(values).length,
      },
    });
    ids[label] = l.id;
    ids[`fs${label}`] = f.id;
  };
  await lesionWithFeatures(fx.seriesId, 'L2', 30, { [MEAN]: 120, [SPH]: 0.5 });
  const later = await prisma.study.create({
    data: { patientId: fx.patients.p1, modality: 'CT', timepoint: 'FOLLOW_UP', date: new Date('2026-01-01') },
  });
  const pv = await prisma.series.create({
    data: {
      studyId: later.id,
      phase: 'PORTAL_VENOUS',
      dims: series.dims as number[],
      spacing: series.spacing as number[],
      origin: series.origin as number[],
      direction: series.direction as number[],
      storageUri: series.storageUri,
      sha256: series.sha256,
    },
  });
  await lesionWithFeatures(pv.id, 'L4', 99, { [MEAN]: 300, [SPH]: 0.9 });

  modelId = (
    await createPublishedModel(prisma, {
      name: 'radiomic prediction test',
      task: 'MVI',
      kind: 'logistic',
      inputs: [
        { name: 'enh', source: 'feature', field: MEAN },
        { name: 'sph', source: 'feature', field: SPH },
      ],
      parameters: { ...PRM, featurePhase: 'ARTERIAL' },
    })
  ).id;
}, 120_000);
afterAll(() => t?.cleanup());

const clinician = (): Actor => fixtureActor(fx, 'clinician', { sessionId: 'test', clientAddress: '10.0.0.1' });

type Snapshot = { values: Record<string, number>; featureSetId: string; featureSource: Record<string, unknown> };
const snapshotOf = async (id: string) =>
  (await t.db.prisma.prediction.findUniqueOrThrow({ where: { id } })).inputSnapshot as unknown as Snapshot;

describe('predictions.run with radiomic predictors', () => {
  it('scores the index lesion (largest lesion of the latest study on the model phase) and records it', async () => {
    const r = await services.predictions.run(clinician(), { patientId: fx.patients.p1, modelId });
    if (r.kind !== 'probability') throw new Error('expected a probability');
    expect(r.inputs).toEqual({ enh: 120, sph: 0.5 });
    expect(r.probability).toBeCloseTo(expit(120, 0.5), 12);
    const snap = await snapshotOf(r.id);
    expect(snap.featureSetId).toBe(ids.fsL2);
    expect(snap.featureSource).toEqual({
      rule: 'INDEX_LESION',
      ruleText: INDEX_LESION_RULE,
      featurePhase: 'ARTERIAL',
      lesionId: ids.L2,
      lesionLabel: 'L2',
      featureSetId: ids.fsL2,
      studyId: fx.studyId,
      phase: 'ARTERIAL',
    });
    // the same lesion models.validate would take for this patient
    const v = (await indexLesionFeatures(t.db.prisma, [fx.patients.p1], 'ARTERIAL')).get(fx.patients.p1)!;
    expect(v.featureSetId).toBe(ids.fsL2);
    // the prediction row is not tied to a lesion the caller did not name
    expect((await t.db.prisma.prediction.findUniqueOrThrow({ where: { id: r.id } })).lesionId).toBeNull();
  });

  it('scores a named lesion with its own latest feature set and records the named-lesion rule', async () => {
    const r = await services.predictions.run(clinician(), { patientId: fx.patients.p1, modelId, lesionId: fx.lesionId });
    if (r.kind !== 'probability') throw new Error('expected a probability');
    expect(r.inputs).toEqual({ enh: 81.5, sph: 0.71 });
    expect(r.probability).toBeCloseTo(expit(81.5, 0.71), 12);
    const snap = await snapshotOf(r.id);
    expect(snap.featureSource).toMatchObject({
      rule: 'NAMED_LESION',
      ruleText: NAMED_LESION_RULE,
      lesionId: fx.lesionId,
      lesionLabel: 'L1',
      featureSetId: fx.featureSetId,
    });
    expect((await t.db.prisma.prediction.findUniqueOrThrow({ where: { id: r.id } })).lesionId).toBe(fx.lesionId);
  });

  it('refuses a named lesion that has no feature set on the model phase', async () => {
    await expect(
      services.predictions.run(clinician(), { patientId: fx.patients.p1, modelId, lesionId: ids.L4 }),
    ).rejects.toThrow(/has no lesion feature set on a ARTERIAL series/);
  });

  it('names the missing radiomic features', async () => {
    const m = await createPublishedModel(t.db.prisma, {
      name: 'radiomic prediction test (missing)',
      task: 'MVI',
      kind: 'logistic',
      inputs: [
        { name: 'enh', source: 'feature', field: MEAN },
        { name: 'contrast', source: 'feature', field: 'original_glcm_Contrast' },
        { name: 'zone', source: 'feature', field: 'original_glszm_ZoneEntropy' },
      ],
      parameters: { intercept: 0, coefficients: { enh: 1, contrast: 1, zone: 1 }, featurePhase: 'ARTERIAL' },
    });
    const e = await services.predictions.run(clinician(), { patientId: fx.patients.p1, modelId: m.id }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('INVALID');
    expect((e as DomainError).message).toMatch(
      /Feature set \S+ of lesion L2 .*index lesion.* lacks radiomic feature\(s\) original_glcm_Contrast, original_glszm_ZoneEntropy/,
    );
    expect((e as DomainError).details).toMatchObject({
      missingFeatures: ['original_glcm_Contrast', 'original_glszm_ZoneEntropy'],
      featureSetId: ids.fsL2,
    });
  });
});
