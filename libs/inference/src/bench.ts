/**
 * Inference benchmark (prints figures; never run by the tests):
 *
 *   npx tsx libs/inference/src/bench.ts [--providers cpu,webgpu] [--size 512] [--slices 100] [--heldout 8] [--batch 8]
 *     [--repeat 3] [--tta]   (--size 0 skips the CT-sized part)
 *
 * 1. Per provider: the bundled liver → tumour cascade on one CT-sized phantom (default 512×512×100):
 *    total time, time inside session.run and the share outside it, slices/s, Dice against the phantom's
 *    ground truth. Each provider is loaded strictly (no CPU fallback), so a provider that is not available
 *    is reported with its error instead of silently measuring the CPU.
 * 2. Dice and HD95 of the cascade on `--heldout` fresh 128×128×40 phantoms (seeds 20000…), CPU.
 * Phantoms: src/testing/simple-phantom.ts (synthetic).
 */
import { parseArgs } from 'node:util';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { SegmentationCascade } from './cascade';
import { DEFAULT_CASCADE_DIR } from './manifest';
import { dice, hd95 } from './postprocess';
import { parseProviders } from './providers';
import { simplePhantom } from './testing/simple-phantom';

const bin = (a: Uint8Array, pred: (v: number) => boolean) => Uint8Array.from(a, (v) => (pred(v) ? 1 : 0));

async function main() {
  const { values } = parseArgs({
    options: {
      providers: { type: 'string', default: process.env.HEPATOSCOPE_ORT_PROVIDERS ?? 'cpu' },
      size: { type: 'string', default: '512' },
      slices: { type: 'string', default: '100' },
      heldout: { type: 'string', default: '8' },
      batch: { type: 'string', default: '8' },
      model: { type: 'string', default: DEFAULT_CASCADE_DIR },
      threads: { type: 'string' },
      repeat: { type: 'string', default: '3' },
      tta: { type: 'boolean', default: false },
    },
  });
  const size = Number(values.size);
  const nz = Number(values.slices);
  const batch = Number(values.batch);
  const threads = values.threads ? Number(values.threads) : undefined;
  console.log(`# inference bench — ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}, node ${process.version}`);
  if (size > 0) await ctSized(size, nz, batch, threads, values);
  const n = Number(values.heldout);
  if (n > 0) {
    console.log(
      `\n## held-out phantoms (128×128×40, seeds 20000…${20000 + n - 1}, CPU${values.tta ? ', flip TTA' : ''})`,
    );
    const cascade = await SegmentationCascade.load(values.model, { providers: ['cpu'], intraOpNumThreads: threads });
    const rows: number[][] = [];
    console.log('| seed | phase | lesions | liver Dice | liver HD95 mm | tumour Dice | tumour HD95 mm |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (let s = 20000; s < 20000 + n; s++) {
      const h = simplePhantom(s, 128, 40);
      const r = await cascade.segment({ data: h.data, dims: h.dims, spacing: h.spacing }, { tta: values.tta });
      const pl = bin(r.labels, (v) => v > 0);
      const gl = bin(h.labels, (v) => v > 0);
      const pt = bin(r.labels, (v) => v === 2);
      const gt = bin(h.labels, (v) => v === 2);
      const hasT = gt.some((v) => v === 1);
      const row = [
        dice(pl, gl),
        hd95(pl, gl, h.dims, h.spacing),
        hasT ? dice(pt, gt) : NaN,
        hasT ? hd95(pt, gt, h.dims, h.spacing) : NaN,
      ];
      rows.push(row);
      console.log(
        `| ${s} | ${h.phase} | ${h.lesions.length} | ${row.map((v) => (Number.isNaN(v) ? '—' : v.toFixed(3))).join(' | ')} |`,
      );
    }
    const mean = (k: number) => {
      const v = rows.map((r) => r[k]).filter((x) => Number.isFinite(x));
      return v.length ? (v.reduce((a, b) => a + b, 0) / v.length).toFixed(3) : '—';
    };
    console.log(`| mean | | | ${mean(0)} | ${mean(1)} | ${mean(2)} | ${mean(3)} |`);
  }
}

