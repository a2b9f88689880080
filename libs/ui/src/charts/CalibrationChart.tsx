'use client';
import { Axes } from './Axes';
import { ChartFrame } from './ChartFrame';
import { linearScale, linePath, wilsonInterval, type CalibrationBin } from './geometry';
import { chartTheme, seriesColour } from './theme';

export interface CalibrationChartProps {
  bins: readonly CalibrationBin[];
  title?: string;
  width?: number;
  height?: number;
  brier?: number;
  noExport?: boolean;
}

const M = { left: 52, right: 16, top: 34, bottom: 44 };

/**
 * Calibration plot: observed event rate against mean predicted probability per bin, with Wilson 95 % error bars
 * (bin size n), marker area ∝ n, and the ideal diagonal.
 */
export function CalibrationChart({ bins, title = 'Calibration', width = 420, height = 400, brier, noExport }: CalibrationChartProps) {
  const x = linearScale([0, 1], [M.left, width - M.right]);
  const y = linearScale([0, 1], [height - M.bottom, M.top]);
  const maxN = Math.max(1, ...bins.map((b) => b.n));
  const sorted = [...bins].sort((a, b) => a.predicted - b.predicted);
  const colour = seriesColour(0);
  return (
    <ChartFrame title={title} width={width} height={height} noExport={noExport} testId="calibration-chart">
      <Axes x={x} y={y} xLabel="Predicted probability" yLabel="Observed proportion" />
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke={chartTheme.reference} strokeDasharray="4 4" />
      <path d={linePath(sorted.map((b) => ({ x: x(b.predicted), y: y(b.observed) })))} fill="none" stroke={colour} strokeWidth={1.5} />
      {sorted.map((b, i) => {
        const [lo, hi] = wilsonInterval(b.observed, b.n);
        return (
          <g key={i} data-role="calibration-bin">
            <line x1={x(b.predicted)} x2={x(b.predicted)} y1={y(lo)} y2={y(hi)} stroke={colour} strokeOpacity={0.6} />
            <circle cx={x(b.predicted)} cy={y(b.observed)} r={3 + 5 * Math.sqrt(b.n / maxN)} fill={colour} fillOpacity={0.8}>
              <title>{`predicted ${b.predicted.toFixed(3)}, observed ${b.observed.toFixed(3)}, n = ${b.n}`}</title>
            </circle>
          </g>
        );
      })}
      {brier !== undefined && (
        <text x={x(0.02)} y={y(0.95)} fill={chartTheme.text} fontSize={11}>
          Brier {brier.toFixed(3)}
        </text>
      )}
    </ChartFrame>
  );
}
