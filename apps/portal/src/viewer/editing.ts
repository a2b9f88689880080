/**
 * Pure segmentation-editing helpers of the viewer: brush footprints, HU-range (threshold) filters, 3D region
 * growing, box-shaped threshold fill, undoable paint operations, NIfTI encoding of an edited label map and the
 * unsaved-edits guard (leave-page confirmation).
 *
 * Index convention: voxel (i, j, k) of a volume with dims [nx, ny, nz] is at `i + nx * (j + ny * k)` (x fastest, as
 * in the NIfTI file and cornerstone's volume scalar data).
 */

export type Vec3 = readonly [number, number, number];

/** Linear index of voxel (i, j, k). */
export function voxelIndex(ijk: Vec3, dims: Vec3): number {
  return ijk[0] + dims[0] * (ijk[1] + dims[1] * ijk[2]);
}

/** True when (rounded) ijk lies inside the grid. */
export function inGrid(ijk: Vec3, dims: Vec3): boolean {
  return ijk.every((v, a) => Math.round(v) >= 0 && Math.round(v) < dims[a]);
}

/**
 * The volume axis (0 = i, 1 = j, 2 = k) a viewing plane is perpendicular to: the axis whose direction (rows of the
 * row-major 3×3 `direction`) is most parallel to the plane normal. Axial views of an axial scan give 2.
 */
export function planeAxis(direction: readonly number[], normal: Vec3): 0 | 1 | 2 {
  let best: 0 | 1 | 2 = 2;
  let bestDot = -1;
  for (const a of [0, 1, 2] as const) {
    const d = Math.abs(direction[3 * a] * normal[0] + direction[3 * a + 1] * normal[1] + direction[3 * a + 2] * normal[2]);
    if (d > bestDot) {
      bestDot = d;
      best = a;
    }
  }
  return best;
}

/**
 * Voxels under a round brush of `radiusMm` centred at the (fractional) voxel position `center`: those whose centre
 * lies within the radius (distances in mm through `spacing`). With `planeAxisIndex` the disc is limited to the slice
 * through the centre along that axis (the slice shown); without it the brush is a ball. The voxel under the centre
 * is always included. Returns linear indices, sorted ascending.
 */
export function brushIndices(center: Vec3, radiusMm: number, spacing: Vec3, dims: Vec3, planeAxisIndex?: 0 | 1 | 2): Uint32Array {
  if (!(radiusMm >= 0)) throw new Error(`brushIndices: radius must be ≥ 0 mm (got ${radiusMm})`);
  const c = center.map((v) => Math.round(v)) as [number, number, number];
  if (!inGrid(c, dims)) return new Uint32Array(0);
  const lo = [0, 1, 2].map((a) => (a === planeAxisIndex ? c[a] : Math.max(0, Math.floor(center[a] - radiusMm / spacing[a]))));
  const hi = [0, 1, 2].map((a) => (a === planeAxisIndex ? c[a] : Math.min(dims[a] - 1, Math.ceil(center[a] + radiusMm / spacing[a]))));
  const out: number[] = [];
  const r2 = radiusMm * radiusMm;
  for (let k = lo[2]; k <= hi[2]; k++) {
    const dk = planeAxisIndex === 2 ? 0 : (k - center[2]) * spacing[2];
    for (let j = lo[1]; j <= hi[1]; j++) {
      const dj = planeAxisIndex === 1 ? 0 : (j - center[1]) * spacing[1];
      for (let i = lo[0]; i <= hi[0]; i++) {
        const di = planeAxisIndex === 0 ? 0 : (i - center[0]) * spacing[0];
        if (di * di + dj * dj + dk * dk <= r2 || (i === c[0] && j === c[1] && k === c[2])) out.push(i + dims[0] * (j + dims[1] * k));
      }
    }
  }
  return Uint32Array.from(out);
}

/** Inclusive intensity range (HU for CT). */
export interface HuRange {
  lo: number;
  hi: number;
}

