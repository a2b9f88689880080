/**
 * PyRadiomics 3.1 compatibility for the first-order and shape classes: the PyRadiomics definitions where
 * they deviate from IBSI, keyed by PyRadiomics feature names (`firstorder_Mean`, `shape_MeshVolume`).
 *
 * Deviations from IBSI implemented here (from the PyRadiomics 3.1 sources and documentation):
 *  - Kurtosis is m₄/σ⁴ (IBSI: excess kurtosis, 3 lower).
 *  - Energy, TotalEnergy and RootMeanSquared add `voxelArrayShift` c (default 0) to every intensity;
 *    TotalEnergy = voxel volume × Energy (not in IBSI).
 *  - Entropy and Uniformity use the histogram of `binWidth` bins whose edges are multiples of the bin width
 *    (PyRadiomics `getBinEdges`), entropy with p(i) + ε, ε = 2.2e−16 (also on empty bins).
 *  - PCA axes (Major/Minor/LeastAxisLength) use the population covariance (1/N_v); IBSI's reference values
 *    match the sample covariance (1/(N_v − 1)) used by `morphologyFeatures`.
 *  - MeshVolume, SurfaceArea and the diameters use PyRadiomics' own marching cubes (pyradiomics-mesh.ts:
 *    complement symmetry with the Bourke table, so ambiguous cube configurations are triangulated as
 *    PyRadiomics does, not as this library's IBSI mesh). Maximum3DDiameter and Maximum2DDiameterSlice/Column/Row
 *    are between mesh vertices (Slice = same z, Column = same y, Row = same x), as IBSI defines them.
 *  - Checked against PyRadiomics' own published baselines (src/pyradiomics-parity.spec.ts).
 *
 * Reference: van Griethuysen JJM et al., Computational Radiomics System to Decode the Radiographic
 * Phenotype, Cancer Research 2017;77:e104–e107; PyRadiomics 3.1 documentation (radiomics.firstorder,
 * radiomics.shape).
 */
import type { Mask3D, Vec3 } from '../types';
import { convexHull3D } from './convex-hull';
import { float64Copy, percentileSorted, statMean } from './intensity-statistics';
import { symmetricEigen3 } from './linalg';
import { pyradiomicsMesh } from './pyradiomics-mesh';

const EPS = 2.220446049250313e-16;

export interface PyRadiomicsFirstOrderOptions {
  /** bin width of the first-order histogram (default 25) */
  binWidth?: number;
  /** bin count instead of a bin width */
  binCount?: number;
  /** voxel volume in mm³ for TotalEnergy */
  voxelVolume: number;
  /** intensity shift c for Energy, TotalEnergy and RMS (default 0) */
  voxelArrayShift?: number;
}

/** PyRadiomics first-order histogram counts (bin edges on multiples of binWidth, or binCount equal bins). */
export function pyradiomicsHistogram(x: ArrayLike<number>, options: { binWidth?: number; binCount?: number }): Float64Array {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < x.length; i++) { if (x[i] < lo) lo = x[i]; if (x[i] > hi) hi = x[i]; }
  if (!x.length) return new Float64Array(0);
  if (options.binCount) {
    const n = options.binCount;
    const h = new Float64Array(n);
    for (let i = 0; i < x.length; i++) {
      const b = hi === lo ? 0 : Math.min(n - 1, Math.floor((n * (x[i] - lo)) / (hi - lo)));
      h[b]++;
    }
    return h;
  }
  const w = options.binWidth ?? 25;
  const low = lo - (((lo % w) + w) % w); // Python's modulo
  const nb = Math.max(1, Math.floor((hi - low) / w) + 1);
  const h = new Float64Array(nb);
  for (let i = 0; i < x.length; i++) h[Math.min(nb - 1, Math.floor((x[i] - low) / w))]++;
  return h;
}

