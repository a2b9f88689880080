/** Pure overlay helpers of the multi-phase viewer: which segmentations a phase shows, overlay indices, centroids. */
import type { LesionView, SegmentationView, SeriesView } from '../lib/contract';

/** Latest version of each (structure, lesion) among `segs`. */
function latestVersions(segs: SegmentationView[]): SegmentationView[] {
  const best = new Map<string, SegmentationView>();
  for (const g of segs) {
    const key = `${g.structure ?? ''}|${g.lesionId ?? ''}`;
    const cur = best.get(key);
    if (!cur || (g.version ?? 0) > (cur.version ?? 0)) best.set(key, g);
  }
  return [...best.values()];
}

/**
 * Segmentations drawn over a series: its own (latest versions); when it has none, those of another series of the
 * same study with identical dimensions (phases of one study share the grid after registration).
 */
export function segmentationsFor(series: SeriesView, all: readonly SeriesView[], segs: SegmentationView[]): { segs: SegmentationView[]; from?: SeriesView } {
  const own = segs.filter((g) => g.seriesId === series.id || (!g.seriesId && all.length === 1));
  if (own.length) return { segs: latestVersions(own) };
  const same = (a?: number[], b?: number[]) => !!a && !!b && a.length === b.length && a.every((v, i) => v === b[i]);
  for (const other of all) {
    if (other.id === series.id || !same(other.dims, series.dims)) continue;
    const theirs = segs.filter((g) => g.seriesId === other.id);
    if (theirs.length) return { segs: latestVersions(theirs), from: other };
  }
  return { segs: [] };
}

/**
 * Overlay index of a segmentation's foreground: 1 for the liver, 2 + i for lesion i of the study (its own colour),
 * and for a multi-label lesion map without lesionId, 1 + the voxel value. Returns null for "use 1 + value".
 */
export function overlayIndex(seg: SegmentationView, lesions: readonly LesionView[]): number | null {
  if (/liver/i.test(seg.structure ?? '')) return 1;
  if (seg.lesionId) {
    const i = lesions.findIndex((l) => l.id === seg.lesionId);
    if (i >= 0) return Math.min(255, 2 + i);
  }
  return null;
}

/** Centroid (i, j, k) of the voxels equal to `value` in an x-fastest label array; null when there are none. */
export function labelCentroid(labels: ArrayLike<number>, dims: readonly number[], value: number): [number, number, number] | null {
  const [nx, ny] = dims;
  let n = 0;
  let si = 0;
  let sj = 0;
  let sk = 0;
  for (let idx = 0; idx < labels.length; idx++) {
    if (labels[idx] !== value) continue;
    const i = idx % nx;
    const j = Math.floor(idx / nx) % ny;
    const k = Math.floor(idx / (nx * ny));
    si += i;
    sj += j;
    sk += k;
    n++;
  }
  return n ? [si / n, sj / n, Math.round(sk / n)] : null;
}

