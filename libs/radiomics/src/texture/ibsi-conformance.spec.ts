/**
 * IBSI 1 digital phantom conformance of every texture row of reference-values.csv (GLCM, GLRLM,
 * GLSZM, GLDZM, NGTDM, NGLDM; every aggregation). Prints a per-family pass table.
 */
import { computeTextureFeatures, TEXTURE_FEATURES } from './index';
import type { TextureFamily } from './types';
import { FIXTURES, loadPhantom, loadReferenceRows, matchesReference } from './ibsi-phantom.fixture';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

/** Minimal NIfTI-1 int16 reader (the phantom files), voxels x fastest. */
function readInt16Nifti(path: string): { dims: number[]; data: Int16Array } {
  const b = gunzipSync(readFileSync(path));
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getInt32(0, true) !== 348 || dv.getInt16(70, true) !== 4) throw new Error(`${path}: not a little-endian int16 NIfTI-1 file`);
  const dims = [dv.getInt16(42, true), dv.getInt16(44, true), dv.getInt16(46, true)];
  const off = dv.getFloat32(108, true);
  const n = dims[0] * dims[1] * dims[2];
  const data = new Int16Array(n);
  for (let k = 0; k < n; k++) data[k] = dv.getInt16(off + 2 * k, true);
  return { dims, data };
}

const FAMILY: Record<string, TextureFamily> = {
  'grey level co-occurrence matrix': 'glcm',
  'grey level run length matrix': 'glrlm',
  'grey level size zone matrix': 'glszm',
  'grey level distance zone matrix': 'gldzm',
  'neighbourhood grey tone difference matrix': 'ngtdm',
  'neighbouring grey level dependence matrix': 'ngldm',
};
const AGGREGATION: Record<string, string> = {
  '2D, averaged': '2D_avg',
  '2D, slice-merged': '2D_smrg',
  '2.5D, direction-merged': '2.5D_dmrg',
  '2.5D, merged': '2.5D_vmrg',
  '3D, averaged': '3D_avg',
  '3D, merged': '3D_vmrg',
  '2D': '2D',
  '2.5D': '2.5D',
  '3D': '3D',
};

describe('IBSI 1 digital phantom: texture conformance', () => {
  const rows = loadReferenceRows().filter((r) => r.family in FAMILY);
  const features = computeTextureFeatures(loadPhantom());

  it('the phantom grid used (phantom-grid.json) equals the published NIfTI image and mask', () => {
    const dir = join(FIXTURES, 'ibsi_1_digital_phantom', 'nifti');
    const image = readInt16Nifti(join(dir, 'image', 'phantom.nii.gz'));
    const mask = readInt16Nifti(join(dir, 'mask', 'mask.nii.gz'));
    const ph = loadPhantom();
    expect(image.dims).toEqual([...ph.dims]);
    expect(Array.from(ph.levels)).toEqual(Array.from(image.data, (v, k) => (mask.data[k] ? v : 0)));
    expect(ph.levels.reduce((a, v) => a + (v > 0 ? 1 : 0), 0)).toBe(74);
  });

  it('covers all 408 texture rows of the reference table', () => {
    expect(rows.length).toBe(150 + 96 + 48 + 48 + 15 + 51);
  });

  it('matches every texture reference value', () => {
    const table: Record<string, { matched: number; total: number }> = {};
    const failures: string[] = [];
    for (const r of rows) {
      const fam = FAMILY[r.family];
      const desc = TEXTURE_FEATURES[fam].find((d) => d.name.toLowerCase() === r.feature.toLowerCase());
      if (!desc) throw new Error(`no ${fam} feature named "${r.feature}"`);
      if (r.ibsiCode) expect(desc.ibsiCode).toBe(r.ibsiCode);
      const key = `${fam}_${desc.key}_${AGGREGATION[r.aggregation]}`;
      const x = features[key];
      const t = (table[fam] ??= { matched: 0, total: 0 });
      t.total++;
      if (matchesReference(x, r.value, r.tolerance)) t.matched++;
      else failures.push(`${key} (${r.feature}, ${r.aggregation}): got ${x}, reference ${r.value}`);
    }
    const lines = Object.entries(table).map(([f, t]) => `${f.padEnd(6)} ${String(t.matched).padStart(3)}/${t.total}`);
    console.log(`IBSI 1 digital phantom, texture families (matched/total):\n${lines.join('\n')}\nfailures:\n${failures.join('\n')}`);
    expect(failures).toEqual([]);
  });
});
