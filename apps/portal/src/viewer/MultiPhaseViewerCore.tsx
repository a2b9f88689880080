'use client';
/**
 * Multi-phase CT viewer: one cornerstone3D ORTHOGRAPHIC volume viewport per phase (NATIVE, ARTERIAL, PORTAL_VENOUS,
 * DELAYED) side by side, with synchronised camera (scroll/zoom/pan) and window (VOI), MPR orientation, window
 * presets, keyboard shortcuts and the lesion segmentation overlay (one colour per lesion label).
 *
 * Mouse: left = window/level (or the editing tool), middle = pan, right = zoom, wheel = scroll.
 * Keys: ↑/↓ or PageUp/PageDown scroll · L/A/N presets · O overlay · M cycle axial/coronal/sagittal · X reset · 1–4 focus
 * · ? help. Editing (clinicians): B brush · E eraser · R region grow · F box threshold fill · T threshold · W/Esc window
 * tool · [ ] brush size
 * · Ctrl+Z undo · Ctrl+Y / Ctrl+Shift+Z redo (see SHORTCUTS).
 */
import * as cs from '@cornerstonejs/core';
import * as cst from '@cornerstonejs/tools';
import { helpers as niftiHelpers } from '@cornerstonejs/nifti-volume-loader';
import * as NiftiReader from 'nifti-reader-js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getCsrfToken } from '../lib/trpc';
import { phaseLabel, PHASES, type LesionView, type SegmentationView, type SeriesView } from '../lib/contract';
import { affineToLps, fetchNifti, readNiftiLabels, seriesLoad, voxelView } from './nifti';
import { SlicePreview } from './SlicePreview';
import { ViewportLabel } from './ViewportLabel';
import { allRendered, firstImage, mark } from './timing';
import { labelCentroid, overlayIndex, segmentationsFor } from './overlay';
import { LESION_COLOURS, LIVER_COLOUR, voiRange, WINDOW_PRESETS } from './presets';
import {
  applyOp,
  boxThresholdFill,
  brushIndices,
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
  type UnsavedEditsGuard,
  withinRange,
  type PaintOp,
  type Vec3,
} from './editing';

export interface MultiPhaseViewerProps {
  studyId: string;
  series: SeriesView[];
  segmentations: SegmentationView[];
  /** The study's lesions: lesion i is drawn in overlay colour i (see LesionTable). */
  lesions?: LesionView[];
  synthetic?: boolean;
  /** Show the segmentation editing tools (clinicians; the API refuses other roles' uploads). */
  editable?: boolean;
  /** Called after "Save as new version" stored every edited mask (the new versions, as the API answered). */
  onSaved?: (created: SavedVersion[]) => void;
}

/** What `POST /api/files/segmentations/:id/versions` answers (201). */
export interface SavedVersion {
  id: string;
  version: number;
  previousId?: string | null;
  status?: string;
  labelsPresent?: number[];
}

type EditTool = 'window' | 'brush' | 'eraser' | 'grow' | 'box';

/** Keyboard shortcuts (also shown in the viewer's help panel). */
export const SHORTCUTS: readonly { keys: string; what: string; editing?: boolean }[] = [
  { keys: '↑ ↓ / PageUp PageDown / wheel', what: 'scroll slices (all phases follow)' },
  { keys: 'L · A · N', what: 'window presets: liver, abdomen, bone' },
  { keys: 'M', what: 'orientation: axial → coronal → sagittal' },
  { keys: 'O', what: 'overlay on/off' },
  { keys: 'X', what: 'reset camera and window' },
  { keys: '1–4', what: 'focus a phase' },
  { keys: '?', what: 'this help' },
  { keys: 'left drag · middle drag · right drag', what: 'window/level · pan · zoom' },
  { keys: 'W or Esc', what: 'window/level tool (stop editing)', editing: true },
  { keys: 'B', what: 'brush: paint the selected structure (drag)', editing: true },
  { keys: 'E', what: 'eraser: remove the selected structure (drag)', editing: true },
  { keys: 'R', what: 'region grow from a click (3D, tolerance around the clicked neighbourhood)', editing: true },
  { keys: 'F', what: 'box fill: drag a rectangle; its voxels inside the HU range (± N slices) become the structure', editing: true },
  { keys: 'T', what: 'threshold: brush and region grow only touch voxels inside the HU range', editing: true },
  { keys: '[ ]', what: 'brush radius −/+ 1 mm', editing: true },
  { keys: 'Ctrl+Z · Ctrl+Y (Ctrl+Shift+Z)', what: 'undo · redo', editing: true },
];

/** One editable mask held in memory: its latest version, voxels (labels as uint8) and the file it came from. */
interface EditMask {
  seg: SegmentationView;
  /** Overlay index (1 liver, 2 + i lesion i), or null for a multi-label map (voxel value v drawn as 1 + v). */
  overlayIdx: number | null;
  mask: Uint8Array;
  /** The raw NIfTI the mask came from: its header gives the saved file the same geometry. */
  template: ArrayBuffer;
  /** False when the file holds labels above 255 (drawn, not editable). */
  editable: boolean;
  /** The labels one can paint: a single-structure mask has one (its foreground value), a multi-label lesion map one per lesion. */
  labels: { value: number; name: string }[];
}

/** An editing target: one label of one mask. Key `${segId}#${value}`. */
interface EditTarget {
  key: string;
  segId: string;
  value: number;
  name: string;
  version?: number;
}

/** Display name of a mask: its one label's name, or "<structure> mask" for a multi-label map. */
function maskName(m: EditMask): string {
  return m.labels.length === 1 ? m.labels[0].name : `${m.seg.structure === 'LESION' ? 'Lesion' : (m.seg.structure ?? 'Label')} mask`;
}

function targetsOf(order: EditMask[]): EditTarget[] {
  return order
    .filter((m) => m.editable)
    .flatMap((m) => m.labels.map((l) => ({ key: `${m.seg.id}#${l.value}`, segId: m.seg.id, value: l.value, name: l.name, version: m.seg.version })));
}

interface EditState {
  segVolId: string;
  merged: Uint8Array;
  dims: Vec3;
  /** Masks in drawing order (liver first, lesions over it). */
  order: EditMask[];
  /** Series (viewports) showing this labelmap. */
  seriesIds: string[];
}
type Orientation = 'AXIAL' | 'CORONAL' | 'SAGITTAL';
const ORIENTATIONS: Orientation[] = ['AXIAL', 'CORONAL', 'SAGITTAL'];
const TOOL_GROUP = 'hs-mpv-tools';
const CAMERA_SYNC = 'hs-mpv-camera';
const VOI_SYNC = 'hs-mpv-voi';


