/**
 * patients.list runs raw SQL (scope + filters + page in one statement, the count in another). These tests hold it
 * to the Prisma reference it replaced: the same ids in the same order and the same totals, for every role, filter
 * and page, and the three SQL forms of the clinician scope (`walk`, `set`, `planner`) select exactly the patients of
 * `patientScope`. Search values with LIKE metacharacters (`%`, `_`, `\`) included. On PostgreSQL the statements run
 * on the node-postgres pool (`prisma.$queryReadOnly`), named from their 20th use (generic plans): repeated pages are
 * held to the reference too. PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import type { Prisma } from '@hepatoscope/db';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureServices, fixtureActor } from '@hepatoscope/testing/fixtures';
import { patientScope, scopeCondition, type ScopeStrategy } from './usecases/access';
import { scopeStrategy, sqlCount, type PatientListQuery } from './usecases/patients';
import { bclcEnum } from './usecases/mappers';
import type { Services } from './index';
import type { Fixture } from './fixture';
import type { Actor } from './types';

let t: TestDatabase;
let fx: Fixture;
let services: Services;
let actors: Record<'clinician' | 'clinician2' | 'board' | 'admin', Actor>;
let cohortB: string;

beforeAll(async () => {
  ({ t, fx, services } = await createFixtureServices());
  const prisma = t.db.prisma;
  actors = {
    clinician: fixtureActor(fx, 'clinician'),
    clinician2: fixtureActor(fx, 'clinician2'),
    board: fixtureActor(fx, 'board'),
    admin: fixtureActor(fx, 'admin'),
  };
  const names = ['LIKE%1', 'LIKE_2', 'LIKEx2', 'LIKE\\3', 'like-4', 'Like-5'];
  const bclcs = ['STAGE_0', 'A', 'B', 'C', 'D', null] as const;
  const b = await prisma.cohort.create({ data: { name: 'SQL cohort B', synthetic: true } });
  cohortB = b.id;
  for (let i = 0; i < 46; i++) {
    const p = await prisma.patient.create({
      data: {
        pseudoId: i < names.length ? names[i]! : `SQL-${String(i).padStart(3, '0')}`,
        aetiology: ['HBV', 'HCV', 'ALCOHOL%', null][i % 4],
        sourceDataset: i % 5 === 0 ? 'src_x' : null,
        bclc: bclcs[i % 6],
      },
    });
    // cohort A (the clinician's) gets most, cohort B (nobody's) some, clinician2 cares for a few
    if (i % 7 !== 0) await prisma.cohortMembership.create({ data: { cohortId: fx.cohortA, patientId: p.id } });
    if (i % 3 === 0) await prisma.cohortMembership.create({ data: { cohortId: cohortB, patientId: p.id } });
    if (i % 11 === 0) await prisma.careAssignment.create({ data: { userId: fx.users.clinician2.id, patientId: p.id } });
    if (i % 13 === 0) await prisma.careAssignment.create({ data: { userId: fx.users.clinician.id, patientId: p.id } });
  }
  // one segmentation awaiting review (pendingReview)
  const seg = await prisma.segmentation.findFirstOrThrow({ select: { id: true } });
  await prisma.segmentation.update({ where: { id: seg.id }, data: { status: 'DRAFT' } });
});
afterAll(() => t?.cleanup());

/** The Prisma query patients.list ran before the raw SQL (the reference). */
function referenceWhere(actor: Actor, q: Omit<PatientListQuery, 'page' | 'pageSize'>): Prisma.PatientWhereInput {
  const and: Prisma.PatientWhereInput[] = [patientScope(actor)];
  if (q.search)
    and.push({
      OR: [
        { pseudoId: { contains: q.search, mode: 'insensitive' } },
        { aetiology: { contains: q.search, mode: 'insensitive' } },
        { sourceDataset: { contains: q.search, mode: 'insensitive' } },
      ],
    });
  if (q.cohortId) and.push({ cohortMemberships: { some: { cohortId: q.cohortId } } });
  if (q.bclc) and.push({ bclc: bclcEnum(q.bclc) });
  if (q.pendingReview)
    and.push({ studies: { some: { series: { some: { segmentations: { some: { status: 'DRAFT' } } } } } } });
  return { AND: and };
}

const filters = (): Array<Omit<PatientListQuery, 'page' | 'pageSize'>> => [
  {},
  { search: 'like' },
  { search: '%' },
  { search: '_' },
  { search: 'E_2' },
  { search: '\\' },
  { search: 'alcohol%' },
  { search: 'SRC_X' },
  { search: 'no such thing' },
  { bclc: '0' },
  { bclc: 'C', search: 'sql' },
  { cohortId: fx.cohortA },
  { cohortId: cohortB, bclc: 'A' },
  { pendingReview: true },
];

