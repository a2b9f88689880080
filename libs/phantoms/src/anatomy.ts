import { fbm, type Noise3, Rng } from './random';
import { capsuleSdf, ellipseSdf2, ellipsoidSdf, smin } from './shapes';
import type { Vec3 } from './types';
/** `Math` captured in module scope: global lookups are slow inside Jest's vm context (hot loops). */
const M = Math;

/**
 * Abdominal anatomy of the phantom, in LPS millimetres with the volume centre at (0, 0, 0):
 * +x = patient left, +y = posterior, +z = superior. Sizes scale with the field of view
 * S = min(FOVx, FOVy) (in-plane) and Z = FOVz, so any grid gives a whole abdomen.
 *
 * Enhancement (HU) per phase [NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED], typical adult values:
 * liver 55/68/102/88 (native ≈ 55, portal-venous ≈ 100 HU as the issue asks), aorta 40/320/170/120,
 * IVC 40/90/150/120, portal vein 45/95/185/135, hepatic veins 45/60/160/135, spleen 48/120/120/105,
 * renal cortex 35/190/170/150 and medulla 33/80/165/155, soft tissue 45/50/62/58 (± low-frequency
 * variation), fat −100, bone 450, air −1000.
 */

export type PhaseValues = readonly [number, number, number, number];

export const HU = {
  air: [-1000, -1000, -1000, -1000],
  fat: [-100, -100, -100, -100],
  softTissue: [45, 50, 62, 58],
  bone: [450, 455, 460, 460],
  aorta: [40, 320, 170, 120],
  ivc: [40, 90, 150, 120],
  liver: [55, 68, 102, 88],
  portalVein: [45, 95, 185, 135],
  hepaticVein: [45, 60, 160, 135],
  spleen: [48, 120, 120, 105],
  renalCortex: [35, 190, 170, 150],
  renalMedulla: [33, 80, 165, 155],
  perirenalFat: [-90, -90, -90, -90],
} satisfies Record<string, PhaseValues>;

/** World-space box [x0, x1, y0, y1, z0, z1]. */
export type Box = [number, number, number, number, number, number];

/** A painted structure: signed distance (mm) and per-phase values at a point. */
export interface Structure {
  name: string;
  /** 'liver' structures form the liver mask; 'lesion' structures the lesion mask */
  group: 'liver' | 'lesion' | 'other';
  /** 1-based lesion label for group 'lesion' */
  lesionLabel?: number;
  /** vessel and lesion occupancy is multiplied by the liver's */
  clipToLiver?: boolean;
  box: Box;
  sdf(x: number, y: number, z: number): number;
  /** writes the four phase values for the point last passed to sdf() */
  value(x: number, y: number, z: number, out: Float64Array): void;
}

export interface Geometry {
  S: number;
  Z: number;
  fov: Vec3;
}

const constant = (v: PhaseValues) => (_x: number, _y: number, _z: number, out: Float64Array) => {
  out[0] = v[0];
  out[1] = v[1];
  out[2] = v[2];
  out[3] = v[3];
};

/** The liver: smooth union of a right and a left lobe, with a seeded low-frequency surface deformation. */
export interface LiverShape {
  sdf(x: number, y: number, z: number): number;
  box: Box;
  /** a point deep in the right lobe (for seeds and placement) */
  center: Vec3;
  hilum: Vec3;
}

export function makeLiver(g: Geometry, rng: Rng): LiverShape {
  const { S, Z } = g;
  const jit = () => rng.uniform(0.93, 1.07);
  const c1: Vec3 = [-0.17 * S, -0.01 * S, 0.1 * Z];
  const r1: Vec3 = [0.2 * S * jit(), 0.21 * S * jit(), 0.33 * Z * jit()];
  const c2: Vec3 = [0.02 * S, -0.1 * S, 0.18 * Z];
  const r2: Vec3 = [0.15 * S * jit(), 0.085 * S * jit(), 0.17 * Z * jit()];
  const k = 0.05 * S;
  const deform = fbm(rng.int(0, 2 ** 30), 0.18 * S);
  const amp = 0.022 * S;
  const box: Box = [
    M.min(c1[0] - r1[0], c2[0] - r2[0]) - amp - k,
    M.max(c1[0] + r1[0], c2[0] + r2[0]) + amp + k,
    M.min(c1[1] - r1[1], c2[1] - r2[1]) - amp - k,
    M.max(c1[1] + r1[1], c2[1] + r2[1]) + amp + k,
    M.min(c1[2] - r1[2], c2[2] - r2[2]) - amp - k,
    M.max(c1[2] + r1[2], c2[2] + r2[2]) + amp + k,
  ];
  return {
    sdf: (x, y, z) => smin(ellipsoidSdf(x, y, z, c1, r1), ellipsoidSdf(x, y, z, c2, r2), k) + amp * deform(x, y, z),
    box,
    center: c1,
    hilum: [c1[0] + 0.09 * S, c1[1] + 0.06 * S, c1[2] - 0.08 * Z],
  };
}

