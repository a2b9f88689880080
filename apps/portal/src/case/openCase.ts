/**
 * Opening a case fast: which study and series the case view shows first, and starting their loads before the case
 * page is there (from the worklist's click, while Next fetches the route), so the first image does not wait for the
 * route, then the case query, then the downloads one after the other.
 */
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { seriesInPhaseOrder, type StudyView } from '../lib/contract';
import { prefetch } from '../viewer/nifti';

/** Studies newest first (the case view opens the first). */
export function studiesNewestFirst<T extends Pick<StudyView, 'date'>>(studies: readonly T[]): T[] {
  return [...studies].sort((a, b) => String(b.date).localeCompare(String(a.date)));
}

/** The series files the viewer loads first, in its display order (NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED). */
export function viewerSeriesPaths(study: Pick<StudyView, 'series'>): string[] {
  return seriesInPhaseOrder(study.series)
    .map((s) => s.url)
    .filter((u): u is string => !!u);
}

/**
 * Starts what opening case `queryKey` needs: the case query (the same query the case page runs, so the page finds it
 * in flight or done: one read, one audit event) and, when it answers, the series downloads of the study the viewer
 * shows first. Errors are left to the case page's own query.
 */
export function startCaseLoad(qc: QueryClient, options: { queryKey: QueryKey; queryFn?: unknown }): void {
  void qc.prefetchQuery(options as Parameters<QueryClient['prefetchQuery']>[0]).then(() => {
    const patient = qc.getQueryData(options.queryKey) as { studies?: StudyView[] } | undefined;
    const study = studiesNewestFirst(patient?.studies ?? [])[0];
    if (study) prefetch(viewerSeriesPaths(study));
  });
}
