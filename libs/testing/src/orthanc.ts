/**
 * A real Orthanc PACS for integration tests (Debian packages `orthanc` + `orthanc-dicomweb`):
 *
 *   const bin = findOrthanc();                       // null → skip the suite, saying why
 *   const pacs = await startOrthanc();               // loopback, free ports, temp storage, DICOMweb on
 *   await pacs.rest('/instances', { method: 'POST', body: part10 });
 *   ... pacs.dicomWebUrl, pacs.credentials ...
 *   await pacs.stop();                               // terminates it and removes its directory
 *
 * The instance listens on 127.0.0.1 only (HTTP and DICOM ports chosen free), stores into a temp directory and
 * requires HTTP basic authentication with a generated test user, so the client's auth path is exercised too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { makeTempDir, removeDir } from './tmp';

const BIN_CANDIDATES = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc', '/usr/local/bin/Orthanc'];
const PLUGIN_CANDIDATES = [
  '/usr/share/orthanc/plugins/libOrthancDicomWeb.so',
  '/usr/lib/orthanc/plugins/libOrthancDicomWeb.so',
];

/** Path of the Orthanc executable (`ORTHANC_BIN`, Debian's /usr/sbin/Orthanc, or PATH), or null when absent. */
export function findOrthanc(): string | null {
  const env = process.env.ORTHANC_BIN;
  if (env) return fs.existsSync(env) ? env : null;
  for (const c of BIN_CANDIDATES) if (fs.existsSync(c)) return c;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'Orthanc');
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

/** Path of the DICOMweb plugin (`ORTHANC_DICOMWEB_PLUGIN` or Debian's plugin directory), or null. */
export function findOrthancDicomWebPlugin(): string | null {
  const env = process.env.ORTHANC_DICOMWEB_PLUGIN;
  if (env) return fs.existsSync(env) ? env : null;
  return PLUGIN_CANDIDATES.find((c) => fs.existsSync(c)) ?? null;
}

/** A free TCP port on 127.0.0.1 (bound then released). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface OrthancServer {
  /** `http://127.0.0.1:<port>` (REST API root). */
  httpUrl: string;
  /** DICOMweb root, `${httpUrl}/dicom-web`. */
  dicomWebUrl: string;
  dicomPort: number;
  /** The generated test user (HTTP basic). */
  credentials: { username: string; password: string };
  /** `fetch` on the REST API with the test user's credentials; throws on a non-2xx answer. */
  rest(pathname: string, init?: RequestInit): Promise<Response>;
  /** `rest(...)` then JSON. */
  json<T = unknown>(pathname: string, init?: RequestInit): Promise<T>;
  /** The instance's temporary directory (configuration, storage, logs); removed by `stop`. */
  dir: string;
  /** Seconds from spawn to a first answer of `/system`. */
  startSeconds: number;
  /** Terminates Orthanc (SIGTERM, SIGKILL after 10 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOrthancOptions {
  /** How long to wait for `/system` (default 60 s). */
  timeoutMs?: number;
  /** Extra configuration merged into the generated JSON. */
  config?: Record<string, unknown>;
}

/** Starts a private Orthanc with the DICOMweb plugin; throws (with its log tail) when it cannot start. */
export async function startOrthanc(options: StartOrthancOptions = {}): Promise<OrthancServer> {
  const bin = findOrthanc();
  if (!bin) throw new Error('Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)');
  const plugin = findOrthancDicomWebPlugin();
  if (!plugin) throw new Error('The Orthanc DICOMweb plugin is not installed (apt-get install orthanc-dicomweb)');
  // A port picked free can be taken before Orthanc binds it (parallel test workers): then Orthanc exits; try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bin, plugin, options);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof OrthancExitedEarly)) throw e;
    }
  }
}

class OrthancExitedEarly extends Error {}

async function startOnce(bin: string, plugin: string, options: StartOrthancOptions): Promise<OrthancServer> {
  const dir = makeTempDir('orthanc');
  const [httpPort, dicomPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const credentials = { username: 'hstest', password: randomBytes(12).toString('hex') };
  const config = {
    Name: 'HepatoscopeTest',
    StorageDirectory: path.join(dir, 'db'),
    IndexDirectory: path.join(dir, 'db'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'HSTEST',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [credentials.username]: credentials.password },
    HttpsCACertificates: '',
    Plugins: [plugin],
    ConcurrentJobs: 1,
    HttpThreadsCount: 4,
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
    ...options.config,
  };
  const configPath = path.join(dir, 'orthanc.json');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const logDir = path.join(dir, 'logs');
  fs.mkdirSync(logDir);
  const t0 = Date.now();
  const child: ChildProcess = spawn(bin, [`--logdir=${logDir}`, configPath], { stdio: 'ignore', detached: false });
  let exited: number | null | undefined;
  // never leave an Orthanc behind when the test process ends without calling stop()
  const reap = () => {
    if (exited === undefined) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  const exit = new Promise<void>((r) =>
    child.once('exit', (code) => {
      exited = code;
      process.removeListener('exit', reap);
      r();
    }),
  );
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const authorization = 'Basic ' + Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  const logTail = () => {
    try {
      const files = fs.readdirSync(logDir).map((f) => path.join(logDir, f));
      return files.map((f) => fs.readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')).join('\n');
    } catch {
      return '';
    }
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    removeDir(dir);
  };

  const deadline = t0 + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) {
      const tail = logTail();
      await stop();
      throw new OrthancExitedEarly(`Orthanc exited with code ${exited} before answering:\n${tail}`);
    }
    try {
      const r = await fetch(`${httpUrl}/system`, { headers: { authorization }, signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const tail = logTail();
      await stop();
      throw new Error(`Orthanc did not answer /system within ${options.timeoutMs ?? 60_000} ms:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const startSeconds = (Date.now() - t0) / 1000;

  const rest = async (pathname: string, init: RequestInit = {}) => {
    const r = await fetch(httpUrl + pathname, {
      ...init,
      headers: { authorization, ...(init.headers as Record<string, string>) },
    });
    if (!r.ok) throw new Error(`Orthanc ${init.method ?? 'GET'} ${pathname}: HTTP ${r.status} ${await r.text()}`);
    return r;
  };
  return {
    httpUrl,
    dicomWebUrl: `${httpUrl}/dicom-web`,
    dicomPort,
    credentials,
    rest,
    json: async <T>(p: string, init?: RequestInit) => (await (await rest(p, init)).json()) as T,
    dir,
    startSeconds,
    stop,
  };
}
