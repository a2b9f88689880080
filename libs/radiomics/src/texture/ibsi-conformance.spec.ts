/**
 * IBSI 1 digital phantom conformance of every texture row of reference-values.csv (GLCM, GLRLM,
 * GLSZM, GLDZM, NGTDM, NGLDM; every aggregation). Prints a per-family pass table.
 */
import { computeTextureFeatures, TEXTURE_FEATURES } from './index';
import type { TextureFamily } from './types';
import { loadPhantom, loadReferenceRows, matchesReference } from './ibsi-phantom.fixture';

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
