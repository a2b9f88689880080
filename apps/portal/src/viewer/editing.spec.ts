import {
  applyOp,
  boxThresholdFill,
  boxThresholdIndices,
  boxVoxels,
  brushIndices,
  confirmDiscardUnsavedEdits,
  countForeground,
  EditHistory,
  encodeLabelNifti,
  gzip,
  installUnsavedEditsGuard,
  mergeOps,
  paint,
  planeAxis,
  planeBox,
  regionGrow,
  voxelIndex,
  withinRange,
  type GuardWindow,
  type Vec3,
} from './editing';
import { gunzip, isGzip, readNiftiLabels } from './nifti';

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

describe('planeAxis', () => {
  it('picks the volume axis most parallel to the view normal', () => {
    expect(planeAxis(IDENTITY, [0, 0, 1])).toBe(2);
    expect(planeAxis(IDENTITY, [0, -1, 0])).toBe(1);
    expect(planeAxis(IDENTITY, [0.9, 0.1, 0.3])).toBe(0);
    // a volume whose k axis points along world y (coronal acquisition)
    expect(planeAxis([1, 0, 0, 0, 0, 1, 0, 1, 0], [0, 1, 0])).toBe(2);
  });
});

describe('brushIndices', () => {
  const dims: Vec3 = [10, 10, 5];
  it('radius 0 is the voxel under the centre', () => {
    expect([...brushIndices([3.2, 4.4, 2], 0, [1, 1, 1], dims, 2)]).toEqual([voxelIndex([3, 4, 2], dims)]);
  });
  it('a 1 mm disc on 1 mm voxels is the centre and its 4 in-plane neighbours', () => {
    const got = [...brushIndices([5, 5, 2], 1, [1, 1, 1], dims, 2)];
    const want = [[5, 4, 2], [4, 5, 2], [5, 5, 2], [6, 5, 2], [5, 6, 2]].map((v) => voxelIndex(v as unknown as Vec3, dims));
    expect(got).toEqual(want.sort((a, b) => a - b));
  });
  it('radius is in mm: 1 mm on 0.5 mm pixels covers di² + dj² ≤ 4 (13 voxels), all on the slice', () => {
    const got = brushIndices([5, 5, 3], 1, [0.5, 0.5, 2], dims, 2);
    expect(got.length).toBe(13);
    for (const idx of got) expect(Math.floor(idx / 100)).toBe(3);
  });
  it('without a plane the brush is a ball (7 voxels for 1 mm on 1 mm voxels)', () => {
    expect(brushIndices([5, 5, 2], 1, [1, 1, 1], dims).length).toBe(7);
  });
  it('respects the plane axis: a sagittal disc keeps i fixed', () => {
    const got = brushIndices([5, 5, 2], 1, [1, 1, 1], dims, 0);
    expect(got.length).toBe(5);
    for (const idx of got) expect(idx % 10).toBe(5);
  });
  it('clips at the grid edge and is empty outside the grid', () => {
    expect(brushIndices([0, 0, 0], 1, [1, 1, 1], dims, 2).length).toBe(3);
    expect(brushIndices([-3, 0, 0], 1, [1, 1, 1], dims, 2).length).toBe(0);
  });
  it('rejects a negative radius', () => {
    expect(() => brushIndices([1, 1, 1], -1, [1, 1, 1], dims)).toThrow(/radius/);
  });
});

describe('withinRange (threshold)', () => {
  it('keeps indices whose intensity is inside the inclusive range', () => {
    const img = Int16Array.from([-100, 0, 40, 80, 200]);
    expect([...withinRange(Uint32Array.from([0, 1, 2, 3, 4]), img, { lo: 0, hi: 80 })]).toEqual([1, 2, 3]);
    expect([...withinRange(Uint32Array.from([0, 4]), img)]).toEqual([0, 4]);
    expect(() => withinRange(Uint32Array.from([0]), img, { lo: 5, hi: 1 })).toThrow(/lower 5 is above upper 1/);
  });
});

/** 20×20×10 image: background 0 with ±5 noise, a 6×5×4 box of 100 at (4..9, 6..10, 3..6), a lone 100 voxel touching it diagonally. */
function phantom() {
  const dims: Vec3 = [20, 20, 10];
  const img = new Int16Array(20 * 20 * 10);
  let seed = 7;
  for (let n = 0; n < img.length; n++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    img[n] = (seed % 11) - 5;
  }
  for (let k = 3; k <= 6; k++) for (let j = 6; j <= 10; j++) for (let i = 4; i <= 9; i++) img[voxelIndex([i, j, k], dims)] = 100 + ((i + j + k) % 3);
  img[voxelIndex([10, 11, 6], dims)] = 100; // diagonal neighbour of (9,10,6): not 6-connected
  return { dims, img };
}

