'use client';
/**
 * Live progress of a background job (segmentation, feature extraction, training): polls `jobs.get` about once a
 * second until the job is COMPLETED, FAILED or CANCELLED, and shows a progress bar with the percentage and the
 * worker's stage line. A failed job shows its error; `onDone` runs once when it completes (e.g. to refresh data).
 * A completed feature extraction also lists the lesions it could not extract, with the reasons (`result.failed`).
 *
 * Reusable: `<JobProgress jobId={id} label="Training" onDone={(job) => …} />`.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { errorMessage, useTRPC } from '../lib/trpc';
import { extractionSummary } from './JobProgressSummary';

export interface JobView {
  id: string;
  type: string;
  state: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | string;
  /** 0..1 */
  progress: number;
  message?: string | null;
  error?: string | null;
  result?: unknown;
  createdAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export const FINAL_STATES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;

/** True when the job will not change any more. */
export function isFinal(state: string | undefined): boolean {
  return !!state && (FINAL_STATES as readonly string[]).includes(state);
}

/** Percentage shown for a job: 0–100, whole numbers; 100 once completed. */
export function jobPercent(job: Pick<JobView, 'state' | 'progress'>): number {
  if (job.state === 'COMPLETED') return 100;
  const p = Number.isFinite(job.progress) ? job.progress : 0;
  return Math.max(0, Math.min(100, Math.round(p * 100)));
}

export interface JobProgressProps {
  jobId: string;
  /** What the job does, e.g. "Feature extraction". */
  label?: string;
  /** Poll interval in ms (default 1000). */
  intervalMs?: number;
  onDone?: (job: JobView) => void;
  onFailed?: (job: JobView) => void;
  /** Display name of a label of the extracted mask (feature extraction), e.g. `Lesion L3`; default `lesion <label>`. */
  lesionName?: (label: number) => string;
}

export function JobProgress({ jobId, label = 'Job', intervalMs = 1000, onDone, onFailed, lesionName }: JobProgressProps) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.jobs.get.queryOptions({ id: jobId }),
    refetchInterval: (query) => (isFinal((query.state.data as JobView | undefined)?.state) ? false : intervalMs),
    refetchIntervalInBackground: true,
    retry: 2,
  });
  const job = q.data as JobView | undefined;
  const reported = useRef<string | null>(null);
  useEffect(() => {
    if (!job || !isFinal(job.state) || reported.current === job.state) return;
    reported.current = job.state;
    if (job.state === 'COMPLETED') onDone?.(job);
    else onFailed?.(job);
  }, [job, onDone, onFailed]);

  if (q.isError)
    return (
      <div className="hs-state hs-error hs-small" role="alert" data-testid="job-progress" data-state="UNKNOWN">
        {label}: could not read the job status ({errorMessage(q.error)})
      </div>
    );
  const state = job?.state ?? 'QUEUED';
  const pct = job ? jobPercent(job) : 0;
  const failed = state === 'FAILED' || state === 'CANCELLED';
  const stage = failed
    ? `${state === 'FAILED' ? 'failed' : 'cancelled'}: ${job?.error || job?.message || 'no reason given'}`
    : state === 'COMPLETED'
      ? 'done'
      : state === 'QUEUED'
        ? job?.error
          ? `waiting to retry (last attempt failed: ${job.error})`
          : 'queued'
        : job?.message || 'running';
  const lesions = state === 'COMPLETED' ? extractionSummary(job?.result, lesionName) : null;
  const colour = failed ? 'var(--danger, #e5546d)' : state === 'COMPLETED' ? '#3fb37f' : 'var(--accent, #2b8fcc)';
  return (
    <div className={`hs-small${failed ? ' hs-state hs-error' : ''}`} data-testid="job-progress" data-state={state} data-percent={pct} role={failed ? 'alert' : 'status'} style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
        <span>
          {label} · <span data-testid="job-stage">{stage}</span>
        </span>
        <span data-testid="job-percent">{pct}%</span>
      </div>
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label={`${label} progress`}
        style={{ height: 6, background: 'rgba(255,255,255,0.12)', borderRadius: 3, overflow: 'hidden' }}
      >
        <div style={{ width: `${failed ? 100 : pct}%`, height: '100%', background: colour, transition: 'width 0.4s' }} />
      </div>
      {lesions && (
        <div data-testid="job-lesions" data-extracted={lesions.extracted} data-total={lesions.total} className={lesions.failures.length ? undefined : 'hs-muted'} style={lesions.failures.length ? { color: 'var(--warn, #f5c26b)' } : undefined} role={lesions.failures.length ? 'alert' : undefined}>
          {lesions.failures.length ? `${lesions.extracted} of ${lesions.total} lesions extracted` : lesions.text}
          {lesions.failures.length > 0 && (
            <ul style={{ margin: '2px 0 0', paddingLeft: 18 }}>
              {lesions.failures.map((f) => (
                <li key={`${f.label}#${f.component}`} data-testid="job-lesion-failure" data-label={f.label}>
                  {f.name} ({f.voxels} voxel{f.voxels === 1 ? '' : 's'}): {f.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
