'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Empty, ErrorState, Loading } from '@hepatoscope/ui';
import { RequireRole } from '../../src/components/AppShell';
import type { TrainResult } from '../../src/lib/contract';
import { errorMessage, useTRPC } from '../../src/lib/trpc';
import { MetricsView } from '../../src/lab/MetricsView';
import { isSurvivalMetrics, SurvivalMetricsView, type SurvivalTrainMetrics } from '../../src/lab/SurvivalMetricsView';
import { ModelImportance } from '../../src/lab/ModelImportance';
import { Elapsed } from '../../src/lab/Elapsed';

const SURVIVAL_OUTCOMES: [string, string][] = [
  ['os', 'Overall survival (time to death)'],
  ['rfs', 'Recurrence-free survival (time to recurrence)'],
];

type Estimator = 'logistic' | 'lasso' | 'cox';
type LabResult = TrainResult | { modelId: string; metrics: SurvivalTrainMetrics };

const OUTCOMES: [string, string][] = [
  ['rfs24', 'Recurrence within 24 months'],
  ['rfs12', 'Recurrence within 12 months'],
  ['os12', 'Death within 12 months'],
  ['os24', 'Death within 24 months'],
  ['rfsEvent', 'Recurrence (any time)'],
  ['osEvent', 'Death (any time)'],
  ['taceResponse', 'Objective response to TACE (mRECIST CR/PR)'],
  ['vascularInvasion', 'Microvascular / vascular invasion'],
];

const FEATURES: [string, string][] = [
  ['age', 'Age'],
  ['afp', 'AFP'],
  ['bilirubin', 'Bilirubin'],
  ['albumin', 'Albumin'],
  ['platelets', 'Platelets'],
  ['inr', 'INR'],
  ['alt', 'ALT'],
  ['ast', 'AST'],
  ['ecog', 'ECOG'],
  ['childPughScore', 'Child–Pugh score'],
  ['tumourCount', 'Tumour count'],
  ['maxTumourDiameterMm', 'Largest diameter'],
  ['cirrhosis', 'Cirrhosis'],
  ['vascularInvasion', 'Vascular invasion'],
  ['portalVeinThrombosis', 'PVTT'],
  ['extrahepaticSpread', 'Extrahepatic spread'],
  ['sex', 'Male sex'],
  ['bclc=C', 'BCLC C'],
  ['childPugh=B', 'Child–Pugh B'],
  ['aetiology=HBV', 'HBV'],
  ['aetiology=HCV', 'HCV'],
];

