/**
 * The PyRadiomics 3.1 `shape` mesh: marching cubes on the binary mask with the vertices at edge midpoints, the
 * complement symmetry of PyRadiomics' C extension (`cshape`), the signed-tetrahedron volume, the triangle
 * area sum, and the maximum diameters between mesh vertices.
 *
 * What PyRadiomics does (from its documentation and C sources, re-implemented here, no code copied):
 *  - the mask is padded by one zero voxel on every side; every 2×2×2 cube of voxels is indexed by its 8
 *    corners, corner k at (dz, dy, dx) = CORNERS[k] (arrays are (z, y, x) in PyRadiomics);
 *  - a cube whose corner 7 is inside is replaced by its complement (bits flipped) and its signed volume
 *    contribution negated, so only the 128 configurations with corner 7 outside need triangles;
 *  - those come from a 128-row triangle table. Ours is GENERATED from the first half of Paul Bourke's
 *    public-domain table by one rule (`pyradiomicsRow`): a configuration whose inside corners form several
 *    edge-connected groups is triangulated as the union of the rows of each group alone; a single group keeps
 *    its row. Bourke's own table fans 15 multi-group rows differently from its single-group rows (e.g. the
 *    pentagon of configuration 30 ≠ that of 14); PyRadiomics' table follows the rule in 14 of them and keeps
 *    Bourke's row 58 (so do we: `PYRADIOMICS_KEEPS_BOURKE_ROW`). Verified offline, triangle by triangle with
 *    orientation, against the table in PyRadiomics' `radiomics/src/cshape.c` (read, not copied): identical in
 *    127 of 128 rows; row 51 (one planar quad) uses the other diagonal, which changes no area or volume.
 *  - volume = Σ sign · (a × b) · c / 6 with the vertex coordinates in (z, y, x) order and physical units;
 *    area = Σ |(a − c) × (b − c)| / 2.
 *  - diameters: the vertices on the three edges at corner 7 of every cube (so every lattice edge between an
 *    ROI voxel and a non-ROI 6-neighbour contributes its midpoint once); Maximum3DDiameter is the largest
 *    pairwise distance, Maximum2DDiameterSlice/Column/Row the largest between vertices with equal z/y/x.
 *
 * Triangle table source: Paul Bourke's "Polygonising a scalar field" (1994), triangulation by Cory Gene Bloyd,
 * released into the public domain. Edge e joins corners EDGES[e].
 *
 * Verified against PyRadiomics' own published baseline values (brain1, brain2, breast1 of the PyRadiomics
 * repository: `src/pyradiomics-parity.spec.ts`) and against a public PyRadiomics 3.1.0 run on brain1
 * (`features/mesh.spec.ts`). brain1's MeshVolume and SurfaceArea differ from the repository baseline (1.2e−4 and
 * 7.9e−4 relative) because that baseline was computed by a PyRadiomics 2.0.1 development build; PyRadiomics
 * 3.1.0 gives our values (to 1e−14), and so does PyRadiomics' own table run through this module.
 */
import type { Dims3, Mask3D } from '../types';

/** Cube corners (dz, dy, dx), PyRadiomics' order. */
export const PYRADIOMICS_CORNERS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0], [0, 0, 1], [0, 1, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 1], [1, 1, 0],
];

/** Bourke's 12 edges as corner pairs. */
const EDGES: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7],
];

