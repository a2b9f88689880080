'use client';
/**
 * The middle axial slice of a series, drawn on a plain 2D canvas (no cornerstone, no WebGL) as soon as its bytes
 * are downloaded and inflated (`seriesLoad(path).preview`): the first image of a case appears before the viewer's
 * code, cornerstone and the full volume are there. Laid over the viewport box; the viewer removes it once the
 * phase's volume is rendered. Geometry: axial view as cornerstone shows it (screen right = patient left, anterior
 * up), fitted to the box with the pixel spacing's aspect ratio, window = the viewer's initial preset.
 */
import { useEffect, useRef } from 'react';
import { seriesLoad, windowPixels, type PreviewSlice } from './nifti';
import { voiRange, WINDOW_PRESETS } from './presets';
import { firstImage, mark } from './timing';

/** Draws `p` into `canvas` (sized to its box × devicePixelRatio), contain-fitted and centred on black. */
export function drawPreview(canvas: HTMLCanvasElement, p: PreviewSlice, voi: { lower: number; upper: number }): boolean {
  const dpr = window.devicePixelRatio || 1;
  const cw = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const ch = Math.max(1, Math.round(canvas.clientHeight * dpr));
  canvas.width = cw;
  canvas.height = ch;
  const ctx = canvas.getContext('2d');
  if (!ctx) return false;
  const src = document.createElement('canvas');
  src.width = p.width;
  src.height = p.height;
  const sctx = src.getContext('2d');
  if (!sctx) return false;
  sctx.putImageData(new ImageData(windowPixels(p, voi) as Uint8ClampedArray<ArrayBuffer>, p.width, p.height), 0, 0);
  const physW = p.width * p.spacing[0];
  const physH = p.height * p.spacing[1];
  const scale = Math.min(cw / physW, ch / physH);
  const dw = physW * scale;
  const dh = physH * scale;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, cw, ch);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(src, (cw - dw) / 2, (ch - dh) / 2, dw, dh);
  return true;
}

export function SlicePreview({ path, phase, preset = 'abdomen' }: { path: string; phase: string; preset?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let live = true;
    const p = WINDOW_PRESETS.find((x) => x.id === preset) ?? WINDOW_PRESETS[0];
    seriesLoad(path)
      .preview.then((slice) => {
        if (!live || !slice || !ref.current) return;
        if (drawPreview(ref.current, slice, voiRange(p))) {
          ref.current.dataset.drawn = 'true';
          mark(`${phase}:preview`);
          firstImage('preview');
        }
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [path, phase, preset]);
  return (
    <canvas
      ref={ref}
      aria-hidden
      data-testid="viewer-preview"
      style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', zIndex: 1, pointerEvents: 'none', background: 'transparent' }}
    />
  );
}
