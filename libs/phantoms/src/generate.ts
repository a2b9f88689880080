import { HU, makeAnatomy, makeLiver, type Geometry, type Structure } from './anatomy';
import { drawExpression, drawLatent, lesionStructures, makePeritumoural, maxRadius, treatmentState, type LesionSpec } from './lesions';
import { fbm, hash32, Rng } from './random';
import { occupancy } from './shapes';
import {
  LESION_TYPES,
  PHASES,
  type LesionRecord,
  type LesionType,
  type Phantom,
  type PhantomOptions,
  type PhantomTimepoint,
  type PhantomVolume,
  type Vec3,
} from './types';
/** `Math` captured in module scope: global lookups are slow inside Jest's vm context (hot loops). */
const M = Math;

/**
 * Synthetic multi-phase abdominal CT phantoms with ground truth (see README-like comments in
 * anatomy.ts and lesions.ts for the anatomy and the enhancement patterns).
 *
 * Rendering: every structure is an implicit surface (signed distance d, mm); a voxel's occupancy is
 * clamp(½ − d/w) with w = the geometric-mean voxel size (partial volume), structures are composited in
 * painting order, the four phases at once. Masks are the voxels whose composited liver (or lesion) weight
 * is ≥ ½. Noise: white Gaussian noise smoothed by [1 2 1]/4 in x and y (CT-like in-plane correlation),
 * scaled to `noiseSd`, independent per phase and timepoint. Output voxels are int16 HU.
 */

export const DEFAULT_DIMS: [number, number, number] = [128, 128, 48];
export const DEFAULT_SPACING: [number, number, number] = [1.5, 1.5, 3];

interface Layout {
  geometry: Geometry;
  dims: [number, number, number];
  spacing: [number, number, number];
  origin: [number, number, number];
  w: number;
  anatomy: ReturnType<typeof makeAnatomy>;
  lesions: LesionSpec[];
  liverSdf: (x: number, y: number, z: number) => number;
}

