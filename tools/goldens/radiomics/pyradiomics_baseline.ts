/**
 * PyRadiomics parity goldens: PyRadiomics' OWN published feature values for three real cases, and the
 * cropped image/mask fixtures they belong to.
 *
 *   npx tsx tools/goldens/radiomics/pyradiomics_baseline.ts <dir with baseline_*.csv> [<dir with *_image.nrrd>]
 *
 * 1. Reads PyRadiomics' test baselines `data/baseline/baseline_<class>.csv` (repository AIM-Harvard/pyradiomics,
 *    BSD-3-Clause, Copyright 2017 Harvard Medical School) — either the full files or copies reduced to the
 *    columns brain1, brain2, breast1 — and writes `libs/radiomics/fixtures/pyradiomics/baseline.json`:
 *    case → PyRadiomics feature name → value, with the settings and provenance. Only the plain `brain1`,
 *    `brain2`, `breast1` columns (settings: Original image, binWidth 25, voxelArrayShift 2000, no resampling,
 *    symmetrical GLCM, weightingNorm None, distances [1], gldm_a 0, padDistance 5, label 1) and the VARIANTS
 *    columns below when present.
 * 2. Crops the case images and label maps (byte-identical copies of PyRadiomics' data/ folder, e.g.
 *    /work/shared/data/pyradiomics-cases) to the bounding box of label 1 plus padDistance = 5 voxels (clipped
 *    to the image), exactly the crop PyRadiomics' `cropToTumorMask` makes before computing features, and
 *    writes them as gzipped NIfTI to the same folder. Original-image features only see ROI voxels and their
 *    ROI neighbours, so the crop does not change any value.
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeNifti, gzip, readVolume } from '@hepatoscope/imaging-io';

const CASES = ['brain1', 'brain2', 'breast1'] as const;
/**
 * Extra baseline columns on the same images with other settings (PyRadiomics 2.0.1b1): brain2_resegmentation =
 * resegmentRange [-3, 3] with resegmentMode 'sigma' (ROI mean ± 3 SD; 5 of 453 voxels removed), voxelArrayShift 0
 * (default), binWidth 25; <case>_FBN = binCount 64 (fixed bin number), texture classes only. No shape columns.
 */
const VARIANTS: Record<string, { image: string; settings: Record<string, unknown> }> = {
  brain2_resegmentation: { image: 'brain2', settings: { resegmentRange: [-3, 3], resegmentMode: 'sigma', voxelArrayShift: 0, binWidth: 25 } },
  brain1_FBN: { image: 'brain1', settings: { binCount: 64, voxelArrayShift: 0 } },
  brain2_FBN: { image: 'brain2', settings: { binCount: 64, voxelArrayShift: 0 } },
  breast1_FBN: { image: 'breast1', settings: { binCount: 64, voxelArrayShift: 0 } },
};
const CLASSES = ['firstorder', 'shape', 'glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'] as const;
const OUT = resolve(__dirname, '../../../libs/radiomics/fixtures/pyradiomics');
const PAD = 5;

