/**
 * Inference benchmark (prints figures; never run by the tests):
 *
 *   npx tsx libs/inference/src/bench.ts [--providers cpu,webgpu] [--size 512] [--slices 100] [--heldout 8] [--batch 8]
 *     [--repeat 3] [--tta] [--fresh-labels]   (--size 0 skips the CT-sized part)
 *     [--heldout-dirs DIR,DIR… [--phases PORTAL_VENOUS,…] [--json FILE]]
 *
 * 1. Per provider: the bundled liver → tumour cascade on one CT-sized phantom (default 512×512×100), sequential
 *    (main-thread sessions) and pipelined (worker-thread sessions) alternately: total time, Σ session.run, the
 *    time with no run in flight ("outside"), per stage, slices/s, Dice against the phantom's ground truth. Each provider is loaded strictly (no CPU fallback), so a provider that is not available
 *    is reported with its error instead of silently measuring the CPU.
 * 2. Dice and HD95 of the cascade on `--heldout` fresh 128×128×40 phantoms (seeds 20000…), CPU.
 * 3. With `--heldout-dirs`: Dice and HD95 on phantoms of the project's generator (libs/phantoms, written by
 *    `hepatoscope phantom --out DIR --seed N`; the model cards use seeds 1001–1005, which are not in the
 *    training seeds), read from NIfTI like any image, without and with flip TTA, per phase; `--json FILE`
 *    writes the means (the held-out metrics of the manifests: tools/models/train_seg.py --metrics).
 * Phantoms: src/testing/simple-phantom.ts (synthetic) and libs/phantoms output (synthetic).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { SegmentationCascade } from './cascade';
import { DEFAULT_CASCADE_DIR } from './manifest';
import { readImage } from './files';
import { dice, hd95, lesionInstances } from './postprocess';
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
      'fresh-labels': { type: 'boolean', default: false },
      'heldout-dirs': { type: 'string' },
      phases: { type: 'string', default: 'PORTAL_VENOUS' },
      json: { type: 'string' },
      sweep: { type: 'boolean', default: false },
      thresholds: { type: 'string', default: '0.3,0.4,0.5,0.6,0.7' },
      'min-mm3': { type: 'string', default: '0,10,50,100,200' },
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
  if (values['heldout-dirs']) {
    const dirs = values['heldout-dirs'].split(',').filter(Boolean);
    const phases = values.phases.split(',').filter(Boolean);
    if (values.sweep) {
      const num = (v: string) => v.split(',').filter(Boolean).map(Number);
      await sweep(dirs, phases, values.model, threads, num(values.thresholds), num(values['min-mm3']), values.json);
    } else await heldOutDirs(dirs, phases, values.model, threads, values.json);
  }
}

type Row = { seed: number; phase: string; lesions: number; tta: boolean; m: [number, number, number, number] };

/** Part 3: phantoms of libs/phantoms (NIfTI + manifest.json), without and with flip TTA. */
async function heldOutDirs(
  dirs: string[],
  phases: string[],
  model: string,
  threads: number | undefined,
  json: string | undefined,
): Promise<void> {
  console.log(`\n## held-out libs/phantoms phantoms (${dirs.length} dirs, phases ${phases.join(', ')}, CPU)`);
  const cascade = await SegmentationCascade.load(model, { providers: ['cpu'], intraOpNumThreads: threads });
  const rows: Row[] = [];
  console.log('| seed | phase | lesions | TTA | liver Dice | liver HD95 mm | tumour Dice | tumour HD95 mm |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const dir of dirs) {
    const man = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      seed: number;
      phases: Record<string, string>;
      liverMask: string;
      lesionMask: string;
      lesions: unknown[];
    };
    const liver = (await readImage(join(dir, man.liverMask))).data;
    const lesion = (await readImage(join(dir, man.lesionMask))).data;
    const gl = bin(
      Uint8Array.from(liver, (v, i) => (v > 0 || lesion[i] > 0 ? 1 : 0)),
      (v) => v > 0,
    );
    const gt = Uint8Array.from(lesion, (v) => (v > 0 ? 1 : 0));
    const hasT = gt.some((v) => v === 1);
    for (const phase of phases) {
      if (!man.phases[phase]) throw new Error(`bench: ${dir}/manifest.json has no ${phase} phase`);
      const image = await readImage(join(dir, man.phases[phase]));
      for (const tta of [false, true]) {
        const r = await cascade.segment(image, { tta });
        const pl = bin(r.labels, (v) => v > 0);
        const pt = bin(r.labels, (v) => v === 2);
        const m: Row['m'] = [
          dice(pl, gl),
          hd95(pl, gl, image.dims, image.spacing),
          hasT ? dice(pt, gt) : NaN,
          hasT ? hd95(pt, gt, image.dims, image.spacing) : NaN,
        ];
        rows.push({ seed: man.seed, phase, lesions: man.lesions.length, tta, m });
        console.log(
          `| ${man.seed} | ${phase} | ${man.lesions.length} | ${tta ? 'y' : 'n'} | ${m.map((v) => (Number.isNaN(v) ? '—' : v.toFixed(3))).join(' | ')} |`,
        );
      }
    }
  }
  const summary = (tta: boolean) => {
    const rs = rows.filter((r) => r.tta === tta);
    const mean = (k: number) => {
      const v = rs.map((r) => r.m[k]).filter((x) => Number.isFinite(x));
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    };
    return {
      liverDice: mean(0),
      liverHd95Mm: mean(1),
      tumourDice: mean(2),
      tumourHd95Mm: mean(3),
      // HD95 is undefined where no tumour was predicted; these cases count in the Dice (as 0) only
      tumourHd95Undefined: rs.filter((r) => Number.isNaN(r.m[3]) && !Number.isNaN(r.m[2])).length,
    };
  };
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  for (const tta of [false, true]) {
    const s = summary(tta);
    console.log(
      `mean ${tta ? 'with' : 'without'} TTA: liver Dice ${f(s.liverDice)}, HD95 ${f(s.liverHd95Mm)} mm; tumour Dice ${f(s.tumourDice)}, HD95 ${f(s.tumourHd95Mm)} mm (${s.tumourHd95Undefined} without a predicted tumour)`,
    );
  }
  if (json) {
    const seeds = [...new Set(rows.map((r) => r.seed))];
    const out = {
      generator: 'libs/phantoms (hepatoscope phantom --seed N, default grid 128×128×48 @ 1.5×1.5×3 mm)',
      measuredBy: 'libs/inference/src/bench.ts --heldout-dirs (TypeScript cascade, onnxruntime-node CPU)',
      seeds,
      phases,
      n: rows.length / 2,
      withoutTta: summary(false),
      withTta: summary(true),
      perCase: rows.map((r) => ({
        seed: r.seed,
        phase: r.phase,
        tta: r.tta,
        liverDice: r.m[0],
        liverHd95Mm: r.m[1],
        tumourDice: Number.isNaN(r.m[2]) ? null : r.m[2],
        tumourHd95Mm: Number.isNaN(r.m[3]) ? null : r.m[3],
      })),
    };
    writeFileSync(json, JSON.stringify(out, null, 2));
    console.log(`wrote ${json}`);
  }
  await cascade.liver.release();
  await cascade.tumour?.release();
}