function layout(opts: PhantomOptions): Layout {
  const dims = opts.dims ?? DEFAULT_DIMS;
  const spacing = opts.spacing ?? DEFAULT_SPACING;
  if (dims.some((d) => !Number.isInteger(d) || d < 8)) throw new Error(`phantom: dims must be integers ≥ 8, got [${dims.join(', ')}]`);
  if (spacing.some((s) => !(s > 0))) throw new Error(`phantom: spacing must be positive, got [${spacing.join(', ')}]`);
  const fov: Vec3 = [dims[0] * spacing[0], dims[1] * spacing[1], dims[2] * spacing[2]];
  const geometry: Geometry = { S: M.min(fov[0], fov[1]), Z: fov[2], fov };
  const origin: [number, number, number] = [
    (-(dims[0] - 1) / 2) * spacing[0],
    (-(dims[1] - 1) / 2) * spacing[1],
    (-(dims[2] - 1) / 2) * spacing[2],
  ];
  const w = M.cbrt(spacing[0] * spacing[1] * spacing[2]);
  const rng = new Rng(opts.seed);
  const anatomyRng = rng.fork(1);
  const liverShape = makeLiver(geometry, anatomyRng);
  const liverTex = fbm(anatomyRng.int(0, 2 ** 30), 4);
  // the liver's value function reads the peritumoural boosts prepared per timepoint (set in render)
  const state = { peri: [] as ReturnType<typeof makePeritumoural>[] };
  const boost = new Float64Array(4);
  const liverValue: Structure['value'] = (x, y, z, out) => {
    const h = 5 * liverTex(x, y, z);
    boost.fill(0);
    for (const p of state.peri) {
      const b = p.box;
      if (x >= b[0] && x <= b[1] && y >= b[2] && y <= b[3] && z >= b[4] && z <= b[5]) p.add(x, y, z, boost);
    }
    for (let p = 0; p < 4; p++) out[p] = HU.liver[p] + h + boost[p];
  };
  const anatomy = makeAnatomy(geometry, anatomyRng, w, liverShape, liverValue);
  (anatomy as { state?: typeof state }).state = state;

  const lesionRng = rng.fork(2);
  const T = M.max(1, opts.timepoints ?? 1);
  const K = opts.lesions ?? lesionRng.int(1, 4);
  if (!(Number.isInteger(K) && K >= 0 && K <= 20)) throw new Error(`phantom: lesions must be an integer 0..20, got ${K}`);
  const weights = opts.typeWeights ?? [0.55, 0.15, 0.12, 0.18];
  const lesions: LesionSpec[] = [];
  const S = geometry.S;
  for (let l = 0; l < K; l++) {
    const type: LesionType = opts.lesionTypes?.length ? opts.lesionTypes[l % opts.lesionTypes.length] : lesionRng.pick(LESION_TYPES, weights);
    const range = type === 'CYST' ? [0.03, 0.09] : type === 'HAEMANGIOMA' ? [0.05, 0.13] : [0.06, 0.16];
    let dRel = lesionRng.uniform(range[0], range[1]);
    const latent = drawLatent(lesionRng, type, dRel);
    const aniso: Vec3 = [lesionRng.uniform(0.88, 1.12), lesionRng.uniform(0.88, 1.12), lesionRng.uniform(0.88, 1.12)];
    const noiseSeed = hash32(opts.seed * 131 + l * 7 + 1);
    let placed: Vec3 | undefined;
    let radius = (dRel * S) / 2;
    for (let attempt = 0; attempt < 6 && !placed; attempt++) {
      const rm = maxRadius({ radius, aniso, response: latent.response }, T);
      for (let tries = 0; tries < 400; tries++) {
        const b = liverShape.box;
        const p: Vec3 = [lesionRng.uniform(b[0], b[1]), lesionRng.uniform(b[2], b[3]), lesionRng.uniform(b[4], b[5])];
        if (liverShape.sdf(p[0], p[1], p[2]) > -(rm * 1.2 + 3)) continue;
        if (lesions.some((o) => M.hypot(o.center[0] - p[0], o.center[1] - p[1], o.center[2] - p[2]) < rm + maxRadius(o, T) + 8)) continue;
        placed = p;
        break;
      }
      if (!placed) {
        radius *= 0.8;
        dRel *= 0.8;
      }
    }
    if (!placed) throw new Error(`phantom: could not place lesion ${l + 1} of ${K} in the liver (seed ${opts.seed}); ask for fewer lesions`);
    const satellites: LesionSpec['satellites'] = [];
    const expression = drawExpression(lesionRng, type, latent);
    if (latent.mvi ? lesionRng.bernoulli(0.6) : type === 'HCC' && lesionRng.bernoulli(0.04)) {
      const n = lesionRng.int(1, 3);
      for (let s = 0; s < n; s++) {
        const u: Vec3 = [lesionRng.normal(), lesionRng.normal(), lesionRng.normal()];
        const un = M.hypot(...u);
        const dist = radius * M.max(...aniso) * 1.2 + lesionRng.uniform(3, 8);
        satellites.push({
          center: [placed[0] + (u[0] / un) * dist, placed[1] + (u[1] / un) * dist, placed[2] + (u[2] / un) * dist],
          radius: lesionRng.uniform(2, 3.5),
        });
      }
    }
    lesions.push({ label: l + 1, type, center: placed, radius, aniso, satellites, noiseSeed, ...latent, ...expression });
  }
  return { geometry, dims, spacing, origin, w, anatomy, lesions, liverSdf: liverShape.sdf };
}

