/**
 * Names of the features implemented in this folder: IBSI feature tag (the key used in feature maps), IBSI
 * family, feature title as the IBSI reference manual prints it, and IBSI permanent code.
 */
export interface FeatureInfo {
  tag: string;
  family: FeatureFamily;
  title: string;
  ibsiCode: string;
}

export type FeatureFamily =
  | 'morphology'
  | 'local intensity'
  | 'intensity-based statistics'
  | 'intensity histogram'
  | 'intensity-volume histogram';

const rows: [FeatureFamily, string, string, string][] = [
  ['morphology', 'morph_volume', 'Volume (mesh)', 'RNU0'],
  ['morphology', 'morph_vol_approx', 'Volume (voxel counting)', 'YEKZ'],
  ['morphology', 'morph_area_mesh', 'Surface area (mesh)', 'C0JK'],
  ['morphology', 'morph_av', 'Surface to volume ratio', '2PR5'],
  ['morphology', 'morph_comp_1', 'Compactness 1', 'SKGS'],
  ['morphology', 'morph_comp_2', 'Compactness 2', 'BQWJ'],
  ['morphology', 'morph_sph_dispr', 'Spherical disproportion', 'KRCK'],
  ['morphology', 'morph_sphericity', 'Sphericity', 'QCFX'],
  ['morphology', 'morph_asphericity', 'Asphericity', '25C7'],
  ['morphology', 'morph_com', 'Centre of mass shift', 'KLMA'],
  ['morphology', 'morph_diam', 'Maximum 3D diameter', 'L0JK'],
  ['morphology', 'morph_pca_maj_axis', 'Major axis length', 'TDIC'],
  ['morphology', 'morph_pca_min_axis', 'Minor axis length', 'P9VJ'],
  ['morphology', 'morph_pca_least_axis', 'Least axis length', '7J51'],
  ['morphology', 'morph_pca_elongation', 'Elongation', 'Q3CK'],
  ['morphology', 'morph_pca_flatness', 'Flatness', 'N17B'],
  ['morphology', 'morph_vol_dens_aabb', 'Volume density (axis-aligned bounding box)', 'PBX1'],
  ['morphology', 'morph_area_dens_aabb', 'Area density (axis-aligned bounding box)', 'R59B'],
  ['morphology', 'morph_vol_dens_ombb', 'Volume density (oriented minimum bounding box)', 'ZH1A'],
  ['morphology', 'morph_area_dens_ombb', 'Area density (oriented minimum bounding box)', 'IQYR'],
  ['morphology', 'morph_vol_dens_aee', 'Volume density (approximate enclosing ellipsoid)', '6BDE'],
  ['morphology', 'morph_area_dens_aee', 'Area density (approximate enclosing ellipsoid)', 'RDD2'],
  ['morphology', 'morph_vol_dens_mvee', 'Volume density (minimum volume enclosing ellipsoid)', 'SWZ1'],
  ['morphology', 'morph_area_dens_mvee', 'Area density (minimum volume enclosing ellipsoid)', 'BRI8'],
  ['morphology', 'morph_vol_dens_conv_hull', 'Volume density (convex hull)', 'R3ER'],
  ['morphology', 'morph_area_dens_conv_hull', 'Area density (convex hull)', '7T7F'],
  ['morphology', 'morph_integ_int', 'Integrated intensity', '99N0'],
  ['morphology', 'morph_moran_i', 'Moran’s I index', 'N365'],
  ['morphology', 'morph_geary_c', 'Geary’s C measure', 'NPT7'],
  ['local intensity', 'loc_peak_loc', 'Local intensity peak', 'VJGA'],
  ['local intensity', 'loc_peak_glob', 'Global intensity peak', '0F91'],
  ['intensity-based statistics', 'stat_mean', 'Mean intensity', 'Q4LE'],
  ['intensity-based statistics', 'stat_var', 'Intensity variance', 'ECT3'],
  ['intensity-based statistics', 'stat_skew', 'Intensity skewness', 'KE2A'],
  ['intensity-based statistics', 'stat_kurt', '(Excess) intensity kurtosis', 'IPH6'],
  ['intensity-based statistics', 'stat_median', 'Median intensity', 'Y12H'],
  ['intensity-based statistics', 'stat_min', 'Minimum intensity', '1GSF'],
  ['intensity-based statistics', 'stat_p10', '10th intensity percentile', 'QG58'],
  ['intensity-based statistics', 'stat_p90', '90th intensity percentile', '8DWT'],
  ['intensity-based statistics', 'stat_max', 'Maximum intensity', '84IY'],
  ['intensity-based statistics', 'stat_iqr', 'Intensity interquartile range', 'SALO'],
  ['intensity-based statistics', 'stat_range', 'Intensity range', '2OJQ'],
  ['intensity-based statistics', 'stat_mad', 'Intensity-based mean absolute deviation', '4FUA'],
  ['intensity-based statistics', 'stat_rmad', 'Intensity-based robust mean absolute deviation', '1128'],
  ['intensity-based statistics', 'stat_medad', 'Intensity-based median absolute deviation', 'N72L'],
  ['intensity-based statistics', 'stat_cov', 'Intensity-based coefficient of variation', '7TET'],
  ['intensity-based statistics', 'stat_qcod', 'Intensity-based quartile coefficient of dispersion', '9S40'],
  ['intensity-based statistics', 'stat_energy', 'Intensity-based energy', 'N8CA'],
  ['intensity-based statistics', 'stat_rms', 'Root mean square intensity', '5ZWQ'],
  ['intensity histogram', 'ih_mean', 'Mean discretised intensity', 'X6K6'],
  ['intensity histogram', 'ih_var', 'Discretised intensity variance', 'CH89'],
  ['intensity histogram', 'ih_skew', 'Discretised intensity skewness', '88K1'],
  ['intensity histogram', 'ih_kurt', '(Excess) discretised intensity kurtosis', 'C3I7'],
  ['intensity histogram', 'ih_median', 'Median discretised intensity', 'WIFQ'],
  ['intensity histogram', 'ih_min', 'Minimum discretised intensity', '1PR8'],
  ['intensity histogram', 'ih_p10', '10th discretised intensity percentile', '1PR8'],
  ['intensity histogram', 'ih_p90', '90th discretised intensity percentile', 'GPMT'],
  ['intensity histogram', 'ih_max', 'Maximum discretised intensity', '3NCY'],
  ['intensity histogram', 'ih_mode', 'Intensity histogram mode', 'AMMC'],
  ['intensity histogram', 'ih_iqr', 'Discretised intensity interquartile range', 'WR0O'],
  ['intensity histogram', 'ih_range', 'Discretised intensity range', '5Z3W'],
  ['intensity histogram', 'ih_mad', 'Intensity histogram mean absolute deviation', 'D2ZX'],
  ['intensity histogram', 'ih_rmad', 'Intensity histogram robust mean absolute deviation', 'WRZB'],
  ['intensity histogram', 'ih_medad', 'Intensity histogram median absolute deviation', '4RNL'],
  ['intensity histogram', 'ih_cov', 'Intensity histogram coefficient of variation', 'CWYJ'],
  ['intensity histogram', 'ih_qcod', 'Intensity histogram quartile coefficient of dispersion', 'SLWD'],
  ['intensity histogram', 'ih_entropy', 'Discretised intensity entropy', 'TLU2'],
  ['intensity histogram', 'ih_uniformity', 'Discretised intensity uniformity', 'BJ5W'],
  ['intensity histogram', 'ih_max_grad', 'Maximum histogram gradient', '12CE'],
  ['intensity histogram', 'ih_max_grad_g', 'Maximum histogram gradient intensity', '8E6O'],
  ['intensity histogram', 'ih_min_grad', 'Minimum histogram gradient', 'VQB3'],
  ['intensity histogram', 'ih_min_grad_g', 'Minimum histogram gradient intensity', 'RHQZ'],
  ['intensity-volume histogram', 'ivh_v10', 'Volume at intensity fraction (V10)', 'BC2M'],
  ['intensity-volume histogram', 'ivh_v90', 'Volume at intensity fraction (V90)', 'BC2M'],
  ['intensity-volume histogram', 'ivh_i10', 'Intensity at volume fraction (I10)', 'GBPN'],
  ['intensity-volume histogram', 'ivh_i90', 'Intensity at volume fraction (I90)', 'GBPN'],
  ['intensity-volume histogram', 'ivh_diff_v10_v90', 'Volume fraction difference between intensity fractions', 'DDTU'],
  ['intensity-volume histogram', 'ivh_diff_i10_i90', 'Intensity fraction difference between volume fractions', 'CNV2'],
  ['intensity-volume histogram', 'ivh_auc', 'Area under the IVH curve', '9CMM'],
];

/** Every feature of the morphology, local intensity, statistics, histogram and IVH families. */
export const FEATURES: readonly FeatureInfo[] = rows.map(([family, tag, title, ibsiCode]) => ({ tag, family, title, ibsiCode }));

export const FEATURE_BY_TAG: ReadonlyMap<string, FeatureInfo> = new Map(FEATURES.map((f) => [f.tag, f]));
