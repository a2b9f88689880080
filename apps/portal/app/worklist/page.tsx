'use client';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useState, type MouseEvent } from 'react';
import { Badge, Empty, ErrorState, Loading, Pagination } from '@hepatoscope/ui';
import { RequireRole } from '../../src/components/AppShell';
import { BCLC_STAGES, fmtNum, type PatientRow } from '../../src/lib/contract';
import { useTRPC } from '../../src/lib/trpc';
import { startCaseLoad } from '../../src/case/openCase';

const PAGE_SIZE = 25;

/**
 * Opens a case from a list: starts the case query and then its series downloads (startCaseLoad) while Next fetches
 * the case route, instead of after it; hovering a row prefetches the route.
 */
function useOpenCase() {
  const trpc = useTRPC();
  const router = useRouter();
  const qc = useQueryClient();
  return {
    open(id: string) {
      startCaseLoad(qc, trpc.patients.get.queryOptions({ id }));
      router.push(`/cases/${id}`);
    },
    prefetch(id: string) {
      router.prefetch(`/cases/${id}`);
    },
  };
}

/** A link's own click: a plain left click is left to the row (one navigation); modified clicks open a tab as usual. */
function linkClick(e: MouseEvent) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) e.stopPropagation();
  else e.preventDefault();
}

