import type { SegmentationView } from '../lib/contract';
import { latestChains } from './chains';

const seg = (id: string, o: Partial<SegmentationView>): SegmentationView => ({ id, url: `/api/files/segmentations/${id}`, ...o });

describe('latestChains', () => {
  it('keeps the latest version of each chain, and an automatic liver mask beside the seeded one on the same series', () => {
    const segs = [
      seg('l1', { seriesId: 's', structure: 'LIVER', source: 'SEED', version: 1, previousId: null }),
      seg('l2', { seriesId: 's', structure: 'LIVER', source: 'MANUAL', version: 2, previousId: 'l1' }),
      seg('a1', { seriesId: 's', structure: 'LIVER', source: 'AUTO', version: 1, previousId: null }),
      seg('t1', { seriesId: 's', structure: 'LESION', lesionId: 'x', source: 'SEED', version: 1, previousId: null }),
    ];
    expect(latestChains(segs).map((g) => g.id)).toEqual(['t1', 'a1', 'l2']);
  });

  it('without previousId falls back to the highest version per series, structure and lesion', () => {
    const segs = [
      seg('l1', { seriesId: 's', structure: 'LIVER', version: 1 }),
      seg('l2', { seriesId: 's', structure: 'LIVER', version: 2 }),
      seg('m1', { seriesId: 'other', structure: 'LIVER', version: 1 }),
    ];
    expect(latestChains(segs).map((g) => g.id)).toEqual(['l2', 'm1']);
  });
});
