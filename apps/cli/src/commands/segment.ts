import { CliError, parseCommandArgs, type Command } from '../command';

/**
 * `hepatoscope segment`: liver and tumour segmentation of a CT volume, writing a LiTS label mask
 * (0 background, 1 liver, 2 tumour).
 * - `--method classical` (default): anisotropic diffusion, adaptive liver window, morphology and
 *   hypo-attenuating outliers (imaging-io `segmentLiverClassical`);
 * - `--seed x,y,z`: semi-automatic region growing from a click (voxel indices) — the grown region is
 *   written with `--label` (default 1);
 * - `--method onnx`: the ONNX liver → tumour cascade of @hepatoscope/inference (`--model DIR`).
 * `--instances FILE` also writes one label per connected lesion (1..K by decreasing size).
 */
const USAGE = `Usage: hepatoscope segment --image IMAGE --out MASK [--method classical|onnx] [--model DIR]
                           [--seed x,y,z [--label N] [--multiplier M] [--max-radius MM]]
                           [--instances FILE] [--phase P] [--quiet] [--json]

  --image FILE       CT image in HU (.nii, .nii.gz, .nrrd, DICOM file or directory)
  --out FILE         output label mask (.nii, .nii.gz or .nrrd): 0 background, 1 liver, 2 tumour
  --method M         classical (default) or onnx
  --model DIR        ONNX cascade/model directory (onnx; default: the bundled cascade)
  --tta              onnx: flip test-time augmentation (the flips each model's manifest lists)
  --refine R         classical: level-set (Chan–Vese) refinement of lesions (default), liver, both or none
  --seed x,y,z       region growing from this voxel (0-based indices i,j,k) instead of automatic segmentation
  --label N          label of the grown region (default 1)
  --multiplier M     region growing window = mean ± M·SD (default 2.5; 2 suits lesions)
  --max-radius MM    bound the grown region to this distance from the seed
  --phases LIST      with --seed: grow on several co-registered phases (Mahalanobis distance of the intensity
                     vector, competing with the surrounding parenchyma): comma-separated image files, or a
                     phantom manifest.json (its phases, timepoint 1)
  --instances FILE   also write one label per lesion (connected tumour components, uint16)
  --min-lesion MM3   drop lesion instances smaller than this (default 10 mm³)
  --json             print a JSON summary on stdout
  --quiet            no progress on stderr`;

