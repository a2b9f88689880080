import { labelCentroid, overlayIndex, segmentationsFor } from './overlay';
import { affineToLps, isGzip, readNiftiLabels, voxelView } from './nifti';

const series = [
  { id: 'a', phase: 'ARTERIAL', dims: [4, 4, 2], url: '' },
  { id: 'p', phase: 'PORTAL_VENOUS', dims: [4, 4, 2], url: '' },
  { id: 'x', phase: 'DELAYED', dims: [8, 8, 2], url: '' },
];
const segs = [
  { id: 'liver1', seriesId: 'p', structure: 'LIVER', version: 1, url: '' },
  { id: 'liver2', seriesId: 'p', structure: 'LIVER', version: 2, url: '' },
  { id: 'l1', seriesId: 'p', structure: 'LESION', lesionId: 'L1', version: 1, url: '' },
];

describe('segmentationsFor', () => {
  it('uses the latest version of each structure of the series itself', () => {
    expect(segmentationsFor(series[1], series, segs).segs.map((g) => g.id).sort()).toEqual(['l1', 'liver2']);
  });
  it('borrows from a phase with the same grid, and says from which', () => {
    const r = segmentationsFor(series[0], series, segs);
    expect(r.from?.id).toBe('p');
    expect(r.segs).toHaveLength(2);
  });
  it('shows nothing over a phase with another grid', () => {
    expect(segmentationsFor(series[2], series, segs).segs).toEqual([]);
  });
});

describe('overlayIndex', () => {
  const lesions = [{ id: 'L0', label: 'L0' }, { id: 'L1', label: 'L1' }];
  it('liver → 1, lesion i → 2 + i, unknown multi-label → null (1 + value)', () => {
    expect(overlayIndex(segs[0], lesions)).toBe(1);
    expect(overlayIndex(segs[2], lesions)).toBe(3);
    expect(overlayIndex({ id: 't', structure: 'TUMOUR', url: '' }, lesions)).toBeNull();
  });
});

describe('labelCentroid', () => {
  it('averages the i, j, k of the matching voxels (x fastest)', () => {
    const dims = [3, 2, 2];
    const lab = new Uint8Array(12);
    lab[0 + 3 * 1 + 6 * 1] = 5; // (0,1,1)
    lab[2 + 3 * 1 + 6 * 1] = 5; // (2,1,1)
    expect(labelCentroid(lab, dims, 5)).toEqual([1, 1, 1]);
    expect(labelCentroid(lab, dims, 7)).toBeNull();
  });
});

describe('nifti helpers', () => {
  it('recognises gzip', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(new Uint8Array([0x5c, 0x01]))).toBe(false);
  });
  it('affineToLps flips x and y of the RAS affine and splits spacing from direction', () => {
    const g = affineToLps(
      [
        [-0.75, 0, 0, 10],
        [0, -0.75, 0, 20],
        [0, 0, 2.5, -30],
        [0, 0, 0, 1],
      ],
      [4, 4, 2],
    );
    expect(g.spacing).toEqual([0.75, 0.75, 2.5]);
    expect(g.origin).toEqual([-10, -20, -30]);
    expect(g.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
  it('readNiftiLabels reads a uint8 NIfTI-1 and refuses other bytes', () => {
    const buf = new ArrayBuffer(352 + 8);
    const dv = new DataView(buf);
    dv.setInt32(0, 348, true);
    [3, 2, 2, 2].forEach((v, i) => dv.setInt16(40 + 2 * i, v, true));
    dv.setInt16(70, 2, true);
    dv.setFloat32(108, 352, true);
    new Uint8Array(buf, 352).set([0, 1, 0, 2, 0, 0, 3, 0]);
    const r = readNiftiLabels(buf);
    expect(r.dims).toEqual([2, 2, 2]);
    expect([...r.data]).toEqual([0, 1, 0, 2, 0, 0, 3, 0]);
    expect(() => readNiftiLabels(new ArrayBuffer(400))).toThrow(/not a NIfTI/);
  });
});

describe('voxelView', () => {
  const make = (datatype: number, slope: number) => {
    const buf = new ArrayBuffer(352 + 16);
    const dv = new DataView(buf);
    dv.setInt32(0, 348, true);
    [3, 2, 2, 2].forEach((v, i) => dv.setInt16(40 + 2 * i, v, true));
    dv.setInt16(70, datatype, true);
    dv.setFloat32(108, 352, true);
    dv.setFloat32(112, slope, true);
    dv.setInt16(352, -1000, true);
    return buf;
  };
  it('is a zero-copy int16 view with identity scaling', () => {
    const buf = make(4, 1);
    const v = voxelView(buf)!;
    expect(v).toBeInstanceOf(Int16Array);
    expect(v.length).toBe(8);
    expect(v[0]).toBe(-1000);
    expect(v.buffer).toBe(buf);
  });
  it('refuses scaled data and unsupported types (the caller copies and rescales)', () => {
    expect(voxelView(make(4, 2))).toBeNull();
    expect(voxelView(make(64, 1))).toBeNull();
  });
});