describe('regionGrow', () => {
  it('fills exactly the 6-connected box from a seed inside it', () => {
    const { dims, img } = phantom();
    const r = regionGrow(img, dims, [6, 8, 4], { tolerance: 20, maxVoxels: 10_000 });
    expect(r.truncated).toBe(false);
    expect(r.indices.length).toBe(6 * 5 * 4);
    expect(r.indices[0]).toBe(voxelIndex([6, 8, 4], dims));
    expect(r.seedMean).toBeCloseTo(101, 0);
    expect([...r.indices]).not.toContain(voxelIndex([10, 11, 6], dims));
    for (const idx of r.indices) expect(img[idx]).toBeGreaterThanOrEqual(100);
  });
  it('uses the seed neighbourhood mean: from a box corner (mean ≈ 30) neither box (≈ 100) nor background (≈ 0) is within ± 20, only the seed', () => {
    const { dims, img } = phantom();
    // corner voxel (4,6,3): 8 of its 27 neighbours are in the box → mean ≈ 30
    const r = regionGrow(img, dims, [4, 6, 3], { tolerance: 20, maxVoxels: 10_000 });
    expect(r.seedMean).toBeGreaterThan(25);
    expect(r.seedMean).toBeLessThan(40);
    expect([...r.indices]).toEqual([voxelIndex([4, 6, 3], dims)]);
  });
  it('stops at maxVoxels and says so', () => {
    const { dims, img } = phantom();
    const r = regionGrow(img, dims, [6, 8, 4], { tolerance: 20, maxVoxels: 50 });
    expect(r.truncated).toBe(true);
    expect(r.indices.length).toBe(50);
    expect(new Set(r.indices).size).toBe(50);
  });
  it('can be limited to the seed slice and to a HU range', () => {
    const { dims, img } = phantom();
    const slice = regionGrow(img, dims, [6, 8, 4], { tolerance: 20, maxVoxels: 10_000, planeAxisIndex: 2 });
    expect(slice.indices.length).toBe(30);
    // box voxels are 100 + (i + j + k) mod 3: the range keeps 101/102; a 6-step changes i + j + k by ±1, so from the
    // seed (sum 19) only the box voxels with i + j + k ∈ {19, 20} are reachable without passing a 100
    const ranged = regionGrow(img, dims, [6, 8, 5], { tolerance: 20, maxVoxels: 10_000, range: { lo: 101, hi: 200 } });
    for (const idx of ranged.indices) expect(img[idx]).toBeGreaterThanOrEqual(101);
    let reachable = 0;
    for (let k = 3; k <= 6; k++) for (let j = 6; j <= 10; j++) for (let i = 4; i <= 9; i++) if (i + j + k === 19 || i + j + k === 20) reachable++;
    expect(ranged.indices.length).toBe(reachable);
    // a seed outside the range grows nothing
    expect(regionGrow(img, dims, [6, 8, 4], { tolerance: 20, maxVoxels: 10_000, range: { lo: 101, hi: 200 } }).indices.length).toBe(0);
  });
  it('grows the background around the box from a background seed (bounded)', () => {
    const { dims, img } = phantom();
    const r = regionGrow(img, dims, [1, 1, 1], { tolerance: 10, maxVoxels: 100_000 });
    expect(r.indices.length).toBe(20 * 20 * 10 - 120 - 1);
  });
  it('rejects bad input with the reason', () => {
    const { dims, img } = phantom();
    expect(() => regionGrow(img, dims, [30, 1, 1], { tolerance: 1, maxVoxels: 10 })).toThrow(/outside/);
    expect(() => regionGrow(img.subarray(1), dims, [1, 1, 1], { tolerance: 1, maxVoxels: 10 })).toThrow(/voxels/);
    expect(() => regionGrow(img, dims, [1, 1, 1], { tolerance: -1, maxVoxels: 10 })).toThrow(/tolerance/);
  });
});

