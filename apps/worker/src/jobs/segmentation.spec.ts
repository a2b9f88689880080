/** @jest-environment @hepatoscope/inference/jest-ort-env.js */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVolume, encodeNifti, gzip, parseNifti } from '@hepatoscope/imaging-io';
import { ModelRegistry, SegmentationCascade, simplePhantom, type CascadeOptions } from '@hepatoscope/inference';
import { ResultStore } from '../results';
import type { JobContext } from '../types';
import { segmentationJob, segmentationPayload } from './segmentation';

/** The segmentation payload's `tta` / `overlap` fields: validated, and passed through to the cascade. */
describe('segmentation payload', () => {
  test('tta and overlap are optional and validated', () => {
    expect(segmentationPayload.parse({ imagePath: 'a.nii.gz', tta: true, overlap: 0.25 })).toEqual({
      imagePath: 'a.nii.gz',
      tta: true,
      overlap: 0.25,
    });
    expect(segmentationPayload.parse({ imagePath: 'a.nii.gz' })).toEqual({ imagePath: 'a.nii.gz' });
    const issue = (p: unknown) => segmentationPayload.safeParse(p).error?.issues.map((i) => i.path.join('.'));
    expect(issue({ imagePath: 'a', tta: 'yes' })).toEqual(['tta']);
    expect(issue({ imagePath: 'a', overlap: 0.95 })).toEqual(['overlap']);
    expect(issue({ imagePath: 'a', overlap: -0.1 })).toEqual(['overlap']);
    expect(issue({ imagePath: 'a', overlap: '0.5' })).toEqual(['overlap']);
  });
});

describe('segmentation job', () => {
  let dir: string;
  let models: ModelRegistry;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hs-seg-payload-'));
    models = new ModelRegistry({ providers: 'cpu' });
  });
  afterAll(async () => {
    await models.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('passes tta and overlap to the cascade (real bundled cascade on a small phantom)', async () => {
    const ph = simplePhantom(93001, 48, 10, 'PORTAL_VENOUS');
    const image = join(dir, 'pv.nii.gz');
    writeFileSync(
      image,
      gzip(
        encodeNifti(createVolume({ data: ph.data, dims: ph.dims, spacing: ph.spacing, metadata: { synthetic: true } })),
      ),
    );
    const seen: (CascadeOptions | undefined)[] = [];
    const load = SegmentationCascade.load.bind(SegmentationCascade);
    const spy = jest.spyOn(SegmentationCascade, 'load').mockImplementation(async (...args) => {
      const c = await load(...args);
      const segment = c.segment.bind(c);
      c.segment = (img, opts) => {
        seen.push(opts);
        return segment(img, opts);
      };
      return c;
    });
    try {
      const ctx = (jobId: string): JobContext => ({
        jobId,
        queue: 'segmentation',
        attempt: 0,
        signal: new AbortController().signal,
        progress: async () => {},
        store: new ResultStore(join(dir, 'results')),
        models,
        providers: 'cpu',
      });
      const withTta = await segmentationJob.run(
        segmentationPayload.parse({ imagePath: image, tta: true, overlap: 0.25 }),
        ctx('job-tta'),
      );
      const plain = await segmentationJob.run(segmentationPayload.parse({ imagePath: image }), ctx('job-plain'));
      expect(seen).toHaveLength(2);
      expect(seen[0]).toMatchObject({ tta: true, overlap: 0.25 });
      expect(seen[1]?.tta).toBeUndefined();
      expect(seen[1]?.overlap).toBeUndefined();
      for (const out of [withTta, plain]) {
        const mask = parseNifti(readFileSync(out.maskPath), out.maskPath);
        expect(mask.dims).toEqual([48, 48, 10]);
        expect(out.summary.liverVolumeMl).toBeGreaterThan(0);
      }
    } finally {
      spy.mockRestore();
    }
  }, 240_000);
});