/** Correlated Gaussian noise (sd 1): white noise smoothed by [1 2 1]/4 along x and y, rescaled. */
function addNoise(data: Float32Array, dims: [number, number, number], sd: number, rng: Rng) {
  if (sd <= 0) return;
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const white = new Float32Array(plane);
  const tmp = new Float32Array(plane);
  const gain = sd / 0.375; // the separable [1 2 1]/4 filter keeps 0.375 of the SD
  for (let k = 0; k < nz; k++) {
    for (let i = 0; i < plane; i++) white[i] = rng.normal();
    for (let j = 0; j < ny; j++) {
      const row = j * nx;
      for (let i = 0; i < nx; i++) {
        const l = white[row + (i > 0 ? i - 1 : i + 1)];
        const r = white[row + (i < nx - 1 ? i + 1 : i - 1)];
        tmp[row + i] = 0.25 * l + 0.5 * white[row + i] + 0.25 * r;
      }
    }
    const base = k * plane;
    for (let j = 0; j < ny; j++) {
      const up = (j > 0 ? j - 1 : j + 1) * nx;
      const dn = (j < ny - 1 ? j + 1 : j - 1) * nx;
      const row = j * nx;
      for (let i = 0; i < nx; i++) data[base + row + i] += gain * (0.25 * tmp[up + i] + 0.5 * tmp[row + i] + 0.25 * tmp[dn + i]);
    }
  }
}


