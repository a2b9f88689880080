'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { fmtDate, fmtNum, type LesionView, type StudyView } from '../lib/contract';
import { useTRPC } from '../lib/trpc';
import { useSession } from '../lib/session';
import { SegmentationEditorPanel } from './SegmentationEditorPanel';
import { lesionCss } from '../viewer/presets';
import { prefetch } from '../viewer/nifti';
import { onFirstImage } from '../viewer/timing';
import { confirmDiscardUnsavedEdits } from '../viewer/editing';
import { PatientSummary, Timeline } from './PatientSummary';
import { PredictionsPanel, RecentPredictions } from './PredictionsPanel';
import { RadiomicsPanel } from './RadiomicsPanel';
import { BoardPanel } from './BoardPanel';
import { DeltaPanel } from './DeltaPanel';
import { studiesNewestFirst, viewerSeriesPaths } from './openCase';

const loadViewer = () => import('../viewer/MultiPhaseViewer');
// fetch the viewer's small entry (previews) as soon as this module loads, in parallel with the session and patient
// queries; the cornerstone core follows it (see MultiPhaseViewer.tsx)
if (typeof window !== 'undefined') void loadViewer();

const MultiPhaseViewer = dynamic(loadViewer, {
  ssr: false,
  loading: () => <Loading label="Loading viewer…" />,
});

export interface PatientDetail {
  id: string;
  pseudoId: string;
  studies: StudyView[];
  predictions?: unknown[];
  discussions?: unknown[];
  [k: string]: unknown;
}

/** Longest wait of the secondary panels for the viewer's first image (ms). */
const PANELS_MAX_WAIT_MS = 2500;

/**
 * False until the viewer's first image is on screen (or `PANELS_MAX_WAIT_MS` passed, or there is no image to wait
 * for: `image` false), then true for good. The case page holds back its secondary panels (predictions, segmentations:
 * their queries, charts and server work) until then, so they do not compete with the first image for the CPU.
 * `image` null: not known yet (the case is loading).
 */
export function useAfterFirstImage(image: boolean | null): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready || image === null) return;
    if (!image) return setReady(true);
    const done = () => setReady(true);
    const off = onFirstImage(done);
    const t = setTimeout(done, PANELS_MAX_WAIT_MS);
    return () => {
      off();
      clearTimeout(t);
    };
  }, [ready, image]);
  return ready;
}

