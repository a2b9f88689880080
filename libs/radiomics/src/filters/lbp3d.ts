/**
 * PyRadiomics `LBP3D` image type (radiomics.imageoperations.getLBP3DImage, 3.1; Banerjee et al.,
 * "3D LBP-based rotationally invariant region description", ACCV 2012 workshops).
 *
 * For every ROI voxel p:
 * 1. sample the image at p + v for the N_v vertices v of an icosphere (trimesh `icosphere`: the
 *    icosahedron subdivided `subdivision` times, vertices pushed to `radius`; 42 vertices by default),
 *    in voxel units, with cubic B-spline interpolation exactly as SciPy `map_coordinates(order=3,
 *    mode='constant')`: mirror-symmetric spline prefilter, 0 for samples outside [0, n − 1] on any axis;
 * 2. the kurtosis image is the excess kurtosis of those samples (SciPy `kurtosis`, biased; NaN when
 *    their variance is ≤ (1e-15 · mean)², i.e. a flat neighbourhood — PyRadiomics' behaviour, kept);
 * 3. s(v) = [f(p + v) ≥ f(p)]; c_{m,n} = Σ_v s(v) Y_n^m(v); for each level n < `levels`,
 *    F_n(v) = Σ_m c_{m,n} Y_n^m(v) and the level image is Re √(Σ_v F_n(v)²) (the complex square, as in
 *    PyRadiomics, not |F|²).
 * PyRadiomics calls `scipy.special.sph_harm(m, n, θ, φ)` with θ = arccos(v_z / r) (polar angle) in
 * SciPy's azimuth slot and φ = atan2(v_y, v_x) in its polar slot; that swap is reproduced. The vertex
 * components (v_x, v_y, v_z) are added to the NumPy indices (k, j, i), i.e. v_x moves along z and
 * v_z along x. Voxels outside the ROI are 0 (PyRadiomics leaves them uninitialised).
 * Ties: with the default icosphere, 6 vertices fall exactly on neighbouring voxels. There the
 * sample is the voxel value itself, so a neighbour equal to the centre counts as ≥ (s = 1); in
 * PyRadiomics the spline returns that value ± 1e-15 and the comparison depends on rounding, so on
 * images with equal neighbouring voxels (integer CT values) the level images may differ from
 * PyRadiomics' at such voxels. The kurtosis image is not affected.
 */
import type { Image3D } from '../types';
import type { ResponseMap } from './types';
import { responseOf, toFloat } from './convolve';
import { bsplineCoefficients } from '../processing/resample';

/** trimesh-compatible icosphere vertices (order irrelevant here), radius r; subdivisions = 0 gives the unit icosahedron. */
export function icosphereVertices(subdivisions: number, radius: number): Float64Array[] {
  const t = (1 + Math.sqrt(5)) / 2;
  const base = [
    [-1, t, 0], [1, t, 0], [-1, -t, 0], [1, -t, 0], [0, -1, t], [0, 1, t],
    [0, -1, -t], [0, 1, -t], [t, 0, -1], [t, 0, 1], [-t, 0, -1], [-t, 0, 1],
  ];
  const s = Math.sqrt(2 + t);
  let v = base.map((p) => Float64Array.from(p, (c) => c / s));
  // faces of the icosahedron: triples of mutually adjacent vertices (edge = shortest distance)
  const d2 = (a: Float64Array, b: Float64Array) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;
  let edge = Infinity;
  for (let i = 0; i < 12; i++) for (let j = i + 1; j < 12; j++) edge = Math.min(edge, d2(v[i], v[j]));
  const adj = (i: number, j: number) => Math.abs(d2(v[i], v[j]) - edge) < 1e-9;
  let faces: [number, number, number][] = [];
  for (let i = 0; i < 12; i++)
    for (let j = i + 1; j < 12; j++)
      for (let k = j + 1; k < 12; k++) if (adj(i, j) && adj(j, k) && adj(i, k)) faces.push([i, j, k]);
  for (let it = 0; it < subdivisions; it++) {
    const mid = new Map<string, number>();
    const nv = [...v];
    const midpoint = (a: number, b: number) => {
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      let m = mid.get(key);
      if (m === undefined) {
        m = nv.length;
        nv.push(Float64Array.from([0, 1, 2], (c) => (v[a][c] + v[b][c]) / 2));
        mid.set(key, m);
      }
      return m;
    };
    const nf: [number, number, number][] = [];
    for (const [a, b, c] of faces) {
      const ab = midpoint(a, b);
      const bc = midpoint(b, c);
      const ca = midpoint(c, a);
      nf.push([a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]);
    }
    v = nv.map((p) => {
      const n = Math.hypot(p[0], p[1], p[2]);
      return Float64Array.from(p, (c) => (c / n) * radius);
    });
    faces = nf;
  }
  return v;
}

