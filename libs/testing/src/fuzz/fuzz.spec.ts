/**
 * Hostile and broken input, in CI: a few hundred mutated cases per parser (fixed seed 1; the `fuzz` script runs
 * ≥ 10,000 with any seed), plus regressions for the bugs the fuzzer found. Oracle: see `oracle.ts`.
 */
import { gzipSync } from 'node:zlib';
import { assembleDicomSeries, createVolume, encodeDicom, encodeDicomSeries, parseDicomFile, parseNifti, parseNrrd } from '@hepatoscope/imaging-io';
import { fuzz, runCase, type Target } from './oracle';
import { csvTarget, dicomSeriesTarget, dicomTarget, niftiGzTarget, niftiTarget, nrrdTarget, procedureInputs, trpcTarget, zipTarget } from './targets';

const CASES: Array<[Target<never>, number]> = [
  [niftiTarget, 300],
  [niftiGzTarget, 200],
  [nrrdTarget, 300],
  [dicomTarget, 300],
  [dicomSeriesTarget, 200],
  [csvTarget, 300],
  [zipTarget, 100],
  [trpcTarget, 400],
] as unknown as Array<[Target<never>, number]>;

describe('fuzzing (seed 1)', () => {
  it.each(CASES.map(([t, n]) => [t.name, t, n] as const))('%s: every case handled or rejected with a clear error', (_name, t, n) => {
    const rep = fuzz(t, 1, n);
    expect(rep.failures).toEqual([]);
    expect(rep.cases).toBe(n);
    // the mutants exercise both paths: some inputs are still valid, most are refused
    expect(rep.rejected).toBeGreaterThan(0);
  });

  it('covers every tRPC procedure with an input', () => {
    const procs = procedureInputs();
    expect(procs.length).toBeGreaterThan(30);
    expect(procs.filter((p) => p.schema).length).toBeGreaterThan(25);
  });
});

describe('regressions found by the fuzzer', () => {
  const vol = () =>
    createVolume({ data: new Int16Array(4 * 3 * 2), dims: [4, 3, 2], spacing: [1, 1, 2], origin: [0, 0, 0], metadata: { modality: 'CT' } });
  /** One slice of a valid series with an extra element (the writer sorts elements by tag). */
  const withElement = (tag: number, vr: string, value: string) =>
    encodeDicomSeries(vol(), { extra: [{ tag, vr, value }] }).files[0]!;

  it('a DS with fewer values than expected is a readDicom error, not a TypeError from dicom-parser', () => {
    const f = encodeDicomSeries(vol(), { extra: [{ tag: 0x00280030, vr: 'DS', value: '0.7' }] }).files[0]!;
    const out = runCase(dicomTarget, f as never);
    // PixelSpacing with one value: treated as absent (1 mm assumed, with a warning) — handled, not a crash
    expect(out.kind).toBe('handled');
    const v = assembleDicomSeries([parseDicomFile(f, 'one-value.dcm')]);
    expect(v.metadata.warnings?.join(' ')).toMatch(/PixelSpacing/);
  });

  it('a value that runs past the end of the file is named, not thrown as a bare string', () => {
    const f = Uint8Array.from(encodeDicomSeries(vol(), { transferSyntax: '1.2.840.10008.1.2' }).files[0]!);
    // cut the file inside the pixel data element header area of the implicit data set
    const cut = f.slice(0, f.length - 30);
    const out = runCase(dicomTarget, cut as never);
    expect(out.kind).toBe('rejected');
  });

  it('a huge NumberOfFrames does not drive the frame loop', () => {
    const f = withElement(0x00280008, 'IS', '99999999');
    const t0 = performance.now();
    expect(() => assembleDicomSeries([parseDicomFile(f, 'frames.dcm')])).toThrow(/frames\.dcm declares NumberOfFrames 99999999 but its pixel data holds at most 1 frame/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('an RLE frame declaring 65535×65535 pixels is refused before allocating', () => {
    const header = encodeDicom(
      [
        { tag: 0x00080060, vr: 'CS', value: 'CT' },
        { tag: 0x00280002, vr: 'US', value: 1 },
        { tag: 0x00280010, vr: 'US', value: 0xffff },
        { tag: 0x00280011, vr: 'US', value: 0xffff },
        { tag: 0x00280100, vr: 'US', value: 16 },
        { tag: 0x00280101, vr: 'US', value: 16 },
      ],
      '1.2.840.10008.1.2.5',
    );
    const rle = new Uint8Array(64 + 4);
    new DataView(rle.buffer).setUint32(0, 2, true);
    new DataView(rle.buffer).setUint32(4, 64, true);
    new DataView(rle.buffer).setUint32(8, 66, true);
    const px = [0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0, 0xfe, 0xff, 0x00, 0xe0];
    const len = [rle.length & 0xff, rle.length >> 8, 0, 0];
    const end = [0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0];
    const file = Uint8Array.from([...header, ...px, ...len, ...rle, ...end]);
    expect(() => assembleDicomSeries([parseDicomFile(file, 'big.dcm')])).toThrow(/big\.dcm declares 65535×65535 pixels but its 68-byte RLE frame/);
  });

  it('a NRRD gzip bomb stops at the declared size instead of inflating 32 MiB', () => {
    const bomb = gzipSync(new Uint8Array(32 * 1024 * 1024), { level: 9 }); // ~32 KiB compressed
    const head = new TextEncoder().encode('NRRD0004\ntype: uint8\ndimension: 3\nsizes: 4 4 4\nencoding: gzip\n\n');
    const file = new Uint8Array(head.length + bomb.length);
    file.set(head);
    file.set(bomb, head.length);
    expect(() => parseNrrd(file, 'bomb.nrrd')).toThrow(/readNrrd: bomb\.nrrd has gzip data that expands beyond the 64 bytes its header declares/);
  });

  it('a NIfTI with a 32767³ float64 declared size is refused as truncated, nothing allocated', () => {
    const good = Uint8Array.from(
      require('@hepatoscope/imaging-io').encodeNifti(vol()) as Uint8Array,
    );
    const v = new DataView(good.buffer);
    for (const o of [42, 44, 46]) v.setInt16(o, 32767, true);
    v.setInt16(70, 64, true);
    expect(() => parseNifti(good, 'huge.nii')).toThrow(/readNifti: huge\.nii is truncated/);
    expect(() => parseNifti(new Uint8Array(gzipSync(good)).slice(0, 20), 'huge.nii.gz')).toThrow(/readNifti: huge\.nii\.gz has corrupt or truncated gzip data/);
  });
});
