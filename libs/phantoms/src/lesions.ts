import type { Box, PhaseValues, Structure } from './anatomy';
import { fbm, type Noise3, Rng, valueNoise } from './random';
import type { LesionType, Response, Vec3 } from './types';
/** `Math` captured in module scope: global lookups are slow inside Jest's vm context (hot loops). */
const M = Math;

/**
 * Focal liver lesions: shape, latent biology and per-phase appearance.
 *
 * Appearance per phase [NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED] (HU; liver is 55/68/102/88):
 * - HCC: hypo-/iso-attenuating native (42), arterial hyperenhancement (≈ 95 + 15·s + N(0, 8), s = latent
 *   arterial sensitivity), washout in portal-venous (84) and delayed (68) phases, an enhancing capsule in the
 *   portal-venous/delayed phases (≈ 118/125, 1 mm), heterogeneous "mosaic" interior whose amplitude
 *   grows with grade (6/13/22 HU) and necrotic, non-enhancing patches in grade 2–3.
 *   Microvascular invasion (MVI) → (with a per-lesion strength, see drawExpression) irregular, lobulated
 *   margin, disrupted capsule, peritumoural arterial enhancement within ~1 cm (wedge-like, up to +45 HU
 *   arterial, 0.3× that in the portal phase) and, in 60 %, 1–3 satellite nodules.
 * - Haemangioma: blood-pool density native (38); peripheral, nodular, discontinuous enhancement in the
 *   arterial phase that fills in centripetally (25 % → 60 % → 95 % of the radius), following the blood pool
 *   (215/165/128).
 * - Cyst: water density (8–10 HU) in every phase, sharp margin, no enhancement.
 * - Metastasis (hypovascular): hypo-attenuating centre (36/48/62/66) with an enhancing rim (92/98/80 in
 *   the contrast phases, "target"), central necrosis when large.
 * Treatment (follow-up timepoints): the lesion's size scales by the response (CR 0.75ᵗ, PR 0.8ᵗ, SD
 * 0.98ᵗ, PD 1.3ᵗ) and a central non-enhancing (necrotic) core replaces 1 − viableFraction of its volume.
 */

export interface LesionSpec {
  label: number;
  type: LesionType;
  center: Vec3;
  /** baseline radius (mm) before anisotropy */
  radius: number;
  /** semi-axis scale factors */
  aniso: Vec3;
  malignant: boolean;
  grade: 1 | 2 | 3 | null;
  mvi: boolean | null;
  capsule: boolean | null;
  arterialSensitivity: number | null;
  response: Response | null;
  satellites: { center: Vec3; radius: number }[];
  /** imaging expression of the biology, drawn per lesion (so that no single sign is a perfect marker):
   *  peritumoural arterial enhancement gain (HU at the margin; 0 = none), margin irregularity (relative
   *  radius modulation), lobulation amplitude, and the lesion's arterial enhancement offset (HU) */
  periGain: number;
  irregularity: number;
  lobulation: number;
  arterialOffset: number;
  /** seeds of the lesion's noise fields */
  noiseSeed: number;
}

const sigmoid = (x: number) => 1 / (1 + M.exp(-x));

/** Draws the latent biology of a lesion of the given type and relative diameter (diameter / S). */
export type Latent = Pick<LesionSpec, 'malignant' | 'grade' | 'mvi' | 'capsule' | 'arterialSensitivity' | 'response'>;

/**
 * Draws how strongly a lesion expresses its biology in the images. MVI-positive HCC: a sign strength
 * u ~ U(0, 1); peritumoural arterial enhancement only when u > 0.35 (gain 20–45 HU), margin irregularity
 * 0.06 + 0.12·u, lobulation 0.03 + 0.07·u. MVI-negative lesions: 15 % show a mild peritumoural
 * enhancement (arterioportal shunt, 10–22 HU), irregularity 0.03–0.09. Arterial offset N(0, 8) HU.
 * Single signs are thus informative but imperfect markers (see the phantom spec's AUC check).
 */
export function drawExpression(rng: Rng, type: LesionType, latent: Latent): Pick<LesionSpec, 'periGain' | 'irregularity' | 'lobulation' | 'arterialOffset'> {
  const arterialOffset = rng.normal(0, 8);
  if (type === 'CYST') return { periGain: 0, irregularity: 0.02, lobulation: 0, arterialOffset: 0 };
  if (latent.mvi) {
    const u = rng.next();
    return { periGain: u > 0.35 ? 20 + 25 * u : 0, irregularity: 0.06 + 0.12 * u, lobulation: 0.03 + 0.07 * u, arterialOffset };
  }
  const shunt = type === 'HCC' && rng.bernoulli(0.15);
  return { periGain: shunt ? rng.uniform(10, 22) : 0, irregularity: rng.uniform(0.03, 0.09), lobulation: 0, arterialOffset };
}

