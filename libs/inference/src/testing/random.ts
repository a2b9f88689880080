/**
 * mulberry32: a small deterministic 32-bit pseudo-random generator (Tommy Ettinger's public-domain design), yielding
 * uniform numbers in [0, 1); the same seed always gives the same sequence. For the synthetic test phantoms and test
 * data of this library (libs/radiomics keeps its own copy in src/random.ts: neither library depends on the other).
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
