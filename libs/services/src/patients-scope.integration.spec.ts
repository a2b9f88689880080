/**
 * The hot path: patients.get checks the scope in the WHERE of its one read, and patients.list derives cohort
 * names, study counts and the synthetic flag for its page. Every way into a
 * clinician's scope (care assignment, cohort access), the board's (agenda), and every way out (other clinician,
 * unknown id, admin) is checked on the case detail, and each source of the synthetic flag on the list.
 * PostgreSQL when DATABASE_URL is set, else PGlite.
 */
import { createTestDatabase, type TestDatabase } from '@hepatoscope/testing';
import { createServices, type Services } from './index';
import { createFixture, type Fixture } from './fixture';
import type { Actor, Role } from './types';

let t: TestDatabase;
let fx: Fixture;
let services: Services;

beforeAll(async () => {
  t = await createTestDatabase();
  fx = await createFixture(t.db.prisma, t.filesDir);
  services = createServices({ prisma: t.db.prisma, dbKind: t.db.kind, filesDir: t.filesDir, bcryptCost: 4 });
});
afterAll(() => t?.cleanup());

function actor(key: keyof Fixture['users']): Actor {
  const u = fx.users[key];
  return { userId: u.id, email: u.email, name: key, role: u.role as Role, sessionId: 's', clientAddress: '' };
}

async function error(p: Promise<unknown>): Promise<{ code?: string; message?: string } | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return e as { code?: string; message?: string };
  }
}

describe('patients.get scope (in the WHERE of the read)', () => {
  it('a clinician reads a patient in their care (P2) and a member of a cohort they may access (P1)', async () => {
    expect((await services.patients.get(actor('clinician'), fx.patients.p2)).pseudoId).toBe('FX-002');
    expect((await services.patients.get(actor('clinician'), fx.patients.p1)).pseudoId).toBe('FX-001');
  });

  it('answers NOT_FOUND, naming the id, for out-of-scope and unknown patients alike', async () => {
    const cases: Array<[keyof Fixture['users'], string]> = [
      ['clinician', fx.patients.p3], // exists, not in care, in no accessible cohort
      ['clinician2', fx.patients.p1], // no care assignment, no cohort access
      ['clinician', 'no-such-patient'],
      ['board', fx.patients.p2], // not on an agenda
      ['admin', fx.patients.p1], // admins read no patient records
    ];
    for (const [who, id] of cases) {
      const e = await error(services.patients.get(actor(who), id));
      expect({ who, id, code: e?.code }).toEqual({ who, id, code: 'NOT_FOUND' });
      expect(e?.message).toBe(`Patient ${id} was not found among the patients you may access`);
    }
  });

  it('a board member reads a case on an agenda (P1)', async () => {
    const p = await services.patients.get(actor('board'), fx.patients.p1);
    expect(p.discussions.map((d) => d.id)).toEqual([fx.discussionId]);
  });

  it('access.assertPatient agrees with patients.get', async () => {
    const cases: Array<[keyof Fixture['users'], string, boolean]> = [
      ['clinician', fx.patients.p1, true],
      ['clinician', fx.patients.p2, true],
      ['clinician', fx.patients.p3, false],
      ['clinician2', fx.patients.p1, false],
      ['board', fx.patients.p1, true],
      ['board', fx.patients.p2, false],
      ['admin', fx.patients.p1, false],
    ];
    for (const [who, id, ok] of cases) {
      const e = await error(services.access.assertPatient(actor(who), id));
      expect({ who, id, code: e?.code ?? null }).toEqual({ who, id, code: ok ? null : 'NOT_FOUND' });
    }
  });
});

describe('patients.list extras', () => {
  it('sorts cohort names, counts studies and takes the synthetic flag from a study or a cohort', async () => {
    const prisma = t.db.prisma;
    const clin = fx.users.clinician.id;
    // P4: two non-synthetic studies, in a synthetic cohort "B-synth" and a plain cohort "A-plain"
    const p4 = await prisma.patient.create({ data: { pseudoId: 'SCOPE-4' } });
    const synth = await prisma.cohort.create({ data: { name: 'B-synth', synthetic: true } });
    const plain = await prisma.cohort.create({ data: { name: 'A-plain' } });
    for (const c of [synth, plain]) {
      await prisma.cohortMembership.create({ data: { cohortId: c.id, patientId: p4.id } });
      await prisma.cohortAccess.create({ data: { cohortId: c.id, userId: clin } });
    }
    for (const uid of ['1.2.3.4.1', '1.2.3.4.2'])
      await prisma.study.create({
        data: { patientId: p4.id, studyInstanceUid: uid, modality: 'CT', timepoint: 'BASELINE' },
      });
    // P5: in care only, one synthetic study, no cohort
    const p5 = await prisma.patient.create({ data: { pseudoId: 'SCOPE-5' } });
    await prisma.careAssignment.create({ data: { userId: clin, patientId: p5.id } });
    await prisma.study.create({
      data: { patientId: p5.id, studyInstanceUid: '1.2.3.5.1', modality: 'MR', timepoint: 'BASELINE', synthetic: true },
    });
    // P6: in the plain cohort only, nothing synthetic
    const p6 = await prisma.patient.create({ data: { pseudoId: 'SCOPE-6' } });
    await prisma.cohortMembership.create({ data: { cohortId: plain.id, patientId: p6.id } });

    const r = await services.patients.list(actor('clinician'), { search: 'SCOPE-', page: 1, pageSize: 25 });
    expect(r.total).toBe(3);
    expect(
      r.items.map(({ pseudoId, cohortNames, studyCount, synthetic }) => ({
        pseudoId,
        cohortNames,
        studyCount,
        synthetic,
      })),
    ).toEqual([
      { pseudoId: 'SCOPE-4', cohortNames: ['A-plain', 'B-synth'], studyCount: 2, synthetic: true },
      { pseudoId: 'SCOPE-5', cohortNames: [], studyCount: 1, synthetic: true },
      { pseudoId: 'SCOPE-6', cohortNames: ['A-plain'], studyCount: 0, synthetic: false },
    ]);
    // clinician2 has access to none of them
    expect((await services.patients.list(actor('clinician2'), { search: 'SCOPE-', page: 1, pageSize: 25 })).total).toBe(
      0,
    );
  });
});
