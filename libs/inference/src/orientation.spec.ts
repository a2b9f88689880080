import { canonicalMapping, fromCanonical, toCanonical } from './orientation';

const f32 = (n: number) => new Float32Array(n);

describe('canonical orientation', () => {
  const dims = [4, 3, 2];
  const data = Float32Array.from({ length: 24 }, (_, i) => i);

  test('identity direction is a no-op', () => {
    const m = canonicalMapping(dims, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(m.identity).toBe(true);
    expect(toCanonical(data, m, f32)).toBe(data);
  });

  test('RAS-like storage (x and y flipped) is flipped back; z sign is kept', () => {
    const m = canonicalMapping(dims, [-1, 0, 0, 0, -1, 0, 0, 0, -1]);
    expect(m.flip).toEqual([true, true, false]);
    const c = toCanonical(data, m, f32);
    // canonical voxel (0,0,0) is source (3,2,0)
    expect(c[0]).toBe(3 + 4 * 2);
    expect(Array.from(fromCanonical(c, m, f32))).toEqual(Array.from(data));
  });

  test('permuted axes (coronal storage) are reordered and round-trip', () => {
    // index axis 0 -> world x, axis 1 -> world z, axis 2 -> world -y
    const m = canonicalMapping(dims, [1, 0, 0, 0, 0, -1, 0, 1, 0]);
    expect(m.perm).toEqual([0, 2, 1]);
    expect(m.dims).toEqual([4, 2, 3]);
    const c = toCanonical(data, m, f32);
    // canonical (x=1, y=0, z=2) = source axis0=1, axis2 flipped: 1-0 = 1, axis1 = 2
    expect(c[1 + 4 * (0 + 2 * 2)]).toBe(1 + 4 * 2 + 12 * 1);
    expect(Array.from(fromCanonical(c, m, f32))).toEqual(Array.from(data));
  });

  test('degenerate direction is an error', () => {
    expect(() => canonicalMapping(dims, [1, 1, 0, 0, 0, 0, 0, 0, 1])).toThrow(/degenerate/);
  });
});
