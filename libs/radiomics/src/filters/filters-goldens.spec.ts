/**
 * Filters against goldens from SciPy / PyWavelets / scikit-image / NumPy FFT
 * (tools/goldens/radiomics-filters/generate.py), on a small random volume and on the IBSI 2
 * phase-1 digital phantoms (configurations 1a1–7a2).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { Image3D } from '../types';
import {
  exponentialImage,
  gradientImage,
  lbp3DImage,
  recursiveLogFilter,
  gaborFilter,
  lawsFilter,
  lbp2DImage,
  logarithmImage,
  logFilter,
  meanFilter,
  pyradiomicsWavelet,
  squareImage,
  squareRootImage,
  waveletDecimated,
  waveletFilter,
  waveletFilters,
  type ResponseMap,
} from './index';

const FIX = join(__dirname, '..', '..', 'fixtures', 'ibsi2');
interface Golden {
  small: { dims: [number, number, number]; spacing: [number, number, number]; values: number[] };
  small_signed: Golden['small'];
  small_steps: Golden['small'];
  small_float: Golden['small'];
  cases: { name: string; image: 'small' | 'small_signed' | 'small_steps' | 'small_float'; filter: Spec; values: (number | null)[] }[];
  decimated: { name: string; dims: [number, number, number]; values: number[]; filter: Parameters<typeof waveletDecimated>[1]; outDims: number[]; out: number[] }[];
  phantomSamples: [number, number, number][];
  phantoms: Record<string, { phantom: string; filter: Spec; min: number; max: number; mean: number; sumSquares: number; samples: number[] }>;
  wavelets: Record<string, { lo: number[]; hi: number[] }>;
}
const golden = JSON.parse(readFileSync(join(FIX, 'filter-goldens.json'), 'utf8')) as Golden;

/** Minimal NIfTI-1 reader for the uint8 IBSI 2 phantoms (x fastest, as on disk). */
function readPhantom(name: string): Image3D {
  const buf = gunzipSync(readFileSync(join(FIX, 'ibsi_2_digital_phantom', 'nifti', name, 'image', `${name}.nii.gz`)));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getInt32(0, true) !== 348) throw new Error(`${name}: not a little-endian NIfTI-1 file`);
  const dims: [number, number, number] = [dv.getInt16(42, true), dv.getInt16(44, true), dv.getInt16(46, true)];
  const datatype = dv.getInt16(70, true);
  if (datatype !== 2) throw new Error(`${name}: datatype ${datatype}, expected uint8 (2)`);
  const spacing: [number, number, number] = [dv.getFloat32(80, true), dv.getFloat32(84, true), dv.getFloat32(88, true)];
  const off = dv.getFloat32(108, true);
  const n = dims[0] * dims[1] * dims[2];
  return { data: Uint8Array.from(buf.subarray(off, off + n)), dims, spacing };
}

/** The fixture's filter description (JSON written by the generator), dispatched to the filter under test. */
type Spec = Record<string, unknown> & { type: string };
const opts = <T>(f: Spec): T => f as unknown as T;

function apply(img: Image3D, f: Spec): ResponseMap {
  switch (f.type) {
    case 'mean':
      return meanFilter(img, opts(f));
    case 'log':
      return logFilter(img, opts(f));
    case 'laws':
      return lawsFilter(img, opts(f));
    case 'wavelet':
      return waveletFilter(img, opts(f));
    case 'gabor':
      return gaborFilter(img, opts(f));
    case 'pyradiomicsWavelet': {
      const r = pyradiomicsWavelet(img, opts(f));
      const pick = f.pick as 'approximation' | [number, string];
      return pick === 'approximation' ? r.approximation : r.levels[pick[0]][pick[1]];
    }
    case 'recursiveLog':
      return recursiveLogFilter(img, f.sigmaMm as number);
    case 'gradient':
      return gradientImage(img);
    case 'lbp3D': {
      const r = lbp3DImage(img, f.mask as number[], opts(f));
      return f.pick === 'kurtosis' ? r.kurtosis : r.levels[f.pick as number];
    }
    case 'square':
      return squareImage(img);
    case 'squareRoot':
      return squareRootImage(img);
    case 'logarithm':
      return logarithmImage(img);
    case 'exponential':
      return exponentialImage(img);
    case 'lbp2D':
      return lbp2DImage(img, opts(f));
    default:
      throw new Error(`unknown filter ${f.type}`);
  }
}

