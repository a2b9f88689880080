/**
 * startPgCluster: a private PostgreSQL cluster (initdb + pg_ctl on a free port) that a test may stop and restart.
 * Skipped where PostgreSQL's server binaries are not installed.
 */
import fs from 'node:fs';
import { Client } from 'pg';
import { findPgBinDir, startPgCluster, type PgCluster } from './pg-cluster';

const describePg = findPgBinDir() ? describe : describe.skip;

describePg('startPgCluster', () => {
  let pg: PgCluster;
  afterAll(() => pg?.destroy(), 60_000);

  test('serves a database, survives a restart with its data, and removes itself', async () => {
    pg = await startPgCluster();
    expect(pg.port).toBeGreaterThan(0);
    await pg.createDatabase('probe');
    const c = new Client({ connectionString: pg.url('probe') });
    await c.connect();
    await c.query('CREATE TABLE t (n int); INSERT INTO t VALUES (1), (2), (3)');
    await c.end();
    const { downMs } = await pg.restart();
    expect(downMs).toBeGreaterThan(0);
    expect(await pg.psql('SELECT sum(n) FROM t', 'probe')).toEqual([['6']]);
    await pg.stop();
    const refused = new Client({ connectionString: pg.url('probe'), connectionTimeoutMillis: 2000 });
    await expect(refused.connect()).rejects.toThrow();
    await pg.start();
    expect(await pg.psql('SELECT count(*) FROM t', 'probe')).toEqual([['3']]);
    await expect(pg.createDatabase('Bad Name')).rejects.toThrow(/bad name/);
    await pg.destroy();
    expect(fs.existsSync(pg.dir)).toBe(false);
  }, 120_000);
});
