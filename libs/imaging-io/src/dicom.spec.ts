import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { assembleDicomSeries, parseDicomFile, readDicomSeries } from './dicom';
import { encodeDicomSeries, encodeEnhancedCt, encodeDicom, TS_IMPLICIT_LE, newUid, type DicomSeriesOptions } from './dicom-writer';
import { encodePackBits } from './rle';
import { concat, ctVolume, deflateFile, encapsulatedPixelData } from './test-helpers';
import type { Mat3, Volume } from './types';
import { createVolume, indexToWorld, worldToIndex } from './volume';

const parseAll = (files: Uint8Array[], prefix = 's') => files.map((b, i) => parseDicomFile(b, `${prefix}${String(i).padStart(3, '0')}.dcm`));
const read = (files: Uint8Array[], o = {}) => assembleDicomSeries(parseAll(files), o);

/** every voxel of `got` has the value of the voxel of `want` at the same world position */
function expectSameWorldContent(got: Volume, want: Volume) {
  const [nx, ny, nz] = got.dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const w = worldToIndex(want, indexToWorld(got, i, j, k)).map(Math.round);
        const a = got.data[i + nx * (j + ny * k)];
        const b = want.data[w[0] + want.dims[0] * (w[1] + want.dims[1] * w[2])];
        if (a !== b) throw new Error(`voxel ${i},${j},${k}: ${a} vs ${b}`);
      }
}

const shuffle = <T>(a: T[]) => a.map((x, i) => [((i * 7919) % 13) + i / 100, x] as const).sort((p, q) => p[0] - q[0]).map((p) => p[1]);