const OPTIONS = {
  image: { type: 'string' },
  out: { type: 'string' },
  method: { type: 'string' },
  model: { type: 'string' },
  seed: { type: 'string' },
  phases: { type: 'string' },
  label: { type: 'string' },
  multiplier: { type: 'string' },
  'max-radius': { type: 'string' },
  instances: { type: 'string' },
  'min-lesion': { type: 'string' },
  providers: { type: 'string' },
  tta: { type: 'boolean' },
  refine: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

const segment: Command = {
  name: 'segment',
  summary: 'Segment liver and tumours (classical, region growing from a click, or ONNX)',
  usage: USAGE,
  async run(argv) {
    const values = parseCommandArgs('segment', argv, OPTIONS, USAGE);
    if (!values.image) throw new CliError(`segment: --image is required\n\n${USAGE}`);
    if (!values.out) throw new CliError(`segment: --out is required\n\n${USAGE}`);
    const method = values.method ?? 'classical';
    if (method !== 'classical' && method !== 'onnx') throw new CliError(`segment: --method must be classical or onnx, got "${method}"`);
    if (values.phases && !values.seed) throw new CliError('segment: --phases needs --seed (multi-phase region growing)');
    if (values.seed && method === 'onnx') throw new CliError('segment: --seed (region growing) cannot be combined with --method onnx');
    const num = (name: string, v: string | undefined, check: (x: number) => boolean) => {
      if (v === undefined) return undefined;
      const x = Number(v);
      if (!check(x)) throw new CliError(`segment: --${name} has an invalid value "${v}"`);
      return x;
    };
    const label = num('label', values.label, (x) => Number.isInteger(x) && x >= 1 && x <= 255) ?? 1;
    const multiplier = num('multiplier', values.multiplier, (x) => x > 0);
    const maxRadiusMm = num('max-radius', values['max-radius'], (x) => x > 0);
    const minLesion = num('min-lesion', values['min-lesion'], (x) => x >= 0) ?? 10;
    const log = (s: string) => {
      if (!values.quiet) console.error(s);
    };
    const io = await import('@hepatoscope/imaging-io');
    let image;
    try {
      image = await io.readVolume(values.image);
    } catch (e) {
      throw new CliError(`segment: ${(e as Error).message}`);
    }
    const t0 = performance.now();
    let labels: Uint8Array;
    const summary: Record<string, unknown> = { image: values.image, dims: image.dims, method: values.seed ? 'region-growing' : method };
    if (values.seed) {
      const s = values.seed.split(',').map(Number);
      if (s.length !== 3 || s.some((x) => !Number.isInteger(x))) throw new CliError(`segment: --seed must be three integers i,j,k, got "${values.seed}"`);
      let r;
      try {
        if (values.phases) {
          const files = await phaseFiles(values.phases);
          const phases = [];
          for (const f of files) phases.push(await io.readVolume(f));
          phases.forEach((p, k) => {
            if (p.dims.some((d, a) => d !== image.dims[a]))
              throw new Error(`--phases: ${files[k]} is ${p.dims.join('×')}, the image is ${image.dims.join('×')} (phases must share the image grid)`);
          });
          const m = io.regionGrowMultiPhase(phases, [s[0], s[1], s[2]], { multiplier, maxRadiusMm });
          r = { mask: m.mask, voxels: m.voxels, mean: m.mean, sigma: undefined as number | undefined };
          Object.assign(summary, { method: 'region-growing-multiphase', phases: files, background: m.background });
        } else {
          r = io.regionGrow(image, [s[0], s[1], s[2]], { multiplier, maxRadiusMm });
        }
      } catch (e) {
        throw new CliError(`segment: ${(e as Error).message}`);
      }
      labels = new Uint8Array(r.mask.length);
      for (let i = 0; i < labels.length; i++) labels[i] = r.mask[i] ? label : 0;
      Object.assign(summary, { seed: s, label, voxels: r.voxels, mean: r.mean, sd: r.sigma });
      log(`segment: region grown from (${s.join(', ')}): ${r.voxels} voxels, mean ${JSON.stringify(r.mean)}`);
    } else if (method === 'classical') {
      const refine = values.refine ?? 'lesions';
      if (!['none', 'lesions', 'liver', 'both'].includes(refine))
        throw new CliError(`segment: --refine must be none, lesions, liver or both, got "${refine}"`);
      const r = io.segmentLiverClassical(image, {
        refine: refine as 'none' | 'lesions' | 'liver' | 'both',
        onProgress: (f, stage) => log(`segment: ${stage} done (${Math.round(f * 100)} %)`),
      });
      labels = r.labels;
      Object.assign(summary, { refine, liverMode: r.liverMode, liverSd: r.liverSigma, window: r.window, timingsMs: r.timings });
    } else {
      const inf = await import('@hepatoscope/inference');
      const providers = values.providers?.split(',').map((p) => p.trim()) as never;
      let cascade;
      try {
        cascade = await inf.SegmentationCascade.load(values.model ?? inf.DEFAULT_CASCADE_DIR, { providers, log });
      } catch (e) {
        throw new CliError(`segment: ${(e as Error).message}`);
      }
      const r = await cascade.segment(image, {
        tta: values.tta,
        onProgress: (p) => log(`segment: ${p.stage} ${Math.round(p.fraction * 100)} %`),
      });
      labels = r.labels;
      Object.assign(summary, { model: cascade.id, provider: r.provider, timingsMs: r.timings });
    }
    let liver = 0, tumour = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] === 1) liver++;
      else if (labels[i] === 2) tumour++;
    }
    const voxelMl = (image.spacing[0] * image.spacing[1] * image.spacing[2]) / 1000;
    Object.assign(summary, { liverMl: +(liver * voxelMl).toFixed(2), tumourMl: +(tumour * voxelMl).toFixed(2), ms: Math.round(performance.now() - t0) });
    const mask = io.volumeLike(image, labels, {
      modality: 'SEG',
      phase: undefined,
      sourceFormat: undefined,
      segmentation: summary.method,
      labels: { 0: 'background', 1: 'liver', 2: 'tumour' },
    });
    await io.writeVolume(values.out, mask);
    if (values.instances) {
      const tum = new Uint8Array(labels.length);
      for (let i = 0; i < labels.length; i++) tum[i] = labels[i] === 2 ? 1 : 0;
      const minVox = Math.max(1, Math.round(minLesion / (voxelMl * 1000)));
      const cc = io.components(tum, image.dims);
      const order = Array.from({ length: cc.count }, (_, i) => i + 1)
        .filter((c) => cc.sizes[c] >= minVox)
        .sort((a, b) => cc.sizes[b] - cc.sizes[a] || a - b);
      const remap = new Uint16Array(cc.count + 1);
      order.forEach((c, k) => (remap[c] = k + 1));
      const inst = new Uint16Array(labels.length);
      for (let i = 0; i < labels.length; i++) inst[i] = remap[cc.labels[i]];
      await io.writeVolume(values.instances, io.volumeLike(image, inst, { modality: 'SEG', phase: undefined, sourceFormat: undefined }));
      summary.lesions = order.map((c, k) => ({ label: k + 1, voxels: cc.sizes[c], volumeMl: +(cc.sizes[c] * voxelMl).toFixed(3) }));
    }
    log(`segment: wrote ${values.out} (liver ${summary.liverMl} ml, tumour ${summary.tumourMl} ml) in ${summary.ms} ms`);
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    return 0;
  },
};
/**
 * The files of `--phases`: a comma-separated list, or a phantom manifest.json whose `phases` map
 * (NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED → paths relative to the manifest) is used in that order.
 */
async function phaseFiles(spec: string): Promise<string[]> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  if (/\.json$/i.test(spec)) {
    let m: { phases?: Record<string, string> };
    try {
      m = JSON.parse(fs.readFileSync(spec, 'utf8'));
    } catch (e) {
      throw new Error(`--phases: cannot read ${spec} (${(e as Error).message})`);
    }
    const order = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'];
    const keys = Object.keys(m.phases ?? {}).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (keys.length < 2) throw new Error(`--phases: ${spec} lists ${keys.length} phase(s); a manifest with "phases" {NAME: file} is needed`);
    return keys.map((k) => path.resolve(path.dirname(spec), m.phases![k]));
  }
  const files = spec.split(',').map((f) => f.trim()).filter(Boolean);
  if (files.length < 2) throw new Error(`--phases: give at least two phase images, got "${spec}"`);
  return files;
}

export default segment;
