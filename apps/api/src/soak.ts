/**
 * `npm run soak -w @hepatoscope/api -- --minutes 10` — a soak test of the API: mixed reads and writes at a steady
 * load for N minutes, with the API's memory sampled every 10 s.
 *
 * The API runs in a child process (this file with `--server`, forked with `--expose-gc`) so that autocannon's own
 * memory does not pollute the measurement; the parent drives the load and asks the child for `process.memoryUsage()`
 * over IPC. Database: `DATABASE_URL` (a fresh schema, dropped at the end) — the soak is meant for PostgreSQL;
 * without it an in-memory PGlite is used and the output says so. Seed: `load-seed.ts` (fixture + SOAK_PATIENTS
 * patients, default 10,000).
 *
 * Request types (one autocannon instance each, all at once, so each has its own latency distribution):
 *   list      GET  patients.list, a random page of 25 (clinician)
 *   detail    GET  patients.get P1 (case detail: studies, lesions, predictions, board, timeline)
 *   features  GET  features.forPatient P1 (feature table)
 *   predict   POST predictions.run (validated logistic model on P2: writes a Prediction + audit row)
 *   decision  POST boards.recordDecision (tumour board, not signed off: updates the discussion + audit row)
 *
 * Prints per type: requests, req/s, p50/p95/p99 ms, non-2xx/errors; the memory samples (RSS, heap used, external);
 * and memory growth = (RSS at end − RSS after the warm-up) / RSS after the warm-up, warm-up = 1 min (or half of a
 * shorter run). Heap figures after a forced GC are printed as well (a leak shows there without RSS noise).
 * Flags: --minutes N (default 10), --connections C (default 12, split over the types), --heap-snapshots DIR (writes
 * V8 heap snapshots of the API after the warm-up and at the end, for comparison in Chrome DevTools).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';

const autocannon = require('autocannon') as (opts: Record<string, unknown>) => AutocannonInstance;
interface AutocannonInstance {
  on(ev: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  then: Promise<{ requests: { total: number; average: number }; non2xx: number; errors: number; timeouts: number }>['then'];
}

interface Mem {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}
type ChildMsg =
  | { kind: 'ready'; base: string; dbKind: string; seedSeconds: number; ids: SoakIds }
  | { kind: 'mem'; id: number; mem: Mem }
  | { kind: 'snapshot'; id: number; file: string };

interface SoakIds {
  p1: string;
  p2: string;
  model: string;
  discussion: string;
  clinician: string;
  board: string;
  password: string;
}

/** Parsed command line. */
export interface SoakArgs {
  minutes: number;
  connections: number;
  heapSnapshots: string | null;
}

/** `--minutes N` (> 0), `--connections C` (≥ 5), `--heap-snapshots DIR`; anything else is an error naming it. */
export function parseSoakArgs(argv: string[]): SoakArgs {
  const out: SoakArgs = { minutes: 10, connections: 12, heapSnapshots: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`soak: ${a} needs a value`);
      return v;
    };
    if (a === '--minutes') {
      out.minutes = Number(val());
      if (!(out.minutes > 0)) throw new Error(`soak: --minutes must be a positive number`);
    } else if (a === '--connections') {
      out.connections = Number(val());
      if (!(Number.isInteger(out.connections) && out.connections >= 5))
        throw new Error('soak: --connections must be a whole number ≥ 5');
    } else if (a === '--heap-snapshots') out.heapSnapshots = path.resolve(val());
    else throw new Error(`soak: unknown argument ${a} (use --minutes N, --connections C, --heap-snapshots DIR)`);
  }
  return out;
}

/** p-th percentile (nearest rank) of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Relative growth (end − base) / base. */
export function growth(base: number, end: number): number {
  return (end - base) / base;
}

// ---------------------------------------------------------------------------------------------------------------
// child: the API under test