it('returns the reference ids, order and totals for every role, filter and page', async () => {
  let compared = 0;
  for (const actor of Object.values(actors)) {
    for (const f of filters()) {
      const where = referenceWhere(actor, f);
      const all = await t.db.prisma.patient.findMany({ where, orderBy: { pseudoId: 'asc' }, select: { id: true } });
      for (const [page, pageSize] of [
        [1, 1],
        [2, 1],
        [1, 5],
        [2, 5],
        [4, 5],
        [1, 100],
        [30, 5],
      ] as const) {
        const r = await services.patients.list(actor, { ...f, page, pageSize });
        const expected = all.slice((page - 1) * pageSize, page * pageSize).map((p) => p.id);
        expect({ actor: actor.name, f, page, ids: r.items.map((i) => i.id) }).toEqual({
          actor: actor.name,
          f,
          page,
          ids: expected,
        });
        expect({ actor: actor.name, f, page, total: r.total }).toEqual({
          actor: actor.name,
          f,
          page,
          total: all.length,
        });
        compared++;
      }
    }
  }
  expect(compared).toBe(4 * filters().length * 7);
  // …and they ran every scope form: the clinician's 1-row pages walk, the larger ones let the planner hash, and
  // clinician2's few patients are taken as an id set first
  const patients = await t.db.prisma.patient.count();
  const scopeOf = (a: Actor) => t.db.prisma.patient.count({ where: patientScope(a) });
  const dense = { scope: await scopeOf(actors.clinician), patients };
  const sparse = { scope: await scopeOf(actors.clinician2), patients };
  expect([scopeStrategy(dense, 1), scopeStrategy(dense, 25), scopeStrategy(sparse, 1)]).toEqual([
    'walk',
    'planner',
    'set',
  ]);
  // the fixture makes the checks meaningful: the clinicians see different, non-empty sets
  const c1 = await services.patients.list(actors.clinician, { page: 1, pageSize: 100 });
  const c2 = await services.patients.list(actors.clinician2, { page: 1, pageSize: 100 });
  expect(c1.total).toBeGreaterThan(30);
  expect(c2.total).toBeGreaterThan(2);
  expect(c2.total).toBeLessThan(10);
});

it('maps the row columns as before (sex, age, bclc label, child-Pugh, AFP, cohorts, studies, synthetic)', async () => {
  const r = await services.patients.list(actors.clinician, { page: 1, pageSize: 100 });
  const byId = new Map(r.items.map((i) => [i.id, i]));
  const p1 = byId.get(fx.patients.p1)!;
  expect(p1).toMatchObject({ pseudoId: 'FX-001', sex: 'MALE', age: 64, bclc: 'B', childPugh: 'A', afp: 120 });
  expect(p1.studyCount).toBeGreaterThan(0);
  // i = 0: in the clinician's care (not in cohort A), BCLC 0, in cohort B only (synthetic), no studies, no sex
  expect(r.items.find((i) => i.pseudoId === 'LIKE%1')).toEqual({
    id: expect.any(String),
    pseudoId: 'LIKE%1',
    sex: null,
    age: null,
    aetiology: 'HBV',
    bclc: '0',
    childPugh: null,
    afp: null,
    cohortNames: ['SQL cohort B'],
    studyCount: 0,
    synthetic: true,
  });
});

it('the walk, set and planner forms of the scope select exactly patientScope', async () => {
  for (const actor of Object.values(actors)) {
    const expected = (
      await t.db.prisma.patient.findMany({ where: patientScope(actor), orderBy: { id: 'asc' }, select: { id: true } })
    ).map((p) => p.id);
    for (const strategy of ['walk', 'set', 'planner'] as ScopeStrategy[]) {
      const params: unknown[] = [];
      const cond = scopeCondition(actor, (v) => `$${params.push(v)}`, strategy);
      const rows = await t.db.prisma.$queryRawUnsafe<Array<{ id: string }>>(
        `SELECT p.id FROM "Patient" p WHERE ${cond} ORDER BY p.id`,
        ...params,
      );
      expect({ role: actor.role, strategy, ids: rows.map((r) => r.id) }).toEqual({
        role: actor.role,
        strategy,
        ids: expected,
      });
    }
  }
});

it('keeps returning the reference pages and totals once the statements are named (25 runs of each)', async () => {
  const cases: Array<[Actor, Omit<PatientListQuery, 'page' | 'pageSize'>, number, number]> = [
    [actors.clinician, {}, 1, 1],
    [actors.clinician, {}, 2, 5],
    [actors.clinician, { bclc: 'C', search: 'sql' }, 1, 2],
    [actors.clinician2, {}, 1, 25],
    [actors.board, { search: 'like' }, 1, 25],
  ];
  for (const [actor, f, page, pageSize] of cases) {
    const all = await t.db.prisma.patient.findMany({
      where: referenceWhere(actor, f),
      orderBy: { pseudoId: 'asc' },
      select: { id: true },
    });
    const expected = { ids: all.slice((page - 1) * pageSize, page * pageSize).map((p) => p.id), total: all.length };
    for (let i = 0; i < 25; i++) {
      const r = await services.patients.list(actor, { ...f, page, pageSize });
      expect({ actor: actor.name, f, page, i, ids: r.items.map((x) => x.id), total: r.total }).toEqual({
        actor: actor.name,
        f,
        page,
        i,
        ...expected,
      });
    }
  }
});

