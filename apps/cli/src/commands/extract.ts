import { parseArgs } from 'node:util';
import { CliError, type Command } from '../command';

/**
 * `hepatoscope extract`: IBSI radiomics features of an image inside a mask, through @hepatoscope/radiomics
 * (`extractFeatures` / `extractFeaturesPerLabel`), reading volumes with @hepatoscope/imaging-io.
 *
 * Settings: `--preset NAME` or `--params FILE.json` (the radiomics `ExtractSettings` schema, or a
 * PyRadiomics-style JSON with a `setting` section: binWidth, binCount, resampledPixelSpacing, interpolator,
 * resegmentRange, resegmentMode, label), or the defaults (FBS 25, 3D texture, no resampling).
 * Output: JSON (default) `{provenance, features:[{name,family,feature,ibsiCode,aggregation,imageType,value,reason?}]}`
 * or, with `--all-labels`, `{provenance, rows:[{label, component, voxels, features:[…]}]}`; CSV: one row per ROI.
 */
const USAGE = `Usage: hepatoscope extract --image IMG --mask MASK [--params P.json | --preset NAME]
                           [--label N | --all-labels] [--format json|csv] [--out FILE]

  --image FILE      image (.nii, .nii.gz, .nrrd, DICOM file or directory)
  --mask FILE       mask or label map on the same grid
  --params FILE     settings JSON (radiomics ExtractSettings, or PyRadiomics-style {"setting":{…}})
  --preset NAME     ibsi-digital-phantom | pyradiomics-default | liver-ct
  --label N         the label to use (default: all voxels > 0 form the ROI)
  --all-labels      one row per label; a single-label mask gives one row per connected lesion
  --format F        json (default) or csv; inferred from --out's extension when omitted
  --out FILE        write to FILE instead of stdout`;

