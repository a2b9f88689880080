'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState } from 'react';
import { Badge, Empty, ErrorState, FeatureImportanceChart, Loading, RocChart } from '@hepatoscope/ui';
import { DelongCompare } from '../../src/lab/DelongCompare';
import { SplitSelect } from '../../src/lab/SplitSelect';
import { rangeImportance } from '../../src/lab/importance';
import { isSurvivalMetrics, SurvivalMetricsView } from '../../src/lab/SurvivalMetricsView';
import { hasRiskGroups, RiskGroupKm, type RiskGroupMetrics } from '../../src/components/RiskGroupKm';
import { fmtP } from '../../src/lab/format';
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
  const { user } = useSession();
  const params = useSearchParams();
  const router = useRouter();
  const selected = params.get('id') ?? '';
  const models = useQuery(trpc.models.list.queryOptions());
  const [compare, setCompare] = useState<string[]>([]);
  const list = (models.data ?? []) as (ModelRow & { origin?: string; synthetic?: boolean; trainingCohort?: { name: string } | null; createdAt?: string })[];
  const comparable = list.filter((m) => compare.includes(m.id) && isTrainMetrics(m.metrics));
  const pair = compare.map((id) => list.find((m) => m.id === id)).filter((m): m is (typeof list)[number] => !!m);

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
                      disabled={SURVIVAL.has(m.kind ?? '')}
                      data-testid="compare-check"
                      aria-label={`compare ${m.name}`}
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
      {pair.length === 2 && (
        <section className="hs-panel">
          <h2>DeLong comparison</h2>
          <p className="hs-muted hs-small" style={{ marginTop: 0 }}>
            A = {pair[0]!.name} v{String(pair[0]!.version ?? '')}, B = {pair[1]!.name} v{String(pair[1]!.version ?? '')}
          </p>
          {user?.role === 'ADMIN' ? (
            <DelongCompare key={pair.map((m) => m.id).join()} a={pair[0]!} b={pair[1]!} />
          ) : (
            <p className="hs-muted">Only admins run the comparison.</p>
          )}
        </section>
      )}
      {pair.length > 2 && <p className="hs-muted hs-small">Tick exactly two models for the DeLong test.</p>}
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
          <p className="hs-muted hs-small">Overlay of each model&apos;s own cross-validated ROC (different patients when the cohorts differ); the DeLong comparison above scores both on the same patients.</p>
        </section>
      )}
      {selected && <ModelCard id={selected} />}
    </div>
  );
}

const SURVIVAL = new Set(['cox', 'coxph', 'lasso-cox']);

interface ValidationRow {
  id: string;
  cohortId: string;
  split: string;
  metrics: Record<string, unknown> & { cohort?: { name: string } };
  createdAt: string;
}

/**
 * The model's validations (cohort, split, headline metric) with the newest one's charts: KM by risk group for
 * survival models; and, for admins, a form to validate the model on another cohort (models.validate).
 */
