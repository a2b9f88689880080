/** @jest-environment @hepatoscope/inference/jest-ort-env.js */
/**
 * ONNX model upload over real HTTP (`POST /api/files/models`, multipart) and its use by the segmentation job:
 * a committed model from libs/inference/models registered as a new id@version (DRAFT, sha256, card), refused
 * uploads (not ONNX, manifest ≠ graph, oversize, duplicate version, wrong role), then a clinician's segmentation
 * request with that model id run by the real worker job (onnxruntime on CPU) and imported as an AUTO segmentation
 * linked to the model; an uploaded tumour model run as the cascade's tumour stage behind the bundled (or an uploaded)
 * liver stage, with both stages in the segmentation's provenance. PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { httpLogin, type TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase } from '@hepatoscope/testing/fixtures';
import { FIXTURE_PASSWORD, type Fixture } from '@hepatoscope/services';
import { createVolume, encodeNifti, gzip, parseNifti } from '@hepatoscope/imaging-io';
import {
  BUNDLED_MODELS_DIR,
  DEFAULT_CASCADE_DIR,
  dice,
  ModelRegistry,
  SegmentationCascade,
  simplePhantom,
} from '@hepatoscope/inference';
import { ResultStore, segmentationJob } from '@hepatoscope/worker';
import { createApiServer, type ApiServer } from './server';

let t: TestDatabase;
let fx: Fixture;
let api: ApiServer;
let base: string;
const queued: Array<{ queue: string; payload: Record<string, unknown>; id: string }> = [];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: Response): Promise<any> => r.json();
const LIVER_DIR = path.join(BUNDLED_MODELS_DIR, 'liver-seg-2p5d');
const onnxBytes = () => fs.readFileSync(path.join(LIVER_DIR, 'model.onnx'));
const committedManifest = () => JSON.parse(fs.readFileSync(path.join(LIVER_DIR, 'manifest.json'), 'utf8'));

beforeAll(async () => {
  ({ t, fx } = await createFixtureDatabase());
  api = createApiServer({
    db: t.db,
    filesDir: t.filesDir,
    bcryptCost: 4,
    logError: () => {},
    enqueue: async (queue, payload, { id }) => {
      queued.push({ queue, payload, id });
      return id;
    },
  });
  base = await api.listen(0);
}, 60_000);
afterAll(async () => {
  await api?.close();
  await t?.cleanup();
});

const login = (email: string) => httpLogin(base, email, FIXTURE_PASSWORD);

function form(manifest: unknown, bytes: Uint8Array, card?: unknown) {
  const f = new FormData();
  f.append('manifest', typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  if (card !== undefined) f.append('card', JSON.stringify(card));
  f.append('model', new Blob([bytes]), 'model.onnx');
  return f;
}

async function upload(who: { cookie: string; csrf: string }, body: FormData, url = base) {
  const r = await fetch(`${url}/api/files/models`, {
    method: 'POST',
    headers: { cookie: who.cookie, 'x-hepatoscope-csrf': who.csrf },
    body,
  });
  return { status: r.status, body: await json(r) };
}

const modelDirs = () => fs.readdirSync(path.join(t.filesDir, 'models')).sort();

describe('POST /api/files/models', () => {
  let admin: { cookie: string; csrf: string };
  beforeAll(async () => {
    admin = await login(fx.users.admin.email);
  });

  it('registers a committed ONNX model under a new id@version as DRAFT with its sha256 and card', async () => {
    const m = { ...committedManifest(), id: 'uploaded-liver', version: '2.0.0' };
    const card = { intendedUse: 'Research: liver masks on CT', licence: 'CC-BY-4.0', labels: ['background', 'liver'] };
    const r = await upload(admin, form(m, onnxBytes(), card));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'uploaded-liver',
      version: '2.0.0',
      status: 'DRAFT',
      origin: 'UPLOADED',
      kind: 'onnx-segmentation',
      task: 'SEGMENTATION',
      synthetic: true,
      artefactSha256: committedManifest().sha256,
    });
    expect(r.body.card).toMatchObject({
      intendedUse: 'Research: liver masks on CT',
      licence: 'CC-BY-4.0',
      labels: ['background', 'liver'],
      trainingData: { data: 'synthetic' },
      manifest: { input: { name: 'image', shape: [-1, 3, 128, 128], window: { low: -200, high: 300 } } },
    });
    // stored once, atomically, under its id@version; the stored manifest carries the checksum
    const dir = path.join(t.filesDir, 'models', 'uploaded-liver@2.0.0');
    expect(fs.readFileSync(path.join(dir, 'model.onnx')).equals(onnxBytes())).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).sha256).toBe(
      committedManifest().sha256,
    );
    expect(modelDirs()).toEqual(['uploaded-liver@2.0.0']);
    // models.get shows the card; the upload is audited
    const got = await json(
      await fetch(`${base}/api/trpc/models.get?input=${encodeURIComponent(JSON.stringify({ id: r.body.id }))}`, {
        headers: { cookie: admin.cookie },
      }),
    );
    expect(got.result.data.card.licence).toBe('CC-BY-4.0');
    const ev = await t.db.prisma.auditEvent.findFirst({ where: { action: 'model.upload', entityId: r.body.id } });
    expect(ev?.outcome).toBe('SUCCESS');
  });

  it('never overwrites a version: the same id@version again is 409 and the stored file is unchanged', async () => {
    const m = { ...committedManifest(), id: 'uploaded-liver', version: '2.0.0' };
    const other = fs.readFileSync(path.join(BUNDLED_MODELS_DIR, 'tumour-seg-2p5d', 'model.onnx'));
    const r = await upload(admin, form({ ...m, sha256: undefined }, other));
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(/uploaded-liver@2\.0\.0 is already registered/);
    expect(
      fs.readFileSync(path.join(t.filesDir, 'models', 'uploaded-liver@2.0.0', 'model.onnx')).equals(onnxBytes()),
    ).toBe(true);
  });

  it('refuses a file that is not an ONNX model, leaving nothing behind', async () => {
    const m = { ...committedManifest(), id: 'not-onnx', version: '1.0.0', sha256: undefined };
    const r = await upload(admin, form(m, new TextEncoder().encode('this is not a protobuf model\n'.repeat(20))));
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/The model was refused/);
    expect(modelDirs()).toEqual(['uploaded-liver@2.0.0']);
    expect(await t.db.prisma.model.count({ where: { name: 'not-onnx' } })).toBe(0);
    const ev = await t.db.prisma.auditEvent.findFirst({ where: { action: 'model.upload', outcome: 'FAILURE' } });
    expect(ev).not.toBeNull();
  });

  it('refuses a manifest that disagrees with the graph (input name, shape) or with the bytes (sha256)', async () => {
    const base0 = { ...committedManifest(), id: 'mismatch', version: '1.0.0' };
    const wrongName = await upload(admin, form({ ...base0, input: { ...base0.input, name: 'pixels' } }, onnxBytes()));
    expect(wrongName.status).toBe(400);
    expect(wrongName.body.message).toMatch(/manifest input "pixels" is not an input of the ONNX graph \(image\)/);
    const wrongShape = await upload(
      admin,
      form({ ...base0, input: { ...base0.input, shape: [-1, 3, 64, 64], size: [64, 64] } }, onnxBytes()),
    );
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.message).toMatch(/graph input dim 2 is 128 but the manifest says 64/);
    const wrongOut = await upload(
      admin,
      form({ ...base0, output: { ...base0.output, name: 'probabilities' } }, onnxBytes()),
    );
    expect(wrongOut.status).toBe(400);
    expect(wrongOut.body.message).toMatch(/manifest output "probabilities" is not an output/);
    const wrongSha = await upload(admin, form({ ...base0, sha256: 'ab'.repeat(32) }, onnxBytes()));
    expect(wrongSha.status).toBe(400);
    expect(wrongSha.body.message).toMatch(/manifest.sha256 .* does not match the uploaded file/);
    const badSchema = await upload(
      admin,
      form({ ...base0, input: { ...base0.input, window: { low: 5, high: 1 } } }, onnxBytes()),
    );
    expect(badSchema.status).toBe(400);
    expect(badSchema.body.message).toMatch(/window.high must exceed window.low/);
    const badId = await upload(admin, form({ ...base0, id: '../escape' }, onnxBytes()));
    expect(badId.status).toBe(400);
    expect(badId.body.message).toMatch(/manifest.id must be/);
    const notJson = await upload(admin, form('{not json', onnxBytes()));
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/field manifest is not valid JSON/);
    expect(modelDirs()).toEqual(['uploaded-liver@2.0.0']);
  });

  it('refuses an oversize model with 413 before reading it', async () => {
    const small = createApiServer({ db: t.db, filesDir: t.filesDir, bcryptCost: 4, maxModelUploadBytes: 100_000 });
    const url = await small.listen(0);
    try {
      const m = { ...committedManifest(), id: 'too-big', version: '1.0.0' };
      const r = await upload(admin, form(m, onnxBytes()), url);
      expect(r.status).toBe(413);
      expect(r.body.error).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
    expect(await t.db.prisma.model.count({ where: { name: 'too-big' } })).toBe(0);
  });

  it('is for admins only, with the CSRF header', async () => {
    const clin = await login(fx.users.clinician.email);
    const m = { ...committedManifest(), id: 'by-clinician', version: '1.0.0' };
    expect((await upload(clin, form(m, onnxBytes()))).status).toBe(403);
    const noCsrf = await fetch(`${base}/api/files/models`, {
      method: 'POST',
      headers: { cookie: admin.cookie },
      body: form(m, onnxBytes()),
    });
    expect(noCsrf.status).toBe(403);
  });
});

describe('a segmentation with the uploaded model', () => {
  it('queues the job with the model directory, runs it on CPU and imports the mask linked to the model', async () => {
    const admin = await login(fx.users.admin.email);
    const model = await t.db.prisma.model.findUniqueOrThrow({
      where: { name_version: { name: 'uploaded-liver', version: '2.0.0' } },
    });
    // a real phantom CT for P1, uploaded as a series
    const clin = await login(fx.users.clinician.email);
    const ph = simplePhantom(92002, 80, 24, 'PORTAL_VENOUS');
    const nii = gzip(
      encodeNifti(createVolume({ data: ph.data, dims: ph.dims, spacing: ph.spacing, metadata: { synthetic: true } })),
    );
    const up = await fetch(`${base}/api/files/series?patientId=${fx.patients.p1}&phase=PORTAL_VENOUS`, {
      method: 'POST',
      headers: { cookie: clin.cookie, 'x-hepatoscope-csrf': clin.csrf },
      body: nii,
    });
    expect(up.status).toBe(201);
    const seriesId = (await json(up)).id as string;

    const trpc = (proc: string, input: unknown, who = clin) =>
      fetch(`${base}/api/trpc/${proc}`, {
        method: 'POST',
        headers: { cookie: who.cookie, 'x-hepatoscope-csrf': who.csrf, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      }).then(json);
    const req = await trpc('segmentations.request', { seriesId, modelId: model.id });
    const jobId = req.result.data.jobId as string;
    const sent = queued.find((q) => q.id === jobId)!;
    expect(sent.queue).toBe('segmentation');
    expect(sent.payload).toMatchObject({
      modelDir: path.join(t.filesDir, 'models', 'uploaded-liver@2.0.0'),
      liverOnly: true,
    });

    // the worker's job handler, as the worker runs it (real onnxruntime session from the uploaded files)
    const models = new ModelRegistry({ providers: 'cpu' });
    let out;
    try {
      out = await segmentationJob.run(segmentationJob.payload.parse(sent.payload), {
        jobId,
        queue: 'segmentation',
        attempt: 0,
        signal: new AbortController().signal,
        progress: async () => {},
        store: new ResultStore(path.join(t.filesDir, 'jobs')),
        models,
        providers: 'cpu',
      });
    } finally {
      await models.close();
    }
    expect(out.summary.model).toContain('uploaded-liver@2.0.0');
    const mask = parseNifti(fs.readFileSync(out.maskPath), out.maskPath);
    const bin = (a: ArrayLike<number>) => Uint8Array.from(a, (v) => (v > 0 ? 1 : 0));
    expect(dice(bin(mask.data), bin(ph.labels))).toBeGreaterThan(0.85);
    // what the worker's reporter does when the job completes, then jobs.get imports the mask
    await t.db.prisma.job.update({
      where: { id: jobId },
      data: { state: 'COMPLETED', progress: 1, message: 'done', result: JSON.parse(JSON.stringify(out)) },
    });
    const job = await json(
      await fetch(`${base}/api/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ id: jobId }))}`, {
        headers: { cookie: clin.cookie },
      }),
    );
    const segId = job.result.data.result.segmentationId as string;
    const seg = await t.db.prisma.segmentation.findUniqueOrThrow({ where: { id: segId } });
    expect(seg).toMatchObject({ modelId: model.id, source: 'AUTO', status: 'DRAFT', labels: { '1': 'liver' } });

    // a RETIRED model no longer segments
    await trpc('models.retire', { id: model.id, reason: 'test' }, admin);
    const refused = await trpc('segmentations.request', { seriesId, modelId: model.id });
    expect(refused.error.data.code).toBe('BAD_REQUEST');
    expect(refused.error.message).toMatch(/RETIRED/);
  }, 180_000);
});

describe('an uploaded tumour-segmentation model', () => {
  const TUMOUR_DIR = path.join(BUNDLED_MODELS_DIR, 'tumour-seg-2p5d');
  const bundledLiverKey = () => {
    const m = JSON.parse(fs.readFileSync(path.join(LIVER_DIR, 'manifest.json'), 'utf8'));
    return `${m.id}@${m.version}`;
  };
  const bin = (a: ArrayLike<number>, v: number) => Uint8Array.from(a, (x) => (x === v ? 1 : 0));

  it('runs as the cascade tumour stage behind the bundled or an uploaded liver stage; both stages are in the provenance', async () => {
    const admin = await login(fx.users.admin.email);
    const clin = await login(fx.users.clinician.email);
    const trpc = (proc: string, input: unknown, who = clin) =>
      fetch(`${base}/api/trpc/${proc}`, {
        method: 'POST',
        headers: { cookie: who.cookie, 'x-hepatoscope-csrf': who.csrf, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      }).then(json);

    // 1. upload the committed tumour model under a new id@version, and a liver model under another
    const tm = JSON.parse(fs.readFileSync(path.join(TUMOUR_DIR, 'manifest.json'), 'utf8'));
    const tumourBytes = fs.readFileSync(path.join(TUMOUR_DIR, 'model.onnx'));
    const upT = await upload(admin, form({ ...tm, id: 'uploaded-tumour', version: '1.0.0' }, tumourBytes));
    expect(upT.status).toBe(201);
    expect(upT.body.card.manifest.task).toBe('tumour-segmentation');
    const upL = await upload(
      admin,
      form({ ...committedManifest(), id: 'uploaded-liver', version: '2.1.0' }, onnxBytes()),
    );
    expect(upL.status).toBe(201);
    const tumourId = upT.body.id as string;
    const liverId = upL.body.id as string;

    // 2. a phantom CT with a lesion, uploaded as a series
    const ph = simplePhantom(92004, 80, 24, 'PORTAL_VENOUS');
    const nii = gzip(
      encodeNifti(createVolume({ data: ph.data, dims: ph.dims, spacing: ph.spacing, metadata: { synthetic: true } })),
    );
    const up = await fetch(`${base}/api/files/series?patientId=${fx.patients.p1}&phase=PORTAL_VENOUS`, {
      method: 'POST',
      headers: { cookie: clin.cookie, 'x-hepatoscope-csrf': clin.csrf },
      body: nii,
    });
    expect(up.status).toBe(201);
    const seriesId = (await json(up)).id as string;

    // the bundled cascade on the same image: the uploaded stages carry the same weights, so the masks must agree
    const bundled = await SegmentationCascade.load(DEFAULT_CASCADE_DIR, { providers: 'cpu' });
    const image = parseNifti(nii, 'series.nii.gz');
    let expected: Uint8Array;
    try {
      expected = (await bundled.segment(image)).labels;
    } finally {
      await bundled.liver.release();
      await bundled.tumour?.release();
    }

    const models = new ModelRegistry({ providers: 'cpu' });
    const runJob = async (jobId: string) => {
      const sent = queued.find((q) => q.id === jobId)!;
      expect(sent.queue).toBe('segmentation');
      const out = await segmentationJob.run(segmentationJob.payload.parse(sent.payload), {
        jobId,
        queue: 'segmentation',
        attempt: 0,
        signal: new AbortController().signal,
        progress: async () => {},
        store: new ResultStore(path.join(t.filesDir, 'jobs')),
        models,
        providers: 'cpu',
      });
      await t.db.prisma.job.update({
        where: { id: jobId },
        data: { state: 'COMPLETED', progress: 1, message: 'done', result: JSON.parse(JSON.stringify(out)) },
      });
      const job = await json(
        await fetch(`${base}/api/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ id: jobId }))}`, {
          headers: { cookie: clin.cookie },
        }),
      );
      const segId = job.result.data.result.segmentationId as string;
      return { sent, out, seg: await t.db.prisma.segmentation.findUniqueOrThrow({ where: { id: segId } }) };
    };
    try {
      // 3. tumour model alone → bundled liver stage + uploaded tumour stage
      const a = await trpc('segmentations.request', { seriesId, modelId: tumourId });
      const ra = await runJob(a.result.data.jobId);
      expect(ra.sent.payload).toEqual({
        imagePath: expect.any(String),
        tumourModelDir: path.join(t.filesDir, 'models', 'uploaded-tumour@1.0.0'),
      });
      expect(ra.out.summary.models).toEqual([bundledLiverKey(), 'uploaded-tumour@1.0.0']);
      const maskA = parseNifti(fs.readFileSync(ra.out.maskPath), ra.out.maskPath);
      expect(Buffer.from(maskA.data as Uint8Array).equals(Buffer.from(expected))).toBe(true);
      expect(bin(maskA.data, 2).some((v) => v === 1)).toBe(true);
      expect(dice(bin(maskA.data, 2), bin(ph.labels, 2))).toBeGreaterThan(0.4);
      expect(ra.seg).toMatchObject({
        modelId: tumourId,
        source: 'AUTO',
        status: 'DRAFT',
        labels: { '1': 'liver', '2': 'tumour' },
        provenance: {
          cascade: `${bundledLiverKey()}+uploaded-tumour@1.0.0`,
          provider: 'cpu',
          stages: [
            { stage: 'liver', model: bundledLiverKey(), modelId: null, origin: 'BUNDLED' },
            { stage: 'tumour', model: 'uploaded-tumour@1.0.0', modelId: tumourId, origin: 'UPLOADED' },
          ],
        },
      });
      // the API shows it (segmentations.history)
      const hist = await json(
        await fetch(
          `${base}/api/trpc/segmentations.history?input=${encodeURIComponent(JSON.stringify({ id: ra.seg.id }))}`,
          { headers: { cookie: clin.cookie } },
        ),
      );
      expect(hist.result.data[0].provenance.stages.map((s: { model: string }) => s.model)).toEqual([
        bundledLiverKey(),
        'uploaded-tumour@1.0.0',
      ]);
      // and the case detail (patients.get), where the portal's mask list reads it
      const detail = await json(
        await fetch(`${base}/api/trpc/patients.get?input=${encodeURIComponent(JSON.stringify({ id: fx.patients.p1 }))}`, {
          headers: { cookie: clin.cookie },
        }),
      );
      const inCase = detail.result.data.studies
        .flatMap((st: { segmentations: Array<{ id: string; provenance: unknown }> }) => st.segmentations)
        .find((sg: { id: string }) => sg.id === ra.seg.id);
      expect(inCase.provenance).toEqual(hist.result.data[0].provenance);

      // 4. with an explicitly chosen uploaded liver stage
      const b = await trpc('segmentations.request', { seriesId, modelId: tumourId, liverModelId: liverId });
      const rb = await runJob(b.result.data.jobId);
      expect(rb.sent.payload).toMatchObject({
        modelDir: path.join(t.filesDir, 'models', 'uploaded-liver@2.1.0'),
        tumourModelDir: path.join(t.filesDir, 'models', 'uploaded-tumour@1.0.0'),
      });
      expect(rb.sent.payload.liverOnly).toBeUndefined();
      const maskB = parseNifti(fs.readFileSync(rb.out.maskPath), rb.out.maskPath);
      expect(Buffer.from(maskB.data as Uint8Array).equals(Buffer.from(expected))).toBe(true);
      expect(rb.seg.provenance).toMatchObject({
        cascade: 'uploaded-liver@2.1.0+uploaded-tumour@1.0.0',
        stages: [
          { stage: 'liver', model: 'uploaded-liver@2.1.0', modelId: liverId, origin: 'UPLOADED' },
          { stage: 'tumour', model: 'uploaded-tumour@1.0.0', modelId: tumourId, origin: 'UPLOADED' },
        ],
      });
      expect(rb.seg.labels).toEqual({ '1': 'liver', '2': 'tumour' });
    } finally {
      await models.close();
    }

    // 5. wrong combinations are refused with a reason
    const wrongFirst = await trpc('segmentations.request', { seriesId, modelId: tumourId, liverModelId: tumourId });
    expect(wrongFirst.error.data.code).toBe('BAD_REQUEST');
    expect(wrongFirst.error.message).toMatch(/is a tumour-segmentation model; the first stage needs a liver/);
    const liverWithLiver = await trpc('segmentations.request', { seriesId, modelId: liverId, liverModelId: liverId });
    expect(liverWithLiver.error.message).toMatch(/liverModelId is only for a tumour-segmentation model/);
    const noModel = await trpc('segmentations.request', { seriesId, liverModelId: liverId });
    expect(noModel.error.message).toMatch(/liverModelId needs modelId/);
    await trpc('models.retire', { id: tumourId, reason: 'test' }, admin);
    const retired = await trpc('segmentations.request', { seriesId, modelId: tumourId });
    expect(retired.error.message).toMatch(/RETIRED/);
  }, 300_000);
});
