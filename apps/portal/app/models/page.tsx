'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState } from 'react';
import { Badge, Empty, ErrorState, FeatureImportanceChart, Loading, RocChart } from '@hepatoscope/ui';
import type { ModelRow } from '../../src/lib/contract';
import { fmtDate } from '../../src/lib/contract';
import { useSession } from '../../src/lib/session';
import { errorMessage, useTRPC } from '../../src/lib/trpc';
import { isTrainMetrics, MetricsView } from '../../src/lab/MetricsView';

const STATUS_TONE: Record<string, 'ok' | 'warn' | 'neutral' | 'danger'> = { VALIDATED: 'ok', DRAFT: 'warn', RETIRED: 'neutral' };

function auc(m: ModelRow): string {
  const x = m.metrics as { auc?: number } | null;
  return typeof x?.auc === 'number' ? x.auc.toFixed(3) : '—';
}

function Registry() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const selected = params.get('id') ?? '';
  const models = useQuery(trpc.models.list.queryOptions());
  const [compare, setCompare] = useState<string[]>([]);
  const list = (models.data ?? []) as (ModelRow & { origin?: string; synthetic?: boolean; trainingCohort?: { name: string } | null; createdAt?: string })[];
  const comparable = list.filter((m) => compare.includes(m.id) && isTrainMetrics(m.metrics));

  return (
    <div className="hs-stack">
      <h1>Model registry</h1>
      <section className="hs-panel">
        {models.isPending ? (
          <Loading label="Loading models…" />
        ) : models.isError ? (
          <ErrorState error={models.error} onRetry={() => void models.refetch()} />
        ) : list.length === 0 ? (
          <Empty>No models registered yet. Train one in the model lab.</Empty>
        ) : (
          <table data-testid="models-table">
            <thead>
              <tr>
                <th title="overlay ROC curves">Cmp</th>
                <th>Name</th>
                <th>Task</th>
                <th>Kind</th>
                <th>Version</th>
                <th>Status</th>
                <th>Origin</th>
                <th className="num">AUC</th>
                <th>Training cohort</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.id} className={`clickable${m.id === selected ? ' highlight' : ''}`} onClick={() => router.replace(`/models?id=${m.id}`)}>
                  <td onClick={(e) => e.stopPropagation()}>
                    <input
                      type="checkbox"
                      disabled={!isTrainMetrics(m.metrics)}
                      checked={compare.includes(m.id)}
                      onChange={(e) => setCompare((c) => (e.target.checked ? [...c, m.id] : c.filter((x) => x !== m.id)))}
                    />
                  </td>
                  <td>
                    {m.name} {m.synthetic && <Badge tone="warn">synthetic</Badge>}
                  </td>
                  <td>{m.task}</td>
                  <td>{m.kind}</td>
                  <td>{String(m.version ?? '')}</td>
                  <td>
                    <Badge tone={STATUS_TONE[m.status] ?? 'neutral'}>{m.status}</Badge>
                  </td>
                  <td>{m.origin ?? '—'}</td>
                  <td className="num">{auc(m)}</td>
                  <td>{m.trainingCohort?.name ?? '—'}</td>
                  <td>{fmtDate(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {comparable.length >= 2 && (
        <section className="hs-panel">
          <h2>Comparison</h2>
          <RocChart
            title="ROC comparison (cross-validated)"
            width={520}
            height={460}
            curves={comparable.map((m) => {
              const x = m.metrics as { auc: number; aucCi: number[]; roc: { fpr: number; tpr: number; threshold: number | null }[] };
              return { label: `${m.name} v${m.version}`, roc: x.roc, auc: x.auc, aucCi: x.aucCi };
            })}
          />
          <p className="hs-muted hs-small">Overlay of each model&apos;s own cross-validated ROC; a paired DeLong test needs both models scored on the same patients.</p>
        </section>
      )}
      {selected && <ModelCard id={selected} />}
    </div>
  );
}

interface ModelDetail extends ModelRow {
  inputs?: { name: string; min?: number; max?: number; unit?: string }[];
  parameters?: { intercept?: number; coefficients?: Record<string, number> } | null;
  card?: Record<string, unknown> | null;
  validatedAt?: string | null;
  retiredAt?: string | null;
  createdBy?: { name: string; email: string } | null;
}

function ModelCard({ id }: { id: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { user } = useSession();
  const q = useQuery(trpc.models.get.queryOptions({ id }));
  const promote = useMutation(trpc.models.promote.mutationOptions());
  const retire = useMutation(trpc.models.retire.mutationOptions());
  const [reason, setReason] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const m = q.data as ModelDetail | undefined;

  async function change(kind: 'promote' | 'retire') {
    setErr(null);
    if (kind === 'retire' && !reason.trim()) return setErr('Give a reason for retiring the model.');
    try {
      await (kind === 'promote' ? promote : retire).mutateAsync({ id, reason: reason.trim() });
      setReason('');
      await Promise.all([qc.invalidateQueries({ queryKey: trpc.models.list.queryKey() }), q.refetch()]);
    } catch (e) {
      setErr(errorMessage(e));
    }
  }

  if (q.isPending) return <Loading label="Loading model card…" />;
  if (q.isError) return <ErrorState error={q.error} />;
  if (!m) return null;
  const coefs = m.parameters?.coefficients ?? {};
  const ranges = new Map((m.inputs ?? []).map((i) => [i.name, i]));
  // importance: |β| × range (the nomogram's span), signed by β
  const importance = Object.entries(coefs).map(([f, b]) => {
    const r = ranges.get(f);
    const span = r && r.min !== undefined && r.max !== undefined ? r.max - r.min : 1;
    return { feature: f, value: b * span };
  });
  const card = m.card ?? {};
  const history = (Array.isArray(card.statusHistory) ? card.statusHistory : []) as { from: string; to: string; at: string; by: string; reason: string }[];
  return (
    <section className="hs-panel hs-stack" data-testid="model-card-detail">
      <div className="hs-row" style={{ alignItems: 'center' }}>
        <h2 style={{ margin: 0 }}>
          {m.name} v{String(m.version)}
        </h2>
        <Badge tone={STATUS_TONE[m.status] ?? 'neutral'}>{m.status}</Badge>
      </div>
      <dl className="hs-kv">
        {['intendedUse', 'data', 'method', 'limitations'].filter((k) => card[k]).map((k) => (
          <span key={k} style={{ display: 'contents' }}>
            <dt>{k.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase())}</dt>
            <dd>{String(card[k])}</dd>
          </span>
        ))}
        <dt>Predictors</dt>
        <dd>{m.predictors.join(', ')}</dd>
        {m.parameters?.intercept !== undefined && (
          <>
            <dt>Intercept</dt>
            <dd>{m.parameters.intercept.toFixed(4)}</dd>
          </>
        )}
        {m.createdBy && (
          <>
            <dt>Created by</dt>
            <dd>{m.createdBy.name}</dd>
          </>
        )}
      </dl>
      {importance.length > 0 && <FeatureImportanceChart title="Effect over the predictor range (β × range)" values={importance} />}
      {isTrainMetrics(m.metrics) && <MetricsView metrics={m.metrics} title={m.name} />}
      {history.length > 0 && (
        <div>
          <h3>Status history</h3>
          <ul>
            {history.map((h, i) => (
              <li key={i}>
                {fmtDate(h.at)} {h.from} → {h.to} by {h.by}
                {h.reason ? `: ${h.reason}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      {user?.role === 'ADMIN' && m.status !== 'RETIRED' && (
        <div className="hs-row">
          <label style={{ flex: 1 }}>
            Reason
            <input value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} placeholder="e.g. external validation AUC 0.78 on cohort X" />
          </label>
          {m.status === 'DRAFT' && (
            <button type="button" className="primary" onClick={() => void change('promote')} disabled={promote.isPending} data-testid="promote">
              Promote to VALIDATED
            </button>
          )}
          <button type="button" onClick={() => void change('retire')} disabled={retire.isPending}>
            Retire
          </button>
        </div>
      )}
      {err && <ErrorState error={err} />}
    </section>
  );
}

export default function ModelsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <Registry />
    </Suspense>
  );
}
