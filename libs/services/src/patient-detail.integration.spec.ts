/**
 * readPatientDetail (one hand-written SQL statement) against the Prisma call it replaces in patients.get
 * (`findUnique` with `patientDetailInclude`): deep-equal results, Date/number/null types and key order included, for
 * the fixture patients and a patient with every relation populated several times over — equal sort keys (ordering
 * ties), null dates, segmentations with and without lesions, predictions of each kind (patient, lesion, survival with
 * and without a median), Json columns of every shape, negative zeros, odd text. PostgreSQL when DATABASE_URL is set,
 * else PGlite.
 */
import { Prisma } from '@hepatoscope/db';
import type { TestDatabase } from '@hepatoscope/testing';
import { createFixtureDatabase } from '@hepatoscope/testing/fixtures';
import type { Fixture } from './fixture';
import {
  createPatientDetailReader,
  patientDetailInclude,
  readPatientDetail,
  type RawQuery,
} from './usecases/patient-detail';

let t: TestDatabase;
let fx: Fixture;
let rich: string;
let sparse: string;
let query: RawQuery;
let readOnly: RawQuery;

const at = (s: string) => new Date(s);
/**
 * Ids for rows with equal sort keys, inserted in the order f, 0, 8: neither ascending nor descending, so that rows
 * come back by their id tie-breaker (0, 8, f), not in insertion or plan order.
 */
