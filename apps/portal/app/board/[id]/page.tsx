'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { RequireRole } from '../../../src/components/AppShell';
import { CaseView } from '../../../src/case/CaseView';
import { DecisionForm, type AgendaItem } from '../../../src/board/DecisionForm';
import { fmtDate } from '../../../src/lib/contract';
import { useTRPC } from '../../../src/lib/trpc';

interface MeetingDetail {
  id: string;
  title: string;
  scheduledAt: string;
  agenda: AgendaItem[];
}

function Meeting({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.boards.meeting.queryOptions({ id }));
  const [present, setPresent] = useState<number | null>(null);
  const [selected, setSelected] = useState(0);
  const m = q.data as MeetingDetail | undefined;
  const agenda = m?.agenda ?? [];

  const step = useCallback((d: number) => setPresent((p) => (p === null ? p : Math.min(agenda.length - 1, Math.max(0, p + d)))), [agenda.length]);
  useEffect(() => {
    if (present === null) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.closest('input, textarea, select, [data-testid="viewer"]')) return;
      if (e.key === 'Escape') setPresent(null);
      else if (e.key === 'ArrowRight' || e.key === 'PageDown') step(1);
      else if (e.key === 'ArrowLeft' || e.key === 'PageUp') step(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [present, step]);

  if (q.isPending) return <Loading label="Loading meeting…" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!m) return <Empty>Meeting not found.</Empty>;

  if (present !== null && agenda[present]) {
    const item = agenda[present];
    return (
      <div className="hs-present" data-testid="presentation">
        <div className="hs-row" style={{ alignItems: 'center', marginBottom: 12 }}>
          <h1 style={{ margin: 0 }}>
            {m.title} · case {present + 1}/{agenda.length}: {item.patient.pseudoId}
          </h1>
          {item.question && <span className="hs-muted">“{item.question}”</span>}
          <span style={{ marginLeft: 'auto' }} />
          <button type="button" disabled={present === 0} onClick={() => step(-1)}>‹ Previous</button>
          <button type="button" disabled={present === agenda.length - 1} onClick={() => step(1)}>Next ›</button>
          <button type="button" onClick={() => setPresent(null)}>Exit (Esc)</button>
        </div>
        <CaseView key={item.patient.id} patientId={item.patient.id} presentation />
        <div className="hs-panel" style={{ marginTop: 12 }}>
          <DecisionForm item={item} onSaved={() => void q.refetch()} />
        </div>
      </div>
    );
  }

  const current = agenda[selected];
  return (
    <div className="hs-stack">
      <div className="hs-row" style={{ alignItems: 'center' }}>
        <h1 style={{ margin: 0 }}>{m.title}</h1>
        <span className="hs-muted">{fmtDate(m.scheduledAt)}</span>
        <span style={{ marginLeft: 'auto' }} />
        <button type="button" className="primary" disabled={agenda.length === 0} onClick={() => setPresent(0)} data-testid="present">
          Presentation mode
        </button>
        <Link href="/board">← Meetings</Link>
      </div>
      {agenda.length === 0 ? (
        <Empty>The agenda is empty. Add cases from a patient&apos;s case view (Tumour board tab).</Empty>
      ) : (
        <div className="hs-grid-2" style={{ gridTemplateColumns: 'minmax(320px, 1fr) 2fr' }}>
          <section className="hs-panel">
            <h3>Agenda</h3>
            <table data-testid="agenda-table">
              <tbody>
                {agenda.map((a, i) => (
                  <tr key={a.discussionId} className={`clickable${i === selected ? ' highlight' : ''}`} onClick={() => setSelected(i)}>
                    <td>{i + 1}</td>
                    <td>
                      <strong>{a.patient.pseudoId}</strong>
                      {a.question && <div className="hs-muted hs-small">{a.question}</div>}
                    </td>
                    <td>{a.signedOffAt ? <Badge tone="ok">signed off</Badge> : a.decision ? <Badge tone="info">decided</Badge> : <Badge>{(a.status ?? 'pending').toLowerCase()}</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {current && (
            <section className="hs-panel">
              <div className="hs-row" style={{ alignItems: 'center' }}>
                <h2 style={{ margin: 0 }}>{current.patient.pseudoId}</h2>
                <Link href={`/cases/${current.patient.id}`}>Open case</Link>
                <button type="button" onClick={() => setPresent(selected)}>Present this case</button>
              </div>
              <DecisionForm key={current.discussionId} item={current} onSaved={() => void q.refetch()} />
            </section>
          )}
        </div>
      )}
    </div>
  );
}

export default function MeetingPage() {
  const { id } = useParams<{ id: string }>();
  return (
    <RequireRole roles={['TUMOR_BOARD', 'CLINICIAN']}>
      <Meeting id={id} />
    </RequireRole>
  );
}