/** Bourke's triangle table, rows 0..127 (configurations with corner 7 outside); public domain. Input of `pyradiomicsRow`. */
const BOURKE_LOWER: ReadonlyArray<readonly number[]> = [
  [], [0, 8, 3], [0, 1, 9], [1, 8, 3, 9, 8, 1],
  [1, 2, 10], [0, 8, 3, 1, 2, 10], [9, 2, 10, 0, 2, 9], [2, 8, 3, 2, 10, 8, 10, 9, 8],
  [3, 11, 2], [0, 11, 2, 8, 11, 0], [1, 9, 0, 2, 3, 11], [1, 11, 2, 1, 9, 11, 9, 8, 11],
  [3, 10, 1, 11, 10, 3], [0, 10, 1, 0, 8, 10, 8, 11, 10], [3, 9, 0, 3, 11, 9, 11, 10, 9], [9, 8, 10, 10, 8, 11],
  [4, 7, 8], [4, 3, 0, 7, 3, 4], [0, 1, 9, 8, 4, 7], [4, 1, 9, 4, 7, 1, 7, 3, 1],
  [1, 2, 10, 8, 4, 7], [3, 4, 7, 3, 0, 4, 1, 2, 10], [9, 2, 10, 9, 0, 2, 8, 4, 7], [2, 10, 9, 2, 9, 7, 2, 7, 3, 7, 9, 4],
  [8, 4, 7, 3, 11, 2], [11, 4, 7, 11, 2, 4, 2, 0, 4], [9, 0, 1, 8, 4, 7, 2, 3, 11], [4, 7, 11, 9, 4, 11, 9, 11, 2, 9, 2, 1],
  [3, 10, 1, 3, 11, 10, 7, 8, 4], [1, 11, 10, 1, 4, 11, 1, 0, 4, 7, 11, 4], [4, 7, 8, 9, 0, 11, 9, 11, 10, 11, 0, 3], [4, 7, 11, 4, 11, 9, 9, 11, 10],
  [9, 5, 4], [9, 5, 4, 0, 8, 3], [0, 5, 4, 1, 5, 0], [8, 5, 4, 8, 3, 5, 3, 1, 5],
  [1, 2, 10, 9, 5, 4], [3, 0, 8, 1, 2, 10, 4, 9, 5], [5, 2, 10, 5, 4, 2, 4, 0, 2], [2, 10, 5, 3, 2, 5, 3, 5, 4, 3, 4, 8],
  [9, 5, 4, 2, 3, 11], [0, 11, 2, 0, 8, 11, 4, 9, 5], [0, 5, 4, 0, 1, 5, 2, 3, 11], [2, 1, 5, 2, 5, 8, 2, 8, 11, 4, 8, 5],
  [10, 3, 11, 10, 1, 3, 9, 5, 4], [4, 9, 5, 0, 8, 1, 8, 10, 1, 8, 11, 10], [5, 4, 0, 5, 0, 11, 5, 11, 10, 11, 0, 3], [5, 4, 8, 5, 8, 10, 10, 8, 11],
  [9, 7, 8, 5, 7, 9], [9, 3, 0, 9, 5, 3, 5, 7, 3], [0, 7, 8, 0, 1, 7, 1, 5, 7], [1, 5, 3, 3, 5, 7],
  [9, 7, 8, 9, 5, 7, 10, 1, 2], [10, 1, 2, 9, 5, 0, 5, 3, 0, 5, 7, 3], [8, 0, 2, 8, 2, 5, 8, 5, 7, 10, 5, 2], [2, 10, 5, 2, 5, 3, 3, 5, 7],
  [7, 9, 5, 7, 8, 9, 3, 11, 2], [9, 5, 7, 9, 7, 2, 9, 2, 0, 2, 7, 11], [2, 3, 11, 0, 1, 8, 1, 7, 8, 1, 5, 7], [11, 2, 1, 11, 1, 7, 7, 1, 5],
  [9, 5, 8, 8, 5, 7, 10, 1, 3, 10, 3, 11], [5, 7, 0, 5, 0, 9, 7, 11, 0, 1, 0, 10, 11, 10, 0], [11, 10, 0, 11, 0, 3, 10, 5, 0, 8, 0, 7, 5, 7, 0], [11, 10, 5, 7, 11, 5],
  [10, 6, 5], [0, 8, 3, 5, 10, 6], [9, 0, 1, 5, 10, 6], [1, 8, 3, 1, 9, 8, 5, 10, 6],
  [1, 6, 5, 2, 6, 1], [1, 6, 5, 1, 2, 6, 3, 0, 8], [9, 6, 5, 9, 0, 6, 0, 2, 6], [5, 9, 8, 5, 8, 2, 5, 2, 6, 3, 2, 8],
  [2, 3, 11, 10, 6, 5], [11, 0, 8, 11, 2, 0, 10, 6, 5], [0, 1, 9, 2, 3, 11, 5, 10, 6], [5, 10, 6, 1, 9, 2, 9, 11, 2, 9, 8, 11],
  [6, 3, 11, 6, 5, 3, 5, 1, 3], [0, 8, 11, 0, 11, 5, 0, 5, 1, 5, 11, 6], [3, 11, 6, 0, 3, 6, 0, 6, 5, 0, 5, 9], [6, 5, 9, 6, 9, 11, 11, 9, 8],
  [5, 10, 6, 4, 7, 8], [4, 3, 0, 4, 7, 3, 6, 5, 10], [1, 9, 0, 5, 10, 6, 8, 4, 7], [10, 6, 5, 1, 9, 7, 1, 7, 3, 7, 9, 4],
  [6, 1, 2, 6, 5, 1, 4, 7, 8], [1, 2, 5, 5, 2, 6, 3, 0, 4, 3, 4, 7], [8, 4, 7, 9, 0, 5, 0, 6, 5, 0, 2, 6], [7, 3, 9, 7, 9, 4, 3, 2, 9, 5, 9, 6, 2, 6, 9],
  [3, 11, 2, 7, 8, 4, 10, 6, 5], [5, 10, 6, 4, 7, 2, 4, 2, 0, 2, 7, 11], [0, 1, 9, 4, 7, 8, 2, 3, 11, 5, 10, 6], [9, 2, 1, 9, 11, 2, 9, 4, 11, 7, 11, 4, 5, 10, 6],
  [8, 4, 7, 3, 11, 5, 3, 5, 1, 5, 11, 6], [5, 1, 11, 5, 11, 6, 1, 0, 11, 7, 11, 4, 0, 4, 11], [0, 5, 9, 0, 6, 5, 0, 3, 6, 11, 6, 3, 8, 4, 7], [6, 5, 9, 6, 9, 11, 4, 7, 9, 7, 11, 9],
  [10, 4, 9, 6, 4, 10], [4, 10, 6, 4, 9, 10, 0, 8, 3], [10, 0, 1, 10, 6, 0, 6, 4, 0], [8, 3, 1, 8, 1, 6, 8, 6, 4, 6, 1, 10],
  [1, 4, 9, 1, 2, 4, 2, 6, 4], [3, 0, 8, 1, 2, 9, 2, 4, 9, 2, 6, 4], [0, 2, 4, 4, 2, 6], [8, 3, 2, 8, 2, 4, 4, 2, 6],
  [10, 4, 9, 10, 6, 4, 11, 2, 3], [0, 8, 2, 2, 8, 11, 4, 9, 10, 4, 10, 6], [3, 11, 2, 0, 1, 6, 0, 6, 4, 6, 1, 10], [6, 4, 1, 6, 1, 10, 4, 8, 1, 2, 1, 11, 8, 11, 1],
  [9, 6, 4, 9, 3, 6, 9, 1, 3, 11, 6, 3], [8, 11, 1, 8, 1, 0, 11, 6, 1, 9, 1, 4, 6, 4, 1], [3, 11, 6, 3, 6, 0, 0, 6, 4], [6, 4, 8, 11, 6, 8],
  [7, 10, 6, 7, 8, 10, 8, 9, 10], [0, 7, 3, 0, 10, 7, 0, 9, 10, 6, 7, 10], [10, 6, 7, 1, 10, 7, 1, 7, 8, 1, 8, 0], [10, 6, 7, 10, 7, 1, 1, 7, 3],
  [1, 2, 6, 1, 6, 8, 1, 8, 9, 8, 6, 7], [2, 6, 9, 2, 9, 1, 6, 7, 9, 0, 9, 3, 7, 3, 9], [7, 8, 0, 7, 0, 6, 6, 0, 2], [7, 3, 2, 6, 7, 2],
  [2, 3, 11, 10, 6, 8, 10, 8, 9, 8, 6, 7], [2, 0, 7, 2, 7, 11, 0, 9, 7, 6, 7, 10, 9, 10, 7], [1, 8, 0, 1, 7, 8, 1, 10, 7, 6, 7, 10, 2, 3, 11], [11, 2, 1, 11, 1, 7, 10, 6, 1, 6, 7, 1],
  [8, 9, 6, 8, 6, 7, 9, 1, 6, 11, 6, 3, 1, 3, 6], [0, 9, 1, 11, 6, 7], [7, 8, 0, 7, 0, 6, 3, 11, 0, 11, 6, 0], [7, 11, 6],
];