let initDone: Promise<void> | null = null;
/** Initialise cornerstone once per page (StrictMode runs effects twice). */
function initCornerstone(): Promise<void> {
  if (!initDone) {
    initDone = (async () => {
      cs.init();
      cst.init();
      for (const T of [cst.WindowLevelTool, cst.PanTool, cst.ZoomTool, cst.StackScrollTool]) cst.addTool(T);
    })();
  }
  return initDone;
}

/**
 * Builds a cornerstone volume from raw NIfTI bytes in memory: header and voxels read with nifti-reader-js, metadata
 * and modality scaling (scl_slope/scl_inter) by nifti-volume-loader's helpers, RAS→LPS geometry as that loader does.
 * One copy of the voxels, no per-slice image requests (the streaming path was several times slower here).
 */
function createVolumeFromNifti(volumeId: string, buf: ArrayBuffer): ArrayLike<number> {
  if (!NiftiReader.isNIFTI(buf)) throw new Error('the file is not a NIfTI volume');
  const header = NiftiReader.readHeader(buf);
  if (!header) throw new Error('the NIfTI header could not be read');
  const dims: [number, number, number] = [header.dims[1], header.dims[2], Math.max(1, header.dims[3])];
  const geo = affineToLps(header.affine, dims);
  // fast path: a view on the decompressed buffer (no copy); otherwise nifti-volume-loader's copy + rescale
  const view = voxelView(buf);
  const { scalarData, pixelRepresentation } = view
    ? { scalarData: view, pixelRepresentation: view instanceof Int16Array || view instanceof Float32Array ? 1 : 0 }
    : niftiHelpers.modalityScaleNifti(header, NiftiReader.readImage(header, buf));
  const { volumeMetadata } = niftiHelpers.makeVolumeMetadata(header, geo.direction, pixelRepresentation);
  cs.volumeLoader.createLocalVolume(volumeId, {
    scalarData,
    metadata: { ...volumeMetadata, Modality: 'CT', voiLut: [{ windowCenter: 50, windowWidth: 400 }] } as unknown as cs.Types.Metadata,
    dimensions: geo.dimensions,
    spacing: geo.spacing,
    origin: geo.origin,
    direction: geo.direction as unknown as cs.Types.Mat3,
  });
  return scalarData as ArrayLike<number>;
}

interface PhaseState {
  status: 'loading' | 'ready' | 'error';
  error?: string;
  slice?: string;
}

