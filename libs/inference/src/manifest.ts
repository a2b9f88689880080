import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * Model manifests: `DIR/manifest.json` next to `DIR/model.onnx`. A manifest names the model (id@version),
 * its task, the exact input contract (tensor name, dtype, shape, 2.5D slice offsets, resampled size, HU
 * window and normalisation, which in-plane region is fed) and the output contract (tensor name, shape,
 * activation, class names, threshold). `sha256` is the checksum of the ONNX file, verified on load.
 * A cascade manifest (`task: "cascade"`) points to one liver and one tumour stage directory.
 */
const dim = z
  .number()
  .int()
  .refine((n) => n === -1 || n > 0, 'a dimension is a positive integer or -1 (dynamic)');

export const stageManifestSchema = z.object({
  id: z.string().min(1),
  version: z.string().min(1),
  task: z.enum(['liver-segmentation', 'tumour-segmentation']),
  file: z.string().default('model.onnx'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
  input: z.object({
    name: z.string(),
    dtype: z.literal('float32'),
    shape: z.tuple([dim, dim, dim, dim]),
    layout: z.literal('NCHW').default('NCHW'),
    sliceOffsets: z.array(z.number().int()).min(1),
    size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    window: z
      .object({ low: z.number(), high: z.number() })
      .refine((w) => w.high > w.low, 'window.high must exceed window.low'),
    normalisation: z.string().optional(),
    region: z.enum(['full-slice', 'liver-bbox']),
    /**
     * Patch models: in-plane spacing [row, column] in mm of the model's pixels. The region is resampled to
     * this spacing (at least the model size) and covered by overlapping windows blended with Gaussian
     * weights. Absent: the whole region is resampled to the model size (one window).
     */
    spacingMm: z.tuple([z.number().positive(), z.number().positive()]).optional(),
    /** Flips averaged by test-time augmentation (`--tta`); none when absent (e.g. position-dependent models). */
    ttaFlips: z.array(z.enum(['x', 'y', 'xy'])).optional(),
  }),
  output: z.object({
    name: z.string(),
    dtype: z.literal('float32'),
    shape: z.tuple([dim, dim, dim, dim]),
    activation: z.enum(['softmax', 'sigmoid']),
    classes: z.array(z.string()).min(1),
    threshold: z.number().gt(0).lt(1).default(0.5),
  }),
  training: z.record(z.string(), z.unknown()).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});
export type StageManifest = z.infer<typeof stageManifestSchema>;

export const cascadeManifestSchema = z.object({
  id: z.string().min(1),
  version: z.string().min(1),
  task: z.literal('cascade'),
  stages: z.object({ liver: z.string(), tumour: z.string().optional() }),
  metrics: z.record(z.string(), z.unknown()).optional(),
});
export type CascadeManifest = z.infer<typeof cascadeManifestSchema>;

export type AnyManifest = StageManifest | CascadeManifest;

/** A stage manifest resolved on disk: where the ONNX file is, with its bytes already checksum-verified. */
export interface LoadedStage {
  dir: string;
  manifest: StageManifest;
  modelPath: string;
  modelBytes: Uint8Array;
}

/** Reads and validates `DIR/manifest.json`; errors name the file and the failing field. */
export function readManifest(dir: string): AnyManifest {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new Error(`model: no manifest.json in ${dir}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`model: ${path} is not valid JSON (${(e as Error).message})`);
  }
  const task = (raw as { task?: unknown })?.task;
  const schema = task === 'cascade' ? cascadeManifestSchema : stageManifestSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`model: ${path} is not a valid manifest: ${issues}`);
  }
  checkConsistency(parsed.data, path);
  return parsed.data;
}

function checkConsistency(m: AnyManifest, path: string): void {
  if (m.task === 'cascade') return;
  const [, c, h, w] = m.input.shape;
  if (c !== -1 && c !== m.input.sliceOffsets.length) {
    throw new Error(
      `model: ${path}: input.shape has ${c} channels but sliceOffsets has ${m.input.sliceOffsets.length}`,
    );
  }
  if ((h !== -1 && h !== m.input.size[0]) || (w !== -1 && w !== m.input.size[1])) {
    throw new Error(
      `model: ${path}: input.shape ${JSON.stringify(m.input.shape)} disagrees with size ${JSON.stringify(m.input.size)}`,
    );
  }
  const k = m.output.shape[1];
  if (k !== -1 && k !== m.output.classes.length) {
    throw new Error(`model: ${path}: output.shape has ${k} classes but classes lists ${m.output.classes.length}`);
  }
}

/** Hex SHA-256 of a byte buffer. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Loads a stage: manifest + ONNX bytes, verifying the checksum. Throws when the file is missing or its
 * SHA-256 differs from the manifest (a corrupt or substituted model must never run).
 */
export function loadStage(dir: string): LoadedStage {
  const manifest = readManifest(dir);
  if (manifest.task === 'cascade') throw new Error(`model: ${dir} is a cascade manifest, expected a single model`);
  const modelPath = resolve(dir, manifest.file);
  if (!existsSync(modelPath))
    throw new Error(`model: ${manifest.id}@${manifest.version}: model file ${modelPath} is missing`);
  const modelBytes = new Uint8Array(readFileSync(modelPath));
  const actual = sha256Hex(modelBytes);
  if (actual !== manifest.sha256) {
    throw new Error(
      `model: ${manifest.id}@${manifest.version}: checksum mismatch for ${modelPath}: manifest says ${manifest.sha256}, file is ${actual}`,
    );
  }
  return { dir: resolve(dir), manifest, modelPath, modelBytes };
}

/** Resolves a cascade (or a single liver model used alone) into its stage directories. */
export function resolveCascade(dir: string): { id: string; version: string; liverDir: string; tumourDir?: string } {
  const m = readManifest(dir);
  if (m.task === 'cascade') {
    return {
      id: m.id,
      version: m.version,
      liverDir: resolve(dir, m.stages.liver),
      tumourDir: m.stages.tumour ? resolve(dir, m.stages.tumour) : undefined,
    };
  }
  if (m.task !== 'liver-segmentation') {
    throw new Error(
      `model: ${dir} is a ${m.task} model; a cascade needs a liver model first (give a cascade or liver model)`,
    );
  }
  return { id: m.id, version: m.version, liverDir: resolve(dir) };
}

/** The directory of the models bundled with this package (liver, tumour and their cascade). */
export const BUNDLED_MODELS_DIR = resolve(__dirname, '..', 'models');
export const DEFAULT_CASCADE_DIR = join(BUNDLED_MODELS_DIR, 'liver-tumour-cascade');