interface Segment {
  a: Vec3;
  b: Vec3;
  ra: number;
  rb: number;
}

/** A random branching vessel tree (binary, `depth` levels) from `start` along `dir`. */
function vesselTree(rng: Rng, start: Vec3, dir: Vec3, len: number, radius: number, depth: number, out: Segment[]) {
  const n = M.hypot(...dir);
  const d: Vec3 = [dir[0] / n, dir[1] / n, dir[2] / n];
  const end: Vec3 = [start[0] + d[0] * len, start[1] + d[1] * len, start[2] + d[2] * len];
  const rEnd = radius * 0.8;
  out.push({ a: start, b: end, ra: radius, rb: rEnd });
  if (depth === 0) return;
  for (let c = 0; c < 2; c++) {
    // perturb the direction by a random vector of length ~ tan(30–45°)
    const t = rng.uniform(0.5, 0.9);
    const nd: Vec3 = [d[0] + t * rng.normal(), d[1] + t * rng.normal(), d[2] + t * rng.normal()];
    vesselTree(rng, end, nd, len * rng.uniform(0.62, 0.78), rEnd * 0.78, depth - 1, out);
  }
}

function segmentStructure(name: string, s: Segment, values: PhaseValues, w: number): Structure {
  const m = M.max(s.ra, s.rb) + w;
  return {
    name,
    group: 'liver',
    clipToLiver: true,
    box: [
      M.min(s.a[0], s.b[0]) - m,
      M.max(s.a[0], s.b[0]) + m,
      M.min(s.a[1], s.b[1]) - m,
      M.max(s.a[1], s.b[1]) + m,
      M.min(s.a[2], s.b[2]) - m,
      M.max(s.a[2], s.b[2]) + m,
    ],
    sdf: (x, y, z) => capsuleSdf(x, y, z, s.a, s.b, s.ra, s.rb),
    value: constant(values),
  };
}

/**
 * Builds the fixed anatomy (everything but the lesions) in painting order, split around the liver:
 * `before` (body, spine, great vessels), the liver itself, `vessels` (clipped to the liver) and `after`
 * (spleen, kidneys with perirenal fat) painted after the lesions.
 */
