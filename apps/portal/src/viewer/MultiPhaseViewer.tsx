'use client';
/**
 * Multi-phase CT viewer: one cornerstone3D ORTHOGRAPHIC volume viewport per phase (NATIVE, ARTERIAL, PORTAL_VENOUS,
 * DELAYED) side by side, with synchronised camera (scroll/zoom/pan) and window (VOI), MPR orientation, window
 * presets, keyboard shortcuts and the lesion segmentation overlay (one colour per lesion label).
 *
 * Mouse: left = window/level, middle = pan, right = zoom, wheel = scroll.
 * Keys: ↑/↓ or PageUp/PageDown scroll · L/A/B presets · O overlay · M cycle axial/coronal/sagittal · R reset · 1–4 focus.
 */
import * as cs from '@cornerstonejs/core';
import * as cst from '@cornerstonejs/tools';
import { helpers as niftiHelpers } from '@cornerstonejs/nifti-volume-loader';
import * as NiftiReader from 'nifti-reader-js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Badge } from '@hepatoscope/ui';
import { phaseLabel, PHASES, type LesionView, type SegmentationView, type SeriesView } from '../lib/contract';
import { affineToLps, download, fetchNifti, inflateNifti, readNiftiLabels, voxelView } from './nifti';
import { labelCentroid, overlayIndex, segmentationsFor } from './overlay';
import { LESION_COLOURS, LIVER_COLOUR, voiRange, WINDOW_PRESETS } from './presets';

export interface MultiPhaseViewerProps {
  studyId: string;
  series: SeriesView[];
  segmentations: SegmentationView[];
  /** The study's lesions: lesion i is drawn in overlay colour i (see LesionTable). */
  lesions?: LesionView[];
  synthetic?: boolean;
}

type Orientation = 'AXIAL' | 'CORONAL' | 'SAGITTAL';
const ORIENTATIONS: Orientation[] = ['AXIAL', 'CORONAL', 'SAGITTAL'];
const TOOL_GROUP = 'hs-mpv-tools';
const CAMERA_SYNC = 'hs-mpv-camera';
const VOI_SYNC = 'hs-mpv-voi';

/** Timing marks (label, ms since navigation start) for the bench and for diagnosing slow loads. */
function mark(label: string): void {
  const w = window as unknown as { __hsTimings?: [string, number][] };
  (w.__hsTimings ??= []).push([label, Math.round(performance.now())]);
}

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
function createVolumeFromNifti(volumeId: string, buf: ArrayBuffer): cs.Types.IImageVolume {
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
  return cs.volumeLoader.createLocalVolume(volumeId, {
    scalarData,
    metadata: { ...volumeMetadata, Modality: 'CT', voiLut: [{ windowCenter: 50, windowWidth: 400 }] } as unknown as cs.Types.Metadata,
    dimensions: geo.dimensions,
    spacing: geo.spacing,
    origin: geo.origin,
    direction: geo.direction as unknown as cs.Types.Mat3,
  });
}

interface PhaseState {
  status: 'loading' | 'ready' | 'error';
  error?: string;
  slice?: string;
}

export default function MultiPhaseViewer({ studyId, series, segmentations, lesions = [], synthetic }: MultiPhaseViewerProps) {
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

  const vpId = (s: SeriesView) => `vp-${s.id}`;
  const engine = () => cs.getRenderingEngine(engineId);

  // ── set up the engine, viewports, volumes and overlays ──
  useEffect(() => {
    let cancelled = false;
    const t0 = performance.now();
    const volumeIds: string[] = [];
    const abort = new AbortController();
    let firstDone = false;

    (async () => {
      mark('viewer:mount');
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
      const downloads = ordered.map((s) => download(s.url, abort.signal));
      downloads.forEach((p) => p.catch(() => undefined));
      const volumeOf: Record<string, string> = {};
      for (const [i, s] of ordered.entries()) {
        try {
          const raw = await inflateNifti(await downloads[i]);
          mark(`${s.phase}:inflated`);
          if (cancelled) return;
          const volumeId = `hs-vol-${s.id}-${Math.random().toString(36).slice(2, 8)}`;
          createVolumeFromNifti(volumeId, raw);
          volumeIds.push(volumeId);
          volumeOf[s.id] = volumeId;
          mark(`${s.phase}:volume`);
          await cs.setVolumesForViewports(re, [{ volumeId }], [vpId(s)]);
          const vp = re.getViewport(vpId(s)) as cs.Types.IVolumeViewport;
          vp.setProperties({ voiRange: voiRange(WINDOW_PRESETS.find((p) => p.id === 'abdomen')!) });
          vp.render();
          mark(`${s.phase}:rendered`);
          if (!firstDone) {
            firstDone = true;
            setFirstRenderMs(Math.round(performance.now() - t0));
            // for the e2e bench: ms since navigation start (performance.now's origin)
            (window as unknown as { __hsFirstRenderAt?: number }).__hsFirstRenderAt = performance.now();
          }
          setPhaseState((st) => ({ ...st, [s.id]: { status: 'ready' } }));
        } catch (e) {
          if (cancelled) return;
          setPhaseState((st) => ({ ...st, [s.id]: { status: 'error', error: e instanceof Error ? e.message : String(e) } }));
        }
      }
      if (cancelled) return;
      (window as unknown as { __hsAllRenderedAt?: number }).__hsAllRenderedAt = performance.now();

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

  const onKey = (e: React.KeyboardEvent) => {
    const k = e.key.toLowerCase();
    const p = WINDOW_PRESETS.find((x) => x.key === k);
    if (p) applyPreset(p.id);
    else if (k === 'arrowup' || k === 'pageup') scroll(k === 'pageup' ? -5 : -1);
    else if (k === 'arrowdown' || k === 'pagedown') scroll(k === 'pagedown' ? 5 : 1);
    else if (k === 'o') toggleOverlay();
    else if (k === 'm') applyOrientation(ORIENTATIONS[(ORIENTATIONS.indexOf(orientation) + 1) % 3]);
    else if (k === 'r') reset();
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
      aria-label="Multi-phase viewer; keys: arrows scroll, L/A/B window presets, O overlay, M orientation, R reset"
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
          Reset <span className="hs-kbd">R</span>
        </button>
        <button type="button" onClick={() => setRow((r) => !r)} title="Layout">
          {row ? '2×2' : '1×4'}
        </button>
        <span className="hs-muted hs-small" style={{ marginLeft: 'auto' }}>
          ↑↓ scroll · drag: L window, M pan, R zoom · synced
          {firstRenderMs !== null && ` · first image ${firstRenderMs} ms`}
        </span>
      </div>
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
              <div className="hs-vp-label">
                {i + 1} · {phaseLabel(String(s.phase))}
              </div>
              {synthetic && (
                <span className="hs-synthetic">
                  <Badge tone="warn" title="Generated phantom data, not a real patient">SYNTHETIC</Badge>
                </span>
              )}
              <div className="hs-vp-info">
                {overlayFrom[s.id] === 'error' ? 'overlay failed · ' : overlayFrom[s.id] ? `overlay from ${phaseLabel(overlayFrom[s.id])} · ` : ''}
                {s.dims?.join('×')}
                {st.status === 'loading' && ' · loading…'}
              </div>
              {st.status === 'error' && (
                <div className="hs-state hs-error" style={{ position: 'absolute', inset: 'auto 8px 30px 8px', zIndex: 3 }}>
                  {st.error}
                </div>
              )}
              <div className="hs-viewport-el" ref={(el) => { elements.current[s.id] = el; }} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
