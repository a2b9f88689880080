/**
 * A `SyntheticImagingProvider` for the database demo seed (`seedDemo` in @hepatoscope/db), built on
 * @hepatoscope/phantoms + @hepatoscope/imaging-io (which the db library may not import). Same content as
 * tools/db/phantom-imaging.ts, here so that the API can seed imaging at first start.
 *
 * Each chosen demo patient gets a baseline and a follow-up CT with 4 phases (NATIVE, ARTERIAL, PORTAL_VENOUS,
 * DELAYED), liver and lesion ground-truth masks on the portal-venous series, and its lesions — all SYNTHETIC.
 */
import type { SyntheticImagingProvider, SyntheticStudySpec } from '@hepatoscope/db';
import { encodeNifti, gzip } from '@hepatoscope/imaging-io';
import { generatePhantom } from '@hepatoscope/phantoms';

const PHASES = ['NATIVE', 'ARTERIAL', 'PORTAL_VENOUS', 'DELAYED'] as const;
const ENHANCEMENT: Record<string, string> = {
  HCC: 'Arterial phase hyperenhancement with portal-venous/delayed washout',
  HAEMANGIOMA: 'Peripheral nodular enhancement with centripetal fill-in',
  CYST: 'No enhancement',
  METASTASIS: 'Rim enhancement',
};

export function phantomImagingProvider(
  opts: { dims?: [number, number, number]; spacing?: [number, number, number] } = {},
): SyntheticImagingProvider {
  return async ({ seed }) => {
    const phantom = generatePhantom({
      seed,
      timepoints: 2,
      dims: opts.dims ?? [96, 96, 32],
      spacing: opts.spacing ?? [2, 2, 4],
    });
    const nii = (v: Parameters<typeof encodeNifti>[0]) => gzip(encodeNifti(v));
    return phantom.timepoints.map((tp): SyntheticStudySpec => {
      const pv = PHASES.indexOf('PORTAL_VENOUS');
      return {
        modality: 'CT',
        timepoint: tp.timepoint === 0 ? 'BASELINE' : 'FOLLOW_UP',
        description: `phantom seed ${seed}, timepoint ${tp.timepoint}`,
        dayOffset: tp.dayOffset,
        series: PHASES.map((phase) => {
          const v = tp.phases[phase];
          return {
            phase,
            description: v.metadata.seriesDescription,
            dims: v.dims,
            spacing: v.spacing,
            origin: v.origin,
            direction: [...v.direction],
            niftiGz: nii(v as never),
          };
        }),
        lesions: tp.lesions.map((l) => ({
          label: `L${l.label}`,
          type: l.type === 'HAEMANGIOMA' ? 'HEMANGIOMA' : l.type,
          diameterMm: Math.round(l.nominalDiameterMm * 10) / 10,
          volumeMl: Math.round(l.volumeMl * 100) / 100,
          enhancementPattern: ENHANCEMENT[l.type],
        })),
        segmentations: [
          { seriesIndex: pv, structure: 'LIVER', labels: { '1': 'liver' }, niftiGz: nii(tp.liverMask as never) },
          {
            seriesIndex: pv,
            structure: 'LESION',
            labels: Object.fromEntries(tp.lesions.map((l) => [String(l.label), `L${l.label} (${l.type})`])),
            volumeMl: Math.round(tp.lesions.reduce((s, l) => s + l.volumeMl, 0) * 100) / 100,
            niftiGz: nii(tp.lesionMask as never),
          },
        ],
      };
    });
  };
}