async function serve() {
  const { openDatabase } = await import('@hepatoscope/db');
  const { FIXTURE_PASSWORD } = await import('@hepatoscope/services');
  const { seedLoadData } = await import('./load-seed');
  const { createApiServer } = await import('./server');
  const url = process.env.DATABASE_URL || undefined;
  const schema = url ? `soak_${randomBytes(3).toString('hex')}` : undefined;
  const db = await openDatabase(url ? { databaseUrl: url, schema } : { inMemory: true });
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-soak-'));
  const t0 = Date.now();
  const fx = await seedLoadData(db.prisma, filesDir, Number(process.env.SOAK_PATIENTS ?? 10_000));
  const seedSeconds = (Date.now() - t0) / 1000;
  const api = createApiServer({ db, filesDir, logError: () => {} });
  const base = await api.listen(0, '127.0.0.1');
  const send = (m: ChildMsg) => process.send!(m);
  process.on('message', (m: { kind: string; id: number; file?: string }) => {
    if (m.kind === 'mem') {
      (globalThis as { gc?: () => void }).gc?.();
      const u = process.memoryUsage();
      send({ kind: 'mem', id: m.id, mem: { rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external } });
    } else if (m.kind === 'mem-nogc') {
      const u = process.memoryUsage();
      send({ kind: 'mem', id: m.id, mem: { rss: u.rss, heapUsed: u.heapUsed, heapTotal: u.heapTotal, external: u.external } });
    } else if (m.kind === 'snapshot') {
      send({ kind: 'snapshot', id: m.id, file: v8.writeHeapSnapshot(m.file) });
    } else if (m.kind === 'stop') {
      void (async () => {
        await api.close();
        if (schema) await db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
        await db.close();
        fs.rmSync(filesDir, { recursive: true, force: true });
        process.exit(0);
      })();
    }
  });
  send({
    kind: 'ready',
    base,
    dbKind: db.kind,
    seedSeconds,
    ids: {
      p1: fx.patients.p1,
      p2: fx.patients.p2,
      model: fx.models.validated,
      discussion: fx.discussionId,
      clinician: fx.users.clinician.email,
      board: fx.users.board.email,
      password: FIXTURE_PASSWORD,
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// parent: load and measurement

class ChildLink {
  private next = 1;
  private waiting = new Map<number, (m: ChildMsg) => void>();
  constructor(readonly child: ChildProcess) {
    child.on('message', (m: ChildMsg) => {
      if ('id' in m) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
  }
  ask<T extends ChildMsg>(msg: Record<string, unknown>): Promise<T> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (m: ChildMsg) => void);
      this.child.send({ ...msg, id });
    });
  }
  async mem(gc: boolean): Promise<Mem> {
    return (await this.ask<Extract<ChildMsg, { kind: 'mem' }>>({ kind: gc ? 'mem' : 'mem-nogc' })).mem;
  }
}

async function login(base: string, email: string, password: string) {
  const r = await fetch(`${base}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!r.ok) throw new Error(`soak: login of ${email} failed with HTTP ${r.status}`);
  const body = (await r.json()) as { result: { data: { csrfToken: string } } };
  return { cookie: r.headers.getSetCookie()[0]!.split(';')[0]!, csrf: body.result.data.csrfToken };
}

const MB = (b: number) => (b / 1048576).toFixed(1);

async function drive(args: SoakArgs) {
  const child = fork(__filename, ['--server'], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  const link = new ChildLink(child);
  const ready = await new Promise<Extract<ChildMsg, { kind: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`soak: the API process exited (${code}) before it was ready`)));
    child.on('message', (m: ChildMsg) => m.kind === 'ready' && resolve(m));
  });
  const { base, ids } = ready;
  const clin = await login(base, ids.clinician, ids.password);
  const board = await login(base, ids.board, ids.password);
  const q = (proc: string, input: unknown) => `/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const seconds = Math.round(args.minutes * 60);
  const warmup = Math.min(60, seconds / 2);
  const c = args.connections;
  const share = { list: Math.max(1, Math.round(c * 0.3)), detail: Math.max(1, Math.round(c * 0.25)) };
  const rest = Math.max(3, c - share.list - share.detail);
  const types: Array<{ name: string; connections: number; opts: Record<string, unknown> }> = [
    {
      name: 'list (patients.list random page)',
      connections: share.list,
      opts: {
        headers: { cookie: clin.cookie },
        requests: [
          {
            method: 'GET',
            setupRequest: (req: Record<string, unknown>) => ({
              ...req,
              path: q('patients.list', { page: 1 + Math.floor(Math.random() * 400), pageSize: 25 }),
            }),
          },
        ],
      },
    },
    {
      name: 'detail (patients.get)',
      connections: share.detail,
      opts: { headers: { cookie: clin.cookie }, requests: [{ method: 'GET', path: q('patients.get', { id: ids.p1 }) }] },
    },
    {
      name: 'features (features.forPatient)',
      connections: Math.max(1, Math.round(rest / 3)),
      opts: {
        headers: { cookie: clin.cookie },
        requests: [{ method: 'GET', path: q('features.forPatient', { patientId: ids.p1 }) }],
      },
    },
    {
      name: 'predict (predictions.run, write)',
      connections: Math.max(1, Math.round(rest / 3)),
      opts: {
        headers: { cookie: clin.cookie, 'x-hepatoscope-csrf': clin.csrf, 'content-type': 'application/json' },
        requests: [
          { method: 'POST', path: '/api/trpc/predictions.run', body: JSON.stringify({ patientId: ids.p2, modelId: ids.model }) },
        ],
      },
    },
    {
      name: 'decision (boards.recordDecision, write)',
      connections: Math.max(1, rest - 2 * Math.max(1, Math.round(rest / 3))),
      opts: {
        headers: { cookie: board.cookie, 'x-hepatoscope-csrf': board.csrf, 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            path: '/api/trpc/boards.recordDecision',
            body: JSON.stringify({
              discussionId: ids.discussion,
              decision: 'TACE (soak draft)',
              recommendation: 'repeat imaging in 6 weeks',
              attendees: ['soak'],
              signOff: false,
            }),
          },
        ],
      },
    },
  ];
  const [l1, l5, l15] = os.loadavg();
  console.log(
    `soak: ${args.minutes} min on ${ready.dbKind} (seeded in ${ready.seedSeconds.toFixed(1)} s), ` +
      `${types.reduce((a, t) => a + t.connections, 0)} connections, node ${process.version}, ${os.cpus().length} cpus, ` +
      `load average ${l1.toFixed(2)} ${l5.toFixed(2)} ${l15.toFixed(2)}`,
  );
  if (ready.dbKind !== 'postgresql') console.log('soak: DATABASE_URL is not set — this run used in-memory PGlite, not PostgreSQL');

  const samples: Array<{ t: number; mem: Mem }> = [];
  const t0 = Date.now();
  const sample = async () => {
    const mem = await link.mem(false);
    const t = (Date.now() - t0) / 1000;
    samples.push({ t, mem });
    console.log(
      `  t=${t.toFixed(0).padStart(4)} s  rss ${MB(mem.rss).padStart(7)} MB  heapUsed ${MB(mem.heapUsed).padStart(6)} MB  ` +
        `heapTotal ${MB(mem.heapTotal).padStart(6)} MB  external ${MB(mem.external).padStart(6)} MB  load ${os.loadavg()[0]!.toFixed(2)}`,
    );
  };
  await sample();
  const timer = setInterval(() => void sample(), 10_000);
  let warm: { rss: number; gcHeap: number; loadavg: number } | null = null;
  const warmTimer = setTimeout(async () => {
    const rss = (await link.mem(false)).rss;
    const gcHeap = (await link.mem(true)).heapUsed;
    warm = { rss, gcHeap, loadavg: os.loadavg()[0]! };
    console.log(`  warm-up done at ${warmup} s: rss ${MB(rss)} MB, heap after GC ${MB(gcHeap)} MB`);
    if (args.heapSnapshots) {
      fs.mkdirSync(args.heapSnapshots, { recursive: true });
      const s = await link.ask<Extract<ChildMsg, { kind: 'snapshot' }>>({ kind: 'snapshot', file: path.join(args.heapSnapshots, 'warm.heapsnapshot') });
      console.log(`  heap snapshot ${s.file}`);
    }
  }, warmup * 1000);

  const results = await Promise.all(
    types.map(async (t) => {
      const times: number[] = [];
      const inst = autocannon({ url: base, connections: t.connections, duration: seconds, ...t.opts });
      const statuses: Record<number, number> = {};
      inst.on('response', (_c, status, _b, ms) => {
        times.push(ms);
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
      const res = await inst;
      if (res.non2xx) console.log(`  ${t.name}: HTTP statuses ${JSON.stringify(statuses)}`);
      times.sort((a, b) => a - b);
      return { t, res, times };
    }),
  );
  clearInterval(timer);
  clearTimeout(warmTimer);
  const endRss = (await link.mem(false)).rss;
  const endGcHeap = (await link.mem(true)).heapUsed;
  if (args.heapSnapshots) {
    const s = await link.ask<Extract<ChildMsg, { kind: 'snapshot' }>>({ kind: 'snapshot', file: path.join(args.heapSnapshots, 'end.heapsnapshot') });
    console.log(`  heap snapshot ${s.file}`);
  }

  console.log('\n' + 'type'.padEnd(42) + 'requests'.padStart(9) + 'req/s'.padStart(8) + 'p50 ms'.padStart(9) + 'p95 ms'.padStart(9) + 'p99 ms'.padStart(9) + '  non-2xx/err');
  let total = 0;
  let bad = 0;
  for (const { t, res, times } of results) {
    total += times.length;
    bad += res.non2xx + res.errors + res.timeouts;
    console.log(
      `${t.name} [${t.connections}]`.padEnd(42) +
        String(times.length).padStart(9) +
        (times.length / seconds).toFixed(1).padStart(8) +
        percentile(times, 50).toFixed(1).padStart(9) +
        percentile(times, 95).toFixed(1).padStart(9) +
        percentile(times, 99).toFixed(1).padStart(9) +
        `  ${res.non2xx}/${res.errors + res.timeouts}`,
    );
  }
  console.log(`total ${total} requests, ${(total / seconds).toFixed(1)} req/s, ${bad} non-2xx or errors`);
  if (warm) {
    const w = warm as { rss: number; gcHeap: number; loadavg: number };
    console.log(
      `memory: RSS after warm-up ${MB(w.rss)} MB, at end ${MB(endRss)} MB → growth ${(100 * growth(w.rss, endRss)).toFixed(1)} %` +
        ` (target < 10 %); heap after GC ${MB(w.gcHeap)} → ${MB(endGcHeap)} MB (${(100 * growth(w.gcHeap, endGcHeap)).toFixed(1)} %)`,
    );
  }
  const [e1, e5, e15] = os.loadavg();
  console.log(`load average at end ${e1.toFixed(2)} ${e5.toFixed(2)} ${e15.toFixed(2)}`);
  child.send({ kind: 'stop' });
  await new Promise((r) => child.once('exit', r));
  return bad;
}

if (require.main === module) {
  if (process.argv.includes('--server')) {
    serve().catch((e) => {
      console.error(e);
      process.exit(1);
    });
  } else {
    let args: SoakArgs;
    try {
      args = parseSoakArgs(process.argv.slice(2));
    } catch (e) {
      console.error((e as Error).message);
      process.exit(2);
    }
    drive(args).then(
      (bad) => process.exit(bad ? 1 : 0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  }
}