/** The case page: summary + timeline | multi-phase viewer + lesions | predictions, radiomics, board. */
export function CaseView({ patientId, presentation }: { patientId: string; presentation?: boolean }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.patients.get.queryOptions({ id: patientId }));
  const { user } = useSession();
  // only clinicians edit masks and start jobs (the API refuses other roles' uploads)
  const canEdit = user?.role === 'CLINICIAN' && !presentation;
  const refetch = q.refetch;
  const refresh = useCallback(() => void refetch(), [refetch]);
  const patient = q.data as PatientDetail | undefined;
  const studies = useMemo(() => studiesNewestFirst(patient?.studies ?? []), [patient]);
  const [studyId, setStudyId] = useState<string | null>(null);
  const [tab, setTab] = useState<'pred' | 'rad' | 'delta' | 'board'>('pred');
  const study = studies.find((s) => s.id === studyId) ?? studies[0];
  // start the series downloads while the viewer's code is still loading (once per study; display order)
  useMemo(() => {
    if (study) prefetch(viewerSeriesPaths(study));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [study?.id]);

  const panelsReady = useAfterFirstImage(q.isPending ? null : !!study?.series.length);

  if (q.isPending) return <Loading label="Loading case…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!patient) return <Empty>Patient not found.</Empty>;

  const viewer = study ? (
    <MultiPhaseViewer
      key={study.id}
      studyId={study.id}
      series={study.series}
      segmentations={study.segmentations}
      lesions={study.lesions}
      synthetic={study.synthetic}
      editable={canEdit}
      onSaved={refresh}
    />
  ) : (
    <Empty>No imaging studies for this patient.</Empty>
  );

  if (presentation) {
    return (
      <div className="hs-present-grid">
        <div className="hs-stack">{viewer}<LesionTable lesions={study?.lesions ?? []} /></div>
        <div className="hs-stack">
          <PatientSummary patient={patient} />
          <RecentPredictions predictions={patient.predictions ?? []} />
        </div>
      </div>
    );
  }

  return (
    <div className="hs-stack">
      <div className="hs-row" style={{ alignItems: 'center' }}>
        <h1 style={{ margin: 0 }} data-testid="case-title">
          {patient.pseudoId}
        </h1>
        {study?.synthetic && <Badge tone="warn">SYNTHETIC</Badge>}
        {studies.length > 1 && (
          <label style={{ flexDirection: 'row', alignItems: 'center' }}>
            Study
            <select value={study?.id} onChange={(e) => confirmDiscardUnsavedEdits() && setStudyId(e.target.value)}>
              {studies.map((s) => (
                <option key={s.id} value={s.id}>
                  {fmtDate(s.date)} · {s.timepoint ?? s.modality ?? ''}
                </option>
              ))}
            </select>
          </label>
        )}
        {/* no prefetch: it would render the report route on the server while the first image loads */}
        <Link href={`/cases/${patient.id}/report`} prefetch={false} style={{ marginLeft: 'auto' }} data-testid="report-link">
          Report
        </Link>
        <Link href="/worklist">← Worklist</Link>
      </div>
      <div className="hs-case">
        <div className="hs-stack">
          <PatientSummary patient={patient} />
          <section className="hs-panel">
            <h3>Timeline</h3>
            <Timeline patient={patient} />
          </section>
        </div>
        <div className="hs-stack">
          {viewer}
          <LesionTable lesions={study?.lesions ?? []} />
          {study && (panelsReady ? <SegmentationEditorPanel study={study} canEdit={canEdit} onChanged={refresh} /> : <PanelPending title="Segmentations" />)}
        </div>
        <div className="hs-case-right hs-panel">
          <div className="hs-tabs" role="tablist">
            <button type="button" role="tab" className={tab === 'pred' ? 'active' : ''} onClick={() => setTab('pred')}>
              Predictions
            </button>
            <button type="button" role="tab" className={tab === 'rad' ? 'active' : ''} onClick={() => setTab('rad')}>
              Radiomics
            </button>
            <button type="button" role="tab" className={tab === 'delta' ? 'active' : ''} onClick={() => setTab('delta')}>
              Delta
            </button>
            <button type="button" role="tab" className={tab === 'board' ? 'active' : ''} onClick={() => setTab('board')}>
              Tumour board
            </button>
          </div>
          {!panelsReady && <Loading label="Loading…" />}
          {panelsReady && tab === 'pred' && <PredictionsPanel patientId={patient.id} lesions={study?.lesions ?? []} />}
          {panelsReady && tab === 'rad' && <RadiomicsPanel patientId={patient.id} />}
          {panelsReady && tab === 'delta' && <DeltaPanel patientId={patient.id} studies={studies} />}
          {panelsReady && tab === 'board' && <BoardPanel patient={patient} />}
        </div>
      </div>
    </div>
  );
}

/** The frame of a panel that waits for the first image (same box, so the page does not jump). */
function PanelPending({ title }: { title: string }) {
  return (
    <section className="hs-panel">
      <h3>{title}</h3>
      <Loading label="Loading…" />
    </section>
  );
}

/** Lesions of the study with the overlay colour of each. */
export function LesionTable({ lesions }: { lesions: LesionView[] }) {
  return (
    <section className="hs-panel">
      <h3>Lesions</h3>
      {lesions.length === 0 ? (
        <Empty>No lesions recorded for this study.</Empty>
      ) : (
        <table data-testid="lesion-table">
          <thead>
            <tr>
              <th>Lesion</th>
              <th>Type</th>
              <th className="num">Diameter (mm)</th>
              <th className="num">Volume (mL)</th>
              <th>Enhancement</th>
            </tr>
          </thead>
          <tbody>
            {lesions.map((l, i) => (
              <tr key={l.id}>
                <td>
                  <button
                    type="button"
                    className="hs-linkbtn"
                    title="Centre the viewer on this lesion"
                    onClick={() => window.dispatchEvent(new CustomEvent('hs:goto-lesion', { detail: { index: i } }))}
                  >
                    <span className="hs-swatch" style={{ background: lesionCss(i + 1) }} />
                    {l.label}
                  </button>
                </td>
                <td>{l.type ?? '—'}</td>
                <td className="num">{fmtNum(l.diameterMm, 1)}</td>
                <td className="num">{fmtNum(l.volumeMl, 2)}</td>
                <td>{l.enhancementPattern ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
