/**
 * `npm run bench -w @hepatoscope/api` — HTTP latency of the API under load (autocannon), on a database of 10,000
 * patients: the patient list (first page, a search, a deep page) and the case detail, 50 concurrent connections,
 * as a signed-in clinician (session lookup, scope filter and audit insert included in every request).
 * Prints p50/p95/p99 in ms, requests/s and CPU ms per request (of the API processes, or of this process — API and
 * autocannon together — when the API runs in it; and of the local PostgreSQL backends of the database, via /proc). Backend: DATABASE_URL (fresh schema) or in-memory PGlite.
 * Env: BENCH_PATIENTS (10000), BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_API_PROCESSES (PostgreSQL: API
 * processes beside the autocannon process, default 1; 0 = the API in the autocannon process, as in figures before
 * 2026-11-28),
 * BENCH_WARMUP_SECONDS (2: unmeasured load before each scenario), BENCH_SCENARIOS (comma-separated subset of list1,search,deep,get; default all),
 * BENCH_CPU_PROF (a directory: with BENCH_API_PROCESSES ≥ 1, each API process writes a V8 CPU profile there at the end,
 * `--cpu-prof`; open it in Chrome DevTools).
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
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
/**
 * API processes (PostgreSQL only; PGlite is always in-process): default 1, the API in its own process as deployed and
 * autocannon alone in this one; 0 = the API in this process, next to autocannon (earlier sessions' figures).
 */
const PROCESSES = Number(process.env.BENCH_API_PROCESSES ?? 1);
/** Seconds of unmeasured load before each scenario. */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const SCENARIO_KEYS = ['list1', 'search', 'deep', 'get', 'getmany', 'health', 'me'];
/** Run unless BENCH_SCENARIOS names others; `health` and `me` are floors (no database work, session only). */
const DEFAULT_SCENARIOS = ['list1', 'search', 'deep', 'get', 'getmany'];
const ONLY = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
for (const k of ONLY ?? [])
  if (!SCENARIO_KEYS.includes(k))
    throw new Error(`BENCH_SCENARIOS: unknown scenario "${k}" (known: ${SCENARIO_KEYS.join(', ')})`);

/** Forks `n` API workers on one free port; resolves when all listen. */
async function startClusterApi(n: number, env: Record<string, string>): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const prof = process.env.BENCH_CPU_PROF;
  const execArgv = prof ? [...process.execArgv, '--cpu-prof', '--cpu-prof-dir', path.resolve(prof)] : process.execArgv;
  cluster.setupPrimary({ exec: __filename, execArgv, args: ['--bench-worker'] });
  const ready = Array.from(
    { length: n },
    () =>
      new Promise<void>((resolve, reject) => {
        const w = cluster.fork({ ...env, BENCH_PORT: String(port) });
        w.on('message', (m) => (m === 'ready' ? resolve() : undefined));
        w.on('exit', (code) => reject(new Error(`bench API worker exited with ${code}`)));
      }),
  );
  await Promise.all(ready);
  return `http://127.0.0.1:${port}`;
}

/** A bench API worker: opens the bench schema and serves it. */
async function worker() {
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL!, schema: process.env.BENCH_SCHEMA! });
  const api = createApiServer({ db, filesDir: process.env.BENCH_FILES!, logError: () => {} });
  await api.listen(Number(process.env.BENCH_PORT));
  // A clean exit on SIGTERM (cluster's kill) so that --cpu-prof writes its profile.
  process.on('SIGTERM', () => process.exit(0));
  process.send!('ready');
}

/** CPU time (user + system, ms) of `pids` (from /proc; NaN elsewhere), or of this process when `pids` is empty. */
function cpuMs(pids: number[]): number {
  if (!pids.length) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let sum = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += (Number(f[11]) + Number(f[12])) * tick;
    } catch {
      return NaN;
    }
  }
  return sum;
}

/**
 * CPU time (ms) of the local PostgreSQL backends serving database `dbName` (their process title names it), from
 * /proc; NaN when none is visible (remote server, not Linux). Backends that exit mid-scenario drop out of the sum.
 */
