/**
 * The public entry of the texture module: every IBSI texture feature of a discretised ROI.
 *
 * Feature keys are stable: `<family>_<feature>_<aggregation>` where
 * - family ∈ glcm, glrlm, glszm, gldzm, ngtdm, ngldm;
 * - feature is the IBSI feature tag (as in the IBSI 1 data-analysis naming table, e.g. `joint_max`,
 *   `sre`, `zs_entr`, `dc_energy`) — see the `*_FEATURES` descriptor lists for key ↔ name ↔ IBSI code;
 * - aggregation, for GLCM and GLRLM: `2D_avg` (BTW3), `2D_smrg` (SUJT), `2.5D_dmrg` (JJUI),
 *   `2.5D_vmrg` (ZW7Z), `3D_avg` (ITBB), `3D_vmrg` (IAZD); for the other families `2D` (8QNN),
 *   `2.5D` (62GR), `3D` (KOBO).
 * Example: `glcm_joint_max_3D_avg`, `glszm_sze_2.5D`, `ngtdm_coarseness_3D`.
 */
import type { DiscretisedImage, DirectionalAggregation, TextureFamily, TextureOptions, ZoneAggregation } from './types';
import { DIRECTIONAL_AGGREGATIONS, TEXTURE_FAMILIES, ZONE_AGGREGATIONS } from './types';
import type { FeatureValue } from '../types';
import { glcmFeatures } from './glcm';
import { glrlmFeatures } from './glrlm';
import { zoneFeatures } from './zones';
import { neighbourhoodFeatures } from './neighbourhood';
import { GLCM_FEATURES, type FeatureDescriptor } from './glcm-features';
import { GLDZM_FEATURES, GLRLM_FEATURES, GLSZM_FEATURES, NGLDM_FEATURES } from './runlike-features';
import { NGTDM_FEATURES } from './ngtdm-features';

/** Descriptor lists per family (key, IBSI name, IBSI code, function, NaN reason). */
export const TEXTURE_FEATURES: Readonly<Record<TextureFamily, readonly FeatureDescriptor<never>[]>> = {
  glcm: GLCM_FEATURES as readonly FeatureDescriptor<never>[],
  glrlm: GLRLM_FEATURES as readonly FeatureDescriptor<never>[],
  glszm: GLSZM_FEATURES as readonly FeatureDescriptor<never>[],
  gldzm: GLDZM_FEATURES as readonly FeatureDescriptor<never>[],
  ngtdm: NGTDM_FEATURES as readonly FeatureDescriptor<never>[],
  ngldm: NGLDM_FEATURES as readonly FeatureDescriptor<never>[],
};

/** Metadata of one texture feature key. */
export interface TextureFeatureInfo {
  key: string;
  family: TextureFamily;
  feature: string;
  name: string;
  ibsiCode: string;
  aggregation: DirectionalAggregation | ZoneAggregation;
}

/** Every feature key `computeTextureFeatures` can produce, with its family, IBSI name and code. */
export function textureFeatureCatalogue(options: Pick<TextureOptions, 'families' | 'dimensions'> = {}): TextureFeatureInfo[] {
  const fams = options.families ?? TEXTURE_FAMILIES;
  const dims = new Set(options.dimensions ?? ZONE_AGGREGATIONS);
  const out: TextureFeatureInfo[] = [];
  for (const family of TEXTURE_FAMILIES) {
    if (!fams.includes(family)) continue;
    const aggs: readonly (DirectionalAggregation | ZoneAggregation)[] =
      family === 'glcm' || family === 'glrlm'
        ? DIRECTIONAL_AGGREGATIONS.filter((a) => dims.has(a.split('_')[0] as ZoneAggregation))
        : ZONE_AGGREGATIONS.filter((a) => dims.has(a));
    for (const aggregation of aggs)
      for (const f of TEXTURE_FEATURES[family])
        out.push({ key: `${family}_${f.key}_${aggregation}`, family, feature: f.key, name: f.name, ibsiCode: f.ibsiCode, aggregation });
  }
  return out;
}

/**
 * Computes the texture features of a discretised ROI, each with a reason when it is NaN.
 * @throws when the image is inconsistent (array size, levels outside 0..ng) or the ROI is empty
 */
export function computeTextureFeaturesDetailed(img: DiscretisedImage, options: TextureOptions = {}): Record<string, FeatureValue> {
  const fams = new Set(options.families ?? TEXTURE_FAMILIES);
  for (const f of fams) if (!TEXTURE_FAMILIES.includes(f)) throw new Error(`computeTextureFeatures: unknown family "${f}" (known: ${TEXTURE_FAMILIES.join(', ')})`);
  const dims = options.dimensions ?? ZONE_AGGREGATIONS;
  for (const d of dims) if (!ZONE_AGGREGATIONS.includes(d)) throw new Error(`computeTextureFeatures: unknown dimension "${d}" (known: 2D, 2.5D, 3D)`);
  const directional = DIRECTIONAL_AGGREGATIONS.filter((a) => dims.includes(a.split('_')[0] as ZoneAggregation));
  const out: Record<string, FeatureValue> = {};
  if (fams.has('glcm')) Object.assign(out, glcmFeatures(img, directional, options.glcmDistance ?? 1));
  if (fams.has('glrlm')) Object.assign(out, glrlmFeatures(img, directional));
  if (fams.has('glszm') || fams.has('gldzm'))
    Object.assign(out, zoneFeatures(img, { glszm: fams.has('glszm'), gldzm: fams.has('gldzm') }, dims, options.morphologicalMask));
  if (fams.has('ngtdm') || fams.has('ngldm'))
    Object.assign(
      out,
      neighbourhoodFeatures(img, { ngtdm: fams.has('ngtdm'), ngldm: fams.has('ngldm') }, dims, {
        ngtdmDistance: options.ngtdmDistance,
        ngldmDistance: options.ngldmDistance,
        ngldmAlpha: options.ngldmAlpha,
      }),
    );
  return out;
}

/**
 * Computes the texture features of a discretised ROI as plain numbers, keyed as documented above.
 * Use {@link computeTextureFeaturesDetailed} to get the reason of each NaN.
 */
export function computeTextureFeatures(img: DiscretisedImage, options: TextureOptions = {}): Record<string, number> {
  const d = computeTextureFeaturesDetailed(img, options);
  const out: Record<string, number> = {};
  for (const k of Object.keys(d)) out[k] = d[k].value;
  return out;
}
