/**
 * mulberry32: a small deterministic 32-bit pseudo-random generator (Tommy Ettinger's public-domain design).
 * Returns a function yielding uniform numbers in [0, 1); the same seed always gives the same sequence. Used for
 * seeded k-means initialisation (habitats) and for synthetic benchmark / test data.
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
