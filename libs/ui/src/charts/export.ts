/**
 * Exports an SVG element as a standalone .svg file or a rasterised .png (browser only).
 */

/** Serialises an SVG element with the xmlns attributes a standalone file needs. */
export function serialiseSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

function download(href: string, filename: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Downloads the chart as `filename` (.svg). */
export function exportSvg(svg: SVGSVGElement, filename: string): void {
  const blob = new Blob([serialiseSvg(svg)], { type: 'image/svg+xml' });
  const url = URL.createObjectURL(blob);
  download(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Rasterises the chart at `scale`× its viewBox size and downloads it as `filename` (.png). */
export async function exportPng(svg: SVGSVGElement, filename: string, scale = 2): Promise<void> {
  const vb = svg.viewBox.baseVal;
  const width = (vb && vb.width) || svg.clientWidth || 600;
  const height = (vb && vb.height) || svg.clientHeight || 400;
  const img = new Image();
  const src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(serialiseSvg(svg));
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('exportPng: the SVG could not be rasterised'));
    img.src = src;
  });
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('exportPng: no 2D canvas context');
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  download(canvas.toDataURL('image/png'), filename);
}
