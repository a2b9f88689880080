import { parseArgs } from 'node:util';
import { CliError, type Command } from '../command';

/**
 * `hepatoscope extract`: IBSI radiomics features of an image inside a mask, through @hepatoscope/radiomics
 * (`extractFeatures` / `extractFeaturesPerLabel`), reading volumes with @hepatoscope/imaging-io.
 *
 * Settings: `--preset NAME` or `--params FILE.json` (the radiomics `ExtractSettings` schema, or a
 * PyRadiomics-style JSON with a `setting` section: binWidth, binCount, resampledPixelSpacing, interpolator,
 * resegmentRange, resegmentMode, label, force2D, voxelArrayShift, gldm_a, padDistance, and the texture settings
 * distances, symmetricalGLCM, weightingNorm → `pyradiomicsTexture`), or the defaults (FBS 25, 3D texture, no resampling).
 * `HEPATOSCOPE_TIMING=1` prints the phase times of the run on stderr (start-up, reading, features, total).
 * Output: JSON (default) `{provenance, features:[{name,family,feature,ibsiCode,aggregation,imageType,value,reason?}]}`
 * or, with `--all-labels`, `{provenance, rows:[{label, component, voxels, features:[…]}]}`; CSV: one row per ROI.
 */
const USAGE = `Usage: hepatoscope extract --image IMG --mask MASK [options]
       hepatoscope extract --batch cases.csv [--jobs N] [options]

  --image FILE        image (.nii, .nii.gz, .nrrd, DICOM file or directory)
  --mask FILE         mask or label map on the same grid (a DICOM SEG .dcm is decoded onto the image grid)
  --batch FILE.csv    PyRadiomics batch file: columns Image,Mask[,Label] (paths relative to the CSV)
  --jobs N            batch cases in N parallel processes (default 1)
  --params FILE       settings .json (radiomics ExtractSettings) or a PyRadiomics parameter file (.yaml/.yml/.json
                      with setting / imageType / featureClass)
  --preset NAME       ibsi-digital-phantom | pyradiomics-default | liver-ct
  --label N           the label to use (default: all voxels > 0 form the ROI)
  --all-labels        one row per label; a single-label mask gives one row per connected lesion
  --liver-label N     label N of the mask is the liver: excluded from lesions, used to clip rings
  --liver FILE        liver mask (voxels > 0) on the same grid, used to clip rings
  --rings R1,R2,…     also extract peritumoural rings of R mm around each lesion (e.g. 3,5,10)
  --habitats K|auto   also split each lesion into K habitats (seeded k-means on local intensity, mean and SD;
                      auto = k in 2..5 by silhouette) and extract each (feature habitat_fraction added)
  --naming N          ibsi (default) or pyradiomics: PyRadiomics names (original_firstorder_Mean,
                      wavelet-LLH_glcm_JointEnergy, …) for the PyRadiomics classes; IBSI features keep IBSI keys
  --date YYYY-MM-DD   acquisition date of the image, recorded in the provenance (used by hepatoscope delta)
  --format F          json (default) or csv; inferred from --out's extension when omitted
  --out FILE          write to FILE instead of stdout`;

const OPTIONS = {
  image: { type: 'string' },
  mask: { type: 'string' },
  batch: { type: 'string' },
  jobs: { type: 'string' },
  params: { type: 'string' },
  preset: { type: 'string' },
  label: { type: 'string' },
  'all-labels': { type: 'boolean' },
  'liver-label': { type: 'string' },
  liver: { type: 'string' },
  rings: { type: 'string' },
  habitats: { type: 'string' },
  format: { type: 'string' },
  naming: { type: 'string' },
  out: { type: 'string' },
  date: { type: 'string' },
  'internal-rows': { type: 'boolean' },
} as const;

