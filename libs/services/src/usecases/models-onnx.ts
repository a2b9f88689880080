/**
 * Uploaded ONNX segmentation models in the registry.
 *
 * An upload is a manifest (the `@hepatoscope/inference` stage manifest: id, version, task, input/output tensor
 * contract, window/normalisation, classes, training, metrics) plus an optional model card, and the `.onnx` bytes.
 * The use case:
 *  1. checks the size (≤ {@link MAX_ONNX_UPLOAD_BYTES}), that id and version are safe directory names, and that a
 *     declared `sha256` matches the bytes (the stored manifest always carries the computed one);
 *  2. refuses an id@version that is already registered (versions are never overwritten: CONFLICT);
 *  3. writes `manifest.json` + `model.onnx` into a staging directory under `<filesDir>/models/`, lets the injected
 *     verifier (apps/api: `@hepatoscope/inference` loads it in onnxruntime-node and compares the graph's input/output
 *     names, dtypes and shapes with the manifest) reject it, then renames the directory into place
 *     (`models/<id>@<version>/`, atomic on one file system; rename fails if it exists);
 *  4. registers a DRAFT Model (kind `onnx-segmentation`, origin UPLOADED, artefactUri, artefactSha256, card).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { OnnxVerification, ResolvedDeps } from '../deps';
import type { Actor } from '../types';
import { resolveStorageUri } from './files';

/** Largest accepted ONNX file (bytes): 256 MiB. */
export const MAX_ONNX_UPLOAD_BYTES = 256 * 1024 * 1024;

/** id and version become one directory name `<id>@<version>`: letters, digits, `.`, `_`, `-`; no leading dot. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SEG_TASKS = ['liver-segmentation', 'tumour-segmentation'] as const;

export interface OnnxUploadInput {
  /** The stage manifest (parsed JSON). */
  manifest: unknown;
  /** Optional model card (intended use, labels, training data, metrics, limitations, licence …). */
  card?: unknown;
  /** The .onnx file. */
  bytes: Uint8Array;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks that do not need onnxruntime; the full manifest schema is checked by the verifier (inference). */
export function precheckOnnxUpload(input: OnnxUploadInput, maxBytes = MAX_ONNX_UPLOAD_BYTES) {
  if (!input.bytes.length) throw new DomainError('INVALID', 'The model file is empty');
  if (input.bytes.length > maxBytes)
    throw new DomainError('INVALID', `The model file is ${input.bytes.length} bytes; the limit is ${maxBytes}`);
  const m = input.manifest;
  if (!isObj(m)) throw new DomainError('INVALID', 'The manifest must be a JSON object');
  for (const k of ['id', 'version'] as const) {
    if (typeof m[k] !== 'string' || !SAFE_NAME.test(m[k] as string))
      throw new DomainError(
        'INVALID',
        `manifest.${k} must be 1-64 characters of letters, digits, ".", "_" or "-" (got ${JSON.stringify(m[k] ?? null)})`,
      );
  }
  if (!SEG_TASKS.includes(m.task as (typeof SEG_TASKS)[number]))
    throw new DomainError(
      'INVALID',
      `manifest.task must be one of ${SEG_TASKS.join(', ')} (got ${JSON.stringify(m.task ?? null)})`,
    );
  if (input.card !== undefined && !isObj(input.card))
    throw new DomainError('INVALID', 'The model card must be a JSON object');
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  if (m.sha256 !== undefined && m.sha256 !== sha256)
    throw new DomainError(
      'INVALID',
      `manifest.sha256 (${String(m.sha256)}) does not match the uploaded file (${sha256}): wrong or corrupted file`,
    );
  return { id: m.id as string, version: m.version as string, task: m.task as string, sha256 };
}

/** Directory (relative to filesDir) of an uploaded model version. */
export const onnxModelRel = (id: string, version: string) => `models/${id}@${version}`;

