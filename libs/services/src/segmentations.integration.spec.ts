/** Segmentation jobs, review with version check, and versions (concurrent edits) on a real database. */
import fs from 'node:fs';
import path from 'node:path';
import { createVolume, encodeNifti, gzip } from '@hepatoscope/imaging-io';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, fixtureActor, servicesFor } from '@hepatoscope/testing/fixtures';
import type { Services } from './index';
import type { Fixture } from './fixture';
import { checkMask } from './usecases/segmentations';
import type { Actor } from './types';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
const sent: Array<{ queue: string; payload: Record<string, unknown>; id: string }> = [];

beforeAll(async () => {
  ({ t, fx, services } = await createFixtureServices({
    enqueue: async (queue, payload, { id }) => {
      sent.push({ queue, payload, id });
      return id;
    },
  }));
});
afterAll(() => t?.cleanup());

const clinician = (): Actor => fixtureActor(fx, 'clinician', { name: 'c' });
const mask = (fill: number, dims: [number, number, number] = [4, 4, 2]) =>
  gzip(
    encodeNifti(
      createVolume({ data: new Uint8Array(dims[0] * dims[1] * dims[2]).fill(fill), dims, spacing: [1, 1, 2.5] }),
    ),
  );

describe('checkMask', () => {
  it('accepts a label mask on the series grid and lists its labels', () => {
    expect(checkMask(mask(2), [4, 4, 2])).toEqual({ voxels: 32, labels: [2] });
  });
  it('refuses another grid, non-NIfTI bytes and gzip bombs', () => {
    expect(() => checkMask(mask(1, [4, 4, 3]), [4, 4, 2])).toThrow(/grid 4×4×3 differs from the series grid 4×4×2/);
    expect(() => checkMask(new TextEncoder().encode('hello'), [4, 4, 2])).toThrow(/not a readable NIfTI/);
    const bomb = gzip(new Uint8Array(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(() => checkMask(bomb, [4, 4, 2])).toThrow(/expands beyond the series grid/);
  });
});

describe('automatic segmentation jobs', () => {
  it('queues a job with the series file, and imports the worker mask once when the finished job is read', async () => {
    const { jobId } = await services.segmentations.request(clinician(), fx.seriesId);
    expect(sent).toEqual([
      {
        queue: 'segmentation',
        id: jobId,
        payload: { imagePath: path.join(t.filesDir, 'series', `${fx.seriesId}.nii.gz`) },
      },
    ]);
    expect(await services.jobs.get(clinician(), jobId)).toMatchObject({ state: 'QUEUED', progress: 0 });
    // what the worker does: write the mask under files/jobs/<id>/ and report completion
    const dir = path.join(t.filesDir, 'jobs', jobId);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'mask.nii.gz'), mask(1));
    await t.db.prisma.job.update({
      where: { id: jobId },
      data: { state: 'COMPLETED', progress: 1, message: 'done', result: { maskPath: path.join(dir, 'mask.nii.gz') } },
    });
    const done = await services.jobs.get(clinician(), jobId);
    const segId = (done.result as { segmentationId: string }).segmentationId;
    expect(JSON.stringify(done)).not.toContain(t.filesDir); // no server paths in the DTO
    expect(segId).toBeTruthy();
    const seg = await t.db.prisma.segmentation.findUniqueOrThrow({ where: { id: segId } });
    expect(seg).toMatchObject({ seriesId: fx.seriesId, source: 'AUTO', status: 'DRAFT', structure: 'LIVER' });
    await services.jobs.get(clinician(), jobId);
    expect(await t.db.prisma.segmentation.count({ where: { seriesId: fx.seriesId, source: 'AUTO' } })).toBe(1);
  });

  it('answers UNAVAILABLE without a queue, and NOT_FOUND out of scope', async () => {
    const noQueue = servicesFor(t);
    await expect(noQueue.segmentations.request(clinician(), fx.seriesId)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
    const other: Actor = { ...clinician(), userId: fx.users.clinician2.id };
    await expect(services.segmentations.request(other, fx.seriesId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('review and versions', () => {
  it('review needs the version you saw (stale → CONFLICT)', async () => {
    const [cur] = await services.segmentations.history(clinician(), fx.segmentationId);
    const ok = await services.segmentations.review(clinician(), {
      id: fx.segmentationId,
      status: 'REJECTED',
      note: 'misses segment 7',
      expectedUpdatedAt: cur!.updatedAt,
    });
    expect(ok).toMatchObject({ status: 'REJECTED', reviewNote: 'misses segment 7' });
    await expect(
      services.segmentations.review(clinician(), {
        id: fx.segmentationId,
        status: 'ACCEPTED',
        expectedUpdatedAt: cur!.updatedAt,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('saves a new version, supersedes the old one, and detects two concurrent edits of the same version', async () => {
    const v2 = await services.segmentations.createVersion(clinician(), fx.segmentationId, mask(1));
    expect(v2).toMatchObject({
      version: 2,
      previousId: fx.segmentationId,
      source: 'MANUAL',
      status: 'DRAFT',
      labelsPresent: [1],
    });
    expect(fs.existsSync(path.join(t.filesDir, 'segmentations', `${v2.id}.nii.gz`))).toBe(true);
    await expect(services.segmentations.createVersion(clinician(), fx.segmentationId, mask(1))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    // two editors on v2 at the same time: exactly one wins, the other is told, nothing is lost silently
    const results = await Promise.allSettled([
      services.segmentations.createVersion(clinician(), v2.id, mask(1)),
      services.segmentations.createVersion(clinician(), v2.id, mask(2)),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'CONFLICT' });
    const chain = await services.segmentations.history(clinician(), fx.segmentationId);
    expect(chain.map((c) => [c.version, c.status])).toEqual([
      [1, 'SUPERSEDED'],
      [2, 'SUPERSEDED'],
      [3, 'DRAFT'],
    ]);
    // the loser's file was removed: every mask file on disk belongs to a segmentation row
    const rows = await t.db.prisma.segmentation.findMany({ select: { id: true } });
    const files = fs.readdirSync(path.join(t.filesDir, 'segmentations'));
    expect(files.filter((f) => rows.every((r) => !f.startsWith(r.id)))).toEqual([]);
  });
});

describe('feature extraction jobs', () => {
  it('queues extraction of a lesion mask and stores one FeatureSet per row, linked to the lesion, once', async () => {
    const before = sent.length;
    const { jobId } = await services.features.request(clinician(), { segmentationId: fx.segmentationId });
    expect(sent[before]).toMatchObject({
      queue: 'feature-extraction',
      id: jobId,
      payload: { preset: 'liver-ct', exclude: [] },
    });
    await t.db.prisma.job.update({
      where: { id: jobId },
      data: {
        state: 'COMPLETED',
        message: 'done',
        result: {
          featuresPath: '/x/features.json',
          settingsHash: 'abc',
          softwareVersion: '9.9.9',
          rows: [
            {
              label: 1,
              component: 0,
              voxels: 32,
              features: { original_firstorder_Mean: 12.5, original_shape_Flatness: null },
            },
          ],
        },
      },
    });
    const done = await services.jobs.get(clinician(), jobId);
    expect((done.result as { featureSetIds: string[] }).featureSetIds).toHaveLength(1);
    await services.jobs.get(clinician(), jobId);
    const rows = await services.features.forPatient(clinician(), fx.patients.p1);
    const mine = rows.filter((r) => r.softwareVersion === '9.9.9');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ lesionLabel: 'L1', values: { original_firstorder_Mean: 12.5 } });
    expect(Object.keys(mine[0]!.values)).toEqual(['original_firstorder_Mean']);
  });

  it('refuses a series from another study or grid', async () => {
    const other = await t.db.prisma.series.create({
      data: {
        studyId: fx.studyId,
        phase: 'PORTAL_VENOUS',
        dims: [8, 8, 2],
        spacing: [1, 1, 1],
        origin: [0, 0, 0],
        direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        storageUri: 'file:series/none.nii.gz',
        sha256: 'x',
      },
    });
    await expect(
      services.features.request(clinician(), { segmentationId: fx.segmentationId, seriesId: other.id }),
    ).rejects.toMatchObject({ code: 'INVALID', message: /not on the mask grid/ });
  });
});
