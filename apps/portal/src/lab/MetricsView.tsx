'use client';
import { useMemo } from 'react';
import {
  CalibrationChart,
  countsFromCalibration,
  DecisionCurveChart,
  decisionCurveFromRoc,
  linspace,
  RocChart,
  rocTprBand,
} from '@hepatoscope/ui';
import type { TrainResult } from '../lib/contract';
import { hasRiskGroups, RiskGroupKm } from '../components/RiskGroupKm';

/**
 * ROC with a pointwise CI band, calibration, the decision curve derived from the ROC operating points, and — for
 * time-to-event outcomes (os…/rfs…) — Kaplan–Meier curves of the full follow-up by out-of-fold risk tertile.
 */
export function MetricsView({ metrics, title }: { metrics: TrainResult['metrics']; title?: string }) {
  const derived = useMemo(() => {
    const counts = countsFromCalibration(metrics.calibration);
    const events = metrics.events ?? counts.events;
    const total = metrics.n ?? counts.total;
    const band = events > 0 ? rocTprBand(metrics.roc, events) : undefined;
    const prevalence = total > 0 ? events / total : 0;
    const dca = total > 0 ? decisionCurveFromRoc(metrics.roc, prevalence, linspace(0.01, 0.8, 80)) : [];
    return { band, dca, events, total };
  }, [metrics]);
  const survival = (metrics as { survival?: unknown }).survival as (Parameters<typeof RiskGroupKm>[0]['metrics'] & { outcome?: string }) | undefined;
  return (
    <div className="hs-stack" data-testid="metrics-view">
      <dl className="hs-kv">
        <dt>AUC (cross-validated)</dt>
        <dd data-testid="metric-auc">
          {metrics.auc.toFixed(3)} (95% CI {metrics.aucCi[0].toFixed(3)}–{metrics.aucCi[1].toFixed(3)}, DeLong)
        </dd>
        <dt>Brier score</dt>
        <dd>{metrics.brier.toFixed(4)}</dd>
        <dt>Patients</dt>
        <dd>
          {derived.total} ({derived.events} events){metrics.excluded ? `; ${metrics.excluded} excluded for missing values` : ''}
        </dd>
        {Array.isArray(metrics.warnings) && metrics.warnings.length > 0 && (
          <>
            <dt>Warnings</dt>
            <dd>{(metrics.warnings as unknown[]).map(String).join('; ')}</dd>
          </>
        )}
      </dl>
      <div className="hs-grid-2">
        <RocChart title={title ? `ROC — ${title}` : 'ROC curve'} curves={[{ label: 'CV', roc: metrics.roc, auc: metrics.auc, aucCi: metrics.aucCi, band: derived.band }]} />
        <CalibrationChart bins={metrics.calibration} brier={metrics.brier} />
        {derived.dca.length > 0 && <DecisionCurveChart points={derived.dca} />}
        {hasRiskGroups(survival) && (
          <RiskGroupKm title={`KM by cross-validated risk tertile (${survival.outcome === 'rfs' ? 'RFS' : 'OS'})`} metrics={survival} width={420} />
        )}
      </div>
    </div>
  );
}

/** True when `m` looks like lab metrics (the shape lab.train returns and models keep as validationMetrics). */
export function isTrainMetrics(m: unknown): m is TrainResult['metrics'] {
  const x = m as TrainResult['metrics'] | null;
  return !!x && typeof x.auc === 'number' && Array.isArray(x.roc) && Array.isArray(x.calibration) && Array.isArray(x.aucCi);
}
