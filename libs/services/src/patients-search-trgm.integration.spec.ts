/**
 * The patient search on the trigram indexes (migration patient_search_trgm), on 10,000 patients: the indexes exist
 * (GIN, pg_trgm, no pending list), PostgreSQL's plan for the statements patients.list really sends (page and count;
 * the `walk`, `set` and `planner` scope forms) uses them, and the rows do not depend on them: every search term gives
 * the same pages and counts with the indexes as with them dropped. PostgreSQL when DATABASE_URL is set, else PGlite
 * (which loads pg_trgm in openDatabase).
 */
import type { Db } from '@hepatoscope/db';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase, fixtureActor, servicesFor } from '@hepatoscope/testing/fixtures';
import { scopeCondition, type ScopeStrategy } from './usecases/access';
import type { Fixture } from './fixture';
import type { Actor } from './types';

const N = 10_000;
const TRGM_INDEXES = ['Patient_aetiology_trgm_idx', 'Patient_pseudoId_trgm_idx', 'Patient_sourceDataset_trgm_idx'];

let t: TestDatabase;
let fx: Fixture;
/** Every raw read the services sent, in order (the list page and count among them). */
const sent: Array<{ sql: string; params: readonly unknown[] }> = [];

/** The Prisma client with `$queryReadOnly` recorded (patients.list sends its page and count through it). */
function recording(prisma: Db): Db {
  return new Proxy(prisma, {
    get(target, key) {
      if (key === '$queryReadOnly')
        return (sql: string, params: readonly unknown[] = []) => {
          sent.push({ sql, params });
          return target.$queryReadOnly(sql, params as unknown[]);
        };
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

beforeAll(async () => {
  ({ t, fx } = await createFixtureDatabase());
  // As the API bench: N patients in cohort A (clinician: a dense scope), some in the care of clinician2 (a sparse
  // one); non-ASCII and LIKE metacharacters in aetiology and source dataset.
  await t.db.sql.exec(`
    INSERT INTO "Patient" (id, "pseudoId", aetiology, "sourceDataset", "updatedAt")
    SELECT 'trgm-' || i, 'TRGM-' || lpad(i::text, 5, '0'),
           (ARRAY['HBV', 'HCV', 'Alcohol', 'MASLD', 'Hämochromatose', NULL])[i % 6 + 1],
           (ARRAY['LiTS-Ödem', 'tcia_hcc', 'x%y_z\\w', NULL, NULL])[i % 5 + 1], now()
    FROM generate_series(0, ${N - 1}) i;
    INSERT INTO "CohortMembership" ("cohortId", "patientId") SELECT '${fx.cohortA}', 'trgm-' || i FROM generate_series(0, ${N - 1}) i;
    INSERT INTO "CareAssignment" ("userId", "patientId") SELECT '${fx.users.clinician2.id}', 'trgm-' || i FROM generate_series(0, ${N - 1}, 97) i;
    ANALYZE;`);
}, 120_000);
afterAll(() => t?.cleanup());

/** The page and count statements that `patients.list(actor, search)` sends (fresh services: no cached total). */
async function listStatements(actor: Actor, search: string) {
  sent.length = 0;
  await servicesFor(t, { prisma: recording(t.db.prisma) }).patients.list(actor, { search, page: 1, pageSize: 25 });
  const page = sent.find((s) => /\bLIMIT\b/.test(s.sql));
  const count = sent.find((s) => /count\(\*\)::int AS n\b/.test(s.sql));
  if (!page || !count) throw new Error(`patients.list sent no page/count statement: ${sent.map((s) => s.sql).join('\n')}`);
  return { page, count };
}

/** Which scope form a statement uses (the scope binds the user as $1 in every form). */
function scopeForm(actor: Actor, sql: string): ScopeStrategy | undefined {
  return (['walk', 'set', 'planner'] as const).find((f) => sql.includes(scopeCondition(actor, () => '$1', f)));
}

async function plan(sql: string, params: readonly unknown[]): Promise<string> {
  const { rows } = await t.db.sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

describe(`patient search on trigram indexes (${process.env.DATABASE_URL ? 'postgresql' : 'pglite'})`, () => {
  it('has GIN trigram indexes without a pending list on the three searched columns', async () => {
    const { rows } = await t.db.sql.query<{ indexname: string; indexdef: string; reloptions: string[] | null }>(
      `SELECT i.indexname, i.indexdef, c.reloptions FROM pg_indexes i
         JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = i.schemaname)
       WHERE i.schemaname = current_schema() AND i.tablename = 'Patient' AND i.indexdef LIKE '%gin_trgm_ops%' ORDER BY 1`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(TRGM_INDEXES);
    for (const r of rows) {
      // the operator class is shown schema-qualified unless its schema (public) is on the search_path
      expect(r.indexdef).toMatch(/USING gin \("?\w+"? (\w+\.)?gin_trgm_ops\)/);
      expect(r.reloptions).toEqual(['fastupdate=off']);
    }
  });

  it('plans the page (walk and set scope forms) and the count (planner form) of a selective search on the index', async () => {
    const dense = fixtureActor(fx, 'clinician');
    const sparse = fixtureActor(fx, 'clinician2');
    const forms: Array<[string, ScopeStrategy | undefined, string]> = [];
    for (const actor of [dense, sparse]) {
      const { page, count } = await listStatements(actor, 'TRGM-0999');
      forms.push(['page', scopeForm(actor, page.sql), await plan(page.sql, page.params)]);
      forms.push(['count', scopeForm(actor, count.sql), await plan(count.sql, count.params)]);
    }
    expect(forms.map(([what, form]) => `${what}:${form}`)).toEqual(['page:walk', 'count:planner', 'page:set', 'count:planner']);
    for (const [what, form, text] of forms) {
      // the ILIKE on "pseudoId" is answered by its trigram index, not by filtering every patient
      expect({ what, form, usesIndex: text.includes('Patient_pseudoId_trgm_idx') }).toEqual({ what, form, usesIndex: true });
    }
  });

  it('returns the same pages and counts with the trigram indexes as without them', async () => {
    const terms = ['TRGM-0999', 'trgm-09', '0999', '9', 'rgm', 'Ödem', 'ÄMO', 'hbv', 'x%y', '%', '_z', '\\', 'z\\w', 'TRGM-10000', 'nothing'];
    const actors = [fixtureActor(fx, 'clinician'), fixtureActor(fx, 'clinician2'), fixtureActor(fx, 'board'), fixtureActor(fx, 'admin')];
    const statements: Array<{ sql: string; params: readonly unknown[] }> = [];
    for (const actor of actors)
      for (const term of terms) {
        const { page, count } = await listStatements(actor, term);
        statements.push(page, count);
      }
    const run = async (s: { query: typeof t.db.sql.query }) => {
      const out: unknown[][] = [];
      for (const st of statements) out.push((await s.query(st.sql, st.params)).rows); // one session: one at a time
      return out;
    };
    const withIndexes = await t.db.sql.transaction(async (s) => {
      await s.exec('SET LOCAL enable_seqscan = off'); // the trigram indexes wherever the planner can use them
      return run(s);
    });
    const rollback = new Error('rollback');
    let withoutIndexes: unknown[][] = [];
    await t.db.sql
      .transaction(async (s) => {
        await s.exec(TRGM_INDEXES.map((i) => `DROP INDEX "${i}";`).join('\n'));
        withoutIndexes = await run(s);
        throw rollback;
      })
      .catch((err: unknown) => {
        if (err !== rollback) throw err;
      });
    expect(withoutIndexes).toHaveLength(statements.length);
    expect(withIndexes).toEqual(withoutIndexes);
    // the comparison is not vacuous: searches match rows, and the indexes are back
    expect(withIndexes.filter((rows) => rows.length > 0 && JSON.stringify(rows) !== '[{"n":0}]').length).toBeGreaterThan(20);
    const { rows } = await t.db.sql.query(`SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1`, [TRGM_INDEXES[0]]);
    expect(rows).toHaveLength(1);
  }, 120_000);
});
