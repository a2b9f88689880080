/**
 * 3D convex hull of integer points (incremental algorithm with exact orientation tests).
 *
 * Mesh vertices of a voxel mask lie on a half-voxel lattice, so in doubled voxel-index units they are
 * integers and every orientation determinant is computed exactly in double precision (|coordinates| < 2^16
 * keeps products below 2^53). That makes the hull robust on the many coplanar points of voxel data. The
 * hull of anisotropically scaled points is the scaled hull, so physical spacing is applied afterwards.
 *
 * Quickhull-style outside sets: each point waits on one face that sees it and is dropped once no face
 * sees it, so interior points cost a few orientation tests; each hull vertex costs a scan of the faces.
 * Callers pass only candidate points (see `hullCandidatePoints`).
 */

export interface Hull {
  /** triangles as vertex indices into the input, outward-oriented (counter-clockwise seen from outside) */
  faces: Int32Array;
  /** indices of the input points that are hull vertices */
  vertices: Int32Array;
}

function orient(p: ArrayLike<number>, a: number, b: number, c: number, d: number): number {
  const ax = p[3 * a], ay = p[3 * a + 1], az = p[3 * a + 2];
  const bx = p[3 * b] - ax, by = p[3 * b + 1] - ay, bz = p[3 * b + 2] - az;
  const cx = p[3 * c] - ax, cy = p[3 * c + 1] - ay, cz = p[3 * c + 2] - az;
  const dx = p[3 * d] - ax, dy = p[3 * d + 1] - ay, dz = p[3 * d + 2] - az;
  return bx * (cy * dz - cz * dy) - by * (cx * dz - cz * dx) + bz * (cx * dy - cy * dx);
}

/**
 * Convex hull of points `p` = [x, y, z, …] (integers, |v| < 65536). Returns null when the points do not span
 * 3D (fewer than 4 points, or all coplanar).
 */
