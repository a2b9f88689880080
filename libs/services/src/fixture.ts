/**
 * A small, fully linked data set for integration tests of the services, the routers and the HTTP host
 * (exported as `createFixture`; not used at run time). Everything is deterministic except generated ids.
 *
 * Users (password `FIXTURE_PASSWORD`): clinician (access to cohort A, care of P2), clinician2 (no access),
 * board, admin. Patients: P1 (cohort A, on the meeting agenda, with a study/series/segmentation/lesion/features),
 * P2 (care of clinician), P3 (nobody's). Models: a VALIDATED logistic with covariance, a DRAFT logistic,
 * a VALIDATED Cox model.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '@hepatoscope/db';
import { hashPassword } from './auth/password';
import type { Role } from './types';

export const FIXTURE_PASSWORD = 'fixture-password-1';

export interface Fixture {
  users: Record<'clinician' | 'clinician2' | 'board' | 'admin', { id: string; email: string; role: Role }>;
  patients: { p1: string; p2: string; p3: string };
  cohortA: string;
  studyId: string;
  seriesId: string;
  segmentationId: string;
  lesionId: string;
  featureSetId: string;
  models: { validated: string; draft: string; cox: string };
  meetingId: string;
  discussionId: string;
  jobId: string;
}

export async function createFixture(
  prisma: Db,
  filesDir: string,
  opts: { bcryptCost?: number } = {},
): Promise<Fixture> {
  const hash = await hashPassword(FIXTURE_PASSWORD, opts.bcryptCost ?? 4);
  const mk = async (key: string, role: Role) => {
    const email = `${key}@fixture.test`;
    const u = await prisma.user.create({ data: { email, name: key, role, passwordHash: hash } });
    return { id: u.id, email, role };
  };
  const users = {
    clinician: await mk('clinician', 'CLINICIAN'),
    clinician2: await mk('clinician2', 'CLINICIAN'),
    board: await mk('board', 'TUMOR_BOARD'),
    admin: await mk('admin', 'ADMIN'),
  };
  const base = { sex: 'MALE' as const, aetiology: 'HBV', cirrhosis: true, childPugh: 'A' as const };
  const p1 = await prisma.patient.create({
    data: {
      ...base,
      pseudoId: 'FX-001',
      age: 64,
      bclc: 'B',
      afp: 120,
      albumin: 3.9,
      bilirubin: 0.9,
      osMonths: 20,
      osEvent: true,
    },
  });
  const p2 = await prisma.patient.create({
    data: {
      ...base,
      pseudoId: 'FX-002',
      age: 58,
      bclc: 'A',
      afp: 8,
      albumin: 4.2,
      bilirubin: 0.7,
      osMonths: 40,
      osEvent: false,
    },
  });
  const p3 = await prisma.patient.create({
    data: { ...base, pseudoId: 'FX-003', age: 71, bclc: 'C', afp: 900, albumin: 3.1, bilirubin: 1.6, sex: 'FEMALE' },
  });
  const cohort = await prisma.cohort.create({ data: { name: 'Fixture cohort A', description: 'test' } });
  await prisma.cohortMembership.create({ data: { cohortId: cohort.id, patientId: p1.id } });
  await prisma.cohortAccess.create({ data: { cohortId: cohort.id, userId: users.clinician.id } });
  await prisma.careAssignment.create({ data: { userId: users.clinician.id, patientId: p2.id } });

  // Imaging: small fake NIfTI-gz payloads (bytes only matter for streaming tests).
  fs.mkdirSync(path.join(filesDir, 'series'), { recursive: true });
  fs.mkdirSync(path.join(filesDir, 'segmentations'), { recursive: true });
  const seriesBytes = Buffer.from('fixture-series-bytes\n'.repeat(100));
  const maskBytes = Buffer.from('fixture-mask-bytes\n'.repeat(10));
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const study = await prisma.study.create({
    data: {
      patientId: p1.id,
      modality: 'CT',
      timepoint: 'BASELINE',
      date: new Date('2025-01-10T00:00:00Z'),
      synthetic: true,
      origin: 'phantom',
    },
  });
  const series = await prisma.series.create({
    data: {
      studyId: study.id,
      phase: 'ARTERIAL',
      dims: [4, 4, 2],
      spacing: [1, 1, 2.5],
      origin: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      storageUri: 'file:series/PLACEHOLDER.nii.gz',
      sha256: sha(seriesBytes),
      sizeBytes: seriesBytes.length,
      synthetic: true,
    },
  });
  fs.writeFileSync(path.join(filesDir, 'series', `${series.id}.nii.gz`), seriesBytes);
  await prisma.series.update({ where: { id: series.id }, data: { storageUri: `file:series/${series.id}.nii.gz` } });
  const lesion = await prisma.lesion.create({
    data: {
      patientId: p1.id,
      label: 'L1',
      diameterMm: 31,
      volumeMl: 14.2,
      enhancementPattern: 'APHE with washout',
      liRads: 'LR-5',
    },
  });
  const seg = await prisma.segmentation.create({
    data: {
      seriesId: series.id,
      structure: 'LESION',
      lesionId: lesion.id,
      source: 'MANUAL',
      authorId: users.clinician.id,
      maskUri: 'file:segmentations/PLACEHOLDER.nii.gz',
      sha256: sha(maskBytes),
      labels: { '1': 'lesion' },
      status: 'ACCEPTED',
    },
  });
  fs.writeFileSync(path.join(filesDir, 'segmentations', `${seg.id}.nii.gz`), maskBytes);
  await prisma.segmentation.update({ where: { id: seg.id }, data: { maskUri: `file:segmentations/${seg.id}.nii.gz` } });
  const fsRow = await prisma.featureSet.create({
    data: {
      segmentationId: seg.id,
      seriesId: series.id,
      lesionId: lesion.id,
      settings: { binWidth: 25 },
      settingsHash: 'h1',
      softwareVersion: '0.1.0',
      values: { original_firstorder_Mean: 81.5, original_shape_Sphericity: 0.71 },
      featureCount: 2,
    },
  });
  await prisma.treatment.create({
    data: { patientId: p1.id, type: 'TACE', date: new Date('2025-02-01T00:00:00Z'), response: 'PR' },
  });

  const logisticInputs = [
    { name: 'afp', source: 'clinical', field: 'afp', transform: 'log10', min: 0, max: 4 },
    { name: 'albumin', source: 'clinical', field: 'albumin', min: 2, max: 5 },
  ];
  const validated = await prisma.model.create({
    data: {
      name: 'Fixture MVI',
      task: 'MVI',
      kind: 'logistic',
      version: '1.0.0',
      status: 'VALIDATED',
      origin: 'PUBLISHED',
      inputs: logisticInputs,
      parameters: {
        intercept: 1.2,
        coefficients: { afp: 0.9, albumin: -0.8 },
        covariance: [
          [0.5, 0.01, -0.1],
          [0.01, 0.04, 0],
          [-0.1, 0, 0.03],
        ],
      },
      validationMetrics: { auc: 0.74 },
      modelCard: { intendedUse: 'tests' },
    },
  });
  const draft = await prisma.model.create({
    data: {
      name: 'Fixture draft',
      task: 'DIAGNOSIS',
      kind: 'logistic',
      version: '1.0.0',
      origin: 'PUBLISHED',
      inputs: logisticInputs,
      parameters: { intercept: 0, coefficients: { afp: 1, albumin: 1 } },
      modelCard: {},
    },
  });
  const cox = await prisma.model.create({
    data: {
      name: 'Fixture OS',
      task: 'SURVIVAL',
      kind: 'cox',
      version: '1.0.0',
      status: 'VALIDATED',
      origin: 'TRAINED',
      inputs: [{ name: 'age', field: 'age', min: 30, max: 90 }],
      parameters: {
        coefficients: { age: 0.03 },
        means: { age: 60 },
        covariance: [[0.0001]],
        baseline: [
          { t: 6, s: 0.9 },
          { t: 12, s: 0.75 },
          { t: 24, s: 0.55 },
          { t: 36, s: 0.4 },
        ],
      },
      modelCard: {},
    },
  });
  const meeting = await prisma.tumorBoardMeeting.create({
    data: { title: 'Fixture MDT', scheduledAt: new Date('2025-03-01T09:00:00Z') },
  });
  const disc = await prisma.caseDiscussion.create({
    data: { meetingId: meeting.id, patientId: p1.id, position: 1, question: 'TACE?', attendees: [] },
  });
  const job = await prisma.job.create({
    data: { type: 'segmentation', input: {}, createdById: users.clinician.id, state: 'RUNNING', progress: 0.5 },
  });

  return {
    users,
    patients: { p1: p1.id, p2: p2.id, p3: p3.id },
    cohortA: cohort.id,
    studyId: study.id,
    seriesId: series.id,
    segmentationId: seg.id,
    lesionId: lesion.id,
    featureSetId: fsRow.id,
    models: { validated: validated.id, draft: draft.id, cox: cox.id },
    meetingId: meeting.id,
    discussionId: disc.id,
    jobId: job.id,
  };
}