const tolerance = (f: Record<string, unknown>, range: number) => (f.type === 'gabor' ? 1e-3 : 1e-9) * Math.max(1, range);

describe('filters vs SciPy / PyWavelets / scikit-image goldens (small volume)', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const src = golden[c.image];
    const img: Image3D = { data: Float64Array.from(src.values), dims: src.dims, spacing: src.spacing };
    const out = apply(img, c.filter);
    expect(out.data.length).toBe(c.values.length);
    const finite = c.values.filter((v): v is number => v !== null);
    const range = Math.max(...finite) - Math.min(...finite);
    let maxErr = 0;
    for (let k = 0; k < c.values.length; k++) {
      const g = c.values[k];
      if (g === null) expect(out.data[k]).toBeNaN(); // NaN in the reference (e.g. kurtosis of a flat neighbourhood)
      else maxErr = Math.max(maxErr, Math.abs(out.data[k] - g));
    }
    expect(maxErr).toBeLessThanOrEqual(tolerance(c.filter, range));
  });
});

function crop32(img: Image3D, s: number): Image3D {
  const [nx, ny] = img.dims;
  const data = new Float64Array(32 ** 3);
  for (let z = 0; z < 32; z++)
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) data[x + 32 * (y + 32 * z)] = img.data[x + s + nx * (y + s + ny * (z + s))] as number;
  return { data, dims: [32, 32, 32], spacing: img.spacing };
}

describe('IBSI 2 phase-1 phantom configurations vs SciPy/NumPy references', () => {
  const cache = new Map<string, Image3D>();
  const phantom = (n: string) => cache.get(n) ?? (cache.set(n, readPhantom(n)), cache.get(n)!);
  it.each(Object.entries(golden.phantoms))('%s', (_id, g) => {
    // "name:16" = the 32³ crop starting at voxel (16, 16, 16)
    const [name, start] = g.phantom.split(':');
    const img = start === undefined ? phantom(name) : crop32(phantom(name), Number(start));
    const out = apply(img, g.filter).data;
    const [nx, ny] = img.dims;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let ss = 0;
    for (const v of out) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      ss += v * v;
    }
    const range = g.max - g.min;
    const tol = tolerance(g.filter, range);
    expect(Math.abs(min - g.min)).toBeLessThanOrEqual(tol);
    expect(Math.abs(max - g.max)).toBeLessThanOrEqual(tol);
    expect(Math.abs(sum / out.length - g.mean)).toBeLessThanOrEqual(tol);
    expect(Math.abs(ss - g.sumSquares)).toBeLessThanOrEqual(tol * Math.max(1, g.sumSquares) * (g.filter.type === 'gabor' ? 10 : 1));
    const samples = start === undefined ? golden.phantomSamples : golden.phantomSamples.map(([x, y, z]) => [x % 32, y % 32, z % 32]);
    samples.forEach(([x, y, z], i) => {
      expect(Math.abs(out[x + nx * (y + ny * z)] - g.samples[i])).toBeLessThanOrEqual(tol);
    });
  });
});

describe('decimated wavelets vs PyWavelets dwtn / wavedecn (mode periodization)', () => {
  it.each(golden.decimated.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const r = waveletDecimated({ data: Float64Array.from(c.values), dims: c.dims, spacing: [1, 1, 1] }, c.filter);
    expect(Array.from(r.dims)).toEqual(c.outDims.length === 3 ? c.outDims : [...c.outDims, 1]);
    r.data.forEach((v, k) => expect(Math.abs(v - c.out[k])).toBeLessThan(1e-9));
  });
});

describe('wavelet coefficient tables', () => {
  it.each(Object.entries(golden.wavelets))('%s equals PyWavelets dec_lo / dec_hi', (name, w) => {
    const f = waveletFilters(name);
    expect(Array.from(f.lo)).toEqual(w.lo);
    f.hi.forEach((v, k) => expect(v).toBeCloseTo(w.hi[k], 15));
  });
});
