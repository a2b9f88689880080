import { anisotropicDiffusion } from './filters';
import { close, components, dice, dilate, erode, fillHoles2D, largestComponent, open, removeSmall } from './morphology';
import { otsu, segmentLiverClassical } from './classical';
import { regionGrow } from './regiongrow';
import { chanVeseRefine, refineLesionsLevelSet, signedChamfer } from './levelset';
import { invert, regionGrowMultiPhase } from './multiphase';

const dims = [9, 9, 5] as const;
const idx = (i: number, j: number, k: number) => i + 9 * (j + 9 * k);
function cube(lo: number, hi: number, zlo = 0, zhi = 4): Uint8Array {
  const m = new Uint8Array(9 * 9 * 5);
  for (let k = zlo; k <= zhi; k++) for (let j = lo; j <= hi; j++) for (let i = lo; i <= hi; i++) m[idx(i, j, k)] = 1;
  return m;
}
const sum = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);

describe('morphology', () => {
  it('dilates and erodes with a box structuring element', () => {
    const m = new Uint8Array(9 * 9 * 5);
    m[idx(4, 4, 2)] = 1;
    expect(sum(dilate(m, dims, [1, 1, 1]))).toBe(27);
    expect(sum(dilate(m, dims, [2, 1, 0]))).toBe(15);
    expect(sum(erode(cube(2, 6), dims, [1, 1, 0]))).toBe(9 * 5);
    expect(sum(erode(cube(2, 6), dims, [1, 1, 1]))).toBe(9 * 3); // the volume border counts as background
    expect(Array.from(open(m, dims, [1, 1, 1]))).toEqual(Array.from(new Uint8Array(m.length)));
    const gap = cube(2, 6);
    gap[idx(4, 4, 2)] = 0;
    expect(close(gap, dims, [1, 1, 1])[idx(4, 4, 2)]).toBe(1);
  });

  it('labels 6-connected components, keeps the largest, removes small ones', () => {
    const m = cube(0, 2, 0, 0);
    m[idx(5, 5, 0)] = 1;
    m[idx(6, 6, 0)] = 1; // diagonal: a separate 6-component
    const c = components(m, dims);
    expect(c.count).toBe(3);
    expect(c.sizes.slice(1).sort((a, b) => a - b)).toEqual([1, 1, 9]);
    expect(sum(largestComponent(m, dims))).toBe(9);
    expect(sum(removeSmall(m, dims, 2))).toBe(9);
  });

  it('fills enclosed holes per slice but not open bays', () => {
    const ring = cube(2, 6, 1, 1);
    for (let j = 3; j <= 5; j++) for (let i = 3; i <= 5; i++) ring[idx(i, j, 1)] = 0;
    expect(sum(fillHoles2D(ring, dims))).toBe(25);
    ring[idx(2, 4, 1)] = 0; // open the ring
    expect(sum(fillHoles2D(ring, dims))).toBe(sum(ring));
  });

  it('computes Dice', () => {
    expect(dice([1, 1, 0, 0], [1, 0, 1, 0])).toBe(0.5);
    expect(dice([0, 0], [0, 0])).toBe(1);
    expect(dice([2, 1, 2], [5, 5, 0], 2, 5)).toBe(0.5);
  });
});

describe('filters', () => {
  it('anisotropic diffusion smooths noise but keeps a strong edge', () => {
    const n = 40 * 40 * 1;
    const data = new Float32Array(n);
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    for (let i = 0; i < n; i++) data[i] = (i % 40 < 20 ? 0 : 200) + 10 * rnd();
    const out = anisotropicDiffusion(data, [40, 40, 1], [1, 1, 1], { iterations: 10, kappa: 15 });
    const sd = (a: Float32Array, col: number) => {
      const v: number[] = [];
      for (let j = 0; j < 40; j++) v.push(a[col + 40 * j]);
      const m = v.reduce((x, y) => x + y, 0) / v.length;
      return Math.sqrt(v.reduce((x, y) => x + (y - m) ** 2, 0) / v.length);
    };
    expect(sd(out, 8)).toBeLessThan(0.6 * sd(data, 8));
    // the edge between columns 19 and 20 stays sharp
    let jump = 0;
    for (let j = 0; j < 40; j++) jump += out[20 + 40 * j] - out[19 + 40 * j];
    expect(jump / 40).toBeGreaterThan(180);
  });

  it('Otsu splits a bimodal histogram between the modes', () => {
    const h = new Float64Array(100);
    h[20] = 50;
    h[21] = 50;
    h[70] = 30;
    h[71] = 30;
    const t = otsu(h, -10);
    expect(t).toBeGreaterThan(11);
    expect(t).toBeLessThan(60);
  });
});

