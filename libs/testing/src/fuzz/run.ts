/**
 * `npm run fuzz -w @hepatoscope/testing` — the fuzzing bench: FUZZ_CASES cases per target (default 1,500 → 12,000
 * over the 8 targets) from seed FUZZ_SEED (default 1). Prints per target cases/s, handled vs rejected, rejections by
 * error kind, the slowest case, and every failure with the seed that reproduces it:
 *   FUZZ_SEED=<seed> FUZZ_CASES=1 FUZZ_TARGETS=<target> npm run fuzz -w @hepatoscope/testing
 * Exit code 1 when any case failed.
 */
import { fuzz } from './oracle';
import { TARGETS } from './targets';

const seed = Number(process.env.FUZZ_SEED ?? 1);
const cases = Number(process.env.FUZZ_CASES ?? 1500);
const only = process.env.FUZZ_TARGETS?.split(',').filter(Boolean);

let total = 0;
let failures = 0;
let ms = 0;
console.log(`fuzz: seed ${seed}, ${cases} cases per target, node ${process.version}`);
for (const t of TARGETS) {
  if (only && !only.includes(t.name)) continue;
  const rep = fuzz(t, seed, cases);
  total += rep.cases;
  failures += rep.failures.length;
  ms += rep.ms;
  console.log(
    `\n${t.name}: ${rep.cases} cases in ${(rep.ms / 1000).toFixed(1)} s (${((rep.cases / rep.ms) * 1000).toFixed(0)} cases/s, ` +
      `slowest ${rep.maxCaseMs.toFixed(0)} ms): ${rep.handled} handled, ${rep.rejected} rejected, ${rep.failures.length} failed`,
  );
  for (const [k, n] of Object.entries(rep.byKind).sort((a, b) => b[1] - a[1])) console.log(`  rejected ${String(n).padStart(6)}  ${k}`);
  for (const f of rep.failures.slice(0, 20)) console.log(`  FAILURE seed ${f.seed} [${f.ops.join(', ')}]: ${f.reason}`);
}
console.log(`\ntotal: ${total} cases in ${(ms / 1000).toFixed(1)} s (${((total / ms) * 1000).toFixed(0)} cases/s), ${failures} failures`);
process.exit(failures ? 1 : 0);
