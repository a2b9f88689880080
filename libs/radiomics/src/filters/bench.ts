/**
 * Filter benchmark: prints the time of each IBSI 2 filter / PyRadiomics image type on a 128³
 * float volume (single thread). Run: `npx tsx src/filters/bench.ts` from libs/radiomics.
 */
import type { Image3D } from '../types';
import {
  gaborFilter,
  gradientImage,
  lawsFilter,
  lbp2DImage,
  lbp3DImage,
  logFilter,
  meanFilter,
  pyradiomicsWavelet,
  recursiveLogFilter,
  squareImage,
  waveletFilter,
} from './index';

const n = 128;
const data = new Float64Array(n * n * n);
let s = 12345;
for (let k = 0; k < data.length; k++) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  data[k] = (s >>> 8) % 400 - 100;
}
const img: Image3D = { data, dims: [n, n, n], spacing: [1, 1, 1] };
const mask = new Uint8Array(data.length);
for (let z = 0; z < n; z++)
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) if ((x - 63.5) ** 2 + (y - 63.5) ** 2 + (z - 63.5) ** 2 <= 20 ** 2) mask[x + n * (y + n * z)] = 1;
const roi = mask.reduce((a, v) => a + v, 0);

function time(label: string, f: () => unknown): void {
  const t0 = performance.now();
  f();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(58)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${((data.length / ms) * 1000 / 1e6).toFixed(1).padStart(6)} M voxels/s`);
}

console.log(`filters on a 128³ volume (${data.length} voxels), 1 thread`);
time('mean 3D, support 15, mirror', () => meanFilter(img, { support: 15 }));
time('LoG 3D (SciPy-style), σ = 3 mm', () => logFilter(img, { sigmaMm: 3 }));
time('LoG (PyRadiomics / ITK recursive), σ = 3 mm', () => recursiveLogFilter(img, 3));
time('Laws E5L5S5, 3D', () => lawsFilter(img, { kernels: 'E5L5S5' }));
time('Laws E5L5S5, 3D, 24 rotations, max pooling, energy δ = 7', () => lawsFilter(img, { kernels: 'E5L5S5', rotationInvariant: true, energyDistance: 7 }));
time('Gabor, σ = 5 mm, λ = 4 mm, γ = 1, 1 orientation, axial', () => gaborFilter(img, { sigmaMm: 5, lambdaMm: 4, gamma: 1, theta: 0 }));
time('wavelet coif1 LLH level 1 (undecimated)', () => waveletFilter(img, { wavelet: 'coif1', subband: 'LLH' }));
time('wavelet coif1 HHH level 2, rotation invariant (24)', () => waveletFilter(img, { wavelet: 'coif1', subband: 'HHH', level: 2, rotationInvariant: true }));
time('PyRadiomics Wavelet coif1: 8 sub-bands', () => pyradiomicsWavelet(img));
time('PyRadiomics Square', () => squareImage(img));
time('PyRadiomics Gradient', () => gradientImage(img));
time('PyRadiomics LBP2D (R 1, P 8)', () => lbp2DImage(img));
time(`PyRadiomics LBP3D (${roi}-voxel sphere ROI)`, () => lbp3DImage(img, mask));
console.log(`peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
