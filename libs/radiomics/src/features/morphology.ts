/**
 * Morphological features (IBSI 1, section 3.1, family HCUG).
 *
 * Inputs: the morphological mask (shape: mesh, voxel positions, PCA, hull), the intensity mask and the
 * image (centre of mass shift, integrated intensity, Moran's I, Geary's C). Positions are voxel centres in
 * physical units, x_k = index × spacing; the image origin and direction do not change any value.
 *
 * Notation: V mesh volume, A mesh area, N_v voxel count, λ_major ≥ λ_minor ≥ λ_least the eigenvalues of the
 * covariance matrix of the voxel positions of the morphological mask (sample covariance, 1/(N_v − 1), as
 * NumPy's `cov` that the IBSI reference implementations used: it reproduces the published 11.4 / 9.31 / 8.54).
 *
 * Edge cases: an empty morphological mask gives NaN with reason "empty ROI"; features that divide by λ
 * (elongation, flatness, ellipsoid densities) give NaN with a reason when the ROI is flat or a single voxel
 * (λ = 0); a hull needs a 3D point set, which the mesh of any non-empty mask is.
 *
 * Reference: Zwanenburg A et al., IBSI reference manual, arXiv:1612.07003, section 3.1.
 */
import type { Dims3, Image3D, Mask3D, Vec3 } from '../types';
import { convexHull3D, hullVolumeArea } from './convex-hull';
import type { FeatureMap, ReasonMap } from './intensity-statistics';
import { invert, symmetricEigen3 } from './linalg';
import { hullCandidatePoints, marchingCubesMeasures } from './mesh';
import { fft3, nextPow2 } from './fft3';

/** Volume (mesh) RNU0: V = Σ_faces a·(b×c)/6 over the marching-cubes mesh (see `mesh.ts`). */
export function morphMeshVolume(mask: Mask3D): number {
  return marchingCubesMeasures(mask, mask.spacing).volume;
}

/** Surface area (mesh) C0JK: A = Σ_faces |(b−a)×(c−a)|/2. */
export function morphMeshArea(mask: Mask3D): number {
  return marchingCubesMeasures(mask, mask.spacing).area;
}

/** Volume (voxel counting) YEKZ: N_v · s_x s_y s_z. */
export function morphVoxelVolume(nVoxels: number, spacing: Vec3): number {
  return nVoxels * spacing[0] * spacing[1] * spacing[2];
}

/** Surface to volume ratio 2PR5: A / V. */
export function morphSurfaceToVolume(area: number, volume: number): number {
  return area / volume;
}

/** Compactness 1 SKGS: V / (π^{1/2} A^{3/2}). */
export function morphCompactness1(area: number, volume: number): number {
  return volume / (Math.sqrt(Math.PI) * area ** 1.5);
}

/** Compactness 2 BQWJ: 36 π V² / A³. */
export function morphCompactness2(area: number, volume: number): number {
  return (36 * Math.PI * volume * volume) / area ** 3;
}

/** Spherical disproportion KRCK: A / (36 π V²)^{1/3}. */
export function morphSphericalDisproportion(area: number, volume: number): number {
  return area / Math.cbrt(36 * Math.PI * volume * volume);
}

/** Sphericity QCFX: (36 π V²)^{1/3} / A. */
export function morphSphericity(area: number, volume: number): number {
  return Math.cbrt(36 * Math.PI * volume * volume) / area;
}

/** Asphericity 25C7: (A³ / (36 π V²))^{1/3} − 1. */
export function morphAsphericity(area: number, volume: number): number {
  return Math.cbrt(area ** 3 / (36 * Math.PI * volume * volume)) - 1;
}

function posOf(i: number, dims: Dims3, spacing: Vec3, out: Float64Array): void {
  const nx = dims[0], ny = dims[1];
  const x = i % nx;
  const y = ((i - x) / nx) % ny;
  const z = (i - x - nx * y) / (nx * ny);
  out[0] = x * spacing[0]; out[1] = y * spacing[1]; out[2] = z * spacing[2];
}

/**
 * Centre of mass shift KLMA: ‖ (1/N_v) Σ x_k  −  Σ X_k x_k / Σ X_k ‖, the first over the morphological
 * mask, the second (intensity-weighted) over the intensity mask. Edge case: Σ X_k = 0 → NaN.
 */
export function morphCentreOfMassShift(image: Image3D, morphMask: Mask3D, intensityMask: Mask3D): number {
  const p = new Float64Array(3);
  let g0 = 0, g1 = 0, g2 = 0, n = 0, w0 = 0, w1 = 0, w2 = 0, w = 0;
  for (let i = 0; i < morphMask.data.length; i++) {
    if (morphMask.data[i]) { posOf(i, morphMask.dims, morphMask.spacing, p); g0 += p[0]; g1 += p[1]; g2 += p[2]; n++; }
    if (intensityMask.data[i]) {
      const v = image.data[i];
      posOf(i, morphMask.dims, morphMask.spacing, p);
      w0 += v * p[0]; w1 += v * p[1]; w2 += v * p[2]; w += v;
    }
  }
  if (!n || w === 0) return NaN;
  return Math.hypot(g0 / n - w0 / w, g1 / n - w1 / w, g2 / n - w2 / w);
}

