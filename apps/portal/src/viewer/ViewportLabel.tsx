/**
 * The text laid over a viewport box: "n · phase" top left, the SYNTHETIC badge top right (phantom data) and an info
 * line bottom right (overlay source, dims, loading state). One markup for the viewer's placeholder and the viewer.
 */
import type { ReactNode } from 'react';
import { Badge } from '@hepatoscope/ui';
import { phaseLabel } from '../lib/contract';

export interface ViewportLabelProps {
  /** 0-based position of the viewport (shown 1-based, the key that focuses it). */
  index: number;
  phase: string;
  synthetic?: boolean;
  /** The bottom-right line. */
  info: ReactNode;
}

export function ViewportLabel({ index, phase, synthetic, info }: ViewportLabelProps) {
  return (
    <>
      <div className="hs-vp-label">
        {index + 1} · {phaseLabel(phase)}
      </div>
      {synthetic && (
        <span className="hs-synthetic">
          <Badge tone="warn" title="Generated phantom data, not a real patient">
            SYNTHETIC
          </Badge>
        </span>
      )}
      <div className="hs-vp-info">{info}</div>
    </>
  );
}
