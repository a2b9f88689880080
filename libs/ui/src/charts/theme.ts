/** Colours shared by every chart; inline so an exported SVG looks the same outside the portal. */
export const chartTheme = {
  background: '#0f1720',
  grid: '#243240',
  axis: '#8aa0b4',
  text: '#d5e1ec',
  muted: '#7f93a6',
  font: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  series: ['#4cc3ff', '#ff8a4c', '#7ee081', '#e86bd8', '#ffd84c', '#a58bff', '#ff5c7a', '#4cffd6'],
  reference: '#6b7d8f',
} as const;

/** Distinct colour for series `i` (cycles). */
export function seriesColour(i: number): string {
  const s = chartTheme.series;
  return s[((i % s.length) + s.length) % s.length];
}