/** Eigenvalues (descending) and eigenvectors of the sample covariance (1/(N_v − 1)) of the voxel positions of `mask`; 0 for one voxel. */
export function morphPcaEigen(mask: Mask3D): { values: [number, number, number]; vectors: [number[], number[], number[]] } | null {
  const p = new Float64Array(3);
  let n = 0, m0 = 0, m1 = 0, m2 = 0;
  const d = mask.data;
  for (let i = 0; i < d.length; i++) if (d[i]) { posOf(i, mask.dims, mask.spacing, p); m0 += p[0]; m1 += p[1]; m2 += p[2]; n++; }
  if (!n) return null;
  m0 /= n; m1 /= n; m2 /= n;
  let cxx = 0, cxy = 0, cxz = 0, cyy = 0, cyz = 0, czz = 0;
  for (let i = 0; i < d.length; i++) if (d[i]) {
    posOf(i, mask.dims, mask.spacing, p);
    const a = p[0] - m0, b = p[1] - m1, c = p[2] - m2;
    cxx += a * a; cxy += a * b; cxz += a * c; cyy += b * b; cyz += b * c; czz += c * c;
  }
  const dn = n > 1 ? n - 1 : 1;
  const e = symmetricEigen3([cxx / dn, cxy / dn, cxz / dn, cxy / dn, cyy / dn, cyz / dn, cxz / dn, cyz / dn, czz / dn]);
  e.values = e.values.map((v) => Math.max(0, v)) as [number, number, number];
  return e;
}

/** Major axis length TDIC: 4 √λ_major. */
export function morphMajorAxisLength(lambdaMajor: number): number { return 4 * Math.sqrt(lambdaMajor); }
/** Minor axis length P9VJ: 4 √λ_minor. */
export function morphMinorAxisLength(lambdaMinor: number): number { return 4 * Math.sqrt(lambdaMinor); }
/** Least axis length 7J51: 4 √λ_least. */
export function morphLeastAxisLength(lambdaLeast: number): number { return 4 * Math.sqrt(lambdaLeast); }
/** Elongation Q3CK: √(λ_minor / λ_major). Edge case: λ_major = 0 (one voxel) → NaN. */
export function morphElongation(lambdaMajor: number, lambdaMinor: number): number { return lambdaMajor > 0 ? Math.sqrt(lambdaMinor / lambdaMajor) : NaN; }
/** Flatness N17B: √(λ_least / λ_major). Edge case: λ_major = 0 → NaN. */
export function morphFlatness(lambdaMajor: number, lambdaLeast: number): number { return lambdaMajor > 0 ? Math.sqrt(lambdaLeast / lambdaMajor) : NaN; }

/**
 * Surface area of an ellipsoid with semi-axes a ≥ b ≥ c (IBSI series, 20 terms):
 *   A = 4π a b Σ_{ν=0}^{20} (αβ)^ν / (1 − 4ν²) · P_ν((α² + β²) / (2αβ)),  α = √(1 − b²/a²), β = √(1 − c²/a²),
 * evaluated with Q_ν = (αβ)^ν P_ν(·) through the Legendre recurrence
 *   (ν+1) Q_{ν+1} = (2ν+1) ((α²+β²)/2) Q_ν − ν (αβ)² Q_{ν−1},
 * which stays finite for a sphere (α = β = 0 → A = 4πa²).
 */
export function ellipsoidSurfaceArea(a: number, b: number, c: number): number {
  const al = Math.sqrt(Math.max(0, 1 - (b * b) / (a * a)));
  const be = Math.sqrt(Math.max(0, 1 - (c * c) / (a * a)));
  const s = (al * al + be * be) / 2;
  const ab2 = (al * be) ** 2;
  let qPrev = 1, q = s, sum = 1 + q / (1 - 4);
  for (let nu = 1; nu < 20; nu++) {
    const qNext = ((2 * nu + 1) * s * q - nu * ab2 * qPrev) / (nu + 1);
    qPrev = q; q = qNext;
    sum += q / (1 - 4 * (nu + 1) * (nu + 1));
  }
  return 4 * Math.PI * a * b * sum;
}

/** Volume density (approximate enclosing ellipsoid) 6BDE: V / (4π a b c / 3), a = 2√λ_major, b = 2√λ_minor, c = 2√λ_least. */
export function morphVolumeDensityAee(volume: number, lambdas: readonly number[]): number {
  const [a, b, c] = lambdas.map((l) => 2 * Math.sqrt(l));
  return c > 0 ? volume / ((4 * Math.PI * a * b * c) / 3) : NaN;
}

/** Area density (approximate enclosing ellipsoid) RDD2: A / A_ellipsoid(2√λ_major, 2√λ_minor, 2√λ_least). */
export function morphAreaDensityAee(area: number, lambdas: readonly number[]): number {
  const [a, b, c] = lambdas.map((l) => 2 * Math.sqrt(l));
  return c > 0 ? area / ellipsoidSurfaceArea(a, b, c) : NaN;
}

