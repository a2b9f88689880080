'use client';
import { Axes } from './Axes';
import { ChartFrame } from './ChartFrame';
import { linearScale, linePath, type DecisionPoint } from './geometry';
import { chartTheme, seriesColour } from './theme';

export interface DecisionCurveChartProps {
  points: readonly DecisionPoint[];
  title?: string;
  width?: number;
  height?: number;
  noExport?: boolean;
}

const M = { left: 56, right: 16, top: 34, bottom: 44 };

/** Decision curve: net benefit of the model, treat-all and treat-none across threshold probabilities. */
export function DecisionCurveChart({ points, title = 'Decision curve', width = 420, height = 360, noExport }: DecisionCurveChartProps) {
  const prevalence = points.length ? Math.max(...points.map((p) => p.treatAll), ...points.map((p) => p.model), 0.05) : 0.5;
  const yMax = Math.max(0.05, prevalence) * 1.1;
  const yMin = -yMax * 0.25;
  const tMax = points.length ? Math.max(...points.map((p) => p.threshold)) : 1;
  const x = linearScale([0, tMax], [M.left, width - M.right]);
  const y = linearScale([yMin, yMax], [height - M.bottom, M.top]);
  const clip = (v: number) => Math.max(yMin, Math.min(yMax, v));
  return (
    <ChartFrame title={title} width={width} height={height} noExport={noExport} testId="decision-curve">
      <Axes x={x} y={y} xLabel="Threshold probability" yLabel="Net benefit" />
      <line x1={x(0)} x2={x(tMax)} y1={y(0)} y2={y(0)} stroke={chartTheme.muted} strokeWidth={1.5} />
      <path d={linePath(points.map((p) => ({ x: x(p.threshold), y: y(clip(p.treatAll)) })))} fill="none" stroke={chartTheme.reference} strokeDasharray="5 3" strokeWidth={1.5} />
      <path d={linePath(points.map((p) => ({ x: x(p.threshold), y: y(clip(p.model)) })))} fill="none" stroke={seriesColour(0)} strokeWidth={2} />
      <g fontSize={10} transform={`translate(${width - M.right - 110},${M.top + 6})`}>
        <text fill={seriesColour(0)}>— model</text>
        <text y={14} fill={chartTheme.reference}>- - treat all</text>
        <text y={28} fill={chartTheme.muted}>— treat none</text>
      </g>
    </ChartFrame>
  );
}
