'use client';
/**
 * Segmentations of a study: one row per mask (liver, each lesion) with its version chain (`segmentations.history`),
 * review (accept / reject the latest version, optimistic concurrency through `expectedUpdatedAt`), and the long jobs
 * a clinician starts from here — automatic segmentation of a series and feature extraction of a mask — with live
 * progress (JobProgress). Tumour-board members see the versions read-only.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import {
  fmtDate,
  phaseLabel,
  provenanceText,
  type LesionView,
  type SegmentationProvenanceView,
  type SegmentationView,
  type StudyView,
} from '../lib/contract';
import { errorCode, errorMessage, useTRPC } from '../lib/trpc';
import { latestChains } from './chains';
import { JobProgress, type JobView } from './JobProgress';

interface VersionRow {
  id: string;
  version: number;
  status: string;
  source: string;
  previousId?: string | null;
  volumeMl?: number | null;
  reviewNote?: string | null;
  provenance?: SegmentationProvenanceView | null;
  updatedAt: string;
}

const tone = (status: string) => (status === 'ACCEPTED' ? 'ok' : status === 'REJECTED' ? 'danger' : status === 'DRAFT' ? 'warn' : 'neutral');

function maskName(seg: SegmentationView, lesions: readonly LesionView[]): string {
  if (seg.source === 'AUTO' && /liver/i.test(seg.structure ?? ''))
    return (seg.labels as Record<string, string> | null)?.['2'] ? 'Automatic liver + tumour' : 'Automatic liver';
  if (/liver/i.test(seg.structure ?? '')) return 'Liver';
  const l = lesions.find((x) => x.id === seg.lesionId);
  if (l) return `Lesion ${l.label}`;
  return seg.structure === 'LESION' ? 'Lesions (all labels)' : (seg.structure ?? 'Mask');
}

export interface SegmentationEditorPanelProps {
  study: StudyView;
  canEdit: boolean;
  /** Refresh the case (new versions, features, masks). */
  onChanged: () => void;
}