/** Associated Legendre function P_n^m(x), m ≥ 0, with the Condon–Shortley phase (SciPy `lpmv`). */
export function associatedLegendre(m: number, n: number, x: number): number {
  let pmm = 1;
  const s = Math.sqrt(Math.max(0, 1 - x * x));
  for (let i = 1; i <= m; i++) pmm *= -(2 * i - 1) * s;
  if (n === m) return pmm;
  let pm1 = x * (2 * m + 1) * pmm;
  if (n === m + 1) return pm1;
  let pl = 0;
  for (let l = m + 2; l <= n; l++) {
    pl = (x * (2 * l - 1) * pm1 - (l + m - 1) * pmm) / (l - m);
    pmm = pm1;
    pm1 = pl;
  }
  return pl;
}

function factorialRatio(a: number, b: number): number {
  // a! / b!
  let r = 1;
  if (a >= b) for (let i = b + 1; i <= a; i++) r *= i;
  else for (let i = a + 1; i <= b; i++) r /= i;
  return r;
}

/** SciPy `sph_harm(m, n, azimuth, polar)`: returns [re, im]. */
export function sphericalHarmonic(m: number, n: number, azimuth: number, polar: number): [number, number] {
  const mp = Math.abs(m);
  let val = associatedLegendre(mp, n, Math.cos(polar));
  if (m < 0) val *= (mp % 2 === 0 ? 1 : -1) * factorialRatio(n - mp, n + mp);
  val *= Math.sqrt((2 * n + 1) / 4 / Math.PI);
  val *= Math.sqrt(factorialRatio(n - m, n + m));
  return [val * Math.cos(m * azimuth), val * Math.sin(m * azimuth)];
}

function bsplineWeights(t: number, w: Float64Array): void {
  const t2 = t * t;
  const t3 = t2 * t;
  w[0] = (1 - 3 * t + 3 * t2 - t3) / 6;
  w[1] = (4 - 6 * t2 + 3 * t3) / 6;
  w[2] = (1 + 3 * t + 3 * t2 - 3 * t3) / 6;
  w[3] = t3 / 6;
}

function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const p = 2 * (n - 1);
  i = ((i % p) + p) % p;
  return i < n ? i : p - i;
}

export interface Lbp3DOptions {
  /** number of spherical-harmonic levels (PyRadiomics `lbp3DLevels`, default 2) */
  levels?: number;
  /** icosphere radius in voxels (`lbp3DIcosphereRadius`, default 1) */
  icosphereRadius?: number;
  /** icosphere subdivisions (`lbp3DIcosphereSubdivision`, default 1) */
  icosphereSubdivision?: number;
}

/**
 * LBP3D level images (`lbp-3D-m1` … `lbp-3D-m<levels>`) and the kurtosis image (`lbp-3D-k`) for the
 * voxels of `mask` (1 inside).
 */
