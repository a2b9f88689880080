/**
 * Texture features of IBSI 1 (GLCM, GLRLM, GLSZM, GLDZM, NGTDM, NGLDM) with all aggregation methods.
 * Entry point: {@link computeTextureFeatures}; matrices and per-feature functions are exported too.
 */
export * from './types';
export * from './glcm-features';
export * from './runlike-features';
export * from './ngtdm-features';
export { glcmFeatures, glcmMatrix, glcmSparse, accumulateCooccurrence, cooccurrenceCodes, cooccurrenceCodesOfRoi, CooccurrenceAggregator } from './glcm';
export { glrlmFeatures, glrlmMatrix, accumulateRuns, accumulateRunsOfRoi } from './glrlm';
export { zoneFeatures, findZones, borderDistanceMap, glszmFromZones, gldzmFromZones, type Zones } from './zones';
export { neighbourhoodFeatures, ngtdmMatrix, ngldmMatrix, neighbourhoodMatrices, chebyshevOffsets, type Offsets } from './neighbourhood';
export { DIRECTIONS_2D, DIRECTIONS_OUT_OF_PLANE, mergeRunLike, runLikeFromDense, runLikeFromEntries } from './matrix-utils';
export {
  computeTextureFeatures,
  computeTextureFeaturesDetailed,
  textureFeatureCatalogue,
  TEXTURE_FEATURES,
  type TextureFeatureInfo,
} from './compute';
export {
  pyradiomicsTextureFeatures,
  pyradiomicsAngles,
  pyradiomicsGlcmAngle,
  pyradiomicsGlcmAnglePerFeature,
  glcmMaximalCorrelationCoefficient,
  symmetricEigenvalues,
  pyradiomicsAngleWeight,
  pyradiomicsGlcmCounts,
  PYRADIOMICS_TEXTURE_FEATURES,
  PYRADIOMICS_WEIGHTING_NORMS,
  type PyradiomicsWeightingNorm,
  type PyradiomicsTextureClass,
  type PyradiomicsTextureOptions,
} from './pyradiomics';
