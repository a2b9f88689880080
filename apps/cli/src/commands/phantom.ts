import { CliError, parseCommandArgs, type Command } from '../command';

/**
 * `hepatoscope phantom`: writes a deterministic synthetic multi-phase liver CT phantom (four phases,
 * liver and lesion masks) as NIfTI plus `DIR/manifest.json` (issue 5 format), and optionally DICOM
 * series with a DICOM SEG (for PACS / OHIF demos). Everything is marked synthetic.
 */
const USAGE = `Usage: hepatoscope phantom --out DIR --seed N [--lesions K] [--timepoints T]
                           [--size small|default|ct | --dims NX,NY,NZ --spacing SX,SY,SZ]
                           [--noise SD] [--types HCC,CYST,…] [--dicom] [--quiet]

  --out DIR         output directory (created)
  --seed N          integer seed: the same seed gives the same phantom
  --lesions K       number of lesions (default: 1–4 from the seed)
  --timepoints T    number of timepoints, 90 days apart (default 1); T > 1 writes DIR/t0, DIR/t1, …
  --size S          small = 64×64×24 @ 3×3×6 mm, default = 128×128×48 @ 1.5×1.5×3 mm,
                    ct = 512×512×100 @ 0.75×0.75×2 mm
  --dims, --spacing explicit grid (override --size)
  --noise SD        image noise SD in HU (default 12)
  --types LIST      force lesion types, cycled (HCC, HAEMANGIOMA, CYST, METASTASIS)
  --dicom           also write DICOM series per phase and a DICOM SEG (liver=1, tumour=2) under DIR/dicom
  --quiet           no progress output`;

const OPTIONS = {
  out: { type: 'string' },
  seed: { type: 'string' },
  lesions: { type: 'string' },
  timepoints: { type: 'string' },
  size: { type: 'string' },
  dims: { type: 'string' },
  spacing: { type: 'string' },
  noise: { type: 'string' },
  types: { type: 'string' },
  dicom: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

const SIZES: Record<string, { dims: [number, number, number]; spacing: [number, number, number] }> = {
  small: { dims: [64, 64, 24], spacing: [3, 3, 6] },
  default: { dims: [128, 128, 48], spacing: [1.5, 1.5, 3] },
  ct: { dims: [512, 512, 100], spacing: [0.75, 0.75, 2] },
};

function int(name: string, v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new CliError(`phantom: --${name} must be an integer in ${lo}..${hi}, got "${v}"`);
  return n;
}

function triple(name: string, v: string, integer: boolean): [number, number, number] {
  const p = v.split(',').map(Number);
  if (p.length !== 3 || p.some((x) => !(x > 0) || (integer && !Number.isInteger(x)))) {
    throw new CliError(`phantom: --${name} must be three positive ${integer ? 'integers' : 'numbers'} separated by commas, got "${v}"`);
  }
  return [p[0], p[1], p[2]];
}

const phantom: Command = {
  name: 'phantom',
  summary: 'Write a synthetic multi-phase liver CT phantom (NIfTI + manifest.json)',
  usage: USAGE,
  async run(argv) {
    const values = parseCommandArgs('phantom', argv, OPTIONS, USAGE);
    if (!values.out) throw new CliError(`phantom: --out is required\n\n${USAGE}`);
    if (values.seed === undefined) throw new CliError(`phantom: --seed is required\n\n${USAGE}`);
    const seed = int('seed', values.seed, -(2 ** 31), 2 ** 31 - 1)!;
    const lesions = int('lesions', values.lesions, 0, 20);
    const timepoints = int('timepoints', values.timepoints, 1, 10) ?? 1;
    const size = SIZES[values.size ?? 'default'];
    if (!size) throw new CliError(`phantom: --size must be one of ${Object.keys(SIZES).join(', ')}, got "${values.size}"`);
    const dims = values.dims ? triple('dims', values.dims, true) : size.dims;
    const spacing = values.spacing ? triple('spacing', values.spacing, false) : size.spacing;
    const noiseSd = values.noise !== undefined ? Number(values.noise) : undefined;
    if (noiseSd !== undefined && !(noiseSd >= 0)) throw new CliError(`phantom: --noise must be ≥ 0, got "${values.noise}"`);
    const { generatePhantom, buildManifest, phantomFileNames, LESION_TYPES } = await import('@hepatoscope/phantoms');
    const types = values.types?.split(',').map((s) => s.trim().toUpperCase());
    for (const t of types ?? []) {
      if (!(LESION_TYPES as readonly string[]).includes(t)) throw new CliError(`phantom: unknown lesion type "${t}" (${LESION_TYPES.join(', ')})`);
    }
    const io = await import('@hepatoscope/imaging-io');
    const path = await import('node:path');
    const fs = await import('node:fs/promises');
    const log = (s: string) => {
      if (!values.quiet) console.error(s);
    };
    const t0 = performance.now();
    let ph;
    try {
      ph = generatePhantom({ seed, lesions, timepoints, dims, spacing, noiseSd, lesionTypes: types as never });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    log(`phantom: generated seed ${seed}, ${dims.join('×')} voxels, ${timepoints} timepoint(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const out = values.out;
    await fs.mkdir(out, { recursive: true });
    for (const tp of ph.timepoints) {
      const names = phantomFileNames(tp.timepoint, timepoints);
      for (const [phase, file] of Object.entries(names.phases)) {
        await io.writeVolume(path.join(out, file), tp.phases[phase as keyof typeof names.phases]);
      }
      await io.writeVolume(path.join(out, names.liverMask), tp.liverMask);
      await io.writeVolume(path.join(out, names.lesionMask), tp.lesionMask);
      if (values.dicom) {
        const base = path.join(out, 'dicom', timepoints > 1 ? `t${tp.timepoint}` : '');
        const studyInstanceUid = io.newUid();
        const frameOfReferenceUid = io.newUid();
        let pv: { paths: string[] } | undefined;
        let n = 1;
        for (const [phase, vol] of Object.entries(tp.phases)) {
          const series = await io.writeDicomSeries(path.join(base, phase.toLowerCase()), vol, {
            studyInstanceUid,
            frameOfReferenceUid,
            seriesNumber: n++,
            seriesDescription: vol.metadata.seriesDescription,
            patientId: `PHANTOM-${seed}`,
          });
          if (phase === 'PORTAL_VENOUS') pv = series;
        }
        // LiTS label map: 1 liver, 2 tumour
        const lits = new Uint8Array(tp.liverMask.data.length);
        for (let i = 0; i < lits.length; i++) lits[i] = tp.lesionMask.data[i] ? 2 : tp.liverMask.data[i] ? 1 : 0;
        const labelmap = io.volumeLike(tp.liverMask, lits);
        await io.writeDicomSeg(path.join(base, 'seg.dcm'), labelmap, io.LITS_SEGMENTS.map((s) => ({ ...s, algorithmType: 'MANUAL' as const })), pv!.paths, {
          seriesDescription: 'SYNTHETIC phantom ground truth (LiTS labels)',
        });
      }
      log(`phantom: wrote timepoint ${tp.timepoint} (${tp.lesions.map((l) => `${l.label}:${l.type} ${l.diameterMm} mm`).join(', ') || 'no lesions'})`);
    }
    const manifest = buildManifest(ph);
    await fs.writeFile(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    log(`phantom: wrote ${path.join(out, 'manifest.json')} in ${((performance.now() - t0) / 1000).toFixed(1)} s total`);
    return 0;
  },
};
export default phantom;
