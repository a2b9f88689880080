/**
 * Extraction benchmark (figures only, no assertions): `npx nx bench @hepatoscope/radiomics` (or `npm run bench`
 * in libs/radiomics).
 *
 * Part 1 compares with PyRadiomics 3.1 on its own case brain1 (4,137-voxel ROI of a 256×256×25 MR, the fixture
 * cropped to the ROI + padDistance 5 as PyRadiomics crops; PyRadiomics on this machine class: 0.4–0.7 s for all
 * original-image features, 4.3–7.8 s with Wavelet (8 sub-bands) + LoG σ 1–5): `pyradiomics-default` settings,
 * cold (first extraction of the process, JIT included) and warm; per class; a 50,000-voxel tumour and a 1.5 M-voxel
 * liver ROI with the same settings; and batch throughput with 1 vs 2 worker processes (as `extract --jobs 2`).
 * Part 2: the IBSI families on the IBSI digital phantom, a ~4,000-voxel ROI in 256×256×25, a ~50,000-voxel
 * tumour, a ~1.5 M-voxel liver ROI in 512×512×120 and a 512×512×600 int16 image (memory stays ∝ the ROI).
 * `tsx src/bench.ts --pyradiomics-only` runs part 1 only; `--cli-cold-only` only the cold `hepatoscope extract` figure
 * (fresh processes: the CLI's bundle vs tsx).
 * Prints CPU seconds (user + system of this process; stable on a loaded machine), wall seconds and ROI
 * voxels/s per family, the whole pipeline, and peak RSS. Each family row includes the pipeline's fixed costs
 * (validation, crop, discretisation).
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { extractFeatures } from './extract/extract';
import { ALL_FAMILIES, PRESETS, type ExtractSettingsInput } from './extract/settings';
import { discretiseFixedBinSize } from './processing/discretise';
import { pyradiomicsTextureFeatures, type PyradiomicsTextureClass } from './texture';
import { loadBrain1 } from './testing/pyradiomics-cases';
import type { Dims3, Image3D, Mask3D, Vec3 } from './types';
import { mulberry32 } from './random';

/** CT-like synthetic volume: smooth background + noise, an ellipsoidal "tumour" ROI. */
function synthetic(dims: Dims3, spacing: Vec3, centre: Vec3, radiiMm: Vec3): { image: Image3D; mask: Mask3D } {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const r = mulberry32(7);
  const data = new Float64Array(n);
  const m = new Uint8Array(n);
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    const dx = ((x - centre[0]) * spacing[0]) / radiiMm[0], dy = ((y - centre[1]) * spacing[1]) / radiiMm[1], dz = ((z - centre[2]) * spacing[2]) / radiiMm[2];
    const inside = dx * dx + dy * dy + dz * dz <= 1;
    data[i] = Math.round((inside ? 60 + 25 * Math.sin(x * 0.3) * Math.cos(y * 0.2) : 110 + 10 * Math.sin(z * 0.4)) + 20 * (r() - 0.5) * 2);
    if (inside) m[i] = 1;
  }
  return { image: { data, dims, spacing }, mask: { data: m, dims, spacing } };
}

let peakRss = 0, peakHeap = 0;
const sample = () => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers); };
const timer = setInterval(sample, 20);

/**
 * Runs f and returns its CPU time (user + system of this process, seconds): on a shared, loaded machine
 * this is far more stable than wall time (which `wall` records too).
 */
let lastWall = 0;
function time<T>(f: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const v = f();
  const c = process.cpuUsage(c0);
  lastWall = Number(process.hrtime.bigint() - t0) / 1e9;
  sample();
  return [v, (c.user + c.system) / 1e6];
}

function run(name: string, image: Image3D, mask: Mask3D, base: ExtractSettingsInput): void {
  let nv = 0;
  for (let i = 0; i < mask.data.length; i++) nv += mask.data[i];
  console.log(`\n${name}: image ${image.dims.join('×')}, ROI ${nv} voxels`);
  const fams = ALL_FAMILIES;
  extractFeatures(image, mask, { ...base, families: ['intensity-statistics'] }); // warm-up (JIT)
  for (const f of fams) {
    const [, s] = time(() => extractFeatures(image, mask, { ...base, families: [f] }));
    console.log(`  ${f.padEnd(22)} ${s.toFixed(3).padStart(8)} s CPU ${lastWall.toFixed(3).padStart(8)} s wall  ${(nv / s / 1e6).toFixed(2).padStart(8)} M voxels/s (CPU)`);
  }
  const [res, s] = time(() => extractFeatures(image, mask, base));
  console.log(`  ${'ALL (one pipeline)'.padEnd(22)} ${s.toFixed(3).padStart(8)} s CPU ${lastWall.toFixed(3).padStart(8)} s wall  ${Object.keys(res.features).length} features`);
}

