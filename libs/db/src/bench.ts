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
    await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
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
