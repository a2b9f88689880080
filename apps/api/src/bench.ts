/**
 * `npm run bench -w @hepatoscope/api` — HTTP latency of the API under load (autocannon), on a database of 10,000
 * patients: the patient list (first page, a search, a deep page) and the case detail, 50 concurrent connections,
 * as a signed-in clinician (session lookup, scope filter and audit insert included in every request).
 * Prints p50/p95/p99 in ms and requests/s. Backend: DATABASE_URL (fresh schema) or in-memory PGlite.
 * Env: BENCH_PATIENTS (10000), BENCH_SECONDS (10), BENCH_CONNECTIONS (50).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '@hepatoscope/db';
import { FIXTURE_PASSWORD } from '@hepatoscope/services';
import { seedLoadData } from './load-seed';
import { createApiServer } from './server';

const autocannon = require('autocannon') as (opts: Record<string, unknown>) => AutocannonInstance;
interface AutocannonInstance {
  on(ev: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  then: Promise<{ requests: { average: number }; non2xx: number; errors: number; timeouts: number }>['then'];
}

const N = Number(process.env.BENCH_PATIENTS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function main() {
  const url = process.env.DATABASE_URL || undefined;
  const schema = url ? `bench_${randomBytes(3).toString('hex')}` : undefined;
  const db = await openDatabase(url ? { databaseUrl: url, schema } : { inMemory: true });
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-bench-'));
  try {
    const t0 = Date.now();
    const fx = await seedLoadData(db.prisma, filesDir, N);
    console.log(`seeded ${N} patients on ${db.kind} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const api = createApiServer({ db, filesDir, logError: () => {} });
    const base = await api.listen(0);
    const r = await fetch(`${base}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: fx.users.clinician.email, password: FIXTURE_PASSWORD }),
    });
    const cookie = r.headers.getSetCookie()[0]!.split(';')[0]!;
    const q = (proc: string, input: unknown) => `/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`;
    const scenarios: Array<[string, string]> = [
      ['patients.list page 1 (25)', q('patients.list', { page: 1, pageSize: 25 })],
      ['patients.list search "BENCH-0999"', q('patients.list', { search: 'BENCH-0999', page: 1, pageSize: 25 })],
      ['patients.list bclc=C page 40', q('patients.list', { bclc: 'C', page: 40, pageSize: 25 })],
      ['patients.get (case detail)', q('patients.get', { id: fx.patients.p1 })],
    ];
    console.log(
      `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per scenario, ${db.kind}, node ${process.version}, ${os.cpus().length} cpus`,
    );
    console.log(
      'scenario'.padEnd(36) +
        'req/s'.padStart(8) +
        'p50 ms'.padStart(9) +
        'p95 ms'.padStart(9) +
        'p99 ms'.padStart(9) +
        '  non-2xx',
    );
    for (const [name, p] of scenarios) {
      const times: number[] = [];
      const inst = autocannon({ url: base + p, connections: CONNECTIONS, duration: SECONDS, headers: { cookie } });
      inst.on('response', (_c, _s, _b, ms) => times.push(ms));
      const res = await inst;
      times.sort((a, b) => a - b);
      console.log(
        name.padEnd(36) +
          res.requests.average.toFixed(0).padStart(8) +
          pct(times, 50).toFixed(1).padStart(9) +
          pct(times, 95).toFixed(1).padStart(9) +
          pct(times, 99).toFixed(1).padStart(9) +
          `  ${res.non2xx + res.errors + res.timeouts}`,
      );
    }
    await api.close();
  } finally {
    if (schema) await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.close();
    fs.rmSync(filesDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