const PY_ORIGINAL: ExtractSettingsInput = { ...PRESETS['pyradiomics-default'] };
const PY_FILTERS: ExtractSettingsInput = { ...PY_ORIGINAL, imageTypes: { original: true, wavelet: { wavelet: 'coif1', level: 1 }, log: { sigmaMm: [1, 2, 3, 4, 5], implementation: 'pyradiomics' } } };

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (s: number) => `${s.toFixed(3).padStart(7)} s`;

/**
 * cold (first call of the process, JIT included) and warm CPU seconds of one extraction: best and median of `reps`
 * calls made after `warmup` further calls (V8 keeps optimising hot functions on background threads during the first
 * ~10 extractions, which process.cpuUsage counts), with the wall time of the best run.
 */
function coldWarm(image: Image3D, mask: Mask3D, settings: ExtractSettingsInput, reps: number, warmup = 0): { cold: number; best: number; median: number; wall: number; features: number } {
  const [r, cold] = time(() => extractFeatures(image, mask, settings));
  for (let k = 0; k < warmup; k++) extractFeatures(image, mask, settings);
  const runs: [number, number][] = [[cold, lastWall]];
  for (let k = 0; k < reps; k++) { const [, c] = time(() => extractFeatures(image, mask, settings)); runs.push([c, lastWall]); }
  const warm = reps ? runs.slice(1) : runs;
  warm.sort((p, q) => p[0] - q[0]);
  return { cold, best: warm[0][0], median: warm[Math.floor(warm.length / 2)][0], wall: warm[0][1], features: Object.keys(r.features).length };
}

/** Wall seconds for `cases` brain1 extractions (with filters) split over `jobs` child processes, start-up included. */
async function batchWall(jobs: number, cases: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const per = Math.ceil(cases / jobs);
  await Promise.all(Array.from({ length: jobs }, () => new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, 'bench-worker.ts'), String(per)], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`bench worker exited with ${code}`))));
  })));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * Cold single-case CLI figure: `hepatoscope extract` of brain1 (pyradiomics-default) in fresh processes, as a user
 * runs it (apps/cli/bin/hepatoscope.js: the cached bundle with its V8 code cache, the bundle without it, or tsx with
 * HEPATOSCOPE_CLI_TSX=1); medians of `n` runs of
 * the whole command's wall time and of the extraction inside it (HEPATOSCOPE_TIMING). Skipped without the CLI.
 */
async function cliCold(n: number): Promise<void> {
  const bin = join(__dirname, '..', '..', '..', 'apps', 'cli', 'bin', 'hepatoscope.js');
  const { existsSync, mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  if (!existsSync(bin)) return;
  const fx = join(__dirname, '..', 'fixtures', 'pyradiomics');
  const out = mkdtempSync(join(tmpdir(), 'hs-bench-cli-'));
  const once = (env: Record<string, string>) =>
    new Promise<{ wall: number; features: number; cpu: number }>((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const args = [bin, 'extract', '--image', join(fx, 'brain1_image.nii.gz'), '--mask', join(fx, 'brain1_label.nii.gz'), '--label', '1', '--preset', 'pyradiomics-default', '--out', join(out, 'b1.json')];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HEPATOSCOPE_TIMING: '1', ...env } });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code) => {
        const m = /features ([\d.]+) s \(([\d.]+) s CPU\), process [\d.]+ s wall, ([\d.]+) s CPU/.exec(err);
        if (code !== 0 || !m) return reject(new Error(`hepatoscope extract failed (${code}): ${err}`));
        resolve({ wall: Number(process.hrtime.bigint() - t0) / 1e9, features: Number(m[1]), cpu: Number(m[3]) });
      });
    });
  for (const [label, env] of [['bundle + V8 code cache (default)', {}], ['bundle, no code cache (HEPATOSCOPE_CLI_CODE_CACHE=0)', { HEPATOSCOPE_CLI_CODE_CACHE: '0' }], ['tsx (HEPATOSCOPE_CLI_TSX=1)', { HEPATOSCOPE_CLI_TSX: '1' }]] as const) {
    await once(env); // builds the bundle and its code cache / fills tsx's cache; not counted
    const runs: { wall: number; features: number; cpu: number }[] = [];
    for (let k = 0; k < n; k++) runs.push(await once(env));
    const med = (f: (r: (typeof runs)[0]) => number) => median(runs.map(f));
    console.log(`  CLI cold, fresh process per run (hepatoscope extract brain1, ${label}): whole command ${fmt(med((r) => r.wall))} wall, extraction ${fmt(med((r) => r.features))} wall, ${fmt(med((r) => r.cpu))} CPU in the process (medians of ${n}; load ${loadavg()[0].toFixed(1)})`);
  }
  rmSync(out, { recursive: true, force: true });
}

