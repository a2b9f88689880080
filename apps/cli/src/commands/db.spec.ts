import { CliError } from '../command';
import db, { parseDbArgs } from './db';

describe('hepatoscope db', () => {
  it('parses actions and options', () => {
    expect(parseDbArgs(['status', '--data-dir', '/tmp/x'])).toMatchObject({ action: 'status', dataDir: '/tmp/x', imaging: true });
    expect(parseDbArgs(['seed', '--no-imaging', '--database-url', 'postgresql://u@h/db'])).toMatchObject({ action: 'seed', imaging: false, databaseUrl: 'postgresql://u@h/db' });
    expect(parseDbArgs(['create-migration', 'add_x', '--empty'])).toMatchObject({ action: 'create-migration', name: 'add_x', empty: true });
  });

  it('rejects unknown actions, missing names and stray arguments with the usage', () => {
    for (const argv of [[], ['drop'], ['create-migration'], ['status', 'extra'], ['status', '--bogus']]) {
      expect(() => parseDbArgs(argv)).toThrow(CliError);
    }
    expect(() => parseDbArgs(['drop'])).toThrow(/Unknown db action "drop"[\s\S]*Usage: hepatoscope db/);
  });

  it('reports an unreachable database as one clear error naming DATABASE_URL (exit 3)', async () => {
    const err = await db.run(['status', '--database-url', 'postgresql://u:pw@127.0.0.1:1/none']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/DATABASE_URL/);
    expect((err as Error).message).not.toContain('pw@');
  });
});