function pgBackendCpuMs(dbName: string | null): number {
  if (!dbName) return NaN;
  let sum = 0;
  let seen = 0;
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return NaN;
  }
  for (const pid of entries) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${dbName} `)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += (Number(f[11]) + Number(f[12])) * 10;
      seen++;
    } catch {
      // exited meanwhile
    }
  }
  return seen ? sum : NaN;
}

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

    // ANALYZE as autovacuum would after a bulk load (fresh statistics for the planner).
    if (db.kind === 'postgresql') await db.sql.exec('ANALYZE');
    let api: { close(): Promise<void> } | null = null;
    let base: string;
    if (PROCESSES > 0 && url) {
      // The API in PROCESSES child processes (node:cluster, one shared port), autocannon alone in this one.
      base = await startClusterApi(PROCESSES, { DATABASE_URL: url, BENCH_SCHEMA: schema!, BENCH_FILES: filesDir });
    } else {
      const inProc = createApiServer({ db, filesDir, logError: () => {} });
      base = await inProc.listen(0);
      api = inProc;
    }
    // CPU per request: of the API worker processes (Linux /proc), or of this process (API + autocannon) without them.
    const dbName = url ? decodeURIComponent(new URL(url).pathname.slice(1)) || null : null;
    const workerPids = Object.values(cluster.workers ?? {}).map((w) => w!.process.pid!);
    const r = await fetch(`${base}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: fx.users.clinician.email, password: FIXTURE_PASSWORD }),
    });
    const cookie = r.headers.getSetCookie()[0]!.split(';')[0]!;
    const q = (proc: string, input: unknown) => `/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`;
    // the case detail of 1,000 different patients in turn: no two concurrent requests share a read
    const many = await db.prisma.patient.findMany({ where: { pseudoId: { startsWith: 'BENCH-' } }, select: { id: true }, take: 1000 });
    const manyPaths = many.map((m) => q('patients.get', { id: m.id }));
    let next = 0;
    const rotate = [{ setupRequest: (req: { path: string }) => ({ ...req, path: manyPaths[next++ % manyPaths.length]! }) }];
    const all: Array<[string, string, unknown?]> = [
      ['patients.list page 1 (25)', q('patients.list', { page: 1, pageSize: 25 })],
      ['patients.list search "BENCH-0999"', q('patients.list', { search: 'BENCH-0999', page: 1, pageSize: 25 })],
      ['patients.list bclc=C page 40', q('patients.list', { bclc: 'C', page: 40, pageSize: 25 })],
      ['patients.get (case detail)', q('patients.get', { id: fx.patients.p1 })],
      ['patients.get, 1,000 patients in turn', manyPaths[0]!, rotate],
      ['GET /api/health (floor: HTTP only)', '/api/health'],
      ['auth.me (floor: tRPC + session)', q('auth.me', {})],
    ];
    const scenarios = all.filter((_, i) => (ONLY ?? DEFAULT_SCENARIOS).includes(SCENARIO_KEYS[i]!));
    console.log(
      `autocannon: ${CONNECTIONS} connections, ${SECONDS} s per scenario, ${db.kind}, ` +
        `${api ? 'API in the autocannon process' : `${PROCESSES} API process(es)`}, node ${process.version}, ` +
        `${os.cpus().length} cpus, load average ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    console.log(
      'scenario'.padEnd(36) +
        'req/s'.padStart(8) +
        'p50 ms'.padStart(9) +
        'p95 ms'.padStart(9) +
        'p99 ms'.padStart(9) +
        'cpu ms/req'.padStart(12) +
        'db cpu ms/req'.padStart(15) +
        (api ? '' : 'client cpu ms/req'.padStart(19)) +
        '  non-2xx',
    );
    for (const [name, p, requests] of scenarios) {
      // Warm-up (JIT, plan caches, pool connections), not measured.
      if (WARMUP > 0)
        await autocannon({ url: base + p, connections: CONNECTIONS, duration: WARMUP, headers: { cookie }, requests });
      const times: number[] = [];
      const inst = autocannon({ url: base + p, connections: CONNECTIONS, duration: SECONDS, headers: { cookie }, requests });
      inst.on('response', (_c, _s, _b, ms) => times.push(ms));
      const cpu0 = cpuMs(workerPids);
      const db0 = pgBackendCpuMs(dbName);
      const client0 = cpuMs([]);
      const res = await inst;
      const clientPerReq = (cpuMs([]) - client0) / Math.max(1, times.length);
      const cpuPerReq = (cpuMs(workerPids) - cpu0) / Math.max(1, times.length);
      const dbPerReq = (pgBackendCpuMs(dbName) - db0) / Math.max(1, times.length);
      times.sort((a, b) => a - b);
      console.log(
        name.padEnd(36) +
          res.requests.average.toFixed(0).padStart(8) +
          pct(times, 50).toFixed(1).padStart(9) +
          pct(times, 95).toFixed(1).padStart(9) +
          pct(times, 99).toFixed(1).padStart(9) +
          cpuPerReq.toFixed(2).padStart(12) +
          dbPerReq.toFixed(2).padStart(15) +
          (api ? '' : clientPerReq.toFixed(2).padStart(19)) +
          `  ${res.non2xx + res.errors + res.timeouts}`,
      );
    }
    await api?.close();
    // SIGTERM, and wait for the exits (their CPU profiles are written then).
    await Promise.all(
      Object.values(cluster.workers ?? {}).map(
        (w) =>
          new Promise((resolve) => {
            w!.once('exit', resolve);
            w!.kill();
          }),
      ),
    );
  } finally {
    if (schema) await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.close();
    fs.rmSync(filesDir, { recursive: true, force: true });
  }
}

(process.argv.includes('--bench-worker') ? worker().then(() => new Promise(() => {})) : main()).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