export function convexHull3D(p: ArrayLike<number>): Hull | null {
  const n = Math.floor(p.length / 3);
  if (n < 4) return null;
  // initial simplex
  let i0 = 0;
  for (let i = 1; i < n; i++) if (p[3 * i] < p[3 * i0]) i0 = i;
  const d2 = (a: number, b: number) => (p[3 * a] - p[3 * b]) ** 2 + (p[3 * a + 1] - p[3 * b + 1]) ** 2 + (p[3 * a + 2] - p[3 * b + 2]) ** 2;
  let i1 = -1, best = 0;
  for (let i = 0; i < n; i++) { const v = d2(i0, i); if (v > best) { best = v; i1 = i; } }
  if (i1 < 0) return null;
  let i2 = -1; best = 0;
  for (let i = 0; i < n; i++) {
    const ux = p[3 * i1] - p[3 * i0], uy = p[3 * i1 + 1] - p[3 * i0 + 1], uz = p[3 * i1 + 2] - p[3 * i0 + 2];
    const vx = p[3 * i] - p[3 * i0], vy = p[3 * i + 1] - p[3 * i0 + 1], vz = p[3 * i + 2] - p[3 * i0 + 2];
    const a = (uy * vz - uz * vy) ** 2 + (uz * vx - ux * vz) ** 2 + (ux * vy - uy * vx) ** 2;
    if (a > best) { best = a; i2 = i; }
  }
  if (i2 < 0) return null;
  let i3 = -1; best = 0;
  for (let i = 0; i < n; i++) { const v = Math.abs(orient(p, i0, i1, i2, i)); if (v > best) { best = v; i3 = i; } }
  if (i3 < 0) return null;

  // faces in growable typed arrays with an alive flag; dead faces are compacted away when they dominate
  let cap = 64;
  let F = new Int32Array(3 * cap);
  let alive = new Uint8Array(cap);
  let nf = 0, nAlive = 0;
  // directed edge (a → b) → the face that contains it: neighbours for the visible-region search
  const edgeFace = new Map<number, number>();
  const push = (a: number, b: number, c: number) => {
    if (nf === cap) {
      cap *= 2;
      const F2 = new Int32Array(3 * cap); F2.set(F); F = F2;
      const A2 = new Uint8Array(cap); A2.set(alive); alive = A2;
    }
    F[3 * nf] = a; F[3 * nf + 1] = b; F[3 * nf + 2] = c; alive[nf] = 1;
    edgeFace.set(a * n + b, nf); edgeFace.set(b * n + c, nf); edgeFace.set(c * n + a, nf);
    nf++; nAlive++;
  };
  const addFace = (a: number, b: number, c: number, inner: number) => {
    if (orient(p, a, b, c, inner) > 0) push(a, c, b); else push(a, b, c);
  };
  addFace(i0, i1, i2, i3); addFace(i0, i1, i3, i2); addFace(i0, i2, i3, i1); addFace(i1, i2, i3, i0);

  // Quickhull-style outside sets: every point waits on one face that sees it; interior points are dropped.
  // `pending` holds the faces whose outside set is non-empty; dead faces are compacted away periodically.
  let outside: (number[] | undefined)[] = [];
  let pending: number[] = [];
  const assign = (q: number, from: number, to: number) => {
    for (let f = from; f < to; f++) {
      if (alive[f] && orient(p, F[3 * f], F[3 * f + 1], F[3 * f + 2], q) > 0) {
        const set = outside[f];
        if (set) set.push(q); else { outside[f] = [q]; pending.push(f); }
        return;
      }
    }
  };
  for (let q = 0; q < n; q++) if (q !== i0 && q !== i1 && q !== i2 && q !== i3) assign(q, 0, nf);

  const edges = new Map<number, number>();
  let visible = new Int32Array(64);
  const orphans: number[] = [];
  const seen = new Map<number, number>();
  let seenMark = 0;
  while (pending.length) {
    const f0 = pending.pop()!;
    const set = outside[f0];
    if (!alive[f0] || !set || !set.length) continue;
    // eye: the point of the set farthest from the face plane
    let eye = set[0], best = -Infinity;
    for (const q of set) { const o = orient(p, F[3 * f0], F[3 * f0 + 1], F[3 * f0 + 2], q); if (o > best) { best = o; eye = q; } }
    // visible region: breadth-first search from f0 over edge-adjacent faces (it is connected on a convex hull)
    let nv = 0;
    seenMark++;
    visible[nv++] = f0;
    seen.set(f0, seenMark);
    for (let h = 0; h < nv; h++) {
      const f = visible[h];
      for (let e = 0; e < 3; e++) {
        const a = F[3 * f + e], b = F[3 * f + ((e + 1) % 3)];
        const g = edgeFace.get(b * n + a);
        if (g === undefined || !alive[g] || seen.get(g) === seenMark) continue;
        seen.set(g, seenMark);
        if (orient(p, F[3 * g], F[3 * g + 1], F[3 * g + 2], eye) <= 0) continue;
        if (nv === visible.length) { const v2 = new Int32Array(2 * nv); v2.set(visible); visible = v2; }
        visible[nv++] = g;
      }
    }
    edges.clear();
    orphans.length = 0;
    for (let k = 0; k < nv; k++) {
      const f = visible[k];
      const a = F[3 * f], b = F[3 * f + 1], c = F[3 * f + 2];
      edges.set(a * n + b, 1); edges.set(b * n + c, 1); edges.set(c * n + a, 1);
      for (const key of [a * n + b, b * n + c, c * n + a]) if (edgeFace.get(key) === f) edgeFace.delete(key);
      alive[f] = 0;
      nAlive--;
      const os = outside[f];
      if (os) { for (const q of os) if (q !== eye) orphans.push(q); outside[f] = undefined; }
    }
    const first = nf;
    for (const key of edges.keys()) {
      const u = Math.floor(key / n), v = key - u * n;
      if (!edges.has(v * n + u)) push(u, v, eye);
    }
    for (const q of orphans) assign(q, first, nf);
    if (nf > 3 * nAlive + 64) {
      // compact: drop dead faces, move their outside sets, rebuild the pending list
      const out2: (number[] | undefined)[] = [];
      let w = 0;
      for (let f = 0; f < nf; f++) {
        if (!alive[f]) continue;
        F[3 * w] = F[3 * f]; F[3 * w + 1] = F[3 * f + 1]; F[3 * w + 2] = F[3 * f + 2];
        alive[w] = 1;
        out2[w] = outside[f];
        w++;
      }
      for (let f = w; f < nf; f++) alive[f] = 0;
      nf = w;
      outside = out2;
      edgeFace.clear();
      seen.clear();
      for (let f = 0; f < nf; f++) {
        const a = F[3 * f], b = F[3 * f + 1], c = F[3 * f + 2];
        edgeFace.set(a * n + b, f); edgeFace.set(b * n + c, f); edgeFace.set(c * n + a, f);
      }
      pending = [];
      for (let f = 0; f < nf; f++) if (outside[f]?.length) pending.push(f);
    }
  }
  const fa: number[] = [], fb: number[] = [], fc: number[] = [];
  for (let f = 0; f < nf; f++) if (alive[f]) { fa.push(F[3 * f]); fb.push(F[3 * f + 1]); fc.push(F[3 * f + 2]); }
  const faces = new Int32Array(3 * fa.length);
  const isV = new Uint8Array(n);
  for (let f = 0; f < fa.length; f++) {
    faces[3 * f] = fa[f]; faces[3 * f + 1] = fb[f]; faces[3 * f + 2] = fc[f];
    isV[fa[f]] = isV[fb[f]] = isV[fc[f]] = 1;
  }
  const vertices: number[] = [];
  for (let i = 0; i < n; i++) if (isV[i]) vertices.push(i);
  return { faces, vertices: Int32Array.from(vertices) };
}

/** Volume and surface area of a hull whose points are scaled per axis by `scale` (e.g. spacing / 2). */
export function hullVolumeArea(p: ArrayLike<number>, hull: Hull, scale: readonly [number, number, number]): { volume: number; area: number } {
  const [sx, sy, sz] = scale;
  const f = hull.faces;
  let v6 = 0, a2 = 0;
  for (let k = 0; k < f.length; k += 3) {
    const a = 3 * f[k], b = 3 * f[k + 1], c = 3 * f[k + 2];
    const ax = p[a] * sx, ay = p[a + 1] * sy, az = p[a + 2] * sz;
    const bx = p[b] * sx, by = p[b + 1] * sy, bz = p[b + 2] * sz;
    const cx = p[c] * sx, cy = p[c + 1] * sy, cz = p[c + 2] * sz;
    v6 += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
    const ux = bx - ax, uy = by - ay, uz = bz - az, vx = cx - ax, vy = cy - ay, vz = cz - az;
    a2 += Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
  }
  return { volume: v6 / 6, area: a2 / 2 };
}
