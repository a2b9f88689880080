'use client';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge } from '@hepatoscope/ui';
import { useSession } from '../lib/session';
import { errorMessage, useTRPC } from '../lib/trpc';

export interface AgendaItem {
  discussionId: string;
  patient: { id: string; pseudoId: string; [k: string]: unknown };
  status?: string;
  question?: string | null;
  decision?: string | null;
  recommendation?: string | null;
  attendees?: string[];
  decidedAt?: string | null;
  signedOffAt?: string | null;
  signedOffBy?: { name: string; email: string } | null;
}

const DECISIONS = ['Resection', 'Liver transplant listing', 'Ablation (RFA/MWA)', 'TACE', 'TARE / SIRT', 'Systemic therapy', 'Best supportive care', 'Further imaging / biopsy', 'Surveillance'];

/** Parses an attendee list typed one per line or comma-separated; trims, drops blanks and duplicates. */
export function parseAttendees(text: string): string[] {
  return [...new Set(text.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean))];
}

/** Decision capture: decision, recommendation, attendees, sign-off (validated before sending; signed-off is read-only). */
export function DecisionForm({ item, onSaved }: { item: AgendaItem; onSaved?: () => void }) {
  const trpc = useTRPC();
  const { user } = useSession();
  const record = useMutation(trpc.boards.recordDecision.mutationOptions());
  const [decision, setDecision] = useState(item.decision ?? '');
  const [recommendation, setRecommendation] = useState(item.recommendation ?? '');
  const [attendees, setAttendees] = useState((item.attendees?.length ? item.attendees : user ? [user.name] : []).join('\n'));
  const [signOff, setSignOff] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const readOnly = !!item.signedOffAt || user?.role !== 'TUMOR_BOARD';

  if (item.signedOffAt) {
    return (
      <div data-testid="decision-readonly">
        <p>
          <Badge tone="ok">signed off</Badge> <strong>{item.decision}</strong>
          <span className="hs-muted hs-small"> · {item.signedOffBy?.name ?? ''} {item.signedOffAt.slice(0, 16).replace('T', ' ')}</span>
        </p>
        {item.recommendation && <p>{item.recommendation}</p>}
        {item.attendees && <p className="hs-muted hs-small">Attendees: {item.attendees.join(', ')}</p>}
      </div>
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSaved(false);
    const list = parseAttendees(attendees);
    if (!decision.trim()) return setError('Record a decision.');
    if (list.length === 0) return setError('List at least one attendee.');
    if (signOff && list.length < 2) return setError('Sign-off needs at least two attendees (a multidisciplinary board).');
    try {
      await record.mutateAsync({ discussionId: item.discussionId, decision: decision.trim(), recommendation: recommendation.trim(), attendees: list, signOff });
      setSaved(true);
      onSaved?.();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <form className="hs-stack" onSubmit={submit} noValidate data-testid="decision-form">
      <label>
        Decision
        <input list="hs-decisions" value={decision} maxLength={2000} onChange={(e) => setDecision(e.target.value)} disabled={readOnly} name="decision" />
        <datalist id="hs-decisions">
          {DECISIONS.map((d) => (
            <option key={d} value={d} />
          ))}
        </datalist>
      </label>
      <label>
        Recommendation
        <textarea rows={3} maxLength={4000} value={recommendation} onChange={(e) => setRecommendation(e.target.value)} disabled={readOnly} name="recommendation" />
      </label>
      <label>
        Attendees (one per line)
        <textarea rows={3} value={attendees} onChange={(e) => setAttendees(e.target.value)} disabled={readOnly} name="attendees" />
      </label>
      <label style={{ flexDirection: 'row', alignItems: 'center', gap: 6 }}>
        <input type="checkbox" checked={signOff} onChange={(e) => setSignOff(e.target.checked)} disabled={readOnly} name="signOff" /> Sign off (the decision becomes final and read-only)
      </label>
      {error && <div className="hs-state hs-error" role="alert">{error}</div>}
      {saved && <p className="hs-muted" data-testid="decision-saved">Decision saved{signOff ? ' and signed off' : ''}.</p>}
      {!readOnly && (
        <button type="submit" className="primary" disabled={record.isPending} data-testid="save-decision">
          {record.isPending ? 'Saving…' : 'Save decision'}
        </button>
      )}
      {user?.role !== 'TUMOR_BOARD' && <p className="hs-muted hs-small">Only tumour-board members record decisions.</p>}
    </form>
  );
}
