import { generatePhantom, phantomLesions } from './generate';
import { buildManifest, phantomFileNames } from './manifest';
import { HU } from './anatomy';
import { Rng, valueNoise } from './random';
import { PHASES, type PhantomTimepoint } from './types';

const SMALL = { dims: [64, 64, 24] as [number, number, number], spacing: [3, 3, 6] as [number, number, number] };

/** FNV-1a over the bytes of every volume of a timepoint. */
function digest(tp: PhantomTimepoint): number {
  let h = 0x811c9dc5;
  for (const v of [...PHASES.map((p) => tp.phases[p]), tp.liverMask, tp.lesionMask]) {
    const b = new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619);
  }
  return h >>> 0;
}

function meanIn(tp: PhantomTimepoint, phase: (typeof PHASES)[number], pick: (i: number) => boolean): number {
  const d = tp.phases[phase].data;
  let s = 0, c = 0;
  for (let i = 0; i < d.length; i++) if (pick(i)) { s += d[i]; c++; }
  return s / c;
}

/** voxels of a label eroded by one voxel in-plane (away from partial-volume edges) */
function core(tp: PhantomTimepoint, mask: Uint8Array, label: number): (i: number) => boolean {
  const [nx, ny] = tp.lesionMask.dims;
  return (i) => {
    if (mask[i] !== label) return false;
    const x = i % nx, y = Math.floor(i / nx) % ny;
    if (x < 1 || y < 1 || x >= nx - 1 || y >= ny - 1) return false;
    return mask[i - 1] === label && mask[i + 1] === label && mask[i - nx] === label && mask[i + nx] === label;
  };
}

describe('random', () => {
  it('is deterministic and roughly uniform / normal', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
    const r = new Rng(7);
    let s = 0, s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    const noise = valueNoise(3);
    expect(noise(1.5, 2.25, 3)).toBe(valueNoise(3)(1.5, 2.25, 3));
    expect(Math.abs(noise(0.2, 0.3, 0.4) - noise(0.21, 0.3, 0.4))).toBeLessThan(0.1); // smooth
  });
});