export function drawLatent(rng: Rng, type: LesionType, dRel: number): Latent {
  if (type === 'HCC') {
    const grade = rng.pick([1, 2, 3] as const, [0.25, 0.5, 0.25]);
    const s = rng.normal();
    // MVI risk grows with grade and size (as in the MVI literature); imaging signs follow from it
    const mvi = rng.bernoulli(sigmoid(-1.0 + 1.3 * (grade - 2) + 10 * (dRel - 0.11)));
    const capsule = rng.bernoulli([0.8, 0.7, 0.45][grade - 1]);
    return { malignant: true, grade, mvi, capsule, arterialSensitivity: s, response: responseOf(s, grade, rng) };
  }
  if (type === 'METASTASIS') {
    const s = rng.normal();
    return { malignant: true, grade: null, mvi: null, capsule: null, arterialSensitivity: s, response: responseOf(s, 2, rng) };
  }
  return { malignant: false, grade: null, mvi: null, capsule: null, arterialSensitivity: null, response: null };
}

/** Best response from the latent sensitivity (plus noise): higher sensitivity, lower grade → better response. */
function responseOf(s: number, grade: number, rng: Rng): Response {
  const z = s - 0.3 * (grade - 2) + rng.normal(0, 0.9);
  return z > 1.0 ? 'CR' : z > 0 ? 'PR' : z > -0.9 ? 'SD' : 'PD';
}

/** Size factor and viable fraction of a lesion at timepoint t (0 = baseline). */
export function treatmentState(spec: LesionSpec, t: number): { scale: number; viable: number } {
  if (t === 0 || !spec.response) return { scale: 1, viable: 1 };
  switch (spec.response) {
    case 'CR':
      return { scale: 0.75 ** t, viable: 0 };
    case 'PR':
      return { scale: 0.8 ** t, viable: M.max(0.15, 0.5 ** t) };
    case 'SD':
      return { scale: 0.98 ** t, viable: 0.85 };
    case 'PD':
      return { scale: 1.3 ** t, viable: 1 };
  }
}

/** Largest radius a lesion reaches over T timepoints (for placement margins). */
export function maxRadius(spec: Pick<LesionSpec, 'radius' | 'aniso' | 'response'>, timepoints: number): number {
  const g = spec.response === 'PD' ? 1.3 ** (timepoints - 1) : 1;
  return spec.radius * M.max(...spec.aniso) * g;
}

const HCC_BASE = { native: 42, portal: 84, delayed: 68 };
const NECROSIS: PhaseValues = [28, 30, 32, 34];
const HAEM_BLOOD: PhaseValues = [38, 215, 165, 128];
const HAEM_FILL = [0, 0.25, 0.6, 0.95];
const CYST: PhaseValues = [8, 9, 10, 10];
const MET_CORE: PhaseValues = [36, 48, 62, 66];
const MET_RIM: PhaseValues = [40, 92, 98, 80];

/**
 * The painted structures of a lesion at timepoint t: the lesion itself (group 'lesion') and its
 * satellites (group 'liver': real but not in the lesion mask). `w` is the partial-volume width.
 */