export function createOnnxUpload(deps: ResolvedDeps) {
  const { prisma } = deps;

  async function upload(actor: Actor, input: OnnxUploadInput, maxBytes = MAX_ONNX_UPLOAD_BYTES) {
    const { id, version, task, sha256 } = precheckOnnxUpload(input, maxBytes);
    const taken = await prisma.model.findUnique({
      where: { name_version: { name: id, version } },
      select: { id: true },
    });
    if (taken)
      throw new DomainError('CONFLICT', `Model ${id}@${version} is already registered; upload a new version instead`);
    if (!deps.verifyOnnxModel)
      throw new DomainError('UNAVAILABLE', 'ONNX verification (onnxruntime-node) is not available in this process');

    const root = path.resolve(deps.filesDir, 'models');
    await fs.promises.mkdir(root, { recursive: true });
    const rel = onnxModelRel(id, version);
    const finalDir = path.join(deps.filesDir, rel);
    const staging = path.join(root, `.staging-${randomUUID()}`);
    const manifest = { ...(input.manifest as Record<string, unknown>), file: 'model.onnx', sha256 };
    let verified: OnnxVerification;
    try {
      await fs.promises.mkdir(staging);
      await fs.promises.writeFile(path.join(staging, 'model.onnx'), input.bytes);
      await fs.promises.writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      try {
        verified = await deps.verifyOnnxModel(staging);
      } catch (e) {
        const msg = (e as Error).message.replaceAll(staging, `<${id}@${version}>`);
        throw new DomainError('INVALID', `The model was refused: ${msg}`);
      }
      try {
        await fs.promises.rename(staging, finalDir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST')
          throw new DomainError('CONFLICT', `Model files for ${id}@${version} already exist; upload a new version`);
        throw e;
      }
    } finally {
      await fs.promises.rm(staging, { recursive: true, force: true });
    }

    const m = manifest as unknown as Record<string, unknown> & {
      input: {
        name: string;
        shape: number[];
        dtype: string;
        window?: unknown;
        normalisation?: unknown;
        size?: unknown;
      };
      output: { name: string; shape: number[]; dtype: string; classes?: string[] };
    };
    const card = (input.card ?? {}) as Record<string, unknown>;
    try {
      const created = await prisma.model.create({
        data: {
          name: id,
          task: 'SEGMENTATION',
          kind: 'onnx-segmentation',
          version,
          status: 'DRAFT',
          origin: 'UPLOADED',
          synthetic: isObj(m.training) && m.training.data === 'synthetic',
          inputs: [
            { name: m.input.name, source: 'image', dtype: m.input.dtype, shape: m.input.shape },
          ] as Prisma.InputJsonValue,
          parameters: {
            segmentationTask: task,
            input: m.input,
            output: m.output,
            provider: verified.provider,
          } as Prisma.InputJsonValue,
          artefactUri: `file:${rel}/model.onnx`,
          artefactSha256: sha256,
          validationMetrics: isObj(m.metrics) ? (m.metrics as Prisma.InputJsonValue) : undefined,
          modelCard: {
            ...card,
            labels: card.labels ?? m.output.classes ?? null,
            trainingData: card.trainingData ?? m.training ?? null,
            metrics: card.metrics ?? m.metrics ?? null,
            manifest: { id, version, task, input: m.input, output: m.output },
            origin: 'Uploaded ONNX artefact; verified to load in onnxruntime-node with the declared tensors.',
            uploadedBy: actor.email,
            bytes: input.bytes.length,
          } as Prisma.InputJsonValue,
          createdById: actor.userId,
        },
        select: { id: true },
      });
      return created.id;
    } catch (e) {
      // A concurrent upload of the same id@version won the unique (name, version): ours never became visible.
      await fs.promises.rm(finalDir, { recursive: true, force: true });
      if ((e as { code?: string }).code === 'P2002')
        throw new DomainError('CONFLICT', `Model ${id}@${version} is already registered`);
      throw e;
    }
  }

  /** A registered, not RETIRED ONNX segmentation model: its directory and stage task. */
  async function onnxStage(modelId: string) {
    const m = await prisma.model.findUnique({
      where: { id: modelId },
      select: { id: true, name: true, version: true, kind: true, status: true, artefactUri: true, parameters: true },
    });
    if (!m) throw new DomainError('NOT_FOUND', `Model ${modelId} was not found`);
    if (m.kind !== 'onnx-segmentation' || !m.artefactUri)
      throw new DomainError('INVALID', `Model ${m.name} v${m.version} is not an ONNX segmentation model`);
    if (m.status === 'RETIRED') throw new DomainError('INVALID', `Model ${m.name} v${m.version} is RETIRED`);
    const task = (m.parameters as { segmentationTask?: string } | null)?.segmentationTask;
    return {
      modelId: m.id,
      key: `${m.name}@${m.version}`,
      task,
      modelDir: path.dirname(resolveStorageUri(deps.filesDir, m.artefactUri)),
    };
  }

  /**
   * The stages of a segmentation with an uploaded model (`segmentations.request`):
   * - a liver-segmentation model runs alone (`liverOnly`); `liverModelId` is then refused;
   * - a tumour-segmentation model runs as the tumour stage of the cascade behind the bundled liver stage, or behind
   *   the uploaded liver-segmentation model `liverModelId`.
   * Returns the job payload's model fields (`modelDir` absent = the bundled cascade's liver stage) and which
   * registered model runs each stage (null = bundled).
   */
  async function segmentationStages(modelId: string, liverModelId?: string) {
    const chosen = await onnxStage(modelId);
    if (chosen.task === 'liver-segmentation') {
      if (liverModelId)
        throw new DomainError(
          'INVALID',
          `liverModelId is only for a tumour-segmentation model; ${chosen.key} is itself a liver-segmentation model`,
        );
      return {
        modelId: chosen.modelId,
        payload: { modelDir: chosen.modelDir, liverOnly: true },
        stages: { liver: chosen.modelId, tumour: null as string | null },
      };
    }
    if (chosen.task !== 'tumour-segmentation')
      throw new DomainError('INVALID', `Model ${chosen.key} has an unknown segmentation task ${String(chosen.task)}`);
    const liver = liverModelId ? await onnxStage(liverModelId) : null;
    if (liver && liver.task !== 'liver-segmentation')
      throw new DomainError(
        'INVALID',
        `liverModelId ${liver.key} is a ${liver.task} model; the first stage needs a liver-segmentation model`,
      );
    return {
      modelId: chosen.modelId,
      payload: { ...(liver ? { modelDir: liver.modelDir } : {}), tumourModelDir: chosen.modelDir },
      stages: { liver: liver?.modelId ?? null, tumour: chosen.modelId as string | null },
    };
  }

  /** Directory of a registered ONNX liver-segmentation model usable alone by the `segmentation` job (`modelDir`). */
  async function segmentationModelDir(modelId: string) {
    const s = await onnxStage(modelId);
    if (s.task !== 'liver-segmentation')
      throw new DomainError(
        'INVALID',
        `Model ${s.key.replace('@', ' v')} is a ${s.task} stage; only liver-segmentation models run on their own`,
      );
    return { modelId: s.modelId, modelDir: s.modelDir };
  }

  return { upload, segmentationModelDir, segmentationStages };
}