describe('generatePhantom', () => {
  const ph = generatePhantom({ seed: 11, lesions: 4, lesionTypes: ['HCC', 'HAEMANGIOMA', 'CYST', 'METASTASIS'], timepoints: 2 });
  const tp = ph.timepoints[0];

  it('is deterministic by seed and differs between seeds', () => {
    const make = (seed: number) => generatePhantom({ seed, lesions: 3, timepoints: 2, ...SMALL });
    const a = make(11), b = make(11), c = make(12);
    expect(digest(b.timepoints[0])).toBe(digest(a.timepoints[0]));
    expect(digest(b.timepoints[1])).toBe(digest(a.timepoints[1]));
    expect(digest(a.timepoints[1])).not.toBe(digest(a.timepoints[0]));
    expect(digest(c.timepoints[0])).not.toBe(digest(a.timepoints[0]));
    expect(b.timepoints[0].lesions).toEqual(a.timepoints[0].lesions);
  });

  it('marks everything synthetic, with the default grid and LPS geometry', () => {
    expect(ph.synthetic).toBe(true);
    for (const v of [...Object.values(tp.phases), tp.liverMask, tp.lesionMask]) {
      expect(v.metadata.synthetic).toBe(true);
      expect(v.dims).toEqual([128, 128, 48]);
      expect(v.spacing).toEqual([1.5, 1.5, 3]);
      expect(v.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      expect(v.data.length).toBe(128 * 128 * 48);
    }
    expect(tp.phases.ARTERIAL.metadata).toMatchObject({ phase: 'ARTERIAL', modality: 'CT', hounsfield: true });
    expect(tp.phases.NATIVE.dtype).toBe('int16');
    // the centre of the volume is at world (0, 0, 0)
    expect(tp.liverMask.origin[0] + 127 * 0.75).toBeCloseTo(0, 10);
  });

  it('puts each lesion label 1..K inside the liver mask, with matching records', () => {
    const counts = new Array(5).fill(0);
    let outside = 0;
    for (let i = 0; i < tp.lesionMask.data.length; i++) {
      const l = tp.lesionMask.data[i];
      counts[l]++;
      if (l && !tp.liverMask.data[i]) outside++;
    }
    expect(outside).toBe(0);
    for (let l = 1; l <= 4; l++) expect(counts[l]).toBeGreaterThan(10);
    tp.lesions.forEach((rec) => {
      expect(rec.volumeMl).toBeCloseTo((counts[rec.label] * 1.5 * 1.5 * 3) / 1000, 1);
      expect(rec.diameterMm).toBeGreaterThan(0.6 * rec.nominalDiameterMm);
      expect(rec.diameterMm).toBeLessThan(1.2 * rec.nominalDiameterMm);
    });
    expect(tp.lesions.map((l) => l.type)).toEqual(['HCC', 'HAEMANGIOMA', 'CYST', 'METASTASIS']);
    const liverMl = (tp.liverMask.data.reduce((a, b) => a + b, 0) * 6.75) / 1000;
    expect(liverMl).toBeGreaterThan(150);
    expect(liverMl).toBeLessThan(900);
  });

  it('gives the liver native ≈ 55 HU and portal-venous ≈ 100 HU', () => {
    const parenchyma = core(tp, tp.liverMask.data, 1);
    const liverOnly = (i: number) => parenchyma(i) && tp.lesionMask.data[i] === 0;
    expect(meanIn(tp, 'NATIVE', liverOnly)).toBeGreaterThan(HU.liver[0] - 5);
    expect(meanIn(tp, 'NATIVE', liverOnly)).toBeLessThan(HU.liver[0] + 8);
    expect(meanIn(tp, 'PORTAL_VENOUS', liverOnly)).toBeGreaterThan(95);
    expect(meanIn(tp, 'PORTAL_VENOUS', liverOnly)).toBeLessThan(115);
  });

  it('renders the enhancement pattern of each lesion type', () => {
    const liver = (p: (typeof PHASES)[number]) => meanIn(tp, p, (i) => core(tp, tp.liverMask.data, 1)(i) && tp.lesionMask.data[i] === 0);
    // the central part of each lesion (within half its radius of the centre): away from rim, capsule and
    // partial volume
    const central = (label: number) => {
      const rec = tp.lesions[label - 1];
      const v = tp.lesionMask;
      const [nx, ny] = v.dims;
      return (i: number) => {
        if (v.data[i] !== label) return false;
        const x = v.origin[0] + (i % nx) * v.spacing[0];
        const y = v.origin[1] + (Math.floor(i / nx) % ny) * v.spacing[1];
        const z = v.origin[2] + Math.floor(i / (nx * ny)) * v.spacing[2];
        return Math.hypot(x - rec.centerMm[0], y - rec.centerMm[1], z - rec.centerMm[2]) < rec.diameterMm / 4;
      };
    };
    const les = (label: number, p: (typeof PHASES)[number]) => meanIn(tp, p, central(label));
    // HCC: arterial hyperenhancement, portal-venous and delayed washout
    expect(les(1, 'ARTERIAL')).toBeGreaterThan(liver('ARTERIAL') + 10);
    expect(les(1, 'PORTAL_VENOUS')).toBeLessThan(liver('PORTAL_VENOUS') - 8);
    expect(les(1, 'DELAYED')).toBeLessThan(liver('DELAYED') - 8);
    // haemangioma: progressive fill-in towards blood-pool density
    expect(les(2, 'ARTERIAL')).toBeLessThan(les(2, 'PORTAL_VENOUS'));
    expect(les(2, 'DELAYED')).toBeGreaterThan(liver('DELAYED'));
    // cyst: water, no enhancement
    // (a small cyst: its centre holds few voxels, so the bounds allow for the 12 HU noise)
    for (const p of PHASES) expect(les(3, p)).toBeLessThan(30);
    expect(Math.abs(les(3, 'PORTAL_VENOUS') - les(3, 'NATIVE'))).toBeLessThan(12);
    // metastasis: hypo-attenuating in the portal-venous phase
    expect(les(4, 'PORTAL_VENOUS')).toBeLessThan(liver('PORTAL_VENOUS') - 15);
  });

  it('adds noise of the requested SD', () => {
    const clean = generatePhantom({ seed: 3, lesions: 0, noiseSd: 0, ...SMALL });
    const noisy = generatePhantom({ seed: 3, lesions: 0, noiseSd: 20, ...SMALL });
    const a = clean.timepoints[0].phases.PORTAL_VENOUS.data, b = noisy.timepoints[0].phases.PORTAL_VENOUS.data;
    let s = 0, s2 = 0, n = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] <= -1000) continue; // air is clipped at −1024
      const d = b[i] - a[i];
      s += d;
      s2 += d * d;
      n++;
    }
    const sd = Math.sqrt(s2 / n - (s / n) ** 2);
    expect(sd).toBeGreaterThan(18.5);
    expect(sd).toBeLessThan(21.5);
  });

  it('has partial-volume voxels at organ boundaries', () => {
    const clean = generatePhantom({ seed: 3, lesions: 0, noiseSd: 0, ...SMALL }).timepoints[0].phases.NATIVE.data;
    const distinct = new Set<number>();
    for (const v of clean) if (v > -1000 && v < -100) distinct.add(v); // between air and fat: skin edge
    expect(distinct.size).toBeGreaterThan(20);
  });

  it('follows the latent response at follow-up', () => {
    const t1 = ph.timepoints[1];
    expect(t1.dayOffset).toBe(90);
    for (const [a, b] of tp.lesions.map((l, i) => [l, t1.lesions[i]] as const)) {
      expect(b.response).toBe(a.response);
      if (!a.malignant) {
        expect(b.diameterMm).toBeCloseTo(a.diameterMm, 5);
        expect(b.viableFraction).toBe(1);
      } else if (a.response === 'PD') expect(b.diameterMm).toBeGreaterThan(a.diameterMm);
      else if (a.response === 'CR' || a.response === 'PR') {
        expect(b.diameterMm).toBeLessThan(a.diameterMm);
        expect(b.viableFraction).toBeLessThan(1);
      }
    }
  });

  it('ties MVI to grade and size, and MVI to irregular margins, peritumoural enhancement and satellites (imperfectly)', () => {
    let mviHigh = 0, nHigh = 0, mviLow = 0, nLow = 0;
    const pos = { n: 0, sat: 0, peri: 0, irr: 0 };
    const neg = { n: 0, sat: 0, peri: 0, irr: 0 };
    for (let seed = 0; seed < 150; seed++) {
      for (const l of phantomLesions({ seed, lesions: 3, lesionTypes: ['HCC'], timepoints: 1 })) {
        if (l.grade === 3) { nHigh++; if (l.mvi) mviHigh++; }
        if (l.grade === 1) { nLow++; if (l.mvi) mviLow++; }
        const g = l.mvi ? pos : neg;
        g.n++;
        if (l.satellites.length) g.sat++;
        if (l.periGain > 0) g.peri++;
        g.irr += l.irregularity;
      }
    }
    expect(mviHigh / nHigh).toBeGreaterThan(mviLow / nLow + 0.2);
    // each sign is more frequent with MVI, but neither always present nor always absent
    expect(pos.sat / pos.n).toBeGreaterThan(0.4);
    expect(pos.sat / pos.n).toBeLessThan(0.8);
    expect(neg.sat / neg.n).toBeLessThan(0.1);
    expect(pos.peri / pos.n).toBeGreaterThan(0.5);
    expect(pos.peri / pos.n).toBeLessThan(0.8);
    expect(neg.peri / neg.n).toBeGreaterThan(0.05);
    expect(neg.peri / neg.n).toBeLessThan(0.25);
    expect(pos.irr / pos.n).toBeGreaterThan(neg.irr / neg.n + 0.04);
  });

  it('validates its options', () => {
    expect(() => generatePhantom({ seed: 1.5 })).toThrow(/seed must be an integer/);
    expect(() => generatePhantom({ seed: 1, timepoints: 0 })).toThrow(/timepoints must be an integer 1\.\.10/);
    expect(() => generatePhantom({ seed: 1, lesions: -1 })).toThrow(/lesions must be an integer 0\.\.20/);
    expect(() => generatePhantom({ seed: 1, dims: [4, 4, 4] })).toThrow(/dims must be integers ≥ 8/);
  });
});

