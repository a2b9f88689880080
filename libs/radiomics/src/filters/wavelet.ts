/**
 * Separable wavelet filters (IBSI 2, section 2.6): undecimated (stationary, "à trous") and
 * decimated transforms, 2D and 3D, with rotation invariance; and PyRadiomics' `Wavelet` image type.
 *
 * A sub-band is named by one letter per axis, x first: `L` = low-pass (scaling) filter, `H` =
 * high-pass (wavelet) filter — e.g. `LHL` is low-pass along x and z, high-pass along y.
 */
import type { Image3D } from '../types';
import type { Boundary, Pooling, ResponseMap } from './types';
import { convolveAxis, convolveSeparable, oddKernel, poolInto, responseOf, toFloat } from './convolve';
import { rotatedKernelPairs, type KernelTriple } from './rotation';
import { waveletFilters } from './wavelet-coefficients';

function parseSubband(subband: string, where: string): ('L' | 'H')[] {
  const s = subband.toUpperCase();
  if (!/^[LH]{2,3}$/.test(s)) throw new Error(`${where}: sub-band must be 2 or 3 letters L/H (x first), got "${subband}"`);
  return s.split('') as ('L' | 'H')[];
}

/** Inserts 2^j − 1 zeros between kernel taps ("à trous" dilation of an odd kernel, once per call). */
export function dilateKernel(k: Float64Array): Float64Array {
  const out = new Float64Array(2 * k.length - 1);
  for (let i = 0; i < k.length; i++) out[2 * i] = k[i];
  return out;
}

export interface WaveletFilterOptions {
  /** wavelet name: `haar`, `db1`…`db10`, `coif1`…`coif5`, `sym2`…`sym8` */
  wavelet: string;
  /** sub-band, one letter per axis, x first (`LHL`; 2 letters = 2D per slice) */
  subband: string;
  /** decomposition level ≥ 1 (default 1) */
  level?: number;
  boundary?: Boundary;
  rotationInvariant?: boolean;
  pooling?: Pooling;
}

/**
 * Undecimated separable wavelet response (IBSI 2 / MIRP "à trous" scheme): for levels 1..J−1 the
 * image is low-pass filtered along every axis and the kernels are dilated by inserting zeros; at
 * level J the sub-band kernels are applied. Even-length filters get a trailing 0 (kernel centre
 * convention of IBSI 2). With rotation invariance the responses of the distinct right-angle
 * rotations of the kernel set (and pre-filter) are pooled (IBSI 2: average). Default boundary: mirror.
 */
export function waveletFilter(img: Image3D, options: WaveletFilterOptions): ResponseMap {
  const { wavelet, level = 1, boundary = 'mirror', rotationInvariant = false, pooling = 'mean' } = options;
  const bands = parseSubband(options.subband, 'waveletFilter');
  if (!Number.isInteger(level) || level < 1) throw new Error(`waveletFilter: level must be an integer ≥ 1, got ${level}`);
  const { lo, hi } = waveletFilters(wavelet);
  const data = toFloat(img, 'waveletFilter');
  const d = bands.length;
  const base: KernelTriple = [null, null, null];
  const pre: KernelTriple = [null, null, null];
  for (let a = 0; a < d; a++) {
    base[a] = oddKernel(bands[a] === 'L' ? lo : hi);
    pre[a] = oddKernel(lo);
  }
  const sets = rotationInvariant ? rotatedKernelPairs(base, pre) : [{ kernels: base, companion: pre }];
  let acc: Float64Array | null = null;
  for (let s = 0; s < sets.length; s++) {
    let k: KernelTriple = sets[s].kernels;
    let p: KernelTriple = sets[s].companion;
    let cur = data;
    for (let j = 1; j < level; j++) {
      cur = convolveSeparable(cur, img.dims, p, boundary);
      k = k.map((x) => x && dilateKernel(x)) as KernelTriple;
      p = p.map((x) => x && dilateKernel(x)) as KernelTriple;
    }
    const r = convolveSeparable(cur, img.dims, k, boundary);
    if (!acc) acc = r;
    else poolInto(acc, r, pooling);
  }
  if (pooling === 'mean' && sets.length > 1) for (let i = 0; i < acc!.length; i++) acc![i] /= sets.length;
  return responseOf(img, acc!);
}

/**
 * Decimated separable wavelet sub-band (classical DWT, Mallat): at each level the image is filtered
 * along the transformed axes and every second voxel is kept (indices 0, 2, 4, …), levels 1..J−1 with
 * the low-pass filter, level J with the sub-band filters. Output dims are ⌈n / 2^J⌉ along the
 * transformed axes, with the spacing multiplied by 2^J. Alignment: the filtered sample at i uses
 * input i + ⌊L/2⌋ … i + ⌊L/2⌋ − L + 1 (the undecimated convention). With `boundary: 'periodic'` an odd
 * axis is first extended by repeating its last voxel, which makes the result equal to PyWavelets'
 * `dwtn` / `wavedecn` with `mode='periodization'` (tested); the other boundaries have no PyWavelets
 * counterpart of the same output size.
 */