export function lesionStructures(spec: LesionSpec, t: number, w: number): Structure[] {
  const { scale, viable } = treatmentState(spec, t);
  const r = spec.radius * scale;
  const [ax, ay, az] = spec.aniso;
  const c = spec.center;
  const irr = spec.irregularity;
  const ang1 = valueNoise(spec.noiseSeed + 1);
  const ang2 = valueNoise(spec.noiseSeed + 2);
  const capNoise = valueNoise(spec.noiseSeed + 3);
  const tex: Noise3 = fbm(spec.noiseSeed + 4, 3.5);
  const nec: Noise3 = fbm(spec.noiseSeed + 5, 5);
  const hetAmp = spec.grade ? [6, 13, 22][spec.grade - 1] * (1 - 0.25 * M.max(-1, M.min(1, spec.arterialSensitivity ?? 0))) : 5;
  const necThr = spec.grade === 3 ? 0.25 : spec.grade === 2 ? 0.5 : 2;
  const coreRho = M.cbrt(M.max(0, 1 - viable));
  const s = spec.arterialSensitivity ?? 0;
  const hccArterial = 95 + 15 * s + spec.arterialOffset;
  const capT = 1.0;
  const rMax = r * M.max(ax, ay, az) * (1 + 1.5 * (irr + spec.lobulation)) + w + 1;
  const box: Box = [c[0] - rMax, c[0] + rMax, c[1] - rMax, c[1] + rMax, c[2] - rMax, c[2] + rMax];
  // per-voxel state shared by sdf() and value()
  let rho = 0;
  let ux = 1, uy = 0, uz = 0;
  let rDir = r;
  const lesion: Structure = {
    name: `lesion ${spec.label} (${spec.type})`,
    group: 'lesion',
    lesionLabel: spec.label,
    clipToLiver: true,
    box,
    sdf(x, y, z) {
      const qx = (x - c[0]) / ax, qy = (y - c[1]) / ay, qz = (z - c[2]) / az;
      const L = M.sqrt(qx * qx + qy * qy + qz * qz);
      if (L > 1e-9) {
        ux = qx / L;
        uy = qy / L;
        uz = qz / L;
      }
      let m = irr * ang1(1.6 * ux + 11, 1.6 * uy + 5, 1.6 * uz + 3);
      if (spec.lobulation > 0) m += spec.lobulation * ang2(4 * ux + 2, 4 * uy + 7, 4 * uz + 1);
      rDir = M.max(0.3 * r, r * (1 + m));
      rho = L / rDir;
      return (L - rDir) * M.min(ax, ay, az);
    },
    value(x, y, z, out) {
      if (rho < coreRho) {
        for (let p = 0; p < 4; p++) out[p] = NECROSIS[p];
        return;
      }
      switch (spec.type) {
        case 'HCC': {
          const h = hetAmp * tex(x, y, z);
          out[0] = HCC_BASE.native + 0.4 * h;
          out[1] = hccArterial + 1.4 * h;
          out[2] = HCC_BASE.portal + 0.8 * h;
          out[3] = HCC_BASE.delayed + 0.6 * h;
          if (nec(x, y, z) > necThr && rho < 0.85) {
            for (let p = 0; p < 4; p++) out[p] = NECROSIS[p];
          }
          if (spec.capsule && (1 - rho) * rDir < capT) {
            const present = !spec.mvi || capNoise(2 * ux + 4, 2 * uy + 4, 2 * uz + 4) > 0.1;
            if (present) {
              out[0] = 45;
              out[2] = 118;
              out[3] = 125;
            }
          }
          return;
        }
        case 'HAEMANGIOMA': {
          // discontinuous peripheral nodules: the fill depth varies strongly around the circumference
          const nod = ang2(5 * ux + 9, 5 * uy + 1, 5 * uz + 6); // about −1..1
          const depth = 1 - rho; // 0 at the rim, 1 at the centre
          const h = 3 * tex(x, y, z);
          for (let p = 0; p < 4; p++) {
            const lobe = p === 1 ? M.max(0, 0.1 + 1.6 * nod) : p === 2 ? 0.6 + 0.6 * M.max(0, nod + 0.2) : 1;
            const fill = HAEM_FILL[p] * lobe;
            const t = M.max(0, M.min(1, (fill - depth) / 0.06));
            out[p] = HAEM_BLOOD[0] + t * (HAEM_BLOOD[p] - HAEM_BLOOD[0]) + h;
          }
          return;
        }
        case 'CYST': {
          const h = 2 * tex(x, y, z);
          for (let p = 0; p < 4; p++) out[p] = CYST[p] + h;
          return;
        }
        case 'METASTASIS': {
          const h = 5 * tex(x, y, z);
          const rim = M.max(0, M.min(1, (rho - 0.72) / 0.1 + 0.5));
          const necrotic = rDir > 12 && rho < 0.35;
          for (let p = 0; p < 4; p++) {
            out[p] = necrotic ? NECROSIS[p] : MET_CORE[p] + rim * (MET_RIM[p] - MET_CORE[p]) + h;
          }
          return;
        }
      }
    },
  };
  const out: Structure[] = [lesion];
  if (viable > 0) {
    spec.satellites.forEach((sat, i) => {
      const sr = sat.radius * scale;
      const sc = sat.center;
      const m = sr + w;
      out.push({
        name: `satellite ${spec.label}.${i + 1}`,
        group: 'liver',
        clipToLiver: true,
        box: [sc[0] - m, sc[0] + m, sc[1] - m, sc[1] + m, sc[2] - m, sc[2] + m],
        sdf: (x, y, z) => M.hypot(x - sc[0], y - sc[1], z - sc[2]) - sr,
        value: (_x, _y, _z, o) => {
          o[0] = HCC_BASE.native;
          o[1] = hccArterial + 10;
          o[2] = HCC_BASE.portal;
          o[3] = HCC_BASE.delayed;
        },
      });
    });
  }
  return out;
}

/**
 * Peritumoural arterial enhancement around MVI-positive HCC: adds to the liver's phase values within
 * ~1 cm of the margin, patchy (wedge-like) around the circumference. Returns false when p is out of reach.
 */
export function makePeritumoural(spec: LesionSpec, t: number) {
  const { scale, viable } = treatmentState(spec, t);
  const r = spec.radius * scale * M.max(...spec.aniso);
  const c = spec.center;
  const patch = valueNoise(spec.noiseSeed + 6);
  const reach = r * 1.3 + 10;
  const gain = viable; // treated tumours lose their arterial supply
  return {
    box: [c[0] - reach, c[0] + reach, c[1] - reach, c[1] + reach, c[2] - reach, c[2] + reach] as Box,
    add(x: number, y: number, z: number, boost: Float64Array) {
      const dx = x - c[0], dy = y - c[1], dz = z - c[2];
      const L = M.sqrt(dx * dx + dy * dy + dz * dz);
      const d = L - r;
      if (d < -2 || d > 10 || L === 0) return;
      const pw = M.max(0, M.min(1, 0.35 + 0.9 * patch((2.2 * dx) / L + 3, (2.2 * dy) / L + 8, (2.2 * dz) / L + 1)));
      const f = gain * pw * M.exp(-M.max(0, d) / 3.5);
      boost[1] += spec.periGain * f;
      boost[2] += 0.3 * spec.periGain * f;
      boost[3] += 0.12 * spec.periGain * f;
    },
  };
}
