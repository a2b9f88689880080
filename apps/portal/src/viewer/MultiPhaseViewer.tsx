'use client';
/**
 * Entry of the multi-phase viewer (what the case page loads). Small on purpose: it draws each phase's middle-slice
 * preview (`SlicePreview`, plain 2D canvas) at once and loads the interactive viewer (`MultiPhaseViewerCore`:
 * cornerstone3D, WebGL, volumes, overlays, editing — a large chunk) beside it; the core replaces this placeholder
 * when its code is in and keeps the previews up until each phase's volume is rendered.
 */
import { lazy, Suspense, useState } from 'react';
import { PHASES, type SeriesView } from '../lib/contract';
import type { MultiPhaseViewerProps } from './MultiPhaseViewerCore';
import { SlicePreview } from './SlicePreview';
import { ViewportLabel } from './ViewportLabel';
import { resetFirstImage } from './timing';

export type { MultiPhaseViewerProps, SavedVersion } from './MultiPhaseViewerCore';

const loadCore = () => import('./MultiPhaseViewerCore');
// the core's download starts with this module (the case page and the worklist load it early)
if (typeof window !== 'undefined') void loadCore();
const Core = lazy(loadCore);

/** Display order: NATIVE, ARTERIAL, PORTAL_VENOUS, DELAYED, then any other phase. */
export function orderSeries(series: SeriesView[]): SeriesView[] {
  return PHASES.map((p) => series.find((s) => s.phase === p))
    .filter((s): s is SeriesView => !!s)
    .concat(series.filter((s) => !PHASES.includes(s.phase as never)));
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
  if (props.series.length === 0) return <div className="hs-state hs-empty">This study has no image series.</div>;
  return (
    <Suspense fallback={<Placeholder series={props.series} synthetic={props.synthetic} />}>
      <Core {...props} />
    </Suspense>
  );
}
