'use client';
import { Axes } from './Axes';
import { ChartFrame } from './ChartFrame';
import { bandPath, fitLabel, linearScale, linePath, normaliseRoc, type RocPoint } from './geometry';
import { chartTheme, seriesColour } from './theme';

export interface RocCurve {
  label: string;
  roc: readonly RocPoint[];
  auc?: number;
  aucCi?: readonly [number, number] | readonly number[];
  /** Pointwise TPR band (e.g. from {@link rocTprBand}). */
  band?: readonly { fpr: number; lo: number; hi: number }[];
}

export interface RocChartProps {
  curves: readonly RocCurve[];
  title?: string;
  width?: number;
  height?: number;
  noExport?: boolean;
}

const M = { left: 52, right: 16, top: 34, bottom: 44 };

/** ROC curve(s) with optional CI band, chance diagonal and an AUC (95 % CI) legend. */
export function RocChart({ curves, title = 'ROC curve', width = 420, height = 400, noExport }: RocChartProps) {
  const x = linearScale([0, 1], [M.left, width - M.right]);
  const y = linearScale([0, 1], [height - M.bottom, M.top]);
  return (
    <ChartFrame title={title} width={width} height={height} noExport={noExport} testId="roc-chart">
      <Axes x={x} y={y} xLabel="1 − specificity (FPR)" yLabel="Sensitivity (TPR)" />
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke={chartTheme.reference} strokeDasharray="4 4" />
      {curves.map((c, i) => {
        const colour = seriesColour(i);
        const pts = normaliseRoc(c.roc);
        return (
          <g key={c.label}>
            {c.band && c.band.length > 0 && (
              <path
                d={bandPath(c.band.map((b) => ({ x: x(b.fpr), lo: y(b.lo), hi: y(b.hi) })))}
                fill={colour}
                fillOpacity={0.18}
                stroke="none"
                data-role="roc-band"
              />
            )}
            <path
              d={linePath(pts.map((p) => ({ x: x(p.fpr), y: y(p.tpr) })))}
              fill="none"
              stroke={colour}
              strokeWidth={2}
              data-role="roc-line"
            />
          </g>
        );
      })}
      <g fontSize={11}>
        {curves.map((c, i) => {
          const full = `${c.label}${c.auc !== undefined ? ` AUC ${c.auc.toFixed(3)}` : ''}${c.aucCi ? ` (${Number(c.aucCi[0]).toFixed(3)}–${Number(c.aucCi[1]).toFixed(3)})` : ''}`;
          const fit = fitLabel(full, width - M.left - M.right - 16, 11);
          return (
            <text key={c.label} x={x(0.98)} y={y(0.05) - (curves.length - 1 - i) * 16 - (curves.some((k) => k.band) ? 14 : 0)} textAnchor="end" fill={seriesColour(i)} data-role="roc-legend">
              {fit.truncated && <title>{full}</title>}
              {fit.text}
            </text>
          );
        })}
        {curves.some((k) => k.band) && (
          <text x={x(0.98)} y={y(0.05)} textAnchor="end" fill={chartTheme.muted} fontSize={9}>
            shaded: pointwise 95% CI of sensitivity
          </text>
        )}
      </g>
    </ChartFrame>
  );
}
