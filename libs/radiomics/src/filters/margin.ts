/**
 * How far a filter looks: the margin (voxels per axis) to keep around a ROI when an image is cropped
 * before filtering, so that the response inside the ROI equals the response of the uncropped image.
 */
import type { Vec3 } from '../types';
import { lawsKernel } from './laws';
import { waveletFilters } from './wavelet-coefficients';

export type FilterSpec =
  | { type: 'mean'; support: number; dimensionality?: '2D' | '3D' }
  | { type: 'log'; sigmaMm: number; truncate?: number; dimensionality?: '2D' | '3D' }
  | { type: 'laws'; kernels: string; rotationInvariant?: boolean; energyDistance?: number }
  | { type: 'gabor'; sigmaMm: number; gamma: number; truncate?: number; planes?: '2D' | '3D' }
  | { type: 'wavelet'; wavelet: string; level?: number; rotationInvariant?: boolean; dimensionality?: '2D' | '3D' }
  | { type: 'pyradiomicsWavelet'; wavelet?: string; level?: number; startLevel?: number; force2D?: boolean }
  | { type: 'recursiveLog'; sigmaMm: number; relativeError?: number }
  | { type: 'gradient' }
  | { type: 'lbp2D'; radius?: number }
  | { type: 'lbp3D'; icosphereRadius?: number }
  | { type: 'square' | 'squareRoot' | 'logarithm' | 'exponential' };

/**
 * Margin in voxels along x, y, z. Exact for the FIR filters (the support radius; with rotation
 * invariance the largest radius on every axis). Two cases are approximations:
 * - `recursiveLog` (an IIR filter, PyRadiomics' LoG) has infinite support: the margin is where its
 *   slowest pole has decayed below `relativeError` (default 1e-7): ⌈ln(1/ε) σ / 1.3732⌉ voxels (≈ 12σ);
 * - the intensity transforms (`square`, …) need no margin but rescale by the whole image's max |x|:
 *   pass that maximum to them (their `maxAbs` argument).
 * `lbp3D` samples with a cubic B-spline whose prefilter is global (IIR); 1 voxel beyond the sphere
 * plus 6 voxels keeps its error below 1e-4 of the intensity range.
 */
export function filterMarginVoxels(spec: FilterSpec, spacing: Vec3): [number, number, number] {
  const all = (r: number): [number, number, number] => [r, r, r];
  const planar = (r: number, twoD: boolean | undefined): [number, number, number] => [r, r, twoD ? 0 : r];
  switch (spec.type) {
    case 'mean':
      return planar(Math.floor(spec.support / 2), spec.dimensionality === '2D');
    case 'log': {
      const t = spec.truncate ?? 4;
      const r = spacing.map((s) => Math.floor((t * spec.sigmaMm) / s + 0.5)) as [number, number, number];
      return spec.dimensionality === '2D' ? [r[0], r[1], 0] : r;
    }
    case 'laws': {
      const names = spec.kernels.match(/[A-Za-z]\d/g) ?? [];
      const radii = names.map((n) => Math.floor(lawsKernel(n).length / 2));
      const e = spec.energyDistance ?? 0;
      const r: [number, number, number] = [radii[0] ?? 0, radii[1] ?? 0, radii[2] ?? 0];
      if (spec.rotationInvariant) {
        const m = Math.max(...radii);
        r[0] = r[1] = m;
        if (names.length === 3) r[2] = m;
      }
      return [r[0] + e, r[1] + e, names.length === 3 ? r[2] + e : 0];
    }
    case 'gabor': {
      const ext = (spec.truncate ?? 4) * spec.sigmaMm * Math.max(1, 1 / spec.gamma);
      const r = spacing.map((s) => Math.ceil(ext / s)) as [number, number, number];
      return spec.planes === '3D' ? r : [r[0], r[1], 0];
    }
    case 'wavelet': {
      const L = waveletFilters(spec.wavelet).lo.length;
      const c = (L + (L % 2 === 0 ? 1 : 0)) >> 1;
      return planar(c * (2 ** (spec.level ?? 1) - 1), spec.dimensionality === '2D');
    }
    case 'pyradiomicsWavelet': {
      const L = waveletFilters(spec.wavelet ?? 'coif1').lo.length;
      // level-1 SWT repeated (no dilation); one extra voxel for PyRadiomics' odd-size wrap padding
      const r = (L >> 1) * ((spec.startLevel ?? 0) + (spec.level ?? 1)) + 1;
      return planar(r, spec.force2D);
    }
    case 'recursiveLog': {
      const eps = spec.relativeError ?? 1e-7;
      // Deriche's slowest pole decays as exp(−1.3732 x / σ) (x, σ in voxels); keep it below eps
      return spacing.map((s) => Math.ceil(((Math.log(1 / eps) / 1.3732) * spec.sigmaMm) / s)) as [number, number, number];
    }
    case 'gradient':
      return all(1);
    case 'lbp2D':
      return [Math.ceil(spec.radius ?? 1), Math.ceil(spec.radius ?? 1), 0];
    case 'lbp3D':
      return all(Math.ceil(spec.icosphereRadius ?? 1) + 1 + 6);
    default:
      return all(0);
  }
}