const uid = (d: 'f' | '0' | '8', n: number) => `${d.repeat(8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const T0 = at('2025-04-01T08:00:00.123Z');

beforeAll(async () => {
  ({ t, fx } = await createFixtureDatabase());
  const prisma = t.db.prisma;
  query = (text, values) => prisma.$queryRawUnsafe(text, ...values);
  readOnly = (text, values) => prisma.$queryReadOnly(text, values);

  const p = await prisma.patient.create({
    data: {
      pseudoId: 'DETAIL-RICH',
      sourceDataset: 'src "quoted" \\ back',
      sourceId: 'row-7',
      centre: 'Zürich ✓',
      sex: 'OTHER',
      age: 61.25,
      diagnosisDate: at('1969-12-31T23:59:59.999Z'),
      aetiology: 'HBV+HCV',
      cirrhosis: false,
      childPugh: 'B',
      childPughScore: 8,
      bclc: 'STAGE_0',
      ecog: 0,
      pathologyGrade: 'line1\nline2\ttab',
      tumourCount: 0,
      maxTumourDiameterMm: 0.1 + 0.2,
      vascularInvasion: true,
      portalVeinThrombosis: false,
      extrahepaticSpread: null,
      afp: -0,
      bilirubin: 1e-7,
      albumin: 123456789.123,
      platelets: 5e300,
      inr: 1.1,
      alt: 0,
      ast: 40,
      osMonths: 12.5,
      osEvent: false,
      rfsMonths: 3,
      rfsEvent: true,
      taceResponse: 'PR',
      extra: { b: 1, a: [1, 'x', null, { z: true }], big: 1e21, tiny: 5e-324, f: 0.1, s: 'é"\\' },
    },
  });
  rich = p.id;
  sparse = (
    await prisma.patient.create({
      data: { pseudoId: 'DETAIL-SPARSE', extra: Prisma.JsonNull, diagnosisDate: at('1850-06-15T12:34:56.789Z') },
    })
  ).id;

  // cohorts: four memberships (unordered in Prisma's SQL: heap order), one with a split
  await prisma.cohortMembership.create({ data: { cohortId: fx.cohortA, patientId: rich, split: 'TRAINING' } });
  for (const [i, d] of (['f', '0', '8'] as const).entries()) {
    const c = await prisma.cohort.create({ data: { id: uid(d, 1), name: `Detail cohort ${i}`, synthetic: i === 1 } });
    await prisma.cohortMembership.create({ data: { cohortId: c.id, patientId: rich, addedAt: T0 } });
  }

  // treatments: equal dates and equal createdAt (ties), null dates, Json details
  const tr = (date: Date | null, createdAt: Date, type: Prisma.TreatmentCreateManyInput['type'], extra = {}) =>
    prisma.treatment.create({ data: { patientId: rich, type, date, createdAt, ...extra } });
  await tr(at('2025-02-01T00:00:00Z'), T0, 'TACE', { id: uid('f', 2), response: 'SD', details: { sessions: 2 } });
  await tr(at('2025-02-01T00:00:00Z'), T0, 'ABLATION', { id: uid('0', 2), description: 'same date, same createdAt' });
  await tr(at('2025-02-01T00:00:00Z'), T0, 'BEST_SUPPORTIVE_CARE', { id: uid('8', 2) });
  await tr(null, T0, 'SYSTEMIC', { details: ['a', 1] });
  await tr(null, at('2025-01-01T00:00:00Z'), 'OTHER', { details: 'just a string' });
  await tr(at('2024-12-31T23:59:59.001Z'), T0, 'RESECTION', { details: 42 });
  await tr(at('2025-02-01T00:00:00Z'), at('2025-01-01T00:00:00Z'), 'TARE');

  // lesions (ordered by label), with nulls and a negative zero
  const lesion = (label: string, extra: Partial<Prisma.LesionUncheckedCreateInput> = {}) =>
    prisma.lesion.create({ data: { patientId: rich, label, ...extra } });
  const l2 = await lesion('L2', { type: 'CYST', couinaudSegment: 4, diameterMm: -0, volumeMl: 0.5, notes: 'n' });
  const l10 = await lesion('L10', { liRads: 'LR-4', enhancementPattern: 'APHE', createdAt: T0 });
  await lesion('A1', { createdAt: T0 });

  // studies: equal date and createdAt (tie), null dates, several series and segmentations each
  const study = (date: Date | null, createdAt: Date, modality: 'CT' | 'MR' | 'US', description?: string, id?: string) =>
    prisma.study.create({ data: { id, patientId: rich, date, createdAt, modality, description, timepoint: 'FOLLOW_UP' } });
  const s1 = await study(at('2025-03-01T00:00:00Z'), T0, 'MR', 'tie 1', uid('f', 3));
  const s2 = await study(at('2025-03-01T00:00:00Z'), T0, 'CT', 'tie 2', uid('0', 3));
  await study(at('2025-03-01T00:00:00Z'), T0, 'CT', 'tie 3', uid('8', 3));
  const s3 = await study(null, T0, 'US');
  await study(at('2025-01-05T12:00:00.5Z'), at('2025-06-01T00:00:00Z'), 'CT', 'no series');
  const series = (studyId: string, createdAt: Date, extra: Partial<Prisma.SeriesUncheckedCreateInput> = {}) =>
    prisma.series.create({
      data: {
        studyId,
        createdAt,
        phase: 'PORTAL_VENOUS',
        dims: [2, 3, 4],
        spacing: [0.7, 0.7, 1.25],
        origin: [-0, -120.5, 33],
        direction: [1, -0, 0, 0, 1, 0, 0, 0, -1],
        storageUri: 'file:series/x.nii.gz',
        sha256: 'aa',
        ...extra,
      },
    });
  const se1 = await series(s1.id, T0, { id: uid('f', 4), description: 'tie a', sizeBytes: 10, synthetic: true });
  const se2 = await series(s1.id, T0, { id: uid('0', 4), description: 'tie b', phase: 'ARTERIAL' });
  await series(s1.id, T0, { id: uid('8', 4), description: 'tie c', phase: 'DWI' });
  const se3 = await series(s2.id, at('2025-01-01T00:00:00Z'), { seriesInstanceUid: '1.2.3', format: 'nrrd' });
  await series(s3.id, T0);
  const seg = (seriesId: string, structure: 'LIVER' | 'LESION' | 'VESSELS', version: number, extra = {}) =>
    prisma.segmentation.create({
      data: { seriesId, structure, version, source: 'AUTO', maskUri: 'file:segmentations/x', sha256: 'bb', labels: { '1': 'x' }, ...extra },
    });
  const v1 = await seg(se1.id, 'LESION', 1, { id: uid('f', 5), lesionId: l2.id, status: 'SUPERSEDED' });
  await seg(se1.id, 'LESION', 2, { lesionId: l2.id, previousId: v1.id, provenance: { cascade: true, stages: [] } });
  await seg(se1.id, 'LIVER', 1, { volumeMl: 1500.25, reviewNote: 'ok', status: 'ACCEPTED', source: 'MANUAL' });
  await seg(se1.id, 'LESION', 1, { id: uid('0', 5), labels: { '1': 'lesion', '2': 'other' }, createdAt: T0 });
  await seg(se1.id, 'LESION', 1, { id: uid('8', 5), lesionId: l10.id, createdAt: T0, modelId: fx.models.draft });
  const vessels = await seg(se2.id, 'VESSELS', 3, { authorId: fx.users.clinician.id, volumeMl: 0 });
  await seg(se3.id, 'LESION', 1, { lesionId: fx.lesionId });

  // predictions: classification with CI, lesion-level, survival with/without median, Json shapes, createdAt ties
  const pred = (modelId: string, createdAt: Date, extra: Partial<Prisma.PredictionUncheckedCreateInput> = {}) =>
    prisma.prediction.create({
      data: { patientId: rich, modelId, modelVersion: '1.0.0', createdAt, inputSnapshot: { afp: 1 }, ...extra },
    });
  await pred(fx.models.validated, T0, {
    id: uid('f', 6),
    probability: 0.42,
    ciLow: 0.2,
    ciHigh: 0.6,
    riskGroup: 'high',
    nomogram: { points: [{ predictor: 'afp', value: 3.2, points: 40 }], totalPoints: 40 },
    createdById: fx.users.clinician.id,
  });
  await pred(fx.models.validated, T0, { id: uid('0', 6), lesionId: l2.id, probability: 1, nomogram: Prisma.JsonNull });
  await pred(fx.models.draft, at('2025-01-01T00:00:00Z'), {
    nomogram: 'a JSON string',
    inputSnapshot: [1, 2.5, null],
    probability: 0,
    ciLow: 0,
    ciHigh: 0,
  });
  const surv = await pred(fx.models.cox, T0, { id: uid('8', 6), riskGroup: 'low', inputSnapshot: { age: 61.25 } });
  await prisma.survivalPrediction.create({
    data: { predictionId: surv.id, curve: [{ t: 0, s: 1, lo: 1, hi: 1 }], medianMonths: 18.5, horizons: [] },
  });
  const surv2 = await pred(fx.models.cox, at('2026-01-01T00:00:00Z'), { inputSnapshot: {} });
  await prisma.survivalPrediction.create({ data: { predictionId: surv2.id, curve: [], medianMonths: null, horizons: { x: 1 } } });
  const surv3 = await pred(fx.models.cox, at('2026-01-01T00:00:00Z'), { inputSnapshot: { age: null } });
  await prisma.survivalPrediction.create({ data: { predictionId: surv3.id, curve: [], medianMonths: 0, horizons: [] } });

  // discussions: two meetings, equal createdAt, a signed-off one with attendees and a snapshot
  const m2 = await prisma.tumorBoardMeeting.create({ data: { title: 'Second MDT', scheduledAt: at('2024-11-11T11:11:11.111Z') } });
  const m3 = await prisma.tumorBoardMeeting.create({ data: { title: 'Third MDT', scheduledAt: T0 } });
  await prisma.caseDiscussion.create({
    data: {
      id: uid('f', 7),
      meetingId: fx.meetingId,
      patientId: rich,
      position: 2,
      createdAt: T0,
      status: 'SIGNED_OFF',
      decision: 'TACE',
      recommendation: 'r',
      findings: 'f',
      attendees: ['Dr A', 'Dr "B"'],
      presentedSnapshot: { clinical: { afp: 1 }, lesions: [] },
      decidedAt: at('2025-03-01T10:00:00Z'),
      signedOffAt: at('2025-03-01T10:30:00Z'),
      signedOffById: fx.users.board.id,
    },
  });
  await prisma.caseDiscussion.create({
    data: { id: uid('0', 7), meetingId: m2.id, patientId: rich, position: 1, createdAt: T0, attendees: [] },
  });
  await prisma.caseDiscussion.create({
    data: { id: uid('8', 7), meetingId: m3.id, patientId: rich, position: 3, createdAt: T0, question: '?', attendees: ['x'] },
  });
  const m4 = await prisma.tumorBoardMeeting.create({ data: { title: 'Fourth MDT', scheduledAt: T0, location: 'room' } });
  await prisma.caseDiscussion.create({ data: { meetingId: m4.id, patientId: rich, position: 1, attendees: [] } });

  // Prisma writes -0 as 0: store negative zeros with SQL (float8 keeps the sign), on rows outside the tie groups (an
  // UPDATE moves a row to the end of the heap, the input order of a Sort)
  const z = `'-0'::float8`;
  await prisma.$executeRawUnsafe(`UPDATE "Patient" SET afp = ${z} WHERE id = $1`, rich);
  await prisma.$executeRawUnsafe(`UPDATE "Lesion" SET "diameterMm" = ${z} WHERE id = $1`, l2.id);
  await prisma.$executeRawUnsafe(
    `UPDATE "Series" SET origin = ARRAY[${z}, -120.5, 33], direction = ARRAY[1, ${z}, 0, 0, 1, 0, 0, 0, -1]::float8[] ` +
      `WHERE id = $1`,
    se3.id,
  );
  await prisma.$executeRawUnsafe(`UPDATE "Segmentation" SET "volumeMl" = ${z} WHERE id = $1`, vessels.id);
  await prisma.$executeRawUnsafe(`UPDATE "Prediction" SET "ciLow" = ${z} WHERE "ciLow" = 0`);
  await prisma.$executeRawUnsafe(`UPDATE "SurvivalPrediction" SET "medianMonths" = ${z} WHERE "medianMonths" = 0`);
  await analyze();
});
afterAll(() => t?.cleanup());

/**
 * Fixes the planner statistics of the tables read before comparing, so that both statements run the plans they
 * would run on an analysed database. (Every list is ordered to its id, so the order no longer depends on the plan;
 * before the id tie-breakers, rows with equal sort keys came back in plan order, in Prisma's statement too.)
 */
const analyze = () =>
  t.db.prisma.$executeRawUnsafe(
    `ANALYZE "Patient", "CohortMembership", "Cohort", "Treatment", "Lesion", "Study", "Series", "Segmentation", ` +
      `"Prediction", "Model", "SurvivalPrediction", "CaseDiscussion", "TumorBoardMeeting"`,
  );

/** The Prisma reference: what patients.get reads today. */
const reference = (id: string) => t.db.prisma.patient.findUnique({ where: { id }, include: patientDetailInclude });

/**
 * Deep equality with types (Date vs string, -0 vs 0 via toStrictEqual's Object.is on numbers) and key order, through
 * `$queryRawUnsafe` and through `$queryReadOnly` (the node-postgres pool on PostgreSQL).
 */
async function expectSame(id: string) {
  const [want, got, viaPool] = await Promise.all([
    reference(id),
    readPatientDetail(query, id),
    readPatientDetail(readOnly, id),
  ]);
  expect(want).not.toBeNull();
  expect(got).toStrictEqual(want);
  expect(viaPool).toStrictEqual(want);
  expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  return { want: want!, got: got! };
}

it('reads a richly linked patient exactly as Prisma does (ties, nulls, Json, -0, every relation)', async () => {
  const { got } = await expectSame(rich);
  // the data really covers what the comparison is meant to test
  expect(got.cohortMemberships).toHaveLength(4);
  expect(got.treatments).toHaveLength(7);
  expect(got.lesions.map((l) => l.label)).toEqual(['A1', 'L10', 'L2']);
  expect(got.studies).toHaveLength(5);
  expect(got.studies.flatMap((s) => s.series)).toHaveLength(5);
  const segs = got.studies.flatMap((s) => s.series.flatMap((se) => se.segmentations));
  expect(segs).toHaveLength(7);
  expect(segs.filter((s) => s.lesion === null)).toHaveLength(3);
  expect(got.predictions).toHaveLength(6);
  expect(got.predictions.filter((pr) => pr.survival)).toHaveLength(3);
  expect(got.discussions).toHaveLength(4);
  expect(got.diagnosisDate).toBeInstanceOf(Date);
  expect(Object.is(got.afp, -0)).toBe(true);
  // equal sort keys come back by id, whatever the insertion order (f, 0, 8) or the plan
  const tied = got.studies.filter((st) => st.description === 'tie 1' || st.description === 'tie 2');
  expect(tied.map((st) => st.id)).toEqual([uid('0', 3), uid('f', 3)]);
  const tiedTalks = got.discussions.filter((d) => d.createdAt.getTime() === T0.getTime()).map((d) => d.id);
  expect(tiedTalks).toEqual([uid('0', 7), uid('8', 7), uid('f', 7)]);
});

it('reads the fixture patients and a patient without relations exactly as Prisma does', async () => {
  for (const id of [fx.patients.p1, fx.patients.p2, fx.patients.p3, sparse]) await expectSame(id);
});

it('keeps the same order as Prisma when rows are added later with the same sort keys', async () => {
  const prisma = t.db.prisma;
  await prisma.treatment.create({ data: { patientId: rich, type: 'TRANSPLANT', date: at('2025-02-01T00:00:00Z'), createdAt: T0 } });
  await prisma.study.create({ data: { patientId: rich, date: at('2025-03-01T00:00:00Z'), createdAt: T0, modality: 'US' } });
  await prisma.prediction.create({
    data: { patientId: rich, modelId: fx.models.draft, modelVersion: '2', createdAt: T0, inputSnapshot: {} },
  });
  await analyze();
  await expectSame(rich);
});

it('stays equal when the statement is named and its plan reused (25 reads through $queryReadOnly)', async () => {
  const want = await reference(rich);
  for (let i = 0; i < 25; i++) expect(await readPatientDetail(readOnly, rich)).toStrictEqual(want);
});

it('batches the reads of one tick into one statement, each answer equal to Prisma’s and a fresh object', async () => {
  const ids = [rich, fx.patients.p1, rich, sparse, '00000000-0000-0000-0000-000000000000', fx.patients.p3];
  const want = await Promise.all(ids.map((id) => reference(id)));
  for (const q of [query, readOnly]) {
    const calls: unknown[][] = [];
    const read = createPatientDetailReader((text, values) => {
      calls.push(values);
      return q(text, values);
    });
    const got = await Promise.all(ids.map((id) => read(id)));
    expect(got).toStrictEqual(want);
    expect(got[0]).not.toBe(got[2]);
    expect(calls).toEqual([[[rich, fx.patients.p1, sparse, '00000000-0000-0000-0000-000000000000', fx.patients.p3]]]);
    // a later tick is a new statement
    expect(await read(fx.patients.p2)).toStrictEqual(await reference(fx.patients.p2));
    expect(calls).toHaveLength(2);
  }
});

it('rejects every read of a batch whose statement fails', async () => {
  const read = createPatientDetailReader(() => Promise.reject(new Error('db down')));
  const results = await Promise.allSettled([read(rich), read(sparse)]);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
});

it('returns null for a missing id', async () => {
  for (const q of [query, readOnly]) {
    expect(await readPatientDetail(q, '00000000-0000-0000-0000-000000000000')).toBeNull();
    expect(await readPatientDetail(q, 'not-a-uuid')).toBeNull();
  }
});