/** Edge midpoints in doubled units (2·dz, 2·dy, 2·dx). */
const EDGE_MID2: Int32Array = (() => {
  const m = new Int32Array(36);
  EDGES.forEach(([a, b], e) => { for (let k = 0; k < 3; k++) m[3 * e + k] = PYRADIOMICS_CORNERS[a][k] + PYRADIOMICS_CORNERS[b][k]; });
  return m;
})();

/** The one multi-group configuration for which PyRadiomics keeps Bourke's row instead of the union rule. */
export const PYRADIOMICS_KEEPS_BOURKE_ROW = 58;

/**
 * The inside corners of configuration `c` (bit k = corner k inside) split into groups connected along cube
 * edges, each as a corner bit mask, in order of their lowest corner. Diagonal corners of a face are separate
 * groups. Throws for c outside 0..255.
 */
export function cornerGroups(c: number): number[] {
  if (!Number.isInteger(c) || c < 0 || c > 255) throw new Error(`cornerGroups: configuration ${c} is not an integer in 0..255`);
  const groups: number[] = [];
  let left = c;
  while (left) {
    let g = left & -left; // lowest remaining corner
    for (let grown = true; grown;) {
      grown = false;
      for (const [a, b] of EDGES) {
        const ga = (g >> a) & 1, gb = (g >> b) & 1;
        if (ga !== gb && (c >> (ga ? b : a)) & 1) { g |= 1 << (ga ? b : a); grown = true; }
      }
    }
    groups.push(g);
    left &= ~g;
  }
  return groups;
}

