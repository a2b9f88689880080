/**
 * A TypeScript port of `tools/models/phantom_np.py`, the simplified abdominal CT phantom the 1.0.0 bundled
 * models were trained on (1.1.0 is trained on libs/phantoms, starting from those weights) — used by the tests
 * and the bench to generate FRESH phantoms of a second, independent generator (other
 * seeds, another random generator, any size) with ground-truth LiTS labels. Same anatomy and phase HU
 * table as the numpy version; random draws differ (mulberry32 + Box–Muller instead of numpy's PCG64), so
 * no phantom is shared with the training set. Low-frequency noise scales are in mm (as for a 128² phantom),
 * so a 512² phantom has the same anatomy as a 128² one, finer sampled. Marked synthetic.
 *
 * This is NOT `@hepatoscope/phantoms` (the project's full multi-phase phantom generator).
 */
import { mulberry32 } from './random';

export type Phase = 'NATIVE' | 'ARTERIAL' | 'PORTAL_VENOUS' | 'DELAYED';
const PHASES: Phase[] = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'];
const PHASE_HU: Record<Phase, Record<'liver' | 'spleen' | 'kidney' | 'aorta' | 'vessel' | 'hypo' | 'hyper', number>> = {
  NATIVE: { liver: 55, spleen: 45, kidney: 35, aorta: 40, vessel: 40, hypo: -25, hyper: -10 },
  ARTERIAL: { liver: 70, spleen: 110, kidney: 180, aorta: 280, vessel: 90, hypo: -25, hyper: 55 },
  PORTAL_VENOUS: { liver: 105, spleen: 115, kidney: 160, aorta: 160, vessel: 170, hypo: -45, hyper: -20 },
  DELAYED: { liver: 85, spleen: 90, kidney: 120, aorta: 110, vessel: 110, hypo: -35, hyper: -25 },
};

export interface SimplePhantom {
  data: Float32Array;
  labels: Uint8Array;
  dims: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  phase: Phase;
  lesions: { kind: 'hypo' | 'hyper'; radiusMm: number; voxels: number }[];
  synthetic: true;
}

class Rng {
  readonly next: () => number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.next = mulberry32(seed ^ 0x9e3779b9);
  }
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }
  int(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a));
  }
  normal(mu = 0, sd = 1): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return mu + sd * v;
    }
    const u = Math.max(1e-12, this.next());
    const w = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * w);
    return mu + sd * r * Math.cos(2 * Math.PI * w);
  }
}

