/**
 * `prisma.$queryReadOnly` beside `$queryRawUnsafe` on edge values: every accepted column type with its extremes
 * (NaN, ±Infinity, -0, int limits, microseconds, BC and infinite timestamps, quoting in arrays, 2-D arrays, NULLs),
 * duplicate column names, and parameters of every plain kind bound to differently typed placeholders. Each read runs
 * 25 times, so that it is held to the reference both before (unnamed) and after (named statement) its 20th use.
 * On PGlite also: the named statements really are prepared in the session; statements it leaves to Prisma (Date or
 * bigint parameters, int8/numeric/json/enum columns) answer what Prisma answers; it waits for an open transaction as
 * Prisma's reads do; it survives DEALLOCATE ALL and DDL that changes a prepared statement's result type; errors keep
 * their SQLSTATE and leave the session usable. PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';

const backend = process.env.DATABASE_URL ? 'postgresql' : 'pglite';

/** Values as comparable data: Dates by time (or 'Invalid Date'), -0 and NaN spelled out, bigint tagged, key order kept. */
function tagged(v: unknown): unknown {
  if (v instanceof Date) return ['Date', Number.isNaN(v.getTime()) ? 'Invalid Date' : v.getTime()];
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v;
  if (typeof v === 'bigint') return ['bigint', v.toString()];
  if (Array.isArray(v)) return v.map(tagged);
  if (v && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return [proto?.constructor?.name, String(v)];
    return Object.entries(v).map(([k, x]) => [k, tagged(x)]);
  }
  return [typeof v, v];
}

