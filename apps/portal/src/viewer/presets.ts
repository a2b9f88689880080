/** Window presets (width/level in HU) and their keyboard shortcuts. */
export interface WindowPreset {
  id: string;
  label: string;
  width: number;
  level: number;
  key: string;
}

export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'liver', label: 'Liver', width: 150, level: 70, key: 'l' },
  { id: 'abdomen', label: 'Abdomen', width: 400, level: 50, key: 'a' },
  { id: 'bone', label: 'Bone', width: 1800, level: 400, key: 'n' },
];

/** VOI range [lower, upper] = level ∓ width/2. */
export function voiRange(p: { width: number; level: number }): { lower: number; upper: number } {
  return { lower: p.level - p.width / 2, upper: p.level + p.width / 2 };
}

/** Overlay colours: index 0 transparent, 1 = liver (translucent green), 2.. = lesions (distinct, opaque-ish). */
export const LESION_COLOURS: readonly [number, number, number][] = [
  [255, 92, 122],
  [255, 196, 76],
  [76, 195, 255],
  [232, 107, 216],
  [126, 224, 129],
  [165, 139, 255],
  [255, 138, 76],
  [76, 255, 214],
];
export const LIVER_COLOUR: [number, number, number, number] = [88, 214, 141, 60];

/** CSS colour of lesion label `label` (1-based) — matches the overlay. */
export function lesionCss(label: number): string {
  const c = LESION_COLOURS[(Math.max(1, label) - 1) % LESION_COLOURS.length];
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
