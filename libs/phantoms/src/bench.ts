/**
 * Phantom generation benchmark (prints figures; never asserted in tests):
 *   npm run bench -w @hepatoscope/phantoms
 * Times generatePhantom for the default grid (128×128×48, 1 and 2 timepoints) and a CT-sized grid
 * (512×512×100 @ 0.75×0.75×2 mm).
 */
import { generatePhantom } from './generate';

function run(label: string, f: () => unknown) {
  const t0 = performance.now();
  f();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
}

console.log(`# phantom bench (node ${process.version})`);
run('128×128×48, 3 lesions, 1 timepoint (4 phases + 2 masks)', () => generatePhantom({ seed: 1, lesions: 3 }));
run('128×128×48, 3 lesions, 2 timepoints', () => generatePhantom({ seed: 1, lesions: 3, timepoints: 2 }));
if (!process.argv.includes('--skip-ct')) {
  run('512×512×100 @ 0.75×0.75×2 mm, 3 lesions, 1 timepoint', () =>
    generatePhantom({ seed: 1, lesions: 3, dims: [512, 512, 100], spacing: [0.75, 0.75, 2] }),
  );
}

/**
 * Learnability check: simple hand-made image features of HCC lesions against their latent labels
 * (AUC by the Mann–Whitney statistic). Single signs should be informative but imperfect (≈ 0.7–0.85),
 * leaving room for a multivariable radiomics model.
 */
function auc(scores: number[], labels: boolean[]): number {
  let s = 0, np = 0;
  for (let i = 0; i < scores.length; i++)
    for (let j = 0; j < scores.length; j++)
      if (labels[i] && !labels[j]) {
        np++;
        s += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
  return s / np;
}

/** 2-D box dilation by r voxels in x and y (slice-wise). */
function dilateXY(m: Uint8Array, nx: number, ny: number, nz: number, r: number): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!m[i + nx * (j + ny * k)]) continue;
        for (let b = Math.max(0, j - r); b <= Math.min(ny - 1, j + r); b++)
          for (let a = Math.max(0, i - r); a <= Math.min(nx - 1, i + r); a++) out[a + nx * (b + ny * k)] = 1;
      }
  return out;
}

if (!process.argv.includes('--skip-auc')) {
  const t0 = performance.now();
  const rows: { mvi: boolean; peri: number; irr: number; het: number; art: number; resp: boolean }[] = [];
  for (let seed = 3000; seed < 3030; seed++) {
    const tp = generatePhantom({ seed, lesions: 3, lesionTypes: ['HCC'], dims: [96, 96, 36], spacing: [2, 2, 4] }).timepoints[0];
    const [nx, ny, nz] = tp.lesionMask.dims;
    const art = tp.phases.ARTERIAL.data;
    let ls = 0, lc = 0;
    for (let i = 0; i < art.length; i++) if (tp.liverMask.data[i] && !tp.lesionMask.data[i]) { ls += art[i]; lc++; }
    const liverMean = ls / lc;
    for (const l of tp.lesions) {
      const m = tp.lesionMask.data.map((v) => (v === l.label ? 1 : 0));
      const ring = dilateXY(m, nx, ny, nz, 3);
      let ps = 0, pc = 0, is = 0, is2 = 0, ic = 0, surf = 0;
      for (let i = 0; i < m.length; i++) {
        if (ring[i] && !m[i] && tp.liverMask.data[i] && !tp.lesionMask.data[i]) { ps += art[i]; pc++; }
        if (!m[i]) continue;
        is += art[i];
        is2 += art[i] ** 2;
        ic++;
        const x = i % nx;
        if (x > 0 && !m[i - 1]) surf++;
        if (x < nx - 1 && !m[i + 1]) surf++;
        if (!m[i - nx]) surf++;
        if (!m[i + nx]) surf++;
      }
      const mean = is / ic;
      rows.push({ mvi: !!l.mvi, peri: ps / pc - liverMean, irr: surf / Math.pow(ic, 2 / 3), het: Math.sqrt(is2 / ic - mean * mean), art: mean - liverMean, resp: l.response === 'CR' || l.response === 'PR' });
    }
  }
  const mvi = rows.map((r) => r.mvi);
  const resp = rows.map((r) => r.resp);
  console.log(`\nlearnability (${rows.length} HCC in 30 phantoms 96×96×36 @ 2×2×4 mm, ${((performance.now() - t0) / 1000).toFixed(0)} s):`);
  console.log(`  MVI (${mvi.filter(Boolean).length} positive): AUC peritumoural arterial enhancement ${auc(rows.map((r) => r.peri), mvi).toFixed(3)}, ` +
    `surface irregularity ${auc(rows.map((r) => r.irr), mvi).toFixed(3)}, arterial heterogeneity ${auc(rows.map((r) => r.het), mvi).toFixed(3)}`);
  console.log(`  response CR/PR (${resp.filter(Boolean).length} positive): AUC arterial enhancement ${auc(rows.map((r) => r.art), resp).toFixed(3)}`);
}