export function SegmentationEditorPanel({ study, canEdit, onChanged }: SegmentationEditorPanelProps) {
  const trpc = useTRPC();
  const chains = useMemo(() => latestChains(study.segmentations), [study.segmentations]);
  const [segJob, setSegJob] = useState<string | null>(null);
  const seriesForAuto = study.series.find((s) => s.phase === 'PORTAL_VENOUS') ?? study.series[0];
  const [autoSeries, setAutoSeries] = useState(seriesForAuto?.id ?? '');
  const request = useMutation(trpc.segmentations.request.mutationOptions());
  const onJobDone = useCallback(() => onChanged(), [onChanged]);

  return (
    <section className="hs-panel" data-testid="segmentations-panel">
      <h3>Segmentations</h3>
      {chains.length === 0 ? (
        <Empty>No segmentations for this study yet.</Empty>
      ) : (
        <div className="hs-stack" style={{ gap: 8 }}>
          {chains.map((seg) => (
            <MaskChain key={seg.id} seg={seg} name={maskName(seg, study.lesions)} lesions={study.lesions} canEdit={canEdit} onChanged={onChanged} />
          ))}
        </div>
      )}
      {canEdit && study.series.length > 0 && (
        <div className="hs-row" style={{ marginTop: 10, alignItems: 'center' }}>
          <label style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }}>
            Automatic segmentation of
            <select value={autoSeries} onChange={(e) => setAutoSeries(e.target.value)} data-testid="autoseg-series">
              {study.series.map((s) => (
                <option key={s.id} value={s.id}>
                  {phaseLabel(String(s.phase))}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={request.isPending || !autoSeries}
            data-testid="autoseg-start"
            onClick={() =>
              request.mutate({ seriesId: autoSeries }, { onSuccess: (r) => setSegJob((r as { jobId: string }).jobId) })
            }
          >
            {request.isPending ? 'Starting…' : 'Run'}
          </button>
          {request.isError && <span className="hs-small hs-error">{errorMessage(request.error)}</span>}
        </div>
      )}
      {segJob && (
        <div style={{ marginTop: 8 }}>
          <JobProgress jobId={segJob} label="Automatic segmentation" onDone={onJobDone} />
        </div>
      )}
    </section>
  );
}

/** One mask: latest version, its history, accept/reject, feature extraction. */
function MaskChain({ seg, name, lesions, canEdit, onChanged }: { seg: SegmentationView; name: string; lesions: readonly LesionView[]; canEdit: boolean; onChanged: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const hist = useQuery(trpc.segmentations.history.queryOptions({ id: seg.id }));
  const rows = (hist.data ?? []) as VersionRow[];
  const latest = rows[rows.length - 1];
  const madeBy = provenanceText(latest?.provenance ?? seg.provenance);
  const review = useMutation(trpc.segmentations.review.mutationOptions());
  const extract = useMutation(trpc.features.request.mutationOptions());
  const [jobId, setJobId] = useState<string | null>(null);
  const [doneNote, setDoneNote] = useState('');
  /** Label v of this mask: its own lesion (one-lesion mask), else lesion L<v> of a multi-label lesion map. */
  const lesionName = useCallback(
    (v: number) => {
      if (seg.lesionId) return name;
      const l = lesions.find((x) => x.label === `L${v}`);
      return l ? `Lesion ${l.label}` : `label ${v}`;
    },
    [seg.lesionId, name, lesions],
  );
  const onFailed = useCallback(() => setDoneNote('failed'), []);

  const doReview = (status: 'ACCEPTED' | 'REJECTED') => {
    if (!latest) return;
    review.mutate(
      { id: latest.id, status, expectedUpdatedAt: latest.updatedAt },
      {
        onSettled: () => void qc.invalidateQueries({ queryKey: trpc.segmentations.history.queryKey({ id: seg.id }) }),
        onSuccess: () => onChanged(),
      },
    );
  };
  const onDone = useCallback(
    (job: JobView) => {
      const ids = (job.result as { featureSetIds?: string[] } | null)?.featureSetIds;
      setDoneNote(ids ? `${ids.length} feature set(s) stored` : 'done');
      void qc.invalidateQueries({ queryKey: trpc.features.forPatient.pathKey() });
      onChanged();
    },
    [qc, trpc, onChanged],
  );

  return (
    <div data-testid="mask-chain" data-name={name} data-seg-id={latest?.id ?? seg.id} style={{ borderTop: '1px solid var(--line)', paddingTop: 6 }}>
      <div className="hs-row" style={{ alignItems: 'center', gap: 8 }}>
        <strong>{name}</strong>
        <span data-testid="mask-version">v{latest?.version ?? seg.version ?? 1}</span>
        <Badge tone={tone(latest?.status ?? seg.status ?? '')}>{latest?.status ?? seg.status}</Badge>
        <span className="hs-muted hs-small">{latest?.source ?? seg.source}</span>
        {madeBy && (
          <span className="hs-muted hs-small" data-testid="mask-provenance" title="Models that produced this mask">
            {madeBy}
          </span>
        )}
        <button type="button" className="hs-linkbtn hs-small" onClick={() => setOpen((o) => !o)} data-testid="mask-versions-toggle">
          {open ? 'hide versions' : `${rows.length || '…'} version(s)`}
        </button>
        {canEdit && latest && latest.status !== 'SUPERSEDED' && (
          <span style={{ marginLeft: 'auto', display: 'flex', gap: 6 }}>
            <button type="button" disabled={review.isPending || latest.status === 'ACCEPTED'} onClick={() => doReview('ACCEPTED')} data-testid="mask-accept">
              Accept
            </button>
            <button type="button" disabled={review.isPending || latest.status === 'REJECTED'} onClick={() => doReview('REJECTED')} data-testid="mask-reject">
              Reject
            </button>
            <button
              type="button"
              disabled={extract.isPending || (!!jobId && !doneNote)}
              data-testid="mask-extract"
              title="Radiomics feature extraction of this mask (worker job)"
              onClick={() => {
                setDoneNote('');
                extract.mutate({ segmentationId: latest.id }, { onSuccess: (r) => setJobId((r as { jobId: string }).jobId) });
              }}
            >
              Extract features
            </button>
          </span>
        )}
      </div>
      {review.isError && (
        <div className="hs-small hs-state hs-error" role="alert">
          {errorCode(review.error) === 'CONFLICT' ? `This mask changed since you loaded it (${errorMessage(review.error)}); the list was reloaded, review again.` : errorMessage(review.error)}
        </div>
      )}
      {extract.isError && <div className="hs-small hs-state hs-error">{errorMessage(extract.error)}</div>}
      {jobId && (
        <div style={{ marginTop: 6 }}>
          <JobProgress jobId={jobId} label={`Feature extraction · ${name}`} onDone={onDone} onFailed={onFailed} lesionName={lesionName} />
          {doneNote && doneNote !== 'failed' && <span className="hs-small hs-muted" data-testid="extract-done">{doneNote}</span>}
        </div>
      )}
      {open &&
        (hist.isPending ? (
          <Loading label="Loading versions…" />
        ) : hist.isError ? (
          <ErrorState error={hist.error} onRetry={() => void hist.refetch()} />
        ) : (
          <table className="hs-small" data-testid="mask-versions">
            <thead>
              <tr>
                <th>Version</th>
                <th>Status</th>
                <th>Source</th>
                <th className="num">Volume (mL)</th>
                <th>Updated</th>
                <th>Note</th>
              </tr>
            </thead>
            <tbody>
              {[...rows].reverse().map((r) => (
                <tr key={r.id} data-version={r.version}>
                  <td>v{r.version}</td>
                  <td>
                    <Badge tone={tone(r.status)}>{r.status}</Badge>
                  </td>
                  <td title={provenanceText(r.provenance) || undefined}>
                    {r.source}
                    {r.provenance ? <span className="hs-muted"> · {provenanceText(r.provenance)}</span> : null}
                  </td>
                  <td className="num">{r.volumeMl == null ? '—' : r.volumeMl.toFixed(2)}</td>
                  <td>{fmtDate(r.updatedAt)}</td>
                  <td>{r.reviewNote ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </div>
  );
}