/**
 * `--heldout-dirs … --sweep`: tumour post-processing settings on libs/phantoms phantoms: tumour probability threshold
 * (`--thresholds`), removal of tumour components under `--min-mm3` (6-connected, after the cascade; the tumour is
 * always restricted to the liver) and flip TTA. Prints the mean tumour Dice per setting (liver Dice unchanged).
 */
async function sweep(
  dirs: string[],
  phases: string[],
  model: string,
  threads: number | undefined,
  thresholds: number[],
  minMm3: number[],
  json: string | undefined,
): Promise<void> {
  console.log(
    `\n## tumour post-processing sweep (${dirs.length} dirs, phases ${phases.join(', ')}; thresholds ${thresholds.join(', ')}; min component ${minMm3.join(', ')} mm³)`,
  );
  const cascade = await SegmentationCascade.load(model, { providers: ['cpu'], intraOpNumThreads: threads });
  const sums = new Map<string, { sum: number; n: number }>();
  const key = (tta: boolean, t: number, mm3: number) => `${tta ? 'y' : 'n'}|${t}|${mm3}`;
  for (const dir of dirs) {
    const man = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      seed: number;
      phases: Record<string, string>;
      lesionMask: string;
    };
    const gt = Uint8Array.from((await readImage(join(dir, man.lesionMask))).data, (v) => (v > 0 ? 1 : 0));
    if (!gt.some((v) => v === 1)) continue; // no lesion: tumour Dice undefined
    for (const phase of phases) {
      const image = await readImage(join(dir, man.phases[phase]));
      const voxelMm3 = image.spacing[0] * image.spacing[1] * image.spacing[2];
      for (const tta of [false, true])
        for (const t of thresholds) {
          const r = await cascade.segment(image, { tta, tumourThreshold: t });
          for (const mm3 of minMm3) {
            const { instances } = lesionInstances(r.labels, r.dims, 2, Math.max(1, Math.ceil(mm3 / voxelMm3)));
            const d = dice(
              Uint8Array.from(instances, (v) => (v > 0 ? 1 : 0)),
              gt,
            );
            const k = key(tta, t, mm3);
            const acc = sums.get(k) ?? { sum: 0, n: 0 };
            acc.sum += d;
            acc.n++;
            sums.set(k, acc);
          }
        }
      console.log(`seed ${man.seed} ${phase}: done`);
    }
  }
  const rows: { tta: boolean; threshold: number; minMm3: number; tumourDice: number; n: number }[] = [];
  console.log('| TTA | threshold | min component mm³ | mean tumour Dice | cases |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const tta of [false, true])
    for (const t of thresholds)
      for (const mm3 of minMm3) {
        const a = sums.get(key(tta, t, mm3));
        if (!a) continue;
        rows.push({ tta, threshold: t, minMm3: mm3, tumourDice: a.sum / a.n, n: a.n });
        console.log(`| ${tta ? 'y' : 'n'} | ${t} | ${mm3} | ${(a.sum / a.n).toFixed(3)} | ${a.n} |`);
      }
  if (json) {
    writeFileSync(json, JSON.stringify({ dirs, phases, rows }, null, 2));
    console.log(`wrote ${json}`);
  }
  await cascade.liver.release();
  await cascade.tumour?.release();
}