/** Indices whose intensity lies within `range` (inclusive); all of them when range is undefined. */
export function withinRange(indices: Uint32Array, image: ArrayLike<number>, range?: HuRange): Uint32Array {
  if (!range) return indices;
  if (!(range.lo <= range.hi)) throw new Error(`threshold range: lower ${range.lo} is above upper ${range.hi}`);
  return indices.filter((idx) => image[idx] >= range.lo && image[idx] <= range.hi);
}

/** An axis-aligned block of voxels: inclusive index bounds per axis (lo ≤ hi on every axis, inside the grid). */
export interface VoxelBox {
  lo: [number, number, number];
  hi: [number, number, number];
}

/**
 * The box a rectangle drag spans on the shown plane: corners `a` (mouse down) and `b` (mouse up) are fractional voxel
 * positions (rounded to the nearest voxel); along `planeAxisIndex` the box covers the slice through `a` and
 * `extraSlices` slices on each side of it (0 = the shown slice only). Clipped to the grid; null when nothing of it
 * lies inside (e.g. the drag started outside the volume).
 */
export function planeBox(a: Vec3, b: Vec3, planeAxisIndex: 0 | 1 | 2, extraSlices: number, dims: Vec3): VoxelBox | null {
  if (!Number.isInteger(extraSlices) || extraSlices < 0) throw new Error(`box fill: extra slices must be a whole number ≥ 0 (got ${extraSlices})`);
  if (![...a, ...b].every(Number.isFinite)) throw new Error(`box fill: corners must be finite voxel positions (got ${a.join(',')} and ${b.join(',')})`);
  const lo: [number, number, number] = [0, 0, 0];
  const hi: [number, number, number] = [0, 0, 0];
  for (const ax of [0, 1, 2] as const) {
    const ra = Math.round(a[ax]);
    const [l, h] = ax === planeAxisIndex ? [ra - extraSlices, ra + extraSlices] : [Math.min(ra, Math.round(b[ax])), Math.max(ra, Math.round(b[ax]))];
    lo[ax] = Math.max(0, l);
    hi[ax] = Math.min(dims[ax] - 1, h);
    if (lo[ax] > hi[ax]) return null;
  }
  return { lo, hi };
}

/** Number of voxels in a box. */
export function boxVoxels(box: VoxelBox): number {
  return (box.hi[0] - box.lo[0] + 1) * (box.hi[1] - box.lo[1] + 1) * (box.hi[2] - box.lo[2] + 1);
}

/**
 * Box-shaped threshold fill: the voxels of `box` whose intensity lies in `range` (inclusive), ascending. Paint them
 * with `paint(mask, indices, label, target)` to get the undo record (like the brush).
 */
export function boxThresholdIndices(image: ArrayLike<number>, dims: Vec3, box: VoxelBox, range: HuRange): Uint32Array {
  const [nx, ny, nz] = dims;
  if (image.length !== nx * ny * nz) throw new Error(`box fill: the image has ${image.length} voxels, dims ${dims.join('×')} need ${nx * ny * nz}`);
  if (!(range.lo <= range.hi)) throw new Error(`threshold range: lower ${range.lo} is above upper ${range.hi}`);
  for (const ax of [0, 1, 2] as const)
    if (!(box.lo[ax] >= 0 && box.lo[ax] <= box.hi[ax] && box.hi[ax] < dims[ax]))
      throw new Error(`box fill: box ${box.lo.join(',')}…${box.hi.join(',')} is not inside the ${dims.join('×')} grid`);
  const out = new Uint32Array(boxVoxels(box));
  let n = 0;
  for (let k = box.lo[2]; k <= box.hi[2]; k++)
    for (let j = box.lo[1]; j <= box.hi[1]; j++) {
      const row = nx * (j + ny * k);
      for (let i = box.lo[0]; i <= box.hi[0]; i++) {
        const v = image[row + i];
        if (v >= range.lo && v <= range.hi) out[n++] = row + i;
      }
    }
  return out.slice(0, n);
}

/**
 * Box threshold fill of one mask: every voxel of `box` inside `range` becomes `value` (whatever it was). Returns the
 * undo record of the voxels that changed, or null when none did.
 */