describe('paint, undo and redo', () => {
  it('records only changed voxels and reverts them exactly', () => {
    const mask = Uint8Array.from([0, 1, 0, 1, 0]);
    const op = paint(mask, Uint32Array.from([0, 1, 2]), 1, 's')!;
    expect([...mask]).toEqual([1, 1, 1, 1, 0]);
    expect([...op.indices]).toEqual([0, 2]);
    applyOp(mask, op, 'undo');
    expect([...mask]).toEqual([0, 1, 0, 1, 0]);
    applyOp(mask, op, 'redo');
    expect([...mask]).toEqual([1, 1, 1, 1, 0]);
    expect(paint(mask, Uint32Array.from([0, 1]), 1, 's')).toBeNull();
  });
  it('erasing one label of a multi-label map leaves the other labels', () => {
    const mask = Uint8Array.from([1, 2, 2, 3, 0]);
    const op = paint(mask, Uint32Array.from([0, 1, 2, 3, 4]), 0, 's', 2)!;
    expect([...mask]).toEqual([1, 0, 0, 3, 0]);
    expect([...op.indices]).toEqual([1, 2]);
    expect([...op.before]).toEqual([2, 2]);
  });
  it('merges a stroke into one op (earliest before, latest after)', () => {
    const mask = Uint8Array.from([0, 0, 1, 0]);
    const a = paint(mask, Uint32Array.from([0, 1]), 1, 's')!;
    const b = paint(mask, Uint32Array.from([1, 2]), 0, 's')!;
    const m = mergeOps([a, b])!;
    expect([...m.indices]).toEqual([0, 2]); // voxel 1 went 0 → 1 → 0: no net change
    applyOp(mask, m, 'undo');
    expect([...mask]).toEqual([0, 0, 1, 0]);
    expect(() => mergeOps([a, { ...b, target: 't' }])).toThrow(/different masks/);
  });
  it('EditHistory: undo/redo order, redo cleared by a new edit, per-mask clear', () => {
    const h = new EditHistory(2);
    const op = (t: string) => ({ target: t, indices: new Uint32Array(0), before: new Uint8Array(0), after: new Uint8Array(0) });
    const [a, b, c] = [op('x'), op('y'), op('x')];
    h.push(a);
    h.push(b);
    h.push(c); // limit 2: a dropped
    expect(h.undo()).toBe(c);
    expect(h.undo()).toBe(b);
    expect(h.undo()).toBeNull();
    expect(h.redo()).toBe(b);
    h.push(a);
    expect(h.canRedo).toBe(false);
    expect([...h.targets()].sort()).toEqual(['x', 'y']);
    h.clear('x');
    expect([...h.targets()]).toEqual(['y']);
  });
});

/** A NIfTI-1 int16 header: dims, pixdim, sform; little or big endian. */
function template(dims: Vec3, littleEndian = true): ArrayBuffer {
  const buf = new ArrayBuffer(352 + dims[0] * dims[1] * dims[2] * 2);
  const dv = new DataView(buf);
  const le = littleEndian;
  dv.setInt32(0, 348, le);
  dv.setInt16(40, 3, le);
  dims.forEach((d, i) => dv.setInt16(42 + 2 * i, d, le));
  dv.setInt16(70, 4, le);
  dv.setInt16(72, 16, le);
  [1, 0.8, 0.8, 2.5].forEach((p, i) => dv.setFloat32(76 + 4 * i, p, le));
  dv.setFloat32(108, 352, le);
  dv.setInt16(254, 1, le); // sform_code
  const srow = [-0.8, 0, 0, 100, 0, -0.8, 0, 120, 0, 0, 2.5, -50];
  srow.forEach((v, i) => dv.setFloat32(280 + 4 * i, v, le));
  new Uint8Array(buf).set([0x6e, 0x2b, 0x31, 0], 344);
  return buf;
}

