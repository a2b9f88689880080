import { CliError, parseCommandArgs, type Command } from '../command';

/**
 * `hepatoscope convert`: converts an image between NIfTI, NRRD and DICOM (series directory), keeping the
 * LPS geometry; optionally overrides the contrast phase, and converts a label mask to a DICOM SEG that
 * references a DICOM series.
 */
const USAGE = `Usage: hepatoscope convert --in INPUT --out OUTPUT [--phase P] [--series UID]
                           [--uneven warn] [--modality CT|MR] [--description TEXT]
       hepatoscope convert --in MASK --out SEG.dcm --seg-reference DICOM_DIR

  --in PATH             .nii, .nii.gz, .nrrd, .nhdr, .dcm, or a DICOM series directory
  --out PATH            .nii, .nii.gz or .nrrd, or a directory ending in / (or --to dicom) for a DICOM series
  --to dicom            write a DICOM series into --out (a directory)
  --phase P             set the contrast phase (NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED)
  --series UID          pick one series when the DICOM input holds several
  --uneven warn         accept uneven DICOM slice spacing (mean spacing, warning) instead of failing
  --modality M          modality of a written DICOM series (CT default)
  --description TEXT    SeriesDescription of a written DICOM series
  --seg-reference DIR   write --in (a label map on the grid of DIR) as a DICOM SEG referencing that series;
                        labels 1 = liver, 2 = tumour (LiTS)
  --info                print the volume's geometry and metadata as JSON`;

const OPTIONS = {
  in: { type: 'string' },
  out: { type: 'string' },
  to: { type: 'string' },
  phase: { type: 'string' },
  series: { type: 'string' },
  uneven: { type: 'string' },
  modality: { type: 'string' },
  description: { type: 'string' },
  'seg-reference': { type: 'string' },
  info: { type: 'boolean' },
} as const;

const PHASES = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'] as const;

const convert: Command = {
  name: 'convert',
  summary: 'Convert images between NIfTI, NRRD and DICOM (series, SEG)',
  usage: USAGE,
  async run(argv) {
    const values = parseCommandArgs('convert', argv, OPTIONS, USAGE);
    if (!values.in) throw new CliError(`convert: --in is required\n\n${USAGE}`);
    if (!values.out && !values.info) throw new CliError(`convert: --out is required\n\n${USAGE}`);
    const phase = values.phase?.toUpperCase();
    if (phase && !(PHASES as readonly string[]).includes(phase)) throw new CliError(`convert: --phase must be one of ${PHASES.join(', ')}, got "${values.phase}"`);
    if (values.uneven && values.uneven !== 'warn') throw new CliError('convert: --uneven accepts only "warn"');
    const modality = (values.modality ?? 'CT').toUpperCase();
    if (modality !== 'CT' && modality !== 'MR') throw new CliError(`convert: --modality must be CT or MR, got "${values.modality}"`);
    const io = await import('@hepatoscope/imaging-io');
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    let vol;
    try {
      vol = await io.readVolume(values.in, {
        phase: phase as (typeof PHASES)[number] | undefined,
        seriesInstanceUid: values.series,
        unevenSpacing: values.uneven === 'warn' ? 'warn' : 'error',
      });
    } catch (e) {
      throw new CliError(`convert: ${(e as Error).message}`);
    }
    for (const w of vol.metadata.warnings ?? []) console.error(`convert: warning: ${w}`);
    if (values.info) {
      const { data: _data, ...rest } = vol;
      void _data;
      console.log(JSON.stringify({ ...rest, metadata: { ...rest.metadata, sopInstanceUids: undefined } }, null, 2));
      if (!values.out) return 0;
    }
    const out = values.out!;
    try {
      if (values['seg-reference']) {
        const ref = values['seg-reference'];
        const files = (await fs.readdir(ref)).filter((f) => !f.startsWith('.')).sort().map((f) => path.join(ref, f));
        const refVol = await io.readVolume(ref);
        if (!io.sameGrid(refVol, vol, 1e-2)) {
          throw new Error(`the mask grid (${vol.dims.join('×')}) does not match the reference series grid (${refVol.dims.join('×')}, or its geometry)`);
        }
        const labels = new Uint8Array(vol.data.length);
        for (let i = 0; i < labels.length; i++) labels[i] = vol.data[i] === 1 ? 1 : vol.data[i] === 2 ? 2 : 0;
        await io.writeDicomSeg(out, io.volumeLike(vol, labels), io.LITS_SEGMENTS, files, { seriesDescription: values.description });
        console.error(`convert: wrote DICOM SEG ${out} referencing ${files.length} files of ${ref}`);
      } else if (values.to === 'dicom' || out.endsWith('/') || out.endsWith(path.sep)) {
        const r = await io.writeDicomSeries(out, vol, { modality: modality as 'CT' | 'MR', seriesDescription: values.description });
        console.error(`convert: wrote ${r.paths.length} DICOM files to ${out} (series ${r.seriesInstanceUid})`);
      } else {
        await io.writeVolume(out, vol);
        console.error(`convert: wrote ${out} (${vol.dims.join('×')}, ${vol.dtype})`);
      }
    } catch (e) {
      throw new CliError(`convert: ${(e as Error).message}`);
    }
    return 0;
  },
};
export default convert;