export function boxThresholdFill(mask: Uint8Array, image: ArrayLike<number>, dims: Vec3, box: VoxelBox, range: HuRange, value: number, target: string): PaintOp | null {
  if (mask.length !== image.length) throw new Error(`box fill: the mask has ${mask.length} voxels, the image ${image.length}`);
  return paint(mask, boxThresholdIndices(image, dims, box, range), value, target);
}

export interface RegionGrowOptions {
  /** Accept voxels within ± tolerance of the seed neighbourhood mean (same unit as the image, HU for CT). */
  tolerance: number;
  /** Stop after this many voxels (the result is then `truncated`). */
  maxVoxels: number;
  /** Only voxels inside this range are accepted as well (threshold). */
  range?: HuRange;
  /** Restrict growing to one slice: the index along this axis equals the seed's. */
  planeAxisIndex?: 0 | 1 | 2;
}

export interface RegionGrowResult {
  indices: Uint32Array;
  /** Mean of the seed's 3×3×3 neighbourhood (inside the grid): the reference value. */
  seedMean: number;
  /** True when `maxVoxels` stopped the flood before it was complete. */
  truncated: boolean;
}

/**
 * 3D region growing from a seed voxel: a 6-connected flood fill accepting voxels whose intensity is within
 * `tolerance` of the mean of the seed's 3×3×3 neighbourhood (and within `range` when given), visiting at most
 * `maxVoxels` voxels. The clicked seed is part of the region (on noisy images it may itself lie outside the band
 * around its neighbourhood's mean) unless it is outside `range`. Indices are in breadth-first order from the seed.
 */
export function regionGrow(image: ArrayLike<number>, dims: Vec3, seed: Vec3, opts: RegionGrowOptions): RegionGrowResult {
  const [nx, ny, nz] = dims;
  if (image.length !== nx * ny * nz) throw new Error(`regionGrow: the image has ${image.length} voxels, dims ${dims.join('×')} need ${nx * ny * nz}`);
  if (!(opts.tolerance >= 0)) throw new Error(`regionGrow: tolerance must be ≥ 0 (got ${opts.tolerance})`);
  if (!(opts.maxVoxels >= 1)) throw new Error(`regionGrow: maxVoxels must be ≥ 1 (got ${opts.maxVoxels})`);
  const s = seed.map((v) => Math.round(v)) as [number, number, number];
  if (!inGrid(s, dims)) throw new Error(`regionGrow: seed ${s.join(',')} is outside the ${dims.join('×')} grid`);
  let sum = 0;
  let cnt = 0;
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const i = s[0] + di;
        const j = s[1] + dj;
        const k = s[2] + dk;
        if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
        sum += image[i + nx * (j + ny * k)];
        cnt++;
      }
  const seedMean = sum / cnt;
  const lo = Math.max(seedMean - opts.tolerance, opts.range?.lo ?? -Infinity);
  const hi = Math.min(seedMean + opts.tolerance, opts.range?.hi ?? Infinity);
  const ok = (idx: number) => image[idx] >= lo && image[idx] <= hi;
  const seedIdx = s[0] + nx * (s[1] + ny * s[2]);
  // with a threshold, a seed outside the HU range grows nothing
  if (opts.range && !(image[seedIdx] >= opts.range.lo && image[seedIdx] <= opts.range.hi)) return { indices: new Uint32Array(0), seedMean, truncated: false };

  // visited set: a bitmap over the grid (1 bit per voxel)
  const visited = new Uint32Array(Math.ceil((nx * ny * nz) / 32));
  const mark = (idx: number) => (visited[idx >>> 5] |= 1 << (idx & 31));
  const seen = (idx: number) => (visited[idx >>> 5] & (1 << (idx & 31))) !== 0;
  const out = new Uint32Array(Math.min(opts.maxVoxels, nx * ny * nz));
  let head = 0;
  let tail = 0;
  out[tail++] = seedIdx;
  mark(seedIdx);
  const pa = opts.planeAxisIndex;
  let truncated = false;
  while (head < tail) {
    const idx = out[head++];
    const i = idx % nx;
    const j = Math.floor(idx / nx) % ny;
    const k = Math.floor(idx / (nx * ny));
    const nbrs: number[] = [];
    if (pa !== 0) {
      if (i > 0) nbrs.push(idx - 1);
      if (i < nx - 1) nbrs.push(idx + 1);
    }
    if (pa !== 1) {
      if (j > 0) nbrs.push(idx - nx);
      if (j < ny - 1) nbrs.push(idx + nx);
    }
    if (pa !== 2) {
      if (k > 0) nbrs.push(idx - nx * ny);
      if (k < nz - 1) nbrs.push(idx + nx * ny);
    }
    for (const n of nbrs) {
      if (seen(n)) continue;
      mark(n);
      if (!ok(n)) continue;
      if (tail >= out.length) {
        truncated = true;
        break;
      }
      out[tail++] = n;
    }
    if (truncated) break;
  }
  return { indices: out.slice(0, tail), seedMean, truncated };
}

