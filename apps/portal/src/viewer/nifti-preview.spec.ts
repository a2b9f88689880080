import { gzipSync } from 'node:zlib';
import { axialLayout, inflateProgressive, planPreview, windowPixels } from './nifti';

/** A NIfTI-1 (.nii) int16 volume with an sform of the given diagonal/axes and voxel value f(i, j, k). */
function nifti(dims: [number, number, number], srow: number[][], f: (i: number, j: number, k: number) => number, slope = 1, inter = 0, le = true): Uint8Array {
  const [nx, ny, nz] = dims;
  const buf = new ArrayBuffer(352 + nx * ny * nz * 2);
  const dv = new DataView(buf);
  dv.setInt32(0, 348, le);
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((d, i) => dv.setInt16(40 + 2 * i, d, le));
  dv.setInt16(70, 4, le); // int16
  dv.setInt16(72, 16, le);
  [1, 1, 1, 1].forEach((p, i) => dv.setFloat32(76 + 4 * i, p, le));
  dv.setFloat32(108, 352, le);
  dv.setFloat32(112, slope, le);
  dv.setFloat32(116, inter, le);
  dv.setInt16(254, 1, le); // sform_code
  srow.forEach((row, r) => row.forEach((v, c) => dv.setFloat32(280 + 16 * r + 4 * c, v, le)));
  new Uint8Array(buf, 344, 4).set([0x6e, 0x2b, 0x31, 0]); // "n+1\0"
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) dv.setInt16(352 + 2 * ((k * ny + j) * nx + i), f(i, j, k), le);
  return new Uint8Array(buf);
}

const LPS_STORED = [
  [-0.5, 0, 0, 0],
  [0, -2, 0, 0],
  [0, 0, 3, 0],
]; // RAS affine whose i/j axes point to LPS +x/+y: screen = file order

describe('axialLayout', () => {
  it('maps the file axes onto the axial screen (right = LPS +x, down = LPS +y)', () => {
    expect(axialLayout([1, 0, 0, 0, 1, 0, 0, 0, 1])).toEqual({ transpose: false, flipX: false, flipY: false });
    expect(axialLayout([-1, 0, 0, 0, -1, 0, 0, 0, 1])).toEqual({ transpose: false, flipX: true, flipY: true });
    expect(axialLayout([0, 1, 0, -1, 0, 0, 0, 0, -1])).toEqual({ transpose: true, flipX: true, flipY: false });
  });
  it('has no layout for coronal slices or oblique axes', () => {
    expect(axialLayout([1, 0, 0, 0, 0, 1, 0, 1, 0])).toBeNull();
    expect(axialLayout([0.8, 0.6, 0, -0.6, 0.8, 0, 0, 0, 1])).toBeNull();
  });
});