/**
 * Minimum-volume enclosing ellipsoid of points (Khachiyan's algorithm with Wolfe–Atwood away steps,
 * Todd & Yildirim 2007; stops when every point satisfies q′X⁻¹q ≤ (1 + tol)(d + 1) and every support point
 * ≥ (1 − tol)(d + 1)),
 * returning semi-axes sorted descending. Used for MVEE densities SWZ1 / BRI8 (no IBSI reference values).
 */
export function minimumVolumeEnclosingEllipsoid(points: ArrayLike<number>, tol = 1e-6, maxIter = 20000): [number, number, number] | null {
  return mveeCoreSet(points, tol, maxIter)?.semiAxes ?? null;
}

/**
 * MVEE by an active (core) set: solve on the extreme points along 13 directions, then repeatedly add the
 * points that lie outside the current ellipsoid (by more than `tol`) and re-solve, until none is outside.
 * The MVEE is fixed by a few support points, so the solves stay small even for thousands of hull vertices.
 */
function mveeCoreSet(points: ArrayLike<number>, tol: number, maxIter: number): { semiAxes: [number, number, number] } | null {
  const n = Math.floor(points.length / 3);
  if (n < 4) return null;
  const active = new Set<number>();
  const dirs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, -1, 0], [1, 0, 1], [1, 0, -1], [0, 1, 1], [0, 1, -1], [1, 1, 1], [1, 1, -1], [1, -1, 1], [-1, 1, 1]];
  for (const dv of dirs) {
    let lo = 0, hi = 0, vlo = Infinity, vhi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = points[3 * i] * dv[0] + points[3 * i + 1] * dv[1] + points[3 * i + 2] * dv[2];
      if (v < vlo) { vlo = v; lo = i; }
      if (v > vhi) { vhi = v; hi = i; }
    }
    active.add(lo); active.add(hi);
  }
  for (let round = 0; round < 100; round++) {
    const idx = [...active];
    const sub = new Float64Array(3 * idx.length);
    idx.forEach((i, k) => { sub[3 * k] = points[3 * i]; sub[3 * k + 1] = points[3 * i + 1]; sub[3 * k + 2] = points[3 * i + 2]; });
    const e = idx.length >= 4 ? mveeKhachiyan(sub, tol, maxIter) : null;
    if (!e) { if (active.size >= n) return null; for (let i = 0; i < n && active.size < Math.min(n, 4 * idx.length + 8); i++) active.add(i); continue; }
    // points outside (x − c)ᵀ A (x − c) > 1 + tol
    const viol: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      if (active.has(i)) continue;
      const a = points[3 * i] - e.c[0], b = points[3 * i + 1] - e.c[1], c = points[3 * i + 2] - e.c[2];
      const A = e.A;
      const v = a * (A[0] * a + A[1] * b + A[2] * c) + b * (A[3] * a + A[4] * b + A[5] * c) + c * (A[6] * a + A[7] * b + A[8] * c);
      if (v > 1 + 10 * tol) viol.push([v, i]);
    }
    if (!viol.length) return { semiAxes: e.semiAxes };
    viol.sort((p, q) => q[0] - p[0]);
    for (const [, i] of viol.slice(0, 32)) active.add(i);
  }
  return null;
}