/** One undoable change of one mask: the voxels, their values before and after. */
export interface PaintOp {
  /** Which mask (segmentation id) was changed. */
  target: string;
  indices: Uint32Array;
  before: Uint8Array;
  after: Uint8Array;
}

/**
 * Sets `mask[idx] = value` for the given indices (only where the voxel currently equals `onlyWhere`, when given:
 * erasing one label of a multi-label map) and returns the undo record of the voxels that actually changed (null
 * when none did).
 */
export function paint(mask: Uint8Array, indices: Uint32Array, value: number, target: string, onlyWhere?: number): PaintOp | null {
  const changed: number[] = [];
  const before: number[] = [];
  for (const idx of indices) {
    if (mask[idx] === value || (onlyWhere !== undefined && mask[idx] !== onlyWhere)) continue;
    changed.push(idx);
    before.push(mask[idx]);
    mask[idx] = value;
  }
  if (!changed.length) return null;
  return { target, indices: Uint32Array.from(changed), before: Uint8Array.from(before), after: new Uint8Array(changed.length).fill(value) };
}

/** Merges consecutive ops on the same target (one brush stroke) into one; the earliest "before" of a voxel wins. */
export function mergeOps(ops: PaintOp[]): PaintOp | null {
  if (!ops.length) return null;
  const target = ops[0].target;
  if (ops.some((o) => o.target !== target)) throw new Error('mergeOps: ops of different masks cannot be merged');
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const o of ops)
    o.indices.forEach((idx, n) => {
      if (!first.has(idx)) first.set(idx, o.before[n]);
      last.set(idx, o.after[n]);
    });
  const idx = [...first.keys()].filter((i) => first.get(i) !== last.get(i)).sort((a, b) => a - b);
  if (!idx.length) return null;
  return { target, indices: Uint32Array.from(idx), before: Uint8Array.from(idx.map((i) => first.get(i)!)), after: Uint8Array.from(idx.map((i) => last.get(i)!)) };
}

/** Applies an op forwards (redo) or backwards (undo) to `mask`. */
export function applyOp(mask: Uint8Array, op: PaintOp, direction: 'undo' | 'redo'): void {
  const vals = direction === 'undo' ? op.before : op.after;
  op.indices.forEach((idx, n) => {
    mask[idx] = vals[n];
  });
}

/** Undo/redo history of paint ops (bounded; the oldest entries are dropped first). */
export class EditHistory {
  private done: PaintOp[] = [];
  private undone: PaintOp[] = [];
  constructor(private readonly limit = 100) {}
  push(op: PaintOp): void {
    this.done.push(op);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }
  /** The op to revert (moved to the redo stack), or null. */
  undo(): PaintOp | null {
    const op = this.done.pop() ?? null;
    if (op) this.undone.push(op);
    return op;
  }
  /** The op to re-apply (moved back to the undo stack), or null. */
  redo(): PaintOp | null {
    const op = this.undone.pop() ?? null;
    if (op) this.done.push(op);
    return op;
  }
  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }
  /** Masks with changes on the undo stack. */
  targets(): Set<string> {
    return new Set(this.done.map((o) => o.target));
  }
  /** Forget the ops of one mask (after it was saved). */
  clear(target?: string): void {
    if (target === undefined) {
      this.done = [];
      this.undone = [];
    } else {
      this.done = this.done.filter((o) => o.target !== target);
      this.undone = this.undone.filter((o) => o.target !== target);
    }
  }
}

