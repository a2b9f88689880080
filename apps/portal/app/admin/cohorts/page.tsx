'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge, Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { RequireRole } from '../../../src/components/AppShell';
import { BCLC_STAGES, fmtDate } from '../../../src/lib/contract';
import { errorMessage, useTRPC } from '../../../src/lib/trpc';
import { CsvImportWizard } from '../../../src/admin/CsvImportWizard';

interface CohortRow {
  id: string;
  name: string;
  description?: string | null;
  sourceDataset?: string | null;
  synthetic?: boolean;
  size?: number;
  createdAt?: string;
}

function Cohorts() {
  const trpc = useTRPC();
  const q = useQuery(trpc.cohorts.list.queryOptions());
  const [selected, setSelected] = useState<string | null>(null);
  const [mode, setMode] = useState<'none' | 'filter' | 'csv'>('none');
  const list = (q.data ?? []) as CohortRow[];
  return (
    <div className="hs-stack">
      <div className="hs-row" style={{ alignItems: 'center' }}>
        <h1 style={{ margin: 0, marginRight: 'auto' }}>Cohorts</h1>
        <button type="button" className={mode === 'filter' ? 'active' : ''} onClick={() => setMode(mode === 'filter' ? 'none' : 'filter')}>
          New cohort by filter
        </button>
        <button type="button" className={mode === 'csv' ? 'active' : ''} onClick={() => setMode(mode === 'csv' ? 'none' : 'csv')}>
          Import CSV
        </button>
      </div>
      {mode === 'filter' && <CreateByFilter onDone={() => setMode('none')} />}
      {mode === 'csv' && <CsvImportWizard onDone={() => setMode('none')} />}
      <section className="hs-panel">
        {q.isPending ? (
          <Loading label="Loading cohorts…" />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : list.length === 0 ? (
          <Empty>No cohorts yet.</Empty>
        ) : (
          <table data-testid="cohorts-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Source</th>
                <th className="num">Patients</th>
                <th>Created</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id} className={`clickable${selected === c.id ? ' highlight' : ''}`} onClick={() => setSelected(c.id)}>
                  <td>
                    {c.name} {c.synthetic && <Badge tone="warn">synthetic</Badge>}
                  </td>
                  <td>{c.sourceDataset ?? '—'}</td>
                  <td className="num">{c.size ?? '—'}</td>
                  <td>{fmtDate(c.createdAt)}</td>
                  <td className="hs-muted">{c.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {selected && <CohortDetail id={selected} />}
    </div>
  );
}

function CohortDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.cohorts.get.queryOptions({ id }));
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} />;
  const c = q.data as {
    name: string;
    size: number;
    summary?: { bclc?: Record<string, number>; deaths?: number };
    definition?: unknown;
    members?: { patientId: string; pseudoId: string; split?: string | null }[];
    models?: { id: string; name: string; version: string; status: string }[];
  };
  return (
    <section className="hs-panel hs-stack">
      <h2>{c.name}</h2>
      <dl className="hs-kv">
        <dt>Patients</dt>
        <dd>{c.size}</dd>
        {c.summary?.bclc && (
          <>
            <dt>BCLC</dt>
            <dd>{Object.entries(c.summary.bclc).map(([k, v]) => `${k}: ${v}`).join(' · ')}</dd>
          </>
        )}
        {c.summary?.deaths !== undefined && (
          <>
            <dt>Deaths</dt>
            <dd>{c.summary.deaths}</dd>
          </>
        )}
        {c.definition != null && (
          <>
            <dt>Definition</dt>
            <dd>
              <code className="hs-small">{JSON.stringify(c.definition).slice(0, 400)}</code>
            </dd>
          </>
        )}
        {c.models && c.models.length > 0 && (
          <>
            <dt>Models trained</dt>
            <dd>{c.models.map((m) => `${m.name} v${m.version} (${m.status})`).join('; ')}</dd>
          </>
        )}
      </dl>
      {c.members && (
        <p className="hs-small hs-muted">
          Members: {c.members.slice(0, 60).map((m) => m.pseudoId).join(', ')}
          {c.members.length > 60 ? ` … and ${c.members.length - 60} more` : ''}
        </p>
      )}
    </section>
  );
}

