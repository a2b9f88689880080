'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Empty, ErrorState, KmChart, Loading, NomogramChart, type SurvivalPoint } from '@hepatoscope/ui';
import { isScore, isSurvival, type LesionView, type ModelRow, type NomogramPoint, type PredictionResult } from '../lib/contract';
import { errorMessage, useTRPC } from '../lib/trpc';
import { useSession } from '../lib/session';
import { SURVIVAL_KINDS, SurvivalPanel } from './SurvivalPanel';

/** Validated models for this patient: run one → probability (CI), risk group, nomogram; or a survival curve. */
export function PredictionsPanel({ patientId, lesions, readOnly }: { patientId: string; lesions: LesionView[]; readOnly?: boolean }) {
  const trpc = useTRPC();
  const { user } = useSession();
  const models = useQuery(trpc.models.list.queryOptions());
  // stored predictions: a Cox model's survival view shows the patient's last predicted curve before a new run
  const stored = useQuery(trpc.predictions.listForPatient.queryOptions({ patientId }));
  const [results, setResults] = useState<Record<string, PredictionResult>>({});
  const [lesionId, setLesionId] = useState('');
  const run = useMutation(trpc.predictions.run.mutationOptions());
  const [runningId, setRunningId] = useState<string | null>(null);
  const [runError, setRunError] = useState<{ modelId: string; message: string } | null>(null);
  const canRun = user?.role === 'CLINICIAN' && !readOnly;

  if (models.isPending) return <Loading label="Loading models…" />;
  if (models.isError) return <ErrorState error={models.error} onRetry={() => void models.refetch()} />;
  const validated = ((models.data ?? []) as ModelRow[]).filter((m) => m.status === 'VALIDATED');

  async function go(m: ModelRow) {
    setRunError(null);
    setRunningId(m.id);
    try {
      const r = (await run.mutateAsync({ patientId, modelId: m.id, ...(lesionId ? { lesionId } : {}) })) as PredictionResult;
      setResults((x) => ({ ...x, [m.id]: r }));
    } catch (e) {
      setRunError({ modelId: m.id, message: errorMessage(e) });
    } finally {
      setRunningId(null);
    }
  }

  return (
    <div className="hs-stack" data-testid="predictions-panel">
      {validated.length === 0 ? (
        <Empty>No validated models yet. Train one in the model lab and have an admin promote it.</Empty>
      ) : (
        <>
          {canRun && lesions.length > 0 && (
            <label>
              Lesion (for lesion-level models)
              <select value={lesionId} onChange={(e) => setLesionId(e.target.value)}>
                <option value="">Patient level / largest lesion</option>
                {lesions.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {validated.map((m) => {
            const r = results[m.id];
            return (
              <section key={m.id} className="hs-panel" style={{ background: "var(--panel-2)" }} data-testid="model-card" data-kind={m.kind}>
                <div className="hs-row" style={{ alignItems: 'center' }}>
                  <strong>{m.name}</strong>
                  <Badge tone="info">{m.task}</Badge>
                  <span className="hs-muted hs-small">v{String(m.version ?? 1)}</span>
                  {canRun && (
                    <button type="button" className="primary" style={{ marginLeft: 'auto' }} disabled={runningId !== null} onClick={() => void go(m)} data-testid="run-prediction">
                      {runningId === m.id ? 'Running…' : r ? 'Run again' : 'Run'}
                    </button>
                  )}
                </div>
                <p className="hs-muted hs-small" style={{ margin: '4px 0' }}>
                  Predictors: {m.predictors.join(', ') || '—'}
                </p>
                {runError?.modelId === m.id && <ErrorState error={runError.message} />}
                {SURVIVAL_KINDS.has(m.kind ?? '') ? (
                  <SurvivalForModel model={m} result={r} stored={(stored.data ?? []) as StoredPrediction[]} />
                ) : (
                  r && <PredictionResultView result={r} />
                )}
              </section>
            );
          })}
        </>
      )}
      {!canRun && !readOnly && <p className="hs-muted hs-small">Only clinicians run predictions; past results appear in the timeline.</p>}
    </div>
  );
}

export function PredictionResultView({ result }: { result: PredictionResult }) {
  if (isScore(result)) {
    return (
      <div data-testid="prediction-result">
        <p style={{ fontSize: 22, margin: '6px 0' }}>
          <strong data-testid="prediction-score">{result.score.toFixed(2)}</strong>{' '}
          {result.grade != null && <Badge tone="info">grade {String(result.grade)}</Badge>}
        </p>
        {result.nomogram && result.nomogram.points.length > 0 && (
          <NomogramChart title="Score contributions" points={result.nomogram.points} totalPoints={result.nomogram.totalPoints} width={360} />
        )}
      </div>
    );
  }
  if (isSurvival(result)) {
    return (
      <div data-testid="prediction-result">
        <p>
          Median survival: <strong>{result.medianMonths != null ? `${result.medianMonths.toFixed(1)} months` : 'not reached'}</strong>
        </p>
        {result.horizons && result.horizons.length > 0 && (
          <p className="hs-small">
            {result.horizons.map((h) => `${h.t} mo: ${(h.s * 100).toFixed(0)}%${h.lo != null && h.hi != null ? ` (${(h.lo * 100).toFixed(0)}–${(h.hi * 100).toFixed(0)}%)` : ''}`).join(' · ')}
          </p>
        )}
        {result.ciUnavailableReason && <p className="hs-muted hs-small">{result.ciUnavailableReason}</p>}
        <KmChart title="Predicted survival" curves={[{ label: 'this patient', points: result.curve, dashed: true }]} width={360} height={260} />
      </div>
    );
  }
  const tone = /high/i.test(result.riskGroup ?? '') ? 'danger' : /low/i.test(result.riskGroup ?? '') ? 'ok' : 'warn';
  return (
    <div data-testid="prediction-result">
      <p style={{ fontSize: 22, margin: '6px 0' }}>
        <strong data-testid="prediction-probability">{(result.probability * 100).toFixed(1)}%</strong>{' '}
        <span className="hs-muted" style={{ fontSize: 13 }} title={result.ciUnavailableReason ?? undefined}>
          {result.ci ? `95% CI ${(result.ci[0] * 100).toFixed(1)}–${(result.ci[1] * 100).toFixed(1)}%` : 'no CI'}
        </span>{' '}
        {result.riskGroup && <Badge tone={tone}>{result.riskGroup} risk</Badge>}
      </p>
      {result.nomogram && result.nomogram.points.length > 0 && (
        <NomogramChart points={result.nomogram.points} totalPoints={result.nomogram.totalPoints} probability={result.probability} ci={result.ci} width={360} />
      )}
    </div>
  );
}

interface StoredPrediction {
  id: string;
  modelId?: string;
  modelName: string;
  modelVersion: string;
  task: string;
  probability: number | null;
  ci: number[] | null;
  riskGroup: string | null;
  nomogram: unknown;
  survival: { medianMonths: number | null; curve?: unknown } | null;
  createdAt: string;
}

/** A Cox model's survival view: KM by risk group with this patient's curve (from this run, else the last stored one). */
function SurvivalForModel({ model, result, stored }: { model: ModelRow; result?: PredictionResult; stored: StoredPrediction[] }) {
  const last = stored.find((p) => p.modelId === model.id && p.survival && Array.isArray(p.survival.curve));
  const run = result && isSurvival(result) ? result : null;
  const curve = run?.curve ?? ((last?.survival?.curve as SurvivalPoint[] | undefined) ?? null);
  return (
    <div data-testid={run ? 'prediction-result' : 'survival-view'}>
      {run?.horizons && run.horizons.length > 0 && (
        <p className="hs-small" style={{ margin: '4px 0' }}>
          {run.horizons.map((h) => `${h.t} mo: ${(h.s * 100).toFixed(0)}%${h.lo != null && h.hi != null ? ` (${(h.lo * 100).toFixed(0)}–${(h.hi * 100).toFixed(0)}%)` : ''}`).join(' · ')}
        </p>
      )}
      {run?.ciUnavailableReason && <p className="hs-muted hs-small">{run.ciUnavailableReason}</p>}
      <SurvivalPanel
        modelId={model.id}
        patientCurve={curve}
        riskGroup={run ? run.riskGroup : (last?.riskGroup ?? null)}
        medianMonths={run ? (run.medianMonths ?? null) : last?.survival ? last.survival.medianMonths : undefined}
      />
    </div>
  );
}

/** The patient's stored predictions (newest first; latest per model), e.g. for presentation mode. */
export function RecentPredictions({ predictions }: { predictions: unknown[] }) {
  const seen = new Set<string>();
  const latest = (predictions as StoredPrediction[]).filter((p) => (seen.has(p.modelName) ? false : (seen.add(p.modelName), true)));
  if (latest.length === 0) return <Empty>No predictions recorded for this patient.</Empty>;
  const first = latest.find((p) => p.probability != null && p.nomogram);
  const nomo = first?.nomogram as { points: NomogramPoint[]; totalPoints: number } | undefined;
  return (
    <section className="hs-panel" data-testid="recent-predictions">
      <h3>Predictions</h3>
      <ul style={{ margin: 0, paddingLeft: 18 }}>
        {latest.map((p) => (
          <li key={p.id}>
            <strong>{p.modelName}</strong> v{p.modelVersion}:{' '}
            {p.probability != null
              ? `${(p.probability * 100).toFixed(1)}%${p.ci ? ` (${(p.ci[0] * 100).toFixed(1)}–${(p.ci[1] * 100).toFixed(1)}%)` : ''}`
              : p.survival
                ? `median ${p.survival.medianMonths != null ? `${p.survival.medianMonths.toFixed(1)} mo` : 'not reached'}`
                : '—'}
            {p.riskGroup ? ` · ${p.riskGroup} risk` : ''} <span className="hs-muted hs-small">{p.createdAt.slice(0, 10)}</span>
          </li>
        ))}
      </ul>
      {first && nomo?.points?.length ? (
        <NomogramChart title={`Nomogram — ${first.modelName}`} points={nomo.points} totalPoints={nomo.totalPoints} probability={first.probability ?? undefined} ci={first.ci} width={420} noExport />
      ) : null}
    </section>
  );
}