it('writes LIMIT/OFFSET as literals only for non-negative safe integers', async () => {
  expect([sqlCount(0), sqlCount(25), sqlCount(2 ** 53 - 1)]).toEqual(['0', '25', '9007199254740991']);
  for (const bad of [-1, 2.5, NaN, Infinity, 2 ** 53]) expect(() => sqlCount(bad)).toThrow(RangeError);
  await expect(services.patients.list(actors.clinician, { page: 0, pageSize: 5 })).rejects.toThrow(RangeError);
  await expect(services.patients.list(actors.clinician, { page: 1, pageSize: 2.5 })).rejects.toThrow(RangeError);
});

it("scopeStrategy walks the first pages of a dense scope, takes a sparse scope's ids first, else lets the planner hash", () => {
  expect(scopeStrategy({ scope: 10_000, patients: 10_003 }, 25)).toBe('walk');
  expect(scopeStrategy({ scope: 10_000, patients: 10_003 }, 500)).toBe('walk');
  expect(scopeStrategy({ scope: 10_000, patients: 10_003 }, 1_000)).toBe('walk');
  expect(scopeStrategy({ scope: 10_000, patients: 10_003 }, 1_500)).toBe('planner');
  expect(scopeStrategy({ scope: 100, patients: 10_000 }, 25)).toBe('set');
  expect(scopeStrategy({ scope: 0, patients: 10_000 }, 25)).toBe('set');
  expect(scopeStrategy({ scope: 3_000, patients: 10_000 }, 25)).toBe('walk');
  expect(scopeStrategy({ scope: 3_000, patients: 10_000 }, 1_000)).toBe('planner');
  expect(scopeStrategy({ scope: 1_000, patients: 10_000 }, 1_000)).toBe('set');
});

it('the walk form reads the accessible cohorts once: users with two cohorts or none get exactly patientScope', async () => {
  // clinician2 (care assignments only) gets cohort A and B, then cohort B only; the forms are held to patientScope
  // for each, and so is a stage's page in the walk form (the `(bclc, "pseudoId")` index order)
  const prisma = t.db.prisma;
  const actor = actors.clinician2;
  const grants = [[fx.cohortA, cohortB], [cohortB], []];
  try {
    for (const cohorts of grants) {
      await prisma.cohortAccess.deleteMany({ where: { userId: actor.userId } });
      for (const cohortId of cohorts) await prisma.cohortAccess.create({ data: { userId: actor.userId, cohortId } });
      const expected = (
        await prisma.patient.findMany({ where: patientScope(actor), orderBy: { id: 'asc' }, select: { id: true } })
      ).map((p) => p.id);
      const stage = (
        await prisma.patient.findMany({
          where: { AND: [patientScope(actor), { bclc: 'C' }] },
          orderBy: { pseudoId: 'asc' },
          select: { id: true },
        })
      ).map((p) => p.id);
      expect(expected.length).toBeGreaterThan(cohorts.length ? 10 : 2);
      for (const strategy of ['walk', 'set', 'planner'] as ScopeStrategy[]) {
        const params: unknown[] = [];
        const cond = scopeCondition(actor, (v) => `$${params.push(v)}`, strategy);
        const rows = await prisma.$queryRawUnsafe<Array<{ id: string }>>(
          `SELECT p.id FROM "Patient" p WHERE ${cond} ORDER BY p.id`,
          ...params,
        );
        expect({ cohorts, strategy, ids: rows.map((r) => r.id) }).toEqual({ cohorts, strategy, ids: expected });
        const page = await prisma.$queryRawUnsafe<Array<{ id: string }>>(
          `SELECT p.id FROM "Patient" p WHERE ${cond} AND p.bclc = 'C'::text::"Bclc" ORDER BY p."pseudoId" LIMIT 2 OFFSET 1`,
          ...params,
        );
        expect({ cohorts, strategy, ids: page.map((r) => r.id) }).toEqual({ cohorts, strategy, ids: stage.slice(1, 3) });
      }
    }
  } finally {
    await prisma.cohortAccess.deleteMany({ where: { userId: actor.userId } });
  }
});

it('has the (bclc, "pseudoId") index that serves a stage in page order, in place of the (bclc) index', async () => {
  const { rows } = await t.db.sql.query<{ indexdef: string }>(
    `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'Patient' AND indexdef LIKE '%(bclc%'`,
  );
  expect(rows.map((r) => r.indexdef.replace(/^.* USING /, ''))).toEqual(['btree (bclc, "pseudoId")']);
});
