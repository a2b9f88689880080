'use client';
import { Axes } from './Axes';
import { ChartFrame } from './ChartFrame';
import { bandPath, fitLabel, linearScale, niceTicks, stepPath, textWidth } from './geometry';
import { chartTheme, seriesColour } from './theme';

export interface SurvivalPoint {
  t: number;
  s: number;
  lo?: number | null;
  hi?: number | null;
}

export interface KmCurve {
  label: string;
  points: readonly SurvivalPoint[];
  /** Draw dashed (e.g. the patient's predicted curve over the group KM curves). */
  dashed?: boolean;
  colour?: string;
}

export interface KmChartProps {
  curves: readonly KmCurve[];
  title?: string;
  xLabel?: string;
  width?: number;
  height?: number;
  noExport?: boolean;
  /** One line printed under the plot inside the SVG (so it is exported too), e.g. the log-rank p. */
  note?: string;
}

const M = { left: 52, right: 16, top: 34, bottom: 44 };

/**
 * Kaplan–Meier / predicted survival step curves with optional CI bands (step-shaped). Starts every curve at S(0)=1.
 * The legend sits inside the plot's top-right corner (where survival curves rarely are) on a translucent panel.
 */
export function KmChart({ curves, title = 'Survival', xLabel = 'Months', width = 480, height = 360, noExport, note }: KmChartProps) {
  const tMax = Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.t)));
  const x = linearScale([0, tMax], [M.left, width - M.right]);
  const bottom = note ? M.bottom + 14 : M.bottom;
  const y = linearScale([0, 1], [height - bottom, M.top]);
  const labels = curves.map((c) => ({ ...fitLabel(c.label, Math.min(170, width * 0.45), 10), full: c.label }));
  const legendW = 30 + Math.max(0, ...labels.map((l) => textWidth(l.text, 10)));
  const legendX = width - M.right - legendW - 4;
  return (
    <ChartFrame title={title} width={width} height={height} noExport={noExport} testId="km-chart">
      <Axes x={x} y={y} xLabel={xLabel} yLabel="Survival probability" xTicks={niceTicks(0, tMax, 6)} digits={1} />
      {curves.map((c, i) => {
        const colour = c.colour ?? seriesColour(i);
        const pts = [...c.points].sort((a, b) => a.t - b.t);
        if (pts.length === 0 || pts[0].t > 0) pts.unshift({ t: 0, s: 1, lo: 1, hi: 1 });
        const line = pts.map((p) => ({ x: x(p.t), y: y(p.s) }));
        const hasBand = pts.some((p) => p.lo != null && p.hi != null);
        return (
          <g key={c.label} data-role="km-curve" data-label={c.label} data-dashed={c.dashed ? 'true' : undefined}>
            {hasBand && (
              <path
                d={bandPath(
                  pts.map((p) => ({ x: x(p.t), lo: y(p.lo ?? p.s), hi: y(p.hi ?? p.s) })),
                  true,
                )}
                fill={colour}
                fillOpacity={c.dashed ? 0.22 : 0.12}
              />
            )}
            <path d={stepPath(line)} fill="none" stroke={colour} strokeWidth={c.dashed ? 2.5 : 2} strokeDasharray={c.dashed ? '6 4' : undefined} />
          </g>
        );
      })}
      {curves.length > 0 && (
        <g data-role="km-legend" transform={`translate(${legendX},${M.top + 4})`}>
          <rect x={0} y={0} width={legendW} height={8 + curves.length * 15} rx={3} fill={chartTheme.background} fillOpacity={0.8} stroke={chartTheme.grid} />
          {curves.map((c, i) => {
            const colour = c.colour ?? seriesColour(i);
            return (
              <g key={c.label} transform={`translate(6,${12 + i * 15})`}>
                <line x1={0} x2={16} y1={0} y2={0} stroke={colour} strokeWidth={2} strokeDasharray={c.dashed ? '4 3' : undefined} />
                <text x={20} y={4} fill={colour} fontSize={10}>
                  {labels[i].truncated && <title>{labels[i].full}</title>}
                  {labels[i].text}
                </text>
              </g>
            );
          })}
        </g>
      )}
      {note && (
        <text x={M.left} y={height - 8} fill={chartTheme.muted} fontSize={10} data-role="km-note">
          {note}
        </text>
      )}
    </ChartFrame>
  );
}
