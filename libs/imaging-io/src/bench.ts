/**
 * imaging-io benchmarks (prints figures; never asserted in tests):
 *   npm run bench -w @hepatoscope/imaging-io            (or: cd libs/imaging-io && npx tsx src/bench.ts)
 * 1. write/read of a CT-sized volume (default 512×512×100 int16) as .nii, .nii.gz, .nrrd (gzip and raw)
 *    and as a DICOM series (one file per slice);
 * 2. classical segmentation and region growing on held-out phantom seeds (default 1001–1005; the
 *    tumour thresholds were tuned on seeds 2001–2004): Dice of liver and tumour, time per volume;
 * 3. classical segmentation time on a CT-sized phantom.
 * Options: --dims 512,512,100  --seeds 1001,1002,…  --skip-io  --skip-eval  --skip-ct
 * (bench-only import of @hepatoscope/phantoms: the library itself does not depend on it)
 */
import { mkdtempSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generatePhantom } from '@hepatoscope/phantoms';
import { readVolume, writeDicomSeries, writeVolume } from './io';
import { anisotropicDiffusion, dice, regionGrow, regionGrowMultiPhase, segmentLiverClassical } from './segment';
import { createVolume } from './volume';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const has = (name: string) => process.argv.includes(`--${name}`);
const dims = (arg('dims') ?? '512,512,100').split(',').map(Number) as [number, number, number];
const seeds = (arg('seeds') ?? '1001,1002,1003,1004,1005').split(',').map(Number);

async function time<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}
const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
const dirSize = (d: string) => readdirSync(d).reduce((a, f) => a + statSync(path.join(d, f)).size, 0);

