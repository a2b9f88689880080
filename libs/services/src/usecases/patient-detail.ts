/**
 * The case detail read (`patients.get`) as one hand-written SQL statement instead of Prisma's `findUnique` with
 * nested includes.
 *
 * Why: Prisma 7 already sends that include as one relationJoins statement, but interpreting the query and mapping
 * its JSONB result is most of the API's CPU per case-detail request. Here the database builds the whole case as one
 * JSON text (json_build_object / json_agg of ordered subqueries, PostgreSQL 15 and PGlite alike), Node parses it once
 * and turns the timestamps back into Dates. Measured on the API bench data (10,000 patients, the fixture case P1),
 * 3 rounds of 3,000 reads, CPU per read (Node process.cpuUsage; PostgreSQL backends' /proc schedstat):
 * - PostgreSQL, concurrency 10 (Prisma batches the same-tick findUniques): Prisma Node 0.25–0.42 + PG 0.04–0.06 ms;
 *   `createPatientDetailReader` over `$queryReadOnly` Node 0.03–0.04 + PG 0.02 ms.
 * - PostgreSQL, concurrency 1: Prisma Node 0.76–0.87 + PG 0.38–0.41 ms; here Node 0.14–0.18 + PG 0.18–0.25 ms.
 * - PGlite (in process): concurrency 10 Prisma 0.77–0.94 ms, the batched reader 0.29–0.34 ms (2.2–3.1 ms unbatched:
 *   PGlite plans every statement); concurrency 1 Prisma 4.1–5.0 ms, here 2.1–2.8 ms.
 * EXPLAIN ANALYZE on PostgreSQL (median of 21): Prisma's statement planning 0.66–0.70 ms + execution 0.26–0.27 ms,
 * this one 0.30–0.47 + 0.14–0.23 ms (planning is skipped once either is a named statement with a generic plan).
 *
 * Same result as `prisma.patient.findUnique({ where: { id }, include: patientDetailInclude })`: the same rows, the
 * same keys in the same order, the same JS types (Date, enum strings, parsed Json, numbers, null). Every list is
 * ordered to the last key (the case's sort fields, then id; cohort memberships by cohort id), in both: rows with
 * equal dates — a seeded and an automatic liver mask v1 on one series — no longer come back in plan order.
 * Nested floats keep Prisma's JSONB behaviour (-0 becomes 0, see `nestedFloat`). Held to the Prisma call by
 * patient-detail.integration.spec.ts on PGlite and PostgreSQL.
 */
import type { Prisma } from '@hepatoscope/db';
import { predictionInclude } from './mappers';

