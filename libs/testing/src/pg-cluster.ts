import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A private, throw-away PostgreSQL cluster for fault tests that must stop or restart the server (never the
 * machine's shared server on 5432): `initdb` into a temp dir, started with `pg_ctl` on a free port of 127.0.0.1,
 * trust authentication, socket in the data dir, `fsync=off` (disposable data).
 *
 *   const pg = await startPgCluster();
 *   await pg.createDatabase('faults');
 *   const url = pg.url('faults');            // postgresql://postgres@127.0.0.1:<port>/faults
 *   const { downMs } = await pg.restart();   // pg_ctl restart -m fast
 *   await pg.destroy();                      // stop (immediate) and remove the directory
 *
 * As root, the binaries run as the `postgres` user through `runuser` (PostgreSQL refuses to run as root).
 */
export interface PgCluster {
  /** Data directory (also the socket directory). */
  dir: string;
  port: number;
  /** Connection URL for a database of this cluster (default `postgres`). */
  url(database?: string): string;
  /** `CREATE DATABASE name` (trust auth, user postgres). */
  createDatabase(name: string): Promise<void>;
  /** Runs SQL through psql against `database` (default `postgres`) and returns its tab-separated rows. */
  psql(sql: string, database?: string): Promise<string[][]>;
  /** `pg_ctl stop -m fast|immediate` (default fast). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** `pg_ctl start` (waits until it accepts connections). */
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`; `downMs` = wall time of the restart (server unavailable at most that long). */
  restart(): Promise<{ downMs: number }>;
  /** Stops the server (immediate) and removes the directory. Idempotent. */
  destroy(): Promise<void>;
}

/** Directory of the PostgreSQL server binaries (`initdb`, `pg_ctl`), or null when none is installed. */
export function findPgBinDir(): string | null {
  const fromEnv = process.env.HEPATOSCOPE_PG_BIN;
  if (fromEnv && fs.existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : null;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as user postgres when we are root. */
async function pgExec(bin: string, args: string[], timeoutMs = 120_000): Promise<string> {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    const { stdout } = await run(file, argv, { timeout: timeoutMs, maxBuffer: 16 << 20 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string; stdout?: string };
    throw new Error(
      `${path.basename(bin)} ${args.join(' ')} failed: ${err.message}\n${err.stderr ?? ''}${err.stdout ?? ''}`,
    );
  }
}

export interface StartPgClusterOptions {
  /** Port (default: a free one). */
  port?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
}

/** initdb + start a private cluster (see `PgCluster`). Throws when PostgreSQL's server binaries are missing. */
export async function startPgCluster(options: StartPgClusterOptions = {}): Promise<PgCluster> {
  const bin = findPgBinDir();
  if (!bin)
    throw new Error(
      'startPgCluster: no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin or HEPATOSCOPE_PG_BIN',
    );
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'hepatoscope-pgcluster-'));
  const dir = path.join(parent, 'data');
  fs.mkdirSync(dir, { mode: 0o700 });
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    fs.chmodSync(parent, 0o755);
    fs.chownSync(parent, Number(stdout.trim()), Number(gid.trim()));
    fs.chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = options.port ?? (await freePort());
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 100,
    shared_buffers: '32MB',
    ...options.settings,
  };
  const serverOpts = [`-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const pgCtl = path.join(bin, 'pg_ctl');
  const log = path.join(parent, 'server.log');
  let destroyed = false;

  await pgExec(path.join(bin, 'initdb'), [
    '-D',
    dir,
    '--auth=trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  // the log file must be writable by the server's user
  fs.writeFileSync(log, '');
  if (isRoot()) fs.chmodSync(log, 0o666);

  const start = async () => {
    await pgExec(pgCtl, ['-D', dir, '-l', log, '-o', serverOpts, '-w', '-t', '60', 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pgExec(pgCtl, ['-D', dir, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  await start();

  const psqlBin = path.join(bin, 'psql');
  const cluster: PgCluster = {
    dir,
    port,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async psql(sql, database = 'postgres') {
      const exe = fs.existsSync(psqlBin) ? psqlBin : 'psql';
      const { stdout } = await run(
        exe,
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          database,
          '-AtqF',
          '\t',
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          sql,
        ],
        {
          timeout: 60_000,
          maxBuffer: 64 << 20,
        },
      );
      return stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t'));
    },
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`createDatabase: bad name "${name}"`);
      await cluster.psql(`CREATE DATABASE ${name}`);
    },
    stop,
    start,
    async restart() {
      const t0 = Date.now();
      await pgExec(pgCtl, ['-D', dir, '-l', log, '-o', serverOpts, '-m', 'fast', '-w', '-t', '60', 'restart']);
      return { downMs: Date.now() - t0 };
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop('immediate').catch(() => undefined);
      fs.rmSync(parent, { recursive: true, force: true });
    },
  };
  return cluster;
}