function Validations({ model, survival, admin, onValidated }: { model: ModelDetail; survival: boolean; admin: boolean; onValidated: () => void }) {
  const trpc = useTRPC();
  const cohorts = useQuery(trpc.cohorts.list.queryOptions());
  const validate = useMutation(trpc.models.validate.mutationOptions());
  const [cohortId, setCohortId] = useState('');
  const [split, setSplit] = useState<'all' | 'VALIDATION'>('all');
  const [outcome, setOutcome] = useState(survival ? 'os' : '');
  const [err, setErr] = useState<string | null>(null);
  const rows = [...(model.validations ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const names = new Map(((cohorts.data ?? []) as { id: string; name: string }[]).map((c) => [c.id, c.name]));
  const [selected, setSelected] = useState<string | null>(null);
  // KM of the chosen validation row (default: the newest cohort validation; the lab's CV is drawn above)
  const latestKm = rows.find((v) => (selected ? v.id === selected : v.split !== 'cv') && hasRiskGroups(v.metrics));

  async function run() {
    setErr(null);
    if (!cohortId) return setErr('Choose a cohort to validate on.');
    try {
      await validate.mutateAsync({ id: model.id, cohortId, split, ...(outcome.trim() ? { outcome: outcome.trim() } : {}) });
      onValidated();
    } catch (e) {
      setErr(errorMessage(e));
    }
  }

  return (
    <div className="hs-stack" data-testid="model-validations">
      <h3 style={{ marginBottom: 0 }}>Validations</h3>
      {rows.length === 0 ? (
        <Empty>Not validated on any cohort yet.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Date</th>
              <th>Cohort</th>
              <th>Patients</th>
              <th className="num">n</th>
              <th className="num">{survival ? 'C-index' : 'AUC'}</th>
              <th className="num">{survival ? 'log-rank p' : 'Brier'}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => {
              const x = v.metrics as { n?: number; auc?: number; cIndex?: number; brier?: number; logRank?: { p: number } };
              return (
                <tr
                  key={v.id}
                  className={`${survival ? 'clickable' : ''}${latestKm?.id === v.id ? ' highlight' : ''}`}
                  onClick={() => survival && setSelected(v.id)}
                  title={survival ? 'Show this validation’s KM curves' : undefined}
                >
                  <td>{fmtDate(v.createdAt)}</td>
                  <td>{v.metrics.cohort?.name ?? names.get(v.cohortId) ?? v.cohortId}</td>
                  <td>{v.split === 'cv' ? 'training (cross-validated)' : v.split === 'all' ? 'all members' : v.split}</td>
                  <td className="num">{x.n ?? '—'}</td>
                  <td className="num">{typeof (survival ? x.cIndex : x.auc) === 'number' ? (survival ? x.cIndex! : x.auc!).toFixed(3) : '—'}</td>
                  <td className="num">{survival ? (x.logRank ? fmtP(x.logRank.p) : '—') : typeof x.brier === 'number' ? x.brier.toFixed(3) : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {latestKm && (
        <RiskGroupKm
          title={`KM by risk group: ${latestKm.metrics.cohort?.name ?? names.get(latestKm.cohortId) ?? 'validation cohort'}`}
          metrics={latestKm.metrics as unknown as RiskGroupMetrics}
        />
      )}
      {admin && model.status !== 'RETIRED' && (
        <div className="hs-row" data-testid="validate-form">
          <label>
            Validate on cohort
            <select name="validate-cohort" value={cohortId} onChange={(e) => setCohortId(e.target.value)}>
              <option value="">Choose…</option>
              {((cohorts.data ?? []) as { id: string; name: string }[]).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <SplitSelect value={split} onChange={setSplit} />
          <label>
            Outcome
            {survival ? (
              <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
                <option value="os">os</option>
                <option value="rfs">rfs</option>
              </select>
            ) : (
              <input value={outcome} onChange={(e) => setOutcome(e.target.value)} placeholder="training outcome" maxLength={100} style={{ width: 140 }} />
            )}
          </label>
          <button type="button" onClick={() => void run()} disabled={validate.isPending} data-testid="validate">
            {validate.isPending ? 'Validating…' : 'Validate'}
          </button>
        </div>
      )}
      {err && <ErrorState error={err} />}
    </div>
  );
}

interface ModelDetail extends ModelRow {
  validations?: ValidationRow[];
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
  // importance: β × range (the nomogram's span), signed by β
  const importance = rangeImportance(m.parameters?.coefficients ?? {}, m.inputs);
  const survival = SURVIVAL.has(m.kind ?? '');
  // the lab's cross-validated Cox metrics (hazard ratios, KM by out-of-fold tertile) stay in its 'cv' validation even
  // after a cohort validation replaced the model's headline metrics
  const cvMetrics = m.validations?.find((v) => v.split === 'cv')?.metrics;
  const labSurvival = isSurvivalMetrics(cvMetrics) ? cvMetrics : isSurvivalMetrics(m.metrics) && m.metrics.cvFolds ? m.metrics : null;
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
      {labSurvival && <SurvivalMetricsView metrics={labSurvival} title="cross-validated" />}
      <Validations model={m} survival={survival} admin={user?.role === 'ADMIN'} onValidated={() => void q.refetch()} />
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