export function makeAnatomy(g: Geometry, rng: Rng, w: number, liver: LiverShape, liverValue: Structure['value']) {
  const { S, Z, fov } = g;
  const big = 1e6;
  const bx = 0.45 * fov[0];
  const by = 0.34 * fov[1];
  const cy = 0.02 * fov[1];
  const fatT = 0.035 * S;
  const softVar: Noise3 = fbm(rng.int(0, 2 ** 30), 0.12 * S);
  const before: Structure[] = [
    {
      name: 'body',
      group: 'other',
      box: [-bx - w, bx + w, cy - by - w, cy + by + w, -big, big],
      sdf: (x, y) => ellipseSdf2(x, y, 0, cy, bx, by),
      value: constant(HU.fat),
    },
    {
      name: 'soft tissue',
      group: 'other',
      box: [-bx, bx, cy - by, cy + by, -big, big],
      sdf: (x, y) => ellipseSdf2(x, y, 0, cy, bx - fatT, by - fatT),
      value: (x, y, z, out) => {
        const v = 12 * softVar(x, y, z);
        for (let p = 0; p < 4; p++) out[p] = HU.softTissue[p] + v;
      },
    },
  ];
  const spine: Vec3 = [0, cy + 0.62 * by, 0];
  const rs = 0.06 * S;
  before.push({
    name: 'spine',
    group: 'other',
    box: [spine[0] - rs - w, spine[0] + rs + w, spine[1] - rs - w, spine[1] + rs + w, -big, big],
    sdf: (x, y) => M.hypot(x - spine[0], y - spine[1]) - rs,
    value: constant(HU.bone),
  });
  const aorta: Vec3 = [0.035 * S, cy + 0.33 * by, 0];
  const ra = 0.028 * S;
  before.push({
    name: 'aorta',
    group: 'other',
    box: [aorta[0] - ra - w, aorta[0] + ra + w, aorta[1] - ra - w, aorta[1] + ra + w, -big, big],
    sdf: (x, y) => M.hypot(x - aorta[0], y - aorta[1]) - ra,
    value: constant(HU.aorta),
  });
  const ivc: Vec3 = [-0.075 * S, cy + 0.28 * by, 0];
  const ri = 0.03 * S;
  before.push({
    name: 'ivc',
    group: 'other',
    box: [ivc[0] - ri - w, ivc[0] + ri + w, ivc[1] - ri - w, ivc[1] + ri + w, -big, big],
    sdf: (x, y) => M.hypot(x - ivc[0], y - ivc[1]) - ri,
    value: constant(HU.ivc),
  });
  const liverStructure: Structure = { name: 'liver', group: 'liver', box: liver.box, sdf: liver.sdf, value: liverValue };

  // vessels: a portal tree from the hilum and three hepatic veins draining towards the IVC
  const segs: Segment[] = [];
  const portal: Segment[] = [];
  vesselTree(rng, liver.hilum, [-1, -0.6, 0.5], 0.1 * S, 0.03 * S, 3, portal);
  const hepatic: Segment[] = [];
  for (let v = 0; v < 3; v++) {
    const start: Vec3 = [ivc[0], ivc[1] - 0.02 * S, 0.3 * Z];
    const dir: Vec3 = [-1 + 0.9 * v, -0.8, -0.4 + 0.1 * v];
    vesselTree(rng, start, dir, 0.09 * S, 0.022 * S, 2, hepatic);
  }
  segs.push(...portal, ...hepatic);
  const vessels: Structure[] = [
    ...portal.map((s, i) => segmentStructure(`portal vein ${i}`, s, HU.portalVein, w)),
    ...hepatic.map((s, i) => segmentStructure(`hepatic vein ${i}`, s, HU.hepaticVein, w)),
  ];

  // spleen and kidneys (with perirenal fat) are painted after the liver and the lesions
  const after: Structure[] = [];
  const sc: Vec3 = [0.29 * S, cy + 0.08 * S, 0.16 * Z];
  const sr: Vec3 = [0.075 * S * rng.uniform(0.9, 1.1), 0.13 * S * rng.uniform(0.9, 1.1), 0.16 * Z * rng.uniform(0.9, 1.1)];
  after.push({
    name: 'spleen',
    group: 'other',
    box: [sc[0] - sr[0] - w, sc[0] + sr[0] + w, sc[1] - sr[1] - w, sc[1] + sr[1] + w, sc[2] - sr[2] - w, sc[2] + sr[2] + w],
    sdf: (x, y, z) => ellipsoidSdf(x, y, z, sc, sr),
    value: constant(HU.spleen),
  });
  for (const side of [-1, 1]) {
    const kc: Vec3 = [side * 0.2 * S, cy + 0.19 * S, -0.2 * Z + (side < 0 ? -0.03 * Z : 0)];
    const kr: Vec3 = [0.055 * S, 0.075 * S, 0.17 * Z];
    const fr: Vec3 = [kr[0] + 0.025 * S, kr[1] + 0.025 * S, kr[2] + 0.04 * Z];
    after.push({
      name: side < 0 ? 'right perirenal fat' : 'left perirenal fat',
      group: 'other',
      box: [kc[0] - fr[0] - w, kc[0] + fr[0] + w, kc[1] - fr[1] - w, kc[1] + fr[1] + w, kc[2] - fr[2] - w, kc[2] + fr[2] + w],
      sdf: (x, y, z) => ellipsoidSdf(x, y, z, kc, fr),
      value: constant(HU.perirenalFat),
    });
    const cortexT = 0.3;
    after.push({
      name: side < 0 ? 'right kidney' : 'left kidney',
      group: 'other',
      box: [kc[0] - kr[0] - w, kc[0] + kr[0] + w, kc[1] - kr[1] - w, kc[1] + kr[1] + w, kc[2] - kr[2] - w, kc[2] + kr[2] + w],
      sdf: (x, y, z) => ellipsoidSdf(x, y, z, kc, kr),
      value: (x, y, z, out) => {
        const px = (x - kc[0]) / kr[0], py = (y - kc[1]) / kr[1], pz = (z - kc[2]) / kr[2];
        const rho = M.sqrt(px * px + py * py + pz * pz);
        const t = M.min(1, M.max(0, (rho - (1 - cortexT)) / 0.08 + 0.5)); // 1 = cortex
        for (let p = 0; p < 4; p++) out[p] = HU.renalMedulla[p] + t * (HU.renalCortex[p] - HU.renalMedulla[p]);
      },
    });
  }
  return { before, liver: liverStructure, vessels, after, segments: segs };
}