/** Number of non-zero voxels. */
export function countForeground(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/**
 * A uint8 NIfTI-1 label file with the geometry of `template` (the source mask or series file, NIfTI-1, either byte
 * order): the template's header (dims, pixdim, qform/sform, xyzt units, description) is kept; datatype becomes uint8,
 * scaling identity, vox_offset 352, no extensions; the output is little-endian. Throws when the template is not a
 * NIfTI-1 header or its grid does not hold `data.length` voxels.
 */
export function encodeLabelNifti(template: ArrayBuffer, data: Uint8Array): Uint8Array {
  if (template.byteLength < 348) throw new Error(`encodeLabelNifti: the template has ${template.byteLength} bytes, a NIfTI-1 header needs 348`);
  const src = new DataView(template);
  const le = src.getInt32(0, true) === 348;
  if (!le && src.getInt32(0, false) !== 348) throw new Error('encodeLabelNifti: the template is not a NIfTI-1 file (sizeof_hdr ≠ 348)');
  const out = new Uint8Array(352 + data.length);
  const dv = new DataView(out.buffer);
  // copy the header field by field in the template's byte order → little endian
  const copy = (off: number, bytes: number, count: number) => {
    for (let n = 0; n < count; n++) {
      const o = off + n * bytes;
      if (bytes === 2) dv.setInt16(o, src.getInt16(o, le), true);
      else if (bytes === 4) dv.setInt32(o, src.getInt32(o, le), true);
      else out[o] = src.getUint8(o);
    }
  };
  copy(0, 4, 1); // sizeof_hdr
  copy(4, 1, 36); // data_type, db_name, extents, session_error, regular, dim_info
  copy(40, 2, 8); // dim[8]
  copy(56, 4, 3); // intent_p1..3 (float bits)
  copy(68, 2, 4); // intent_code, datatype, bitpix, slice_start
  copy(76, 4, 8); // pixdim[8]
  copy(108, 4, 4); // vox_offset, scl_slope, scl_inter, (slice_end etc. below)
  copy(120, 2, 1); // slice_end
  copy(122, 1, 2); // slice_code, xyzt_units
  copy(124, 4, 6); // cal_max, cal_min, slice_duration, toffset, glmax, glmin
  copy(148, 1, 104); // descrip[80], aux_file[24]
  copy(252, 2, 2); // qform_code, sform_code
  copy(256, 4, 18); // quatern_b..d, qoffset_x..z, srow_x/y/z
  copy(328, 1, 20); // intent_name[16], magic[4]
  const dims = [1, 2, 3].map((i) => Math.max(1, dv.getInt16(40 + 2 * i, true)));
  const n = dims[0] * dims[1] * dims[2];
  if (n !== data.length) throw new Error(`encodeLabelNifti: the template grid ${dims.join('×')} holds ${n} voxels, the mask has ${data.length}`);
  dv.setInt16(40, 3, true);
  for (let i = 4; i <= 7; i++) dv.setInt16(40 + 2 * i, 1, true);
  dv.setInt16(70, 2, true); // datatype uint8
  dv.setInt16(72, 8, true); // bitpix
  dv.setFloat32(108, 352, true); // vox_offset
  dv.setFloat32(112, 1, true); // scl_slope
  dv.setFloat32(116, 0, true); // scl_inter
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  dv.setFloat32(124, max, true); // cal_max
  dv.setFloat32(128, 0, true); // cal_min
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // magic "n+1\0" (single file)
  out.set([0, 0, 0, 0], 348); // no extensions
  out.set(data, 352);
  return out;
}

/** Gzips bytes with the platform's CompressionStream (browsers, Node ≥ 18). */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The question asked before unsaved segmentation edits would be lost. */
export const UNSAVED_EDITS_MESSAGE = 'You have unsaved segmentation edits. Leave and discard them?';

/** What the leave-page guard uses of `window` (tests pass a fake). */
export interface GuardWindow {
  addEventListener(type: string, listener: (e: Event) => void, capture?: boolean): void;
  removeEventListener(type: string, listener: (e: Event) => void, capture?: boolean): void;
  dispatchEvent(e: Event): boolean;
  confirm(message?: string): boolean;
  location: { href: string };
  history: { state: unknown; pushState(state: unknown, unused: string, url?: string | null): void };
}

export interface UnsavedEditsGuard {
  /** Whether there are unsaved edits now (saving or discarding sets false). */
  setDirty(dirty: boolean): void;
  readonly dirty: boolean;
  /** Asks before an in-page change that drops the edits (e.g. switching study); true = go on. */
  confirmLeave(): boolean;
  /** Removes the listeners. */
  dispose(): void;
}

const activeGuards = new Set<UnsavedEditsGuard>();

/** True when no guard holds unsaved edits, or the user agreed to discard them (for in-page switches outside the viewer). */
export function confirmDiscardUnsavedEdits(): boolean {
  for (const g of activeGuards) if (g.dirty) return g.confirmLeave();
  return true;
}

/**
 * Leave-page guard for unsaved edits, active while `setDirty(true)`:
 * - reload / close tab / typed URL: `beforeunload` (the browser asks);
 * - in-app links (Next's `<Link>`, same-origin `<a href>` to another page): a capture-phase click listener on `win`
 *   asks first; "cancel" stops the click before the router sees it;
 * - back/forward: a capture-phase `popstate` listener runs before the router's; "cancel" pushes the page's own history
 *   entry back (the URL returns, the router never sees the change), "OK" hands the event on to the router.
 */
export function installUnsavedEditsGuard(win: GuardWindow, message = UNSAVED_EDITS_MESSAGE): UnsavedEditsGuard {
  let dirty = false;
  /** The page's own history entry, taken when the edits began. */
  let here: { state: unknown; url: string } | null = null;
  let replaying = false;
  const onBeforeUnload = (e: Event) => {
    if (!dirty) return;
    e.preventDefault();
    (e as BeforeUnloadEvent).returnValue = message;
  };
  const onClick = (e: Event) => {
    if (!dirty || e.defaultPrevented) return;
    const me = e as MouseEvent;
    if (me.button !== 0 || me.metaKey || me.ctrlKey || me.shiftKey || me.altKey) return;
    const a = (me.target as Element | null)?.closest?.('a[href]') ?? null;
    if (!a) return;
    const t = a.getAttribute('target');
    if ((t && t !== '_self') || a.hasAttribute('download')) return;
    const from = new URL(win.location.href);
    const to = new URL(a.getAttribute('href') ?? '', from);
    if (to.origin !== from.origin) return; // another site: a full unload, beforeunload asks
    if (to.pathname === from.pathname && to.search === from.search) return; // same page (#hash)
    if (win.confirm(message)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
  };
  const onPopState = (e: Event) => {
    if (replaying || !dirty || !here) return;
    e.stopImmediatePropagation();
    if (win.confirm(message)) {
      const state = win.history.state;
      const ev = typeof PopStateEvent === 'function' ? new PopStateEvent('popstate', { state }) : Object.assign(new Event('popstate'), { state });
      replaying = true;
      try {
        win.dispatchEvent(ev);
      } finally {
        replaying = false;
      }
    } else win.history.pushState(here.state, '', here.url);
  };
  win.addEventListener('beforeunload', onBeforeUnload);
  win.addEventListener('click', onClick, true);
  win.addEventListener('popstate', onPopState, true);
  const guard: UnsavedEditsGuard = {
    setDirty(d) {
      if (d && !dirty) here = { state: win.history.state, url: win.location.href };
      dirty = d;
    },
    get dirty() {
      return dirty;
    },
    confirmLeave: () => !dirty || win.confirm(message),
    dispose() {
      win.removeEventListener('beforeunload', onBeforeUnload);
      win.removeEventListener('click', onClick, true);
      win.removeEventListener('popstate', onPopState, true);
      activeGuards.delete(guard);
    },
  };
  activeGuards.add(guard);
  return guard;
}