/**
 * PyRadiomics' triangles (edge-index triples; the table of its `cshape.c`) for a configuration with corner 7
 * outside (0..127): Bourke's row when its inside corners form one edge-connected group (or for
 * `PYRADIOMICS_KEEPS_BOURKE_ROW`), otherwise the concatenation of Bourke's rows of each group alone.
 * Throws for c outside 0..127.
 */
export function pyradiomicsRow(c: number): number[] {
  if (!Number.isInteger(c) || c < 0 || c > 127) throw new Error(`pyradiomicsRow: configuration ${c} is not an integer in 0..127 (corner 7 outside)`);
  const groups = cornerGroups(c);
  if (groups.length <= 1 || c === PYRADIOMICS_KEEPS_BOURKE_ROW) return [...BOURKE_LOWER[c]];
  return groups.flatMap((g) => BOURKE_LOWER[g]);
}

/**
 * Triangles for each of the 256 cube configurations (bit k = corner k inside): `pyradiomicsRow` of the
 * configuration, or of its complement when corner 7 is inside (then the volume sign is −1, PyRadiomics' flip).
 */
export const PYRADIOMICS_TRIANGLES: ReadonlyArray<Int8Array> = (() => {
  if (BOURKE_LOWER.length !== 128) throw new Error(`pyradiomics-mesh: table has ${BOURKE_LOWER.length} rows, 128 expected`);
  const lower = Array.from({ length: 128 }, (_, c) => Int8Array.from(pyradiomicsRow(c)));
  return Array.from({ length: 256 }, (_, c) => lower[c & 0x80 ? 255 - c : c]);
})();

export interface PyradiomicsMesh {
  /** MeshVolume (mm³) */
  volume: number;
  /** SurfaceArea (mm²) */
  area: number;
  /** mesh vertices used for the diameters, doubled voxel-index units, flat [x, y, z, …] */
  vertices: Int32Array;
}

/**
 * PyRadiomics MeshVolume, SurfaceArea and the mesh vertices of `mask > 0` (zero-padded by one voxel, so a
 * ROI touching the array border is closed). Cost: one pass over the ROI bounding box + 1.
 */