/** Part 1: the CT-sized phantom per provider (skipped with --size 0). */
async function ctSized(
  size: number,
  nz: number,
  batch: number,
  threads: number | undefined,
  values: { providers: string; model: string; repeat: string; tta: boolean },
): Promise<void> {
  const t0 = performance.now();
  const ph = simplePhantom(424242, size, nz, 'PORTAL_VENOUS');
  console.log(
    `phantom ${size}×${size}×${nz} (synthetic, ${ph.lesions.length} lesions) generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const volume = { data: ph.data, dims: ph.dims, spacing: ph.spacing };
  const gtLiver = bin(ph.labels, (v) => v > 0);
  const gtTumour = bin(ph.labels, (v) => v === 2);

  console.log('\n## per provider (CT-sized phantom)');
  console.log(
    '| provider | run | total s | session.run s | outside run | of which preprocess / postprocess / other ms | slices/s (both stages) | liver Dice | tumour Dice |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const p of parseProviders(values.providers)) {
    let cascade: SegmentationCascade;
    try {
      cascade = await SegmentationCascade.load(values.model, {
        providers: [p],
        strict: true,
        intraOpNumThreads: threads,
      });
    } catch (e) {
      console.log(`| ${p} | unavailable: ${(e as Error).message.slice(0, 160)} | | | | | |`);
      continue;
    }
    // warm-up on a few slices (first-run kernel compilation / allocations)
    await cascade.segment(
      { data: ph.data.subarray(0, size * size * 4), dims: [size, size, 4], spacing: ph.spacing },
      { batchSize: batch },
    );
    const shares: number[] = [];
    const reusedShares: number[] = [];
    const reuse = new Uint8Array(ph.data.length).fill(1); // a warm worker's buffer: pages already mapped
    const reps = Number(values.repeat);
    for (let rep = 1; rep <= 2 * reps; rep++) {
      // first half: a fresh label array per run; second half: one reused array (labelsOut)
      const fresh = rep <= reps;
      const r = await cascade.segment(volume, {
        batchSize: batch,
        tta: values.tta,
        labelsOut: fresh ? undefined : reuse,
      });
      const t = r.timings;
      (fresh ? shares : reusedShares).push(t.outsideRunMs / t.totalMs);
      const slices = nz + countSlicesWithLiver(r.labels, ph.dims);
      const other = t.outsideRunMs - t.preprocessMs - t.postprocessMs;
      console.log(
        `| ${r.provider} | ${rep} (${fresh ? 'fresh labels' : 'labelsOut reused'}) | ${(t.totalMs / 1000).toFixed(2)} | ${(t.sessionRunMs / 1000).toFixed(2)} | ${((100 * t.outsideRunMs) / t.totalMs).toFixed(1)} % | ${t.preprocessMs.toFixed(0)} / ${t.postprocessMs.toFixed(0)} / ${other.toFixed(0)} | ${(slices / (t.sessionRunMs / 1000)).toFixed(1)} | ${dice(
          bin(r.labels, (v) => v > 0),
          gtLiver,
        ).toFixed(3)} | ${dice(
          bin(r.labels, (v) => v === 2),
          gtTumour,
        ).toFixed(3)} |`,
      );
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
    console.log(
      `share of time outside session.run (${p}, median of ${reps}): fresh label array ${(100 * median(shares)).toFixed(1)} %, reused label array ${(100 * median(reusedShares)).toFixed(1)} % (target ≤ 10 %); load average ${loadavg()[0].toFixed(1)}`,
    );
    await cascade.liver.release();
    await cascade.tumour?.release();
  }
}

function countSlicesWithLiver(labels: Uint8Array, dims: readonly number[]): number {
  const [nx, ny, nz] = dims;
  let c = 0;
  for (let z = 0; z < nz; z++) if (labels.subarray(z * nx * ny, (z + 1) * nx * ny).some((v) => v !== 0)) c++;
  return c;
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