/** A synthetic abdomen-like test image: body (40 HU), a right-sided liver sphere (100 HU) with a 60 HU tumour. */
function toyCt() {
  const d = [64, 64, 24] as const;
  const sp = [1.5, 1.5, 3] as const;
  const n = d[0] * d[1] * d[2];
  const data = new Float32Array(n);
  const liver = new Uint8Array(n);
  const tumour = new Uint8Array(n);
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
  for (let k = 0; k < d[2]; k++)
    for (let j = 0; j < d[1]; j++)
      for (let i = 0; i < d[0]; i++) {
        const p = i + d[0] * (j + d[1] * k);
        const x = (i - 32) * sp[0], y = (j - 32) * sp[1], z = (k - 12) * sp[2];
        let v = -1000;
        if ((x / 44) ** 2 + (y / 36) ** 2 < 1) v = 40;
        if (((x + 15) / 20) ** 2 + (y / 22) ** 2 + (z / 25) ** 2 < 1) {
          v = 100;
          liver[p] = 1;
        }
        if (Math.hypot(x + 15, y - 2, z) < 7) {
          v = 55;
          tumour[p] = 1;
        }
        data[p] = v + 8 * rnd();
      }
  return { data, dims: d, spacing: sp, liver, tumour };
}

describe('segmentLiverClassical', () => {
  it('finds the liver and the tumour of a toy abdomen', () => {
    const ct = toyCt();
    const stages: string[] = [];
    const r = segmentLiverClassical(ct, { onProgress: (_f, s) => stages.push(s) });
    expect(stages).toEqual(['diffusion', 'body', 'window', 'liver', 'tumour']);
    expect(r.liverMode).toBeGreaterThan(92);
    expect(r.liverMode).toBeLessThan(108);
    expect(dice(r.labels.map((v) => (v ? 1 : 0)), ct.liver)).toBeGreaterThan(0.9);
    expect(dice(r.labels.map((v) => (v === 2 ? 1 : 0)), ct.tumour)).toBeGreaterThan(0.6);
  });

  it('explains an image that is not in HU', () => {
    expect(() => segmentLiverClassical({ data: new Float32Array(8 * 8 * 8).fill(-2000), dims: [8, 8, 8], spacing: [1, 1, 1] })).toThrow(
      /no body found/,
    );
  });
});

describe('regionGrow', () => {
  it('grows the liver from a click and the tumour from a click inside it', () => {
    const ct = toyCt();
    const liverClick = regionGrow(ct, [22, 32, 16]);
    expect(dice(liverClick.mask, ct.liver)).toBeGreaterThan(0.9);
    expect(liverClick.mean).toBeGreaterThan(90);
    const tumourClick = regionGrow(ct, [22, 33, 12], { multiplier: 2 });
    expect(dice(tumourClick.mask, ct.tumour)).toBeGreaterThan(0.7);
  });

  it('rejects a seed outside the image', () => {
    const ct = toyCt();
    expect(() => regionGrow(ct, [70, 1, 1])).toThrow(/seed \(70, 1, 1\) is outside the image \(64×64×24\)/);
  });
});

describe('level set (Chan–Vese)', () => {
  /** A noisy 60 HU sphere (radius 8 voxels) in 100 HU parenchyma, 1 mm voxels. */
  function sphere() {
    const d = [40, 40, 30] as const;
    const n = d[0] * d[1] * d[2];
    const data = new Float32Array(n);
    const truth = new Uint8Array(n);
    let s = 3;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    for (let k = 0; k < d[2]; k++)
      for (let j = 0; j < d[1]; j++)
        for (let i = 0; i < d[0]; i++) {
          const p = i + d[0] * (j + d[1] * k);
          const inside = Math.hypot(i - 20, j - 20, k - 15) < 8;
          truth[p] = inside ? 1 : 0;
          data[p] = (inside ? 60 : 100) + 6 * rnd();
        }
    return { data, dims: d, spacing: [1, 1, 1] as const, truth };
  }

  it('grows a too-small, off-centre start onto the sphere', () => {
    const g = sphere();
    const init = new Uint8Array(g.truth.length);
    for (let k = 0; k < 30; k++)
      for (let j = 0; j < 40; j++)
        for (let i = 0; i < 40; i++) if (Math.hypot(i - 22, j - 19, k - 15) < 4) init[i + 40 * (j + 40 * k)] = 1;
    const before = dice(init, g.truth);
    const out = chanVeseRefine(g, init, { iterations: 60, marginMm: 8 });
    expect(before).toBeLessThan(0.4);
    expect(dice(out, g.truth)).toBeGreaterThan(0.9);
  });

  it('shrinks a too-large start and never leaves the allowed region', () => {
    const g = sphere();
    const init = new Uint8Array(g.truth.length);
    const allowed = new Uint8Array(g.truth.length);
    for (let k = 0; k < 30; k++)
      for (let j = 0; j < 40; j++)
        for (let i = 0; i < 40; i++) {
          const p = i + 40 * (j + 40 * k);
          if (Math.hypot(i - 20, j - 20, k - 15) < 11) init[p] = 1;
          if (i < 24) allowed[p] = 1; // cut the sphere with a plane
        }
    const out = chanVeseRefine(g, init, { iterations: 60, allowed });
    let outside = 0;
    for (let i = 0; i < out.length; i++) if (out[i] && !allowed[i]) outside++;
    expect(outside).toBe(0);
    const cut = g.truth.map((v, i) => (v && allowed[i] ? 1 : 0));
    expect(dice(out, cut)).toBeGreaterThan(0.9);
  });

  it('signed chamfer distance: positive inside, negative outside, clipped to ±B', () => {
    const phi = new Float32Array(11).fill(-1);
    for (let i = 3; i <= 7; i++) phi[i] = 1;
    signedChamfer(phi, [11, 1, 1], [1, 1, 1], 2);
    expect(Array.from(phi)).toEqual([-2, -1.5, -0.5, 0.5, 1.5, 2, 1.5, 0.5, -0.5, -1.5, -2]);
  });

  it('refineLesionsLevelSet keeps lesions inside the liver; an empty mask stays empty', () => {
    const ct = toyCt();
    const r0 = segmentLiverClassical(ct, { refine: 'none' });
    const r1 = segmentLiverClassical(ct, { refine: 'lesions' });
    const t1 = r1.labels.map((v) => (v === 2 ? 1 : 0));
    expect(dice(t1, ct.tumour)).toBeGreaterThanOrEqual(dice(r0.labels.map((v) => (v === 2 ? 1 : 0)), ct.tumour) - 0.02);
    const liver = r1.labels.map((v) => (v ? 1 : 0));
    const refined = refineLesionsLevelSet({ data: ct.data, dims: ct.dims, spacing: ct.spacing }, t1, liver);
    for (let i = 0; i < refined.length; i++) if (refined[i]) expect(liver[i]).toBe(1);
    expect(refineLesionsLevelSet(ct, new Uint8Array(ct.data.length), liver).every((v) => v === 0)).toBe(true);
    expect(() => chanVeseRefine(ct, new Uint8Array(3))).toThrow(/mask has 3 voxels, the image 98304/);
  });
});