export function pyradiomicsMesh(mask: { data: ArrayLike<number>; dims: Dims3; spacing: Mask3D['spacing'] }): PyradiomicsMesh {
  const [nx, ny, nz] = mask.dims;
  const d = mask.data;
  let x0 = nx, y0 = ny, z0 = nz, x1 = -1, y1 = -1, z1 = -1;
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) if (d[i] > 0) {
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; if (z < z0) z0 = z; if (z > z1) z1 = z;
  }
  if (x1 < 0) return { volume: 0, area: 0, vertices: new Int32Array(0) };
  // padded box copy (one zero voxel around the bounding box): px = x − x0 + 1
  const bx = x1 - x0 + 3, by = y1 - y0 + 3, bz = z1 - z0 + 3;
  const box = new Uint8Array(bx * by * bz);
  for (let z = z0; z <= z1; z++) for (let y = y0; y <= y1; y++) {
    const src = nx * (y + ny * z), dst = bx * (y - y0 + 1 + by * (z - z0 + 1)) + 1 - x0;
    for (let x = x0; x <= x1; x++) if (d[src + x] > 0) box[dst + x] = 1;
  }
  const [sx, sy, sz] = mask.spacing;
  const hz = sz / 2, hy = sy / 2, hx = sx / 2;
  // corner offsets in the box
  const coff = PYRADIOMICS_CORNERS.map(([dz, dy, dx]) => dx + bx * (dy + by * dz));
  let vol6 = 0, area2 = 0;
  const verts: number[] = [];
  for (let z = 0; z < bz - 1; z++) for (let y = 0; y < by - 1; y++) {
    let i = bx * (y + by * z);
    for (let x = 0; x < bx - 1; x++, i++) {
      let c = 0;
      for (let k = 0; k < 8; k++) if (box[i + coff[k]]) c |= 1 << k;
      if (c === 0 || c === 255) continue;
      const inside7 = (c & 0x80) !== 0;
      // vertices on the edges at corner 7 (edges 6, 7, 11: to corners 6, 4, 3) where the mask changes
      const b7 = inside7 ? 1 : 0;
      if (((c >> 6) & 1) !== b7) verts.push(2 * x + 1, 2 * y + 2, 2 * z + 2); // edge 6: (dz,dy,dx) = (1, 1, 0.5)
      if (((c >> 4) & 1) !== b7) verts.push(2 * x, 2 * y + 1, 2 * z + 2); // edge 7: (1, 0.5, 0)
      if (((c >> 3) & 1) !== b7) verts.push(2 * x, 2 * y + 2, 2 * z + 1); // edge 11: (0.5, 1, 0)
      const t = PYRADIOMICS_TRIANGLES[c];
      const sign = inside7 ? -1 : 1;
      const z2 = 2 * z, y2 = 2 * y, x2 = 2 * x;
      for (let k = 0; k < t.length; k += 3) {
        const ea = 3 * t[k], eb = 3 * t[k + 1], ec = 3 * t[k + 2];
        // (z, y, x) order, as PyRadiomics
        const a0 = (z2 + EDGE_MID2[ea]) * hz, a1 = (y2 + EDGE_MID2[ea + 1]) * hy, a2 = (x2 + EDGE_MID2[ea + 2]) * hx;
        const b0 = (z2 + EDGE_MID2[eb]) * hz, b1 = (y2 + EDGE_MID2[eb + 1]) * hy, b2 = (x2 + EDGE_MID2[eb + 2]) * hx;
        const c0 = (z2 + EDGE_MID2[ec]) * hz, c1 = (y2 + EDGE_MID2[ec + 1]) * hy, c2 = (x2 + EDGE_MID2[ec + 2]) * hx;
        vol6 += sign * ((a1 * b2 - b1 * a2) * c0 + (a2 * b0 - b2 * a0) * c1 + (a0 * b1 - b0 * a1) * c2);
        const u0 = a0 - c0, u1 = a1 - c1, u2 = a2 - c2, v0 = b0 - c0, v1 = b1 - c1, v2 = b2 - c2;
        const n0 = u1 * v2 - v1 * u2, n1 = u2 * v0 - v2 * u0, n2 = u0 * v1 - v0 * u1;
        area2 += Math.sqrt(n0 * n0 + n1 * n1 + n2 * n2);
      }
    }
  }
  // vertices back to the full-array doubled coordinates (box index p ↔ voxel p − 1 + origin)
  const v = Int32Array.from(verts);
  for (let k = 0; k < v.length; k += 3) { v[k] += 2 * (x0 - 1); v[k + 1] += 2 * (y0 - 1); v[k + 2] += 2 * (z0 - 1); }
  return { volume: vol6 / 6, area: area2 / 2, vertices: v };
}