describe(`prisma.$queryReadOnly edge values (${backend})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.cleanup());

  /** $queryReadOnly, 25 times (unnamed, then named), each equal to $queryRawUnsafe of the same statement. */
  async function expectSameAsPrisma(text: string, values: unknown[] = []) {
    const reference = tagged(await t.db.prisma.$queryRawUnsafe<unknown[]>(text, ...values));
    for (let i = 0; i < 25; i++) expect(tagged(await t.db.prisma.$queryReadOnly(text, values))).toEqual(reference);
    return reference;
  }

  it('reads floats, integers, booleans, text and uuids at their extremes as Prisma does', async () => {
    const ref = await expectSameAsPrisma(
      `SELECT v.f8, v.f4, v.i2, v.i4, v.b, v.t, v.vc, v.u
       FROM (VALUES (1, 'NaN'::float8, 'NaN'::float4, (-32768)::int2, (-2147483648)::int4, true, ''::text, ''::varchar,
                     '00000000-0000-0000-0000-000000000000'::uuid),
                    (2, 'Infinity', 'Infinity', 32767::int2, 2147483647, false, 'Ünïcødé ✓ 🦊 "q" \\ ''s''', 'a,b{c}', NULL),
                    (3, '-Infinity', '-Infinity', 0::int2, 0, NULL, E'line\\nbreak\\ttab', NULL, 'FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF'),
                    (4, '-0', '-0', NULL, NULL, true, NULL, 'NULL', NULL),
                    (5, 1.7976931348623157e308, 3.4028235e38, 1::int2, -1, false, 'NULL', ' ', NULL),
                    (6, 5e-324, 1.1, 2::int2, 2, true, ' x ', 'y', NULL),
                    (7, 0.1 + 0.2, 1.17549435e-38, 3::int2, 3, false, 'z', 'z', NULL))
              AS v(k, f8, f4, i2, i4, b, t, vc, u)
       ORDER BY v.k`,
    );
    expect(ref).toHaveLength(7);
  });

  it('reads timestamps (microseconds, old; on PGlite also BC, infinite, beyond Date) as Prisma does', async () => {
    // BC and infinite timestamps: Prisma reads Invalid Dates on both backends, the PostgreSQL pool node-postgres's
    // values (a BC Date, ±Infinity); no column of the schema holds them (Prisma could not read them back)
    const extremes =
      backend === 'pglite'
        ? `, (4, '0001-01-01 00:00:00 BC', '0001-01-01 00:00:00+00 BC'), (5, 'infinity', 'infinity'),
           (6, '-infinity', '-infinity'), (7, '294276-12-31 23:59:59', '294276-12-31 23:59:59+00')`
        : '';
    await expectSameAsPrisma(
      `SELECT v.ts, v.tz, v.ts AT TIME ZONE 'UTC' AS "tsUtc"
       FROM (VALUES (1, '2024-03-05 06:07:08.123456'::timestamp, '2024-03-05 06:07:08.123456+02'::timestamptz),
                    (2, '1970-01-01 00:00:00', '1970-01-01 00:00:00+00'),
                    (3, '0099-12-31 23:59:59.5', '0099-12-31 23:59:59.5+00'),
                    (8, NULL, NULL)${extremes})
              AS v(k, ts, tz)
       ORDER BY v.k`,
    );
  });

  it('reads arrays (quoting, NULL elements, empty, 2-D, lower bounds) as Prisma does', async () => {
    await expectSameAsPrisma(
      `SELECT ARRAY['', 'NULL', NULL, 'a,b', '{c}', '"q"', E'back\\\\slash', 'sp ace', 'Ünï 🦊']::text[] AS texts,
              ARRAY['x', NULL]::varchar[] AS vcs,
              ARRAY[NULL]::text[] AS "oneNull", ARRAY[]::int[] AS "noInts",
              ARRAY[[1.5, 2], [3, NULL]]::float8[] AS grid, ARRAY[['a', NULL], ['{', '"']]::text[] AS "textGrid",
              '[2:3]={7,8}'::int[] AS shifted,
              ARRAY[-32768, 32767, NULL]::int2[] AS smalls, ARRAY[-2147483648, 2147483647]::int4[] AS ints,
              ARRAY['NaN', 'Infinity', '-Infinity', '-0', 0.1, NULL]::float8[] AS f8s,
              ARRAY['NaN', '-0', 1.1, NULL]::float4[] AS f4s,
              ARRAY[true, false, NULL]::bool[] AS flags,
              ARRAY['00000000-0000-4000-8000-000000000001', NULL]::uuid[] AS uids,
              NULL::text[] AS "noArray"`,
    );
  });

  it('fails on multi-dimensional int and bool arrays as Prisma does', async () => {
    for (const [text, type] of [
      ['SELECT ARRAY[[1, 2]]::int[] AS g', 'Int32'],
      ['SELECT ARRAY[[1, 2]]::int2[] AS g', 'Int32'],
      ['SELECT ARRAY[[true]]::bool[] AS g', 'Boolean'],
    ] as const) {
      const message = `Cannot serialize value of type object as ${type}`;
      await expect(t.db.prisma.$queryRawUnsafe(text)).rejects.toThrow(message);
      if (backend === 'pglite')
        for (let i = 0; i < 25; i++) await expect(t.db.prisma.$queryReadOnly(text)).rejects.toThrow(message);
    }
  });

  it('keeps duplicate column names and column order as Prisma does', async () => {
    const ref = await expectSameAsPrisma(`SELECT 1::int AS a, 'x'::text AS b, 2::int AS a, NULL::int AS "Z", 3::int AS "?column?"`);
    expect(ref).toEqual([[['a', 2], ['b', ['string', 'x']], ['Z', ['object', null]], ['?column?', 3]]]);
  });

  it('binds strings, numbers, booleans, null and arrays to any placeholder type as Prisma does', async () => {
    const text = `SELECT $1::text AS t, $2::int AS i, $3::float8 AS f, $4::bool AS b, $5::text AS "nullText",
        $6::text[] AS texts, $7::int[] AS ints, $8::int[]::text AS grid, $9::text AS "numAsText", $10::text AS "boolAsText",
        $11::timestamptz AS "tzFromText", $12::json::text AS "jsonFromString", $13::jsonb::text AS "jsonbFromNumber",
        $14::uuid AS u, $15::float4 AS f4, $16::bool AS "boolFromString", $17::text AS "negZero"`;
    const values = ['Ünï \'"\\ 🦊', -7, 0.1, true, null, ['a', null, 'b,c', '{d}', '"e"', ''], [1, null, 3], [[1, 2], [3, 4]],
      1.5e-7, false, '2024-03-05 06:07:08.009+02', '{"a":[1,"x"]}', 42, '00000000-0000-4000-8000-000000000002', 0.25, 'yes', -0];
    await expectSameAsPrisma(text, values);
    // the same statement with other values, now named: each answer is still Prisma's
    await expectSameAsPrisma(text, ['', 0, -1e300, false, null, [], [], [[5]], 0, true, '1970-01-01T00:00:00Z', '"s"', -1.5,
      '00000000-0000-4000-8000-000000000003', -0, 'off', 0]);
    await expectSameAsPrisma(`SELECT count(*)::int AS n FROM unnest($1::text[]) x WHERE x = ANY($2)`, [['a', 'b', 'a'], ['a']]);
  });

  it('passes database errors on with their SQLSTATE and stays usable, before and after a statement is named', async () => {
    const text = 'SELECT (10 / $1::int)::int AS q';
    for (let i = 0; i < 25; i++) {
      await expect(t.db.prisma.$queryReadOnly(text, [0])).rejects.toThrow(/division by zero/);
      expect(await t.db.prisma.$queryReadOnly(text, [5])).toEqual([{ q: 2 }]);
    }
    if (backend === 'pglite') await expect(t.db.prisma.$queryReadOnly(text, [0])).rejects.toMatchObject({ code: '22012' });
    await expect(t.db.prisma.$queryReadOnly('SELECT FROM WHERE')).rejects.toThrow(/syntax error/);
    await expect(t.db.prisma.$queryReadOnly(text, [1, 2])).rejects.toThrow(/bind message supplies 2 parameters/);
    expect(await t.db.prisma.user.count()).toBeGreaterThanOrEqual(0);
    expect(await t.db.prisma.$queryReadOnly(text, [2])).toEqual([{ q: 5 }]);
  });

  if (backend === 'pglite') {
    it('prepares recurring statements in the PGlite session (named from the 20th use), the others stay unnamed', async () => {
      const text = `SELECT 'prepared-probe'::text AS p, $1::int AS n`;
      const prepared = async () =>
        (await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [text])).rows[0]!.n;
      for (let i = 0; i < 19; i++) await t.db.prisma.$queryReadOnly(text, [i]);
      expect(await prepared()).toBe(0);
      for (let i = 0; i < 5; i++) expect(await t.db.prisma.$queryReadOnly(text, [i])).toEqual([{ p: 'prepared-probe', n: i }]);
      expect(await prepared()).toBe(1);
    });

    it('leaves Date, bigint and non-finite number parameters and int8/numeric/json/enum/date columns to Prisma (same values as before)', async () => {
      await t.db.prisma.user.create({ data: { email: 'edge@raw.test', name: 'Edge', role: 'ADMIN', passwordHash: 'h' } });
      const at = new Date('2024-03-05T06:07:08.009Z');
      await expectSameAsPrisma(`SELECT $1::timestamptz AS at, $2::text AS "dateAsText"`, [at, at]);
      await expectSameAsPrisma(`SELECT $1::text AS "dateInArray"`, [[at]]);
      await expectSameAsPrisma(`SELECT $1::int8 AS big, $2::text AS "bigAsText"`, [12n, -(2n ** 63n)]);
      // Prisma's JSON round trip sends null for non-finite numbers
      await expectSameAsPrisma(`SELECT $1::float8 AS nan, $2::text AS inf, $3::float8[] AS infs`, [NaN, Infinity, [-Infinity]]);
      await expectSameAsPrisma(
        `SELECT count(*) AS n, 1.50::numeric AS d, '{"a":[1,2]}'::json AS j, '{"b":null}'::jsonb AS jb,
                min(u.role) AS role, DATE '2024-03-05' AS day, ARRAY[1, 2]::int8[] AS bigs
         FROM "User" u WHERE u.email = $1`,
        ['edge@raw.test'],
      );
      const rows = await t.db.prisma.$queryReadOnly<{ n: unknown; role: unknown }>(
        `SELECT count(*) AS n, min(u.role) AS role FROM "User" u WHERE u.email = $1`,
        ['edge@raw.test'],
      );
      expect(rows).toEqual([{ n: 1n, role: 'ADMIN' }]);
    });

    it('waits for an open transaction, as Prisma reads outside it do, and then sees its writes', async () => {
      const text = `SELECT count(*)::int AS n FROM "User" WHERE email = $1`;
      for (let i = 0; i < 20; i++) await t.db.prisma.$queryReadOnly(text, ['wait@raw.test']); // named from here on
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let created!: () => void;
      const inserted = new Promise<void>((r) => (created = r));
      const tx = t.db.prisma.$transaction(async (txc) => {
        await txc.user.create({ data: { email: 'wait@raw.test', name: 'Wait', role: 'ADMIN', passwordHash: 'h' } });
        created();
        await held;
      });
      await inserted;
      const order: string[] = [];
      const viaPrisma = t.db.prisma.$queryRawUnsafe<Array<{ n: number }>>(text, 'wait@raw.test').then((r) => (order.push('prisma'), r));
      const readOnly = t.db.prisma.$queryReadOnly<{ n: number }>(text, ['wait@raw.test']).then((r) => (order.push('readOnly'), r));
      // PGlite's transaction mutex holds both reads until the transaction ends
      await new Promise((r) => setTimeout(r, 50));
      expect(order).toEqual([]);
      order.push('commit');
      release();
      await tx;
      expect(await readOnly).toEqual([{ n: 1 }]);
      expect(await viaPrisma).toEqual([{ n: 1 }]);
      expect(order[0]).toBe('commit');
    });

    it('prepares a named statement again after DEALLOCATE ALL and after DDL changes its result type', async () => {
      await t.db.sql.exec(`CREATE TABLE edge_ddl (a int); INSERT INTO edge_ddl VALUES (1)`);
      const text = `SELECT * FROM edge_ddl WHERE a = $1`;
      await expectSameAsPrisma(text, [1]);
      await t.db.sql.exec('DEALLOCATE ALL');
      await expectSameAsPrisma(text, [1]);
      await t.db.sql.exec(`ALTER TABLE edge_ddl ADD COLUMN b text DEFAULT 'new'`);
      expect(await t.db.prisma.$queryReadOnly(text, [1])).toEqual([{ a: 1, b: 'new' }]);
      await expectSameAsPrisma(text, [1]);
      await t.db.sql.exec(`ALTER TABLE edge_ddl ALTER COLUMN b DROP DEFAULT, ALTER COLUMN b TYPE int8 USING 7`);
      // now an int8 column: Prisma reads it (a BigInt), as before
      expect(await t.db.prisma.$queryReadOnly(text, [1])).toEqual([{ a: 1, b: 7n }]);
    });

    it('answers concurrent reads interleaved with Prisma queries and a transaction, each as Prisma does alone', async () => {
      for (const [i, name] of ['Ann', 'Bob', 'Cy', 'Dee'].entries())
        await t.db.prisma.user.create({ data: { email: `${name.toLowerCase()}@conc.test`, name, role: 'CLINICIAN', passwordHash: 'h', createdAt: new Date(Date.UTC(2024, 0, 1 + i)) } });
      const texts = [
        `SELECT u.email, u.name, u."createdAt" FROM "User" u WHERE u.email LIKE $1 ORDER BY u.email`,
        `SELECT count(*)::int AS n, max(u."createdAt") AS last FROM "User" u WHERE u.email LIKE $1`,
      ];
      const patterns = ['%@conc.test', 'a%@conc.test', 'nobody', '%e%@conc.test'];
      const calls = Array.from({ length: 120 }, (_, i) => ({ text: texts[i % 2]!, value: patterns[i % 4]! }));
      const expected = new Map<string, unknown>();
      for (const c of calls) expected.set(c.text + c.value, tagged(await t.db.prisma.$queryRawUnsafe(c.text, c.value)));
      const got = await Promise.all(
        calls.map(async (c, i) => {
          if (i % 10 === 0) await t.db.prisma.user.findMany({ where: { email: { endsWith: '@conc.test' } } });
          if (i % 40 === 0) await t.db.prisma.$transaction(async (tx) => tx.user.count());
          return tagged(await t.db.prisma.$queryReadOnly(c.text, [c.value]));
        }),
      );
      got.forEach((g, i) => expect(g).toEqual(expected.get(calls[i]!.text + calls[i]!.value)));
    });
  }
});