function renderTimepoint(L: Layout, opts: PhantomOptions, t: number): PhantomTimepoint {
  const { dims, spacing, origin, w, anatomy } = L;
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  (anatomy as unknown as { state: { peri: ReturnType<typeof makePeritumoural>[] } }).state.peri = L.lesions
    .filter((l) => l.periGain > 0)
    .map((l) => makePeritumoural(l, t));
  const lesionStructs = L.lesions.flatMap((l) => lesionStructures(l, t, w));
  const order: Structure[] = [...anatomy.before, anatomy.liver, ...anatomy.vessels, ...lesionStructs, ...anatomy.after];
  const liverIdx = anatomy.before.length;
  const K = L.lesions.length;
  const phaseData = PHASES.map(() => new Float32Array(n));
  const liverMask = new Uint8Array(n);
  const lesionMask = new Uint8Array(n);
  const v = new Float64Array(4);
  const tmp = new Float64Array(4);
  const lesW = new Float64Array(K + 1);
  const zActive: number[] = [];
  const yActive: number[] = [];
  for (let k = 0; k < nz; k++) {
    const z = origin[2] + k * spacing[2];
    zActive.length = 0;
    for (let s = 0; s < order.length; s++) if (z >= order[s].box[4] && z <= order[s].box[5]) zActive.push(s);
    for (let j = 0; j < ny; j++) {
      const y = origin[1] + j * spacing[1];
      yActive.length = 0;
      for (const s of zActive) if (y >= order[s].box[2] && y <= order[s].box[3]) yActive.push(s);
      for (let i = 0; i < nx; i++) {
        const x = origin[0] + i * spacing[0];
        v[0] = v[1] = v[2] = v[3] = HU.air[0];
        let wLiver = 0;
        let aLiver = 0;
        lesW.fill(0);
        for (const s of yActive) {
          const st = order[s];
          const b = st.box;
          if (x < b[0] || x > b[1]) continue;
          let a = occupancy(st.sdf(x, y, z), w);
          if (s === liverIdx) aLiver = a;
          else if (st.clipToLiver) a *= aLiver;
          if (a <= 0) continue;
          st.value(x, y, z, tmp);
          for (let p = 0; p < 4; p++) v[p] += a * (tmp[p] - v[p]);
          if (st.group === 'other') wLiver *= 1 - a;
          else wLiver += a * (1 - wLiver);
          for (let q = 1; q <= K; q++) lesW[q] *= 1 - a;
          if (st.group === 'lesion') lesW[st.lesionLabel!] += a;
        }
        const idx = i + nx * (j + ny * k);
        for (let p = 0; p < 4; p++) phaseData[p][idx] = v[p];
        if (wLiver >= 0.5) liverMask[idx] = 1;
        let best = 0;
        for (let q = 1; q <= K; q++) if (lesW[q] >= 0.5 && lesW[q] > lesW[best]) best = q;
        lesionMask[idx] = best;
      }
    }
  }
  const noiseRng = new Rng(hash32(opts.seed * 977 + t * 31 + 5));
  const sd = opts.noiseSd ?? 12;
  const base = {
    dims: [nx, ny, nz] as [number, number, number],
    spacing: [...spacing] as [number, number, number],
    origin: [...origin] as [number, number, number],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as PhantomVolume['direction'],
  };
  const phases = {} as PhantomTimepoint['phases'];
  PHASES.forEach((phase, p) => {
    const f = phaseData[p];
    addNoise(f, dims, sd, noiseRng);
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      const x = M.round(f[i]);
      out[i] = x < -1024 ? -1024 : x > 3071 ? 3071 : x;
    }
    phases[phase] = {
      ...base,
      data: out,
      dtype: 'int16',
      metadata: {
        synthetic: true,
        modality: 'CT',
        phase,
        phaseSource: 'phantom',
        hounsfield: true,
        phantomSeed: opts.seed,
        timepoint: t,
        seriesDescription: `SYNTHETIC phantom ${phase.replace('_', ' ').toLowerCase()} (seed ${opts.seed}, t${t})`,
      },
    };
  });
  const maskMeta = (what: string) => ({
    synthetic: true as const,
    modality: 'SEG' as const,
    phantomSeed: opts.seed,
    timepoint: t,
    seriesDescription: `SYNTHETIC phantom ${what} (seed ${opts.seed}, t${t})`,
  });
  const counts = new Float64Array(K + 1);
  for (let i = 0; i < n; i++) counts[lesionMask[i]]++;
  const voxelMl = (spacing[0] * spacing[1] * spacing[2]) / 1000;
  const lesions: LesionRecord[] = L.lesions.map((l) => {
    const { scale, viable } = treatmentState(l, t);
    const vol = counts[l.label] * voxelMl;
    return {
      label: l.label,
      type: l.type,
      diameterMm: round2(M.cbrt((6 * vol * 1000) / M.PI)),
      nominalDiameterMm: round2(2 * l.radius * scale * M.max(...l.aniso)),
      volumeMl: round2(vol),
      centerMm: l.center.map(round2) as Vec3,
      malignant: l.malignant,
      grade: l.grade,
      mvi: l.mvi,
      capsule: l.capsule,
      satellites: l.satellites.length,
      arterialSensitivity: l.arterialSensitivity === null ? null : round2(l.arterialSensitivity),
      response: l.response,
      viableFraction: round2(viable),
    };
  });
  return {
    timepoint: t,
    dayOffset: t * (opts.intervalDays ?? 90),
    phases,
    liverMask: { ...base, data: liverMask, dtype: 'uint8', metadata: maskMeta('liver mask') },
    lesionMask: { ...base, data: lesionMask, dtype: 'uint8', metadata: maskMeta('lesion mask') },
    lesions,
  };
}

const round2 = (x: number) => M.round(x * 100) / 100;

/**
 * Generates a phantom: T timepoints × 4 phases of int16 HU volumes, liver and lesion masks, and the lesion
 * records with their latent labels. Deterministic: the same options give bit-identical output.
 */
export function generatePhantom(opts: PhantomOptions): Phantom {
  if (!Number.isInteger(opts.seed)) throw new Error(`phantom: seed must be an integer, got ${opts.seed}`);
  const T = opts.timepoints ?? 1;
  if (!(Number.isInteger(T) && T >= 1 && T <= 10)) throw new Error(`phantom: timepoints must be an integer 1..10, got ${T}`);
  const L = layout(opts);
  const timepoints: PhantomTimepoint[] = [];
  for (let t = 0; t < T; t++) timepoints.push(renderTimepoint(L, opts, t));
  return { synthetic: true, seed: opts.seed, timepoints };
}

/** The lesion specifications (positions, sizes, latent labels) without rendering — cheap. */
export function phantomLesions(opts: PhantomOptions): LesionSpec[] {
  return layout(opts).lesions;
}

