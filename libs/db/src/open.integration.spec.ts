import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';

describe(`openDatabase (${process.env.DATABASE_URL ? 'postgresql' : 'pglite'})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.cleanup());

  it('opens the expected backend with every migration applied', async () => {
    expect(t.db.kind).toBe(process.env.DATABASE_URL ? 'postgresql' : 'pglite');
    const { rows } = await t.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL');
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
  });

  it('round-trips a user through Prisma', async () => {
    const u = await t.db.prisma.user.create({ data: { email: 'x@example.org', name: 'X', role: 'ADMIN', passwordHash: 'h' }, select: { id: true, role: true } });
    expect(u.role).toBe('ADMIN');
    expect(await t.db.prisma.user.count({ where: { email: 'x@example.org' } })).toBe(1);
  });

  it('keeps AuditEvent append-only (UPDATE, DELETE and TRUNCATE are rejected by the database)', async () => {
    await t.db.prisma.auditEvent.create({ data: { action: 'test.append' } });
    await expect(t.db.prisma.auditEvent.updateMany({ where: { action: 'test.append' }, data: { action: 'changed' } })).rejects.toThrow(/append-only/);
    await expect(t.db.prisma.auditEvent.deleteMany({ where: { action: 'test.append' } })).rejects.toThrow(/append-only/);
    await expect(t.db.sql.exec('TRUNCATE "AuditEvent"')).rejects.toThrow(/append-only/);
    expect(await t.db.prisma.auditEvent.count({ where: { action: 'test.append' } })).toBe(1);
  });

  it('refuses deleteMany / updateMany without where', async () => {
    await expect(t.db.prisma.user.deleteMany({})).rejects.toThrow(/without a "where"/);
    await expect(t.db.prisma.user.deleteMany()).rejects.toThrow(/without a "where"/);
    await expect(t.db.prisma.patient.updateMany({ data: { centre: 'x' } })).rejects.toThrow(/without a "where"/);
    expect(await t.db.prisma.user.count({ where: { email: 'x@example.org' } })).toBe(1);
  });

  it('executeSql returns node-pg shaped results (pg-boss contract)', async () => {
    const one = (await t.db.executeSql('SELECT $1::int AS v', [7])) as { rows: { v: number }[] };
    expect(one.rows[0].v).toBe(7);
    const many = await t.db.executeSql('SELECT 1 AS a; SELECT 2 AS b');
    expect(Array.isArray(many)).toBe(true);
    const single = (await t.db.executeSql('SELECT 3 AS c')) as { rows: { c: number }[] };
    expect(single.rows[0].c).toBe(3);
  });
});
