/** The O(N_g,p) forms of NGTDM contrast, busyness and strength equal their pairwise IBSI definitions. */
import fc from 'fast-check';
import { ngtdmBusyness, ngtdmContrast, ngtdmStrength } from './ngtdm-features';
// brute-force definitions (IBSI 3.10) for comparison
function brute(n: number[], s: number[]) {
  const nvc = n.reduce((a, b) => a + b, 0);
  const p = n.map((v) => v / nvc);
  const occ = p.map((v, i) => [v, i + 1, s[i]]).filter(([v]) => v > 0);
  const ngp = occ.length;
  let c = 0, bd = 0, st = 0, bn = 0;
  const sumS = s.reduce((a, b) => a + b, 0);
  for (const [pi, i, si] of occ) {
    bn += pi * si;
    for (const [pj, j] of occ) {
      c += pi * pj * (i - j) ** 2;
      bd += Math.abs(i * pi - j * pj);
      st += (pi + pj) * (i - j) ** 2;
    }
  }
  return { contrast: ngp < 2 ? 0 : (c / (ngp * (ngp - 1))) * (sumS / nvc), busyness: bd > 0 ? bn / bd : 0, strength: sumS > 0 ? st / sumS : 0 };
}
it('closed forms equal the pairwise definitions', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 50, noNaN: true }))), { minLength: 1, maxLength: 12 }), (cells) => {
      const n = cells.map((c) => c[0]);
      if (n.every((v) => v === 0)) return;
      const s = cells.map((c, i) => (n[i] ? c[1] : 0));
      const m = { ng: n.length, n: Float64Array.from(n), s: Float64Array.from(s) };
      const b = brute(n, s);
      const rel = (x: number, y: number) => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
      rel(ngtdmContrast(m), b.contrast);
      rel(ngtdmBusyness(m), b.busyness);
      rel(ngtdmStrength(m), b.strength);
    }),
    { numRuns: 300 },
  );
});
