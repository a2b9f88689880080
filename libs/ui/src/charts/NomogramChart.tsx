'use client';
import { ChartFrame } from './ChartFrame';
import { fitLabel, formatTick, linearScale, niceTicks } from './geometry';
import { chartTheme, seriesColour } from './theme';

export interface NomogramRow {
  predictor: string;
  value: number | string;
  points: number;
}

export interface NomogramChartProps {
  points: readonly NomogramRow[];
  totalPoints: number;
  /** Predicted probability (shown under the total-points row). */
  probability?: number;
  ci?: readonly number[] | null;
  /** Upper end of each predictor's points axis (conventionally 100). */
  maxPoints?: number;
  title?: string;
  width?: number;
  noExport?: boolean;
}

const ROW = 34;

/**
 * Nomogram graphic for one patient: a points axis per predictor with the patient's points marked and a
 * total-points axis; the probability and its CI are printed under it.
 */
export function NomogramChart({ points, totalPoints, probability, ci, maxPoints, title = 'Nomogram', width = 560, noExport }: NomogramChartProps) {
  const LEFT = Math.round(Math.min(170, width * 0.3));
  // predictor names and values live left of the axes: cut to the column, full text in a tooltip
  const labelWidth = LEFT - 12 - 10;
  const maxRow = maxPoints ?? Math.max(100, ...points.map((p) => Math.ceil(p.points / 10) * 10));
  const height = 48 + ROW * (points.length + 2) + (probability !== undefined ? 20 : 0);
  const px = linearScale([0, maxRow], [LEFT, width - 24]);
  const totalMax = Math.max(maxRow, Math.ceil(totalPoints / 50) * 50 || 50, points.length * 20);
  const pt = linearScale([0, totalMax], [LEFT, width - 24]);
  const rowTicks = niceTicks(0, maxRow, 10);
  const totalTicks = niceTicks(0, totalMax, 8);
  const axis = (yy: number, scale: (v: number) => number, ticks: number[]) => (
    <g>
      <line x1={scale(ticks[0])} x2={scale(ticks[ticks.length - 1])} y1={yy} y2={yy} stroke={chartTheme.axis} />
      {ticks.map((t) => (
        <g key={t}>
          <line x1={scale(t)} x2={scale(t)} y1={yy} y2={yy - 4} stroke={chartTheme.axis} />
          <text x={scale(t)} y={yy + 11} fontSize={8} textAnchor="middle" fill={chartTheme.muted}>
            {formatTick(t, 0)}
          </text>
        </g>
      ))}
    </g>
  );
  return (
    <ChartFrame title={title} width={width} height={height} noExport={noExport} testId="nomogram">
      <text x={12} y={44} fontSize={11} fill={chartTheme.text}>Points</text>
      {axis(44, px, rowTicks)}
      {points.map((row, i) => {
        const yy = 44 + ROW * (i + 1);
        return (
          <g key={row.predictor} data-role="nomogram-row">
            <FittedText x={12} y={yy - 2} fontSize={11} fill={chartTheme.text} maxWidth={labelWidth} text={row.predictor} role="nomogram-label" />
            <FittedText
              x={12}
              y={yy + 11}
              fontSize={9}
              fill={chartTheme.muted}
              maxWidth={labelWidth}
              text={`= ${typeof row.value === 'number' ? formatTick(row.value, 2) : row.value}`}
            />
            {axis(yy, px, rowTicks)}
            <line x1={px(0)} x2={px(row.points)} y1={yy - 2} y2={yy - 2} stroke={seriesColour(i)} strokeWidth={4} strokeOpacity={0.5} />
            <circle cx={px(row.points)} cy={yy - 2} r={5} fill={seriesColour(i)}>
              <title>{`${row.predictor}: ${row.points.toFixed(1)} points`}</title>
            </circle>
            <text
              x={px(row.points) > width - 60 ? px(row.points) - 8 : px(row.points) + 8}
              textAnchor={px(row.points) > width - 60 ? 'end' : 'start'}
              y={yy - 6}
              fontSize={9}
              fill={seriesColour(i)}
            >
              {row.points.toFixed(1)}
            </text>
          </g>
        );
      })}
      {(() => {
        const yy = 44 + ROW * (points.length + 1);
        return (
          <g>
            <text x={12} y={yy - 2} fontSize={11} fontWeight={600} fill={chartTheme.text}>
              Total points
            </text>
            {axis(yy, pt, totalTicks)}
            <path d={`M${pt(totalPoints)},${yy - 2} l-6,-10 h12 z`} fill="#ffffff" data-role="nomogram-total" />
            <text x={pt(totalPoints)} y={yy - 15} fontSize={10} textAnchor="middle" fill="#ffffff">
              {totalPoints.toFixed(1)}
            </text>
            {probability !== undefined && (
              <text x={12} y={yy + 28} fontSize={12} fill={chartTheme.text}>
                Predicted probability {(probability * 100).toFixed(1)}%
                {ci && ci.length === 2 ? ` (95% CI ${(ci[0] * 100).toFixed(1)}–${(ci[1] * 100).toFixed(1)}%)` : ''}
              </text>
            )}
          </g>
        );
      })()}
    </ChartFrame>
  );
}

/** SVG text cut with an ellipsis to `maxWidth` px ({@link fitLabel}); the full text stays in a `<title>` tooltip. */
function FittedText(props: { x: number; y: number; fontSize: number; fill: string; maxWidth: number; text: string; role?: string }) {
  const fit = fitLabel(props.text, props.maxWidth, props.fontSize);
  return (
    <text x={props.x} y={props.y} fontSize={props.fontSize} fill={props.fill} data-role={props.role} data-full={fit.truncated ? props.text : undefined}>
      {fit.truncated && <title>{props.text}</title>}
      {fit.text}
    </text>
  );
}
