import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor, Page } from '../types';
import { scopeCondition, type Access, type ScopeStrategy } from './access';
import { createPatientDetailReader } from './patient-detail';
import type { SegmentationProvenance } from './segmentations';
import {
  bclcEnum,
  bclcLabel,
  iso,
  predictionDto,
  segmentationUrl,
  seriesUrl,
  type BclcLabel,
} from './mappers';

export interface PatientListQuery {
  search?: string;
  cohortId?: string;
  bclc?: BclcLabel;
  /** Only patients with a segmentation awaiting review (status DRAFT: not yet accepted or rejected). */
  pendingReview?: boolean;
  page: number;
  pageSize: number;
}

export interface PatientListItem {
  id: string;
  pseudoId: string;
  sex: string | null;
  age: number | null;
  aetiology: string | null;
  bclc: BclcLabel | null;
  childPugh: string | null;
  afp: number | null;
  cohortNames: string[];
  studyCount: number;
  synthetic: boolean;
}

export interface TimelineEntry {
  date: string | null;
  kind: 'STUDY' | 'TREATMENT' | 'PREDICTION' | 'BOARD';
  id: string;
  label: string;
}

/** Patients: list (filter/search/paginate within the caller's scope) and the case detail with its timeline. */
export function createPatientsService(deps: ResolvedDeps, access: Access) {
  const { prisma } = deps;
  const totals = createTtlCache<number>(deps.listTotalCacheMs);
  // the case detail in one raw statement (Prisma's include tree cost most of the request's CPU; patient-detail.ts)
  const readDetail = createPatientDetailReader((text, values) => prisma.$queryReadOnly(text, values));

  const scopeSizes = createTtlCache<{ scope: number; patients: number }>(SCOPE_SIZE_CACHE_MS, 1_000);
  const countsInFlight = new Map<string, Promise<number>>();

  /**
   * How many patients `actor` may see and how many there are (a plan hint for `scopeStrategy`, never a result: a
   * stale value only changes the plan). Cached SCOPE_SIZE_CACHE_MS per user.
   */
  async function scopeSize(actor: Actor): Promise<{ scope: number; patients: number }> {
    const now = deps.now().getTime();
    const hit = scopeSizes.get(actor.userId, now);
    if (hit) return hit;
    const [row] = await prisma.$queryReadOnly<{ scope: number; patients: number }>(
      `SELECT ((SELECT count(*) FROM "CareAssignment" WHERE "userId" = $1)
             + (SELECT count(*) FROM "CohortAccess" ca JOIN "CohortMembership" m ON m."cohortId" = ca."cohortId"
                WHERE ca."userId" = $1))::int AS scope,
              (SELECT count(*) FROM "Patient")::int AS patients`,
      [actor.userId],
    );
    const v = { scope: row?.scope ?? 0, patients: row?.patients ?? 0 };
    scopeSizes.put(actor.userId, v, now);
    return v;
  }

  /** The SQL condition of a list filter on `"Patient" p` (scope included), binding its values through `bind`. */
  function listWhere(actor: Actor, q: PatientListQuery, bind: (v: unknown) => string, strategy: ScopeStrategy) {
    const and = [scopeCondition(actor, bind, strategy)];
    if (q.search) {
      // as Prisma's `contains` + mode insensitive: ILIKE ('%' || value || '%'), the value bound as is
      const v = bind(q.search);
      and.push(
        `(p."pseudoId" ILIKE ('%' || ${v} || '%') OR p.aetiology ILIKE ('%' || ${v} || '%') ` +
          `OR p."sourceDataset" ILIKE ('%' || ${v} || '%'))`,
      );
    }
    if (q.cohortId)
      and.push(
        `EXISTS (SELECT 1 FROM "CohortMembership" cf WHERE cf."cohortId" = ${bind(q.cohortId)} AND cf."patientId" = p.id)`,
      );
    if (q.bclc) and.push(`p.bclc = ${bind(bclcEnum(q.bclc))}::text::"Bclc"`);
    if (q.pendingReview)
      and.push(
        `EXISTS (SELECT 1 FROM "Study" st JOIN "Series" se ON se."studyId" = st.id ` +
          `JOIN "Segmentation" sg ON sg."seriesId" = se.id WHERE st."patientId" = p.id AND sg.status = 'DRAFT')`,
      );
    return and.join(' AND ');
  }

  /** Counts the patients matching `q` in the actor's scope; concurrent identical counts share one query. */
  function countMatches(actor: Actor, q: PatientListQuery, key: string): Promise<number> {
    const running = countsInFlight.get(key);
    if (running) return running;
    const params: unknown[] = [];
    const bind = (v: unknown) => `$${params.push(v)}`;
    const sql = `SELECT count(*)::int AS n FROM "Patient" p WHERE ${listWhere(actor, q, bind, 'planner')}`;
    const p = prisma
      .$queryReadOnly<{ n: number }>(sql, params)
      .then((r) => r[0]?.n ?? 0)
      .finally(() => countsInFlight.delete(key));
    countsInFlight.set(key, p);
    return p;
  }

  return {
    async list(actor: Actor, q: PatientListQuery): Promise<Page<PatientListItem>> {
      const skip = (q.page - 1) * q.pageSize;
      // One statement for the page: scope and filters on the patients, ORDER BY pseudoId LIMIT/OFFSET in a
      // subquery, then the page's cohort names, study counts and synthetic flags for those rows only. LIMIT and
      // OFFSET are literals (`sqlCount`): bound as parameters, PostgreSQL's plan cache never chose the generic plan
      // of the named statement (its LIMIT costed as 10% of the rows) and planned every page anew, 0.25-0.5 ms for
      // 0.27 ms of execution; with literals the generic plan is reused after 5 runs (planning 0.007 ms).
      const strategy: ScopeStrategy =
        actor.role === 'CLINICIAN' ? scopeStrategy(await scopeSize(actor), skip + q.pageSize) : 'planner';
      const params: unknown[] = [];
      const bind = (v: unknown) => `$${params.push(v)}`;
      const where = listWhere(actor, q, bind, strategy);
      const rowsP = prisma.$queryReadOnly<ListRow>(
        `SELECT p.id, p."pseudoId", p.sex, p.age, p.aetiology, p.bclc, p."childPugh", p.afp,
           COALESCE((SELECT array_agg(c.name) FROM "CohortMembership" m JOIN "Cohort" c ON c.id = m."cohortId"
                     WHERE m."patientId" = p.id), ARRAY[]::text[]) AS "cohortNames",
           (SELECT count(*) FROM "Study" s WHERE s."patientId" = p.id)::int AS "studyCount",
           (EXISTS (SELECT 1 FROM "Study" s WHERE s."patientId" = p.id AND s.synthetic)
            OR EXISTS (SELECT 1 FROM "CohortMembership" m JOIN "Cohort" c ON c.id = m."cohortId"
                       WHERE m."patientId" = p.id AND c.synthetic)) AS synthetic
         FROM (SELECT p.id, p."pseudoId", p.sex::text AS sex, p.age, p.aetiology, p.bclc::text AS bclc,
                      p."childPugh"::text AS "childPugh", p.afp
               FROM "Patient" p WHERE ${where}
               ORDER BY p."pseudoId" LIMIT ${sqlCount(q.pageSize)} OFFSET ${sqlCount(skip)}) p
         ORDER BY p."pseudoId"`,
        params,
      );
      // The total: exact when this page is the last one; otherwise counted, or reused for listTotalCacheMs
      // (default 2 s) for the same user and filter — unless the page contradicts the cached value.
      const { page: _p, pageSize: _s, ...filter } = q;
      const key = `${actor.userId}|${JSON.stringify(filter)}`;
      const count = () => countMatches(actor, q, key);
      const cached = totals.get(key, deps.now().getTime());
      const [rows, counted] = await Promise.all([rowsP, cached === null ? count() : null]);
      let total = counted ?? cached!;
      const seen = skip + rows.length;
      if (rows.length < q.pageSize && (rows.length > 0 || skip === 0)) total = seen;
      else if (total < seen || (rows.length === 0 && total > skip)) total = await count();
      totals.put(key, total, deps.now().getTime());
      return {
        total,
        items: rows.map((r) => ({
          id: r.id,
          pseudoId: r.pseudoId,
          sex: r.sex,
          age: r.age,
          aetiology: r.aetiology,
          bclc: bclcLabel(r.bclc),
          childPugh: r.childPugh,
          afp: r.afp,
          cohortNames: r.cohortNames.sort(),
          studyCount: r.studyCount,
          synthetic: r.synthetic,
        })),
      };
    },

    async get(actor: Actor, id: string) {
      // The scope check and the read run concurrently (two fewer sequential round trips); when the check fails the
      // read is discarded and the caller gets NOT_FOUND, exactly as before.
      const allowed = access.assertPatient(actor, id);
      const read = readDetail(id);
      const [, p] = await Promise.all([allowed, read]);
      if (!p) throw new DomainError('NOT_FOUND', `Patient ${id} was not found`);

      const studies = p.studies.map((s) => {
        const segs = s.series.flatMap((se) => se.segmentations);
        const lesionMap = new Map<string, (typeof segs)[number]['lesion']>();
        for (const sg of segs) if (sg.lesion) lesionMap.set(sg.lesion.id, sg.lesion);
        return {
          id: s.id,
          date: iso(s.date),
          modality: s.modality,
          timepoint: s.timepoint,
          description: s.description,
          synthetic: s.synthetic,
          series: s.series.map((se) => ({
            id: se.id,
            phase: se.phase,
            description: se.description,
            dims: se.dims,
            spacing: se.spacing,
            synthetic: se.synthetic,
            url: seriesUrl(se.id),
          })),
          segmentations: segs.map((sg) => ({
            id: sg.id,
            seriesId: sg.seriesId,
            structure: sg.structure,
            lesionId: sg.lesionId,
            source: sg.source,
            version: sg.version,
            /** The version this one replaced (null for a chain's first version): masks are version chains. */
            previousId: sg.previousId,
            status: sg.status,
            volumeMl: sg.volumeMl,
            url: segmentationUrl(sg.id),
            labels: sg.labels as Record<string, string>,
            /** AUTO masks: the cascade, provider and each stage's model (`SegmentationProvenance`); else null. */
            provenance: (sg.provenance ?? null) as SegmentationProvenance | null,
          })),
          // Lesions linked through this study's segmentations; a multi-label lesion mask without a lesion link
          // stands for all the patient's lesions.
          lesions: (lesionMap.size
            ? [...lesionMap.values()].filter((l): l is NonNullable<typeof l> => !!l)
            : segs.some((sg) => sg.structure === 'LESION')
              ? p.lesions
              : []
          ).map(lesionDto),
        };
      });

      const timeline: TimelineEntry[] = [
        ...p.studies.map((s) => ({
          date: iso(s.date),
          kind: 'STUDY' as const,
          id: s.id,
          label: `${s.modality} ${s.timepoint}${s.synthetic ? ' (synthetic)' : ''}`,
        })),
        ...p.treatments.map((t) => ({
          date: iso(t.date),
          kind: 'TREATMENT' as const,
          id: t.id,
          label: t.type + (t.response ? ` (response ${t.response})` : ''),
        })),
        ...p.predictions.map((pr) => ({
          date: iso(pr.createdAt),
          kind: 'PREDICTION' as const,
          id: pr.id,
          label: `${pr.model.name} v${pr.modelVersion}`,
        })),
        ...p.discussions.map((d) => ({
          date: iso(d.meeting.scheduledAt),
          kind: 'BOARD' as const,
          id: d.id,
          label: `${d.meeting.title}: ${d.decision ?? d.status}`,
        })),
      ].sort((a, b) => (a.date ?? '9999').localeCompare(b.date ?? '9999'));

      return {
        id: p.id,
        pseudoId: p.pseudoId,
        sourceDataset: p.sourceDataset,
        centre: p.centre,
        sex: p.sex,
        age: p.age,
        aetiology: p.aetiology,
        cirrhosis: p.cirrhosis,
        childPugh: p.childPugh,
        childPughScore: p.childPughScore,
        bclc: bclcLabel(p.bclc),
        ecog: p.ecog,
        pathologyGrade: p.pathologyGrade,
        tumourCount: p.tumourCount,
        maxTumourDiameterMm: p.maxTumourDiameterMm,
        vascularInvasion: p.vascularInvasion,
        portalVeinThrombosis: p.portalVeinThrombosis,
        extrahepaticSpread: p.extrahepaticSpread,
        afp: p.afp,
        bilirubin: p.bilirubin,
        albumin: p.albumin,
        platelets: p.platelets,
        inr: p.inr,
        alt: p.alt,
        ast: p.ast,
        outcomes: {
          osMonths: p.osMonths,
          osEvent: p.osEvent,
          rfsMonths: p.rfsMonths,
          rfsEvent: p.rfsEvent,
          taceResponse: p.taceResponse,
        },
        cohorts: p.cohortMemberships.map((m) => ({
          id: m.cohort.id,
          name: m.cohort.name,
          split: m.split,
          synthetic: m.cohort.synthetic,
        })),
        treatments: p.treatments.map((t) => ({
          id: t.id,
          type: t.type,
          date: iso(t.date),
          description: t.description,
          response: t.response,
        })),
        lesions: p.lesions.map(lesionDto),
        studies,
        predictions: p.predictions.map(predictionDto),
        discussions: p.discussions.map((d) => ({
          id: d.id,
          meetingId: d.meeting.id,
          meetingTitle: d.meeting.title,
          scheduledAt: d.meeting.scheduledAt.toISOString(),
          status: d.status,
          question: d.question,
          decision: d.decision,
          recommendation: d.recommendation,
          attendees: d.attendees,
          signedOffAt: iso(d.signedOffAt),
        })),
        timeline,
      };
    },
  };
}