/** PyRadiomics `firstorder` features (19 incl. StandardDeviation), keyed `firstorder_<Name>`. */
export function pyradiomicsFirstOrder(x: ArrayLike<number>, options: PyRadiomicsFirstOrderOptions): Record<string, number> {
  const n = x.length;
  const s = float64Copy(x).sort();
  const c = options.voxelArrayShift ?? 0;
  const mu = statMean(s);
  let m2 = 0, m3 = 0, m4 = 0, energy = 0, mad = 0;
  for (let i = 0; i < n; i++) {
    const d = s[i] - mu;
    m2 += d * d; m3 += d * d * d; m4 += d * d * d * d;
    energy += (s[i] + c) ** 2;
    mad += Math.abs(d);
  }
  m2 /= n; m3 /= n; m4 /= n;
  const p10 = percentileSorted(s, 10), p90 = percentileSorted(s, 90);
  let rs = 0, rn = 0;
  for (let i = 0; i < n; i++) if (s[i] >= p10 && s[i] <= p90) { rs += s[i]; rn++; }
  const rmu = rn ? rs / rn : NaN;
  let rmad = 0;
  for (let i = 0; i < n; i++) if (s[i] >= p10 && s[i] <= p90) rmad += Math.abs(s[i] - rmu);
  const h = pyradiomicsHistogram(s, options);
  let entropy = 0, uniformity = 0;
  for (let i = 0; i < h.length; i++) {
    const p = (h[i] + EPS) / n;
    entropy -= p * Math.log2(p);
    uniformity += (h[i] / (n + EPS)) ** 2;
  }
  return {
    firstorder_Energy: energy,
    firstorder_TotalEnergy: options.voxelVolume * energy,
    firstorder_Entropy: n ? entropy : 0,
    firstorder_Minimum: s[0],
    firstorder_10Percentile: p10,
    firstorder_90Percentile: p90,
    firstorder_Maximum: s[n - 1],
    firstorder_Mean: mu,
    firstorder_Median: percentileSorted(s, 50),
    firstorder_InterquartileRange: percentileSorted(s, 75) - percentileSorted(s, 25),
    firstorder_Range: s[n - 1] - s[0],
    firstorder_MeanAbsoluteDeviation: mad / n,
    firstorder_RobustMeanAbsoluteDeviation: rn ? rmad / rn : NaN,
    firstorder_RootMeanSquared: n ? Math.sqrt(energy / n) : 0,
    firstorder_StandardDeviation: Math.sqrt(m2),
    firstorder_Skewness: m2 === 0 ? 0 : m3 / m2 ** 1.5,
    firstorder_Kurtosis: m2 === 0 ? 0 : m4 / (m2 * m2),
    firstorder_Variance: m2,
    firstorder_Uniformity: n ? uniformity : 0,
  };
}

function maxDist2D(pts: number[], sa: number, sb: number): number {
  // pts: flat [a, b, …] integer coordinates; 2D hull (monotone chain) then all hull pairs
  const n = pts.length / 2;
  if (n < 2) return 0;
  const idx = Array.from({ length: n }, (_, i) => i).sort((p, q) => pts[2 * p] - pts[2 * q] || pts[2 * p + 1] - pts[2 * q + 1]);
  const cross = (o: number, a: number, b: number) => (pts[2 * a] - pts[2 * o]) * (pts[2 * b + 1] - pts[2 * o + 1]) - (pts[2 * a + 1] - pts[2 * o + 1]) * (pts[2 * b] - pts[2 * o]);
  const lower: number[] = [], upper: number[] = [];
  for (const i of idx) { while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], i) <= 0) lower.pop(); lower.push(i); }
  for (let k = idx.length - 1; k >= 0; k--) { const i = idx[k]; while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], i) <= 0) upper.pop(); upper.push(i); }
  const h = [...new Set(lower.concat(upper))];
  let best = 0;
  for (let i = 0; i < h.length; i++) for (let j = i + 1; j < h.length; j++) {
    const da = (pts[2 * h[i]] - pts[2 * h[j]]) * sa, db = (pts[2 * h[i] + 1] - pts[2 * h[j] + 1]) * sb;
    best = Math.max(best, da * da + db * db);
  }
  return Math.sqrt(best);
}

/** Per-axis minimum and maximum of integer points (flat [x, y, z, …]; at least one point). */
function coordinateRange(p: Int32Array): [Int32Array, Int32Array] {
  const min = Int32Array.of(p[0], p[1], p[2]), max = Int32Array.of(p[0], p[1], p[2]);
  for (let i = 3; i < p.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      const v = p[i + a];
      if (v < min[a]) min[a] = v;
      if (v > max[a]) max[a] = v;
    }
  }
  return [min, max];
}

/**
 * Marks in `out` the points that are the minimum or maximum along `axis` of their line (the points sharing the other
 * two coordinates). The lines are indexed in dense tables over the points' coordinate range (no hashing).
 */