export function lbp3DImage(img: Image3D, mask: ArrayLike<number>, options: Lbp3DOptions = {}): { levels: ResponseMap[]; kurtosis: ResponseMap } {
  const { levels: L = 2, icosphereRadius: r = 1, icosphereSubdivision: sub = 1 } = options;
  if (!Number.isInteger(L) || L < 1) throw new Error(`lbp3DImage: levels must be a positive integer, got ${L}`);
  const src = toFloat(img, 'lbp3DImage');
  if (mask.length !== src.length) throw new Error(`lbp3DImage: mask has ${mask.length} voxels, the image ${src.length}`);
  const [nx, ny, nz] = img.dims;
  const coef = bsplineCoefficients(src, img.dims);
  const verts = icosphereVertices(sub, r);
  const nv = verts.length;
  // spherical harmonics per vertex and (n, m), PyRadiomics' argument order
  const ys: { n: number; re: Float64Array; im: Float64Array }[] = [];
  for (let n = 0; n < L; n++)
    for (let m = -n; m <= n; m++) {
      const re = new Float64Array(nv);
      const im = new Float64Array(nv);
      verts.forEach((v, i) => {
        const theta = Math.acos(v[2] / r);
        const phi = Math.atan2(v[1], v[0]);
        [re[i], im[i]] = sphericalHarmonic(m, n, theta, phi);
      });
      ys.push({ n, re, im });
    }
  const outLevels = Array.from({ length: L }, () => new Float64Array(src.length));
  const kurt = new Float64Array(src.length);
  const f = new Float64Array(nv);
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);
  const wz = new Float64Array(4);
  const sample = (x: number, y: number, z: number): number => {
    if (x < 0 || x > nx - 1 || y < 0 || y > ny - 1 || z < 0 || z > nz - 1) return 0;
    const rx = Math.round(x);
    const ry = Math.round(y);
    const rz = Math.round(z);
    // a vertex on a grid point samples that voxel exactly (the spline interpolates the samples)
    if (Math.abs(x - rx) < 1e-9 && Math.abs(y - ry) < 1e-9 && Math.abs(z - rz) < 1e-9) return src[rx + nx * (ry + ny * rz)];
    const bx = Math.floor(x);
    const by = Math.floor(y);
    const bz = Math.floor(z);
    bsplineWeights(x - bx, wx);
    bsplineWeights(y - by, wy);
    bsplineWeights(z - bz, wz);
    let s = 0;
    for (let c = 0; c < 4; c++) {
      const iz = mirror(bz - 1 + c, nz);
      for (let b = 0; b < 4; b++) {
        const iy = mirror(by - 1 + b, ny);
        const row = nx * (iy + ny * iz);
        for (let a = 0; a < 4; a++) s += wz[c] * wy[b] * wx[a] * coef[row + mirror(bx - 1 + a, nx)];
      }
    }
    return s;
  };
  const cre = new Float64Array(ys.length);
  const cim = new Float64Array(ys.length);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const k = x + nx * (y + ny * z);
        if (!mask[k]) continue;
        let mean = 0;
        for (let i = 0; i < nv; i++) {
          const v = verts[i];
          f[i] = sample(x + v[2], y + v[1], z + v[0]);
          mean += f[i];
        }
        mean /= nv;
        let m2 = 0;
        let m4 = 0;
        for (let i = 0; i < nv; i++) {
          const d = f[i] - mean;
          m2 += d * d;
          m4 += d * d * d * d;
        }
        m2 /= nv;
        m4 /= nv;
        kurt[k] = m2 <= (1e-15 * mean) ** 2 ? Number.NaN : m4 / (m2 * m2) - 3;
        const centre = src[k];
        for (let h = 0; h < ys.length; h++) {
          let a = 0;
          let b = 0;
          for (let i = 0; i < nv; i++)
            if (f[i] >= centre) {
              a += ys[h].re[i];
              b += ys[h].im[i];
            }
          cre[h] = a;
          cim[h] = b;
        }
        for (let n = 0; n < L; n++) {
          // Σ_v F_n(v)², complex
          let sr = 0;
          let si = 0;
          for (let i = 0; i < nv; i++) {
            let fr = 0;
            let fi = 0;
            for (let h = 0; h < ys.length; h++) {
              if (ys[h].n !== n) continue;
              fr += cre[h] * ys[h].re[i] - cim[h] * ys[h].im[i];
              fi += cre[h] * ys[h].im[i] + cim[h] * ys[h].re[i];
            }
            sr += fr * fr - fi * fi;
            si += 2 * fr * fi;
          }
          // principal complex square root, real part: √((|z| + Re z) / 2)
          outLevels[n][k] = Math.sqrt((Math.hypot(sr, si) + sr) / 2);
        }
      }
  return { levels: outLevels.map((d) => responseOf(img, d)), kurtosis: responseOf(img, kurt) };
}
