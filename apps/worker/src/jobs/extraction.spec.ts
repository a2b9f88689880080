import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVolume, encodeNifti, gzip } from '@hepatoscope/imaging-io';
import type { ModelRegistry } from '@hepatoscope/inference';
import { ResultStore } from '../results';
import type { JobContext } from '../types';
import { extractionJob, extractionPayload, extractionStage } from './extraction';
import { stopExtractionThread } from './extract-thread';

describe('extractionStage', () => {
  test('names the lesion, its component and size', () => {
    expect(extractionStage(0, 3, { label: 2, component: 0, voxels: 812 })).toBe(
      'extracting lesion 1 of 3 (label 2, 812 voxels)',
    );
    expect(extractionStage(2, 3, { label: 2, component: 3, voxels: 9 })).toBe(
      'extracting lesion 3 of 3 (label 2 #3, 9 voxels)',
    );
  });
});

describe('feature-extraction job progress', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hs-extract-progress-'));
  });
  afterAll(async () => {
    await stopExtractionThread();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, data: Int16Array | Uint8Array, dims: [number, number, number]) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      gzip(encodeNifti(createVolume({ data, dims, spacing: [1, 1, 1], metadata: { synthetic: true } }))),
    );
    return path;
  };

  const makeCase = () => {
    const dims: [number, number, number] = [24, 24, 10];
    const [nx, ny] = dims;
    const img = new Int16Array(nx * ny * dims[2]);
    for (let i = 0; i < img.length; i++) img[i] = 40 + ((i * 7919) % 61); // deterministic texture
    const mask = new Uint8Array(img.length);
    const box = (x0: number, y0: number, label: number) => {
      for (let z = 2; z < 8; z++)
        for (let y = y0; y < y0 + 6; y++) for (let x = x0; x < x0 + 6; x++) mask[x + nx * (y + ny * z)] = label;
    };
    box(2, 2, 1); // liver label: excluded by default
    box(12, 2, 2);
    box(2, 12, 3);
    box(14, 14, 4);
    return { img, mask, dims };
  };
  const context = (jobId: string, seen: [number, string][], signal = new AbortController().signal): JobContext => ({
    jobId,
    queue: 'feature-extraction',
    attempt: 0,
    signal,
    progress: async (f, m) => {
      seen.push([f, m]);
    },
    store: new ResultStore(join(dir, 'results')),
    models: {} as ModelRegistry,
  });
  const payload = (name: string) => {
    const { img, mask, dims } = makeCase();
    return extractionPayload.parse({
      imagePath: write(`${name}-img.nii.gz`, img, dims),
      maskPath: write(`${name}-mask.nii.gz`, mask, dims),
      preset: 'ibsi-digital-phantom',
    });
  };

  test.each(['1', '0'])(
    'reports every lesion as "k of n" with rising fractions, before extracting it (HEPATOSCOPE_EXTRACT_THREAD=%s)',
    async (flag) => {
      const before = process.env.HEPATOSCOPE_EXTRACT_THREAD;
      process.env.HEPATOSCOPE_EXTRACT_THREAD = flag;
      try {
        const seen: [number, string][] = [];
        const out = await extractionJob.run(payload(`progress-${flag}`), context(`progress-${flag}`, seen));
        expect(out.rows.map((r) => r.label)).toEqual([2, 3, 4]);
        const lesionStages = seen.filter(([, m]) => m.startsWith('extracting lesion'));
        expect(lesionStages.map(([, m]) => m)).toEqual([
          'extracting lesion 1 of 3 (label 2, 216 voxels)',
          'extracting lesion 2 of 3 (label 3, 216 voxels)',
          'extracting lesion 3 of 3 (label 4, 216 voxels)',
        ]);
        const fractions = lesionStages.map(([f]) => f);
        expect(fractions[0]).toBeCloseTo(0.1, 10);
        for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThan(fractions[i - 1]);
        expect(fractions[fractions.length - 1]).toBeLessThan(0.95);
      } finally {
        if (before === undefined) delete process.env.HEPATOSCOPE_EXTRACT_THREAD;
        else process.env.HEPATOSCOPE_EXTRACT_THREAD = before;
      }
    },
  );

  test('the extraction thread gives the same rows as the in-process path', async () => {
    const run = async (flag: string) => {
      process.env.HEPATOSCOPE_EXTRACT_THREAD = flag;
      try {
        return await extractionJob.run(payload(`same-${flag}`), context(`same-${flag}`, []));
      } finally {
        delete process.env.HEPATOSCOPE_EXTRACT_THREAD;
      }
    };
    const threaded = await run('1');
    const inProcess = await run('0');
    expect(threaded.rows).toEqual(inProcess.rows);
    expect(threaded.settingsHash).toBe(inProcess.settingsHash);
  });

  test('an aborted job stops the thread; the next job starts a new one', async () => {
    const ac = new AbortController();
    const p = extractionJob.run(payload('abort'), {
      ...context('abort', []),
      signal: ac.signal,
      progress: async (_f, m) => {
        if (m.startsWith('extracting lesion 1')) ac.abort(new Error('stopped by test'));
      },
    });
    await expect(p).rejects.toThrow('stopped by test');
    const out = await extractionJob.run(payload('after-abort'), context('after-abort', []));
    expect(out.rows).toHaveLength(3);
  });
});
