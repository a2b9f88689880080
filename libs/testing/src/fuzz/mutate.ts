/**
 * A small mutational fuzzer: a seeded PRNG and byte-level mutations of valid seed files (bit flips, interesting
 * values, truncation, insertion, deletion, duplication, integer fields overwritten with boundary values, gzip
 * wrapping of garbage). Deterministic: the same seed gives the same mutants, so every failure is reproducible from
 * its case seed.
 */

/** mulberry32: a fast 32-bit PRNG, deterministic for a seed. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** uniform in [0, 1) */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
}

/** Boundary values that make size and offset arithmetic go wrong. */
export const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff] as const;
export const INTERESTING_16 = [0, 1, -1, 0x7fff, -0x8000, 0xffff, 256, 1024, 4096] as const;
export const INTERESTING_32 = [0, 1, -1, 0x7fffffff, -0x80000000, 0xffffffff, 65536, 0x10000000, 348, 540] as const;

export type Mutation = (b: Uint8Array, r: Prng) => Uint8Array;

const copy = (b: Uint8Array) => Uint8Array.from(b);

/** Named byte-level mutations; each returns a new array. */
export const MUTATIONS: Record<string, Mutation> = {
  bitFlip(b, r) {
    const o = copy(b);
    if (!o.length) return o;
    const n = 1 + r.int(8);
    for (let t = 0; t < n; t++) o[r.int(o.length)] ^= 1 << r.int(8);
    return o;
  },
  interestingByte(b, r) {
    const o = copy(b);
    if (o.length) o[r.int(o.length)] = r.pick(INTERESTING_8);
    return o;
  },
  interestingWord(b, r) {
    const o = copy(b);
    if (o.length < 2) return o;
    const v = new DataView(o.buffer);
    v.setInt16(r.int(o.length - 1), r.pick(INTERESTING_16) << 16 >> 16, r.bool());
    return o;
  },
  interestingDword(b, r) {
    const o = copy(b);
    if (o.length < 4) return o;
    const v = new DataView(o.buffer);
    v.setUint32(r.int(o.length - 3), r.pick(INTERESTING_32) >>> 0, r.bool());
    return o;
  },
  truncate(b, r) {
    return b.slice(0, r.int(b.length + 1));
  },
  truncateTail(b, r) {
    return b.slice(0, Math.max(0, b.length - 1 - r.int(Math.min(64, b.length + 1))));
  },
  insertBytes(b, r) {
    const at = r.int(b.length + 1);
    const n = 1 + r.int(r.bool(0.9) ? 16 : 4096);
    const ins = new Uint8Array(n);
    const fill = r.bool(0.5) ? -1 : r.int(256);
    for (let i = 0; i < n; i++) ins[i] = fill < 0 ? r.int(256) : fill;
    const o = new Uint8Array(b.length + n);
    o.set(b.subarray(0, at));
    o.set(ins, at);
    o.set(b.subarray(at), at + n);
    return o;
  },
  deleteRange(b, r) {
    if (!b.length) return copy(b);
    const at = r.int(b.length);
    const n = 1 + r.int(Math.min(256, b.length - at));
    const o = new Uint8Array(b.length - n);
    o.set(b.subarray(0, at));
    o.set(b.subarray(at + n), at);
    return o;
  },
  duplicateRange(b, r) {
    if (!b.length) return copy(b);
    const at = r.int(b.length);
    const n = 1 + r.int(Math.min(512, b.length - at));
    const o = new Uint8Array(b.length + n);
    o.set(b.subarray(0, at + n));
    o.set(b.subarray(at, at + n), at + n);
    o.set(b.subarray(at + n), at + 2 * n);
    return o;
  },
  randomBytes(b, r) {
    const o = copy(b);
    const at = r.int(Math.max(1, o.length));
    const n = Math.min(o.length - at, 1 + r.int(32));
    for (let i = 0; i < n; i++) o[at + i] = r.int(256);
    return o;
  },
};

/** Applies 1–3 random mutations; returns the mutant and the names applied. */
export function mutate(seed: Uint8Array, r: Prng, extra: Record<string, Mutation> = {}): { bytes: Uint8Array; ops: string[] } {
  const all = { ...MUTATIONS, ...extra };
  const names = Object.keys(all);
  const extraNames = Object.keys(extra);
  let bytes = seed;
  const ops: string[] = [];
  const k = 1 + r.int(3);
  for (let t = 0; t < k; t++) {
    // format-aware mutations (header fields) are chosen half of the time when given
    const name = extraNames.length && r.bool(0.5) ? r.pick(extraNames) : r.pick(names);
    bytes = all[name]!(bytes, r);
    ops.push(name);
  }
  return { bytes, ops };
}

/** Random bytes of a random length (pure garbage). */
export function garbage(r: Prng, max = 2048): Uint8Array {
  const o = new Uint8Array(r.int(max + 1));
  for (let i = 0; i < o.length; i++) o[i] = r.int(256);
  return o;
}