/** Khachiyan + Wolfe–Atwood on a point set; returns centre c, shape matrix A ((x−c)ᵀA(x−c) ≤ 1) and semi-axes. */
function mveeKhachiyan(points: ArrayLike<number>, tol: number, maxIter: number): { c: number[]; A: Float64Array; semiAxes: [number, number, number] } | null {
  const n = Math.floor(points.length / 3);
  if (n < 4) return null;
  // centre the points for conditioning (the MVEE is translation-equivariant)
  const c0 = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c0[k] += points[3 * i + k] / n;
  const q = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) { for (let k = 0; k < 3; k++) q[4 * i + k] = points[3 * i + k] - c0[k]; q[4 * i + 3] = 1; }
  const u = new Float64Array(n).fill(1 / n);
  const X = new Float64Array(16);
  for (let i = 0; i < n; i++) for (let r = 0; r < 4; r++) for (let cc = 0; cc < 4; cc++) X[4 * r + cc] += u[i] * q[4 * i + r] * q[4 * i + cc];
  for (let it = 0; it < maxIter; it++) {
    const Xi = invert(4, X);
    if (!Xi) return null;
    let jmax = 0, mmax = -Infinity, jmin = -1, mmin = Infinity;
    for (let i = 0; i < n; i++) {
      const o = 4 * i;
      const a = q[o], b = q[o + 1], cz = q[o + 2], d = q[o + 3];
      const m =
        a * (Xi[0] * a + Xi[1] * b + Xi[2] * cz + Xi[3] * d) +
        b * (Xi[4] * a + Xi[5] * b + Xi[6] * cz + Xi[7] * d) +
        cz * (Xi[8] * a + Xi[9] * b + Xi[10] * cz + Xi[11] * d) +
        d * (Xi[12] * a + Xi[13] * b + Xi[14] * cz + Xi[15] * d);
      if (m > mmax) { mmax = m; jmax = i; }
      if (u[i] > 0 && m < mmin) { mmin = m; jmin = i; }
    }
    // Wolfe–Atwood away steps (Todd & Yildirim 2007): linear convergence instead of Khachiyan's sublinear
    const epsPlus = mmax / 4 - 1, epsMinus = 1 - mmin / 4;
    if (Math.max(epsPlus, epsMinus) < tol) break;
    let j: number, step: number;
    if (epsPlus >= epsMinus) { j = jmax; step = (mmax - 4) / (4 * (mmax - 1)); }
    else { j = jmin; step = -Math.min((4 - mmin) / (4 * (mmin - 1)), u[jmin] / (1 - u[jmin])); }
    for (let i = 0; i < n; i++) u[i] *= 1 - step;
    u[j] += step;
    if (u[j] < 1e-300) u[j] = 0;
    const o = 4 * j;
    for (let r = 0; r < 4; r++) for (let cc = 0; cc < 4; cc++) X[4 * r + cc] = (1 - step) * X[4 * r + cc] + step * q[o + r] * q[o + cc];
  }
  const c = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) c[k] += u[i] * q[4 * i + k];
  const S = new Float64Array(9);
  for (let i = 0; i < n; i++) for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) S[3 * r + k] += u[i] * (q[4 * i + r] - c[r]) * (q[4 * i + k] - c[k]);
  // A = (1/3) S^{-1}; semi-axes = 1/√eig(A) = √(3 eig(S))
  const Si = invert(3, S);
  if (!Si) return null;
  const A = Si.map((v) => v / 3);
  const e = symmetricEigen3(S);
  return { c: [c[0] + c0[0], c[1] + c0[1], c[2] + c0[2]], A, semiAxes: e.values.map((v) => Math.sqrt(3 * Math.max(0, v))) as [number, number, number] };
}

/** 2D convex hull (monotone chain) of points [x, y, …]; returns hull as flat array counter-clockwise. */
function hull2D(pts: number[]): number[] {
  const n = pts.length / 2;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => pts[2 * a] - pts[2 * b] || pts[2 * a + 1] - pts[2 * b + 1]);
  const cross = (o: number, a: number, b: number) =>
    (pts[2 * a] - pts[2 * o]) * (pts[2 * b + 1] - pts[2 * o + 1]) - (pts[2 * a + 1] - pts[2 * o + 1]) * (pts[2 * b] - pts[2 * o]);
  const lower: number[] = [], upper: number[] = [];
  for (const i of idx) { while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], i) <= 1e-12) lower.pop(); lower.push(i); }
  for (let k = idx.length - 1; k >= 0; k--) { const i = idx[k]; while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], i) <= 1e-12) upper.pop(); upper.push(i); }
  const h = lower.slice(0, -1).concat(upper.slice(0, -1));
  return h.flatMap((i) => [pts[2 * i], pts[2 * i + 1]]);
}

/**
 * Approximate oriented minimum bounding box (OMBB) of points: for every distinct hull-face normal n (and the
 * PCA axes), the points are projected on the plane ⊥ n and the minimum-area enclosing rectangle is found by
 * rotating calipers over the 2D hull edges; the box of least volume wins. This is exact when one box face
 * is flush with a hull face (O'Rourke's theorem says two box faces are flush with hull edges, so it can be
 * slightly larger than the true OMBB — IBSI allows approximations and publishes no reference value).
 * To bound the cost on large hulls only the `maxNormals` distinct normals with the largest total face area
 * are tried (default 128), plus `extraNormals`.
 * Returns the box extents sorted descending, or null when fewer than 4 points.
 */
