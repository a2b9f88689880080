/**
 * Texture benchmark: prints the time of each family (all aggregations) on a 128³ volume with 32
 * grey levels. Run: `npx tsx src/texture/bench.ts` (from libs/radiomics). Figures only, no asserts.
 * Wall time and user CPU time are both printed: on a shared machine the CPU time is the steadier figure.
 */
import type { DiscretisedImage } from '../types';
import { computeTextureFeatures } from './compute';
import { TEXTURE_FAMILIES } from './types';
import { mulberry32 } from '../random';

/** 128³, 32 levels: `noise` is i.i.d. (worst case: tiny zones and runs); `smooth` is box-blurred noise. */
function volume(kind: 'noise' | 'smooth', roi: 'full' | 'sphere'): DiscretisedImage {
  const n = 128;
  const ng = 32;
  const r = mulberry32(42);
  let v = new Float64Array(n * n * n);
  for (let k = 0; k < v.length; k++) v[k] = r();
  if (kind === 'smooth') {
    for (let axis = 0; axis < 3; axis++) {
      const s = axis === 0 ? 1 : axis === 1 ? n : n * n;
      const w = new Float64Array(v.length);
      for (let k = 0; k < v.length; k++) {
        const c = axis === 0 ? k % n : axis === 1 ? ((k / n) | 0) % n : (k / (n * n)) | 0;
        let a = 0;
        let m = 0;
        for (let d = -3; d <= 3; d++) if (c + d >= 0 && c + d < n) { a += v[k + d * s]; m++; }
        w[k] = a / m;
      }
      v = w;
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
  const levels = new Int32Array(v.length);
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const k = x + n * (y + n * z);
        const inside = roi === 'full' || (x - 63.5) ** 2 + (y - 63.5) ** 2 + (z - 63.5) ** 2 <= 60 ** 2;
        if (inside) levels[k] = Math.min(ng, 1 + Math.floor(((v[k] - lo) / (hi - lo)) * ng));
      }
  return { levels, dims: [n, n, n], spacing: [1, 1, 1], ng };
}

for (const kind of ['smooth', 'noise'] as const)
  for (const roi of ['full', 'sphere'] as const) {
    const img = volume(kind, roi);
    const nRoi = img.levels.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
    const parts: string[] = [];
    let sum = 0;
    for (const f of TEXTURE_FAMILIES) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const out = computeTextureFeatures(img, { families: [f] });
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(c0).user / 1000;
      sum += ms;
      parts.push(`${f} ${ms.toFixed(0)} ms wall / ${cpu.toFixed(0)} ms CPU (${Object.keys(out).length} features)`);
    }
    console.log(`128³ ${kind} ${roi} ROI, ${nRoi} voxels, 32 levels, 2D+2.5D+3D: total ${(sum / 1000).toFixed(2)} s = ${((nRoi / sum) * 1000 / 1e6).toFixed(2)} M voxels/s`);
    console.log(`  ${parts.join('; ')}`);
  }
console.log(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
{
  const img = volume('smooth', 'sphere');
  const t0 = performance.now();
  const out = computeTextureFeatures(img);
  console.log(`all six families at once, 128³ smooth sphere: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${Object.keys(out).length} features`);
}
{
  // many grey levels (e.g. undiscretised CT): costs must follow occupied cells, not Ng²
  const [nx, ny, nz] = [48, 48, 30];
  const ng = 2000;
  const levels = new Int32Array(nx * ny * nz);
  const r = mulberry32(7);
  for (let k = 0; k < levels.length; k++) levels[k] = 1 + Math.floor(r() * ng);
  const img: DiscretisedImage = { levels, dims: [nx, ny, nz], spacing: [1, 1, 1], ng };
  const parts: string[] = [];
  for (const f of TEXTURE_FAMILIES) {
    const c0 = process.cpuUsage();
    computeTextureFeatures(img, { families: [f] });
    parts.push(`${f} ${(process.cpuUsage(c0).user / 1000).toFixed(0)} ms CPU`);
  }
  console.log(`48×48×30 ROI, ${ng} grey levels, all aggregations: ${parts.join('; ')}`);
}
