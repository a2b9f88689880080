import { PATIENT_LIST_COLUMNS, type Prisma } from '@hepatoscope/db';
import { DomainError } from '../errors';
import type { ResolvedDeps } from '../deps';
import type { Actor, Page } from '../types';
import type { Access } from './access';
import {
  bclcEnum,
  bclcLabel,
  iso,
  predictionDto,
  predictionInclude,
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

  /** Cohort names, study count and synthetic flag (synthetic study or synthetic cohort) of a page of patients. */
  async function pageExtras(ids: string[]) {
    if (!ids.length) return [];
    return prisma.$queryRawUnsafe<Array<{ id: string; cohortNames: string[]; studyCount: number; synthetic: boolean }>>(
      `SELECT p.id,
         COALESCE((SELECT array_agg(c.name) FROM "CohortMembership" m JOIN "Cohort" c ON c.id = m."cohortId"
                   WHERE m."patientId" = p.id), ARRAY[]::text[]) AS "cohortNames",
         (SELECT count(*) FROM "Study" s WHERE s."patientId" = p.id)::int AS "studyCount",
         (EXISTS (SELECT 1 FROM "Study" s WHERE s."patientId" = p.id AND s.synthetic)
          OR EXISTS (SELECT 1 FROM "CohortMembership" m JOIN "Cohort" c ON c.id = m."cohortId"
                     WHERE m."patientId" = p.id AND c.synthetic)) AS synthetic
       FROM "Patient" p WHERE p.id = ANY($1::text[])`,
      ids,
    );
  }

  return {
    async list(actor: Actor, q: PatientListQuery): Promise<Page<PatientListItem>> {
      const and: Prisma.PatientWhereInput[] = [await access.scope(actor)];
      if (q.search) {
        and.push({
          OR: [
            { pseudoId: { contains: q.search, mode: 'insensitive' } },
            { aetiology: { contains: q.search, mode: 'insensitive' } },
            { sourceDataset: { contains: q.search, mode: 'insensitive' } },
          ],
        });
      }
      if (q.cohortId) and.push({ cohortMemberships: { some: { cohortId: q.cohortId } } });
      if (q.bclc) and.push({ bclc: bclcEnum(q.bclc) });
      if (q.pendingReview)
        and.push({ studies: { some: { series: { some: { segmentations: { some: { status: 'DRAFT' } } } } } } });
      const where: Prisma.PatientWhereInput = { AND: and };
      // The page (scalar columns only) and the total in parallel; then one query for the page's cohort names, study
      // counts and synthetic flags. (Prisma's nested select cost 4 queries per page, one of them a GROUP BY over
      // every study of every patient.)
      const skip = (q.page - 1) * q.pageSize;
      const rowsP = prisma.patient.findMany({
        where,
        orderBy: { pseudoId: 'asc' },
        skip,
        take: q.pageSize,
        select: PATIENT_LIST_COLUMNS,
      });
      // The total: exact when this page is the last one; otherwise counted, or reused for listTotalCacheMs
      // (default 2 s) for the same user and filter — unless the page contradicts the cached value.
      const { page: _p, pageSize: _s, ...filter } = q;
      const key = `${actor.userId}|${JSON.stringify(filter)}`;
      const count = () => prisma.patient.count({ where });
      const cached = totals.get(key, deps.now().getTime());
      const [rows, counted] = await Promise.all([rowsP, cached === null ? count() : null]);
      let total = counted ?? cached!;
      const seen = skip + rows.length;
      if (rows.length < q.pageSize && (rows.length > 0 || skip === 0)) total = seen;
      else if (total < seen || (rows.length === 0 && total > skip)) total = await count();
      totals.put(key, total, deps.now().getTime());
      const extra = new Map((await pageExtras(rows.map((r) => r.id))).map((e) => [e.id, e]));
      return {
        total,
        items: rows.map((r) => {
          const e = extra.get(r.id);
          return {
            id: r.id,
            pseudoId: r.pseudoId,
            sex: r.sex,
            age: r.age,
            aetiology: r.aetiology,
            bclc: bclcLabel(r.bclc),
            childPugh: r.childPugh,
            afp: r.afp,
            cohortNames: [...(e?.cohortNames ?? [])].sort(),
            studyCount: e?.studyCount ?? 0,
            synthetic: e?.synthetic ?? false,
          };
        }),
      };
    },

    async get(actor: Actor, id: string) {
      // The scope check and the read run concurrently (two fewer sequential round trips); when the check fails the
      // read is discarded and the caller gets NOT_FOUND, exactly as before.
      const allowed = access.assertPatient(actor, id);
      const read = prisma.patient.findUnique({
        where: { id },
        include: {
          cohortMemberships: { include: { cohort: { select: { id: true, name: true, synthetic: true } } } },
          treatments: { orderBy: [{ date: 'asc' }, { createdAt: 'asc' }] },
          lesions: { orderBy: { label: 'asc' } },
          studies: {
            orderBy: [{ date: 'asc' }, { createdAt: 'asc' }],
            include: {
              series: {
                orderBy: { createdAt: 'asc' },
                include: {
                  segmentations: { orderBy: [{ structure: 'asc' }, { version: 'asc' }], include: { lesion: true } },
                },
              },
            },
          },
          predictions: { orderBy: { createdAt: 'desc' }, include: predictionInclude },
          discussions: {
            orderBy: { createdAt: 'desc' },
            include: { meeting: { select: { id: true, title: true, scheduledAt: true } } },
          },
        },
      });
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
            status: sg.status,
            volumeMl: sg.volumeMl,
            url: segmentationUrl(sg.id),
            labels: sg.labels as Record<string, string>,
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