function Worklist() {
  const trpc = useTRPC();
  const router = useRouter();
  const openCase = useOpenCase();
  const params = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const cohortId = params.get('cohort') ?? '';
  const bclc = params.get('bclc') ?? '';
  const search = params.get('q') ?? '';
  const nextBoard = params.get('board') === 'next';
  const pendingReview = params.get('review') === 'pending';
  const [text, setText] = useState(search);

  const setParam = (changes: Record<string, string | null>) => {
    const p = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    if (!('page' in changes)) p.delete('page');
    router.replace(`/worklist?${p.toString()}`);
  };

  // debounce the search box into the URL
  useEffect(() => {
    const t = setTimeout(() => {
      if (text.trim() !== search) setParam({ q: text.trim() || null });
    }, 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  // warm the viewer's code (cornerstone3D, ~1 MB gzipped) while the user reads the list, so opening a case
  // from here does not wait for it to download and compile
  useEffect(() => {
    const t = setTimeout(() => void import('../../src/viewer/MultiPhaseViewer').then((m) => m.preloadViewerCore()), 800);
    return () => clearTimeout(t);
  }, []);

  const cohorts = useQuery(trpc.cohorts.list.queryOptions());
  const input = {
    page,
    pageSize: PAGE_SIZE,
    ...(search ? { search } : {}),
    ...(cohortId ? { cohortId } : {}),
    ...(bclc ? { bclc: bclc as (typeof BCLC_STAGES)[number] } : {}),
    ...(pendingReview ? { pendingReview: true } : {}),
  };
  const list = useQuery({ ...trpc.patients.list.queryOptions(input), placeholderData: keepPreviousData });
  const data = list.data as { items: PatientRow[]; total: number } | undefined;

  // the case route's code (its chunks are the same for every case) is fetched with the first row's route, after the
  // viewer's code has started
  const firstId = data?.items[0]?.id;
  useEffect(() => {
    if (!firstId) return;
    const t = setTimeout(() => openCase.prefetch(firstId), 1200);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [firstId]);
  const cohortList = (cohorts.data ?? []) as { id: string; name: string }[];

  return (
    <div className="hs-stack">
      <div className="hs-row">
        <h1 style={{ marginRight: 'auto' }}>Worklist</h1>
        <label>
          Search
          <input data-testid="worklist-search" placeholder="pseudo-id, aetiology…" value={text} onChange={(e) => setText(e.target.value)} maxLength={100} />
        </label>
        <label>
          Cohort
          <select data-testid="filter-cohort" value={cohortId} onChange={(e) => setParam({ cohort: e.target.value || null })}>
            <option value="">All cohorts</option>
            {cohortList.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          BCLC
          <select data-testid="filter-bclc" value={bclc} onChange={(e) => setParam({ bclc: e.target.value || null })}>
            <option value="">Any stage</option>
            {BCLC_STAGES.map((s) => (
              <option key={s} value={s}>
                BCLC {s}
              </option>
            ))}
          </select>
        </label>
        <label style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }}>
          <input type="checkbox" data-testid="filter-next-board" checked={nextBoard} onChange={(e) => setParam({ board: e.target.checked ? 'next' : null })} />
          On the next board
        </label>
        <label style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }} title="Patients with a segmentation awaiting accept/reject">
          <input
            type="checkbox"
            data-testid="filter-pending-review"
            checked={pendingReview}
            onChange={(e) => setParam({ review: e.target.checked ? 'pending' : null })}
          />
          Pending review
        </label>
        {(search || cohortId || bclc || nextBoard || pendingReview) && (
          <button type="button" onClick={() => { setText(''); router.replace('/worklist'); }}>
            Clear filters
          </button>
        )}
      </div>
      {nextBoard ? (
        <NextBoard search={search} bclc={bclc} />
      ) : (
      <div className="hs-panel">
        {list.isPending ? (
          <Loading label="Loading patients…" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : !data || data.items.length === 0 ? (
          <Empty>
            {pendingReview && !search && !cohortId && !bclc
              ? 'No segmentations are waiting for review.'
              : search || cohortId || bclc || pendingReview
                ? 'No patients match these filters.'
                : 'No patients in your worklist yet.'}
          </Empty>
        ) : (
          <>
            <table data-testid="worklist-table" style={{ opacity: list.isFetching ? 0.6 : 1 }}>
              <thead>
                <tr>
                  <th>Patient</th>
                  <th>Sex</th>
                  <th className="num">Age</th>
                  <th>Aetiology</th>
                  <th>BCLC</th>
                  <th>Child–Pugh</th>
                  <th className="num">AFP (ng/mL)</th>
                  <th>Cohorts</th>
                  <th className="num">Studies</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((p) => (
                  <tr key={p.id} className="clickable" onClick={() => openCase.open(p.id)} onMouseEnter={() => openCase.prefetch(p.id)}>
                    <td>
                      <a href={`/cases/${p.id}`} onClick={linkClick}>
                        {p.pseudoId}
                      </a>
                      {p.synthetic && (p.studyCount ?? 0) > 0 && (
                        <>
                          {' '}
                          <Badge tone="warn" title="Synthetic phantom imaging">SYNTHETIC</Badge>
                        </>
                      )}
                    </td>
                    <td>{p.sex ?? '—'}</td>
                    <td className="num">{p.age ?? '—'}</td>
                    <td>{p.aetiology ?? '—'}</td>
                    <td>{p.bclc ? <Badge tone={p.bclc === 'C' || p.bclc === 'D' ? 'danger' : p.bclc === 'B' ? 'warn' : 'ok'}>{p.bclc}</Badge> : '—'}</td>
                    <td>{p.childPugh ?? '—'}</td>
                    <td className="num">{fmtNum(p.afp, 0)}</td>
                    <td>{(p.cohortNames ?? []).join(', ') || '—'}</td>
                    <td className="num">{p.studyCount ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(p) => setParam({ page: String(p) })} />
          </>
        )}
      </div>
      )}
    </div>
  );
}

interface AgendaRow {
  discussionId: string;
  patient: { id: string; pseudoId: string; age?: number | null; sex?: string | null; bclc?: string | null; childPugh?: string | null };
  status?: string;
  question?: string | null;
}

/** The agenda of the next scheduled meeting (search and BCLC filters apply to it). */
function NextBoard({ search, bclc }: { search: string; bclc: string }) {
  const trpc = useTRPC();
  const openCase = useOpenCase();
  const meetings = useQuery(trpc.boards.meetings.queryOptions());
  const next = ((meetings.data ?? []) as { id: string; title: string; scheduledAt: string; status?: string }[])
    .filter((m) => new Date(m.scheduledAt).getTime() >= Date.now() - 12 * 3600_000 && m.status !== 'CANCELLED' && m.status !== 'CLOSED')
    .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt))[0];
  const meeting = useQuery({ ...trpc.boards.meeting.queryOptions({ id: next?.id ?? '' }), enabled: !!next });
  const rows = (((meeting.data as { agenda?: AgendaRow[] } | undefined)?.agenda ?? []) as AgendaRow[]).filter(
    (a) => (!search || a.patient.pseudoId.toLowerCase().includes(search.toLowerCase())) && (!bclc || a.patient.bclc === bclc),
  );
  if (meetings.isPending || (next && meeting.isPending)) return <Loading label="Loading the next board…" />;
  if (meetings.isError) return <ErrorState error={meetings.error} />;
  if (meeting.isError) return <ErrorState error={meeting.error} />;
  if (!next) return <Empty>No upcoming tumour board meeting.</Empty>;
  return (
    <div className="hs-panel">
      <h2>
        {next.title} · {next.scheduledAt.slice(0, 10)}
      </h2>
      {rows.length === 0 ? (
        <Empty>No matching patients on this agenda.</Empty>
      ) : (
        <table data-testid="worklist-table">
          <thead>
            <tr>
              <th>Patient</th>
              <th>Sex</th>
              <th className="num">Age</th>
              <th>Question</th>
              <th>BCLC</th>
              <th>Child–Pugh</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.discussionId} className="clickable" onClick={() => openCase.open(a.patient.id)} onMouseEnter={() => openCase.prefetch(a.patient.id)}>
                <td>{a.patient.pseudoId}</td>
                <td>{a.patient.sex ?? '—'}</td>
                <td className="num">{a.patient.age ?? '—'}</td>
                <td className="hs-small">{a.question ?? ''}</td>
                <td>{a.patient.bclc ?? '—'}</td>
                <td>{a.patient.childPugh ?? '—'}</td>
                <td>
                  <Badge>{(a.status ?? 'pending').toLowerCase()}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export default function WorklistPage() {
  return (
    <RequireRole roles={['CLINICIAN', 'TUMOR_BOARD']}>
      <Suspense fallback={<Loading />}>
        <Worklist />
      </Suspense>
    </RequireRole>
  );
}
