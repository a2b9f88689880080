'use client';
import { KmChart, type KmCurve, type SurvivalPoint } from '@hepatoscope/ui';
import { fmtP } from '../lab/format';

/** One risk group's Kaplan–Meier curve as the API stores it (models.validate, lab.trainSurvival, lab os/rfs outcomes). */
export interface KmGroupView {
  group: string;
  n: number;
  events?: number;
  median: number | null;
  curve: { t: number; s: number; lo: number | null; hi: number | null }[];
}

/** Survival metrics that carry KM curves by risk group. */
export interface RiskGroupMetrics {
  kmByRiskGroup: KmGroupView[];
  logRank?: { chisq: number; df: number; p: number } | null;
  cIndex?: number;
  outcome?: string;
  n?: number;
  cohort?: { id: string; name: string; split?: string } | null;
}

const GROUP_COLOUR: Record<string, string> = { low: '#7ee081', intermediate: '#ffd84c', high: '#ff5c7a' };

/** True when `m` holds KM curves by risk group (at least one non-empty group). */
export function hasRiskGroups(m: unknown): m is RiskGroupMetrics {
  const g = (m as RiskGroupMetrics | null)?.kmByRiskGroup;
  return Array.isArray(g) && g.some((x) => Array.isArray(x?.curve) && x.curve.length > 0);
}

/**
 * Kaplan–Meier curves of a model's risk groups (coloured low → high, n in the legend, 95 % CI bands) with an optional
 * patient curve overlaid (dashed, with its CI band), and the log-rank p printed inside the chart.
 */
export function RiskGroupKm({
  metrics,
  patient,
  title = 'Kaplan–Meier by risk group',
  width = 520,
  height = 360,
}: {
  metrics: RiskGroupMetrics;
  patient?: { label: string; curve: SurvivalPoint[] } | null;
  title?: string;
  width?: number;
  height?: number;
}) {
  const curves: KmCurve[] = metrics.kmByRiskGroup
    .filter((g) => g.curve.length > 0)
    .map((g) => ({ label: `${g.group} (n=${g.n})`, points: g.curve, colour: GROUP_COLOUR[g.group] }));
  if (patient && patient.curve.length) curves.push({ label: patient.label, points: patient.curve, dashed: true, colour: '#4cc3ff' });
  const notes = [
    metrics.logRank ? `log-rank χ²=${metrics.logRank.chisq.toFixed(2)}, df=${metrics.logRank.df}, p ${metrics.logRank.p < 0.001 ? '' : '= '}${fmtP(metrics.logRank.p)}` : null,
    typeof metrics.cIndex === 'number' ? `C-index ${metrics.cIndex.toFixed(3)}` : null,
  ].filter(Boolean);
  return (
    <div data-testid="km-risk-groups">
      <KmChart title={title} curves={curves} width={width} height={height} note={notes.join(' · ') || undefined} />
    </div>
  );
}
