import { parseArgs } from 'node:util';
import { CliError, type Command } from '../command';

/**
 * `hepatoscope infer`: runs an ONNX segmentation model (the liver → tumour cascade by default) on an image
 * and writes the LiTS label mask (0 background, 1 liver, 2 tumour) as NIfTI.
 */
const usage = `Usage: hepatoscope infer --image IMAGE --out MASK.nii.gz [options]

  --image FILE        input image (.nii, .nii.gz, .nrrd; a DICOM series directory when imaging-io reads it)
  --out FILE          output label mask (.nii or .nii.gz): 0 background, 1 liver, 2 tumour
  --model DIR         cascade or liver-model directory with manifest.json
                      (default: the bundled liver-tumour-cascade of @hepatoscope/inference)
  --instances FILE    also write one label per lesion (uint16, 1..K by decreasing size)
  --providers LIST    execution providers in order, e.g. cuda,webgpu,cpu (default: $HEPATOSCOPE_ORT_PROVIDERS or cpu)
  --batch N           slices per inference call (default 8)
  --liver-only        skip the tumour stage
  --tta               flip test-time augmentation: average the flips each model's manifest lists (input.ttaFlips)
  --overlap F         sliding-window overlap 0..0.9 for patch models (default 0.5)
  --json              print the summary as JSON
  --quiet             no progress on stderr`;

const infer: Command = {
  name: 'infer',
  summary: 'Segment liver and tumours with an ONNX model (2.5D cascade)',
  usage,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          image: { type: 'string' },
          out: { type: 'string' },
          model: { type: 'string' },
          instances: { type: 'string' },
          providers: { type: 'string' },
          batch: { type: 'string' },
          'liver-only': { type: 'boolean' },
          tta: { type: 'boolean' },
          overlap: { type: 'string' },
          json: { type: 'boolean' },
          quiet: { type: 'boolean' },
        },
      }));
    } catch (e) {
      throw new CliError(`infer: ${(e as Error).message}\n\n${usage}`);
    }
    if (!values.image) throw new CliError(`infer: --image is required\n\n${usage}`);
    if (!values.out) throw new CliError(`infer: --out is required\n\n${usage}`);
    const isNifti = (p: string) => /\.nii(\.gz)?$/i.test(p);
    if (!isNifti(values.out)) throw new CliError(`infer: --out ${values.out} must end in .nii or .nii.gz`);
    if (values.instances && !isNifti(values.instances))
      throw new CliError(`infer: --instances ${values.instances} must end in .nii or .nii.gz`);
    const batch = values.batch === undefined ? 8 : Number(values.batch);
    if (!Number.isInteger(batch) || batch < 1 || batch > 256)
      throw new CliError(`infer: --batch must be an integer 1..256, got "${values.batch}"`);

    const overlap = values.overlap === undefined ? 0.5 : Number(values.overlap);
    if (!(overlap >= 0 && overlap <= 0.9))
      throw new CliError(`infer: --overlap must be a number 0..0.9, got "${values.overlap}"`);

    const fs = await import('node:fs');
    const path = await import('node:path');
    const inf = await import('@hepatoscope/inference');
    const io = await import('@hepatoscope/imaging-io');
    const log = values.quiet ? () => {} : (m: string) => process.stderr.write(`${m}\n`);

    let providers: string[] | undefined;
    try {
      providers = values.providers ? inf.parseProviders(values.providers) : undefined;
    } catch (e) {
      throw new CliError(`infer: ${(e as Error).message}`);
    }
    let image;
    let cascade;
    try {
      image = await inf.readImage(values.image);
      cascade = await inf.SegmentationCascade.load(values.model ?? inf.DEFAULT_CASCADE_DIR, { providers, log });
    } catch (e) {
      throw new CliError(`infer: ${(e as Error).message}`);
    }
    log(`infer: ${values.image} [${image.dims.join('×')}] with ${cascade.id} on ${cascade.liver.provider}`);
    let last = -1;
    const result = await cascade.segment(image, {
      batchSize: batch,
      liverOnly: values['liver-only'],
      tta: values.tta,
      overlap,
      onProgress: (p) => {
        const pct = Math.floor(p.fraction * 100);
        if (pct >= last + 10 || p.stage === 'done') {
          last = pct;
          log(`  ${String(pct).padStart(3)}% ${p.stage}${p.slicesTotal ? ` ${p.slicesDone}/${p.slicesTotal}` : ''}`);
        }
      },
    });
    const enc = inf.encodeSegmentation(image, result, cascade.id);
    // Write each file completely to a temporary name first, then rename: nothing half-written on failure.
    const writeAtomic = (file: string, gz: Uint8Array) => {
      const bytes = /\.gz$/i.test(file) ? gz : io.gunzip(gz, file, 'infer');
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, file);
    };
    writeAtomic(values.out, enc.mask);
    if (values.instances) writeAtomic(values.instances, enc.instances);
    const s = enc.summary;
    if (values.json) {
      console.log(JSON.stringify({ out: values.out, instances: values.instances ?? null, ...s }, null, 2));
    } else {
      const t = s.timings;
      console.log(
        `${values.out}: liver ${s.liverVolumeMl.toFixed(1)} mL, tumour ${s.tumourVolumeMl.toFixed(1)} mL in ${s.lesions.length} lesion(s)` +
          ` — ${s.provider}, ${(t.totalMs / 1000).toFixed(2)} s (${((100 * t.outsideRunMs) / t.totalMs).toFixed(0)} % outside session.run)`,
      );
    }
    return 0;
  },
};
export default infer;