describe('multi-phase region growing', () => {
  /**
   * Three phases of a 100 HU "liver" block with a radius-7 lesion that differs by only +10 / −10 / −10 HU
   * (arterial / portal / delayed) under noise σ = 8: no single phase separates it, the vector does.
   */
  function weakLesion() {
    const d = [48, 48, 24] as const;
    const n = d[0] * d[1] * d[2];
    const truth = new Uint8Array(n);
    let s = 11;
    const rnd = () => {
      // sum of uniforms ≈ normal, σ ≈ 1
      let v = 0;
      for (let k = 0; k < 12; k++) v += (s = (s * 16807) % 2147483647) / 2147483647;
      return v - 6;
    };
    const delta = [10, -10, -10];
    const phases = delta.map(() => new Float32Array(n));
    for (let k = 0; k < d[2]; k++)
      for (let j = 0; j < d[1]; j++)
        for (let i = 0; i < d[0]; i++) {
          const p = i + d[0] * (j + d[1] * k);
          const inside = Math.hypot(i - 24, j - 24, (k - 12) * 2) < 7;
          truth[p] = inside ? 1 : 0;
          delta.forEach((dv, q) => (phases[q][p] = 100 + (inside ? dv : 0) + 8 * rnd()));
        }
    const grids = phases.map((data) => ({ data, dims: d, spacing: [1, 1, 2] as const }));
    return { grids, truth };
  }

  it('separates a lesion no single phase shows; single-phase growing leaks or stalls', () => {
    const { grids, truth } = weakLesion();
    const multi = regionGrowMultiPhase(grids, [24, 24, 12], { maxRadiusMm: 14 });
    const single = grids.map((g) => dice(regionGrow(g, [24, 24, 12], { multiplier: 2, maxRadiusMm: 14 }).mask, truth));
    const dm = dice(multi.mask, truth);
    expect(dm).toBeGreaterThan(0.75);
    for (const ds of single) expect(ds).toBeLessThan(dm - 0.15);
    expect(multi.background[0]).toBeGreaterThan(95);
    expect(multi.background[0]).toBeLessThan(105);
  });

  it('without the background competition the weak lesion leaks into the parenchyma', () => {
    const { grids, truth } = weakLesion();
    const open = regionGrowMultiPhase(grids, [24, 24, 12], { maxRadiusMm: 14, compete: false });
    expect(dice(open.mask, truth)).toBeLessThan(0.6);
  });

  it('bad input: no phases, different grids, a seed outside', () => {
    const { grids } = weakLesion();
    expect(() => regionGrowMultiPhase([], [1, 1, 1])).toThrow(/no phases given/);
    const small = { data: new Float32Array(8), dims: [2, 2, 2] as const, spacing: [1, 1, 1] as const };
    expect(() => regionGrowMultiPhase([grids[0], small], [1, 1, 1])).toThrow(/phase 2 has dims 2×2×2, phase 1 has 48×48×24/);
    expect(() => regionGrowMultiPhase(grids, [60, 1, 1])).toThrow(/seed \(60, 1, 1\) is outside the image/);
  });

  it('inverts a small SPD matrix', () => {
    const a = [
      [4, 1, 0],
      [1, 3, 1],
      [0, 1, 2],
    ];
    const inv = invert(a)!;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expect(a[i].reduce((s, v, k) => s + v * inv[k][j], 0)).toBeCloseTo(i === j ? 1 : 0, 10);
    expect(invert([[0]])).toBeNull();
  });
});
