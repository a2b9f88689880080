import { recurringSelectNames } from './statement-names';

describe('recurringSelectNames', () => {
  it('names a SELECT from its minUses-th use on, with one stable name per text', () => {
    const gen = recurringSelectNames({ minUses: 3 });
    const q = { sql: 'SELECT 1 FROM "Patient" WHERE id = $1' };
    expect([gen(q), gen(q)]).toEqual([undefined, undefined]);
    const name = gen(q);
    expect(name).toMatch(/^hs_[0-9a-f]{24}$/);
    expect(gen(q)).toBe(name);
    expect(gen({ sql: 'SELECT 2' })).toBeUndefined();
  });

  it('never names writes', () => {
    const gen = recurringSelectNames({ minUses: 1 });
    expect(gen({ sql: 'INSERT INTO "AuditEvent" SELECT 1' })).toBeUndefined();
    expect(gen({ sql: 'UPDATE "User" SET name = $1' })).toBeUndefined();
    expect(gen({ sql: '  select 1' })).toMatch(/^hs_/);
  });

  it('stops at maxNames, keeping the names it gave', () => {
    const gen = recurringSelectNames({ minUses: 1, maxNames: 2 });
    const a = gen({ sql: 'SELECT 1' });
    const b = gen({ sql: 'SELECT 2' });
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a).not.toBe(b);
    expect(gen({ sql: 'SELECT 3' })).toBeUndefined();
    expect(gen({ sql: 'SELECT 1' })).toBe(a);
  });

  it('counts at most maxTracked texts, so one-off texts cannot grow it without bound', () => {
    const gen = recurringSelectNames({ minUses: 2, maxTracked: 2 });
    gen({ sql: 'SELECT 1' });
    gen({ sql: 'SELECT 2' });
    gen({ sql: 'SELECT 3' }); // not tracked: the table is full
    expect(gen({ sql: 'SELECT 3' })).toBeUndefined();
    expect(gen({ sql: 'SELECT 1' })).toMatch(/^hs_/);
  });
});
