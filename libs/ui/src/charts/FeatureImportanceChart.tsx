'use client';
import { ChartFrame } from './ChartFrame';
import { fitLabel, linearScale } from './geometry';
import { chartTheme, seriesColour } from './theme';

export interface FeatureImportanceChartProps {
  /** Feature name → importance (e.g. standardised coefficient); bars sorted by |value|. */
  values: readonly { feature: string; value: number }[];
  title?: string;
  width?: number;
  noExport?: boolean;
}

/** Horizontal bars of signed importances around a zero line, largest |value| first. */
export function FeatureImportanceChart({ values, title = 'Feature importance', width = 520, noExport }: FeatureImportanceChartProps) {
  const rows = [...values].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const height = 44 + rows.length * 20 + 16;
  const m = Math.max(1e-9, ...rows.map((r) => Math.abs(r.value)));
  const x = linearScale([-m, m], [210, width - 70]);
  return (
    <ChartFrame title={title} width={width} height={height} noExport={noExport} testId="feature-importance">
      <line x1={x(0)} x2={x(0)} y1={34} y2={height - 10} stroke={chartTheme.axis} />
      {rows.map((r, i) => {
        const yy = 40 + i * 20;
        return (
          <g key={r.feature} data-role="importance-bar">
            <FeatureLabel text={r.feature} y={yy + 11} />
            <rect x={Math.min(x(0), x(r.value))} y={yy + 2} width={Math.abs(x(r.value) - x(0))} height={12} fill={seriesColour(r.value >= 0 ? 0 : 1)} />
            <text x={width - 8} y={yy + 12} fontSize={9} textAnchor="end" fill={chartTheme.muted}>
              {r.value.toFixed(3)}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** Feature name right-aligned before the zero line, cut to 190 px with the full name in a tooltip. */
function FeatureLabel({ text, y }: { text: string; y: number }) {
  const fit = fitLabel(text, 190, 10);
  return (
    <text x={202} y={y} fontSize={10} textAnchor="end" fill={chartTheme.text}>
      {fit.truncated && <title>{text}</title>}
      {fit.text}
    </text>
  );
}
