import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeNrrd, parseNrrd } from './nrrd';
import { createVolume } from './volume';

const fixture = (f: string) => readFileSync(path.join(__dirname, '..', 'fixtures', 'pyradiomics', f));

describe('NRRD', () => {
  it('reads the PyRadiomics breast1 case (gzip, LPS)', () => {
    const img = parseNrrd(fixture('breast1_image.nrrd'), 'breast1_image.nrrd');
    expect(img.dims).toEqual([45, 120, 21]);
    expect(img.dtype).toBe('int16');
    expect(img.spacing[0]).toBeCloseTo(0.664062, 6);
    expect(img.spacing[2]).toBeCloseTo(2.1, 10);
    expect(img.origin).toEqual([-116.54304, -48.14465400000001, 9.4500000000000295]);
    expect(img.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const lab = parseNrrd(fixture('breast1_label.nrrd'), 'breast1_label.nrrd');
    let roi = 0;
    for (let i = 0; i < lab.data.length; i++) if (lab.data[i] === 1) roi++;
    expect(roi).toBe(143); // README of the case
  });

  it('round-trips raw and gzip with oblique geometry and metadata', () => {
    const data = new Float32Array(60).map((_, i) => i * 0.5 - 3);
    const vol = createVolume({
      data,
      dims: [3, 4, 5],
      spacing: [0.5, 0.75, 3],
      origin: [1, -2, 3.25],
      direction: [0, 1, 0, -1, 0, 0, 0, 0, 1],
      metadata: { synthetic: true, phase: 'DELAYED' },
    });
    for (const encoding of ['raw', 'gzip'] as const) {
      const back = parseNrrd(encodeNrrd(vol, { encoding }), 'x.nrrd');
      expect(back.dtype).toBe('float32');
      expect(Array.from(back.data)).toEqual(Array.from(data));
      expect(back.spacing).toEqual([0.5, 0.75, 3]);
      expect(back.origin).toEqual([1, -2, 3.25]);
      expect(back.direction).toEqual([0, 1, 0, -1, 0, 0, 0, 0, 1]);
      expect(back.metadata).toMatchObject({ synthetic: true, phase: 'DELAYED' });
    }
  });

  it('reads RAS space, big endian, ascii and spacings-only headers', () => {
    const ras = new TextEncoder().encode(
      'NRRD0004\ntype: short\ndimension: 3\nspace: right-anterior-superior\nsizes: 2 1 1\n' +
        'space directions: (2,0,0) (0,3,0) (0,0,4)\nendian: big\nencoding: raw\nspace origin: (10,20,30)\n\n',
    );
    const body = new Uint8Array([0x01, 0x02, 0xff, 0xfe]);
    const bytes = new Uint8Array(ras.length + 4);
    bytes.set(ras);
    bytes.set(body, ras.length);
    const v = parseNrrd(bytes);
    expect(Array.from(v.data)).toEqual([0x0102, -2]);
    expect(v.origin).toEqual([-10, -20, 30]);
    expect(v.direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expect(v.spacing).toEqual([2, 3, 4]);
    const ascii = parseNrrd(
      new TextEncoder().encode('NRRD0001\ntype: float\ndimension: 2\nsizes: 2 2\nspacings: 0.5 0.25\nencoding: ascii\n\n1 2.5\n-3 4\n'),
    );
    expect(ascii.dims).toEqual([2, 2, 1]);
    expect(ascii.spacing).toEqual([0.5, 0.25, 1]);
    expect(Array.from(ascii.data)).toEqual([1, 2.5, -3, 4]);
  });

  it('reads a detached header through the loader', () => {
    const hdr = new TextEncoder().encode('NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2 2 1\nencoding: gzip\ndata file: x.raw.gz\n');
    const v = parseNrrd(hdr, 'x.nhdr', { loadDataFile: (f) => (f === 'x.raw.gz' ? gzipSync(Uint8Array.from([1, 2, 3, 4])) : new Uint8Array()) });
    expect(Array.from(v.data)).toEqual([1, 2, 3, 4]);
  });

  describe('bad input names the file and the problem', () => {
    const good = encodeNrrd(createVolume({ data: new Int16Array(24), dims: [2, 3, 4] }), { encoding: 'raw' });
    it('wrong magic', () => {
      expect(() => parseNrrd(new TextEncoder().encode('P6\n2 2\n255\n'), 'a.nrrd')).toThrow(/a\.nrrd is not a NRRD file/);
    });
    it('truncated data and truncated header', () => {
      expect(() => parseNrrd(good.subarray(0, good.length - 1), 'b.nrrd')).toThrow(/b\.nrrd is truncated: 24 int16 voxels need 48 bytes/);
      expect(() => parseNrrd(good.subarray(0, 40), 'c.nrrd')).toThrow(/c\.nrrd (lacks|is truncated)/);
    });
    it('corrupt gzip', () => {
      const gz = encodeNrrd(createVolume({ data: new Int16Array(24), dims: [2, 3, 4] }));
      expect(() => parseNrrd(gz.subarray(0, gz.length - 8), 'd.nrrd')).toThrow(/d\.nrrd has corrupt or truncated gzip/);
    });
    it('wrong dims, missing fields, unsupported type and encoding', () => {
      const t = (s: string) => new TextEncoder().encode(s);
      expect(() => parseNrrd(t('NRRD0004\ntype: short\ndimension: 4\nsizes: 2 2 2 2\nencoding: raw\n\n'), 'e.nrrd')).toThrow(
        /e\.nrrd has 4 dims \[2, 2, 2, 2\] but a 2-D or 3-D scalar image was expected/,
      );
      expect(() => parseNrrd(t('NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2\nencoding: raw\n\n'), 'f.nrrd')).toThrow(
        /f\.nrrd has dimension 3 but sizes "2 2"/,
      );
      expect(() => parseNrrd(t('NRRD0004\ndimension: 3\nsizes: 2 2 2\n\n'), 'g.nrrd')).toThrow(/g\.nrrd lacks the required field "type"/);
      expect(() => parseNrrd(t('NRRD0004\ntype: long long\ndimension: 1\nsizes: 2\n\n'), 'h.nrrd')).toThrow(/h\.nrrd has type "long long"/);
      expect(() => parseNrrd(t('NRRD0004\ntype: short\ndimension: 3\nsizes: 1 1 1\nencoding: bzip2\n\nxx'), 'i.nrrd')).toThrow(
        /i\.nrrd uses encoding "bzip2"/,
      );
    });
  });
});