/** True for `{}` (a plain object without keys). */
function isEmptyMapping(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** Maps a PyRadiomics `setting` section to ExtractSettings input (the subset that has an IBSI meaning here). */
export function fromPyRadiomicsSettings(settingIn: Record<string, unknown>): { settings: Record<string, unknown>; label?: number } {
  // a key with nothing after it (`weightingNorm:` in PyRadiomics' example Params.yaml) is YAML null; the YAML subset
  // parser reads it as an empty mapping
  const setting = Object.fromEntries(Object.entries(settingIn).map(([k, v]) => [k, isEmptyMapping(v) ? null : v]));
  const known = new Set(['binWidth', 'binCount', 'resampledPixelSpacing', 'interpolator', 'resegmentRange', 'resegmentMode', 'label', 'force2D', 'correctMask', 'additionalInfo', 'geometryTolerance', 'preCrop', 'padDistance', 'minimumROIDimensions', 'minimumROISize', 'voxelArrayShift', 'gldm_a', 'distances', 'symmetricalGLCM', 'weightingNorm', 'verbose']);
  for (const k of Object.keys(setting)) if (!known.has(k)) throw new CliError(`extract: PyRadiomics setting "${k}" is not supported (supported: ${[...known].join(', ')})`);
  // PyRadiomics texture settings (GLCM/GLRLM/NGTDM/GLDM): validated here, applied by the pyradiomics texture classes
  const pyTexture: Record<string, unknown> = {};
  if (setting.distances != null) {
    const d = setting.distances;
    if (!Array.isArray(d) || !d.length || d.some((v) => !Number.isInteger(Number(v)) || Number(v) < 1)) throw new CliError(`extract: PyRadiomics setting distances must be a non-empty list of positive integers, got ${JSON.stringify(d)}`);
    pyTexture.distances = d.map(Number);
  }
  if (setting.symmetricalGLCM != null) {
    if (typeof setting.symmetricalGLCM !== 'boolean') throw new CliError(`extract: PyRadiomics setting symmetricalGLCM must be true or false, got ${JSON.stringify(setting.symmetricalGLCM)}`);
    pyTexture.symmetricalGLCM = setting.symmetricalGLCM;
  }
  if (setting.weightingNorm != null) {
    const norms = ['manhattan', 'euclidean', 'infinity', 'no_weighting'];
    if (!norms.includes(setting.weightingNorm as string)) throw new CliError(`extract: PyRadiomics setting weightingNorm must be one of ${norms.join(', ')} or None, got ${JSON.stringify(setting.weightingNorm)}`);
    pyTexture.weightingNorm = setting.weightingNorm;
  }
  const out: Record<string, unknown> = {};
  if (setting.voxelArrayShift != null) out.voxelArrayShift = Number(setting.voxelArrayShift);
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
  out.texture = { dimensions: setting.force2D ? ['2D'] : ['3D'], ...(setting.gldm_a != null ? { ngldmAlpha: Number(setting.gldm_a) } : {}) };
  out.padDistance = setting.padDistance != null ? Number(setting.padDistance) : 5; // PyRadiomics default 5
  // only when set: files with PyRadiomics' defaults keep the settings hash they had before these settings were mapped
  const isDefault = (pyTexture.distances == null || (pyTexture.distances as number[]).join() === '1') && pyTexture.symmetricalGLCM !== false && pyTexture.weightingNorm == null;
  if (!isDefault) out.pyradiomicsTexture = pyTexture;
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

/**
 * Parses the YAML subset PyRadiomics parameter files use: nested block mappings by indentation, block
 * sequences (`- item`), flow sequences (`[1, 2.5]`), empty flow mappings (`{}`), scalars (numbers, booleans,
 * null/~ or empty, single/double-quoted strings) and `#` comments. Throws naming the line on anything else.
 */
export function parseYamlSubset(text: string): Record<string, unknown> {
  type Frame = { indent: number; value: Record<string, unknown> | unknown[]; parent?: Frame; key?: string };
  const scalar = (raw: string, line: number): unknown => {
    const v = raw.trim();
    if (v === '' || v === '~' || v === 'null' || v === 'Null' || v === 'NULL') return null;
    if (v === '{}') return {};
    if (v === '[]') return [];
    if (/^(true|True|TRUE)$/.test(v)) return true;
    if (/^(false|False|FALSE)$/.test(v)) return false;
    if (/^['"].*['"]$/.test(v)) return v.slice(1, -1);
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) return Number(v);
    if (v.startsWith('[') && v.endsWith(']')) return v.slice(1, -1).split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => scalar(x, line));
    if (/^[{[]/.test(v)) throw new CliError(`extract: YAML line ${line}: flow collections other than [a, b] and {} are not supported`);
    return v;
  };
  const root: Frame = { indent: -1, value: {} };
  let stack: Frame[] = [root];
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const rawLine = lines[ln].replace(/\s+#.*$/, '').replace(/^#.*$/, '');
    if (!rawLine.trim() || rawLine.trim() === '---') continue;
    const indent = rawLine.length - rawLine.trimStart().length;
    const body = rawLine.trim();
    while (stack.length > 1 && indent <= stack[stack.length - 1].indent) stack.pop();
    let top = stack[stack.length - 1];
    if (body.startsWith('- ') || body === '-') {
      // a sequence item: the current container must be (or become) an array
      if (!Array.isArray(top.value)) {
        if (top.parent && top.key !== undefined && Object.keys(top.value).length === 0) {
          const arr: unknown[] = [];
          (top.parent.value as Record<string, unknown>)[top.key] = arr;
          top.value = arr;
        } else throw new CliError(`extract: YAML line ${ln + 1}: unexpected sequence item`);
      }
      (top.value as unknown[]).push(scalar(body.slice(1), ln + 1));
      continue;
    }
    const m = /^("[^"]*"|'[^']*'|[^:]+?)\s*:(\s+(.*))?$/.exec(body);
    if (!m) throw new CliError(`extract: YAML line ${ln + 1}: cannot parse "${body}"`);
    const key = m[1].replace(/^['"]|['"]$/g, '');
    if (Array.isArray(top.value)) throw new CliError(`extract: YAML line ${ln + 1}: a mapping inside a sequence is not supported`);
    const rest = m[3];
    if (rest === undefined || rest === '') {
      const child: Record<string, unknown> = {};
      (top.value as Record<string, unknown>)[key] = child;
      const frame: Frame = { indent, value: child, parent: top, key };
      stack = [...stack, frame];
      top = frame;
    } else (top.value as Record<string, unknown>)[key] = scalar(rest, ln + 1);
  }
  // empty block mappings (`shape:` with nothing below) stay {} — PyRadiomics reads them as "all features"
  return root.value as Record<string, unknown>;
}

/**
 * Maps a PyRadiomics `featureClass` section to families: firstorder → firstorder, shape → shape, and any of
 * glcm/glrlm/glszm/gldm/ngtdm → pyradiomics-texture (all five texture classes; per-feature selection is not
 * supported). Absent: all PyRadiomics classes (PyRadiomics' default).
 */
export function fromPyRadiomicsFeatureClass(fc: Record<string, unknown> | undefined): string[] {
  if (!fc) return ['firstorder', 'shape', 'pyradiomics-texture'];
  const known = ['firstorder', 'shape', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm', 'shape2D'];
  for (const k of Object.keys(fc)) if (!known.includes(k)) throw new CliError(`extract: PyRadiomics feature class "${k}" is not supported (supported: ${known.filter((c) => c !== 'shape2D').join(', ')})`);
  if ('shape2D' in fc) throw new CliError('extract: PyRadiomics feature class "shape2D" is not supported');
  const out: string[] = [];
  if ('firstorder' in fc) out.push('firstorder');
  if ('shape' in fc) out.push('shape');
  if (['glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'].some((c) => c in fc)) out.push('pyradiomics-texture');
  return out;
}

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isNaN(v) ? 'NaN' : String(v)) : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One output row: a lesion (or the whole ROI) or a peritumoural ring of it. */
export interface OutputRow {
  image: string;
  mask: string;
  imageSha256?: string;
  maskSha256?: string;
  label: number | null;
  component: number;
  region: string;
  voxels: number;
  features: Record<string, number>;
  reasons: Record<string, string>;
  settingsHash: string;
  software: string;
}

interface CaseSpec { image: string; mask: string; label?: number; liver?: string }

function parseInt10(v: unknown, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new CliError(`extract: ${what} must be an integer, got ${String(v)}`);
  return n;
}

/** Reads a PyRadiomics batch CSV (header with Image, Mask and optionally Label / Liver columns). */
export function parseBatchCsv(text: string, baseDir: string, join: (a: string, b: string) => string, isAbs: (p: string) => boolean): CaseSpec[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) throw new CliError('extract: the batch file is empty');
  const split = (l: string) => l.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const head = split(lines[0]).map((h) => h.toLowerCase());
  const ci = head.indexOf('image'), cm = head.indexOf('mask'), cl = head.indexOf('label'), cv = head.indexOf('liver');
  if (ci < 0 || cm < 0) throw new CliError(`extract: the batch file needs Image and Mask columns (header: ${lines[0]})`);
  const abs = (p: string) => (isAbs(p) ? p : join(baseDir, p));
  return lines.slice(1).map((l, k) => {
    const c = split(l);
    if (!c[ci] || !c[cm]) throw new CliError(`extract: batch row ${k + 2} has no Image or Mask`);
    return { image: abs(c[ci]), mask: abs(c[cm]), label: cl >= 0 && c[cl] ? parseInt10(c[cl], `Label in batch row ${k + 2}`) : undefined, liver: cv >= 0 && c[cv] ? abs(c[cv]) : undefined };
  });
}

const extract: Command = {
  name: 'extract',
  summary: 'Extract IBSI radiomics features of an image inside a mask (single case or batch)',
  usage: USAGE,
  async run(argv) {
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false }).values;
    } catch (e) {
      throw new CliError(`extract: ${(e as Error).message}\n\n${USAGE}`);
    }
    if (!values.batch && (!values.image || !values.mask)) throw new CliError(`extract: --image and --mask (or --batch) are required\n\n${USAGE}`);
    if (values.batch && (values.image || values.mask)) throw new CliError('extract: use either --batch or --image/--mask, not both');
    if (values.params && values.preset) throw new CliError('extract: use either --params or --preset, not both');
    if (values.label && values['all-labels']) throw new CliError('extract: use either --label or --all-labels, not both');
    const out = values.out as string | undefined;
    const format = (values.format as string | undefined) ?? (out?.toLowerCase().endsWith('.csv') ? 'csv' : 'json');
    if (format !== 'json' && format !== 'csv') throw new CliError(`extract: --format must be json or csv, got ${format}`);
    const naming = (values.naming as string | undefined) ?? 'ibsi';
    if (naming !== 'ibsi' && naming !== 'pyradiomics') throw new CliError(`extract: --naming must be ibsi or pyradiomics, got ${naming}`);
    const date = values.date as string | undefined;
    if (date !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(date) || !Number.isFinite(new Date(date).getTime()))) throw new CliError(`extract: --date must be an ISO date (YYYY-MM-DD), got ${date}`);
    const jobs = parseInt10(values.jobs, '--jobs') ?? 1;
    if (jobs < 1) throw new CliError('extract: --jobs must be ≥ 1');
    const liverLabel = parseInt10(values['liver-label'], '--liver-label');
    const rings = values.rings ? String(values.rings).split(',').map((r) => Number(r)) : [];
    if (rings.some((r) => !(r > 0))) throw new CliError(`extract: --rings must be positive millimetres, got ${String(values.rings)}`);
    const habitats = values.habitats === undefined ? undefined : values.habitats === 'auto' ? ('auto' as const) : parseInt10(values.habitats, '--habitats');
    if (typeof habitats === 'number' && (habitats < 2 || habitats > 10)) throw new CliError('extract: --habitats must be auto or an integer from 2 to 10');

    // HEPATOSCOPE_TIMING=1: phase wall times on stderr (process start → command, reading, features, total)
    const timing = { start: process.uptime(), startCpu: (process.cpuUsage().user + process.cpuUsage().system) / 1e6, read: 0, features: 0, featuresCpu: 0 };
    const fs = await import('node:fs');
    const path = await import('node:path');
    const crypto = await import('node:crypto');
    const rad = await import('@hepatoscope/radiomics');
    const io = await import('@hepatoscope/imaging-io');

    // settings
    let settingsInput: unknown = {};
    let label = parseInt10(values.label, '--label');
    try {
      if (values.preset) settingsInput = rad.presetSettings(values.preset as string);
      else if (values.params) {
        const p = values.params as string;
        let raw: Record<string, unknown>;
        try {
          const text = fs.readFileSync(p, 'utf8');
          raw = /\.ya?ml$/i.test(p) ? parseYamlSubset(text) : (JSON.parse(text) as Record<string, unknown>);
        } catch (e) {
          if (e instanceof CliError) throw e;
          throw new CliError(`extract: cannot read --params ${p}: ${(e as Error).message}`);
        }
        if (raw.setting || raw.imageType || raw.featureClass) {
          const m = fromPyRadiomicsSettings((raw.setting ?? {}) as Record<string, unknown>);
          settingsInput = {
            ...m.settings,
            imageTypes: fromPyRadiomicsImageTypes((raw.imageType ?? { Original: {} }) as Record<string, Record<string, unknown> | null>, m.settings),
            families: fromPyRadiomicsFeatureClass(raw.featureClass as Record<string, unknown> | undefined),
          };
          if (label === undefined) label = m.label;
        } else settingsInput = raw;
      }
      settingsInput = rad.parseExtractSettings(settingsInput);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`extract: ${(e as Error).message}`);
    }
    const settings = settingsInput as ReturnType<typeof rad.parseExtractSettings>;
    const hash = rad.settingsHash(settings);

    const cases: CaseSpec[] = values.batch
      ? parseBatchCsv(fs.readFileSync(values.batch as string, 'utf8'), path.dirname(values.batch as string), path.join, path.isAbsolute)
      : [{ image: values.image as string, mask: values.mask as string, liver: values.liver as string | undefined }];
    const checksum = (p: string) => {
      const h = crypto.createHash('sha256');
      if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p).sort()) h.update(fs.readFileSync(path.join(p, f)));
      else h.update(fs.readFileSync(p));
      return h.digest('hex');
    };

    const runCase = async (c: CaseSpec): Promise<OutputRow[]> => {
      // a single .dcm mask may be a DICOM SEG: decode it onto the image grid; otherwise read it as a volume
      const readMask = async (p: string, ref: Awaited<ReturnType<typeof io.readVolume>>) => {
        if (io.formatOf(p) === 'dicom' && fs.statSync(p).isFile()) {
          try {
            return (await io.readDicomSeg(p, ref)).labelmap;
          } catch (e) {
            if (!/not a Segmentation object/.test((e as Error).message)) throw e;
          }
        }
        return io.readVolume(p);
      };
      let image: Awaited<ReturnType<typeof io.readVolume>>, mask: Awaited<ReturnType<typeof io.readVolume>>, liverVol: Awaited<ReturnType<typeof io.readVolume>> | null;
      try {
        const t0 = process.hrtime.bigint();
        image = await io.readVolume(c.image);
        [mask, liverVol] = await Promise.all([readMask(c.mask, image), c.liver ?? values.liver ? readMask((c.liver ?? values.liver) as string, image) : Promise.resolve(null)]);
        timing.read += Number(process.hrtime.bigint() - t0) / 1e9;
      } catch (e) {
        throw new CliError(`extract: ${(e as Error).message}`);
      }
      for (const [name, v] of [['mask', mask], ['liver', liverVol]] as const) {
        if (v && image.direction.some((d, i) => Math.abs(d - v.direction[i]) > 1e-4)) {
          throw new CliError(`extract: image and ${name} directions differ — image: [${image.direction.map((d) => +d.toFixed(4)).join(', ')}]; ${name}: [${v.direction.map((d) => +d.toFixed(4)).join(', ')}]`);
        }
      }
      const rows: OutputRow[] = [];
      try {
        let liver: { data: Uint8Array; dims: typeof mask.dims; spacing: typeof mask.spacing; origin?: typeof mask.origin } | undefined;
        if (liverVol) { rad.assertSameGrid(image, liverVol, 'extract (liver mask)'); liver = { data: Uint8Array.from(liverVol.data, (v) => (v > 0 ? 1 : 0)), dims: liverVol.dims, spacing: liverVol.spacing, origin: liverVol.origin }; }
        else if (liverLabel !== undefined) { const d = new Uint8Array(mask.data.length); for (let i = 0; i < d.length; i++) if (mask.data[i] === liverLabel) d[i] = 1; liver = { data: d, dims: mask.dims, spacing: mask.spacing, origin: mask.origin }; }
        const lbl = c.label ?? label;
        const emit = (l: number | null, comp: number, region: string, voxels: number, m: { data: Uint8Array; dims: typeof mask.dims; spacing: typeof mask.spacing; origin?: typeof mask.origin }) => {
          const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
          const r = rad.extractFeatures(image, m, settings);
          timing.features += Number(process.hrtime.bigint() - t0) / 1e9;
          const dc = process.cpuUsage(c0);
          timing.featuresCpu += (dc.user + dc.system) / 1e6;
          rows.push({ image: c.image, mask: c.mask, label: l, component: comp, region, voxels, features: r.features, reasons: r.reasons, settingsHash: r.settingsHash, software: r.softwareVersion });
          if (habitats !== undefined) {
            const hres = rad.habitatAnalysis(image, m as never, { k: habitats, seed: 1 });
            for (let h = 1; h <= hres.k; h++) {
              const hm = rad.habitatMask(hres, h, m);
              const hr = rad.extractFeatures(image, hm, settings);
              const feats = { ...hr.features, habitat_fraction: hres.fractions[h - 1] };
              rows.push({ image: c.image, mask: c.mask, label: l, component: comp, region: `habitat-${h}-of-${hres.k}`, voxels: Math.round(hres.fractions[h - 1] * voxels), features: feats, reasons: hr.reasons, settingsHash: hr.settingsHash, software: hr.softwareVersion });
            }
          }
          if (rings.length) {
            rad.peritumouralRings(m as never, rings, liver as never).forEach((ring, k) => {
              let n = 0;
              for (let i = 0; i < ring.data.length; i++) n += ring.data[i];
              if (!n) { rows.push({ image: c.image, mask: c.mask, label: l, component: comp, region: `ring-${rings[k]}mm`, voxels: 0, features: {}, reasons: { '*': 'the ring is empty (clipped by the liver mask)' }, settingsHash: hash, software: r.softwareVersion }); return; }
              const rr = rad.extractFeatures(image, ring, settings);
              rows.push({ image: c.image, mask: c.mask, label: l, component: comp, region: `ring-${rings[k]}mm`, voxels: n, features: rr.features, reasons: rr.reasons, settingsHash: rr.settingsHash, software: rr.softwareVersion });
            });
          }
        };
        const exclude = liverLabel !== undefined ? [liverLabel] : [];
        if (values['all-labels']) {
          for (const l of rad.lesionsOf(mask, { exclude })) emit(l.label, l.component, 'lesion', l.voxels, l.mask);
        } else if (lbl !== undefined) {
          const m = rad.maskForLabel(mask, lbl);
          emit(lbl, 0, 'lesion', rad.maskExtent(m)?.count ?? 0, m);
        } else {
          const present = rad.labelsPresent(mask).filter((l) => !exclude.includes(l));
          if (!present.length) throw new Error(`the mask has no lesion voxel; labels present: ${rad.labelsPresent(mask).join(', ') || 'none'}`);
          const d = new Uint8Array(mask.data.length);
          let n = 0;
          for (let i = 0; i < d.length; i++) if (mask.data[i] !== 0 && !exclude.includes(mask.data[i])) { d[i] = 1; n++; }
          emit(null, 0, 'lesion', n, { data: d, dims: mask.dims, spacing: mask.spacing, origin: mask.origin });
        }
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`extract: ${cases.length > 1 ? `${c.image}: ` : ''}${(e as Error).message}`);
      }
      if (values.batch) {
        const ih = checksum(c.image), mh = checksum(c.mask);
        for (const r of rows) { r.imageSha256 = ih; r.maskSha256 = mh; }
      }
      return rows;
    };

    const progress = (done: number) => {
      if (!process.stderr.isTTY || cases.length < 2) return;
      const w = 30, f = Math.round((w * done) / cases.length);
      process.stderr.write(`\r[${'#'.repeat(f)}${' '.repeat(w - f)}] ${done}/${cases.length} cases${done === cases.length ? '\n' : ''}`);
    };

    let rows: OutputRow[] = [];
    if (jobs > 1 && cases.length > 1) {
      // N child processes, each running `extract --batch <chunk> --internal-rows`
      const { spawn } = await import('node:child_process');
      const os = await import('node:os');
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-extract-batch-'));
      const n = Math.min(jobs, cases.length);
      const chunks: CaseSpec[][] = Array.from({ length: n }, () => []);
      cases.forEach((c, i) => chunks[i % n].push(c));
      const passThrough = argv.filter((_, i) => !['--batch', '--jobs', '--out', '--format'].includes(argv[i]) && !['--batch', '--jobs', '--out', '--format'].includes(argv[i - 1]));
      let done = 0;
      const results = await Promise.all(chunks.map((chunk, k) => new Promise<OutputRow[]>((resolve, reject) => {
        const csv = path.join(tmp, `chunk-${k}.csv`);
        fs.writeFileSync(csv, 'Image,Mask,Label,Liver\n' + chunk.map((c) => [c.image, c.mask, c.label ?? '', c.liver ?? ''].join(',')).join('\n') + '\n');
        const outFile = path.join(tmp, `chunk-${k}.json`);
        // through bin/hepatoscope.js when it started us (its bundle: no tsx start-up per worker), else tsx + main.ts
        const entry = (globalThis as { __hepatoscopeCliEntry?: string[] }).__hepatoscopeCliEntry ?? [require.resolve('tsx/cli'), path.join(__dirname, '..', 'main.ts')];
        const child = spawn(process.execPath, [...entry, 'extract', '--batch', csv, '--out', outFile, '--internal-rows', ...passThrough.filter((a) => a !== '--internal-rows')], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => { const t = d.toString(); if (t.startsWith('case-done')) { done += t.split('case-done').length - 1; progress(done); } else err += t; });
        child.on('close', (code) => {
          if (code !== 0) return reject(new CliError(`extract: batch worker ${k + 1} failed: ${err.trim()}`));
          resolve(JSON.parse(fs.readFileSync(outFile, 'utf8')) as OutputRow[]);
        });
      })));
      fs.rmSync(tmp, { recursive: true, force: true });
      // restore the batch order
      const order = new Map(cases.map((c, i) => [`${c.image}|${c.mask}|${c.label ?? ''}`, i]));
      rows = results.flat().sort((a, b) => (order.get(`${a.image}|${a.mask}|${a.label ?? ''}`) ?? 0) - (order.get(`${b.image}|${b.mask}|${b.label ?? ''}`) ?? 0));
    } else {
      for (let i = 0; i < cases.length; i++) {
        rows.push(...(await runCase(cases[i])));
        if (values['internal-rows']) process.stderr.write('case-done');
        progress(i + 1);
      }
    }

    if (naming === 'pyradiomics' && !values['internal-rows']) {
      for (const r of rows) {
        const f: Record<string, number> = {}, re: Record<string, string> = {};
        for (const [k, v] of Object.entries(r.features)) { const nk = rad.pyradiomicsName(k) ?? k; f[nk] = v; if (k in r.reasons) re[nk] = r.reasons[k]; }
        r.features = f;
        r.reasons = re;
      }
    }
    let text: string;
    if (values['internal-rows']) {
      text = JSON.stringify(rows, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    } else if (format === 'json') {
      const featureList = (r: OutputRow) =>
        Object.entries(r.features).map(([key, v]) => {
          const value = typeof v === 'string' ? Number(v) : v;
          const d = rad.describeFeature(key.startsWith('original_') ? key.slice('original_'.length) : key);
          const o: Record<string, unknown> = { name: key, family: d.family, feature: d.feature, ibsiCode: d.ibsiCode, aggregation: d.aggregation, imageType: d.imageType, value: Number.isFinite(value) ? value : null };
          if (!Number.isFinite(value)) o.reason = r.reasons[key] ?? 'undefined';
          return o;
        });
      const provenance = {
        software: rows[0]?.software,
        settings,
        settingsHash: hash,
        ...(date ? { date } : {}),
        ...(cases.length === 1 ? { image: { path: cases[0].image, sha256: checksum(cases[0].image) }, mask: { path: cases[0].mask, sha256: checksum(cases[0].mask) } } : {}),
      };
      const simple = cases.length === 1 && rows.length === 1 && !values['all-labels'];
      const body = simple
        ? { provenance, features: featureList(rows[0]) }
        : { provenance, rows: rows.map((r) => ({ image: r.image, mask: r.mask, ...(r.imageSha256 ? { imageSha256: r.imageSha256, maskSha256: r.maskSha256 } : {}), label: r.label, component: r.component, region: r.region, voxels: r.voxels, features: featureList(r) })) };
      text = JSON.stringify(body, null, 2) + '\n';
    } else {
      const keySet = new Set<string>();
      for (const r of rows) for (const k of Object.keys(r.features)) keySet.add(k);
      const keys = [...keySet];
      const head = ['image', 'mask', 'label', 'component', 'region', 'voxels', 'settingsHash', ...keys];
      const lines = [head.map(csvCell).join(',')];
      for (const r of rows) {
        const vals = keys.map((k) => (k in r.features ? Number(r.features[k]) : ''));
        lines.push([r.image, r.mask, r.label ?? '', r.component, r.region, r.voxels, r.settingsHash, ...vals].map((v) => csvCell(v as string | number)).join(','));
      }
      text = lines.join('\n') + '\n';
    }
    if (out) {
      fs.writeFileSync(out, text);
      if (!values['internal-rows']) console.error(`extract: ${rows.length} row${rows.length === 1 ? '' : 's'} from ${cases.length} case${cases.length === 1 ? '' : 's'} → ${out}`);
    } else process.stdout.write(text);
    if (process.env.HEPATOSCOPE_TIMING === '1') {
      const cpu = process.cpuUsage();
      console.error(`extract timing (${(globalThis as { __hepatoscopeCliEntry?: string[] }).__hepatoscopeCliEntry ? 'bundle' : 'tsx'}): to command ${timing.start.toFixed(3)} s (${timing.startCpu.toFixed(3)} s CPU), reading ${timing.read.toFixed(3)} s, features ${timing.features.toFixed(3)} s (${timing.featuresCpu.toFixed(3)} s CPU), process ${process.uptime().toFixed(3)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s CPU`);
    }
    return 0;
  },
};
export default extract;
