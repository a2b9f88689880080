/**
 * Helpers shared by the fault tests (`*.fault.spec.ts`): child processes (workers, API), polling, the fault log,
 * and the gate that decides whether the suites run.
 *
 * The suites need PostgreSQL's server binaries (they start private clusters with `startPgCluster` from
 * @hepatoscope/testing and never touch DATABASE_URL's server). They do not depend on DATABASE_URL, so they run
 * once per `.ci/run`: in the embedded-PGlite pass (DATABASE_URL unset). HEPATOSCOPE_FAULT_TESTS=1 forces them,
 * =0 skips them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PgBoss } from 'pg-boss';
import { openDatabase, type Database } from '@hepatoscope/db';
import { findPgBinDir, makeTempDir, removeDir, startPgCluster, type PgCluster } from '@hepatoscope/testing';

export const REPO_ROOT = resolve(__dirname, '../../../..');
/** Children run as `node --import tsx <script>`: ONE process (the tsx CLI would fork a second, and a signal to the
 * CLI would leave the real worker running). */
export const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;
export const FAULT_WORKER = join(REPO_ROOT, 'apps/worker/src/faults/fault-worker.ts');
export const API_MAIN = join(REPO_ROOT, 'apps/api/src/main.ts');

/** Why the fault suites are skipped here, or null when they run. */
export function faultSkipReason(): string | null {
  const flag = process.env.HEPATOSCOPE_FAULT_TESTS;
  if (flag === '0') return 'HEPATOSCOPE_FAULT_TESTS=0';
  if (!findPgBinDir()) return 'no PostgreSQL server binaries (initdb) installed';
  if (flag !== '1' && process.env.DATABASE_URL) return 'run in the PGlite pass (they start their own clusters)';
  return null;
}

/** `describe`, or `describe.skip` with the reason printed once. */
export function describeFaults(name: string, fn: () => void): void {
  const reason = faultSkipReason();
  if (reason) {
    console.log(`[faults] ${name}: skipped (${reason})`);
    describe.skip(name, fn);
  } else describe(name, fn);
}

