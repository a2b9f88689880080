import { gzipSync } from 'node:zlib';
import { encodeNifti, parseNifti } from './nifti';
import { createVolume, indexToWorld } from './volume';
import { det3 } from './geometry';
import type { Mat3 } from './types';

function ramp(dims: [number, number, number]) {
  const n = dims[0] * dims[1] * dims[2];
  const d = new Int16Array(n);
  for (let i = 0; i < n; i++) d[i] = (i % 4000) - 1000;
  return d;
}

// A rotation about z by 30° composed with a flip of the slice axis (det −1): exercises qfac.
const c = Math.cos(Math.PI / 6);
const s = Math.sin(Math.PI / 6);
const oblique: Mat3 = [c, -s, 0, s, c, 0, 0, 0, -1];

describe('NIfTI', () => {
  it('round-trips data, geometry and metadata through .nii and .nii.gz', () => {
    const vol = createVolume({
      data: ramp([5, 4, 3]),
      dims: [5, 4, 3],
      spacing: [0.7, 0.8, 2.5],
      origin: [-10, 20.5, 33],
      direction: oblique,
      metadata: { synthetic: true, phase: 'ARTERIAL', modality: 'CT' },
    });
    for (const bytes of [encodeNifti(vol), gzipSync(encodeNifti(vol))]) {
      const back = parseNifti(bytes, 'x.nii');
      expect(back.dims).toEqual([5, 4, 3]);
      expect(back.dtype).toBe('int16');
      expect(Array.from(back.data)).toEqual(Array.from(vol.data));
      back.spacing.forEach((v, t) => expect(v).toBeCloseTo(vol.spacing[t], 5));
      back.origin.forEach((v, t) => expect(v).toBeCloseTo(vol.origin[t], 4));
      back.direction.forEach((v, t) => expect(v).toBeCloseTo(vol.direction[t], 5));
      expect(back.metadata.synthetic).toBe(true);
      expect(back.metadata.phase).toBe('ARTERIAL');
    }
  });

  it('reads the qform when the sform is absent, with the same geometry', () => {
    const vol = createVolume({ data: ramp([3, 3, 3]), dims: [3, 3, 3], spacing: [1, 2, 3], origin: [4, 5, 6], direction: oblique });
    const bytes = encodeNifti(vol);
    new DataView(bytes.buffer).setInt16(254, 0, true); // sform_code = 0
    const back = parseNifti(bytes);
    const p = indexToWorld(back, 1, 2, 1);
    const q = indexToWorld(vol, 1, 2, 1);
    p.forEach((v, t) => expect(v).toBeCloseTo(q[t], 4));
    expect(det3(back.direction)).toBeCloseTo(-1, 5);
  });

  it('converts RAS (NIfTI) to LPS: an identity sform means direction diag(-1,-1,1)', () => {
    const vol = createVolume({ data: new Uint8Array(8), dims: [2, 2, 2], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] });
    const bytes = encodeNifti(vol, { metadataExtension: false });
    const v = new DataView(bytes.buffer);
    // stored sform rows are RAS: identity
    expect([v.getFloat32(280, true), v.getFloat32(300, true), v.getFloat32(320, true)]).toEqual([1, 1, 1]);
    expect(parseNifti(bytes).direction).toEqual([-1, 0, 0, -0, -1, 0, 0, 0, 1].map((x) => x || 0));
  });

  it('applies scl_slope/scl_inter', () => {
    const vol = createVolume({ data: new Uint16Array([0, 1000, 2000, 4095]), dims: [4, 1, 1] });
    const bytes = encodeNifti(vol);
    const v = new DataView(bytes.buffer);
    v.setFloat32(112, 1, true);
    v.setFloat32(116, -1024, true);
    const hu = parseNifti(bytes);
    expect(hu.dtype).toBe('int16');
    expect(Array.from(hu.data)).toEqual([-1024, -24, 976, 3071]);
    v.setFloat32(112, 0.5, true);
    const f = parseNifti(bytes);
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.data)).toEqual([-1024, -524, -24, 1023.5]);
  });

  it('reads big-endian files', () => {
    const vol = createVolume({ data: new Int16Array([1, -2, 300, -4000]), dims: [2, 2, 1] });
    const le = encodeNifti(vol, { metadataExtension: false });
    const be = le.slice();
    const dv = new DataView(be.buffer);
    const lv = new DataView(le.buffer);
    dv.setInt32(0, 348, false);
    for (let t = 0; t < 8; t++) dv.setInt16(40 + 2 * t, lv.getInt16(40 + 2 * t, true), false);
    dv.setInt16(70, 4, false);
    dv.setInt16(72, 16, false);
    for (let t = 0; t < 8; t++) dv.setFloat32(76 + 4 * t, lv.getFloat32(76 + 4 * t, true), false);
    dv.setFloat32(108, 352, false);
    dv.setFloat32(112, 1, false);
    dv.setInt16(252, 0, false);
    dv.setInt16(254, 0, false);
    for (let i = 0; i < 4; i++) dv.setInt16(352 + 2 * i, lv.getInt16(352 + 2 * i, true), false);
    expect(Array.from(parseNifti(be).data)).toEqual([1, -2, 300, -4000]);
  });

  describe('bad input names the file and the problem', () => {
    const good = encodeNifti(createVolume({ data: new Int16Array(24), dims: [2, 3, 4] }));
    it('wrong magic / not NIfTI', () => {
      expect(() => parseNifti(new TextEncoder().encode('hello world, not an image at all'), 'a.nii')).toThrow(
        /a\.nii is not a NIfTI file \(sizeof_hdr/,
      );
      const bad = good.slice();
      bad[344] = 0x78;
      expect(() => parseNifti(bad, 'b.nii')).toThrow(/b\.nii .*magic is "x\+1"/);
    });
    it('truncated header and truncated data', () => {
      expect(() => parseNifti(good.subarray(0, 200), 'c.nii')).toThrow(/c\.nii is truncated: 200 bytes, the NIfTI-1 header/);
      expect(() => parseNifti(good.subarray(0, good.length - 3), 'd.nii')).toThrow(/d\.nii is truncated: 24 int16 voxels need/);
    });
    it('corrupt and truncated gzip', () => {
      const gz = gzipSync(good);
      expect(() => parseNifti(gz.subarray(0, gz.length - 10), 'e.nii.gz')).toThrow(/e\.nii\.gz has corrupt or truncated gzip/);
      const corrupt = Uint8Array.from(gz);
      for (let i = 20; i < 40; i++) corrupt[i] ^= 0xff;
      expect(() => parseNifti(corrupt, 'f.nii.gz')).toThrow(/f\.nii\.gz has corrupt or truncated gzip/);
    });
    it('4-D with several volumes, unsupported datatype, bad dims', () => {
      const four = good.slice();
      const v = new DataView(four.buffer);
      v.setInt16(40, 4, true);
      v.setInt16(48, 2, true);
      expect(() => parseNifti(four, 'g.nii')).toThrow(/g\.nii has 4 dims \[2, 3, 4, 2\] with 2 volumes/);
      const rgb = good.slice();
      new DataView(rgb.buffer).setInt16(70, 128, true);
      expect(() => parseNifti(rgb, 'h.nii')).toThrow(/h\.nii has datatype 128 \(RGB24\)/);
      const zero = good.slice();
      new DataView(zero.buffer).setInt16(44, 0, true);
      expect(() => parseNifti(zero, 'i.nii')).toThrow(/i\.nii has a non-positive size/);
    });
  });
});
