import { extractionSummary } from './JobProgressSummary';

const row = (label: number, component = 1) => ({ label, component, voxels: 100, features: { original_shape_VoxelVolume: 1 } });

describe('extractionSummary', () => {
  it('names every failed lesion with its reason: "2 of 3 lesions extracted; lesion 3 …"', () => {
    const s = extractionSummary({
      rows: [row(1), row(2)],
      failed: [{ label: 3, component: 1, voxels: 1, reason: 'no voxel left after resampling' }],
      featureSetIds: ['a', 'b'],
    })!;
    expect(s.extracted).toBe(2);
    expect(s.total).toBe(3);
    expect(s.text).toBe('2 of 3 lesions extracted; lesion 3 (1 voxel): no voxel left after resampling');
    expect(s.failures.map((f) => f.name)).toEqual(['lesion 3']);
  });
  it('uses the given lesion names and names the part of a split label', () => {
    const s = extractionSummary(
      {
        rows: [row(2, 1)],
        failed: [
          { label: 2, component: 2, voxels: 3, reason: 'too small' },
          { label: 5, component: 1, voxels: 7, reason: 'flat intensities' },
        ],
      },
      (l) => `L${l}`,
    )!;
    expect(s.text).toBe('1 of 3 lesions extracted; L2 part 2 (3 voxels): too small; L5 (7 voxels): flat intensities');
  });
  it('no failures: just the count; malformed failure entries are ignored', () => {
    expect(extractionSummary({ rows: [row(1)], failed: [] })!.text).toBe('1 lesion extracted');
    expect(extractionSummary({ rows: [row(1), row(2)], failed: [{ label: 'x' }, null] })!.text).toBe('2 lesions extracted');
    expect(extractionSummary({ rows: [row(1), row(2)] })!.failures).toEqual([]);
  });
  it('is null for results that are not an extraction (segmentation, none)', () => {
    expect(extractionSummary(null)).toBeNull();
    expect(extractionSummary({ segmentationId: 's', summary: {} })).toBeNull();
    expect(extractionSummary('done')).toBeNull();
  });
});
