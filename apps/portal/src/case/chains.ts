import type { SegmentationView } from '../lib/contract';

/**
 * The latest version of each mask. A mask is a version chain (each new version names the one it replaced in
 * `previousId`), so its latest version is the one no other version replaced; two chains on the same series and
 * structure — a seeded liver mask and an automatic one — are two masks. Without `previousId` (an API before it was
 * sent) the highest version per series, structure and lesion. Ordered by structure, lesion, then source and id.
 */
export function latestChains(segs: readonly SegmentationView[]): SegmentationView[] {
  let heads: SegmentationView[];
  if (segs.some((g) => g.previousId !== undefined)) {
    const replaced = new Set(segs.map((g) => g.previousId).filter((id): id is string => !!id));
    heads = segs.filter((g) => !replaced.has(g.id));
  } else {
    const best = new Map<string, SegmentationView>();
    for (const g of segs) {
      const key = `${g.seriesId ?? ''}|${g.structure ?? ''}|${g.lesionId ?? ''}`;
      const cur = best.get(key);
      if (!cur || (g.version ?? 0) > (cur.version ?? 0)) best.set(key, g);
    }
    heads = [...best.values()];
  }
  return heads.sort(
    (a, b) =>
      String(a.structure).localeCompare(String(b.structure)) ||
      String(a.lesionId).localeCompare(String(b.lesionId)) ||
      String(a.source).localeCompare(String(b.source)) ||
      a.id.localeCompare(b.id),
  );
}
