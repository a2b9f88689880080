'use client';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorState, Loading, RocChart } from '@hepatoscope/ui';
import { useTRPC } from '../lib/trpc';
import { fmtP } from './format';
import { SplitSelect } from './SplitSelect';

interface ModelBrief {
  id: string;
  name: string;
  version?: string | number;
}

interface CompareResult {
  cohort: { id: string; name: string; split: string };
  outcome: string;
  n: number;
  events: number;
  excluded: number;
  method: string;
  a: { id: string; name: string; version: string; auc: number; aucCi: [number, number]; roc: { fpr: number; tpr: number; threshold: number | null }[] };
  b: { id: string; name: string; version: string; auc: number; aucCi: [number, number]; roc: { fpr: number; tpr: number; threshold: number | null }[] };
  difference: number;
  differenceCi: [number, number];
  z: number;
  p: number;
}

/** Cohort ids a model was validated on (its ModelValidation rows, incl. the lab's CV on the training cohort). */
function validatedCohorts(m: unknown): Set<string> {
  const v = (m as { validations?: { cohortId: string }[] } | undefined)?.validations ?? [];
  return new Set(v.map((x) => x.cohortId));
}

/**
 * Paired DeLong comparison of two models: pick a cohort (those both models were validated on come first), run
 * models.compare → ΔAUC with its 95 % CI, z and p, and both ROC curves on the same patients.
 */
export function DelongCompare({ a, b }: { a: ModelBrief; b: ModelBrief }) {
  const trpc = useTRPC();
  const cohorts = useQuery(trpc.cohorts.list.queryOptions());
  const ma = useQuery(trpc.models.get.queryOptions({ id: a.id }));
  const mb = useQuery(trpc.models.get.queryOptions({ id: b.id }));
  const [cohortId, setCohortId] = useState('');
  const [split, setSplit] = useState<'all' | 'VALIDATION'>('all');
  const [outcome, setOutcome] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [params, setParams] = useState<{ modelA: string; modelB: string; cohortId: string; split: 'all' | 'VALIDATION'; outcome?: string } | null>(null);
  const cmp = useQuery({ ...trpc.models.compare.queryOptions(params ?? { modelA: a.id, modelB: b.id, cohortId: 'x' }), enabled: !!params, retry: false });

  const va = validatedCohorts(ma.data);
  const vb = validatedCohorts(mb.data);
  const list = ((cohorts.data ?? []) as { id: string; name: string }[])
    .map((c) => ({ ...c, both: va.has(c.id) && vb.has(c.id) }))
    .sort((x, y) => Number(y.both) - Number(x.both) || x.name.localeCompare(y.name));
  const chosen = cohortId || list.find((c) => c.both)?.id || '';

  function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    if (!chosen) return setFormError('Choose the cohort both models are scored on.');
    if (outcome && !/^[A-Za-z][\w=.-]*$/.test(outcome.trim())) return setFormError('The outcome is a field name such as os24 or taceResponse.');
    setParams({ modelA: a.id, modelB: b.id, cohortId: chosen, split, ...(outcome.trim() ? { outcome: outcome.trim() } : {}) });
  }

  const r = cmp.data as CompareResult | undefined;
  return (
    <div className="hs-stack" data-testid="delong-compare">
      <form className="hs-row" onSubmit={submit} noValidate>
        <label>
          Cohort
          <select name="compare-cohort" value={chosen} onChange={(e) => setCohortId(e.target.value)}>
            <option value="">Choose…</option>
            {list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.both ? ' ✓ validated on both' : ''}
              </option>
            ))}
          </select>
        </label>
        <SplitSelect value={split} onChange={setSplit} />
        <label>
          Outcome (optional)
          <input value={outcome} onChange={(e) => setOutcome(e.target.value)} placeholder="model A's outcome" maxLength={100} style={{ width: 150 }} />
        </label>
        <button type="submit" className="primary" data-testid="run-delong" disabled={cmp.isFetching}>
          {cmp.isFetching ? 'Comparing…' : 'Run DeLong test'}
        </button>
      </form>
      {formError && (
        <div className="hs-state hs-error" role="alert">
          {formError}
        </div>
      )}
      {params && cmp.isFetching && <Loading label="Scoring both models on the cohort…" />}
      {params && cmp.isError && <ErrorState error={cmp.error} />}
      {r && !cmp.isFetching && (
        <>
          <dl className="hs-kv" data-testid="delong-result">
            <dt>ΔAUC (A − B)</dt>
            <dd data-testid="delong-diff">
              {r.difference >= 0 ? '+' : ''}
              {r.difference.toFixed(3)} (95% CI {r.differenceCi[0].toFixed(3)} to {r.differenceCi[1].toFixed(3)})
            </dd>
            <dt>p (two-sided)</dt>
            <dd data-testid="delong-p">
              p = {fmtP(r.p)} (z = {r.z.toFixed(2)})
            </dd>
            <dt>A</dt>
            <dd>
              {r.a.name} v{r.a.version}: AUC {r.a.auc.toFixed(3)} ({r.a.aucCi[0].toFixed(3)}–{r.a.aucCi[1].toFixed(3)})
            </dd>
            <dt>B</dt>
            <dd>
              {r.b.name} v{r.b.version}: AUC {r.b.auc.toFixed(3)} ({r.b.aucCi[0].toFixed(3)}–{r.b.aucCi[1].toFixed(3)})
            </dd>
            <dt>Patients</dt>
            <dd>
              {r.n} in {r.cohort.name} ({r.events} with {r.outcome}){r.excluded ? `; ${r.excluded} lacked a predictor or the outcome` : ''}
            </dd>
          </dl>
          <RocChart
            title={`ROC on ${r.cohort.name}: ΔAUC ${r.difference.toFixed(3)}, DeLong p ${fmtP(r.p)}`}
            width={520}
            height={460}
            curves={[
              { label: `A ${r.a.name}`, roc: r.a.roc, auc: r.a.auc, aucCi: r.a.aucCi },
              { label: `B ${r.b.name}`, roc: r.b.roc, auc: r.b.auc, aucCi: r.b.aucCi },
            ]}
          />
          <p className="hs-muted hs-small" style={{ margin: 0 }}>
            {r.method}: both models score the same patients with their final coefficients (on a training cohort this is apparent, not cross-validated, performance).
          </p>
        </>
      )}
    </div>
  );
}