async function pyradiomicsPart(): Promise<void> {
  const { image, mask } = loadBrain1();
  const nv = mask.data.reduce((a, v) => a + v, 0);
  console.log(`PyRadiomics comparison — brain1 (PyRadiomics' own case): ROI ${nv} voxels, crop ${image.dims.join('×')}, preset pyradiomics-default (binWidth 25)`);
  const o = coldWarm(image, mask, PY_ORIGINAL, 20, 12);
  console.log(`  Original, all classes (${o.features} features): cold ${fmt(o.cold)} CPU; warm (20 runs after 12) best ${fmt(o.best)} / median ${fmt(o.median)} CPU (${fmt(o.wall)} wall)  | PyRadiomics 0.4–0.7 s → ${(0.4 / o.best).toFixed(1)}–${(0.7 / o.best).toFixed(1)}× (warm best), ${(0.4 / o.cold).toFixed(1)}–${(0.7 / o.cold).toFixed(1)}× (cold)`);
  for (const fam of ['firstorder', 'shape'] as const) {
    const r = coldWarm(image, mask, { ...PY_ORIGINAL, families: [fam] }, 7);
    console.log(`    ${fam.padEnd(11)} ${fmt(r.best)} CPU  ${(nv / r.best / 1e6).toFixed(2).padStart(6)} M voxels/s (best of 7, incl. pipeline fixed costs)`);
  }
  const disc = discretiseFixedBinSize(image, mask, 25, { lowerBound: 'pyradiomics' });
  for (const cls of ['glcm', 'glrlm', 'glszm', 'gldm', 'ngtdm'] as PyradiomicsTextureClass[]) {
    pyradiomicsTextureFeatures(disc, { classes: [cls] });
    const runs: number[] = [];
    for (let k = 0; k < 7; k++) runs.push(time(() => pyradiomicsTextureFeatures(disc, { classes: [cls] }))[1]);
    const s = Math.min(...runs);
    console.log(`    ${cls.padEnd(11)} ${fmt(s)} CPU  ${(nv / s / 1e6).toFixed(2).padStart(6)} M voxels/s (best of 7, class only; median ${fmt(median(runs))})`);
  }
  const f = coldWarm(image, mask, PY_FILTERS, 6, 4);
  console.log(`  Original + Wavelet (8) + LoG σ 1–5 (${f.features} features): cold ${fmt(f.cold)} CPU; warm (6 runs after 4) best ${fmt(f.best)} / median ${fmt(f.median)} CPU (${fmt(f.wall)} wall)  | PyRadiomics 4.3–7.8 s → ${(4.3 / f.best).toFixed(1)}–${(7.8 / f.best).toFixed(1)}× (warm best), ${(4.3 / f.cold).toFixed(1)}–${(7.8 / f.cold).toFixed(1)}× (cold)`);

  const t = synthetic([160, 160, 60], [0.8, 0.8, 2.5], [80, 80, 30], [31.5, 27, 22.5]);
  const tv = t.mask.data.reduce((a, v) => a + v, 0);
  const to = coldWarm(t.image, t.mask, PY_ORIGINAL, 2);
  console.log(`  ${tv}-voxel tumour in 160×160×60, Original: ${fmt(to.best)} CPU (${(tv / to.best / 1e6).toFixed(2)} M voxels/s)`);
  const tf = coldWarm(t.image, t.mask, PY_FILTERS, 0);
  console.log(`  ${tv}-voxel tumour, Original + Wavelet + LoG σ 1–5: ${fmt(tf.cold)} CPU (${fmt(tf.wall)} wall, ${(14 * tv / tf.cold / 1e6).toFixed(2)} M voxel-images/s)`);
  {
    const liver = synthetic([512, 512, 120], [0.7, 0.7, 2.5], [256, 256, 60], [90, 70, 70]);
    const lv = liver.mask.data.reduce((a, v) => a + v, 0);
    const [, ls] = time(() => extractFeatures(liver.image, liver.mask, PY_ORIGINAL));
    console.log(`  ${lv}-voxel liver ROI in 512×512×120, Original: ${fmt(ls)} CPU (${fmt(lastWall)} wall, ${(lv / ls / 1e6).toFixed(2)} M voxels/s)`);
  }
  await cliCold(5);
  const cases = 4;
  const w1 = await batchWall(1, cases);
  const w2 = await batchWall(2, cases);
  console.log(`  batch of ${cases} brain1 extractions with filters, worker processes (as extract --jobs N), wall incl. start-up: 1 job ${fmt(w1)}, 2 jobs ${fmt(w2)} (speed-up ${(w1 / w2).toFixed(2)}× on ${cpus().length} cores, load ${loadavg()[0].toFixed(1)})`);
}