describe('DICOM series reader', () => {
  it('reads a CT series in any file order, rescaled to HU, with LPS geometry', () => {
    const vol = ctVolume();
    const { files } = encodeDicomSeries(vol, { seriesDescription: 'Abdomen PV 70s' });
    const got = read(shuffle(files));
    expect(got.dims).toEqual(vol.dims);
    expect(got.dtype).toBe('int16');
    expect(Array.from(got.data)).toEqual(Array.from(vol.data));
    got.spacing.forEach((s, t) => expect(s).toBeCloseTo(vol.spacing[t], 6));
    expect(got.origin).toEqual(vol.origin);
    expect(got.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(got.metadata).toMatchObject({ modality: 'CT', hounsfield: true, phase: 'PORTAL_VENOUS', phaseSource: 'description' });
  });

  it('sorts along the normal of an oblique series whose k axis points against it', () => {
    const c = Math.cos(0.3), s = Math.sin(0.3);
    // rows along (c, s, 0), columns along (0, 0, -1) (coronal-ish), slices along −(row × col)
    const row = [c, s, 0], col = [0, 0, -1];
    const nrm = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]];
    const dir: Mat3 = [row[0], col[0], -nrm[0], row[1], col[1], -nrm[1], row[2], col[2], -nrm[2]];
    const vol = ctVolume([5, 4, 6], dir);
    const got = read(encodeDicomSeries(vol).files);
    // the reader's k axis is +normal: slice order reversed, same world content
    for (let t = 0; t < 3; t++) expect(got.direction[3 * t + 2]).toBeCloseTo(nrm[t], 6);
    expectSameWorldContent(got, vol);
  });

  it('reads MR without rescale as raw unsigned values and applies non-integer slopes as float32', () => {
    const data = new Uint16Array(4 * 3 * 2).map((_, i) => i * 100);
    const mr = createVolume({ data, dims: [4, 3, 2], metadata: {} });
    const got = read(encodeDicomSeries(mr, { modality: 'MR' }).files);
    expect(got.dtype).toBe('uint16');
    expect(got.metadata.modality).toBe('MR');
    expect(Array.from(got.data)).toEqual(Array.from(data));
    const f = createVolume({ data: new Float32Array([-1000, -0.5, 0, 0.5, 1200.25, 3]), dims: [3, 2, 1] });
    const gf = read(encodeDicomSeries(f, { rescaleSlope: 0.25, rescaleIntercept: -1024 }).files);
    expect(gf.dtype).toBe('float32');
    expect(Array.from(gf.data)).toEqual([-1000, -0.5, 0, 0.5, 1200.25, 3]);
  });

  it('reads implicit VR and deflated transfer syntaxes', () => {
    const vol = ctVolume([4, 4, 3]);
    expect(Array.from(read(encodeDicomSeries(vol, { transferSyntax: TS_IMPLICIT_LE }).files).data)).toEqual(Array.from(vol.data));
    const defl = encodeDicomSeries(vol, { transferSyntax: '1.2.840.10008.1.2.1.99' }).files.map((f) => deflateFile(f, (x) => x));
    const got = read(defl);
    expect(got.metadata.transferSyntax).toBe('1.2.840.10008.1.2.1.99');
    expect(Array.from(got.data)).toEqual(Array.from(vol.data));
  });

  it('decodes RLE Lossless', () => {
    const vol = ctVolume([7, 3, 2]);
    const files = encodeDicomSeries(vol, { transferSyntax: '1.2.840.10008.1.2.5' }).files.map((f, k) => {
      const n = 7 * 3;
      const native = f.subarray(f.length - 2 * n); // stored uint16 little endian
      const hi = new Uint8Array(n), lo = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        lo[i] = native[2 * i];
        hi[i] = native[2 * i + 1];
      }
      const s0 = encodePackBits(hi), s1 = encodePackBits(lo);
      const header = new Uint8Array(64);
      const hv = new DataView(header.buffer);
      hv.setUint32(0, 2, true);
      hv.setUint32(4, 64, true);
      hv.setUint32(8, 64 + s0.length, true);
      void k;
      return concat(f.subarray(0, f.length - 2 * n - 12), encapsulatedPixelData([concat(header, s0, s1)]));
    });
    expect(Array.from(read(files).data)).toEqual(Array.from(vol.data));
  });

  it('reads an Enhanced CT multi-frame object', () => {
    const vol = ctVolume([5, 4, 6]);
    const got = read([encodeEnhancedCt(vol)]);
    expect(got.dims).toEqual([5, 4, 6]);
    expect(Array.from(got.data)).toEqual(Array.from(vol.data));
    got.spacing.forEach((s, t) => expect(s).toBeCloseTo(vol.spacing[t], 6));
    expect(got.metadata.hounsfield).toBe(true);
  });

  it('drops localizers and non-image objects with a warning', () => {
    const vol = ctVolume([4, 4, 3]);
    const series = encodeDicomSeries(vol);
    const scout = encodeDicomSeries(ctVolume([4, 4, 1], [1, 0, 0, 0, 0, -1, 0, 1, 0]), {
      seriesInstanceUid: series.seriesInstanceUid,
      extra: [{ tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\LOCALIZER' }],
    }).files[0];
    const sr = encodeDicom([
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.88.11' },
      { tag: 0x00080018, vr: 'UI', value: newUid() },
      { tag: 0x00080060, vr: 'CS', value: 'SR' },
      { tag: 0x0020000e, vr: 'UI', value: series.seriesInstanceUid },
    ]);
    const got = read([scout, ...series.files, sr]);
    expect(got.dims).toEqual([4, 4, 3]);
    expect((got.metadata.warnings ?? []).join(' ')).toMatch(/ignored 1 non-image.*SR.*ignored 1 localizer/);
  });

  it('reads files from disk and names them in errors', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hs-dcm-'));
    try {
      const { files } = encodeDicomSeries(ctVolume([4, 4, 3]));
      files.forEach((f, i) => writeFileSync(path.join(dir, `im${i}.dcm`), f));
      const v = await readDicomSeries(files.map((_, i) => path.join(dir, `im${i}.dcm`)));
      expect(v.dims).toEqual([4, 4, 3]);
      writeFileSync(path.join(dir, 'im1.dcm'), files[1].subarray(0, files[1].length - 10));
      await expect(readDicomSeries(files.map((_, i) => path.join(dir, `im${i}.dcm`)))).rejects.toThrow(/im1\.dcm is (corrupt or )?truncated/);
      await expect(readDicomSeries([path.join(dir, 'nope.dcm')])).rejects.toThrow(/cannot read .*nope\.dcm/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('bad series give clear errors', () => {
    const vol = ctVolume([4, 4, 5]);
    const series = (o: DicomSeriesOptions = {}) => encodeDicomSeries(vol, o).files;

    it('not DICOM, truncated header', () => {
      expect(() => parseDicomFile(new TextEncoder().encode('just some text'), 'notes.txt')).toThrow(/notes\.txt is not a DICOM Part-10 file/);
      const f = series()[0];
      expect(() => parseDicomFile(f.subarray(0, 300), 'cut.dcm')).toThrow(/cut\.dcm is (corrupt or truncated|truncated)/);
    });

    it('truncated pixel data', () => {
      const f = series();
      // cut inside the pixel data but keep a valid element header: shrink the OW length field is not needed,
      // dicom-parser reports the missing bytes
      expect(() => read([f[0], f[1].subarray(0, f[1].length - 5), ...f.slice(2)])).toThrow(/s001\.dcm is (corrupt or truncated|truncated)/);
    });

    it('mixed series', () => {
      const a = series({ seriesDescription: 'ART' });
      const b = series({ seriesDescription: 'PV' });
      expect(() => read([...a, ...b])).toThrow(/mixes 2 series: .*"ART" \(5 files.*"PV" \(5 files.*seriesInstanceUid/);
      const uid = assembleDicomSeries(parseAll(b)).metadata.seriesInstanceUid as string;
      expect(read([...a, ...b], { seriesInstanceUid: uid }).metadata.seriesDescription).toBe('PV');
    });

    it('mixed orientations', () => {
      const a = series();
      const tilted = encodeDicomSeries(ctVolume([4, 4, 1], [1, 0, 0, 0, 0.8, -0.6, 0, 0.6, 0.8]), {
        seriesInstanceUid: assembleDicomSeries(parseAll(a)).metadata.seriesInstanceUid as string,
      }).files;
      expect(() => read([...a, ...tilted])).toThrow(/mixed orientations: 5 slice\(s\) with ImageOrientationPatient \(1, 0, 0, 0, 1, 0\).*1 slice\(s\) with .*\(1, 0, 0, 0, 0\.8, 0\.6\)/);
    });

    it('duplicates (error, or keep the first)', () => {
      const a = series();
      expect(() => read([...a, a[2]])).toThrow(/duplicate slice position 60\.000 mm .* s002\.dcm and s005\.dcm|duplicate slice position 60\.000 mm/);
      expect(read([...a, a[2]], { duplicates: 'first' }).dims).toEqual([4, 4, 5]);
    });

    it('gaps and uneven spacing', () => {
      const a = series();
      expect(() => read([a[0], a[1], a[3], a[4]])).toThrow(/gap in the series: 5\.000 mm between s001\.dcm and s002\.dcm where the spacing is 2\.500 mm \(about 1 missing/);
      // move slice 2 by 0.4 mm
      const moved = encodeDicomSeries(vol, { seriesInstanceUid: 'x' }).files;
      const shifted = createVolume({ ...vol, origin: [vol.origin[0], vol.origin[1], vol.origin[2] + 0.4] });
      const m2 = encodeDicomSeries(shifted, { seriesInstanceUid: 'x' }).files[2];
      expect(() => read([moved[0], moved[1], m2, moved[3], moved[4]])).toThrow(/uneven slice spacing: 2\.100 to 2\.900 mm/);
      const tolerated = read([moved[0], moved[1], m2, moved[3], moved[4]], { unevenSpacing: 'warn' });
      expect(tolerated.spacing[2]).toBeCloseTo(2.5, 6);
      expect(tolerated.metadata.warnings?.[0]).toMatch(/uneven slice spacing/);
    });

    const fakeEncapsulated = (ts: string) =>
      series({ transferSyntax: ts }).map((b) =>
        concat(b.subarray(0, b.length - 4 * 4 * 2 - 12), encapsulatedPixelData([Uint8Array.from([0xff, 0x4f, 0xff, 0x51])])),
      );

    it('unsupported transfer syntax is named', () => {
      expect(() => read(fakeEncapsulated('1.2.840.10008.1.2.4.100'))).toThrow(
        /s000\.dcm uses transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100 \(MPEG2 Main Profile \/ Main Level\), which cannot be decoded/,
      );
      expect(() => read(fakeEncapsulated('1.2.840.10008.1.2.4.51'))).toThrow(/JPEG Extended \(Process 2 & 4\)/);
    });

    it('decodes HTJ2K (frames encoded with OpenJPH in the test)', async () => {
      const m = await (require('@cornerstonejs/codec-openjph/wasmjs') as (o: object) => Promise<{ HTJ2KEncoder: new () => {
        getDecodedBuffer(fi: object): Uint8Array; setQuality(lossless: boolean, q: number): void; encode(): void; getEncodedBuffer(): Uint8Array; delete(): void;
      } }>)({ print: () => undefined, printErr: () => undefined });
      const v = ctVolume([6, 5, 3]);
      const native = encodeDicomSeries(v, { transferSyntax: '1.2.840.10008.1.2.4.201' }).files;
      const dir = mkdtempSync(path.join(tmpdir(), 'hs-htj2k-'));
      try {
        const paths = native.map((f, i) => {
          const px = f.slice(f.length - 60); // stored uint16 (signed in this series) little endian
          const enc = new m.HTJ2KEncoder();
          enc.getDecodedBuffer({ width: 6, height: 5, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false }).set(px);
          enc.setQuality(true, 0);
          enc.encode();
          const cs = enc.getEncodedBuffer().slice();
          enc.delete();
          const p = path.join(dir, `h${i}.dcm`);
          writeFileSync(p, concat(f.subarray(0, f.length - 60 - 12), encapsulatedPixelData([cs])));
          return p;
        });
        const got = await readDicomSeries(paths);
        expect(got.metadata.transferSyntax).toBe('1.2.840.10008.1.2.4.201');
        expect(Array.from(got.data)).toEqual(Array.from(v.data));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('corrupt JPEG 2000 / JPEG-LS data is reported with the file', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'hs-j2k-'));
      try {
        for (const ts of ['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.80']) {
          const files = fakeEncapsulated(ts).map((f, i) => {
            const p = path.join(dir, `x${i}.dcm`);
            writeFileSync(p, f);
            return p;
          });
          await expect(readDicomSeries(files)).rejects.toThrow(/x\d\.dcm.*(corrupt|frame is|decoded)/);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('mixed image sizes', () => {
      const a = series();
      const big = encodeDicomSeries(ctVolume([5, 4, 1]), { seriesInstanceUid: assembleDicomSeries(parseAll(a)).metadata.seriesInstanceUid as string }).files;
      expect(() => read([...a, ...big])).toThrow(/mixed image sizes in one series: s000\.dcm is 4×4 but s005\.dcm is 5×4/);
    });
  });
});
