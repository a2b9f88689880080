import { decodeDicomSeg, encodeDicomSeg, LITS_SEGMENTS, rgbToDicomLab } from './seg';
import { encodeDicomSeries } from './dicom-writer';
import { assembleDicomSeries, parseDicomFile } from './dicom';
import { ctVolume } from './test-helpers';
import type { Mat3 } from './types';
import { indexToWorld, volumeLike } from './volume';

function labelmapFor(dims: readonly [number, number, number]) {
  const [nx, ny, nz] = dims;
  const lab = new Uint8Array(nx * ny * nz);
  for (let k = 1; k < nz - 1; k++)
    for (let j = 1; j < ny - 1; j++)
      for (let i = 1; i < nx - 1; i++) lab[i + nx * (j + ny * k)] = i === 2 && j === 2 && k === 2 ? 2 : 1;
  return lab;
}

describe('DICOM SEG', () => {
  const c = Math.cos(0.2), s = Math.sin(0.2);
  const dir: Mat3 = [c, -s, 0, s, c, 0, 0, 0, 1];
  const ct = ctVolume([6, 5, 5], dir);
  const series = encodeDicomSeries(ct);
  const labelmap = volumeLike(ct, labelmapFor(ct.dims));

  it('writes a SEG that reads back to the same label map on the reference grid', () => {
    const seg = encodeDicomSeg(labelmap, LITS_SEGMENTS, series.files, { algorithmName: 'test' });
    const ref = assembleDicomSeries(series.files.map((f, i) => parseDicomFile(f, `s${i}`)));
    const back = decodeDicomSeg(seg, 'seg.dcm', ref);
    expect(Array.from(back.labelmap.data)).toEqual(Array.from(labelmap.data));
    expect(back.segments.map((x) => [x.number, x.name, x.algorithmType, x.type?.CodeMeaning])).toEqual([
      [1, 'Liver', 'AUTOMATIC', 'Liver'],
      [2, 'Tumour', 'AUTOMATIC', 'Neoplasm'],
    ]);
    // liver present on slices 1..3, tumour on slice 2 only → 4 frames; each frame references the source
    // slice at the same position
    expect(back.referencedSopInstanceUids).toHaveLength(4);
    for (const uid of back.referencedSopInstanceUids) expect(series.sopInstanceUids).toContain(uid);
    const f = parseDicomFile(seg, 'seg.dcm').dataSet;
    expect(f.string('x00080060')).toBe('SEG');
    expect(f.string('x00620001')).toBe('BINARY');
    expect(f.string('x0020000d')).toBe(series.studyInstanceUid);
    expect(f.string('x00200052')).toBe(series.frameOfReferenceUid);
  });

  it('frames reference the source slice at their own position', () => {
    const seg = encodeDicomSeg(labelmap, LITS_SEGMENTS, series.files);
    const ds = parseDicomFile(seg, 'seg.dcm').dataSet;
    const perFrame = ds.elements['x52009230'].items!;
    for (const it of perFrame) {
      const d = it.dataSet!;
      const ipp = [0, 1, 2].map((t) => d.elements['x00209113'].items![0].dataSet!.floatString('x00200032', t)!);
      const sop = d.elements['x00089124'].items![0].dataSet!.elements['x00082112'].items![0].dataSet!.string('x00081155');
      const k = series.sopInstanceUids.indexOf(sop!);
      const w = indexToWorld(ct, 0, 0, k);
      ipp.forEach((v, t) => expect(v).toBeCloseTo(w[t], 3));
    }
  });

  it('reads back without a reference on a grid spanning the segmented slices', () => {
    const seg = encodeDicomSeg(labelmap, LITS_SEGMENTS, series.files);
    const back = decodeDicomSeg(seg, 'seg.dcm');
    expect(back.labelmap.dims).toEqual([6, 5, 3]);
    const w = indexToWorld(back.labelmap, 0, 0, 0);
    const want = indexToWorld(ct, 0, 0, 1);
    w.forEach((v, t) => expect(v).toBeCloseTo(want[t], 3));
    const plane = 30;
    expect(Array.from(back.labelmap.data)).toEqual(Array.from(labelmap.data.subarray(plane, 4 * plane)));
  });

  it('rejects a label map that is not on the reference grid, and non-SEG input', () => {
    const other = volumeLike(ctVolume([6, 5, 5], dir, [0.8, 0.9, 3]), labelmapFor([6, 5, 5]));
    expect(() => encodeDicomSeg(other, LITS_SEGMENTS, series.files)).toThrow(/does not fall on a slice of the label map grid/);
    expect(() => decodeDicomSeg(series.files[0], 'ct.dcm')).toThrow(/ct\.dcm is not a Segmentation object/);
  });

  it('converts display colours to DICOM CIELab', () => {
    expect(rgbToDicomLab([255, 255, 255])).toEqual([65535, 32896, 32896]);
    expect(rgbToDicomLab([0, 0, 0])).toEqual([0, 32896, 32896]);
  });
});
