/**
 * `prisma.$queryReadOnly`: on PostgreSQL straight on the node-postgres pool, on PGlite on its session's wire protocol
 * (named statements from the 20th use on both), inside interactive transactions Prisma's `$queryRawUnsafe`. Held to
 * `$queryRawUnsafe` on the same data (edge values: raw-read-values.integration.spec.ts):
 * the same JS values for every column type it accepts (timestamps without time zone as UTC in any process TZ).
 * PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';

const backend = process.env.DATABASE_URL ? 'postgresql' : 'pglite';

describe(`prisma.$queryReadOnly (${backend})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const at = new Date('2024-03-05T06:07:08.009Z');
    for (const [i, name] of ['Ann', 'Bob', 'Cy'].entries()) {
      await t.db.prisma.user.create({
        data: { email: `${name.toLowerCase()}@raw.test`, name, role: 'CLINICIAN', passwordHash: 'h', createdAt: new Date(at.getTime() + i * 86_400_000) },
      });
    }
  });
  afterAll(() => t?.cleanup());

  /** One row of every accepted column type, nulls and NULL array elements included. */
  const typesSql = `SELECT u.email, u.name::varchar AS vname, u."createdAt", u."createdAt" AT TIME ZONE 'UTC' AS naive,
      (u."createdAt" = $2) AS "isFirst", length(u.name)::int2 AS small, length(u.email)::int AS len,
      (length(u.email) / 4.0)::float8 AS ratio, 0.25::float4 AS quarter, NULL::int AS "noInt", NULL::text AS "noText",
      ARRAY[u.name, NULL, 'x']::text[] AS names, ARRAY[1, 2, NULL]::int[] AS ints, ARRAY[0.5, NULL]::float8[] AS floats,
      ARRAY[true, false]::bool[] AS flags, ARRAY[]::text[] AS empty, '00000000-0000-4000-8000-000000000001'::uuid AS uid
    FROM "User" u WHERE u.email LIKE $1 ORDER BY u.email`;

  it('returns what $queryRawUnsafe returns, for every accepted column type and Date/text parameters', async () => {
    const values = ['%@raw.test', new Date('2024-03-05T06:07:08.009Z')];
    const reference = await t.db.prisma.$queryRawUnsafe<unknown[]>(typesSql, ...values);
    // from the 20th use on PostgreSQL runs it as a named statement (generic plan, no parse): still the same rows
    for (let i = 0; i < 25; i++) expect(await t.db.prisma.$queryReadOnly(typesSql, values)).toEqual(reference);
    expect(reference).toHaveLength(3);
    expect(reference[0]).toEqual({
      email: 'ann@raw.test',
      vname: 'Ann',
      createdAt: new Date('2024-03-05T06:07:08.009Z'),
      naive: new Date('2024-03-05T06:07:08.009Z'),
      isFirst: true,
      small: 3,
      len: 12,
      ratio: 3,
      quarter: 0.25,
      noInt: null,
      noText: null,
      names: ['Ann', null, 'x'],
      ints: [1, 2, null],
      floats: [0.5, null],
      flags: [true, false],
      empty: [],
      uid: '00000000-0000-4000-8000-000000000001',
    });
    expect(reference[1]).toMatchObject({ email: 'bob@raw.test', isFirst: false, createdAt: new Date('2024-03-06T06:07:08.009Z') });
  });

  it('reads without parameters and with none matching', async () => {
    expect(await t.db.prisma.$queryReadOnly('SELECT 1::int AS one')).toEqual([{ one: 1 }]);
    expect(await t.db.prisma.$queryReadOnly('SELECT u.id FROM "User" u WHERE u.email = $1', ['nobody@raw.test'])).toEqual([]);
  });

  it('runs SELECT statements only', async () => {
    await expect(t.db.prisma.$queryReadOnly(`UPDATE "User" SET name = 'x' WHERE email = $1`, ['ann@raw.test'])).rejects.toThrow(
      /SELECT statements only/,
    );
    await expect(t.db.prisma.$queryReadOnly(`WITH d AS (DELETE FROM "User" RETURNING id) SELECT count(*)::int FROM d`)).rejects.toThrow(
      /SELECT statements only/,
    );
    expect(await t.db.prisma.user.count({ where: { email: { endsWith: '@raw.test' }, name: { not: 'x' } } })).toBe(3);
  });

  it('passes database errors on', async () => {
    await expect(t.db.prisma.$queryReadOnly('SELECT nope FROM "User"')).rejects.toThrow(/nope/);
    expect(await t.db.prisma.$queryReadOnly('SELECT 2::int AS two')).toEqual([{ two: 2 }]);
  });

  it('inside an interactive transaction reads through it (sees its uncommitted writes)', async () => {
    const seen = await t.db.prisma.$transaction(async (tx) => {
      await tx.user.create({ data: { email: 'tx@raw.test', name: 'Tx', role: 'ADMIN', passwordHash: 'h' } });
      const inside = await tx.$queryReadOnly<{ n: number }>(`SELECT count(*)::int AS n FROM "User" WHERE email = $1`, ['tx@raw.test']);
      // PostgreSQL: the plain client reads on another pooled connection, outside the transaction
      const outside =
        t.db.kind === 'postgresql'
          ? await t.db.prisma.$queryReadOnly<{ n: number }>(`SELECT count(*)::int AS n FROM "User" WHERE email = $1`, ['tx@raw.test'])
          : [{ n: 0 }];
      return { inside: inside[0]!.n, outside: outside[0]!.n };
    });
    expect(seen).toEqual({ inside: 1, outside: 0 });
  });

  if (backend === 'postgresql') {
    it('refuses column types whose values differ from PGlite (int8, numeric, enums) on the pool', async () => {
      await expect(t.db.prisma.$queryReadOnly('SELECT count(*) AS n FROM "User"')).rejects.toThrow(/column "n" has type oid 20.*cast it in SQL/);
      await expect(t.db.prisma.$queryReadOnly('SELECT 1.5 AS x')).rejects.toThrow(/column "x" has type oid 1700/);
      await expect(t.db.prisma.$queryReadOnly('SELECT role FROM "User" LIMIT 1')).rejects.toThrow(/column "role"/);
    });
  }
});
