/**
 * Pure helpers of JobProgress: what a finished job's result says beyond "done". A `feature-extraction` job stores one
 * row per extracted lesion (`result.rows`) and the lesions it could not extract with the reason (`result.failed`:
 * `{label, component, voxels, reason}`, see apps/worker/src/jobs/extraction.ts); the job still completes when some
 * lesions fail, so the portal must show them.
 */

/** One lesion the extraction job skipped. */
export interface LesionFailureView {
  label: number;
  component: number;
  voxels: number;
  reason: string;
}

export interface ExtractionSummary {
  /** Lesions (label components) with features. */
  extracted: number;
  /** extracted + failed. */
  total: number;
  failures: (LesionFailureView & { name: string })[];
  /** e.g. "2 of 3 lesions extracted; lesion 3 (1 voxel): no voxels left after resampling". */
  text: string;
}

const isFailure = (f: unknown): f is LesionFailureView =>
  !!f && typeof f === 'object' && typeof (f as LesionFailureView).label === 'number' && typeof (f as LesionFailureView).reason === 'string';

/**
 * Summary of a feature-extraction result, or null when `result` is not one (another job type, no rows). Lesion names
 * come from `lesionName(label)` (default `lesion <label>`); a label split into several connected components names
 * the part (`lesion 2 part 3`).
 */
export function extractionSummary(result: unknown, lesionName: (label: number) => string = (l) => `lesion ${l}`): ExtractionSummary | null {
  if (!result || typeof result !== 'object') return null;
  const r = result as { rows?: unknown; failed?: unknown; featureSetIds?: unknown };
  const rows = Array.isArray(r.rows) ? (r.rows as { label?: number; component?: number }[]) : null;
  if (!rows) return null;
  const failed = Array.isArray(r.failed) ? r.failed.filter(isFailure) : [];
  const parts = new Map<number, Set<number>>();
  for (const x of [...rows, ...failed]) if (typeof x.label === 'number') parts.set(x.label, (parts.get(x.label) ?? new Set()).add(x.component ?? 1));
  const failures = failed.map((f) => ({
    ...f,
    name: `${lesionName(f.label)}${(parts.get(f.label)?.size ?? 1) > 1 ? ` part ${f.component}` : ''}`,
  }));
  const extracted = rows.length;
  const total = extracted + failures.length;
  const noun = total === 1 ? 'lesion' : 'lesions';
  const head = failures.length ? `${extracted} of ${total} ${noun} extracted` : `${extracted} ${noun} extracted`;
  const text = [head, ...failures.map((f) => `${f.name} (${f.voxels} voxel${f.voxels === 1 ? '' : 's'}): ${f.reason}`)].join('; ');
  return { extracted, total, failures, text };
}