/**
 * Part 1: the CT-sized phantom per provider (skipped with --size 0). Two modes, alternated run by run so that both
 * see the same machine load: `sequential` (sessions on the main thread, prepare → run → post-process one batch
 * after another: the path before pipelining) and `pipelined` (sessions in worker threads; batch k+1 prepared and
 * batch k-1 post-processed while batch k runs). "outside" = wall time with no session.run in flight
 * (total − Σ session.run; per stage: stage wall − its Σ session.run). One reused label array (`labelsOut`, as a
 * warm worker) unless --fresh-labels.
 */
async function ctSized(
  size: number,
  nz: number,
  batch: number,
  threads: number | undefined,
  values: { providers: string; model: string; repeat: string; tta: boolean; 'fresh-labels': boolean },
): Promise<void> {
  const t0 = performance.now();
  const ph = simplePhantom(424242, size, nz, 'PORTAL_VENOUS');
  console.log(
    `phantom ${size}×${size}×${nz} (synthetic, ${ph.lesions.length} lesions) generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const volume = { data: ph.data, dims: ph.dims, spacing: ph.spacing };
  const gtLiver = bin(ph.labels, (v) => v > 0);
  const gtTumour = bin(ph.labels, (v) => v === 2);
  const f0 = (v: number) => v.toFixed(0);

  console.log('\n## per provider (CT-sized phantom)');
  console.log(
    '| provider | mode | run | total ms | process CPU ms | Σ session.run ms | outside ms (%) | liver: wall / run / outside / pre / post ms | tumour: wall / run / outside / pre / post ms | slices/s | liver Dice | tumour Dice | load |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const p of parseProviders(values.providers)) {
    const modes = [
      { name: 'sequential', thread: false, pipeline: false },
      { name: 'pipelined', thread: true, pipeline: true },
    ];
    const cascades: SegmentationCascade[] = [];
    try {
      for (const m of modes)
        cascades.push(
          await SegmentationCascade.load(values.model, {
            providers: [p],
            strict: true,
            intraOpNumThreads: threads,
            thread: m.thread,
          }),
        );
    } catch (e) {
      console.log(`| ${p} | unavailable: ${(e as Error).message.slice(0, 160)} | | | | | | | | | | | |`);
      for (const c of cascades) {
        await c.liver.release();
        await c.tumour?.release();
      }
      continue;
    }
    const small = {
      data: ph.data.subarray(0, size * size * 4),
      dims: [size, size, 4] as [number, number, number],
      spacing: ph.spacing,
    };
    // warm-up on a few slices (first-run kernel compilation / allocations)
    for (const [i, c] of cascades.entries()) await c.segment(small, { batchSize: batch, pipeline: modes[i].pipeline });
    const shares: number[][] = modes.map(() => []);
    const reuse = new Uint8Array(ph.data.length).fill(1); // a warm worker's buffer: pages already mapped
    const reps = Number(values.repeat);
    for (let rep = 1; rep <= reps; rep++) {
      for (const [i, mode] of modes.entries()) {
        const cpu0 = process.cpuUsage();
        const r = await cascades[i].segment(volume, {
          batchSize: batch,
          tta: values.tta,
          pipeline: mode.pipeline,
          labelsOut: values['fresh-labels'] ? undefined : reuse,
        });
        const cpu = process.cpuUsage(cpu0);
        const t = r.timings;
        shares[i].push(t.outsideRunMs / t.totalMs);
        const slices = nz + countSlicesWithLiver(r.labels, ph.dims);
        const st = (name: string) => {
          const s = t.stages.find((x) => x.stage === name);
          return s
            ? `${f0(s.wallMs)} / ${f0(s.sessionRunMs)} / ${f0(s.outsideMs)} / ${f0(s.preprocessMs)} / ${f0(s.postprocessMs)}`
            : '—';
        };
        console.log(
          `| ${r.provider} | ${mode.name} | ${rep} | ${f0(t.totalMs)} | ${f0((cpu.user + cpu.system) / 1000)} | ${f0(t.sessionRunMs)} | ${f0(t.outsideRunMs)} (${((100 * t.outsideRunMs) / t.totalMs).toFixed(1)} %) | ${st('liver')} | ${st('tumour')} | ${(slices / (t.totalMs / 1000)).toFixed(1)} | ${dice(
            bin(r.labels, (v) => v > 0),
            gtLiver,
          ).toFixed(3)} | ${dice(
            bin(r.labels, (v) => v === 2),
            gtTumour,
          ).toFixed(3)} | ${loadavg()[0].toFixed(1)} |`,
        );
      }
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
    console.log(
      `share of the time outside session.run (${p}, median of ${reps}, ${values['fresh-labels'] ? 'fresh' : 'reused'} label array): ${modes.map((m, i) => `${m.name} ${(100 * median(shares[i])).toFixed(1)} %`).join(', ')} (target ≤ 10 %); load average ${loadavg()[0].toFixed(1)}`,
    );
    for (const c of cascades) {
      await c.liver.release();
      await c.tumour?.release();
    }
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
