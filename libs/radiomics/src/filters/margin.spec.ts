/** Cropping with filterMarginVoxels leaves the response inside the ROI unchanged. */
import type { Image3D } from '../types';
import {
  filterMarginVoxels,
  gaborFilter,
  gradientImage,
  lawsFilter,
  lbp2DImage,
  lbp3DImage,
  logFilter,
  meanFilter,
  pyradiomicsWavelet,
  recursiveLogFilter,
  squareRootImage,
  waveletFilter,
  type FilterSpec,
  type ResponseMap,
} from './index';

const N: [number, number, number] = [41, 40, 39];
const data = new Float64Array(N[0] * N[1] * N[2]);
let seed = 99;
for (let k = 0; k < data.length; k++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  data[k] = ((seed >>> 8) % 200) - 60;
}
const full: Image3D = { data, dims: N, spacing: [1, 1, 1] };
// ROI: a small box in the middle
const lo = [18, 18, 18];
const hi = [22, 21, 21];

function crop(img: Image3D, m: number[]): { img: Image3D; off: number[] } {
  const off = lo.map((l, a) => Math.max(0, l - m[a]));
  const end = hi.map((h, a) => Math.min(N[a] - 1, h + m[a]));
  const d: [number, number, number] = [end[0] - off[0] + 1, end[1] - off[1] + 1, end[2] - off[2] + 1];
  const out = new Float64Array(d[0] * d[1] * d[2]);
  for (let z = 0; z < d[2]; z++)
    for (let y = 0; y < d[1]; y++)
      for (let x = 0; x < d[0]; x++) out[x + d[0] * (y + d[1] * z)] = img.data[x + off[0] + N[0] * (y + off[1] + N[1] * (z + off[2]))] as number;
  return { img: { data: out, dims: d, spacing: img.spacing }, off };
}

function maxRoiDiff(a: ResponseMap, b: ResponseMap, off: number[]): { diff: number; range: number } {
  let diff = 0;
  let mn = Infinity;
  let mx = -Infinity;
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++)
      for (let x = lo[0]; x <= hi[0]; x++) {
        const u = a.data[x + N[0] * (y + N[1] * z)];
        const [cx, cy, cz] = [x - off[0], y - off[1], z - off[2]];
        const v = b.data[cx + b.dims[0] * (cy + b.dims[1] * cz)];
        diff = Math.max(diff, Math.abs(u - v));
        mn = Math.min(mn, u);
        mx = Math.max(mx, u);
      }
  return { diff, range: mx - mn };
}

const mask = (img: Image3D, off: number[]) => {
  const m = new Uint8Array(img.data.length);
  for (let z = lo[2]; z <= hi[2]; z++)
    for (let y = lo[1]; y <= hi[1]; y++)
      for (let x = lo[0]; x <= hi[0]; x++) m[x - off[0] + img.dims[0] * (y - off[1] + img.dims[1] * (z - off[2]))] = 1;
  return m;
};

const cases: [string, FilterSpec, (img: Image3D, off: number[]) => ResponseMap, number][] = [
  ['mean', { type: 'mean', support: 7 }, (i) => meanFilter(i, { support: 7, boundary: 'zero' }), 1e-12],
  ['log', { type: 'log', sigmaMm: 1.2 }, (i) => logFilter(i, { sigmaMm: 1.2, boundary: 'periodic' }), 1e-12],
  ['laws', { type: 'laws', kernels: 'E5L3S5', rotationInvariant: true, energyDistance: 2 }, (i) => lawsFilter(i, { kernels: 'E5L3S5', rotationInvariant: true, energyDistance: 2, boundary: 'nearest' }), 1e-12],
  ['gabor', { type: 'gabor', sigmaMm: 1.5, gamma: 0.8 }, (i) => gaborFilter(i, { sigmaMm: 1.5, lambdaMm: 3, gamma: 0.8, theta: 0.3, boundary: 'zero' }), 1e-9],
  ['wavelet', { type: 'wavelet', wavelet: 'db2', level: 2, rotationInvariant: true }, (i) => waveletFilter(i, { wavelet: 'db2', subband: 'HLH', level: 2, rotationInvariant: true, boundary: 'periodic' }), 1e-12],
  ['pyradiomicsWavelet', { type: 'pyradiomicsWavelet', level: 2 }, (i) => pyradiomicsWavelet(i, { level: 2 }).levels[1].LHH, 1e-12],
  ['recursiveLog', { type: 'recursiveLog', sigmaMm: 1 }, (i) => recursiveLogFilter(i, 1, { float32Intermediates: false }), 1e-6],
  ['gradient', { type: 'gradient' }, (i) => gradientImage(i), 1e-12],
  ['lbp2D', { type: 'lbp2D', radius: 2 }, (i) => lbp2DImage(i, { radius: 2, samples: 12 }), 0],
  ['lbp3D', { type: 'lbp3D' }, (i, off) => lbp3DImage(i, mask(i, off)).kurtosis, 1e-4],
];

describe('filterMarginVoxels: cropping with the margin keeps the ROI response', () => {
  it.each(cases)('%s', (_n, spec, run, relTol) => {
    const m = filterMarginVoxels(spec, full.spacing);
    const c = crop(full, m);
    const { diff, range } = maxRoiDiff(run(full, [0, 0, 0]), run(c.img, c.off), c.off);
    expect(diff).toBeLessThanOrEqual(relTol * Math.max(1, range));
  });

  it('a margin one voxel short changes the response (the check is sensitive)', () => {
    const m = filterMarginVoxels({ type: 'mean', support: 7 }, full.spacing).map((v) => v - 1);
    const c = crop(full, m);
    const run = (i: Image3D) => meanFilter(i, { support: 7, boundary: 'zero' });
    expect(maxRoiDiff(run(full), run(c.img), c.off).diff).toBeGreaterThan(1e-6);
  });

  it('the intensity transforms keep PyRadiomics values on a crop when given the full image max |x|', () => {
    let m = 0;
    for (const v of data) m = Math.max(m, Math.abs(v));
    const c = crop(full, [0, 0, 0]);
    const { diff } = maxRoiDiff(squareRootImage(full), squareRootImage(c.img, m), c.off);
    expect(diff).toBeLessThan(1e-12);
  });
});
