/**
 * Demo content: a radiomics model the platform trains itself on SYNTHETIC phantoms, validated on a held-out
 * synthetic cohort — labelled synthetic wherever it is shown.
 *
 * Deterministic and small (seed runs at first start): `patients` one-lesion HCC phantoms (@hepatoscope/phantoms,
 * seeds 7100…, 64×64×12 voxels at 3×3×10 mm) whose latent microvascular invasion (MVI) is the label. For each,
 * the arterial-phase series and the lesion mask are stored as files; @hepatoscope/radiomics computes PyRadiomics-
 * definition firstorder + shape features of the lesion and the mean of an 8 mm peritumoural liver ring, stored as
 * the lesion's FeatureSet. The first half (by seed) form the TRAINING split, the rest VALIDATION.
 * A logistic regression (@hepatoscope/stats, IRLS) of MVI on peritumoural enhancement and lesion sphericity is
 * fitted on TRAINING and registered (origin TRAINED, synthetic, DRAFT); `models.validate` then scores the VALIDATION
 * split from the stored feature sets (index-lesion rule) — the same path an admin uses.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Prisma } from '@hepatoscope/db';
import { encodeNifti, gzip } from '@hepatoscope/imaging-io';
import { generatePhantom } from '@hepatoscope/phantoms';
import { extractFeatures, peritumouralRing } from '@hepatoscope/radiomics';
import { LogisticRegression, fromRows } from '@hepatoscope/stats';
import type { ResolvedDeps } from '../deps';
import { withStoredFiles } from '../storage/atomic-write';
import { createValidationService } from '../usecases/validation';

export const RADIOMICS_DEMO_MODEL = 'SYNTHETIC radiomics: MVI from arterial-phase features (phantoms)';
export const RADIOMICS_DEMO_COHORT = 'SYNTHETIC phantoms — radiomics MVI';
/** Predictors of the demo model (FeatureSet value keys). */
export const RADIOMICS_DEMO_FEATURES = ['peritumoural_enhancement', 'shape_Sphericity'] as const;

const DIMS: [number, number, number] = [64, 64, 12];
const SPACING: [number, number, number] = [3, 3, 10];
const SEED0 = 7100;
/** Peritumoural ring width (mm). */
const RING_MM = 8;
/** Share of the phantoms in the TRAINING split (by seed order); the rest is the held-out VALIDATION split. */
const TRAIN_FRACTION = 0.5;
const SETTINGS = { families: ['firstorder', 'shape'], ring: { radiusMm: RING_MM, phase: 'ARTERIAL' } };

export interface RadiomicsDemoOptions {
  /** Number of phantom patients (default 60: 30 training, 30 validation). */
  patients?: number;
  log?: (line: string) => void;
}

export interface RadiomicsDemoResult {
  seeded: boolean;
  modelId: string | null;
  ms: number;
  /** Validation metrics on the held-out synthetic split. */
  metrics?: Record<string, unknown>;
}

/** Advisory lock key (`pg_advisory_xact_lock`) serialising concurrent radiomics demo seeders (arbitrary constant). */
export const RADIOMICS_DEMO_LOCK_KEY = 0x4865_7052; // 'HepR'

/** Thrown inside the seed transaction when another process seeded the demo while this one waited for the lock. */
class AlreadySeeded extends Error {}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** One phantom patient: its lesion's features, MVI label and the files to store. */
function phantomCase(seed: number) {
  const tp = generatePhantom({ seed, lesions: 1, lesionTypes: ['HCC'], dims: DIMS, spacing: SPACING, timepoints: 1 })
    .timepoints[0]!;
  const les = tp.lesions[0]!;
  const img = tp.phases.ARTERIAL;
  const grid = { dims: tp.lesionMask.dims, spacing: tp.lesionMask.spacing, origin: tp.lesionMask.origin };
  const lesion = { ...grid, data: Uint8Array.from(tp.lesionMask.data, (v) => (v === les.label ? 1 : 0)) };
  const liver = {
    ...grid,
    data: Uint8Array.from(tp.liverMask.data, (v, i) => (v && !tp.lesionMask.data[i] ? 1 : 0)),
  };
  const image = { data: img.data, dims: img.dims, spacing: img.spacing, origin: img.origin };
  const f = extractFeatures(image, lesion, { families: ['firstorder', 'shape'] }).features;
  const ring = extractFeatures(image, peritumouralRing(lesion, RING_MM, liver), { families: ['firstorder'] }).features;
  const parenchyma = extractFeatures(image, liver, { families: ['firstorder'] }).features;
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(f)) if (typeof v === 'number' && Number.isFinite(v)) values[k] = v;
  values.peritumoural8mm_firstorder_Mean = ring.firstorder_Mean!;
  values.liver_firstorder_Mean = parenchyma.firstorder_Mean!;
  values.peritumoural_enhancement = ring.firstorder_Mean! - parenchyma.firstorder_Mean!;
  return {
    seed,
    mvi: !!les.mvi,
    lesion: les,
    values,
    imageGz: gzip(encodeNifti(img as never)),
    maskGz: gzip(encodeNifti({ ...tp.lesionMask, data: lesion.data } as never)),
    geometry: {
      dims: [...img.dims],
      spacing: [...img.spacing],
      origin: [...img.origin],
      direction: [...img.direction],
    },
  };
}

