/**
 * `npm run bench -w @hepatoscope/db` — prints data-layer timings (no assertions):
 * fresh PGlite open (initdb) + migrate, reopen of an existing directory, the demo seed, and a second seed call
 * (idempotent no-op); with DATABASE_URL also the PostgreSQL equivalents in a throw-away schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from './open';
import { seedDemo } from './seed/demo';
import { PatientRepository } from './repositories/patients';

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hepatoscope-bench-'));
  try {
    let t = performance.now();
    let db = await openDatabase({ dataDir: dir, env: {} });
    console.log(`pglite fresh open+migrate: ${fmt(performance.now() - t)} (open ${fmt(db.timings.open)}, migrate ${fmt(db.timings.migrate)}, applied ${db.migrations.applied.length})`);
    t = performance.now();
    const seed = await seedDemo(db.prisma);
    console.log(`pglite demo seed: ${fmt(performance.now() - t)} ${JSON.stringify(seed.counts)}`);
    t = performance.now();
    const again = await seedDemo(db.prisma);
    console.log(`pglite second seed (no-op, seeded=${again.seeded}): ${fmt(performance.now() - t)}`);
    await db.close();
    t = performance.now();
    db = await openDatabase({ dataDir: dir, env: {} });
    console.log(`pglite reopen+migration check: ${fmt(performance.now() - t)} (open ${fmt(db.timings.open)}, migrate ${fmt(db.timings.migrate)})`);
    t = performance.now();
    const n = await db.prisma.patient.count();
    const page = await db.prisma.patient.findMany({ where: { bclc: 'B' }, orderBy: { pseudoId: 'asc' }, take: 25, select: { id: true, pseudoId: true } });
    console.log(`pglite count (${n}) + first page (${page.length}): ${fmt(performance.now() - t)}`);
    await listLatency(db.prisma, 'pglite');
    await db.close();
    console.log(`pglite data dir size: ${(dirSize(dir) / 1e6).toFixed(1)} MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = `bench_${process.pid}`;
    let t = performance.now();
    const db = await openDatabase({ databaseUrl: url, schema });
    console.log(`postgresql open+migrate (new schema): ${fmt(performance.now() - t)}`);
    t = performance.now();
    const seed = await seedDemo(db.prisma);
    console.log(`postgresql demo seed: ${fmt(performance.now() - t)} ${JSON.stringify(seed.counts)}`);
    await listLatency(db.prisma, 'postgresql');
    await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
}

/** p50/p95 of PatientRepository.list over a mix of queries (sequential, after warm-up). */
async function listLatency(prisma: ConstructorParameters<typeof PatientRepository>[0], label: string): Promise<void> {
  const repo = new PatientRepository(prisma);
  const cohort = await prisma.cohort.findFirst({ select: { id: true } });
  const queries = [{}, { bclc: 'B' as const }, { search: 'hcc_0' }, { cohortId: cohort?.id }, { page: 40, pageSize: 25 }, { childPugh: 'A' as const, sex: 'MALE' as const }];
  for (const q of queries) await repo.list(q);
  const ms: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    await repo.list(queries[i % queries.length]!);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(1);
  console.log(`${label} PatientRepository.list (page of 25 + total, 60 mixed queries): p50 ${q(0.5)} ms, p95 ${q(0.95)} ms`);
}

function dirSize(d: string): number {
  let n = 0;
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    n += e.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return n;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
