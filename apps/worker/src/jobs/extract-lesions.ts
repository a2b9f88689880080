import type * as Radiomics from '@hepatoscope/radiomics';

/** A lesion whose extraction failed, with the reason. */
export interface LesionFailure {
  label: number;
  component: number;
  voxels: number;
  reason: string;
}

/** Announced before the k-th lesion (0-based) of `total` is extracted. */
export interface LesionStart {
  k: number;
  total: number;
  label: number;
  component: number;
  voxels: number;
}

export interface LesionRows {
  rows: Radiomics.LabelRow[];
  failed: LesionFailure[];
}

type LabelMap = Parameters<typeof Radiomics.lesionsOf>[0];
type LesionOptions = Parameters<typeof Radiomics.lesionsOf>[1];

/**
 * Radiomics of every lesion of a label map, one at a time: yields a {@link LesionStart} before each lesion (so the
 * caller can report progress, or yield its event loop) and returns the rows and the per-lesion failures. A counting
 * pass first (label scan + connected components, cheap next to extraction) gives `total`. Shared by the
 * extraction thread and the in-process path, so both give identical rows.
 */
export function* lesionRows(
  rad: typeof Radiomics,
  image: Radiomics.Image3D,
  labelMap: LabelMap,
  lesionOptions: LesionOptions,
  settings: Radiomics.ExtractSettings,
): Generator<LesionStart, LesionRows, void> {
  let total = 0;
  for (const _ of rad.lesionsOf(labelMap, lesionOptions)) total++;
  const rows: Radiomics.LabelRow[] = [];
  const failed: LesionFailure[] = [];
  let k = 0;
  // lesionsOf reuses its mask buffer: each lesion is extracted before the next one is generated.
  for (const l of rad.lesionsOf(labelMap, lesionOptions)) {
    yield { k, total, label: l.label, component: l.component, voxels: l.voxels };
    k++;
    try {
      rows.push({
        label: l.label,
        component: l.component,
        voxels: l.voxels,
        ...rad.extractFeatures(image, l.mask, settings),
      });
    } catch (e) {
      failed.push({ label: l.label, component: l.component, voxels: l.voxels, reason: (e as Error).message });
    }
  }
  return { rows, failed };
}