async function ioBench() {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  // a CT-like volume: smooth structure plus noise, so gzip sees realistic entropy
  const data = new Int16Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const x = i % nx, y = Math.floor(i / nx) % ny;
    const r = Math.hypot(x - nx / 2, y - ny / 2) / (nx / 2);
    data[i] = (r < 0.9 ? 60 : -1000) + ((s >> 8) % 25) - 12;
  }
  const vol = createVolume({ data, dims, spacing: [0.75, 0.75, 2], metadata: { modality: 'CT' } });
  const dir = mkdtempSync(path.join(tmpdir(), 'hs-bench-'));
  console.log(`\n## I/O: ${dims.join('×')} int16 (${mb(n * 2)} MiB raw)`);
  console.log('| format | write ms | read ms | size MiB |\n| --- | ---: | ---: | ---: |');
  try {
    for (const f of ['v.nii', 'v.nii.gz', 'v.nrrd']) {
      const p = path.join(dir, f);
      const [, w] = await time(() => writeVolume(p, vol));
      const [, r] = await time(() => readVolume(p));
      console.log(`| ${f}${f.endsWith('.nrrd') ? ' (gzip)' : ''} | ${w.toFixed(0)} | ${r.toFixed(0)} | ${mb(statSync(p).size)} |`);
    }
    const raw = path.join(dir, 'raw.nrrd');
    const [, w] = await time(() => writeVolume(raw, vol, { nrrdEncoding: 'raw' }));
    const [, r] = await time(() => readVolume(raw));
    console.log(`| v.nrrd (raw) | ${w.toFixed(0)} | ${r.toFixed(0)} | ${mb(statSync(raw).size)} |`);
    const dd = path.join(dir, 'dicom');
    const [, wd] = await time(() => writeDicomSeries(dd, vol));
    const [back, rd] = await time(() => readVolume(dd));
    if (back.dims[2] !== nz) throw new Error('DICOM round trip lost slices');
    console.log(`| DICOM series (${nz} files) | ${wd.toFixed(0)} | ${rd.toFixed(0)} | ${mb(dirSize(dd))} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function evalBench() {
  console.log(`\n## Segmentation on held-out phantom seeds ${seeds.join(', ')} (128×128×48 @ 1.5×1.5×3 mm, PV phase)`);
  console.log('| seed | lesions | classical liver Dice | classical tumour Dice | classical ms | click liver Dice | click lesion Dice: one phase → four phases (type) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | --- |');
  const bestPhase = { HCC: 'ARTERIAL', HAEMANGIOMA: 'DELAYED', CYST: 'PORTAL_VENOUS', METASTASIS: 'PORTAL_VENOUS' } as const;
  const sums = { liver: 0, tumour: 0, click: 0, lesion: [] as number[], multi: [] as number[], ms: 0 };
  for (const seed of seeds) {
    const tp = generatePhantom({ seed, lesions: 3 }).timepoints[0];
    const pv = tp.phases.PORTAL_VENOUS;
    const [r, ms] = await time(() => segmentLiverClassical(pv));
    const dl = dice(r.labels.map((v) => (v ? 1 : 0)), tp.liverMask.data);
    const dt = dice(r.labels.map((v) => (v === 2 ? 1 : 0)), tp.lesionMask.data.map((v) => (v ? 1 : 0)));
    // a "click" on the liver: the parenchyma voxel nearest the liver centroid whose smoothed value is
    // closest to the estimated liver mode (what a user clicking on homogeneous parenchyma does)
    const [nx, ny] = pv.dims;
    const sm = anisotropicDiffusion(pv.data, pv.dims, pv.spacing, { iterations: 3 });
    let sx = 0, sy = 0, sz = 0, c = 0;
    for (let i = 0; i < tp.liverMask.data.length; i++) {
      if (!tp.liverMask.data[i] || tp.lesionMask.data[i]) continue;
      sx += i % nx;
      sy += Math.floor(i / nx) % ny;
      sz += Math.floor(i / (nx * ny));
      c++;
    }
    const cc = [Math.round(sx / c), Math.round(sy / c), Math.round(sz / c)];
    let click: [number, number, number] = [cc[0], cc[1], cc[2]];
    let bd = Infinity;
    for (let k = cc[2] - 2; k <= cc[2] + 2; k++)
      for (let j = cc[1] - 4; j <= cc[1] + 4; j++)
        for (let i = cc[0] - 4; i <= cc[0] + 4; i++) {
          const q = i + nx * (j + ny * k);
          if (!tp.liverMask.data[q] || tp.lesionMask.data[q]) continue;
          const d = Math.abs(sm[q] - r.liverMode);
          if (d < bd) {
            bd = d;
            click = [i, j, k];
          }
        }
    const dc = dice(regionGrow(pv, click).mask, tp.liverMask.data);
    // a "click" on a lesion, in the phase where its type is most conspicuous: the lesion voxel within half
    // a radius of its centre whose smoothed value is closest to the lesion's median (not a necrotic or
    // unfilled core)
    const lesionDice = tp.lesions.map((l) => {
      const img = tp.phases[bestPhase[l.type]];
      const smi = anisotropicDiffusion(img.data, img.dims, img.spacing, { iterations: 3 });
      const ctr = l.centerMm.map((v, a) => (v - pv.origin[a]) / pv.spacing[a]);
      const inside: number[] = [];
      for (let i = 0; i < tp.lesionMask.data.length; i++) if (tp.lesionMask.data[i] === l.label) inside.push(i);
      const med = inside.map((i) => smi[i]).sort((a, b) => a - b)[inside.length >> 1];
      let p: [number, number, number] = ctr.map(Math.round) as [number, number, number];
      let best = Infinity;
      for (const i of inside) {
        const q = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
        const dmm = Math.hypot(...q.map((x, a) => (x - ctr[a]) * pv.spacing[a]));
        if (dmm > l.nominalDiameterMm / 4) continue;
        const score = Math.abs(smi[i] - med) + 0.5 * dmm;
        if (score < best) {
          best = score;
          p = q as [number, number, number];
        }
      }
      const d = dice(regionGrow(img, p, { multiplier: 2, maxRadiusMm: l.nominalDiameterMm }).mask, tp.lesionMask.data, 1, l.label);
      sums.lesion.push(d);
      // the same click on all four phases (multi-phase region growing)
      const all = (['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'] as const).map((k) => tp.phases[k]);
      const dm = dice(regionGrowMultiPhase(all, p, { maxRadiusMm: l.nominalDiameterMm }).mask, tp.lesionMask.data, 1, l.label);
      sums.multi.push(dm);
      return `${d.toFixed(2)} → ${dm.toFixed(2)} (${l.type})`;
    });
    sums.liver += dl;
    sums.tumour += dt;
    sums.click += dc;
    sums.ms += ms;
    console.log(`| ${seed} | ${tp.lesions.map((l) => `${l.type} ${l.diameterMm} mm`).join(', ')} | ${dl.toFixed(3)} | ${dt.toFixed(3)} | ${ms.toFixed(0)} | ${dc.toFixed(3)} | ${lesionDice.join(', ')} |`);
  }
  const k = seeds.length;
  const lm = sums.lesion.reduce((a, b) => a + b, 0) / sums.lesion.length;
  const mm = sums.multi.reduce((a, b) => a + b, 0) / sums.multi.length;
  console.log(`| mean | | ${(sums.liver / k).toFixed(3)} | ${(sums.tumour / k).toFixed(3)} | ${(sums.ms / k).toFixed(0)} | ${(sums.click / k).toFixed(3)} | ${lm.toFixed(3)} → ${mm.toFixed(3)} |`);
}

async function ctBench() {
  console.log(`\n## CT-sized phantom ${dims.join('×')} @ 0.75×0.75×2 mm`);
  const [ph, g] = await time(() => generatePhantom({ seed: 1001, lesions: 3, dims, spacing: [0.75, 0.75, 2] }));
  const tp = ph.timepoints[0];
  const [r, s] = await time(() => segmentLiverClassical(tp.phases.PORTAL_VENOUS));
  const dl = dice(r.labels.map((v) => (v ? 1 : 0)), tp.liverMask.data);
  const dt = dice(r.labels.map((v) => (v === 2 ? 1 : 0)), tp.lesionMask.data.map((v) => (v ? 1 : 0)));
  console.log(`phantom generation (4 phases + masks): ${(g / 1000).toFixed(1)} s; classical segmentation: ${(s / 1000).toFixed(1)} s ` +
    `(${Object.entries(r.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}); liver Dice ${dl.toFixed(3)}, tumour Dice ${dt.toFixed(3)}`);
}

(async () => {
  console.log(`# imaging-io bench (node ${process.version}, ${new Date().toISOString()})`);
  if (!has('skip-io')) await ioBench();
  if (!has('skip-eval')) await evalBench();
  if (!has('skip-ct')) await ctBench();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