/** The include of the Prisma reference (copied from `patients.get`); the spec compares against it. */
export const patientDetailInclude = {
  cohortMemberships: {
    orderBy: { cohortId: 'asc' },
    include: { cohort: { select: { id: true, name: true, synthetic: true } } },
  },
  treatments: { orderBy: [{ date: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] },
  lesions: { orderBy: [{ label: 'asc' }, { id: 'asc' }] },
  studies: {
    orderBy: [{ date: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    include: {
      series: {
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: {
          segmentations: {
            orderBy: [{ structure: 'asc' }, { version: 'asc' }, { id: 'asc' }],
            include: { lesion: true },
          },
        },
      },
    },
  },
  predictions: { orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], include: predictionInclude },
  discussions: {
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    include: { meeting: { select: { id: true, title: true, scheduledAt: true } } },
  },
} satisfies Prisma.PatientInclude;

/** What `readPatientDetail` returns: exactly the payload type of the Prisma reference. */
export type PatientDetailRow = Prisma.PatientGetPayload<{ include: typeof patientDetailInclude }>;

/**
 * Runs one parameterised statement and returns its rows: `prisma.$queryRawUnsafe(text, ...values)` today, a
 * lighter raw path of the Db client later. The one column read (`j`) is text, so any driver's type parsing agrees.
 */
export type RawQuery = (text: string, values: unknown[]) => Promise<unknown[]>;

// Columns in Prisma's field order (the order of the keys of its result objects).
const PATIENT = ['id', 'pseudoId', 'sourceDataset', 'sourceId', 'centre', 'sex', 'age', 'diagnosisDate', 'aetiology',
  'cirrhosis', 'childPugh', 'childPughScore', 'bclc', 'ecog', 'pathologyGrade', 'tumourCount', 'maxTumourDiameterMm',
  'vascularInvasion', 'portalVeinThrombosis', 'extrahepaticSpread', 'afp', 'bilirubin', 'albumin', 'platelets', 'inr',
  'alt', 'ast', 'osMonths', 'osEvent', 'rfsMonths', 'rfsEvent', 'taceResponse', 'extra', 'createdAt', 'updatedAt'];
const MEMBERSHIP = ['cohortId', 'patientId', 'split', 'addedAt'];
const TREATMENT = ['id', 'patientId', 'type', 'date', 'description', 'response', 'details', 'createdAt'];
const LESION = ['id', 'patientId', 'label', 'type', 'couinaudSegment', 'liRads', 'diameterMm', 'volumeMl',
  'enhancementPattern', 'notes', 'createdAt'];
const STUDY = ['id', 'patientId', 'studyInstanceUid', 'date', 'modality', 'timepoint', 'description', 'synthetic',
  'origin', 'createdAt'];
const SERIES = ['id', 'studyId', 'seriesInstanceUid', 'phase', 'description', 'dims', 'spacing', 'origin', 'direction',
  'storageUri', 'format', 'sha256', 'sizeBytes', 'synthetic', 'createdAt'];
const SEGMENTATION = ['id', 'seriesId', 'structure', 'lesionId', 'source', 'modelId', 'authorId', 'version',
  'previousId', 'status', 'maskUri', 'sha256', 'labels', 'volumeMl', 'provenance', 'reviewNote', 'createdAt',
  'updatedAt'];
const PREDICTION = ['id', 'modelId', 'modelVersion', 'patientId', 'lesionId', 'probability', 'ciLow', 'ciHigh',
  'riskGroup', 'nomogram', 'inputSnapshot', 'createdById', 'createdAt'];
const SURVIVAL = ['id', 'predictionId', 'curve', 'medianMonths', 'horizons'];
const DISCUSSION = ['id', 'meetingId', 'patientId', 'position', 'question', 'status', 'presentedSnapshot', 'findings',
  'decision', 'recommendation', 'attendees', 'decidedAt', 'signedOffById', 'signedOffAt', 'createdAt', 'updatedAt'];

/** The timestamptz columns among those above: rendered in UTC without offset (see `dates`). */
const TIMESTAMPS = new Set(['diagnosisDate', 'createdAt', 'updatedAt', 'addedAt', 'date', 'decidedAt', 'signedOffAt',
  'scheduledAt']);

/** `json_build_object('c', a."c", …, 'rel', <sql>, …)`: the columns of alias `a`, then computed members. */
function obj(a: string, cols: string[], more: Record<string, string> = {}): string {
  const parts = cols.map((c) => `'${c}', ${a}."${c}"${TIMESTAMPS.has(c) ? ` AT TIME ZONE 'UTC'` : ''}`);
  for (const [k, sql] of Object.entries(more)) parts.push(`'${k}', ${sql}`);
  return `json_build_object(${parts.join(', ')})`;
}

/** A to-many relation: the JSON array of `json` over `from` (a WHERE and an optional ORDER BY), `[]` when empty. */
function many(json: string, from: string): string {
  return `COALESCE((SELECT json_agg(x.j) FROM (SELECT ${json} AS j FROM ${from}) x), '[]')`;
}

/** A to-one relation: the object, or null when there is none. */
function one(json: string, from: string): string {
  return `(SELECT ${json} FROM ${from})`;
}

const SEGMENTATIONS = many(
  obj('sg', SEGMENTATION, { lesion: one(obj('l', LESION), `"Lesion" l WHERE l.id = sg."lesionId"`) }),
  `"Segmentation" sg WHERE sg."seriesId" = se.id ORDER BY sg.structure ASC, sg.version ASC, sg.id ASC`,
);
const SERIES_LIST = many(
  obj('se', SERIES, { segmentations: SEGMENTATIONS }),
  `"Series" se WHERE se."studyId" = st.id ORDER BY se."createdAt" ASC, se.id ASC`,
);

/** The select list: `id`, and the case as JSON text `j` (both text, so every raw path returns the same strings). */
const DETAIL_COLUMNS = `p.id, ${obj('p', PATIENT, {
  cohortMemberships: many(
    obj('m', MEMBERSHIP, {
      cohort: one(obj('c', ['id', 'name', 'synthetic']), `"Cohort" c WHERE c.id = m."cohortId"`),
    }),
    `"CohortMembership" m WHERE m."patientId" = p.id ORDER BY m."cohortId" ASC`,
  ),
  treatments: many(obj('t', TREATMENT), `"Treatment" t WHERE t."patientId" = p.id ORDER BY t.date ASC, t."createdAt" ASC, t.id ASC`),
  lesions: many(obj('l', LESION), `"Lesion" l WHERE l."patientId" = p.id ORDER BY l.label ASC, l.id ASC`),
  studies: many(
    obj('st', STUDY, { series: SERIES_LIST }),
    `"Study" st WHERE st."patientId" = p.id ORDER BY st.date ASC, st."createdAt" ASC, st.id ASC`,
  ),
  predictions: many(
    obj('pr', PREDICTION, {
      model: one(obj('mo', ['name', 'task']), `"Model" mo WHERE mo.id = pr."modelId"`),
      survival: one(obj('sv', SURVIVAL), `"SurvivalPrediction" sv WHERE sv."predictionId" = pr.id`),
    }),
    `"Prediction" pr WHERE pr."patientId" = p.id ORDER BY pr."createdAt" DESC, pr.id ASC`,
  ),
  discussions: many(
    obj('d', DISCUSSION, {
      meeting: one(obj('mt', ['id', 'title', 'scheduledAt']), `"TumorBoardMeeting" mt WHERE mt.id = d."meetingId"`),
    }),
    `"CaseDiscussion" d WHERE d."patientId" = p.id ORDER BY d."createdAt" DESC, d.id ASC`,
  ),
})}::text AS j`;

/**
 * The statement for one patient (`$1`): one row, none for an unknown id. Its own text, not `ANY` of a one-element
 * array: PostgreSQL's generic plan for `= ANY($1)` assumes ten ids, so a named statement with it is re-planned on
 * every execution (measured on the bench data: 0.7–0.8 ms of PostgreSQL CPU per read instead of 0.15–0.3 ms).
 */
export const PATIENT_DETAIL_SQL = `SELECT ${DETAIL_COLUMNS} FROM "Patient" p WHERE p.id = $1`;

/** The statement for a batch of patients (`$1`, an array of ids): one row per existing patient. */
export const PATIENT_DETAILS_SQL = `SELECT ${DETAIL_COLUMNS} FROM "Patient" p WHERE p.id = ANY($1::text[])`;

/** The case JSON text of each of `ids` that exists, by id: one statement. */
async function readDetailTexts(query: RawQuery, ids: string[]): Promise<Map<string, string>> {
  const rows = (await (ids.length === 1
    ? query(PATIENT_DETAIL_SQL, ids)
    : query(PATIENT_DETAILS_SQL, [ids]))) as Array<{ id: string; j: string }>;
  return new Map(rows.map((r) => [r.id, r.j]));
}

/** The JSON text of one case as Prisma's types (a fresh object each call). */
const parseDetail = (j: string | undefined): PatientDetailRow | null => (j === undefined ? null : revivePatient(JSON.parse(j)));

/**
 * Reads patient `id` with the case-detail relations (see `patientDetailInclude`) in one statement through `query`;
 * null when there is no such patient.
 */
export async function readPatientDetail(query: RawQuery, id: string): Promise<PatientDetailRow | null> {
  return parseDetail((await readDetailTexts(query, [id])).get(id));
}

/**
 * `readPatientDetail` with Prisma's batching of `findUnique`: the reads asked for in the same tick (until
 * process.nextTick) share one statement (`id = ANY(…)`), as Prisma's DataLoader turns same-tick findUniques into one
 * query. Each caller gets its own object, also when several ask for the same id. Without it, concurrent case
 * reads that Prisma served with one statement would each cost a statement: at concurrency 10 on the bench data,
 * PostgreSQL CPU 0.04–0.06 ms/read for Prisma's batches, 0.19–0.25 ms for one statement per read, 0.02 ms batched
 * here; on PGlite 2.2–3.1 ms unbatched against Prisma's 0.77–0.94 ms and 0.29–0.34 ms batched here.
 */
export function createPatientDetailReader(query: RawQuery): (id: string) => Promise<PatientDetailRow | null> {
  type Waiter = { resolve: (v: PatientDetailRow | null) => void; reject: (e: unknown) => void };
  let pending: Map<string, Waiter[]> | null = null;

  function flush(batch: Map<string, Waiter[]>): void {
    readDetailTexts(query, [...batch.keys()]).then(
      (texts) => {
        for (const [id, waiters] of batch)
          for (const w of waiters) {
            try {
              w.resolve(parseDetail(texts.get(id)));
            } catch (err) {
              w.reject(err);
            }
          }
      },
      (err: unknown) => {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      },
    );
  }

  return (id) =>
    new Promise((resolve, reject) => {
      if (!pending) {
        const batch = (pending = new Map());
        process.nextTick(() => {
          pending = null;
          flush(batch);
        });
      }
      const waiters = pending.get(id);
      if (waiters) waiters.push({ resolve, reject });
      else pending.set(id, [{ resolve, reject }]);
    });
}

// The JSON → Prisma-types step. JSON numbers, strings, booleans, arrays and Json columns are already what Prisma
// returns; only timestamps (JSON strings) become Dates, and nested floats lose a negative zero.

type Obj = Record<string, unknown>;

/**
 * Timestamps → Date with the same millisecond value. The SQL renders them `AT TIME ZONE 'UTC'` (JSON text
 * `2025-01-10T08:00:00.123`, no offset) so the text does not depend on the session's TimeZone (a non-UTC zone would
 * add offsets such as `+00:19:32` to old dates, which Date cannot parse); `Z` makes Date read it as UTC.
 */
function dates(o: Obj, ...keys: string[]): void {
  for (const k of keys) if (o[k] !== null) o[k] = new Date(`${o[k] as string}Z`);
}

/**
 * Prisma's relationJoins carry nested rows as JSONB, whose numbers are `numeric`: a float -0 comes back as 0 there
 * (top-level patient columns keep -0, as Prisma's pg driver does). Applied to the nested Float fields.
 */
function nestedFloat(o: Obj, ...keys: string[]): void {
  for (const k of keys) if (o[k] === 0) o[k] = 0;
}

/** The same for Float[] columns (series geometry). */
function nestedFloats(o: Obj, ...keys: string[]): void {
  for (const k of keys) {
    const a = o[k] as number[];
    for (let i = 0; i < a.length; i++) if (a[i] === 0) a[i] = 0;
  }
}

function reviveLesion(l: Obj): void {
  dates(l, 'createdAt');
  nestedFloat(l, 'diameterMm', 'volumeMl');
}

function revivePatient(p: Obj): PatientDetailRow {
  dates(p, 'diagnosisDate', 'createdAt', 'updatedAt');
  for (const m of p.cohortMemberships as Obj[]) dates(m, 'addedAt');
  for (const t of p.treatments as Obj[]) dates(t, 'date', 'createdAt');
  for (const l of p.lesions as Obj[]) reviveLesion(l);
  for (const st of p.studies as Obj[]) {
    dates(st, 'date', 'createdAt');
    for (const se of st.series as Obj[]) {
      dates(se, 'createdAt');
      nestedFloats(se, 'spacing', 'origin', 'direction');
      for (const sg of se.segmentations as Obj[]) {
        dates(sg, 'createdAt', 'updatedAt');
        nestedFloat(sg, 'volumeMl');
        if (sg.lesion !== null) reviveLesion(sg.lesion as Obj);
      }
    }
  }
  for (const pr of p.predictions as Obj[]) {
    dates(pr, 'createdAt');
    nestedFloat(pr, 'probability', 'ciLow', 'ciHigh');
    if (pr.survival !== null) nestedFloat(pr.survival as Obj, 'medianMonths');
  }
  for (const d of p.discussions as Obj[]) {
    dates(d, 'decidedAt', 'signedOffAt', 'createdAt', 'updatedAt');
    dates(d.meeting as Obj, 'scheduledAt');
  }
  return p as unknown as PatientDetailRow;
}