function CreateByFilter({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const create = useMutation(trpc.cohorts.createByFilter.mutationOptions());
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [bclc, setBclc] = useState<string[]>([]);
  const [sex, setSex] = useState('');
  const [ageMin, setAgeMin] = useState('');
  const [ageMax, setAgeMax] = useState('');
  const [childPugh, setChildPugh] = useState<string[]>([]);
  const [err, setErr] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErr(null);
    if (!name.trim()) return setErr('Name the cohort.');
    const amin = ageMin ? Number(ageMin) : undefined;
    const amax = ageMax ? Number(ageMax) : undefined;
    if ((amin !== undefined && !(amin >= 0 && amin <= 120)) || (amax !== undefined && !(amax >= 0 && amax <= 120))) return setErr('Ages must be between 0 and 120.');
    if (amin !== undefined && amax !== undefined && amin > amax) return setErr('Minimum age is above maximum age.');
    try {
      await create.mutateAsync({
        name: name.trim(),
        description: description.trim(),
        filter: {
          ...(bclc.length ? { bclc: bclc as (typeof BCLC_STAGES)[number][] } : {}),
          ...(sex ? { sex: sex as 'M' | 'F' } : {}),
          ...(amin !== undefined ? { ageMin: amin } : {}),
          ...(amax !== undefined ? { ageMax: amax } : {}),
          ...(childPugh.length ? { childPugh: childPugh as ('A' | 'B' | 'C')[] } : {}),
        },
      });
      await qc.invalidateQueries({ queryKey: trpc.cohorts.list.queryKey() });
      onDone();
    } catch (e2) {
      setErr(errorMessage(e2));
    }
  }
  const toggle = (arr: string[], set: (v: string[]) => void, v: string) => set(arr.includes(v) ? arr.filter((x) => x !== v) : [...arr, v]);
  return (
    <form className="hs-panel hs-stack" onSubmit={submit} noValidate>
      <h2>New cohort by filter</h2>
      <div className="hs-row">
        <label style={{ flex: 1 }}>
          Name
          <input value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />
        </label>
        <label style={{ flex: 2 }}>
          Description
          <input value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </div>
      <div className="hs-row">
        <span className="hs-muted hs-small">BCLC</span>
        {BCLC_STAGES.map((b) => (
          <label key={b} style={{ flexDirection: 'row', gap: 4 }}>
            <input type="checkbox" checked={bclc.includes(b)} onChange={() => toggle(bclc, setBclc, b)} />
            {b}
          </label>
        ))}
        <span className="hs-muted hs-small">Child–Pugh</span>
        {['A', 'B', 'C'].map((b) => (
          <label key={b} style={{ flexDirection: 'row', gap: 4 }}>
            <input type="checkbox" checked={childPugh.includes(b)} onChange={() => toggle(childPugh, setChildPugh, b)} />
            {b}
          </label>
        ))}
        <label>
          Sex
          <select value={sex} onChange={(e) => setSex(e.target.value)}>
            <option value="">any</option>
            <option value="M">M</option>
            <option value="F">F</option>
          </select>
        </label>
        <label>
          Age from
          <input type="number" value={ageMin} onChange={(e) => setAgeMin(e.target.value)} style={{ width: 70 }} />
        </label>
        <label>
          to
          <input type="number" value={ageMax} onChange={(e) => setAgeMax(e.target.value)} style={{ width: 70 }} />
        </label>
      </div>
      {err && <ErrorState error={err} />}
      <div>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create cohort
        </button>
      </div>
    </form>
  );
}

export default function CohortsPage() {
  return (
    <RequireRole roles={['ADMIN']}>
      <Cohorts />
    </RequireRole>
  );
}
