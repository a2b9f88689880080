/**
 * Extraction benchmark (figures only, no assertions): `npm run bench` in libs/radiomics.
 *
 * Cases: the IBSI digital phantom; a ~1.5 M-voxel liver ROI in 512×512×120; a 512×512×600 image; a 128³ synthetic volume with a sphere ROI (r = 30 voxels, ~113,000
 * voxels); a ~4,000-voxel ROI in a 256×256×25 image (0.7×0.7×5 mm; PyRadiomics 3.1 takes ~0.7 s for all
 * original-image features of such a case on this machine class, per the issue); a ~50,000-voxel tumour.
 * Prints CPU seconds (user + system of this process; stable on a loaded machine), wall seconds and ROI
 * voxels/s per family, the whole pipeline, and peak RSS. Each family row includes the pipeline's fixed costs
 * (validation, crop, discretisation).
 */
import { cpus, loadavg } from 'node:os';
import { extractFeatures } from './extract/extract';
import { ALL_FAMILIES, type ExtractSettingsInput } from './extract/settings';
import type { Dims3, Image3D, Mask3D, Vec3 } from './types';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CT-like synthetic volume: smooth background + noise, an ellipsoidal "tumour" ROI. */
function synthetic(dims: Dims3, spacing: Vec3, centre: Vec3, radiiMm: Vec3): { image: Image3D; mask: Mask3D } {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const r = rng(7);
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

let peakRss = 0;
const sample = () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); };
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

async function main() {
  const { loadIbsiPhantom } = await import('./testing/ibsi-phantom');
  const ph = loadIbsiPhantom();
  run('IBSI digital phantom (preset ibsi-digital-phantom, all aggregations)', ph.image, ph.mask, { discretisation: { method: 'none' }, texture: { dimensions: ['2D', '2.5D', '3D'] } });

  const a = synthetic([256, 256, 25], [0.7, 0.7, 5], [128, 128, 12], [14, 14, 18]);
  run('~4,000-voxel ROI in 256×256×25 (FBS 25, 3D texture)', a.image, a.mask, { discretisation: { method: 'fbs', binWidth: 25 } });

  const b = synthetic([128, 128, 128], [1, 1, 1], [64, 64, 64], [30, 30, 30]);
  run('128³ volume, sphere ROI r = 30 mm (FBS 25, 3D texture)', b.image, b.mask, { discretisation: { method: 'fbs', binWidth: 25 } });

  const c = synthetic([160, 160, 60], [0.8, 0.8, 2.5], [80, 80, 30], [28, 24, 20]);
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
    const r = rng(3);
    for (let i = 0; i < n; i += 1) data[i] = 40 + ((i * 2654435761) >>> 28);
    const m = new Uint8Array(n);
    let nv = 0;
    for (let z = 280; z < 320; z++) for (let y = 220; y < 290; y++) for (let x = 220; x < 290; x++) {
      if (((x - 255) / 30) ** 2 + ((y - 255) / 30) ** 2 + ((z - 300) / 18) ** 2 <= 1) { m[x + 512 * (y + 512 * z)] = 1; nv++; data[x + 512 * (y + 512 * z)] = 60 + Math.round(30 * r()); }
    }
    const img: Image3D = { data, dims, spacing: [0.7, 0.7, 1] };
    const [, s2] = time(() => extractFeatures(img, { data: m, dims, spacing: [0.7, 0.7, 1] }, { discretisation: { method: 'fbs', binWidth: 25 } }));
    console.log(`512×512×600 int16 image (${(n / 1e6).toFixed(0)} M voxels), ${nv}-voxel lesion, all families: ${s2.toFixed(3)} s CPU, ${lastWall.toFixed(3)} s wall`);
  }
  clearInterval(timer);
  console.log(`\npeak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (node ${process.version}, single thread; load average at the end ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
}

void main();
