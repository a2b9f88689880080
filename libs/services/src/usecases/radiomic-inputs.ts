/**
 * Radiomic predictor values of patients, for models whose inputs are `source: 'feature'`: cohort validation
 * (`indexLesionFeatures`) and predictions (`patientLesionFeatures`) pick the feature vector by the same code.
 *
 * Which lesion speaks for a patient — the INDEX LESION rule:
 *  1. only lesion-level feature sets count (FeatureSet.lesionId set), optionally only those computed on a series of
 *     the model's phase (`Model.parameters.featurePhase`, e.g. `ARTERIAL`);
 *  2. the LATEST STUDY that has such a feature set (study date, then creation time);
 *  3. in that study, the LARGEST LESION (Lesion.volumeMl, then diameterMm, then label);
 *  4. its most recent feature set (creation time).
 * The patient's feature vector is that feature set's `values`. Patients without one, or whose vector lacks a
 * predictor, are excluded from the validation and listed with the reason; a prediction for them fails with a
 * DomainError naming the missing features. A prediction for a NAMED lesion uses that lesion's candidates only.
 */
import type { Db } from '@hepatoscope/db';

export const INDEX_LESION_RULE =
  'index lesion: latest study with lesion features → largest lesion (volume, then diameter) → latest feature set' as const;

/** The rule used when the caller names the lesion: that lesion's candidates only, ordered as above. */
export const NAMED_LESION_RULE =
  'named lesion: the requested lesion → its latest study with features → latest feature set' as const;

export interface IndexLesionFeatures {
  featureSetId: string;
  lesionId: string;
  lesionLabel: string;
  studyId: string;
  phase: string;
  values: Record<string, number>;
}

type Candidate = {
  id: string;
  createdAt: Date;
  values: unknown;
  lesion: { id: string; label: string; patientId: string; volumeMl: number | null; diameterMm: number | null } | null;
  series: { phase: string; study: { id: string; date: Date | null; createdAt: Date } };
};

const t = (d: Date | null | undefined) => (d ? d.getTime() : -Infinity);

/** Orders candidates so that the first is the one the rule picks (pure; exported for tests). */
export function compareCandidates(a: Candidate, b: Candidate): number {
  const sa = a.series.study;
  const sb = b.series.study;
  return (
    t(sb.date) - t(sa.date) ||
    t(sb.createdAt) - t(sa.createdAt) ||
    (sa.id < sb.id ? -1 : sa.id > sb.id ? 1 : 0) ||
    (b.lesion!.volumeMl ?? -Infinity) - (a.lesion!.volumeMl ?? -Infinity) ||
    (b.lesion!.diameterMm ?? -Infinity) - (a.lesion!.diameterMm ?? -Infinity) ||
    a.lesion!.label.localeCompare(b.lesion!.label) ||
    t(b.createdAt) - t(a.createdAt) ||
    (a.id < b.id ? -1 : 1)
  );
}

const CANDIDATE_SELECT = {
  id: true,
  createdAt: true,
  values: true,
  lesion: { select: { id: true, label: true, patientId: true, volumeMl: true, diameterMm: true } },
  series: { select: { phase: true, study: { select: { id: true, date: true, createdAt: true } } } },
} as const;

/** The feature vector of the candidate the rule picks first (finite numeric values only; pure). */
export function pickCandidate(list: readonly Candidate[]): IndexLesionFeatures | null {
  const best = list.filter((c) => c.lesion).sort(compareCandidates)[0];
  if (!best) return null;
  const values: Record<string, number> = {};
  if (best.values && typeof best.values === 'object')
    for (const [k, v] of Object.entries(best.values as Record<string, unknown>))
      if (typeof v === 'number' && Number.isFinite(v)) values[k] = v;
  return {
    featureSetId: best.id,
    lesionId: best.lesion!.id,
    lesionLabel: best.lesion!.label,
    studyId: best.series.study.id,
    phase: best.series.phase,
    values,
  };
}

/** Index-lesion feature vectors of the given patients (absent from the map: no lesion feature set). */
export async function indexLesionFeatures(
  prisma: Db,
  patientIds: string[],
  phase?: string,
): Promise<Map<string, IndexLesionFeatures>> {
  const out = new Map<string, IndexLesionFeatures>();
  const CHUNK = 1000;
  const byPatient = new Map<string, Candidate[]>();
  for (let i = 0; i < patientIds.length; i += CHUNK) {
    const rows = (await prisma.featureSet.findMany({
      where: {
        lesion: { patientId: { in: patientIds.slice(i, i + CHUNK) } },
        ...(phase ? { series: { phase: phase as never } } : {}),
      },
      select: CANDIDATE_SELECT,
    })) as Candidate[];
    for (const r of rows) {
      if (!r.lesion) continue;
      const list = byPatient.get(r.lesion.patientId) ?? [];
      list.push(r);
      byPatient.set(r.lesion.patientId, list);
    }
  }
  for (const [pid, list] of byPatient) {
    const picked = pickCandidate(list);
    if (picked) out.set(pid, picked);
  }
  return out;
}

/** Which feature set speaks for one patient in a prediction, and by which rule. */
export interface PatientLesionFeatures extends IndexLesionFeatures {
  rule: 'INDEX_LESION' | 'NAMED_LESION';
  ruleText: typeof INDEX_LESION_RULE | typeof NAMED_LESION_RULE;
  featurePhase: string | null;
}

/**
 * The feature vector of one patient: the INDEX LESION (same rule and code as validation) or, when `lesionId` is
 * given, that lesion's latest feature set (latest study first), both restricted to `phase` when set.
 * Null when there is no matching lesion feature set. The caller checks that the lesion belongs to the patient.
 */
export async function patientLesionFeatures(
  prisma: Db,
  patientId: string,
  opts: { phase?: string | null; lesionId?: string | null } = {},
): Promise<PatientLesionFeatures | null> {
  const phase = opts.phase ?? undefined;
  const rule = opts.lesionId
    ? ({ rule: 'NAMED_LESION', ruleText: NAMED_LESION_RULE } as const)
    : ({ rule: 'INDEX_LESION', ruleText: INDEX_LESION_RULE } as const);
  let picked: IndexLesionFeatures | null | undefined;
  if (opts.lesionId) {
    const rows = (await prisma.featureSet.findMany({
      where: { lesionId: opts.lesionId, lesion: { patientId }, ...(phase ? { series: { phase: phase as never } } : {}) },
      select: CANDIDATE_SELECT,
    })) as Candidate[];
    picked = pickCandidate(rows);
  } else {
    picked = (await indexLesionFeatures(prisma, [patientId], phase)).get(patientId);
  }
  return picked ? { ...picked, ...rule, featurePhase: phase ?? null } : null;
}
