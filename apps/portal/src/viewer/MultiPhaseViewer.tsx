'use client';
/**
 * Entry of the multi-phase viewer (what the case page loads). Small on purpose: it draws each phase's middle-slice
 * preview (`SlicePreview`, plain 2D canvas) at once and loads the interactive viewer (`MultiPhaseViewerCore`:
 * cornerstone3D, WebGL, volumes, overlays, editing — a 3.6 MB chunk) beside it; the core replaces this placeholder
 * when its code is in and keeps the previews up until each phase's volume is rendered.
 *
 * The core's code is fetched ahead by the worklist (`preloadViewerCore`). When it is not in yet (a case URL opened
 * directly), its import waits for the first image (at most `CORE_MAX_WAIT_MS`): evaluating the chunk blocks the main
 * thread for about half a second on a busy machine, and it used to land between the first series' download and its
 * preview.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { PHASES, seriesInPhaseOrder, type SeriesView } from '../lib/contract';
import type { MultiPhaseViewerProps } from './MultiPhaseViewerCore';
import { SlicePreview } from './SlicePreview';
import { ViewportLabel } from './ViewportLabel';
import { onFirstImage, resetFirstImage } from './timing';

export type { MultiPhaseViewerProps, SavedVersion } from './MultiPhaseViewerCore';

/** Longest wait of the core's import for the first image (ms). */
const CORE_MAX_WAIT_MS = 2500;
let coreLoaded = false;
const loadCore = () =>
  import('./MultiPhaseViewerCore').then((m) => {
    coreLoaded = true;
    return m;
  });
const Core = lazy(loadCore);

/** Fetches and evaluates the interactive viewer's code ahead (the worklist calls it while the user reads the list). */
export function preloadViewerCore(): void {
  void loadCore();
}

/** False until the core may load: its code is in already, or the first image is on screen, or the wait is over. */
function useCoreWanted(): boolean {
  const [wanted, setWanted] = useState(coreLoaded);
  useEffect(() => {
    if (wanted) return;
    const go = () => setWanted(true);
    const off = onFirstImage(go);
    const t = setTimeout(go, CORE_MAX_WAIT_MS);
    return () => {
      off();
      clearTimeout(t);
    };
  }, [wanted]);
  return wanted;
}

/** Display order: NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED, then any other phase. */
export function orderSeries(series: SeriesView[]): SeriesView[] {
  return seriesInPhaseOrder(series).concat(series.filter((s) => !PHASES.includes(s.phase as never)));
}

/** What shows while the core's code loads: the viewport boxes with their previews. */
function Placeholder({ series, synthetic }: { series: SeriesView[]; synthetic?: boolean }) {
  const ordered = orderSeries(series);
  return (
    <div className="hs-viewer" data-testid="viewer-placeholder">
      <div className="hs-toolbar">
        <span className="hs-muted hs-small">Loading viewer…</span>
      </div>
      <div className="hs-viewer-grid">
        {ordered.map((s, i) => (
          <div key={s.id} className="hs-viewport" data-phase={s.phase} data-status="loading">
            <ViewportLabel index={i} phase={String(s.phase)} synthetic={synthetic} info={`${s.dims?.join('×') ?? ''} · loading…`} />
            <SlicePreview path={s.url} phase={String(s.phase)} />
          </div>
        ))}
      </div>
    </div>
  );
}

export default function MultiPhaseViewer(props: MultiPhaseViewerProps) {
  // a new viewer: its first image is timed afresh (before any preview of it is drawn)
  useState(resetFirstImage);
  const coreWanted = useCoreWanted();
  if (props.series.length === 0) return <div className="hs-state hs-empty">This study has no image series.</div>;
  const placeholder = <Placeholder series={props.series} synthetic={props.synthetic} />;
  if (!coreWanted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <Core {...props} />
    </Suspense>
  );
}