export default function MultiPhaseViewer({ studyId, series: seriesProp, segmentations: segsProp, lesions = [], synthetic, editable, onSaved }: MultiPhaseViewerProps) {
  // a refetch of the case gives new arrays with the same content: reload the volumes only when ids/versions change
  const seriesKey = seriesProp.map((s) => `${s.id}:${s.phase}`).join('|');
  const segKey = segsProp.map((g) => `${g.id}:${g.version}`).join('|');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const series = useMemo(() => seriesProp, [seriesKey]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const segmentations = useMemo(() => segsProp, [segKey]);
  const ordered = useMemo(
    () => PHASES.map((p) => series.find((s) => s.phase === p)).filter((s): s is SeriesView => !!s).concat(series.filter((s) => !PHASES.includes(s.phase as never))),
    [series],
  );
  const engineId = `hs-engine-${studyId}`;
  const elements = useRef<Record<string, HTMLDivElement | null>>({});
  const [phaseState, setPhaseState] = useState<Record<string, PhaseState>>({});
  const [overlay, setOverlay] = useState(true);
  const [orientation, setOrientation] = useState<Orientation>('AXIAL');
  const [preset, setPreset] = useState('abdomen');
  const [focused, setFocused] = useState(0);
  const [row, setRow] = useState(false);
  const [firstRenderMs, setFirstRenderMs] = useState<number | null>(null);
  const segIds = useRef<Record<string, string>>({});
  const [overlayFrom, setOverlayFrom] = useState<Record<string, string>>({});
  /** The merged labelmap of the first overlay group, to centre the view on a lesion. */
  const overlayData = useRef<{ merged: Uint8Array; volumeId: string } | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const [help, setHelp] = useState(false);

  // ── editing state (masks in memory, tool settings, undo/redo) ──
  const edit = useRef<EditState | null>(null);
  /** Voxels (HU) of each series' volume, for threshold and region growing. */
  const images = useRef<Record<string, ArrayLike<number>>>({});
  const volumeOfRef = useRef<Record<string, string>>({});
  const history = useRef(new EditHistory(200));
  const [tool, setTool] = useState<EditTool>('window');
  const [target, setTarget] = useState('');
  const [targets, setTargets] = useState<EditTarget[]>([]);
  const [radius, setRadius] = useState(4);
  const [threshold, setThreshold] = useState({ on: false, lo: -20, hi: 200 });
  const [tolerance, setTolerance] = useState(25);
  /** Box fill: slices added on each side of the shown one. */
  const [boxSlices, setBoxSlices] = useState(0);
  const [editRev, setEditRev] = useState(0);
  const [editMsg, setEditMsg] = useState('');
  const [save, setSave] = useState<{ status: 'idle' | 'saving' | 'saved' | 'conflict' | 'error'; message?: string }>({ status: 'idle' });
  const cfg = useRef({ tool, target, radius, threshold, tolerance, boxSlices });
  cfg.current = { tool, target, radius, threshold, tolerance, boxSlices };
  const brushRing = useRef<HTMLDivElement | null>(null);
  const boxRect = useRef<HTMLDivElement | null>(null);
  // unsaved edits: leaving the page (reload, close, links, back) asks first; saving or discarding clears it
  const leaveGuard = useRef<UnsavedEditsGuard | null>(null);
  useEffect(() => {
    const g = installUnsavedEditsGuard(window);
    leaveGuard.current = g;
    return () => g.dispose();
  }, []);
  const dirtyNow = !!editable && history.current.targets().size > 0;
  useEffect(() => leaveGuard.current?.setDirty(dirtyNow), [dirtyNow]);

  const vpId = (s: SeriesView) => `vp-${s.id}`;
  const engine = () => cs.getRenderingEngine(engineId);

  // ── set up the engine, viewports, volumes and overlays ──
  useEffect(() => {
    let cancelled = false;
    const t0 = performance.now();
    const volumeIds: string[] = [];
    const abort = new AbortController();
    let firstDone = false;
    const edits = history.current;

    if (rootRef.current) delete rootRef.current.dataset.loaded;

    // (shared with the case's prefetch and the previews: one download and one inflation per series)
    const loads = ordered.map((s) => seriesLoad(s.url));

    (async () => {
      mark('viewer:mount');
      // the first phase's preview goes first: cornerstone's start-up (WebGL contexts, shaders) would compete with
      // its inflation for the CPU (the preview resolves at the latest when that phase is inflated or failed)
      await loads[0]?.preview;
      if (cancelled) return;
      await initCornerstone();
      mark('viewer:init');
      if (cancelled) return;
      const re = new cs.RenderingEngine(engineId);
      re.setViewports(
        ordered.map((s) => ({
          viewportId: vpId(s),
          type: cs.Enums.ViewportType.ORTHOGRAPHIC,
          element: elements.current[s.id]!,
          defaultOptions: { orientation: cs.Enums.OrientationAxis.AXIAL, background: [0, 0, 0] as cs.Types.Point3 },
        })),
      );
      cst.ToolGroupManager.destroyToolGroup(TOOL_GROUP);
      const tg = cst.ToolGroupManager.createToolGroup(TOOL_GROUP)!;
      tg.addTool(cst.WindowLevelTool.toolName);
      tg.addTool(cst.PanTool.toolName);
      tg.addTool(cst.ZoomTool.toolName);
      tg.addTool(cst.StackScrollTool.toolName);
      const B = cst.Enums.MouseBindings;
      tg.setToolActive(cst.WindowLevelTool.toolName, { bindings: [{ mouseButton: B.Primary }] });
      tg.setToolActive(cst.PanTool.toolName, { bindings: [{ mouseButton: B.Auxiliary }] });
      tg.setToolActive(cst.ZoomTool.toolName, { bindings: [{ mouseButton: B.Secondary }] });
      tg.setToolActive(cst.StackScrollTool.toolName, { bindings: [{ mouseButton: B.Wheel }] });
      for (const s of ordered) tg.addViewport(vpId(s), engineId);

      cst.SynchronizerManager.destroySynchronizer(CAMERA_SYNC);
      cst.SynchronizerManager.destroySynchronizer(VOI_SYNC);
      const camSync = cst.synchronizers.createCameraPositionSynchronizer(CAMERA_SYNC);
      const voiSync = cst.synchronizers.createVOISynchronizer(VOI_SYNC, { syncInvertState: false, syncColormap: false });
      for (const s of ordered) {
        camSync.add({ renderingEngineId: engineId, viewportId: vpId(s) });
        voiSync.add({ renderingEngineId: engineId, viewportId: vpId(s) });
      }

      const lut: cs.Types.ColorLUT = [[0, 0, 0, 0], LIVER_COLOUR];
      for (let i = 0; i < 254; i++) {
        const c = LESION_COLOURS[i % LESION_COLOURS.length];
        lut.push([c[0], c[1], c[2], 200]);
      }
      const lutIndex = cst.segmentation.config.color.addColorLUT(lut);

      // downloads run in parallel; decompression and volume creation go one phase at a time in display order, so
      // the first image is not slowed down by the others
      const volumeOf: Record<string, string> = {};
      for (const [i, s] of ordered.entries()) {
        try {
          const raw = await loads[i].raw;
          mark(`${s.phase}:inflated`);
          if (cancelled) return;
          const volumeId = `hs-vol-${s.id}-${Math.random().toString(36).slice(2, 8)}`;
          images.current[s.id] = createVolumeFromNifti(volumeId, raw);
          volumeIds.push(volumeId);
          volumeOf[s.id] = volumeId;
          volumeOfRef.current[s.id] = volumeId;
          mark(`${s.phase}:volume`);
          await cs.setVolumesForViewports(re, [{ volumeId }], [vpId(s)]);
          const vp = re.getViewport(vpId(s)) as cs.Types.IVolumeViewport;
          vp.setProperties({ voiRange: voiRange(WINDOW_PRESETS.find((p) => p.id === 'abdomen')!) });
          vp.render();
          mark(`${s.phase}:rendered`);
          if (!firstDone) {
            firstDone = true;
            setFirstRenderMs(Math.round(performance.now() - t0));
            firstImage('volume');
          }
          setPhaseState((st) => ({ ...st, [s.id]: { status: 'ready' } }));
        } catch (e) {
          if (cancelled) return;
          setPhaseState((st) => ({ ...st, [s.id]: { status: 'error', error: e instanceof Error ? e.message : String(e) } }));
        }
      }
      if (cancelled) return;
      allRendered();

      // Overlays: one labelmap per set of segmentations (phases of a study share the grid, so usually one for all
      // four viewports), merging the liver and lesion masks; lesion i gets overlay index 2 + i (its own colour).
      const groups = new Map<string, { segs: SegmentationView[]; series: SeriesView[]; from: Record<string, SeriesView | undefined> }>();
      for (const s of ordered) {
        if (!volumeOf[s.id]) continue;
        const { segs, from } = segmentationsFor(s, ordered, segmentations);
        if (!segs.length) continue;
        const key = segs.map((g) => g.id).sort().join('|');
        const g = groups.get(key) ?? { segs, series: [], from: {} };
        g.series.push(s);
        g.from[s.id] = from;
        groups.set(key, g);
      }
      for (const g of groups.values()) {
        try {
          const base = g.series[0];
          const segVolId = `hs-seg-${base.id}-${volumeOf[base.id].slice(-6)}`;
          const labelVol = cs.volumeLoader.createAndCacheDerivedLabelmapVolume(volumeOf[base.id], { volumeId: segVolId });
          const n = labelVol.dimensions[0] * labelVol.dimensions[1] * labelVol.dimensions[2];
          const merged = new Uint8Array(n);
          const ordSegs = [...g.segs].sort((a, b) => Number(overlayIndex(b, lesions) === 1) - Number(overlayIndex(a, lesions) === 1));
          const files = await Promise.all(ordSegs.map((x) => fetchNifti(x.url, abort.signal)));
          if (cancelled) return;
          ordSegs.forEach((seg, j) => {
            const lab = readNiftiLabels(files[j]);
            if (lab.data.length !== n) {
              console.warn(`segmentation ${seg.id} has ${lab.dims.join('×')} voxels; series ${base.id} has ${labelVol.dimensions.join('×')}: not shown`);
              return;
            }
            const fixed = overlayIndex(seg, lesions);
            const data = lab.data;
            for (let i = 0; i < n; i++) {
              const v = data[i];
              if (v > 0) merged[i] = fixed ?? Math.min(255, 1 + v);
            }
          });
          const vm = labelVol.voxelManager;
          if (!vm?.setCompleteScalarDataArray) throw new Error('the labelmap volume has no voxel manager');
          vm.setCompleteScalarDataArray(merged);
          overlayData.current ??= { merged, volumeId: volumeOf[base.id] };
          if (!edit.current) {
            // the first labelmap is the editable one: keep each mask (uint8 labels) and its file for saving
            const order: EditMask[] = [];
            ordSegs.forEach((seg, j) => {
              const lab = readNiftiLabels(files[j]);
              if (lab.data.length !== n) return;
              const mask = new Uint8Array(n);
              const present = new Set<number>();
              let tooWide = false;
              for (let i = 0; i < n; i++) {
                const v = lab.data[i];
                if (v > 255) tooWide = true;
                mask[i] = Math.min(255, v);
                if (v > 0) present.add(mask[i]);
              }
              const fixed = overlayIndex(seg, lesions);
              const lesion = lesions.find((l) => l.id === seg.lesionId);
              const meta = (seg.labels && typeof seg.labels === 'object' ? seg.labels : {}) as Record<string, unknown>;
              let labels: { value: number; name: string }[];
              if (fixed === 1) labels = [{ value: present.size ? Math.min(...present) : 1, name: 'Liver' }];
              else if (lesion) labels = [{ value: present.size ? Math.min(...present) : 1, name: `Lesion ${lesion.label}` }];
              else {
                // a multi-label lesion map: one target per label (declared in the labels map or present in the voxels)
                for (const k of Object.keys(meta)) if (/^\d+$/.test(k) && Number(k) > 0 && Number(k) < 256) present.add(Number(k));
                labels = [...present]
                  .sort((a, b) => a - b)
                  .map((v) => ({ value: v, name: meta[String(v)] ? `Lesion ${String(meta[String(v)])}` : `${seg.structure ?? 'Mask'} label ${v}` }));
                if (!labels.length) labels = [{ value: 1, name: `${seg.structure ?? 'Mask'} label 1` }];
              }
              order.push({ seg, overlayIdx: fixed, mask, template: files[j], editable: !tooWide, labels });
            });
            edit.current = { segVolId, merged, dims: labelVol.dimensions as unknown as Vec3, order, seriesIds: g.series.map((s) => s.id) };
            const all = targetsOf(order);
            setTargets(all);
            setTarget((t) => t || (all.find((x) => x.name !== 'Liver') ?? all[0])?.key || '');
          }
          cst.segmentation.addSegmentations([
            { segmentationId: segVolId, representation: { type: cst.Enums.SegmentationRepresentations.Labelmap, data: { volumeId: segVolId } } },
          ]);
          await cst.segmentation.addLabelmapRepresentationToViewportMap(
            Object.fromEntries(g.series.map((s) => [vpId(s), [{ segmentationId: segVolId, config: { colorLUTOrIndex: lutIndex } }]])),
          );
          for (const s of g.series) segIds.current[s.id] = segVolId;
          setOverlayFrom((o) => ({ ...o, ...Object.fromEntries(g.series.filter((s) => g.from[s.id]).map((s) => [s.id, String(g.from[s.id]!.phase)])) }));
          mark(`overlay:${g.series.map((s) => s.phase).join(',')}`);
        } catch (e) {
          console.warn(`overlay not shown: ${e instanceof Error ? e.message : String(e)}`);
          setOverlayFrom((o) => ({ ...o, ...Object.fromEntries(g.series.map((s) => [s.id, 'error'])) }));
        }
      }
      if (!cancelled) re.render();
      if (!cancelled && rootRef.current) rootRef.current.dataset.loaded = 'true';
    })().catch((e) => {
      if (!cancelled) setPhaseState(Object.fromEntries(ordered.map((s) => [s.id, { status: 'error' as const, error: String(e) }])));
    });

    return () => {
      cancelled = true;
      abort.abort();
      try {
        cst.SynchronizerManager.destroySynchronizer(CAMERA_SYNC);
        cst.SynchronizerManager.destroySynchronizer(VOI_SYNC);
        cst.ToolGroupManager.destroyToolGroup(TOOL_GROUP);
        for (const id of new Set(Object.values(segIds.current))) cst.segmentation.removeSegmentation(id);
        segIds.current = {};
        edit.current = null;
        overlayData.current = null;
        edits.clear();
        images.current = {};
        volumeOfRef.current = {};
        cs.getRenderingEngine(engineId)?.destroy();
        for (const v of volumeIds) cs.cache.removeVolumeLoadObject(v);
      } catch {
        /* tearing down a half-initialised engine */
      }
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engineId, ordered, segmentations]);

  // keep canvases sized to their boxes
  useEffect(() => {
    const ro = new ResizeObserver(() => engine()?.resize(true, true));
    for (const el of Object.values(elements.current)) if (el) ro.observe(el);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ordered]);

  // "centre on lesion i" requests from the lesion table (window event, see LesionTable)
  useEffect(() => {
    const onGoto = (evt: Event) => {
      const index = (evt as CustomEvent<{ index: number }>).detail?.index;
      const od = overlayData.current;
      const vp = engine()?.getViewport(vpId(ordered[0])) as cs.Types.IVolumeViewport | undefined;
      const vol = od ? cs.cache.getVolume(od.volumeId) : undefined;
      if (index === undefined || !od || !vp || !vol) return;
      const c = labelCentroid(od.merged, vol.dimensions, 2 + index);
      if (!c) return;
      const world = vol.imageData!.indexToWorld(c as unknown as cs.Types.Point3) as cs.Types.Point3;
      const cam = vp.getCamera();
      const d = [0, 1, 2].map((k) => cam.position![k] - cam.focalPoint![k]);
      vp.setCamera({ focalPoint: world, position: [world[0] + d[0], world[1] + d[1], world[2] + d[2]] as cs.Types.Point3 });
      vp.render(); // the camera synchroniser moves the other phases
    };
    window.addEventListener('hs:goto-lesion', onGoto);
    return () => window.removeEventListener('hs:goto-lesion', onGoto);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ordered]);

  // ── editing ──

  /** Redraws the merged labelmap at `indices` from the masks (later masks over earlier ones) and re-renders. */
  const refreshLabels = useCallback((indices: Uint32Array) => {
    const ed = edit.current;
    const labelVol = ed ? cs.cache.getVolume(ed.segVolId) : undefined;
    if (!ed || !labelVol?.voxelManager) return;
    const vm = labelVol.voxelManager;
    const plane = ed.dims[0] * ed.dims[1];
    const slices = new Set<number>();
    for (const idx of indices) {
      let v = 0;
      for (const m of ed.order) {
        const x = m.mask[idx];
        if (x > 0) v = m.overlayIdx ?? Math.min(255, 1 + x);
      }
      ed.merged[idx] = v;
      vm.setAtIndex(idx, v);
      slices.add(Math.floor(idx / plane));
    }
    cst.segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(ed.segVolId, [...slices]);
  }, []);

  /** Canvas position of a mouse event over series `s` → fractional voxel position, plane axis, volume. */
  const pick = useCallback(
    (s: SeriesView, e: MouseEvent) => {
      const vp = engine()?.getViewport(vpId(s)) as cs.Types.IVolumeViewport | undefined;
      const vol = cs.cache.getVolume(volumeOfRef.current[s.id] ?? '');
      const el = elements.current[s.id];
      if (!vp || !vol?.imageData || !el) return null;
      const r = el.getBoundingClientRect();
      const world = vp.canvasToWorld([e.clientX - r.left, e.clientY - r.top] as cs.Types.Point2);
      const ijk = vol.imageData.worldToIndex(world as unknown as [number, number, number]) as unknown as Vec3;
      const axis = planeAxis(Array.from(vol.direction as ArrayLike<number>), vp.getCamera().viewPlaneNormal as unknown as Vec3);
      return { ijk, axis, vol, vp };
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );

  /** The mask and label being edited. */
  const editMask = () => {
    const [segId, value] = cfg.current.target.split('#');
    const m = edit.current?.order.find((x) => x.seg.id === segId && x.editable);
    const label = m?.labels.find((l) => l.value === Number(value));
    return m && label ? { ...label, mask: m.mask, segId: m.seg.id } : null;
  };

  /** One brush/eraser dab at the mouse position; returns the op (null when nothing changed). */
  const dab = useCallback(
    (s: SeriesView, e: MouseEvent): PaintOp | null => {
      const m = editMask();
      const p = pick(s, e);
      const image = images.current[s.id];
      if (!m || !p || !image) return null;
      const { tool: t, radius: rad, threshold: th } = cfg.current;
      let idx = brushIndices(p.ijk, rad, p.vol.spacing as unknown as Vec3, p.vol.dimensions as unknown as Vec3, p.axis);
      if (t === 'brush' && th.on) idx = withinRange(idx, image, th);
      // the eraser removes only the selected label (other lesions and structures stay)
      const op = t === 'eraser' ? paint(m.mask, idx, 0, m.segId, m.value) : paint(m.mask, idx, m.value, m.segId);
      if (op) refreshLabels(op.indices);
      return op;
    },
    [pick, refreshLabels],
  );

  /** Region growing from a click: 3D 6-connected flood around the clicked neighbourhood's mean, bounded. */
  const grow = useCallback(
    (s: SeriesView, e: MouseEvent) => {
      const m = editMask();
      const p = pick(s, e);
      const image = images.current[s.id];
      if (!m || !p || !image) return;
      const { tolerance: tol, threshold: th } = cfg.current;
      try {
        const r = regionGrow(image, p.vol.dimensions as unknown as Vec3, p.ijk, { tolerance: tol, maxVoxels: 300_000, range: th.on ? th : undefined });
        const op = paint(m.mask, r.indices, m.value, m.segId);
        if (op) {
          refreshLabels(op.indices);
          history.current.push(op);
          setEditRev((x) => x + 1);
        }
        setEditMsg(
          `region grow: ${r.indices.length} voxels around ${Math.round(r.seedMean)} ± ${tol}${th.on ? ` within ${th.lo}…${th.hi} HU` : ''}` +
            `${r.truncated ? ' (stopped at 300 000 voxels: lower the tolerance)' : ''}; ${op?.indices.length ?? 0} added to ${m.name}`,
        );
      } catch (err) {
        setEditMsg(`region grow: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    [pick, refreshLabels],
  );

  /**
   * Box threshold fill: drag a rectangle on the shown plane; on release every voxel of it (± boxSlices slices) whose
   * HU is inside the threshold range becomes the edited label (one undoable op).
   */
  const boxDrag = useCallback(
    (s: SeriesView, e: MouseEvent) => {
      const m = editMask();
      const p0 = pick(s, e);
      const image = images.current[s.id];
      const rect = boxRect.current;
      if (!m || !p0 || !image) return;
      const x0 = e.clientX;
      const y0 = e.clientY;
      const draw = (ev: MouseEvent) => {
        if (rect)
          Object.assign(rect.style, {
            display: 'block',
            left: `${Math.min(x0, ev.clientX)}px`,
            top: `${Math.min(y0, ev.clientY)}px`,
            width: `${Math.abs(ev.clientX - x0)}px`,
            height: `${Math.abs(ev.clientY - y0)}px`,
          });
      };
      draw(e);
      const onUp = (ev: MouseEvent) => {
        window.removeEventListener('mousemove', draw, true);
        window.removeEventListener('mouseup', onUp, true);
        if (rect) rect.style.display = 'none';
        const p1 = pick(s, ev);
        const { threshold: th, boxSlices: n } = cfg.current;
        try {
          const dims = p0.vol.dimensions as unknown as Vec3;
          const box = p1 && planeBox(p0.ijk, p1.ijk, p0.axis, n, dims);
          if (!box) {
            setEditMsg('box fill: the box is outside the volume');
            return;
          }
          const op = boxThresholdFill(m.mask, image, dims, box, th, m.value, m.segId);
          if (op) {
            refreshLabels(op.indices);
            history.current.push(op);
            setEditRev((x) => x + 1);
          }
          const size = [0, 1, 2].map((a) => box.hi[a] - box.lo[a] + 1).join('×');
          setEditMsg(`box fill: ${op?.indices.length ?? 0} voxels set to ${m.name} in a ${size} box within ${th.lo}…${th.hi} HU`);
        } catch (err) {
          setEditMsg(`box fill: ${err instanceof Error ? err.message : String(err)}`);
        }
      };
      window.addEventListener('mousemove', draw, true);
      window.addEventListener('mouseup', onUp, true);
    },
    [pick, refreshLabels],
  );

  /** Discard every unsaved edit: undo them all (the masks return to the loaded versions) and forget the history. */
  const discardEdits = useCallback(() => {
    if (!window.confirm('Discard all unsaved segmentation edits?')) return;
    let n = 0;
    for (let op = history.current.undo(); op; op = history.current.undo()) {
      const m = edit.current?.order.find((x) => x.seg.id === op!.target);
      if (!m) continue;
      applyOp(m.mask, op, 'undo');
      refreshLabels(op.indices);
      n += op.indices.length;
    }
    history.current.clear();
    setEditRev((x) => x + 1);
    setEditMsg(`discarded the unsaved edits (${n} voxel changes)`);
  }, [refreshLabels]);

  // mouse handling of the editing tools: capture-phase listeners on each viewport box, so cornerstone's own tools
  // (window/level on the left button) do not see the events while an editing tool is active
  useEffect(() => {
    const offs: (() => void)[] = [];
    ordered.forEach((s, i) => {
      const box = elements.current[s.id]?.parentElement;
      if (!box) return;
      const onDown = (e: MouseEvent) => {
        const t = cfg.current.tool;
        if (t === 'window' || e.button !== 0 || !edit.current?.seriesIds.includes(s.id)) return;
        e.stopPropagation();
        e.preventDefault();
        setFocused(i);
        rootRef.current?.focus();
        if (!editMask()) {
          setEditMsg('select a structure to edit first');
          return;
        }
        if (t === 'grow') {
          grow(s, e);
          return;
        }
        if (t === 'box') {
          boxDrag(s, e);
          return;
        }
        const stroke: PaintOp[] = [];
        const first = dab(s, e);
        if (first) stroke.push(first);
        const onMove = (ev: MouseEvent) => {
          const op = dab(s, ev);
          if (op) stroke.push(op);
        };
        const onUp = () => {
          window.removeEventListener('mousemove', onMove, true);
          window.removeEventListener('mouseup', onUp, true);
          const op = mergeOps(stroke);
          if (op) {
            history.current.push(op);
            setEditRev((x) => x + 1);
          }
        };
        window.addEventListener('mousemove', onMove, true);
        window.addEventListener('mouseup', onUp, true);
      };
      // brush outline following the mouse (radius in mm → canvas pixels through the camera's parallel scale)
      const onHover = (e: MouseEvent) => {
        const ring = brushRing.current;
        const t = cfg.current.tool;
        if (!ring) return;
        if (t !== 'brush' && t !== 'eraser') {
          ring.style.display = 'none';
          return;
        }
        const vp = engine()?.getViewport(vpId(s)) as cs.Types.IVolumeViewport | undefined;
        const el = elements.current[s.id];
        const scale = vp?.getCamera().parallelScale;
        if (!vp || !el || !scale) return;
        const r = el.getBoundingClientRect();
        const px = (cfg.current.radius * r.height) / (2 * scale);
        Object.assign(ring.style, {
          display: 'block',
          left: `${e.clientX - px}px`,
          top: `${e.clientY - px}px`,
          width: `${2 * px}px`,
          height: `${2 * px}px`,
          borderColor: t === 'eraser' ? '#fff' : '#ffd24c',
        });
      };
      const onLeave = () => {
        if (brushRing.current) brushRing.current.style.display = 'none';
      };
      box.addEventListener('mousedown', onDown, true);
      box.addEventListener('mousemove', onHover, true);
      box.addEventListener('mouseleave', onLeave);
      offs.push(() => {
        box.removeEventListener('mousedown', onDown, true);
        box.removeEventListener('mousemove', onHover, true);
        box.removeEventListener('mouseleave', onLeave);
      });
    });
    return () => offs.forEach((f) => f());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ordered, dab, grow, boxDrag]);

  const undoRedo = useCallback(
    (dir: 'undo' | 'redo') => {
      const op = dir === 'undo' ? history.current.undo() : history.current.redo();
      const m = op && edit.current?.order.find((x) => x.seg.id === op.target);
      if (!op || !m) return;
      applyOp(m.mask, op, dir);
      refreshLabels(op.indices);
      setEditRev((x) => x + 1);
      setEditMsg(`${dir}: ${op.indices.length} voxels of ${maskName(m)}`);
    },
    [refreshLabels],
  );

  /**
   * "Save as new version": every edited mask is encoded (uint8 NIfTI, gzip, the geometry of the file it came from)
   * and uploaded as a new version of the version it was loaded from. A 409 (someone saved a newer version first)
   * stops here and keeps the edits in memory; nothing is reloaded.
   */
  const saveVersions = useCallback(async () => {
    const ed = edit.current;
    if (!ed) return;
    const dirty = ed.order.filter((m) => history.current.targets().has(m.seg.id));
    if (!dirty.length) {
      setSave({ status: 'idle', message: 'nothing to save: no edits' });
      return;
    }
    setSave({ status: 'saving' });
    const created: SavedVersion[] = [];
    const renamed = new Map<string, string>();
    const sync = () => {
      setTargets(targetsOf(ed.order));
      setTarget((t) => {
        const [segId, value] = t.split('#');
        return renamed.has(segId) ? `${renamed.get(segId)}#${value}` : t;
      });
      setEditRev((x) => x + 1);
    };
    for (const m of dirty) {
      try {
        const body = await gzip(encodeLabelNifti(m.template, m.mask));
        const res = await fetch(new URL(`/api/files/segmentations/${encodeURIComponent(m.seg.id)}/versions`, window.location.href).href, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/gzip', 'x-hepatoscope-csrf': getCsrfToken() ?? '' },
          body: body as BlobPart,
        });
        const j = (await res.json().catch(() => ({}))) as SavedVersion & { message?: string };
        if (res.status === 409) {
          setSave({
            status: 'conflict',
            message:
              `Someone else saved a newer version of ${maskName(m)} (v${m.seg.version ?? '?'}) while you were editing. Your edits were NOT saved and are still ` +
              `here; reload the case to see the newer version (reloading discards these unsaved edits). Server: ${j.message ?? 'conflict'}`,
          });
          sync();
          return;
        }
        if (!res.ok) {
          setSave({ status: 'error', message: `Saving ${maskName(m)} failed (HTTP ${res.status}): ${j.message ?? res.statusText}. Your edits are still here.` });
          sync();
          return;
        }
        created.push(j);
        // later saves of this mask build on the version just stored
        history.current.clear(m.seg.id);
        renamed.set(m.seg.id, j.id);
        m.seg = { ...m.seg, id: j.id, version: j.version };
      } catch (err) {
        setSave({ status: 'error', message: `Saving ${maskName(m)} failed: ${err instanceof Error ? err.message : String(err)}. Your edits are still here.` });
        sync();
        return;
      }
    }
    setSave({
      status: 'saved',
      message: `Saved ${created.map((c, i) => `${maskName(dirty[i])} v${c.version} (${countForeground(dirty[i].mask)} voxels)`).join(', ')}`,
    });
    sync();
    onSaved?.(created);
  }, [onSaved]);

  const viewports = useCallback(
    () => ordered.map((s) => engine()?.getViewport(vpId(s)) as cs.Types.IVolumeViewport | undefined).filter((v): v is cs.Types.IVolumeViewport => !!v),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ordered],
  );

  const applyPreset = useCallback(
    (id: string) => {
      const p = WINDOW_PRESETS.find((x) => x.id === id);
      if (!p) return;
      setPreset(id);
      for (const vp of viewports()) {
        vp.setProperties({ voiRange: voiRange(p) });
        vp.render();
      }
    },
    [viewports],
  );

  const scroll = useCallback(
    (delta: number) => {
      const vp = viewports()[focused] ?? viewports()[0];
      if (vp) cs.utilities.scroll(vp as unknown as Parameters<typeof cs.utilities.scroll>[0], { delta }); // the camera synchroniser moves the other phases
    },
    [viewports, focused],
  );

  const toggleOverlay = useCallback(() => {
    setOverlay((on) => {
      const next = !on;
      for (const s of ordered) {
        const segId = segIds.current[s.id];
        if (segId)
          cst.segmentation.config.visibility.setSegmentationRepresentationVisibility(vpId(s), { segmentationId: segId, type: cst.Enums.SegmentationRepresentations.Labelmap }, next);
      }
      engine()?.render();
      return next;
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ordered]);

  const applyOrientation = useCallback(
    (o: Orientation) => {
      setOrientation(o);
      for (const vp of viewports()) {
        vp.setOrientation(cs.Enums.OrientationAxis[o]);
        vp.render();
      }
    },
    [viewports],
  );

  const reset = useCallback(() => {
    for (const vp of viewports()) {
      vp.resetCamera();
      vp.render();
    }
    applyPreset(preset);
  }, [viewports, applyPreset, preset]);

  const chooseTool = (t: EditTool) => {
    setTool(t);
    if (brushRing.current && t !== 'brush' && t !== 'eraser') brushRing.current.style.display = 'none';
  };

  const onKey = (e: React.KeyboardEvent) => {
    if ((e.target as HTMLElement).closest('input, select, textarea')) return;
    const k = e.key.toLowerCase();
    const p = WINDOW_PRESETS.find((x) => x.key === k);
    if (editable && (e.ctrlKey || e.metaKey) && (k === 'z' || k === 'y')) undoRedo(k === 'y' || e.shiftKey ? 'redo' : 'undo');
    else if (e.ctrlKey || e.metaKey || e.altKey) return;
    else if (editable && k === 'b') chooseTool('brush');
    else if (editable && k === 'e') chooseTool('eraser');
    else if (editable && k === 'r') chooseTool('grow');
    else if (editable && k === 'f') chooseTool('box');
    else if (editable && (k === 'w' || k === 'escape')) chooseTool('window');
    else if (editable && k === 't') setThreshold((t) => ({ ...t, on: !t.on }));
    else if (editable && (k === '[' || k === ']')) setRadius((r) => Math.max(1, Math.min(50, r + (k === ']' ? 1 : -1))));
    else if (k === '?') setHelp((h) => !h);
    else if (p) applyPreset(p.id);
    else if (k === 'arrowup' || k === 'pageup') scroll(k === 'pageup' ? -5 : -1);
    else if (k === 'arrowdown' || k === 'pagedown') scroll(k === 'pagedown' ? 5 : 1);
    else if (k === 'o') toggleOverlay();
    else if (k === 'm') applyOrientation(ORIENTATIONS[(ORIENTATIONS.indexOf(orientation) + 1) % 3]);
    else if (k === 'x') reset();
    else if (/^[1-4]$/.test(k)) setFocused(Number(k) - 1);
    else return;
    e.preventDefault();
  };

  if (ordered.length === 0) return <div className="hs-state hs-empty">This study has no image series.</div>;

  return (
    <div
      ref={rootRef}
      className="hs-viewer"
      data-testid="viewer"
      data-first-render-ms={firstRenderMs ?? undefined}
      tabIndex={0}
      onKeyDown={onKey}
      aria-label="Multi-phase viewer; keys: arrows scroll, L/A/N window presets, O overlay, M orientation, X reset, ? help"
    >
      <div className="hs-toolbar">
        {WINDOW_PRESETS.map((p) => (
          <button key={p.id} type="button" className={preset === p.id ? 'active' : ''} onClick={() => applyPreset(p.id)} title={`W ${p.width} / L ${p.level} (key ${p.key.toUpperCase()})`}>
            {p.label} <span className="hs-kbd">{p.key.toUpperCase()}</span>
          </button>
        ))}
        <span style={{ width: 12 }} />
        {ORIENTATIONS.map((o) => (
          <button key={o} type="button" className={orientation === o ? 'active' : ''} onClick={() => applyOrientation(o)}>
            {o[0] + o.slice(1).toLowerCase()}
          </button>
        ))}
        <span className="hs-kbd">M</span>
        <span style={{ width: 12 }} />
        <button type="button" className={overlay ? 'active' : ''} onClick={toggleOverlay} data-testid="toggle-overlay">
          Overlay <span className="hs-kbd">O</span>
        </button>
        <button type="button" onClick={reset}>
          Reset <span className="hs-kbd">X</span>
        </button>
        <button type="button" onClick={() => setRow((r) => !r)} title="Layout">
          {row ? '2×2' : '1×4'}
        </button>
        <button type="button" className={help ? 'active' : ''} onClick={() => setHelp((h) => !h)} data-testid="viewer-help-toggle" title="Keyboard shortcuts (?)">
          ? <span className="hs-kbd">?</span>
        </button>
        <span className="hs-muted hs-small" style={{ marginLeft: 'auto' }}>
          ↑↓ scroll · drag: L window, M pan, R zoom · synced
          {firstRenderMs !== null && ` · first image ${firstRenderMs} ms`}
        </span>
      </div>
      {help && (
        <div className="hs-panel hs-small" data-testid="viewer-help" style={{ marginBottom: 8 }}>
          <table>
            <tbody>
              {SHORTCUTS.filter((x) => editable || !x.editing).map((x) => (
                <tr key={x.keys}>
                  <td>
                    <span className="hs-kbd">{x.keys}</span>
                  </td>
                  <td>{x.what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editable && (
        <EditToolbar
          tool={tool}
          onTool={chooseTool}
          targets={targets}
          target={target}
          onTarget={setTarget}
          radius={radius}
          onRadius={setRadius}
          threshold={threshold}
          onThreshold={setThreshold}
          tolerance={tolerance}
          onTolerance={setTolerance}
          boxSlices={boxSlices}
          onBoxSlices={setBoxSlices}
          onDiscard={discardEdits}
          canUndo={history.current.canUndo}
          canRedo={history.current.canRedo}
          dirty={history.current.targets().size > 0}
          rev={editRev}
          onUndo={() => undoRedo('undo')}
          onRedo={() => undoRedo('redo')}
          onSave={() => void saveVersions()}
          save={save}
          message={editMsg}
        />
      )}
      <div className={`hs-viewer-grid${row && ordered.length >= 3 ? ' four' : ''}`}>
        {ordered.map((s, i) => {
          const st = phaseState[s.id] ?? { status: 'loading' };
          return (
            <div
              key={s.id}
              className={`hs-viewport${focused === i ? ' focused' : ''}`}
              onMouseDown={() => setFocused(i)}
              onContextMenu={(e) => e.preventDefault()}
              data-phase={s.phase}
              data-status={st.status}
            >
              <ViewportLabel
                index={i}
                phase={String(s.phase)}
                synthetic={synthetic}
                info={
                  <>
                    {overlayFrom[s.id] === 'error' ? 'overlay failed · ' : overlayFrom[s.id] ? `overlay from ${phaseLabel(overlayFrom[s.id])} · ` : ''}
                    {s.dims?.join('×')}
                    {st.status === 'loading' && ' · loading…'}
                  </>
                }
              />
              {st.status === 'error' && (
                <div className="hs-state hs-error" style={{ position: 'absolute', inset: 'auto 8px 30px 8px', zIndex: 3 }}>
                  {st.error}
                </div>
              )}
              {st.status === 'loading' && orientation === 'AXIAL' && <SlicePreview path={s.url} phase={String(s.phase)} />}
              <div
                className="hs-viewport-el"
                style={editable && tool !== 'window' ? { cursor: 'crosshair' } : undefined}
                ref={(el) => {
                  elements.current[s.id] = el;
                }}
              />
            </div>
          );
        })}
      </div>
      <div ref={boxRect} aria-hidden data-testid="box-rect" style={{ position: 'fixed', display: 'none', border: '1px dashed #ffd24c', pointerEvents: 'none', zIndex: 20 }} />
      <div ref={brushRing} aria-hidden style={{ position: 'fixed', display: 'none', border: '1px solid #ffd24c', borderRadius: '50%', pointerEvents: 'none', zIndex: 20 }} />
    </div>
  );
}

interface EditToolbarProps {
  tool: EditTool;
  onTool(t: EditTool): void;
  targets: EditTarget[];
  target: string;
  onTarget(id: string): void;
  radius: number;
  onRadius(r: number): void;
  threshold: { on: boolean; lo: number; hi: number };
  onThreshold(t: { on: boolean; lo: number; hi: number }): void;
  tolerance: number;
  onTolerance(t: number): void;
  boxSlices: number;
  onBoxSlices(n: number): void;
  onDiscard(): void;
  canUndo: boolean;
  canRedo: boolean;
  dirty: boolean;
  rev: number;
  onUndo(): void;
  onRedo(): void;
  onSave(): void;
  save: { status: 'idle' | 'saving' | 'saved' | 'conflict' | 'error'; message?: string };
  message: string;
}

/** The segmentation editing bar: structure, tools, brush radius, threshold, region-grow tolerance, undo/redo, save. */
function EditToolbar(p: EditToolbarProps) {
  const tools: { id: EditTool; label: string; key: string }[] = [
    { id: 'window', label: 'Window', key: 'W' },
    { id: 'brush', label: 'Brush', key: 'B' },
    { id: 'eraser', label: 'Eraser', key: 'E' },
    { id: 'grow', label: 'Region grow', key: 'R' },
    { id: 'box', label: 'Box fill', key: 'F' },
  ];
  const num = (v: string, fallback: number) => (Number.isFinite(Number(v)) && v.trim() !== '' ? Number(v) : fallback);
  const badRange = p.threshold.on && !(p.threshold.lo <= p.threshold.hi);
  return (
    <div className="hs-toolbar" data-testid="edit-toolbar" data-rev={p.rev} style={{ color: '#dfe7ee' }}>
      <label style={{ flexDirection: 'row', alignItems: 'center', gap: 4 }}>
        Edit
        <select value={p.target} onChange={(e) => p.onTarget(e.target.value)} data-testid="edit-target" disabled={!p.targets.length}>
          {!p.targets.length && <option value="">no editable mask</option>}
          {p.targets.map((t) => (
            <option key={t.key} value={t.key}>
              {t.name} v{t.version ?? 1}
            </option>
          ))}
        </select>
      </label>
      {tools.map((t) => (
        <button key={t.id} type="button" className={p.tool === t.id ? 'active' : ''} onClick={() => p.onTool(t.id)} data-testid={`tool-${t.id}`}>
          {t.label} <span className="hs-kbd">{t.key}</span>
        </button>
      ))}
      <label style={{ flexDirection: 'row', alignItems: 'center', gap: 4 }} title="Brush radius in mm ([ and ])">
        r
        <input type="number" min={1} max={50} step={1} value={p.radius} onChange={(e) => p.onRadius(Math.max(1, Math.min(50, num(e.target.value, p.radius))))} style={{ width: 52 }} data-testid="brush-radius" />
        mm
      </label>
      <label style={{ flexDirection: 'row', alignItems: 'center', gap: 4 }} title="Threshold (T): brush and region grow only touch voxels in this HU range">
        <input type="checkbox" checked={p.threshold.on} onChange={(e) => p.onThreshold({ ...p.threshold, on: e.target.checked })} data-testid="threshold-on" />
        HU
        <input type="number" value={p.threshold.lo} onChange={(e) => p.onThreshold({ ...p.threshold, lo: num(e.target.value, p.threshold.lo) })} style={{ width: 64 }} aria-label="threshold lower HU" />
        …
        <input type="number" value={p.threshold.hi} onChange={(e) => p.onThreshold({ ...p.threshold, hi: num(e.target.value, p.threshold.hi) })} style={{ width: 64 }} aria-label="threshold upper HU" />
      </label>
      <label style={{ flexDirection: 'row', alignItems: 'center', gap: 4 }} title="Region grow: accept voxels within ± this many HU of the clicked neighbourhood's mean">
        ±
        <input type="number" min={0} max={1000} value={p.tolerance} onChange={(e) => p.onTolerance(Math.max(0, num(e.target.value, p.tolerance)))} style={{ width: 56 }} data-testid="grow-tolerance" />
        HU
      </label>
      <label style={{ flexDirection: 'row', alignItems: 'center', gap: 4 }} title="Box fill (F): the box also covers this many slices on each side of the shown one; it fills the HU range">
        ±
        <input type="number" min={0} max={50} step={1} value={p.boxSlices} onChange={(e) => p.onBoxSlices(Math.max(0, Math.min(50, Math.round(num(e.target.value, p.boxSlices)))))} style={{ width: 48 }} data-testid="box-slices" />
        slices
      </label>
      <button type="button" onClick={p.onUndo} disabled={!p.canUndo} data-testid="edit-undo" title="Ctrl+Z">
        Undo
      </button>
      <button type="button" onClick={p.onRedo} disabled={!p.canRedo} data-testid="edit-redo" title="Ctrl+Y">
        Redo
      </button>
      <button type="button" className="primary" onClick={p.onSave} disabled={!p.dirty || p.save.status === 'saving' || badRange} data-testid="edit-save">
        {p.save.status === 'saving' ? 'Saving…' : 'Save as new version'}
      </button>
      <button type="button" onClick={p.onDiscard} disabled={!p.dirty || p.save.status === 'saving'} data-testid="edit-discard" title="Undo every unsaved edit">
        Discard
      </button>
      {p.dirty && <span className="hs-small" data-testid="edit-dirty">unsaved edits</span>}
      {badRange && <span className="hs-small hs-error">threshold: lower HU is above upper</span>}
      {p.message && (
        <span className="hs-small hs-muted" data-testid="edit-message" style={{ flexBasis: '100%' }}>
          {p.message}
        </span>
      )}
      {p.save.message && (
        <div
          className={`hs-small ${p.save.status === 'conflict' || p.save.status === 'error' ? 'hs-state hs-error' : 'hs-muted'}`}
          role={p.save.status === 'conflict' || p.save.status === 'error' ? 'alert' : 'status'}
          data-testid="edit-save-status"
          data-status={p.save.status}
          style={{ flexBasis: '100%' }}
        >
          {p.save.message}
        </div>
      )}
    </div>
  );
}