const OPTIONS = {
  image: { type: 'string' },
  mask: { type: 'string' },
  params: { type: 'string' },
  preset: { type: 'string' },
  label: { type: 'string' },
  'all-labels': { type: 'boolean' },
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

/** Maps a PyRadiomics `setting` section to ExtractSettings input (the subset that has an IBSI meaning here). */
export function fromPyRadiomicsSettings(setting: Record<string, unknown>): { settings: Record<string, unknown>; label?: number } {
  const known = new Set(['binWidth', 'binCount', 'resampledPixelSpacing', 'interpolator', 'resegmentRange', 'resegmentMode', 'label', 'force2D', 'correctMask', 'additionalInfo', 'geometryTolerance', 'preCrop', 'padDistance', 'minimumROIDimensions', 'minimumROISize']);
  for (const k of Object.keys(setting)) if (!known.has(k)) throw new CliError(`extract: PyRadiomics setting "${k}" is not supported (supported: ${[...known].join(', ')})`);
  const out: Record<string, unknown> = {};
  if (setting.binCount != null) out.discretisation = { method: 'fbn', binCount: Number(setting.binCount) };
  else out.discretisation = { method: 'fbs', binWidth: Number(setting.binWidth ?? 25), lowerBound: 'pyradiomics' };
  const interp: Record<string, string> = { sitkNearestNeighbor: 'nearest', sitkLinear: 'linear', sitkBSpline: 'bspline' };
  if (Array.isArray(setting.resampledPixelSpacing)) {
    const sp = (setting.resampledPixelSpacing as number[]).map((v) => (Number(v) > 0 ? Number(v) : null));
    const method = interp[String(setting.interpolator ?? 'sitkBSpline')];
    if (!method) throw new CliError(`extract: interpolator ${String(setting.interpolator)} is not supported (${Object.keys(interp).join(', ')})`);
    out.resampling = { spacing: sp, interpolator: method, maskInterpolator: 'nearest', maskThreshold: 0.5 };
  }
  if (Array.isArray(setting.resegmentRange)) {
    const r = setting.resegmentRange as number[];
    if (setting.resegmentMode === 'sigma') out.resegmentation = { range: null, outlierSigma: Number(r[1] ?? r[0]) };
    else out.resegmentation = { range: [Number(r[0]), r.length > 1 ? Number(r[1]) : null], outlierSigma: null };
  }
  out.texture = { dimensions: setting.force2D ? ['2D'] : ['3D'] };
  return { settings: out, label: setting.label != null ? Number(setting.label) : undefined };
}

/**
 * Maps a PyRadiomics `imageType` section: Original, LoG ({sigma: [..]}), Wavelet ({wavelet, level, start_level}),
 * Square, SquareRoot, Logarithm, Exponential, Gradient. LoG uses the PyRadiomics (SimpleITK recursive) filter.
 */
export function fromPyRadiomicsImageTypes(it: Record<string, Record<string, unknown> | null>, _settings: Record<string, unknown> = {}): Record<string, unknown> {
  const known = ['Original', 'LoG', 'Wavelet', 'Square', 'SquareRoot', 'Logarithm', 'Exponential', 'Gradient'];
  for (const k of Object.keys(it)) if (!known.includes(k)) throw new CliError(`extract: PyRadiomics image type "${k}" is not supported (supported: ${known.join(', ')})`);
  const out: Record<string, unknown> = { original: 'Original' in it };
  if (it.LoG) {
    const sig = (it.LoG.sigma ?? []) as number[];
    if (!Array.isArray(sig) || !sig.length) throw new CliError('extract: imageType LoG needs a non-empty sigma list');
    out.log = { sigmaMm: sig.map(Number), implementation: 'pyradiomics' };
  }
  if ('Wavelet' in it) {
    const w = it.Wavelet ?? {};
    out.wavelet = { wavelet: String(w.wavelet ?? 'coif1'), level: Number(w.level ?? 1), startLevel: Number(w.start_level ?? 0) };
  }
  if ('Square' in it) out.square = true;
  if ('SquareRoot' in it) out.squareRoot = true;
  if ('Logarithm' in it) out.logarithm = true;
  if ('Exponential' in it) out.exponential = true;
  if ('Gradient' in it) out.gradient = true;
  return out;
}

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isNaN(v) ? 'NaN' : String(v)) : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const extract: Command = {
  name: 'extract',
  summary: 'Extract IBSI radiomics features of an image inside a mask',
  usage: USAGE,
  async run(argv) {
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false }).values;
    } catch (e) {
      throw new CliError(`extract: ${(e as Error).message}\n\n${USAGE}`);
    }
    const imagePath = values.image as string | undefined;
    const maskPath = values.mask as string | undefined;
    if (!imagePath || !maskPath) throw new CliError(`extract: --image and --mask are required\n\n${USAGE}`);
    if (values.params && values.preset) throw new CliError('extract: use either --params or --preset, not both');
    if (values.label && values['all-labels']) throw new CliError('extract: use either --label or --all-labels, not both');
    const out = values.out as string | undefined;
    const format = (values.format as string | undefined) ?? (out?.toLowerCase().endsWith('.csv') ? 'csv' : 'json');
    if (format !== 'json' && format !== 'csv') throw new CliError(`extract: --format must be json or csv, got ${format}`);

    const fs = await import('node:fs');
    const crypto = await import('node:crypto');
    const rad = await import('@hepatoscope/radiomics');
    const io = await import('@hepatoscope/imaging-io');

    let settingsInput: unknown = {};
    let label: number | undefined = values.label !== undefined ? Number(values.label) : undefined;
    if (label !== undefined && !Number.isInteger(label)) throw new CliError(`extract: --label must be an integer, got ${String(values.label)}`);
    try {
      if (values.preset) settingsInput = rad.presetSettings(values.preset as string);
      else if (values.params) {
        const p = values.params as string;
        if (!/\.json$/i.test(p)) throw new CliError(`extract: --params ${p}: only JSON parameter files are supported (convert PyRadiomics YAML to JSON)`);
        let raw: Record<string, unknown>;
        try {
          raw = JSON.parse(fs.readFileSync(p, 'utf8')) as Record<string, unknown>;
        } catch (e) {
          throw new CliError(`extract: cannot read --params ${p}: ${(e as Error).message}`);
        }
        if (raw.setting || raw.imageType || raw.featureClass) {
          const m = fromPyRadiomicsSettings((raw.setting ?? {}) as Record<string, unknown>);
          settingsInput = { ...m.settings, imageTypes: fromPyRadiomicsImageTypes((raw.imageType ?? { Original: {} }) as Record<string, Record<string, unknown> | null>, m.settings) };
          if (label === undefined) label = m.label;
        } else settingsInput = raw;
      }
      settingsInput = rad.parseExtractSettings(settingsInput);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`extract: ${(e as Error).message}`);
    }
    const settings = settingsInput as ReturnType<typeof rad.parseExtractSettings>;

    const [image, mask] = await Promise.all([io.readVolume(imagePath), io.readVolume(maskPath)]).catch((e: Error) => {
      throw new CliError(`extract: ${e.message}`);
    });
    const dirDiff = image.direction.some((v, i) => Math.abs(v - mask.direction[i]) > 1e-4);
    if (dirDiff) throw new CliError(`extract: image and mask directions differ — image: [${image.direction.map((v) => +v.toFixed(4)).join(', ')}]; mask: [${mask.direction.map((v) => +v.toFixed(4)).join(', ')}]`);
    const checksum = (p: string) => {
      const h = crypto.createHash('sha256');
      const st = fs.statSync(p);
      if (st.isDirectory()) for (const f of fs.readdirSync(p).sort()) h.update(fs.readFileSync(`${p}/${f}`));
      else h.update(fs.readFileSync(p));
      return h.digest('hex');
    };

    type Row = { label: number | null; component: number; voxels: number; result: ReturnType<typeof rad.extractFeatures> };
    let rows: Row[];
    try {
      if (values['all-labels']) {
        rows = rad.extractFeaturesPerLabel(image, mask, settings).map((r) => ({ label: r.label, component: r.component, voxels: r.voxels, result: r }));
      } else if (label !== undefined) {
        const bin = rad.maskForLabel(mask, label);
        const result = rad.extractFeatures(image, bin, settings);
        rows = [{ label, component: 0, voxels: result.diagnostics.roiVoxels, result }];
      } else {
        const present = rad.labelsPresent(mask);
        if (!present.length) throw new Error('the mask is empty (no voxel > 0); labels present: none');
        const result = rad.extractFeatures(image, mask, settings);
        rows = [{ label: null, component: 0, voxels: result.diagnostics.roiVoxels, result }];
      }
    } catch (e) {
      throw new CliError(`extract: ${(e as Error).message}`);
    }

    const provenance = {
      software: rows[0].result.softwareVersion,
      settings,
      settingsHash: rows[0].result.settingsHash,
      image: { path: imagePath, sha256: checksum(imagePath), dims: image.dims, spacing: image.spacing },
      mask: { path: maskPath, sha256: checksum(maskPath) },
    };
    const featureList = (r: Row) =>
      Object.entries(r.result.features).map(([key, value]) => {
        const d = rad.describeFeature(key);
        const o: Record<string, unknown> = { name: key, family: d.family, feature: d.feature, ibsiCode: d.ibsiCode, aggregation: d.aggregation, imageType: d.imageType, value: Number.isFinite(value) ? value : null };
        if (!Number.isFinite(value)) o.reason = r.result.reasons[key] ?? 'undefined';
        return o;
      });

    let text: string;
    if (format === 'json') {
      const body = values['all-labels']
        ? { provenance, rows: rows.map((r) => ({ label: r.label, component: r.component, voxels: r.voxels, features: featureList(r) })) }
        : { provenance, features: featureList(rows[0]) };
      text = JSON.stringify(body, null, 2) + '\n';
    } else {
      const keys = Object.keys(rows[0].result.features);
      const head = ['image', 'mask', 'label', 'component', 'voxels', 'settingsHash', ...keys];
      const lines = [head.map(csvCell).join(',')];
      for (const r of rows) lines.push([imagePath, maskPath, r.label ?? '', r.component, r.voxels, r.result.settingsHash, ...keys.map((k) => r.result.features[k])].map((v) => csvCell(v as string | number)).join(','));
      text = lines.join('\n') + '\n';
    }
    if (out) {
      fs.writeFileSync(out, text);
      console.error(`extract: ${rows.length} ROI${rows.length > 1 ? 's' : ''}, ${Object.keys(rows[0].result.features).length} features → ${out}`);
    } else process.stdout.write(text);
    return 0;
  },
};
export default extract;