/** A child process with its output kept (for waits and for the failure message). */
export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves when the output matches `re` (rejects on exit or timeout, with the output). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnTsx(name: string, script: string, env: Record<string, string>, args: string[] = []): Child {
  const proc = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString();
    if (out.length > 400_000) out = out.slice(-200_000);
    for (const w of [...waiters]) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once('exit', (code, signal) => {
      r({ code, signal });
      for (const w of [...waiters]) w();
    }),
  );
  const child: Child = {
    name,
    proc,
    pid: proc.pid!,
    output: () => out,
    waitFor(re, timeoutMs = 90_000) {
      return new Promise((resolveWait, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${re}; output:\n${out.slice(-4000)}`));
        }, timeoutMs);
        const check = () => {
          const m = out.match(re);
          if (m) {
            clearTimeout(timer);
            waiters.delete(check);
            resolveWait(m);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(
              new Error(
                `${name} exited (${proc.exitCode ?? proc.signalCode}) before ${re}; output:\n${out.slice(-4000)}`,
              ),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
    exited,
    async stop(graceMs = 15_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
  return child;
}

/** Starts the fault-test worker (src/faults/fault-worker.ts) and waits for its ready line. */
export async function startFaultWorker(name: string, env: Record<string, string>): Promise<Child> {
  const w = spawnTsx(name, FAULT_WORKER, {
    HEPATOSCOPE_WORKER_HEARTBEAT_S: '10',
    HEPATOSCOPE_WORKER_SUPERVISE_S: '1',
    HEPATOSCOPE_WORKER_GRACE_MS: '2000',
    ...env,
  });
  await w.waitFor(/\[worker\] ready/, 120_000);
  return w;
}

/** Polls `fn` every `everyMs` until it returns a truthy value. */
export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    let v: T | null | undefined | false;
    try {
      v = await fn();
    } catch {
      v = null; // e.g. the database is restarting
    }
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface FaultEvent {
  jobId: string;
  pid: number;
  attempt: number;
  event: 'start' | 'commit' | 'reused';
  /** Epoch ms. */
  at: number;
}

/** Parses the fault log written by fault-worker.ts. */
export function readFaultLog(file: string): FaultEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [jobId, pid, attempt, event, at] = l.split(' ');
      return {
        jobId: jobId!,
        pid: Number(pid),
        attempt: Number(attempt),
        event: event as FaultEvent['event'],
        at: Number(at),
      };
    });
}

/** Entries of a results root: committed job directories and leftover staging directories. */
export function resultDirs(root: string): { jobs: string[]; staging: string[] } {
  const all = existsSync(root) ? readdirSync(root) : [];
  return { jobs: all.filter((e) => !e.startsWith('.')), staging: all.filter((e) => e.startsWith('.staging-')) };
}

/** Counts of `values` (e.g. jobs per worker pid). */
export function tally<T extends string | number>(values: T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

/** Prints a figure line for the closing report (visible in the Jest output). */
export function figure(suite: string, text: string): void {
  console.log(`[faults] ${suite}: ${text}`);
}

/** Starts the real API (`apps/api/src/main.ts`) and waits for its ready line; returns the child and its base URL. */
export async function startApi(
  name: string,
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<{ child: Child; base: string }> {
  const child = spawnTsx(name, API_MAIN, env);
  const m = await child.waitFor(/\[api\] ready: (http:\/\/[^\s]+)/, timeoutMs);
  return { child, base: m[1]! };
}

export const DEMO_PASSWORD = 'fault-test-demo-password';
export const CLINICIAN = 'clinician@demo.hepatoscope.org';

/** tRPC over HTTP: a login (returns the session cookie and CSRF token). */
export async function login(base: string, email = CLINICIAN, password = DEMO_PASSWORD) {
  const r = await fetch(`${base}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await r.json()) as { result?: { data?: { csrfToken: string; user: { id: string; email: string } } } };
  const cookie = (r.headers.getSetCookie?.() ?? []).find((c) => c.startsWith('hs_session='))?.split(';')[0] ?? '';
  return { status: r.status, cookie, csrf: body.result?.data?.csrfToken ?? '', user: body.result?.data?.user };
}

/** tRPC query over HTTP with a session cookie: `{ status, data }`. */
export async function trpcQuery<T = unknown>(base: string, path: string, cookie: string, input?: unknown) {
  const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const r = await fetch(`${base}/api/trpc/${path}${q}`, { headers: { cookie } });
  const body = (await r.json()) as { result?: { data?: T }; error?: unknown };
  return { status: r.status, data: body.result?.data as T, error: body.error };
}

/** tRPC mutation over HTTP with a session cookie and its CSRF token. */
export async function trpcMutation<T = unknown>(
  base: string,
  path: string,
  session: { cookie: string; csrf: string },
  input: unknown,
) {
  const r = await fetch(`${base}/api/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-hepatoscope-csrf': session.csrf },
    body: JSON.stringify(input),
  });
  const body = (await r.json()) as { result?: { data?: T }; error?: unknown };
  return { status: r.status, data: body.result?.data as T, error: body.error };
}

/**
 * The test's own clients on the database of the processes under test: the app schema (incl. "Job", migrated by
 * `openDatabase`) and a pg-boss client that neither supervises nor schedules (errors ignored).
 */
export async function openTestClients(url: string): Promise<{ db: Database; boss: PgBoss }> {
  const db = await openDatabase({ databaseUrl: url, env: {} });
  const { PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', supervise: false, schedule: false });
  boss.on('error', () => undefined);
  await boss.start();
  return { db, boss };
}

/** After the children are stopped: closes the test clients (errors ignored), destroys the cluster, removes `dir`. */
export async function closeTestSetup(s: { boss?: PgBoss; db?: Database; pg?: PgCluster; dir?: string }): Promise<void> {
  await s.boss?.stop({ graceful: false }).catch(() => undefined);
  await s.db?.close().catch(() => undefined);
  await s.pg?.destroy();
  if (s.dir) removeDir(s.dir);
}

/**
 * A temp dir (`fault-<name>`), a private PostgreSQL cluster with database `faults`, and the test clients on it
 * (`openTestClients`). On failure, what was started is closed again.
 */
export async function startFaultDatabase(
  name: string,
): Promise<{ dir: string; pg: PgCluster; db: Database; boss: PgBoss }> {
  const dir = makeTempDir(`fault-${name}`);
  let pg: PgCluster | undefined;
  try {
    pg = await startPgCluster();
    await pg.createDatabase('faults');
    return { dir, pg, ...(await openTestClients(pg.url('faults'))) };
  } catch (err) {
    await closeTestSetup({ pg, dir });
    throw err;
  }
}