function markLineExtremes(p: Int32Array, axis: number, min: Int32Array, max: Int32Array, out: Uint8Array): void {
  const a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
  const w2 = max[a2] - min[a2] + 1;
  const cells = (max[a1] - min[a1] + 1) * w2;
  const lo = new Int32Array(cells).fill(0x7fffffff), hi = new Int32Array(cells).fill(-0x80000000);
  const n = p.length / 3;
  for (let i = 0; i < n; i++) {
    const key = (p[3 * i + a1] - min[a1]) * w2 + p[3 * i + a2] - min[a2];
    const v = p[3 * i + axis];
    if (v < lo[key]) lo[key] = v;
    if (v > hi[key]) hi[key] = v;
  }
  for (let i = 0; i < n; i++) {
    const key = (p[3 * i + a1] - min[a1]) * w2 + p[3 * i + a2] - min[a2];
    const v = p[3 * i + axis];
    if (v === lo[key] || v === hi[key]) out[i] = 1;
  }
}

/**
 * Maximum distances of a point set given in integer grid units (flat [x, y, z, …]) scaled by `scale` per axis:
 * [largest with equal z (Slice), equal y (Column), equal x (Row), overall (3D)]. Exact, via 2D/3D convex hulls
 * of the points that are extreme on their axis lines (no O(N²) pair loop over all points).
 */
export function maximumDiameters(all: Int32Array, scale: readonly [number, number, number]): [number, number, number, number] {
  const [sx, sy, sz] = scale;
  // a diameter end point (3D, or 2D within a plane) is extreme along its lines: keep only points that are
  // the minimum or maximum of their x-line and of their y-line and of their z-line… per plane type below
  const na = all.length / 3;
  const ext = [new Uint8Array(na), new Uint8Array(na), new Uint8Array(na)];
  const [min, max] = coordinateRange(all);
  for (let axis = 0; axis < 3; axis++) markLineExtremes(all, axis, min, max, ext[axis]);
  const keepIdx: number[] = [];
  for (let i = 0; i < na; i++) if (ext[0][i] || ext[1][i] || ext[2][i]) keepIdx.push(i);
  const b = new Int32Array(3 * keepIdx.length);
  const ex = [new Uint8Array(keepIdx.length), new Uint8Array(keepIdx.length), new Uint8Array(keepIdx.length)];
  keepIdx.forEach((i, k) => { b[3 * k] = all[3 * i]; b[3 * k + 1] = all[3 * i + 1]; b[3 * k + 2] = all[3 * i + 2]; for (let a = 0; a < 3; a++) ex[a][k] = ext[a][i]; });
  const n = b.length / 3;
  const planes: [Map<number, number[]>, Map<number, number[]>, Map<number, number[]>] = [new Map(), new Map(), new Map()];
  for (let i = 0; i < n; i++) {
    const x = b[3 * i], y = b[3 * i + 1], z = b[3 * i + 2];
    let a: number[] | undefined;
    // slice plane (fixed z): extreme along x and y lines; column plane (fixed y): x and z; row plane (fixed x): y and z
    if (ex[0][i] && ex[1][i]) { a = planes[0].get(z); if (!a) planes[0].set(z, (a = [])); a.push(x, y); }
    if (ex[0][i] && ex[2][i]) { a = planes[1].get(y); if (!a) planes[1].set(y, (a = [])); a.push(x, z); }
    if (ex[1][i] && ex[2][i]) { a = planes[2].get(x); if (!a) planes[2].set(x, (a = [])); a.push(y, z); }
  }
  const scales: [number, number][] = [[sx, sy], [sx, sz], [sy, sz]];
  const d2 = planes.map((pl, k) => { let m = 0; for (const pts of pl.values()) m = Math.max(m, maxDist2D(pts, scales[k][0], scales[k][1])); return m; });
  let d3 = 0;
  const sel: number[] = [];
  for (let i = 0; i < n; i++) if (ex[0][i] && ex[1][i] && ex[2][i]) sel.push(i);
  const hp = new Int32Array(3 * sel.length);
  sel.forEach((i, k) => { hp[3 * k] = b[3 * i]; hp[3 * k + 1] = b[3 * i + 1]; hp[3 * k + 2] = b[3 * i + 2]; });
  const hull = convexHull3D(hp);
  const verts = hull ? Int32Array.from(hull.vertices, (k) => sel[k]) : Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < verts.length; i++) for (let j = i + 1; j < verts.length; j++) {
    const p = 3 * verts[i], q = 3 * verts[j];
    const dd = ((b[p] - b[q]) * sx) ** 2 + ((b[p + 1] - b[q + 1]) * sy) ** 2 + ((b[p + 2] - b[q + 2]) * sz) ** 2;
    if (dd > d3) d3 = dd;
  }
  return [d2[0], d2[1], d2[2], Math.sqrt(d3)];
}

