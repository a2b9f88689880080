import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './env';
import { resolveSessionSecret } from './secret';

describe('loadConfig', () => {
  it('applies defaults: PGlite in ./.hepatoscope, ports 3000/3001, log level info', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toMatchObject({
      dataDir: '/srv/app/.hepatoscope',
      pgDataDir: '/srv/app/.hepatoscope/pgdata',
      filesDir: '/srv/app/.hepatoscope/files',
      databaseKind: 'pglite',
      databaseUrl: undefined,
      port: 3000,
      apiPort: 3001,
      logLevel: 'info',
      demoPassword: 'hepatoscope-demo',
    });
  });

  it('reads every variable; empty strings count as unset', () => {
    const c = loadConfig(
      { HEPATOSCOPE_DATA_DIR: 'data', DATABASE_URL: 'postgresql://u@h:5432/db?schema=s1', PORT: '8080', API_PORT: '', LOG_LEVEL: 'DEBUG', HEPATOSCOPE_SESSION_SECRET: 'x'.repeat(40) },
      '/w',
    );
    expect(c).toMatchObject({ dataDir: '/w/data', databaseKind: 'postgresql', port: 8080, apiPort: 3001, logLevel: 'debug', sessionSecret: 'x'.repeat(40) });
  });

  it('names each invalid variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc', API_PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', HEPATOSCOPE_SESSION_SECRET: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.variables.sort()).toEqual(['API_PORT', 'DATABASE_URL', 'HEPATOSCOPE_SESSION_SECRET', 'LOG_LEVEL', 'PORT']);
    for (const v of e.variables) expect(e.message).toContain(`${v}:`);
    expect(e.message).toMatch(/PORT must be a whole number/);
    expect(e.message).toMatch(/API_PORT must be between 1 and 65535/);
  });
});

describe('resolveSessionSecret', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hepatoscope-config-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prefers the environment', () => {
    expect(resolveSessionSecret({ sessionSecret: 'e'.repeat(32), dataDir: dir })).toBe('e'.repeat(32));
    expect(fs.existsSync(path.join(dir, 'session-secret'))).toBe(false);
  });

  it('generates once, stores it with mode 0600 and returns the same secret afterwards', () => {
    const data = path.join(dir, 'nested', 'data');
    const a = resolveSessionSecret({ sessionSecret: undefined, dataDir: data });
    const b = resolveSessionSecret({ sessionSecret: undefined, dataDir: data });
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(data, 'session-secret')).mode & 0o777).toBe(0o600);
  });

  it('names HEPATOSCOPE_DATA_DIR when the secret cannot be stored', () => {
    const file = path.join(dir, 'plain-file');
    fs.writeFileSync(file, '');
    expect(() => resolveSessionSecret({ sessionSecret: undefined, dataDir: path.join(file, 'sub') })).toThrow(/HEPATOSCOPE_DATA_DIR/);
  });
});
