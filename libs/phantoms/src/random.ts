/**
 * Deterministic randomness for the phantoms: a seeded PRNG (sfc32, PractRand-clean, 128-bit state) and
 * lattice value noise. Nothing here uses Math.random, so a seed always gives the same phantom on every
 * platform (only IEEE double arithmetic and Math.imul are involved).
 */

/** `Math` captured in module scope: global lookups are slow inside Jest's vm context (hot loops). */
const M = Math;

/** Mixes a 32-bit integer (lowbias32 by C. Wellons). */
export function hash32(x: number): number {
  x = M.imul(x ^ (x >>> 16), 0x7feb352d);
  x = M.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A small seeded PRNG (sfc32) with the distributions the phantom needs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = hash32(seed ^ 0x9e3779b9);
    this.b = hash32(this.a ^ (stream + 0x85ebca6b));
    this.c = hash32(this.b ^ 0xc2b2ae35);
    this.d = 1;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** Uniform on [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform on [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + M.floor(this.next() * (hi - lo + 1));
  }

  /** Standard normal by Box–Muller (one value per call). */
  normal(mean = 0, sd = 1): number {
    let u = this.next();
    while (u <= 0) u = this.next();
    const v = this.next();
    return mean + sd * M.sqrt(-2 * M.log(u)) * M.cos(2 * M.PI * v);
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Picks an item with the given (unnormalised) weights. */
  pick<T>(items: readonly T[], weights?: readonly number[]): T {
    if (!weights) return items[M.floor(this.next() * items.length)];
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** An independent generator derived from this one's seed and a label. */
  fork(label: number): Rng {
    return new Rng(hash32(M.floor(this.next() * 4294967296) ^ hash32(label)), label);
  }
}

/** A 3-D noise function: smooth, deterministic, values in about [−1, 1]. */
export type Noise3 = (x: number, y: number, z: number) => number;

/**
 * Value noise on the integer lattice with quintic-smoothstep trilinear interpolation; `seed` selects an
 * independent field. Correlation length ≈ 1 lattice unit: call with coordinates divided by the scale.
 */
export function valueNoise(seed: number): Noise3 {
  const s = hash32(seed);
  const h = (i: number, j: number, k: number) =>
    (hash32((M.imul(i, 0x27d4eb2d) ^ M.imul(j, 0x165667b1) ^ M.imul(k, 0x1b873593) ^ s) >>> 0) / 2147483648) - 1;
  const fade = (t: number) => t * t * t * (t * (t * 6 - 15) + 10);
  return (x, y, z) => {
    const i = M.floor(x);
    const j = M.floor(y);
    const k = M.floor(z);
    const u = fade(x - i);
    const v = fade(y - j);
    const w = fade(z - k);
    const c000 = h(i, j, k), c100 = h(i + 1, j, k), c010 = h(i, j + 1, k), c110 = h(i + 1, j + 1, k);
    const c001 = h(i, j, k + 1), c101 = h(i + 1, j, k + 1), c011 = h(i, j + 1, k + 1), c111 = h(i + 1, j + 1, k + 1);
    const x00 = c000 + u * (c100 - c000);
    const x10 = c010 + u * (c110 - c010);
    const x01 = c001 + u * (c101 - c001);
    const x11 = c011 + u * (c111 - c011);
    const y0 = x00 + v * (x10 - x00);
    const y1 = x01 + v * (x11 - x01);
    return y0 + w * (y1 - y0);
  };
}

/** Two-octave fractal sum of value noise (scale in the same units as the coordinates). */
export function fbm(seed: number, scale: number): Noise3 {
  const n1 = valueNoise(seed);
  const n2 = valueNoise(seed + 7919);
  const inv = 1 / scale;
  return (x, y, z) => {
    const a = x * inv, b = y * inv, c = z * inv;
    return (n1(a, b, c) + 0.5 * n2(2.03 * a + 17.1, 2.03 * b + 3.7, 2.03 * c + 9.2)) / 1.5;
  };
}