export function orientedMinimumBoundingBox(points: ArrayLike<number>, faces: ArrayLike<number>, extraNormals: number[][] = [], maxNormals = 128): [number, number, number] | null {
  const n = Math.floor(points.length / 3);
  if (n < 4) return null;
  const byKey = new Map<string, { n: number[]; area: number }>();
  for (let f = 0; f < faces.length; f += 3) {
    const a = 3 * faces[f], b = 3 * faces[f + 1], c = 3 * faces[f + 2];
    const ux = points[b] - points[a], uy = points[b + 1] - points[a + 1], uz = points[b + 2] - points[a + 2];
    const vx = points[c] - points[a], vy = points[c + 1] - points[a + 1], vz = points[c + 2] - points[a + 2];
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const l = Math.hypot(nx, ny, nz);
    if (!(l > 0)) continue;
    nx /= l; ny /= l; nz /= l;
    if (nx < 0 || (nx === 0 && (ny < 0 || (ny === 0 && nz < 0)))) { nx = -nx; ny = -ny; nz = -nz; }
    const key = `${nx.toFixed(6)},${ny.toFixed(6)},${nz.toFixed(6)}`;
    const e = byKey.get(key);
    if (e) e.area += l; else byKey.set(key, { n: [nx, ny, nz], area: l });
  }
  const normals: number[][] = [...extraNormals, ...[...byKey.values()].sort((a, b) => b.area - a.area).slice(0, maxNormals).map((e) => e.n)];
  let best: [number, number, number] | null = null, bestVol = Infinity;
  const proj: number[] = new Array(2 * n);
  for (const nrm of normals) {
    const t = Math.abs(nrm[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
    let e1 = [nrm[1] * t[2] - nrm[2] * t[1], nrm[2] * t[0] - nrm[0] * t[2], nrm[0] * t[1] - nrm[1] * t[0]];
    const l1 = Math.hypot(e1[0], e1[1], e1[2]);
    e1 = e1.map((v) => v / l1);
    const e2 = [nrm[1] * e1[2] - nrm[2] * e1[1], nrm[2] * e1[0] - nrm[0] * e1[2], nrm[0] * e1[1] - nrm[1] * e1[0]];
    let hmin = Infinity, hmax = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = points[3 * i], y = points[3 * i + 1], z = points[3 * i + 2];
      const h = x * nrm[0] + y * nrm[1] + z * nrm[2];
      if (h < hmin) hmin = h; if (h > hmax) hmax = h;
      proj[2 * i] = x * e1[0] + y * e1[1] + z * e1[2];
      proj[2 * i + 1] = x * e2[0] + y * e2[1] + z * e2[2];
    }
    const h2 = hull2D(proj);
    const m = h2.length / 2;
    for (let k = 0; k < m; k++) {
      let dx = h2[2 * ((k + 1) % m)] - h2[2 * k], dy = h2[2 * ((k + 1) % m) + 1] - h2[2 * k + 1];
      const l = Math.hypot(dx, dy);
      if (!(l > 0)) continue;
      dx /= l; dy /= l;
      let amin = Infinity, amax = -Infinity, bmin = Infinity, bmax = -Infinity;
      for (let j = 0; j < m; j++) {
        const a = h2[2 * j] * dx + h2[2 * j + 1] * dy, b = -h2[2 * j] * dy + h2[2 * j + 1] * dx;
        if (a < amin) amin = a; if (a > amax) amax = a; if (b < bmin) bmin = b; if (b > bmax) bmax = b;
      }
      const vol = (amax - amin) * (bmax - bmin) * (hmax - hmin);
      if (vol < bestVol) { bestVol = vol; best = [amax - amin, bmax - bmin, hmax - hmin].sort((p, q) => q - p) as [number, number, number]; }
    }
  }
  return best;
}

/** Maximum 3D diameter L0JK: the largest distance between two mesh vertices (taken over hull vertices). */
export function morphMaximumDiameter(points: ArrayLike<number>, vertexIndices?: ArrayLike<number>): number {
  const idx = vertexIndices ?? Int32Array.from({ length: points.length / 3 }, (_, i) => i);
  let best = 0;
  for (let i = 0; i < idx.length; i++) {
    const a = 3 * idx[i];
    const ax = points[a], ay = points[a + 1], az = points[a + 2];
    for (let j = i + 1; j < idx.length; j++) {
      const b = 3 * idx[j];
      const d = (points[b] - ax) ** 2 + (points[b + 1] - ay) ** 2 + (points[b + 2] - az) ** 2;
      if (d > best) best = d;
    }
  }
  return Math.sqrt(best);
}

/**
 * Moran's I (N365) and Geary's C (NPT7) over the voxels of the intensity mask with inverse-distance weights
 * w_kl = 1/‖x_k − x_l‖ (k ≠ l):
 *   I = N_v / Σ w · Σ w_kl (X_k − μ)(X_l − μ) / Σ (X_k − μ)²
 *   C = (N_v − 1) / (2 Σ w) · Σ w_kl (X_k − X_l)² / Σ (X_k − μ)²
 * The weight depends only on the voxel offset, so every pair sum is a convolution with the kernel
 * w(δ) = 1/‖δ‖ (w(0) = 0):  Σ w = m·(w∗m),  Σ w y_k y_l = y·(w∗y),  Σ w (X_k − X_l)² = 2 y²·(w∗m) − 2 y·(w∗y)
 * (y = X − μ on the mask, 0 elsewhere). They are computed exactly:
 *   - by 3D FFT on the zero-padded bounding box when it has ≤ 2^21 grid points and is cheaper than the pair
 *     sum (O(M log M), exact to rounding), or
 *   - by the direct O(N_v²) pair sum (no allocation per pair) for N_v ≤ `maxExact` otherwise;
 *   - above both limits, the direct sum on a deterministic pseudo-random subsample of `maxExact` voxels
 *     (`sampled: true`), since the exact sum grows quadratically.
 * Edge cases: N_v < 2 or a flat ROI (Σ (X_k − μ)² = 0) → NaN.
 */
export function morphMoranGeary(image: Image3D, intensityMask: Mask3D, maxExact = 10000, method: 'auto' | 'direct' | 'fft' = 'auto'): { moranI: number; gearyC: number; sampled: boolean } {
  const m = intensityMask.data;
  const [nx, ny] = image.dims;
  let n = 0;
  for (let i = 0; i < m.length; i++) if (m[i]) n++;
  if (n < 2) return { moranI: NaN, gearyC: NaN, sampled: false };
  let idx = new Int32Array(n);
  for (let i = 0, k = 0; i < m.length; i++) if (m[i]) idx[k++] = i;
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  let mu = 0;
  for (let k = 0; k < n; k++) {
    const i = idx[k];
    const x = i % nx, y = ((i - x) / nx) % ny, z = (i - x - nx * y) / (nx * ny);
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; if (z < z0) z0 = z; if (z > z1) z1 = z;
    mu += image.data[i];
  }
  mu /= n;
  let ss = 0;
  for (let k = 0; k < n; k++) ss += (image.data[idx[k]] - mu) ** 2;
  if (!(ss > 0)) return { moranI: NaN, gearyC: NaN, sampled: false };
  const bx = x1 - x0 + 1, by = y1 - y0 + 1, bz = z1 - z0 + 1;
  const [sx, sy, sz] = image.spacing;
  const P: [number, number, number] = [nextPow2(2 * bx - 1), nextPow2(2 * by - 1), nextPow2(2 * bz - 1)];
  const M = P[0] * P[1] * P[2];
  // cost model (measured): 3 transforms ≈ 20 ns·M log₂M, the pair sum ≈ 5 ns per pair (n²/2 pairs)
  const useFft = method === 'fft' || (method === 'auto' && M <= 1 << 21 && 8 * M * Math.log2(M) < n * n);
  let sw: number, sm: number, sg: number;
  let sampled = false;
  if (useFft) {
    // kernel with wrap-around offsets, mask and centred intensities on the padded grid
    const wr = new Float64Array(M), wi = new Float64Array(M);
    for (let c = 0; c < P[2]; c++) {
      const dz = c < bz ? c : c > P[2] - bz ? c - P[2] : NaN;
      if (Number.isNaN(dz)) continue;
      for (let b = 0; b < P[1]; b++) {
        const dy = b < by ? b : b > P[1] - by ? b - P[1] : NaN;
        if (Number.isNaN(dy)) continue;
        for (let a = 0; a < P[0]; a++) {
          const dx = a < bx ? a : a > P[0] - bx ? a - P[0] : NaN;
          if (Number.isNaN(dx)) continue;
          const d = Math.sqrt((dx * sx) ** 2 + (dy * sy) ** 2 + (dz * sz) ** 2);
          wr[a + P[0] * (b + P[1] * c)] = d > 0 ? 1 / d : 0;
        }
      }
    }
    fft3(wr, wi, P); // w is real and even, so its transform is real (wi ≈ 0)
    // pack the two real signals in one complex transform: z = m + i·y; since W is real,
    // IFFT(W·Z) = (w∗m) + i·(w∗y)
    const zr = new Float64Array(M), zi = new Float64Array(M);
    const pos = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      const x = i % nx, y = ((i - x) / nx) % ny, z = (i - x - nx * y) / (nx * ny);
      const q = x - x0 + P[0] * (y - y0 + P[1] * (z - z0));
      pos[k] = q;
      zr[q] = 1;
      zi[q] = image.data[i] - mu;
    }
    fft3(zr, zi, P);
    for (let q = 0; q < M; q++) { zr[q] *= wr[q]; zi[q] *= wr[q]; }
    fft3(zr, zi, P, true);
    sw = 0; sm = 0; let sy2 = 0;
    for (let k = 0; k < n; k++) {
      const q = pos[k];
      const y = image.data[idx[k]] - mu;
      sw += zr[q];
      sm += y * zi[q];
      sy2 += y * y * zr[q];
    }
    sg = 2 * sy2 - 2 * sm;
  } else {
    if (n > maxExact) {
      // partial Fisher–Yates with a fixed-seed LCG
      let s = 0x2545f491;
      for (let i = 0; i < maxExact; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = i + (s % (n - i));
        const t = idx[i]; idx[i] = idx[j]; idx[j] = t;
      }
      idx = idx.slice(0, maxExact);
      n = maxExact;
      sampled = true;
    }
    const ix = new Int32Array(n), iy = new Int32Array(n), iz = new Int32Array(n), v = new Float64Array(n);
    let mus = 0;
    for (let k = 0; k < n; k++) {
      const i = idx[k];
      const x = i % nx, y = ((i - x) / nx) % ny, z = (i - x - nx * y) / (nx * ny);
      ix[k] = x - x0; iy[k] = y - y0; iz[k] = z - z0;
      v[k] = image.data[i];
      mus += v[k];
    }
    mus /= n;
    ss = 0;
    for (let k = 0; k < n; k++) { v[k] -= mus; ss += v[k] * v[k]; }
    if (!(ss > 0)) return { moranI: NaN, gearyC: NaN, sampled };
    // a lookup table only while it stays cache-resident; random access into a large table is slower than sqrt
    const useTable = bx * by * bz <= 1 << 16;
    const inv = useTable ? new Float64Array(bx * by * bz) : new Float64Array(0);
    if (useTable) for (let c = 0; c < bz; c++) for (let b = 0; b < by; b++) for (let a = 0; a < bx; a++) {
      const dd = Math.sqrt((a * sx) ** 2 + (b * sy) ** 2 + (c * sz) ** 2);
      inv[a + bx * (b + by * c)] = dd > 0 ? 1 / dd : 0;
    }
    let w1 = 0, m1 = 0, g1 = 0;
    for (let k = 0; k < n; k++) {
      const xk = ix[k], yk = iy[k], zk = iz[k], vk = v[k];
      let swk = 0, smk = 0, sgk = 0;
      if (useTable) {
        for (let l = k + 1; l < n; l++) {
          const dx = ix[l] - xk, dy = iy[l] - yk, dz = iz[l] - zk;
          const w = inv[(dx < 0 ? -dx : dx) + bx * ((dy < 0 ? -dy : dy) + by * (dz < 0 ? -dz : dz))];
          const vl = v[l];
          const dv = vk - vl;
          swk += w; smk += w * vl; sgk += w * dv * dv;
        }
      } else {
        for (let l = k + 1; l < n; l++) {
          const dx = (ix[l] - xk) * sx, dy = (iy[l] - yk) * sy, dz = (iz[l] - zk) * sz;
          const w = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz);
          const vl = v[l];
          const dv = vk - vl;
          swk += w; smk += w * vl; sgk += w * dv * dv;
        }
      }
      w1 += swk; m1 += vk * smk; g1 += sgk;
    }
    // pairs counted once; the symmetric sums are twice these
    sw = 2 * w1; sm = 2 * m1; sg = 2 * g1;
  }
  return { moranI: (n / sw) * sm / ss, gearyC: ((n - 1) / (2 * sw)) * sg / ss, sampled };
}