/** Minimal RFC 4180 CSV parser (quoted fields with commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) { if (ch === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else q = false; } else field += ch; continue; }
    if (ch === '"') q = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function baseline(dir: string) {
  const names = [...CASES, ...Object.keys(VARIANTS)];
  const features: Record<string, Record<string, number>> = Object.fromEntries(names.map((c) => [c, {}]));
  const versions: Record<string, Record<string, string>> = Object.fromEntries(names.map((c) => [c, {}]));
  for (const cls of CLASSES) {
    const file = [join(dir, `baseline_${cls}.csv`), join(dir, `${cls}.csv`)].find(existsSync);
    if (!file) throw new Error(`no baseline CSV for ${cls} in ${dir}`);
    const rows = parseCsv(readFileSync(file, 'utf8'));
    const header = rows[0];
    for (const c of CASES) if (header.indexOf(c) < 0) throw new Error(`${file}: no column ${c}`);
    const present = names.filter((c) => header.includes(c));
    for (const r of rows.slice(1)) {
      if (r[0] === 'diagnostics_Versions_PyRadiomics') for (const c of present) versions[c][cls] = r[header.indexOf(c)];
      if (!r[0].startsWith(`original_${cls}_`)) continue;
      for (const c of present) {
        const v = Number(r[header.indexOf(c)]);
        if (!Number.isFinite(v)) throw new Error(`${file}: ${r[0]} ${c} = ${r[header.indexOf(c)]}`);
        features[c][r[0]] = v;
      }
    }
  }
  return { features, versions };
}

async function cropCases(dir: string) {
  const info: Record<string, unknown> = {};
  for (const c of CASES) {
    const img = await readVolume(join(dir, `${c}_image.nrrd`));
    const lab = await readVolume(join(dir, `${c}_label.nrrd`));
    const [nx, ny, nz] = img.dims;
    const lo = [nx, ny, nz], hi = [-1, -1, -1];
    let n = 0;
    for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) if (lab.data[i] === 1) {
      n++; const p = [x, y, z];
      for (let a = 0; a < 3; a++) { lo[a] = Math.min(lo[a], p[a]); hi[a] = Math.max(hi[a], p[a]); }
    }
    const b0 = lo.map((v) => Math.max(0, v - PAD)), b1 = hi.map((v, a) => Math.min(img.dims[a] - 1, v + PAD));
    const d = [0, 1, 2].map((a) => b1[a] - b0[a] + 1) as [number, number, number];
    const Ctor = img.data.constructor as new (n: number) => typeof img.data;
    const ci = new Ctor(d[0] * d[1] * d[2]);
    const cl = new Uint8Array(d[0] * d[1] * d[2]);
    for (let z = 0, o = 0; z < d[2]; z++) for (let y = 0; y < d[1]; y++) for (let x = 0; x < d[0]; x++, o++) {
      const i = b0[0] + x + nx * (b0[1] + y + ny * (b0[2] + z));
      ci[o] = img.data[i]; cl[o] = lab.data[i] as number;
    }
    const origin = [0, 1, 2].map((r) => img.origin[r] + [0, 1, 2].reduce((s, a) => s + img.direction[3 * r + a] * b0[a] * img.spacing[a], 0)) as [number, number, number];
    writeFileSync(join(OUT, `${c}_image.nii.gz`), gzip(encodeNifti({ ...img, data: ci, dims: d, origin, metadata: {} }, { metadataExtension: false })));
    writeFileSync(join(OUT, `${c}_label.nii.gz`), gzip(encodeNifti({ ...lab, data: cl, dims: d, origin, dtype: 'uint8', metadata: {} }, { metadataExtension: false })));
    info[c] = { sourceDims: img.dims, cropStart: b0, cropDims: d, spacing: img.spacing, roiVoxels: n, dtype: img.dtype };
  }
  return info;
}

async function main() {
  const [csvDir, nrrdDir = '/work/shared/data/pyradiomics-cases'] = process.argv.slice(2);
  if (!csvDir) throw new Error('usage: pyradiomics_baseline.ts <dir with baseline_*.csv> [<dir with *_image.nrrd>]');
  mkdirSync(OUT, { recursive: true });
  const { features, versions } = baseline(csvDir);
  const cases = await cropCases(nrrdDir);
  const golden = {
    provenance: {
      source: 'PyRadiomics test baselines (values computed by PyRadiomics itself)',
      repository: 'https://github.com/AIM-Harvard/pyradiomics',
      paths: CLASSES.map((c) => `data/baseline/baseline_${c}.csv`),
      commits: { firstorder: 'b9d5f26dfb90c03b9e519f237d700586dfff2353', shape: 'b9d5f26dfb90c03b9e519f237d700586dfff2353', glcm: 'b9d5f26dfb90c03b9e519f237d700586dfff2353', glrlm: 'b9d5f26dfb90c03b9e519f237d700586dfff2353', glszm: 'b9d5f26dfb90c03b9e519f237d700586dfff2353', gldm: '6a7cb98c07f0ce05807f609f9bd0996f0634c4ed', ngtdm: '6a7cb98c07f0ce05807f609f9bd0996f0634c4ed' },
      pyradiomicsVersions: versions,
      licence: 'BSD-3-Clause, Copyright (c) 2017 Harvard Medical School; values and images redistributed with attribution',
      images: 'data/{brain1,brain2,breast1}_{image,label}.nrrd of the same repository, cropped to label 1 bounding box + padDistance 5',
      files: readdirSync(csvDir).filter((f) => f.endsWith('.csv')).sort(),
    },
    settings: { imageType: { Original: {} }, label: 1, binWidth: 25, voxelArrayShift: 2000, resampledPixelSpacing: null, interpolator: null, symmetricalGLCM: true, weightingNorm: null, distances: [1], gldm_a: 0, padDistance: 5, force2D: false },
    /** other settings on the same images: case → { image, settings overriding `settings` } */
    variants: VARIANTS,
    cases,
    features,
  };
  writeFileSync(join(OUT, 'baseline.json'), JSON.stringify(golden, null, 1) + '\n');
  console.log(`wrote ${join(OUT, 'baseline.json')}: ${Object.keys(features).map((c) => `${c} ${Object.keys(features[c]).length}`).join(', ')}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