/**
 * PyRadiomics 3.1 diameters between mesh vertices (edge midpoints between ROI voxels and their outside
 * 6-neighbours, see pyradiomics-mesh.ts): [Maximum2DDiameterSlice (same z), Column (same y), Row (same x),
 * Maximum3DDiameter].
 */
export function pyradiomicsDiameters(mask: Mask3D): [number, number, number, number] {
  const [sx, sy, sz] = mask.spacing;
  return maximumDiameters(pyradiomicsMesh(mask).vertices, [sx / 2, sy / 2, sz / 2]);
}

/**
 * Number of ROI voxels and the (un-normalised) covariance sums of their physical coordinates x·s (about the
 * centroid), both sums in voxel order. The first pass visits the nz×ny rows with plain counters (no per-voxel
 * division) and lists the ROI voxels; the second visits only those. Few iterations keep the first (not yet
 * JIT-compiled) call of a one-case run cheap.
 */
function voxelCovariance(mask: Mask3D): { n: number; cxx: number; cxy: number; cxz: number; cyy: number; cyz: number; czz: number } {
  const sp: Vec3 = mask.spacing;
  const [nx, ny, nz] = mask.dims;
  const d = mask.data;
  const list = new Int32Array(d.length);
  let n = 0, m0 = 0, m1 = 0, m2 = 0;
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) if (d[i]) {
    m0 += x * sp[0]; m1 += y * sp[1]; m2 += z * sp[2]; list[n++] = i;
  }
  m0 /= n; m1 /= n; m2 /= n;
  let cxx = 0, cxy = 0, cxz = 0, cyy = 0, cyz = 0, czz = 0;
  for (let k = 0; k < n; k++) {
    const i = list[k], x = i % nx, r = (i - x) / nx, y = r % ny, z = (r - y) / ny;
    const a = x * sp[0] - m0, b = y * sp[1] - m1, c = z * sp[2] - m2;
    cxx += a * a; cxy += a * b; cxz += a * c; cyy += b * b; cyz += b * c; czz += c * c;
  }
  return { n, cxx, cxy, cxz, cyy, cyz, czz };
}

/** PyRadiomics `shape` features (3D), keyed `shape_<Name>`; NaN reasons go to `reasons`. */
export function pyradiomicsShape(mask: Mask3D, reasons: Record<string, string> = {}): Record<string, number> {
  const sp: Vec3 = mask.spacing;
  const mesh = pyradiomicsMesh(mask);
  const V = mesh.volume, A = mesh.area;
  const { n, cxx, cxy, cxz, cyy, cyz, czz } = voxelCovariance(mask);
  const ev = symmetricEigen3([cxx / n, cxy / n, cxz / n, cxy / n, cyy / n, cyz / n, cxz / n, cyz / n, czz / n]).values.map((v) => (v < 0 && v > -1e-10 ? 0 : v));
  const [dSlice, dCol, dRow, d3] = maximumDiameters(mesh.vertices, [sp[0] / 2, sp[1] / 2, sp[2] / 2]);
  const f: Record<string, number> = {
    shape_MeshVolume: V,
    shape_VoxelVolume: n * sp[0] * sp[1] * sp[2],
    shape_SurfaceArea: A,
    shape_SurfaceVolumeRatio: A / V,
    shape_Sphericity: Math.cbrt(36 * Math.PI * V * V) / A,
    shape_Maximum3DDiameter: d3,
    shape_Maximum2DDiameterSlice: dSlice,
    shape_Maximum2DDiameterColumn: dCol,
    shape_Maximum2DDiameterRow: dRow,
    shape_MajorAxisLength: 4 * Math.sqrt(ev[0]),
    shape_MinorAxisLength: 4 * Math.sqrt(ev[1]),
    shape_LeastAxisLength: 4 * Math.sqrt(ev[2]),
    shape_Elongation: Math.sqrt(ev[1] / ev[0]),
    shape_Flatness: Math.sqrt(ev[2] / ev[0]),
  };
  for (const k of Object.keys(f)) if (Number.isNaN(f[k])) reasons[k] = k.includes('Elongation') || k.includes('Flatness') ? 'single-voxel ROI: λ_major = 0' : 'undefined for this ROI';
  return f;
}