function lesionDto(l: {
  id: string;
  label: string;
  type: string;
  diameterMm: number | null;
  volumeMl: number | null;
  enhancementPattern: string | null;
  couinaudSegment: number | null;
  liRads: string | null;
}) {
  return {
    id: l.id,
    label: l.label,
    type: l.type,
    diameterMm: l.diameterMm,
    volumeMl: l.volumeMl,
    enhancementPattern: l.enhancementPattern,
    couinaudSegment: l.couinaudSegment,
    liRads: l.liRads,
  };
}

export type PatientsService = ReturnType<typeof createPatientsService>;

/** One row of the raw list query: a list item whose BCLC is still the database enum text. */
type ListRow = Omit<PatientListItem, 'bclc'> & { bclc: string | null };

/**
 * `n` as an SQL integer literal for LIMIT/OFFSET (see `list`): only non-negative safe integers, anything else throws
 * (no other text can reach the statement).
 */
export function sqlCount(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`LIMIT/OFFSET must be a non-negative integer, got ${n}`);
  return String(n);
}

/** How long a user's scope size is reused as a plan hint (it never changes which rows are returned). */
export const SCOPE_SIZE_CACHE_MS = 30_000;

/**
 * The scope form for a CLINICIAN page that ends at row `end` (skip + take), from PostgreSQL CPU measured on 10,000
 * patients (`apps/api` bench data, one clinician seeing all): a per-row probe of the `walk` form costs about 7 hash
 * entries (it was 15 before the probe read the accessible cohorts once; break-even measured at 1,500-2,000 rows
 * walked against hashing the 10,001 memberships), so
 * - `walk` while the probes (about end × patients / scope rows walked) cost less than hashing the scope once
 *   (end × patients × 7 ≤ scope²): first pages of a dense scope, 0.1 ms instead of 5.7 ms for page 1, and pages
 *   down to row 1,400 (`bclc=C page 40`, OFFSET 975, on the `(bclc, "pseudoId")` index: 1.8-3.1 ms, `planner`
 *   3.1-4.4 ms);
 * - `set` when the scope is under a fifth of all patients: a few in-scope ids, then those patients by id;
 * - else `planner` (it hashes the scope once and scans; deep pages of a dense scope).
 */
export function scopeStrategy(size: { scope: number; patients: number }, end: number): ScopeStrategy {
  const { scope, patients } = size;
  if (scope > 0 && end * patients * 7 <= scope * scope) return 'walk';
  return scope * 5 < patients ? 'set' : 'planner';
}

/**
 * A small in-process TTL cache (key → value, `ttlMs`; 0 disables; cleared when it reaches `max` entries). Used for
 * list totals: counting every match of a filter over 10,000 patients is the most expensive part of a list page.
 */
export function createTtlCache<T>(ttlMs: number, max = 5_000) {
  const map = new Map<string, { v: T; until: number }>();
  return {
    get(key: string, now: number): T | null {
      const e = map.get(key);
      if (!e || now >= e.until || now < e.until - ttlMs) return null;
      return e.v;
    },
    put(key: string, v: T, now: number) {
      if (ttlMs <= 0) return;
      if (map.size >= max) map.clear();
      map.set(key, { v, until: now + ttlMs });
    },
  };
}