export interface MorphologyOptions {
  /** voxel count above which Moran's I / Geary's C are estimated on a subsample (default 10000) */
  moranMaxVoxels?: number;
  /** false: skip Moran's I / Geary's C (NaN with a reason) */
  spatialAutocorrelation?: boolean;
}

/**
 * All 29 IBSI morphological features keyed by IBSI tag (`morph_volume`, …). `intensityMask` defaults to the
 * morphological mask. NaN values carry a reason in `reasons`.
 */
export function morphologyFeatures(image: Image3D, morphMask: Mask3D, intensityMask: Mask3D = morphMask, reasons: ReasonMap = {}, options: MorphologyOptions = {}): FeatureMap {
  const tags = [
    'morph_volume', 'morph_vol_approx', 'morph_area_mesh', 'morph_av', 'morph_comp_1', 'morph_comp_2', 'morph_sph_dispr',
    'morph_sphericity', 'morph_asphericity', 'morph_com', 'morph_diam', 'morph_pca_maj_axis', 'morph_pca_min_axis',
    'morph_pca_least_axis', 'morph_pca_elongation', 'morph_pca_flatness', 'morph_vol_dens_aabb', 'morph_area_dens_aabb',
    'morph_vol_dens_ombb', 'morph_area_dens_ombb', 'morph_vol_dens_aee', 'morph_area_dens_aee', 'morph_vol_dens_mvee',
    'morph_area_dens_mvee', 'morph_vol_dens_conv_hull', 'morph_area_dens_conv_hull', 'morph_integ_int', 'morph_moran_i',
    'morph_geary_c',
  ];
  const f: FeatureMap = {};
  let nv = 0;
  for (let i = 0; i < morphMask.data.length; i++) if (morphMask.data[i]) nv++;
  if (!nv) {
    for (const t of tags) { f[t] = NaN; reasons[t] = 'empty ROI (morphological mask has no voxel)'; }
    return f;
  }
  const sp = morphMask.spacing;
  const { volume: V, area: A } = marchingCubesMeasures(morphMask, sp);
  f.morph_volume = V;
  f.morph_vol_approx = morphVoxelVolume(nv, sp);
  f.morph_area_mesh = A;
  f.morph_av = morphSurfaceToVolume(A, V);
  f.morph_comp_1 = morphCompactness1(A, V);
  f.morph_comp_2 = morphCompactness2(A, V);
  f.morph_sph_dispr = morphSphericalDisproportion(A, V);
  f.morph_sphericity = morphSphericity(A, V);
  f.morph_asphericity = morphAsphericity(A, V);
  f.morph_com = morphCentreOfMassShift(image, morphMask, intensityMask);
  if (Number.isNaN(f.morph_com)) reasons.morph_com = 'intensity mask is empty or its intensities sum to 0';

  // hull on doubled-index integer points, scaled to mm
  const cand = hullCandidatePoints(morphMask);
  const hull = convexHull3D(cand);
  const scale: [number, number, number] = [sp[0] / 2, sp[1] / 2, sp[2] / 2];
  const phys = new Float64Array(cand.length);
  for (let i = 0; i < cand.length; i++) phys[i] = cand[i] * scale[i % 3];
  if (hull) {
    f.morph_diam = morphMaximumDiameter(phys, hull.vertices);
    const hv = hullVolumeArea(cand, hull, scale);
    f.morph_vol_dens_conv_hull = V / hv.volume;
    f.morph_area_dens_conv_hull = A / hv.area;
  } else {
    f.morph_diam = morphMaximumDiameter(phys);
    f.morph_vol_dens_conv_hull = f.morph_area_dens_conv_hull = NaN;
    reasons.morph_vol_dens_conv_hull = reasons.morph_area_dens_conv_hull = 'convex hull is degenerate';
  }

  const eig = morphPcaEigen(morphMask)!;
  const [lMaj, lMin, lLeast] = eig.values;
  f.morph_pca_maj_axis = morphMajorAxisLength(lMaj);
  f.morph_pca_min_axis = morphMinorAxisLength(lMin);
  f.morph_pca_least_axis = morphLeastAxisLength(lLeast);
  f.morph_pca_elongation = morphElongation(lMaj, lMin);
  f.morph_pca_flatness = morphFlatness(lMaj, lLeast);
  if (Number.isNaN(f.morph_pca_elongation)) reasons.morph_pca_elongation = reasons.morph_pca_flatness = 'single-voxel ROI: λ_major = 0';

  // axis-aligned bounding box of the mesh: the voxel bounding box (mesh vertices sit half a voxel out)
  let bx0 = Infinity, by0 = Infinity, bz0 = Infinity, bx1 = -Infinity, by1 = -Infinity, bz1 = -Infinity;
  for (let i = 0; i < cand.length; i += 3) {
    bx0 = Math.min(bx0, phys[i]); bx1 = Math.max(bx1, phys[i]);
    by0 = Math.min(by0, phys[i + 1]); by1 = Math.max(by1, phys[i + 1]);
    bz0 = Math.min(bz0, phys[i + 2]); bz1 = Math.max(bz1, phys[i + 2]);
  }
  const ax = bx1 - bx0, ay = by1 - by0, az = bz1 - bz0;
  f.morph_vol_dens_aabb = V / (ax * ay * az);
  f.morph_area_dens_aabb = A / (2 * (ax * ay + ay * az + az * ax));

  if (hull) {
    const hp = new Float64Array(3 * hull.vertices.length);
    hull.vertices.forEach((vi, k) => { hp[3 * k] = phys[3 * vi]; hp[3 * k + 1] = phys[3 * vi + 1]; hp[3 * k + 2] = phys[3 * vi + 2]; });
    const remap = new Map<number, number>();
    hull.vertices.forEach((vi, k) => remap.set(vi, k));
    const hf = Int32Array.from(hull.faces, (vi) => remap.get(vi)!);
    const box = orientedMinimumBoundingBox(hp, hf, eig.vectors);
    if (box) {
      f.morph_vol_dens_ombb = V / (box[0] * box[1] * box[2]);
      f.morph_area_dens_ombb = A / (2 * (box[0] * box[1] + box[1] * box[2] + box[2] * box[0]));
    }
    const mv = minimumVolumeEnclosingEllipsoid(hp);
    if (mv && mv[2] > 0) {
      f.morph_vol_dens_mvee = V / ((4 * Math.PI * mv[0] * mv[1] * mv[2]) / 3);
      f.morph_area_dens_mvee = A / ellipsoidSurfaceArea(mv[0], mv[1], mv[2]);
    }
  }
  for (const t of ['morph_vol_dens_ombb', 'morph_area_dens_ombb', 'morph_vol_dens_mvee', 'morph_area_dens_mvee']) {
    if (f[t] === undefined) { f[t] = NaN; reasons[t] = 'convex hull is degenerate'; }
  }

  f.morph_vol_dens_aee = morphVolumeDensityAee(V, eig.values);
  f.morph_area_dens_aee = morphAreaDensityAee(A, eig.values);
  if (Number.isNaN(f.morph_vol_dens_aee)) reasons.morph_vol_dens_aee = reasons.morph_area_dens_aee = 'λ_least = 0: the ROI is flat, the ellipsoid has no volume';

  let sum = 0, ni = 0;
  for (let i = 0; i < intensityMask.data.length; i++) if (intensityMask.data[i]) { sum += image.data[i]; ni++; }
  f.morph_integ_int = ni ? V * (sum / ni) : NaN;
  if (!ni) reasons.morph_integ_int = 'empty intensity mask';
  const mg = options.spatialAutocorrelation === false ? { moranI: NaN, gearyC: NaN, sampled: false } : morphMoranGeary(image, intensityMask, options.moranMaxVoxels ?? 10000);
  f.morph_moran_i = mg.moranI;
  f.morph_geary_c = mg.gearyC;
  if (options.spatialAutocorrelation === false) reasons.morph_moran_i = reasons.morph_geary_c = 'disabled by settings (spatialAutocorrelation: off)';
  else if (Number.isNaN(mg.moranI)) reasons.morph_moran_i = reasons.morph_geary_c = ni < 2 ? 'fewer than 2 voxels in the intensity mask' : 'flat ROI: intensity variance is 0';
  const out: FeatureMap = {};
  for (const t of tags) out[t] = f[t];
  return out;
}
