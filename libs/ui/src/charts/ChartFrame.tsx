'use client';
import { useRef, type ReactNode } from 'react';
import { exportPng, exportSvg } from './export';
import { chartTheme } from './theme';
import { fitLabel } from './geometry';

export interface ChartFrameProps {
  /** Title drawn inside the SVG (so it is part of the export) and used for the file name. */
  title: string;
  width: number;
  height: number;
  children: ReactNode;
  /** Hide the SVG/PNG buttons (e.g. in presentation mode). */
  noExport?: boolean;
  testId?: string;
}

/** Common chart container: a responsive SVG with a background, a title, and SVG/PNG export buttons. */
export function ChartFrame({ title, width, height, children, noExport, testId }: ChartFrameProps) {
  const ref = useRef<SVGSVGElement>(null);
  // bold glyphs run ≈ 8 % wider than the regular widths fitLabel assumes
  const shown = fitLabel(title, (width - 24) / 1.08, 13);
  const file = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
  return (
    <figure className="hs-chart" data-testid={testId} style={{ margin: 0 }}>
      <svg
        ref={ref}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={title}
        style={{ display: 'block', maxWidth: width }}
        fontFamily={chartTheme.font}
      >
        <rect x={0} y={0} width={width} height={height} fill={chartTheme.background} rx={6} />
        <text x={12} y={20} fill={chartTheme.text} fontSize={13} fontWeight={600}>
          {shown.truncated && <title>{title}</title>}
          {shown.text}
        </text>
        {children}
      </svg>
      {!noExport && (
        <figcaption className="hs-chart-export">
          <button type="button" onClick={() => ref.current && exportSvg(ref.current, `${file}.svg`)}>
            SVG
          </button>
          <button type="button" onClick={() => ref.current && void exportPng(ref.current, `${file}.png`)}>
            PNG
          </button>
        </figcaption>
      )}
    </figure>
  );
}
