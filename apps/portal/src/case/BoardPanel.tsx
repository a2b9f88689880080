'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Empty, ErrorState } from '@hepatoscope/ui';
import { fmtDate } from '../lib/contract';
import { errorMessage, useTRPC } from '../lib/trpc';
import { useSession } from '../lib/session';
import type { PatientDetail } from './CaseView';

interface Discussion {
  id: string;
  meetingId?: string;
  meetingTitle?: string;
  scheduledAt?: string;
  status?: string;
  question?: string | null;
  decision?: string | null;
  recommendation?: string | null;
  attendees?: string[];
  signedOffAt?: string | null;
}

interface Meeting {
  id: string;
  title: string;
  scheduledAt: string;
}

/** Past board decisions for this patient, and "put on the agenda" of an upcoming meeting. */
export function BoardPanel({ patient }: { patient: PatientDetail }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { user } = useSession();
  const meetings = useQuery(trpc.boards.meetings.queryOptions());
  const add = useMutation(trpc.boards.addToAgenda.mutationOptions());
  const [meetingId, setMeetingId] = useState('');
  const [question, setQuestion] = useState('');
  const [done, setDone] = useState(false);
  const discussions = (patient.discussions ?? []) as Discussion[];
  const upcoming = ((meetings.data ?? []) as Meeting[]).filter((m) => new Date(m.scheduledAt).getTime() >= Date.now() - 86_400_000);

  async function submit() {
    setDone(false);
    if (!meetingId) return;
    try {
      await add.mutateAsync({ meetingId, patientId: patient.id, question: question.trim() });
      setDone(true);
      setQuestion('');
      await qc.invalidateQueries({ queryKey: trpc.patients.get.queryKey({ id: patient.id }) });
    } catch {
      /* shown below */
    }
  }

  return (
    <div className="hs-stack">
      <section>
        <h3>Decisions</h3>
        {discussions.length === 0 ? (
          <Empty>This patient has not been discussed yet.</Empty>
        ) : (
          <ul className="hs-timeline">
            {discussions.map((d) => (
              <li key={d.id}>
                <span className="hs-muted">{fmtDate(d.scheduledAt)}</span> · {d.meetingTitle ?? 'Meeting'}{' '}
                {d.signedOffAt ? <Badge tone="ok">signed off</Badge> : <Badge>{(d.status ?? 'open').toLowerCase()}</Badge>}
                {d.question && <div className="hs-small">Q: {d.question}</div>}
                {d.decision && <div><strong>{d.decision}</strong></div>}
                {d.recommendation && <div className="hs-muted">{d.recommendation}</div>}
                {d.attendees && d.attendees.length > 0 && <div className="hs-small hs-muted">Attendees: {d.attendees.join(', ')}</div>}
              </li>
            ))}
          </ul>
        )}
      </section>
      {(user?.role === 'CLINICIAN' || user?.role === 'TUMOR_BOARD') && (
        <section>
          <h3>Put on an agenda</h3>
          {meetings.isError ? (
            <ErrorState error={meetings.error} />
          ) : upcoming.length === 0 ? (
            <Empty>No upcoming meetings.</Empty>
          ) : (
            <div className="hs-stack">
              <select value={meetingId} onChange={(e) => setMeetingId(e.target.value)}>
                <option value="">Choose a meeting…</option>
                {upcoming.map((m) => (
                  <option key={m.id} value={m.id}>
                    {fmtDate(m.scheduledAt)} · {m.title}
                  </option>
                ))}
              </select>
              <textarea rows={2} maxLength={2000} placeholder="Question for the board" value={question} onChange={(e) => setQuestion(e.target.value)} />
              <button type="button" className="primary" disabled={!meetingId || add.isPending} onClick={() => void submit()}>
                Add to agenda
              </button>
              {add.error && <ErrorState error={errorMessage(add.error)} />}
              {done && <p className="hs-muted">Added.</p>}
            </div>
          )}
        </section>
      )}
    </div>
  );
}