describe('manifest', () => {
  it('has exactly the issue format for one timepoint', () => {
    const ph = generatePhantom({ seed: 5, lesions: 2, ...SMALL });
    const m = buildManifest(ph);
    expect(Object.keys(m)).toEqual(['synthetic', 'seed', 'phases', 'liverMask', 'lesionMask', 'lesions']);
    expect(m).toMatchObject({
      synthetic: true,
      seed: 5,
      phases: { NATIVE: 'native.nii.gz', ARTERIAL: 'arterial.nii.gz', PORTAL_VENOUS: 'portal_venous.nii.gz', DELAYED: 'delayed.nii.gz' },
      liverMask: 'liver_mask.nii.gz',
      lesionMask: 'lesion_mask.nii.gz',
    });
    expect(m.lesions.map((l) => l.label)).toEqual([1, 2]);
    for (const l of m.lesions) expect(l).toEqual(expect.objectContaining({ label: expect.any(Number), type: expect.any(String), diameterMm: expect.any(Number) }));
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('has one entry per timepoint when T > 1', () => {
    const ph = generatePhantom({ seed: 5, lesions: 1, timepoints: 3, ...SMALL });
    const m = buildManifest(ph);
    expect(m.timepoints).toHaveLength(3);
    expect(m.timepoints!.map((t) => [t.timepoint, t.dayOffset, t.phases.NATIVE])).toEqual([
      [0, 0, 't0/native.nii.gz'],
      [1, 90, 't1/native.nii.gz'],
      [2, 180, 't2/native.nii.gz'],
    ]);
    expect(m.phases).toEqual(phantomFileNames(0, 3).phases);
  });
});