export function waveletDecimated(
  img: Image3D,
  options: Omit<WaveletFilterOptions, 'rotationInvariant' | 'pooling'>,
): ResponseMap {
  const { wavelet, level = 1, boundary = 'mirror' } = options;
  const bands = parseSubband(options.subband, 'waveletDecimated');
  if (!Number.isInteger(level) || level < 1) throw new Error(`waveletDecimated: level must be an integer ≥ 1, got ${level}`);
  const { lo, hi } = waveletFilters(wavelet);
  let data = toFloat(img, 'waveletDecimated');
  let dims: [number, number, number] = [...img.dims];
  const spacing: [number, number, number] = [...img.spacing];
  const d = bands.length;
  for (let j = 1; j <= level; j++) {
    if (boundary === 'periodic') {
      // PyWavelets' "periodization": an odd axis is first extended by repeating its last voxel
      const ext: [number, number, number] = [...dims];
      for (let a = 0; a < d; a++) if (dims[a] % 2 === 1) ext[a] = dims[a] + 1;
      if (ext[0] !== dims[0] || ext[1] !== dims[1] || ext[2] !== dims[2]) {
        const e = new Float64Array(ext[0] * ext[1] * ext[2]);
        for (let z = 0; z < ext[2]; z++)
          for (let y = 0; y < ext[1]; y++)
            for (let x = 0; x < ext[0]; x++)
              e[x + ext[0] * (y + ext[1] * z)] =
                data[Math.min(x, dims[0] - 1) + dims[0] * (Math.min(y, dims[1] - 1) + dims[1] * Math.min(z, dims[2] - 1))];
        data = e;
        dims = ext;
      }
    }
    const ks: KernelTriple = [null, null, null];
    for (let a = 0; a < d; a++) ks[a] = j < level || bands[a] === 'L' ? lo : hi;
    const f = convolveSeparable(data, dims, ks, boundary);
    const nd: [number, number, number] = [...dims];
    for (let a = 0; a < d; a++) nd[a] = Math.ceil(dims[a] / 2);
    const sub = new Float64Array(nd[0] * nd[1] * nd[2]);
    const st = [0, 1, 2].map((a) => (a < d ? 2 : 1));
    for (let z = 0; z < nd[2]; z++)
      for (let y = 0; y < nd[1]; y++)
        for (let x = 0; x < nd[0]; x++) sub[x + nd[0] * (y + nd[1] * z)] = f[x * st[0] + dims[0] * (y * st[1] + dims[1] * z * st[2])];
    data = sub;
    dims = nd;
    for (let a = 0; a < d; a++) spacing[a] *= 2;
  }
  return { data, dims, spacing, ...(img.origin ? { origin: img.origin } : {}) };
}

/**
 * PyRadiomics `Wavelet` image type (radiomics.imageoperations.getWaveletImage / _swt3, 3.1): odd
 * axes are padded by one voxel (wrap), then for each level a single-level stationary wavelet
 * transform (PyWavelets `swtn`, periodic) is applied to the previous approximation — without
 * dilating the filters between levels, a PyRadiomics deviation from the à trous scheme — and the
 * padding is removed. Returns the 7 detail sub-bands (3D) of every level from `startLevel` to
 * `startLevel + level − 1` keyed `LLH`, … (x first, as PyRadiomics' `wavelet-LLH`), and the final
 * approximation `LLL`. With `force2D` (PyRadiomics `force2D`, `force2Ddimension` 0) only x and y are
 * transformed: 3 detail sub-bands `LH`, `HL`, `HH` per level and the approximation `LL`.
 * @returns per level (1-based, as PyRadiomics' `wavelet<level>-` prefix for levels > 1) the sub-bands
 */
export function pyradiomicsWavelet(
  img: Image3D,
  options: { wavelet?: string; level?: number; startLevel?: number; force2D?: boolean } = {},
): { levels: Record<string, ResponseMap>[]; approximation: ResponseMap } {
  const { wavelet = 'coif1', level = 1, startLevel = 0, force2D = false } = options;
  const axes = (force2D ? [0, 1] : [0, 1, 2]) as (0 | 1 | 2)[];
  const approxName = force2D ? 'LL' : 'LLL';
  const { lo, hi } = waveletFilters(wavelet);
  const src = toFloat(img, 'pyradiomicsWavelet');
  const [nx, ny, nz] = img.dims;
  const pd: [number, number, number] = [nx + (nx % 2), ny + (ny % 2), nz + (nz % 2)];
  let data: Float64Array = new Float64Array(pd[0] * pd[1] * pd[2]);
  for (let z = 0; z < pd[2]; z++)
    for (let y = 0; y < pd[1]; y++)
      for (let x = 0; x < pd[0]; x++) data[x + pd[0] * (y + pd[1] * z)] = src[(x % nx) + nx * ((y % ny) + ny * (z % nz))];
  const crop = (a: Float64Array): ResponseMap => {
    const out = new Float64Array(nx * ny * nz);
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) out[x + nx * (y + ny * z)] = a[x + pd[0] * (y + pd[1] * z)];
    return responseOf(img, out);
  };
  const approx = (a: Float64Array) => convolveSeparable(a, pd, [lo, lo, force2D ? null : lo], 'periodic');
  for (let i = 0; i < startLevel; i++) data = approx(data);
  const levels: Record<string, ResponseMap>[] = [];
  for (let i = 0; i < level; i++) {
    // filter tree: x → 2 arrays, y → 4, z → 8 (14 passes instead of 21 + 3); LLL is the next approximation
    let nodes: { name: string; data: Float64Array }[] = [{ name: '', data }];
    for (const axis of axes) {
      const next: { name: string; data: Float64Array }[] = [];
      for (const node of nodes)
        for (const [b, k] of [['L', lo], ['H', hi]] as const)
          next.push({ name: node.name + b, data: convolveAxis(node.data, pd, axis, k, 'periodic') });
      nodes = next;
    }
    const bands: Record<string, ResponseMap> = {};
    for (const node of nodes) if (node.name !== approxName) bands[node.name] = crop(node.data);
    levels.push(bands);
    data = nodes.find((x) => x.name === approxName)!.data;
  }
  return { levels, approximation: crop(data) };
}
