import type { Vec3 } from './types';
/** `Math` captured in module scope: global lookups are slow inside Jest's vm context (hot loops). */
const M = Math;

/**
 * Signed-distance helpers (mm; negative inside). Exact for spheres and capsules; the ellipsoid uses the
 * standard first-order bound d ≈ k0 (k0 − 1) / k1 (Quílez), accurate near the surface, which is where the
 * partial-volume weights need it.
 */

/** Approximate SDF of an axis-aligned ellipsoid centred at c with semi-axes r. */
export function ellipsoidSdf(x: number, y: number, z: number, c: Vec3, r: Vec3): number {
  const px = (x - c[0]) / r[0];
  const py = (y - c[1]) / r[1];
  const pz = (z - c[2]) / r[2];
  const k0 = M.sqrt(px * px + py * py + pz * pz);
  const qx = px / r[0];
  const qy = py / r[1];
  const qz = pz / r[2];
  const k1 = M.sqrt(qx * qx + qy * qy + qz * qz);
  if (k1 === 0) return -M.min(r[0], r[1], r[2]);
  return (k0 * (k0 - 1)) / k1;
}

/** Approximate SDF of an elliptic cylinder along z (semi-axes rx, ry) centred at (cx, cy). */
export function ellipseSdf2(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const px = (x - cx) / rx;
  const py = (y - cy) / ry;
  const k0 = M.sqrt(px * px + py * py);
  const qx = px / rx;
  const qy = py / ry;
  const k1 = M.sqrt(qx * qx + qy * qy);
  if (k1 === 0) return -M.min(rx, ry);
  return (k0 * (k0 - 1)) / k1;
}

/** Exact SDF of a tapered capsule from a (radius ra) to b (radius rb) — a vessel segment (linear taper). */
export function capsuleSdf(x: number, y: number, z: number, a: Vec3, b: Vec3, ra: number, rb: number): number {
  const bax = b[0] - a[0], bay = b[1] - a[1], baz = b[2] - a[2];
  const pax = x - a[0], pay = y - a[1], paz = z - a[2];
  const len2 = bax * bax + bay * bay + baz * baz;
  let h = len2 > 0 ? (pax * bax + pay * bay + paz * baz) / len2 : 0;
  h = h < 0 ? 0 : h > 1 ? 1 : h;
  const dx = pax - bax * h, dy = pay - bay * h, dz = paz - baz * h;
  return M.sqrt(dx * dx + dy * dy + dz * dz) - (ra + (rb - ra) * h);
}

/** Polynomial smooth minimum (blend width k, mm). */
export function smin(a: number, b: number, k: number): number {
  const h = M.max(k - M.abs(a - b), 0) / k;
  return M.min(a, b) - (h * h * k) / 4;
}

/** Partial-volume occupancy of a voxel of size w (mm) whose centre is at signed distance d: clamp(½ − d/w). */
export function occupancy(d: number, w: number): number {
  const a = 0.5 - d / w;
  return a <= 0 ? 0 : a >= 1 ? 1 : a;
}