describe('encodeLabelNifti', () => {
  it('writes a uint8 NIfTI-1 with the template geometry that reads back to the same labels', async () => {
    const dims: Vec3 = [4, 3, 2];
    const data = Uint8Array.from({ length: 24 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const nii = encodeLabelNifti(template(dims), data);
    const back = readNiftiLabels(nii.buffer as ArrayBuffer);
    expect(back.dims).toEqual([4, 3, 2]);
    expect([...back.data]).toEqual([...data]);
    const dv = new DataView(nii.buffer);
    expect(dv.getInt16(70, true)).toBe(2);
    expect(dv.getFloat32(80, true)).toBeCloseTo(0.8);
    expect(dv.getFloat32(88, true)).toBeCloseTo(2.5);
    expect(dv.getInt16(254, true)).toBe(1);
    expect(dv.getFloat32(308, true)).toBeCloseTo(120); // srow_y[3]
    expect(dv.getFloat32(124, true)).toBe(1); // cal_max
    // gzip round trip (what is uploaded)
    const gz = await gzip(nii);
    expect(isGzip(gz)).toBe(true);
    expect(new Uint8Array(await gunzip(gz))).toEqual(nii);
    expect(countForeground(back.data)).toBe(5);
  });
  it('converts a big-endian template to a little-endian file with the same geometry', () => {
    const nii = encodeLabelNifti(template([2, 2, 2], false), new Uint8Array(8).fill(3));
    const dv = new DataView(nii.buffer);
    expect(dv.getInt32(0, true)).toBe(348);
    expect(dv.getFloat32(300, true)).toBeCloseTo(-0.8); // srow_y[1]
    expect(dv.getFloat32(324, true)).toBeCloseTo(-50); // srow_z[3]
    expect([...readNiftiLabels(nii.buffer as ArrayBuffer).data]).toEqual(new Array(8).fill(3));
  });
  it('refuses a template of another grid or a non-NIfTI template', () => {
    expect(() => encodeLabelNifti(template([2, 2, 2]), new Uint8Array(9))).toThrow(/2×2×2 holds 8 voxels, the mask has 9/);
    expect(() => encodeLabelNifti(new ArrayBuffer(400), new Uint8Array(8))).toThrow(/not a NIfTI-1/);
  });
});

describe('box threshold fill', () => {
  const dims: Vec3 = [6, 5, 4];
  /** Image whose value is the voxel's i + 10·j + 100·k (so a range picks known voxels). */
  const image = Float32Array.from({ length: 6 * 5 * 4 }, (_, idx) => (idx % 6) + 10 * (Math.floor(idx / 6) % 5) + 100 * Math.floor(idx / 30));

  it('planeBox spans the dragged rectangle on the shown slice, any drag direction, rounded', () => {
    expect(planeBox([4.4, 3.6, 2.2], [1.2, 0.9, 2.9], 2, 0, dims)).toEqual({ lo: [1, 1, 2], hi: [4, 4, 2] });
    // coronal plane: j is the slice (taken from the mouse-down corner), ±1 slice
    expect(planeBox([0, 2, 0], [3, 4, 3], 1, 1, dims)).toEqual({ lo: [0, 1, 0], hi: [3, 3, 3] });
  });
  it('planeBox extends over ± N slices and clips to the grid; null when it is all outside', () => {
    expect(planeBox([-3, -2, 0], [2, 1, 0], 2, 2, dims)).toEqual({ lo: [0, 0, 0], hi: [2, 1, 2] });
    expect(planeBox([9, 9, 1], [7, 8, 1], 2, 0, dims)).toBeNull();
    expect(planeBox([1, 1, 9], [2, 2, 9], 2, 1, dims)).toBeNull();
    expect(() => planeBox([1, 1, 1], [2, 2, 1], 2, 1.5, dims)).toThrow(/extra slices must be a whole number/);
    expect(() => planeBox([1, 1, 1], [NaN, 2, 1], 2, 0, dims)).toThrow(/corners must be finite/);
  });
  it('selects exactly the box voxels inside the (inclusive) HU range', () => {
    const box = { lo: [1, 1, 1] as [number, number, number], hi: [3, 2, 2] as [number, number, number] };
    expect(boxVoxels(box)).toBe(12);
    const idx = boxThresholdIndices(image, dims, box, { lo: 112, hi: 213 });
    const want: number[] = [];
    for (let k = 1; k <= 2; k++) for (let j = 1; j <= 2; j++) for (let i = 1; i <= 3; i++) if (i + 10 * j + 100 * k >= 112 && i + 10 * j + 100 * k <= 213) want.push(voxelIndex([i, j, k], dims));
    expect([...idx]).toEqual(want);
    expect(want).toHaveLength(8); // 112,113,121,122,123 | 211,212,213
    expect(boxThresholdIndices(image, dims, box, { lo: -1000, hi: 3000 })).toHaveLength(12);
    expect(boxThresholdIndices(image, dims, box, { lo: 500, hi: 600 })).toHaveLength(0);
  });
  it('rejects a reversed range, a box outside the grid and an image of another size', () => {
    const box = { lo: [0, 0, 0] as [number, number, number], hi: [1, 1, 1] as [number, number, number] };
    expect(() => boxThresholdIndices(image, dims, box, { lo: 10, hi: 5 })).toThrow(/lower 10 is above upper 5/);
    expect(() => boxThresholdIndices(image, dims, { lo: [0, 0, 0], hi: [6, 1, 1] }, { lo: 0, hi: 1 })).toThrow(/not inside the 6×5×4 grid/);
    expect(() => boxThresholdIndices(image.subarray(1), dims, box, { lo: 0, hi: 1 })).toThrow(/has 119 voxels/);
    expect(() => boxThresholdFill(new Uint8Array(3), image, dims, box, { lo: 0, hi: 1 }, 1, 's')).toThrow(/mask has 3 voxels/);
  });
  it('paints the label over whatever was there, only where it changes, and undoes like the brush', () => {
    const mask = new Uint8Array(image.length);
    const other = voxelIndex([2, 1, 1], dims); // 112: in range, another lesion's label
    const already = voxelIndex([3, 1, 1], dims); // 113: already the edited label
    mask[other] = 3;
    mask[already] = 2;
    const box = planeBox([1, 1, 1], [3, 2, 1], 2, 1, dims)!;
    const op = boxThresholdFill(mask, image, dims, box, { lo: 112, hi: 213 }, 2, 'seg-1')!;
    expect(op.target).toBe('seg-1');
    expect(op.indices).toHaveLength(7); // 8 in range, one already 2
    expect([...op.indices]).not.toContain(already);
    expect(op.before[[...op.indices].indexOf(other)]).toBe(3);
    expect(countForeground(mask)).toBe(8);
    expect(boxThresholdFill(mask, image, dims, box, { lo: 112, hi: 213 }, 2, 'seg-1')).toBeNull();
    const h = new EditHistory();
    h.push(op);
    applyOp(mask, h.undo()!, 'undo');
    expect(countForeground(mask)).toBe(2);
    expect(mask[other]).toBe(3);
    applyOp(mask, h.redo()!, 'redo');
    expect(countForeground(mask)).toBe(8);
  });
});

describe('unsaved-edits guard', () => {
  type Listener = (e: Event) => void;
  function fakeWindow(answer: boolean) {
    const listeners: { type: string; fn: Listener; capture: boolean }[] = [];
    const asked: string[] = [];
    const pushed: { state: unknown; url: string }[] = [];
    const win: GuardWindow & { answer: boolean } = {
      answer,
      addEventListener: (type, fn, capture = false) => void listeners.push({ type, fn, capture }),
      removeEventListener: (type, fn, capture = false) => {
        const i = listeners.findIndex((l) => l.type === type && l.fn === fn && l.capture === capture);
        if (i >= 0) listeners.splice(i, 1);
      },
      dispatchEvent: (e) => {
        fire(e.type, e);
        return true;
      },
      confirm: (m) => {
        asked.push(String(m));
        return win.answer;
      },
      location: { href: 'http://portal.test/cases/p1' },
      history: {
        state: { tree: 'case p1' },
        pushState: (state, _u, url) => void pushed.push({ state, url: String(url) }),
      },
    };
    /** Dispatches like a browser at the target: capture listeners first, stopImmediatePropagation honoured. */
    function fire(type: string, e: Event) {
      let stopped = false;
      const orig = e.stopImmediatePropagation.bind(e);
      e.stopImmediatePropagation = () => {
        stopped = true;
        orig();
      };
      const ls = [...listeners.filter((l) => l.type === type && l.capture), ...listeners.filter((l) => l.type === type && !l.capture)];
      for (const l of ls) {
        if (stopped) break;
        l.fn(e);
      }
    }
    return { win, fire, asked, pushed, listeners };
  }
  const link = (href: string, attrs: Record<string, string> = {}) => {
    const el = { getAttribute: (n: string) => (n === 'href' ? href : (attrs[n] ?? null)), hasAttribute: (n: string) => n in attrs };
    return { closest: (sel: string) => (sel === 'a[href]' ? el : null) };
  };
  const click = (target: unknown, init: MouseEventInit = {}) => {
    const e = new Event('click', { cancelable: true }) as Event & MouseEventInit;
    Object.assign(e, { button: 0, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...init });
    Object.defineProperty(e, 'target', { value: target });
    return e;
  };

  /** A browser's BeforeUnloadEvent (Node's Event has a read-only returnValue). */
  class BeforeUnload extends Event {
    constructor() {
      super('beforeunload', { cancelable: true });
      Object.defineProperty(this, 'returnValue', { value: '', writable: true });
    }
  }

  it('asks nothing while there are no unsaved edits', () => {
    const { win, fire, asked } = fakeWindow(false);
    const g = installUnsavedEditsGuard(win);
    const before = new BeforeUnload();
    fire('beforeunload', before);
    const c = click(link('/worklist'));
    fire('click', c);
    expect(before.defaultPrevented).toBe(false);
    expect(c.defaultPrevented).toBe(false);
    expect(asked).toEqual([]);
    expect(confirmDiscardUnsavedEdits()).toBe(true);
    g.dispose();
  });
  it('reload / close: beforeunload is cancelled while dirty; saving or discarding (setDirty(false)) clears it', () => {
    const { win, fire } = fakeWindow(false);
    const g = installUnsavedEditsGuard(win);
    g.setDirty(true);
    const e1 = new BeforeUnload();
    fire('beforeunload', e1);
    expect(e1.defaultPrevented).toBe(true);
    expect((e1 as unknown as { returnValue: unknown }).returnValue).toMatch(/unsaved segmentation edits/);
    g.setDirty(false);
    const e2 = new BeforeUnload();
    fire('beforeunload', e2);
    expect(e2.defaultPrevented).toBe(false);
    g.dispose();
  });
  it('in-app link: cancel stops the click before the router; OK lets it through', () => {
    const { win, fire, asked } = fakeWindow(false);
    const g = installUnsavedEditsGuard(win, 'leave?');
    let routerSaw = 0;
    win.addEventListener('click', () => routerSaw++);
    g.setDirty(true);
    const c = click(link('/worklist'));
    fire('click', c);
    expect(asked).toEqual(['leave?']);
    expect(c.defaultPrevented).toBe(true);
    expect(routerSaw).toBe(0);
    win.answer = true;
    const ok = click(link('/cases/p2'));
    fire('click', ok);
    expect(ok.defaultPrevented).toBe(false);
    expect(routerSaw).toBe(1);
    g.dispose();
  });
  it('ignores links that do not leave the page in-app: new tab, modifier keys, downloads, other sites, #hash, non-links', () => {
    const { win, fire, asked } = fakeWindow(false);
    const g = installUnsavedEditsGuard(win);
    g.setDirty(true);
    for (const e of [
      click(link('/worklist', { target: '_blank' })),
      click(link('/worklist'), { ctrlKey: true }),
      click(link('/worklist'), { button: 1 }),
      click(link('/api/files/x', { download: '' })),
      click(link('https://elsewhere.test/')),
      click(link('#lesions')),
      click({ closest: () => null }),
    ]) {
      fire('click', e);
      expect(e.defaultPrevented).toBe(false);
    }
    expect(asked).toEqual([]);
    g.dispose();
  });
  it('back/forward: cancel restores the page entry without the router seeing it; OK hands the event on', () => {
    const { win, fire, asked, pushed } = fakeWindow(false);
    const g = installUnsavedEditsGuard(win);
    const routerSaw: unknown[] = [];
    win.addEventListener('popstate', (e) => routerSaw.push((e as PopStateEvent).state));
    g.setDirty(true);
    win.location.href = 'http://portal.test/worklist';
    win.history.state = { tree: 'worklist' };
    fire('popstate', new Event('popstate'));
    expect(asked).toHaveLength(1);
    expect(routerSaw).toEqual([]);
    expect(pushed).toEqual([{ state: { tree: 'case p1' }, url: 'http://portal.test/cases/p1' }]);
    win.answer = true;
    fire('popstate', new Event('popstate'));
    expect(routerSaw).toEqual([{ tree: 'worklist' }]);
    expect(pushed).toHaveLength(1);
    g.dispose();
  });
  it('confirmDiscardUnsavedEdits asks the dirty guard; dispose removes every listener', () => {
    const { win, asked, listeners } = fakeWindow(false);
    const g = installUnsavedEditsGuard(win);
    expect(listeners).toHaveLength(3);
    g.setDirty(true);
    expect(confirmDiscardUnsavedEdits()).toBe(false);
    expect(asked).toHaveLength(1);
    g.dispose();
    expect(listeners).toHaveLength(0);
    expect(confirmDiscardUnsavedEdits()).toBe(true);
  });
});
