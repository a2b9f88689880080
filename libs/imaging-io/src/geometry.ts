import type { Mat3, Vec3 } from './types';

/**
 * Geometry helpers shared by the readers: conversion between a 4×4 voxel→world affine (columns scaled
 * by spacing) and the (spacing, origin, direction) triple, and RAS ↔ LPS flips.
 */

/** Columns (c = 0..2) of a 3×3 matrix given as three row arrays. */
export interface AffineParts {
  spacing: Vec3;
  origin: Vec3;
  direction: Mat3;
}

/**
 * Splits a linear part `m` (row-major 3×3, columns = index axes scaled by spacing) and an offset into
 * spacing (column norms), unit direction columns, and origin. A zero column gets `fallbackSpacing[c]`
 * and the corresponding identity axis.
 */
export function splitAffine(m: ArrayLike<number>, offset: Vec3, fallbackSpacing: Vec3 = [1, 1, 1]): AffineParts {
  const spacing = [0, 0, 0];
  const dir = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (let c = 0; c < 3; c++) {
    const n = Math.hypot(m[c], m[3 + c], m[6 + c]);
    if (n > 0 && Number.isFinite(n)) {
      spacing[c] = n;
      for (let r = 0; r < 3; r++) dir[3 * r + c] = m[3 * r + c] / n + 0; // + 0 turns -0 into 0
    } else {
      spacing[c] = fallbackSpacing[c] > 0 ? fallbackSpacing[c] : 1;
      dir[3 * c + c] = 1;
    }
  }
  return {
    spacing: [spacing[0], spacing[1], spacing[2]],
    origin: [offset[0] + 0, offset[1] + 0, offset[2] + 0],
    direction: dir as unknown as Mat3,
  };
}

/** Flips the x and y rows (RAS ↔ LPS) of a row-major 3×3 matrix. */
export function flipXYRows(m: ArrayLike<number>): number[] {
  return [-m[0], -m[1], -m[2], -m[3], -m[4], -m[5], m[6], m[7], m[8]];
}

/** Flips x and y of a point (RAS ↔ LPS). */
export function flipXY(p: Vec3): Vec3 {
  return [-p[0] || 0, -p[1] || 0, p[2]];
}

/** Determinant of a row-major 3×3 matrix. */
export function det3(m: ArrayLike<number>): number {
  return (
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
  );
}

/** Cross product a × b. */
export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Dot product. */
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Column c of a row-major 3×3 matrix. */
export function column(m: Mat3, c: number): Vec3 {
  return [m[c], m[3 + c], m[6 + c]];
}

/**
 * Unit quaternion (b, c, d) and qfac of a rotation-or-reflection matrix, as `nifti_mat44_to_quatern`
 * (NIfTI-1 reference implementation): when det < 0 the third column is negated and qfac = −1.
 * Input: row-major orthonormal 3×3.
 */
export function matToQuatern(m: ArrayLike<number>): { b: number; c: number; d: number; qfac: number } {
  const r11 = m[0], r12 = m[1], r21 = m[3], r22 = m[4], r31 = m[6], r32 = m[7];
  let r13 = m[2], r23 = m[5], r33 = m[8];
  let qfac = 1;
  if (det3(m) < 0) {
    qfac = -1;
    r13 = -r13;
    r23 = -r23;
    r33 = -r33;
  }
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac };
}

/** Rotation matrix (row-major) of the quaternion (a, b, c, d) with a = √(1 − b² − c² − d²). */
export function quaternToMat(b: number, c: number, d: number): number[] {
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // nifti1_io: a is taken as 0 and (b, c, d) renormalised
    const s = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= s;
    c *= s;
    d *= s;
    a = 0;
  } else a = Math.sqrt(a);
  return [
    a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
    2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b),
    2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b,
  ];
}
