'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { fmtDate } from '../../src/lib/contract';
import { useSession } from '../../src/lib/session';
import { errorMessage, useTRPC } from '../../src/lib/trpc';

interface MeetingRow {
  id: string;
  title: string;
  scheduledAt: string;
  caseCount?: number;
  decidedCount?: number;
  status?: string;
}

export default function BoardPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { user } = useSession();
  const q = useQuery(trpc.boards.meetings.queryOptions());
  const create = useMutation(trpc.boards.createMeeting.mutationOptions());
  const [title, setTitle] = useState('');
  const [when, setWhen] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const canCreate = user?.role === 'TUMOR_BOARD' || user?.role === 'ADMIN';
  const canOpen = user?.role === 'TUMOR_BOARD' || user?.role === 'CLINICIAN';
  const meetings = ((q.data ?? []) as MeetingRow[]).slice().sort((a, b) => b.scheduledAt.localeCompare(a.scheduledAt));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    if (!title.trim()) return setFormError('Give the meeting a title.');
    const d = new Date(when);
    if (!when || Number.isNaN(d.getTime())) return setFormError('Choose a date and time.');
    try {
      await create.mutateAsync({ title: title.trim(), scheduledAt: d.toISOString() });
      setTitle('');
      setWhen('');
      await qc.invalidateQueries({ queryKey: trpc.boards.meetings.queryKey() });
    } catch (err) {
      setFormError(errorMessage(err));
    }
  }

  return (
    <div className="hs-stack">
      <h1>Tumour board</h1>
      {canCreate && (
        <form className="hs-panel hs-row" onSubmit={submit} noValidate>
          <label style={{ flex: 1 }}>
            Title
            <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="Weekly HCC board" />
          </label>
          <label>
            Date and time
            <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={create.isPending}>
            Schedule meeting
          </button>
          {formError && <div className="hs-state hs-error" style={{ flexBasis: '100%' }}>{formError}</div>}
        </form>
      )}
      <section className="hs-panel">
        {q.isPending ? (
          <Loading label="Loading meetings…" />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : meetings.length === 0 ? (
          <Empty>No meetings scheduled.</Empty>
        ) : (
          <table data-testid="meetings-table">
            <thead>
              <tr>
                <th>Date</th>
                <th>Meeting</th>
                <th className="num">Cases</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {meetings.map((m) => (
                <tr key={m.id}>
                  <td>{fmtDate(m.scheduledAt)}</td>
                  <td>{canOpen ? <Link href={`/board/${m.id}`}>{m.title}</Link> : m.title}</td>
                  <td className="num">{m.caseCount ?? '—'}{m.decidedCount ? ` (${m.decidedCount} decided)` : ''}</td>
                  <td>
                    {new Date(m.scheduledAt).getTime() > Date.now() ? <Badge tone="info">upcoming</Badge> : <Badge>{(m.status ?? 'past').toLowerCase()}</Badge>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