/** Low-frequency noise in [-1, 1]: a coarse random grid (one node per `cell` voxels) trilinearly upsampled. */
function smoothNoise(rng: Rng, dims: readonly number[], cell: readonly number[]): Float32Array {
  const [nx, ny, nz] = dims;
  const m = dims.map((n, a) => Math.max(2, Math.floor(n / cell[a]) + 2));
  const coarse = new Float32Array(m[0] * m[1] * m[2]);
  for (let i = 0; i < coarse.length; i++) coarse[i] = rng.uniform(-1, 1);
  const axis = (n: number, mm: number) => {
    const i0 = new Int32Array(n);
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const p = n === 1 ? 0 : ((mm - 1.001) * i) / (n - 1);
      i0[i] = Math.floor(p);
      f[i] = p - i0[i];
    }
    return { i0, f };
  };
  const ax = axis(nx, m[0]);
  const ay = axis(ny, m[1]);
  const az = axis(nz, m[2]);
  const out = new Float32Array(nx * ny * nz);
  const at = (x: number, y: number, z: number) => coarse[x + m[0] * (y + m[1] * z)];
  let o = 0;
  for (let k = 0; k < nz; k++) {
    const z0 = az.i0[k];
    const fz = az.f[k];
    for (let j = 0; j < ny; j++) {
      const y0 = ay.i0[j];
      const fy = ay.f[j];
      for (let i = 0; i < nx; i++) {
        const x0 = ax.i0[i];
        const fx = ax.f[i];
        const c00 = at(x0, y0, z0) * (1 - fx) + at(x0 + 1, y0, z0) * fx;
        const c10 = at(x0, y0 + 1, z0) * (1 - fx) + at(x0 + 1, y0 + 1, z0) * fx;
        const c01 = at(x0, y0, z0 + 1) * (1 - fx) + at(x0 + 1, y0, z0 + 1) * fx;
        const c11 = at(x0, y0 + 1, z0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1, z0 + 1) * fx;
        out[o++] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  return out;
}

/** 3×3×3 box blur with edge clamping (partial volume), separable, in place via one scratch array. */
function boxBlur(v: Float32Array, dims: readonly number[]): void {
  const [nx, ny, nz] = dims;
  const tmp = new Float32Array(v.length);
  const strides = [1, nx, nx * ny];
  for (let a = 0; a < 3; a++) {
    const s = strides[a];
    const n = dims[a];
    const src = a % 2 === 0 ? v : tmp;
    const dst = a % 2 === 0 ? tmp : v;
    let idx = 0;
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, idx++) {
          const c = a === 0 ? i : a === 1 ? j : k;
          const lo = c > 0 ? idx - s : idx;
          const hi = c < n - 1 ? idx + s : idx;
          dst[idx] = (src[lo] + src[idx] + src[hi]) / 3;
        }
  }
  v.set(tmp); // three passes end in tmp
}

/**
 * Generates a phantom of nx × nx × nz voxels (in-plane spacing chosen so the field of view is
 * 180–330 mm whatever nx is; slice spacing 2–5 mm). Labels: 0 background, 1 liver, 2 tumour.
 */
export function simplePhantom(seed: number, nx = 128, nz = 40, phase?: Phase): SimplePhantom {
  const rng = new Rng(seed);
  const ny = nx;
  const ph = phase ?? PHASES[rng.int(0, 4)];
  const hu = Object.fromEntries(Object.entries(PHASE_HU[ph]).map(([k, v]) => [k, v + rng.normal(0, 6)])) as Record<
    keyof (typeof PHASE_HU)['NATIVE'],
    number
  >;
  const sx = (rng.uniform(1.4, 2.6) * 128) / nx;
  const sz = rng.uniform(2.0, 5.0);
  const dims: [number, number, number] = [nx, ny, nz];
  const n = nx * ny * nz;
  const fov = nx * sx;
  const cx = fov / 2 + rng.normal(0, 4);
  const cy = fov / 2 + rng.normal(0, 4);
  const bodyRx = rng.uniform(0.36, 0.46) * fov;
  const bodyRy = rng.uniform(0.27, 0.36) * fov;
  const zc = (nz * sz) / 2;
  const img = new Float32Array(n).fill(-1000);
  const visc = new Float32Array(nx * ny); // 2-D normalised radius of the visceral cavity
  const viscHu = 15 + rng.normal(0, 5);
  const vertHu = rng.uniform(400, 700);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const x = i * sx;
      const y = j * sx;
      const e = (rx: number, ry: number, ccx = cx, ccy = cy) => ((x - ccx) / rx) ** 2 + ((y - ccy) / ry) ** 2;
      const body = e(bodyRx, bodyRy);
      const inner = e(bodyRx - 12, bodyRy - 12);
      const vi = e(bodyRx - 20, bodyRy - 20);
      visc[i + nx * j] = vi;
      let v = -1000;
      if (body < 1) v = -100;
      if (inner < 1) v = 50;
      if (vi < 1) v = viscHu;
      if (e(18, 16, cx, cy + bodyRy * 0.62) < 1) v = vertHu;
      if (e(11, 11, cx + 6, cy + bodyRy * 0.35) < 1) v = hu.aorta;
      for (let k = 0; k < nz; k++) img[i + nx * (j + ny * k)] = v;
    }
  const ell = (i: number, j: number, k: number, c: number[], r: number[]) =>
    ((k * sz - c[0]) / r[0]) ** 2 + ((j * sx - c[1]) / r[1]) ** 2 + ((i * sx - c[2]) / r[2]) ** 2;
  /** Calls fn(index, value-of-ellipsoid) for voxels in the bounding box of ellipsoid (c, r) with value < 1. */
  const forEll = (c: number[], r: number[], fn: (idx: number, e: number, i: number, j: number, k: number) => void) => {
    const k0 = Math.max(0, Math.floor((c[0] - r[0]) / sz));
    const k1 = Math.min(nz - 1, Math.ceil((c[0] + r[0]) / sz));
    const j0 = Math.max(0, Math.floor((c[1] - r[1]) / sx));
    const j1 = Math.min(ny - 1, Math.ceil((c[1] + r[1]) / sx));
    const i0 = Math.max(0, Math.floor((c[2] - r[2]) / sx));
    const i1 = Math.min(nx - 1, Math.ceil((c[2] + r[2]) / sx));
    for (let k = k0; k <= k1; k++)
      for (let j = j0; j <= j1; j++)
        for (let i = i0; i <= i1; i++) {
          const e = ell(i, j, k, c, r);
          if (e < 1) fn(i + nx * (j + ny * k), e, i, j, k);
        }
  };
  // bowel
  const nb = rng.int(3, 7);
  for (let b = 0; b < nb; b++) {
    const c = [rng.uniform(0, nz * sz), cy + rng.uniform(-0.5, 0.2) * bodyRy, cx + rng.uniform(-0.1, 0.6) * bodyRx];
    const r = [rng.uniform(8, 22), rng.uniform(8, 22), rng.uniform(8, 22)];
    const v = [-10, 30, -600][rng.int(0, 3)];
    forEll(c, r, (idx, _e, i, j) => {
      if (visc[i + nx * j] < 1) img[idx] = v;
    });
  }
  for (const side of [-1, 1]) {
    const c = [zc + rng.uniform(0.1, 0.4) * nz * sz, cy + bodyRy * 0.4, cx + side * bodyRx * 0.42];
    const r = [rng.uniform(35, 50), rng.uniform(18, 24), rng.uniform(20, 28)];
    forEll(c, r, (idx) => (img[idx] = hu.kidney));
  }
  {
    const c = [
      zc - rng.uniform(0, 0.25) * nz * sz,
      cy + bodyRy * rng.uniform(0.25, 0.45),
      cx + bodyRx * rng.uniform(0.55, 0.7),
    ];
    const r = [rng.uniform(35, 55), rng.uniform(25, 40), rng.uniform(15, 25)];
    forEll(c, r, (idx) => (img[idx] = hu.spleen));
  }
  // liver
  const cellMm = 24 * 2; // the numpy phantom's 24-voxel cells at ~2 mm
  const warp = smoothNoise(rng, dims, [cellMm / sx, cellMm / sx, cellMm / sz]);
  const lc = [
    zc - rng.uniform(-0.1, 0.2) * nz * sz,
    cy - bodyRy * rng.uniform(0, 0.2),
    cx - bodyRx * rng.uniform(0.4, 0.55),
  ];
  const lr = [rng.uniform(55, 85), rng.uniform(0.45, 0.62) * bodyRy, rng.uniform(0.3, 0.42) * bodyRx];
  const lobes: { c: number[]; r: number[] }[] = [{ c: lc, r: lr }];
  const nl = rng.int(1, 3);
  for (let l = 0; l < nl; l++) {
    const c2 = [
      lc[0] + rng.uniform(-30, 10),
      lc[1] + rng.uniform(-0.3, 0.1) * lr[1],
      lc[2] + rng.uniform(0.5, 0.9) * lr[2],
    ];
    const r2 = [lr[0] * rng.uniform(0.4, 0.7), lr[1] * rng.uniform(0.4, 0.7), lr[2] * rng.uniform(0.5, 0.8)];
    lobes.push({ c: c2, r: r2 });
  }
  const tex = smoothNoise(rng, dims, [12 / sx, 12 / sx, 12 / sz]);
  const labels = new Uint8Array(n);
  const liverIdx: number[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + nx * (j + ny * k);
        let f = Infinity;
        for (const lobe of lobes) f = Math.min(f, ell(i, j, k, lobe.c, lobe.r));
        if (f + 0.25 * warp[idx] < 1 && visc[i + nx * j] < 1.05) {
          labels[idx] = 1;
          img[idx] = hu.liver + 8 * tex[idx];
          liverIdx.push(idx);
        }
      }
  // vessels: tubes through the liver
  const nv = rng.int(2, 5);
  for (let t = 0; t < nv; t++) {
    const p0 = [
      rng.uniform(0, nz * sz),
      lc[1] + rng.uniform(-0.5, 0.5) * lr[1],
      lc[2] + rng.uniform(-0.5, 0.5) * lr[2],
    ];
    const d = [rng.normal(), rng.normal(), rng.normal()];
    const dn = Math.hypot(d[0], d[1], d[2]);
    const rad2 = rng.uniform(2.0, 4.5) ** 2;
    for (const idx of liverIdx) {
      const i = idx % nx;
      const j = Math.floor(idx / nx) % ny;
      const k = Math.floor(idx / (nx * ny));
      const rel = [k * sz - p0[0], j * sx - p0[1], i * sx - p0[2]];
      const tt = (rel[0] * d[0] + rel[1] * d[1] + rel[2] * d[2]) / dn;
      if (rel[0] ** 2 + rel[1] ** 2 + rel[2] ** 2 - tt * tt < rad2) img[idx] = hu.vessel;
    }
  }
  // lesions
  const lesions: SimplePhantom['lesions'] = [];
  const nles = rng.int(0, 5);
  const lesTex = smoothNoise(rng, dims, [6 / sx, 6 / sx, 6 / sz]);
  for (let q = 0; q < nles && liverIdx.length; q++) {
    const idx0 = liverIdx[rng.int(0, liverIdx.length)];
    const c = [Math.floor(idx0 / (nx * ny)) * sz, (Math.floor(idx0 / nx) % ny) * sx, (idx0 % nx) * sx];
    const rad = rng.uniform(4, 18);
    const r = [rad * rng.uniform(0.8, 1.2), rad * rng.uniform(0.8, 1.2), rad * rng.uniform(0.8, 1.2)];
    const kind = rng.next() < 0.5 ? 'hyper' : 'hypo';
    const delta = hu[kind] + rng.normal(0, 6);
    const rim = rng.next() < 0.4 ? rng.uniform(15, 40) : null;
    let count = 0;
    forEll(c, r, (idx) => {
      if (labels[idx] >= 1) count++;
    });
    if (count < 4) continue;
    forEll(c, r, (idx, e) => {
      if (labels[idx] < 1) return;
      img[idx] = rim !== null && e > 0.7 ? hu.liver + rim : hu.liver + delta + 10 * lesTex[idx];
      labels[idx] = 2;
    });
    lesions.push({ kind, radiusMm: rad, voxels: count });
  }
  boxBlur(img, dims);
  const sd = rng.uniform(6, 20);
  for (let i = 0; i < n; i++) img[i] += rng.normal(0, sd);
  return { data: img, labels, dims, spacing: [sx, sx, sz], origin: [0, 0, 0], phase: ph, lesions, synthetic: true };
}