/**
 * Seeds the synthetic radiomics demo once (skipped when the model exists). Files first, rows in one transaction,
 * then the validation on the held-out split.
 */
export async function seedRadiomicsDemo(
  deps: ResolvedDeps,
  opts: RadiomicsDemoOptions = {},
): Promise<RadiomicsDemoResult> {
  const t0 = performance.now();
  const { prisma } = deps;
  const log = opts.log ?? (() => {});
  if (await prisma.model.findFirst({ where: { name: RADIOMICS_DEMO_MODEL }, select: { id: true } }))
    return { seeded: false, modelId: null, ms: 0 };
  const n = opts.patients ?? 60;
  const nTrain = Math.round(n * TRAIN_FRACTION);
  const cases: ReturnType<typeof phantomCase>[] = [];
  for (let i = 0; i < n; i++) {
    cases.push(phantomCase(SEED0 + i));
    await new Promise((r) => setImmediate(r)); // keep a running server responsive between phantoms
  }
  log(`radiomics demo: ${n} phantoms, ${cases.filter((c) => c.mvi).length} with MVI`);

  // Fit on the training split.
  const train = cases.slice(0, nTrain);
  const names = [...RADIOMICS_DEMO_FEATURES];
  const fit = new LogisticRegression().fit(
    fromRows(
      train.map((c) => names.map((k) => c.values[k]!)),
      names,
    ),
    train.map((c) => (c.mvi ? 1 : 0)),
  );
  const p = fit.names.length;
  const covariance = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => fit.vcov[i * p + j]!));
  const ranges = names.map((k) => {
    const v = train.map((c) => c.values[k]!);
    return { min: Math.min(...v), max: Math.max(...v) };
  });

  // Files.
  const ids = cases.map(() => ({
    patient: randomUUID(),
    study: randomUUID(),
    series: randomUUID(),
    seg: randomUUID(),
    lesion: randomUUID(),
  }));
  const settingsHash = sha(new TextEncoder().encode(JSON.stringify(SETTINGS)));
  const clinician = await prisma.user.findFirst({ where: { role: 'CLINICIAN' }, orderBy: { createdAt: 'asc' } });
  // Files first (atomic), then one transaction; any failure removes the files. Two API processes starting together
  // on one PostgreSQL are serialised by an advisory lock, the second sees the model and stops (nothing written).
  let modelId: string;
  try {
    modelId = await withStoredFiles(
      deps.filesDir,
      async (batch) => {
        for (let i = 0; i < cases.length; i++) {
          await batch.write(`series/${ids[i]!.series}.nii.gz`, cases[i]!.imageGz);
          await batch.write(`segmentations/${ids[i]!.seg}.nii.gz`, cases[i]!.maskGz);
        }
      },
      () =>
        prisma.$transaction(
          async (tx) => {
            await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${RADIOMICS_DEMO_LOCK_KEY})`);
            if (await tx.model.findFirst({ where: { name: RADIOMICS_DEMO_MODEL }, select: { id: true } }))
              throw new AlreadySeeded();
            const cohort = await tx.cohort.create({
              data: {
                name: RADIOMICS_DEMO_COHORT,
                description:
                  'SYNTHETIC: one-lesion HCC phantoms (@hepatoscope/phantoms) with latent microvascular invasion; ' +
                  `seeds ${SEED0}–${SEED0 + n - 1}; first ${nTrain} TRAINING, rest VALIDATION.`,
                sourceDataset: 'phantoms',
                synthetic: true,
                definition: {
                  generator: '@hepatoscope/phantoms',
                  seeds: [SEED0, SEED0 + n - 1],
                  dims: DIMS,
                  spacing: SPACING,
                },
              },
            });
            if (clinician) await tx.cohortAccess.create({ data: { cohortId: cohort.id, userId: clinician.id } });
            await tx.patient.createMany({
              data: cases.map((c, i) => ({
                id: ids[i]!.patient,
                pseudoId: `SYN-RAD-${String(i + 1).padStart(3, '0')}`,
                sourceDataset: 'phantoms',
                sourceId: `seed ${c.seed}`,
                vascularInvasion: c.mvi,
                tumourCount: 1,
                maxTumourDiameterMm: Math.round(c.lesion.nominalDiameterMm * 10) / 10,
                pathologyGrade: c.lesion.grade ? String(c.lesion.grade) : null,
              })),
            });
            await tx.cohortMembership.createMany({
              data: cases.map((_, i) => ({
                cohortId: cohort.id,
                patientId: ids[i]!.patient,
                split: i < nTrain ? ('TRAINING' as const) : ('VALIDATION' as const),
              })),
            });
            await tx.study.createMany({
              data: cases.map((c, i) => ({
                id: ids[i]!.study,
                patientId: ids[i]!.patient,
                modality: 'CT' as const,
                timepoint: 'BASELINE' as const,
                description: `SYNTHETIC — phantom seed ${c.seed}`,
                synthetic: true,
                origin: 'phantom',
              })),
            });
            await tx.series.createMany({
              data: cases.map((c, i) => ({
                id: ids[i]!.series,
                studyId: ids[i]!.study,
                phase: 'ARTERIAL' as const,
                description: 'SYNTHETIC — arterial phase',
                ...c.geometry,
                storageUri: `file:series/${ids[i]!.series}.nii.gz`,
                format: 'nifti-gz',
                sha256: sha(c.imageGz),
                sizeBytes: c.imageGz.length,
                synthetic: true,
              })),
            });
            await tx.lesion.createMany({
              data: cases.map((c, i) => ({
                id: ids[i]!.lesion,
                patientId: ids[i]!.patient,
                label: 'L1',
                type: 'HCC',
                diameterMm: Math.round(c.lesion.diameterMm * 10) / 10,
                volumeMl: Math.round(c.lesion.volumeMl * 100) / 100,
                notes: 'Synthetic phantom lesion (radiomics demo).',
              })),
            });
            await tx.segmentation.createMany({
              data: cases.map((c, i) => ({
                id: ids[i]!.seg,
                seriesId: ids[i]!.series,
                structure: 'LESION' as const,
                lesionId: ids[i]!.lesion,
                source: 'AUTO' as const,
                status: 'ACCEPTED' as const,
                maskUri: `file:segmentations/${ids[i]!.seg}.nii.gz`,
                sha256: sha(c.maskGz),
                labels: { '1': 'L1 (HCC)' },
                volumeMl: Math.round(c.lesion.volumeMl * 100) / 100,
                reviewNote: 'Ground-truth mask of the synthetic phantom.',
              })),
            });
            await tx.featureSet.createMany({
              data: cases.map((c, i) => ({
                segmentationId: ids[i]!.seg,
                seriesId: ids[i]!.series,
                lesionId: ids[i]!.lesion,
                settings: SETTINGS,
                settingsHash,
                softwareVersion: '@hepatoscope/radiomics (demo seed)',
                values: c.values,
                featureCount: Object.keys(c.values).length,
              })),
            });
            const model = await tx.model.create({
              data: {
                name: RADIOMICS_DEMO_MODEL,
                task: 'MVI',
                kind: 'logistic',
                version: '1.0.0',
                status: 'DRAFT',
                origin: 'TRAINED',
                synthetic: true,
                trainingCohortId: cohort.id,
                inputs: names.map((k, j) => ({ name: k, source: 'feature', field: k, ...ranges[j] })),
                parameters: {
                  intercept: fit.beta[0]!,
                  coefficients: Object.fromEntries(names.map((k, j) => [k, fit.beta[j + 1]!])),
                  covariance,
                  covarianceOrder: fit.names,
                  outcome: 'vascularInvasion',
                  featurePhase: 'ARTERIAL',
                } as Prisma.InputJsonValue,
                modelCard: {
                  label: 'SYNTHETIC',
                  intendedUse:
                    'Demonstration only: shows radiomics training and validation on synthetic data. Not for clinical use.',
                  data: `${nTrain} synthetic one-lesion HCC phantoms (TRAINING split of ${RADIOMICS_DEMO_COHORT}); label = the phantom's latent microvascular invasion.`,
                  method:
                    'Logistic regression (IRLS, @hepatoscope/stats) of MVI on the 8 mm peritumoural arterial enhancement (ring mean − liver mean, HU) and the lesion sphericity (shape_Sphericity; arterial phase, @hepatoscope/radiomics).',
                  validation: 'Held-out VALIDATION split of the same synthetic generator (see validations).',
                  limitations: 'Synthetic phantoms only; performance says nothing about real patients.',
                  synthetic: true,
                },
              },
              select: { id: true },
            });
            return model.id;
          },
          { timeout: 120_000 },
        ),
    );
  } catch (e) {
    if (!(e instanceof AlreadySeeded)) throw e;
    log('radiomics demo: seeded meanwhile by another process; nothing to do');
    return { seeded: false, modelId: null, ms: performance.now() - t0 };
  }

  const v = await createValidationService(deps).validate(
    {
      userId: 'seed',
      email: 'seed@hepatoscope',
      name: 'demo seed',
      role: 'ADMIN',
      sessionId: 'seed',
      clientAddress: '',
    },
    {
      id: modelId,
      cohortId: (await prisma.cohort.findUniqueOrThrow({ where: { name: RADIOMICS_DEMO_COHORT } })).id,
      split: 'VALIDATION',
    },
  );
  const ms = performance.now() - t0;
  log(
    `radiomics demo: model trained on ${nTrain}, validated on ${n - nTrain} held-out phantoms ` +
      `(AUC ${(v.metrics.auc as number).toFixed(3)}) in ${(ms / 1000).toFixed(1)} s`,
  );
  return { seeded: true, modelId, ms, metrics: v.metrics };
}
