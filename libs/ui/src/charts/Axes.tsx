import { formatTick, niceTicks, type LinearScale } from './geometry';
import { chartTheme } from './theme';

export interface AxesProps {
  x: LinearScale;
  y: LinearScale;
  xLabel: string;
  yLabel: string;
  xTicks?: number[];
  yTicks?: number[];
  grid?: boolean;
  digits?: number;
}

/** Bottom and left axes with ticks, labels and an optional grid, for scales whose ranges are pixel intervals. */
export function Axes({ x, y, xLabel, yLabel, xTicks, yTicks, grid = true, digits = 2 }: AxesProps) {
  const [xd0, xd1] = x.domain();
  const [yd0, yd1] = y.domain();
  const xt = xTicks ?? niceTicks(xd0, xd1, 5);
  const yt = yTicks ?? niceTicks(yd0, yd1, 5);
  const [x0, x1] = x.range();
  const [y0, y1] = y.range(); // y0 = bottom pixel, y1 = top pixel
  return (
    <g fontSize={10} fill={chartTheme.axis}>
      {grid &&
        yt.map((t) => <line key={`gy${t}`} x1={x0} x2={x1} y1={y(t)} y2={y(t)} stroke={chartTheme.grid} strokeWidth={0.5} />)}
      {grid &&
        xt.map((t) => <line key={`gx${t}`} x1={x(t)} x2={x(t)} y1={y0} y2={y1} stroke={chartTheme.grid} strokeWidth={0.5} />)}
      <line x1={x0} x2={x1} y1={y0} y2={y0} stroke={chartTheme.axis} />
      <line x1={x0} x2={x0} y1={y0} y2={y1} stroke={chartTheme.axis} />
      {xt.map((t) => (
        <text key={`tx${t}`} x={x(t)} y={y0 + 14} textAnchor="middle">
          {formatTick(t, digits)}
        </text>
      ))}
      {yt.map((t) => (
        <text key={`ty${t}`} x={x0 - 6} y={y(t) + 3} textAnchor="end">
          {formatTick(t, digits)}
        </text>
      ))}
      <text x={(x0 + x1) / 2} y={y0 + 30} textAnchor="middle" fill={chartTheme.text} fontSize={11}>
        {xLabel}
      </text>
      <text
        transform={`translate(${x0 - 36},${(y0 + y1) / 2}) rotate(-90)`}
        textAnchor="middle"
        fill={chartTheme.text}
        fontSize={11}
      >
        {yLabel}
      </text>
    </g>
  );
}
