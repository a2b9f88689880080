'use client';
import { Axes } from './Axes';
import { ChartFrame } from './ChartFrame';
import { bandPath, linearScale, niceTicks, stepCorners, stepPath } from './geometry';
import { seriesColour } from './theme';

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
}

const M = { left: 52, right: 16, top: 34, bottom: 44 };

/** Kaplan–Meier / predicted survival step curves with optional CI bands (step-shaped). Starts every curve at S(0)=1. */
export function KmChart({ curves, title = 'Survival', xLabel = 'Months', width = 480, height = 360, noExport }: KmChartProps) {
  const tMax = Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.t)));
  const x = linearScale([0, tMax], [M.left, width - M.right - 110]);
  const y = linearScale([0, 1], [height - M.bottom, M.top]);
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
          <g key={c.label} data-role="km-curve">
            {hasBand && (
              <path
                d={bandPath(
                  stepCorners(pts.map((p) => ({ x: x(p.t), y: y(p.hi ?? p.s) }))),
                  stepCorners(pts.map((p) => ({ x: x(p.t), y: y(p.lo ?? p.s) }))),
                )}
                fill={colour}
                fillOpacity={0.14}
              />
            )}
            <path d={stepPath(line)} fill="none" stroke={colour} strokeWidth={2} strokeDasharray={c.dashed ? '6 4' : undefined} />
            <g transform={`translate(${width - M.right - 100},${M.top + 8 + i * 16})`}>
              <line x1={0} x2={16} y1={0} y2={0} stroke={colour} strokeWidth={2} strokeDasharray={c.dashed ? '4 3' : undefined} />
              <text x={20} y={4} fill={colour} fontSize={10}>
                {c.label}
              </text>
            </g>
          </g>
        );
      })}
    </ChartFrame>
  );
}
