'use client';
import { RiskGroupKm, type RiskGroupMetrics } from '../components/RiskGroupKm';
import { fmtP, fmtRatio } from './format';

/** What lab.trainSurvival returns as metrics (Cox PH). */
export interface SurvivalTrainMetrics extends RiskGroupMetrics {
  kind: 'survival';
  outcome: string;
  n: number;
  events?: number;
  excluded: number;
  cvFolds?: number;
  cIndex: number;
  /** Hazard ratios (lab fits; a cohort validation has none). */
  coefficients?: { name: string; hr: number; lower: number; upper: number; p: number }[];
  warnings?: string[];
}

/** True when `m` looks like Cox lab metrics. */
export function isSurvivalMetrics(m: unknown): m is SurvivalTrainMetrics {
  const x = m as SurvivalTrainMetrics | null;
  return !!x && x.kind === 'survival' && typeof x.cIndex === 'number' && Array.isArray(x.kmByRiskGroup);
}

/** Cox lab result: cross-validated C-index, hazard ratios with 95 % CI, KM by out-of-fold risk tertile. */
export function SurvivalMetricsView({ metrics, title }: { metrics: SurvivalTrainMetrics; title?: string }) {
  return (
    <div className="hs-stack" data-testid="survival-metrics">
      <dl className="hs-kv">
        <dt>C-index{metrics.cvFolds ? ' (cross-validated)' : ''}</dt>
        <dd data-testid="metric-cindex">{metrics.cIndex.toFixed(3)}</dd>
        <dt>Patients</dt>
        <dd>
          {metrics.n}
          {typeof metrics.events === 'number' ? ` (${metrics.events} events)` : ''}
          {metrics.excluded ? `; ${metrics.excluded} excluded for missing values` : ''}
        </dd>
        {metrics.logRank && (
          <>
            <dt>Log-rank across tertiles</dt>
            <dd>
              χ² {metrics.logRank.chisq.toFixed(2)} on {metrics.logRank.df} df, p {fmtP(metrics.logRank.p)}
            </dd>
          </>
        )}
        {Array.isArray(metrics.warnings) && metrics.warnings.length > 0 && (
          <>
            <dt>Warnings</dt>
            <dd>{metrics.warnings.join('; ')}</dd>
          </>
        )}
      </dl>
      {metrics.coefficients && metrics.coefficients.length > 0 && (
        <table style={{ maxWidth: 560 }} data-testid="hazard-ratios">
          <thead>
            <tr>
              <th>Predictor</th>
              <th className="num">HR</th>
              <th className="num">95% CI</th>
              <th className="num">p</th>
            </tr>
          </thead>
          <tbody>
            {metrics.coefficients.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td className="num">{fmtRatio(c.hr)}</td>
                <td className="num">
                  {fmtRatio(c.lower)}–{fmtRatio(c.upper)}
                </td>
                <td className="num">{fmtP(c.p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <RiskGroupKm
        title={title ? `KM by risk group — ${title}` : 'KM by cross-validated risk group'}
        metrics={metrics}
      />
    </div>
  );
}