describe('planPreview', () => {
  const f = (i: number, j: number, k: number) => 1000 * k + 10 * j + i;
  it('cuts out the middle slice in file order when the axes are LPS already, with its pixel spacing', () => {
    const bytes = nifti([3, 2, 5], LPS_STORED, f);
    const plan = planPreview(bytes.subarray(0, 352))!;
    expect(plan.needed).toBe(352 + 3 * 3 * 2 * 2); // slices 0..2 of 3×2 int16
    const p = plan.take(bytes.subarray(0, plan.needed));
    expect([p.width, p.height, p.slice, ...p.spacing]).toEqual([3, 2, 2, 0.5, 2]);
    expect(Array.from(p.values)).toEqual([2000, 2001, 2002, 2010, 2011, 2012]);
  });
  it('flips RAS-stored axes and applies scl_slope/scl_inter', () => {
    const ras = [
      [0.5, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 3, 0],
    ];
    const p = planPreview(nifti([3, 2, 4], ras, f, 2, -5))!.take(nifti([3, 2, 4], ras, f, 2, -5));
    expect(p.slice).toBe(2);
    // screen row 0 = j 1 (flipped), screen column 0 = i 2 (flipped); value × 2 − 5
    expect(Array.from(p.values)).toEqual([2012, 2011, 2010, 2002, 2001, 2000].map((v) => 2 * v - 5));
  });
  it('swaps the axes when the file stores columns along x', () => {
    const swapped = [
      [0, -2, 0, 0],
      [-0.5, 0, 0, 0],
      [0, 0, 3, 0],
    ]; // i → LPS +y, j → LPS +x
    const p = planPreview(nifti([3, 2, 1], swapped, f))!.take(nifti([3, 2, 1], swapped, f));
    expect([p.width, p.height, ...p.spacing]).toEqual([2, 3, 2, 0.5]);
    expect(Array.from(p.values)).toEqual([0, 10, 1, 11, 2, 12]);
  });
  it('reads big-endian files the same', () => {
    const ras = [
      [0.5, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 0, 3, 0],
    ];
    const f2 = (i: number, j: number, k: number) => 1000 * k + 10 * j + i - 1500; // negative values too
    const p = planPreview(nifti([3, 2, 4], ras, f2, 1, 0, false))!.take(nifti([3, 2, 4], ras, f2, 1, 0, false));
    expect(Array.from(p.values)).toEqual([2012, 2011, 2010, 2002, 2001, 2000].map((v) => v - 1500));
  });
  it('flips the swapped axes too', () => {
    const swappedRas = [
      [0, 2, 0, 0],
      [0.5, 0, 0, 0],
      [0, 0, 3, 0],
    ]; // i → LPS −y, j → LPS −x: transposed and flipped both ways
    const p = planPreview(nifti([3, 2, 1], swappedRas, f))!.take(nifti([3, 2, 1], swappedRas, f));
    expect([p.width, p.height]).toEqual([2, 3]);
    expect(Array.from(p.values)).toEqual([12, 2, 11, 1, 10, 0]);
  });
  it('says when the bytes are not there yet, and has no plan for other files', () => {
    const bytes = nifti([3, 2, 5], LPS_STORED, f);
    const plan = planPreview(bytes)!;
    expect(() => plan.take(bytes.subarray(0, plan.needed - 1))).toThrow(/bytes in/);
    expect(planPreview(new Uint8Array(400))).toBeNull();
    const coronal = [
      [-1, 0, 0, 0],
      [0, 0, -1, 0],
      [0, 1, 0, 0],
    ];
    expect(planPreview(nifti([2, 2, 2], coronal, f))).toBeNull();
  });
});

describe('windowPixels', () => {
  it('maps the VOI window linearly onto opaque grey, clamped', () => {
    const px = windowPixels({ width: 4, height: 1, values: new Float32Array([-500, -150, 50, 900]), spacing: [1, 1], slice: 0 }, { lower: -150, upper: 360 });
    expect(Array.from(px)).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 100, 100, 100, 255, 255, 255, 255, 255]);
  });
});

describe('inflateProgressive', () => {
  const raw = nifti([64, 64, 40], LPS_STORED, (i, j, k) => (i * 7 + j * 13 + k * 31) % 4000);
  it('gunzips into one buffer and reports progress until everything is in', async () => {
    const seen: number[] = [];
    const out = await inflateProgressive(new Uint8Array(gzipSync(raw)), (_b, n) => seen.push(n));
    expect(new Uint8Array(out)).toEqual(raw);
    expect(seen[seen.length - 1]).toBe(raw.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
  it('grows the buffer when the gzip trailer understates the size (two members)', async () => {
    const half = raw.length / 2;
    const two = Buffer.concat([gzipSync(raw.subarray(0, half)), gzipSync(raw.subarray(half))]);
    expect(new Uint8Array(await inflateProgressive(new Uint8Array(two)))).toEqual(raw);
  });
  it('copies raw bytes as they are', async () => {
    expect(new Uint8Array(await inflateProgressive(raw))).toEqual(raw);
  });
  it('fails on a damaged gzip stream', async () => {
    const gz = new Uint8Array(gzipSync(raw));
    await expect(inflateProgressive(gz.subarray(0, gz.length >> 1))).rejects.toThrow();
  });
});