function Lab() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const cohorts = useQuery(trpc.cohorts.list.queryOptions());
  const train = useMutation(trpc.lab.train.mutationOptions());
  const trainSurvival = useMutation(trpc.lab.trainSurvival.mutationOptions());
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [cohortId, setCohortId] = useState('');
  const [outcome, setOutcome] = useState('rfs24');
  const [features, setFeatures] = useState<string[]>(['afp', 'maxTumourDiameterMm', 'age']);
  const [extra, setExtra] = useState('');
  const [estimator, setEstimator] = useState<Estimator>('logistic');
  const [cvFolds, setCvFolds] = useState(5);
  const [seed, setSeed] = useState(42);
  const [name, setName] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [result, setResult] = useState<LabResult | null>(null);
  const outcomes = estimator === 'cox' ? SURVIVAL_OUTCOMES : OUTCOMES;
  const pending = train.isPending || trainSurvival.isPending;

  const list = (cohorts.data ?? []) as { id: string; name: string; size?: number; synthetic?: boolean }[];
  const allFeatures = [...features, ...extra.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean)];

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    if (!cohortId) return setFormError('Choose a cohort.');
    if (!outcome.trim()) return setFormError('Choose an outcome.');
    if (allFeatures.length === 0) return setFormError('Choose at least one feature.');
    if (allFeatures.includes(outcome)) return setFormError(`The outcome ${outcome} cannot also be a feature.`);
    if (!(cvFolds >= 2 && cvFolds <= 20)) return setFormError('Cross-validation needs 2 to 20 folds.');
    if (estimator === 'cox' && outcome !== 'os' && outcome !== 'rfs') return setFormError('The Cox model needs a survival outcome: os or rfs.');
    setStartedAt(Date.now());
    try {
      const common = { cohortId, features: [...new Set(allFeatures)], cvFolds, seed, ...(name.trim() ? { name: name.trim() } : {}) };
      const r =
        estimator === 'cox'
          ? ((await trainSurvival.mutateAsync({ ...common, outcome: outcome as 'os' | 'rfs' })) as LabResult)
          : ((await train.mutateAsync({ ...common, outcome, estimator })) as TrainResult);
      setResult(r);
      await qc.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
    } catch (err) {
      setFormError(errorMessage(err));
    }
  }

  return (
    <div className="hs-stack">
      <h1>Model lab</h1>
      <form className="hs-panel hs-stack" onSubmit={submit} noValidate data-testid="lab-form">
        {cohorts.isPending ? (
          <Loading label="Loading cohorts…" />
        ) : cohorts.isError ? (
          <ErrorState error={cohorts.error} />
        ) : list.length === 0 ? (
          <Empty>No cohorts available to you.</Empty>
        ) : null}
        <div className="hs-row">
          <label>
            Cohort
            <select name="cohort" value={cohortId} onChange={(e) => setCohortId(e.target.value)}>
              <option value="">Choose…</option>
              {list.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.size !== undefined ? ` (${c.size})` : ''}
                  {c.synthetic ? ' · synthetic' : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            Outcome
            <select name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
              {outcomes.map(([v, l]) => (
                <option key={v} value={v}>
                  {l} ({v})
                </option>
              ))}
            </select>
          </label>
          <label>
            Estimator
            <select
              name="estimator"
              value={estimator}
              onChange={(e) => {
                const v = e.target.value as Estimator;
                setEstimator(v);
                // keep the outcome valid for the estimator: time-to-event for Cox, binary otherwise
                if (v === 'cox' && !SURVIVAL_OUTCOMES.some(([o]) => o === outcome)) setOutcome('os');
                if (v !== 'cox' && SURVIVAL_OUTCOMES.some(([o]) => o === outcome)) setOutcome('rfs24');
              }}
            >
              <option value="logistic">Logistic regression</option>
              <option value="lasso">Lasso logistic</option>
              <option value="cox">Cox proportional hazards (survival)</option>
            </select>
          </label>
          <label>
            CV folds
            <input type="number" min={2} max={20} value={cvFolds} onChange={(e) => setCvFolds(Number(e.target.value))} style={{ width: 70 }} />
          </label>
          <label>
            Seed
            <input type="number" min={0} value={seed} onChange={(e) => setSeed(Number(e.target.value))} style={{ width: 90 }} />
          </label>
          <label style={{ flex: 1 }}>
            Name (optional)
            <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          </label>
        </div>
        <fieldset style={{ border: '1px solid var(--line)', borderRadius: 6 }}>
          <legend className="hs-muted hs-small">Features ({allFeatures.length})</legend>
          <div className="hs-row" style={{ gap: 10 }}>
            {FEATURES.map(([v, l]) => (
              <label key={v} style={{ flexDirection: 'row', alignItems: 'center', gap: 4, color: 'var(--text)' }}>
                <input type="checkbox" checked={features.includes(v)} onChange={(e) => setFeatures((f) => (e.target.checked ? [...f, v] : f.filter((x) => x !== v)))} />
                {l}
              </label>
            ))}
          </div>
          <label style={{ marginTop: 8 }}>
            More features (comma-separated field names or indicators like childPugh=C)
            <input value={extra} onChange={(e) => setExtra(e.target.value)} />
          </label>
        </fieldset>
        {formError && <div className="hs-state hs-error" role="alert">{formError}</div>}
        <div>
          <button type="submit" className="primary" disabled={pending} data-testid="train">
            {pending ? 'Training (cross-validation)…' : 'Train'}
          </button>
        </div>
        {pending && startedAt !== null && <Elapsed since={startedAt} label={`Training with ${cvFolds}-fold cross-validation`} />}
      </form>
      {result && (
        <section className="hs-panel" data-testid="lab-result">
          <div className="hs-row" style={{ alignItems: 'center' }}>
            <h2 style={{ margin: 0 }}>Result</h2>
            <span className="hs-muted">saved as a DRAFT model</span>
            <Link href={`/models?id=${result.modelId}`}>open in the registry →</Link>
          </div>
          {isSurvivalMetrics(result.metrics) ? (
            <SurvivalMetricsView metrics={result.metrics} />
          ) : (
            <MetricsView metrics={(result as TrainResult).metrics} />
          )}
          <ModelImportance key={result.modelId} modelId={result.modelId} scale={isSurvivalMetrics(result.metrics) ? 'log-hazard' : 'log-odds'} />
        </section>
      )}
    </div>
  );
}

export default function LabPage() {
  return (
    <RequireRole roles={['CLINICIAN', 'ADMIN']}>
      <Lab />
    </RequireRole>
  );
}