async function main() {
  if (process.argv.includes('--cli-cold-only')) {
    await cliCold(5);
    clearInterval(timer);
    return;
  }
  await pyradiomicsPart();
  if (process.argv.includes('--pyradiomics-only')) { clearInterval(timer); return; }
  console.log('\nIBSI families');
  const { loadIbsiPhantom } = await import('./testing/ibsi-phantom');
  const ph = loadIbsiPhantom();
  run('IBSI digital phantom (preset ibsi-digital-phantom, all aggregations)', ph.image, ph.mask, { discretisation: { method: 'none' }, texture: { dimensions: ['2D', '2.5D', '3D'] } });

  const a = synthetic([256, 256, 25], [0.7, 0.7, 5], [128, 128, 12], [14, 14, 18]);
  run('~4,000-voxel ROI in 256×256×25 (FBS 25, 3D texture)', a.image, a.mask, { discretisation: { method: 'fbs', binWidth: 25 } });

  const c = synthetic([160, 160, 60], [0.8, 0.8, 2.5], [80, 80, 30], [31.5, 27, 22.5]);
  run('~50,000-voxel tumour in 160×160×60 (FBS 25, 3D texture)', c.image, c.mask, { discretisation: { method: 'fbs', binWidth: 25 } });

  {
    const liver = synthetic([512, 512, 120], [0.7, 0.7, 2.5], [256, 256, 60], [90, 70, 70]);
    let nv = 0;
    for (let i = 0; i < liver.mask.data.length; i++) nv += liver.mask.data[i];
    const [, sl] = time(() => extractFeatures(liver.image, liver.mask, { discretisation: { method: 'fbs', binWidth: 25 } }));
    console.log(`\n~1.5 M-voxel liver ROI (${nv} voxels) in 512×512×120, all families (Moran/Geary on a 10,000-voxel subsample): ${sl.toFixed(3)} s CPU, ${lastWall.toFixed(3)} s wall`);
  }

  const [, s] = time(() => extractFeatures(a.image, a.mask, { resampling: { spacing: [1, 1, 1], interpolator: 'bspline' }, roundIntensities: true, discretisation: { method: 'fbs', binWidth: 25 } }));
  console.log(`\n~4,000-voxel case with 1 mm B-spline resampling + rounding, all families: ${s.toFixed(3)} s CPU, ${lastWall.toFixed(3)} s wall`);
  {
    // a 512×512×600 CT-sized int16 image with a ~50,000-voxel lesion: memory and time stay ∝ the ROI
    const dims: Dims3 = [512, 512, 600];
    const n = dims[0] * dims[1] * dims[2];
    const data = new Int16Array(n);
    const r = mulberry32(3);
    for (let i = 0; i < n; i += 1) data[i] = 40 + ((i * 2654435761) >>> 28);
    const m = new Uint8Array(n);
    let nv = 0;
    for (let z = 280; z < 320; z++) for (let y = 220; y < 290; y++) for (let x = 220; x < 290; x++) {
      if (((x - 255) / 30) ** 2 + ((y - 255) / 30) ** 2 + ((z - 300) / 18) ** 2 <= 1) { m[x + 512 * (y + 512 * z)] = 1; nv++; data[x + 512 * (y + 512 * z)] = 60 + Math.round(30 * r()); }
    }
    const img: Image3D = { data, dims, spacing: [0.7, 0.7, 1] };
    const [, s2] = time(() => extractFeatures(img, { data: m, dims, spacing: [0.7, 0.7, 1] }, { discretisation: { method: 'fbs', binWidth: 25 } }));
    console.log(`512×512×600 int16 image (${(n / 1e6).toFixed(0)} M voxels, ${(data.byteLength / 2 ** 20).toFixed(0)} MiB + mask ${(m.byteLength / 2 ** 20).toFixed(0)} MiB), ${nv}-voxel lesion, all families: ${s2.toFixed(3)} s CPU, ${lastWall.toFixed(3)} s wall; process peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  }
  clearInterval(timer);
  console.log(`\npeak RSS ${(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(0)} MiB, peak heap + array buffers ${(peakHeap / 2 ** 20).toFixed(0)} MiB (node ${process.version}, single thread; load average at the end ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
}

void main();
