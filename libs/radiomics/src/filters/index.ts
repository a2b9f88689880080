/**
 * Convolutional filters of IBSI 2 (mean, LoG, Laws + energy, Gabor, separable wavelets with
 * rotation invariance and the four boundary conditions, 2D and 3D) and the PyRadiomics image types.
 */
export * from './types';
export { boundaryIndex, convolveAxis, convolveSeparable, oddKernel } from './convolve';
export { meanFilter, logFilter, gaussianKernel1d, type MeanFilterOptions, type LogFilterOptions } from './basic';
export { lawsFilter, lawsKernel, LAWS_KERNELS, type LawsFilterOptions } from './laws';
export { gaborFilter, type GaborFilterOptions } from './gabor';
export { waveletFilter, waveletDecimated, pyradiomicsWavelet, dilateKernel, type WaveletFilterOptions } from './wavelet';
export { waveletFilters, WAVELET_DEC_LO, type WaveletName } from './wavelet-coefficients';
export { rightAngleRotations, rotatedKernelSets, rotatedKernelPairs, type KernelTriple } from './rotation';
export { squareImage, squareRootImage, logarithmImage, exponentialImage, gradientImage, lbp2DImage } from './image-types';
export {
  recursiveLogFilter,
  recursiveGaussianAxis,
  recursiveGaussianCoefficients,
  pyradiomicsLogApplicable,
  type RecursiveGaussianCoefficients,
} from './recursive-gaussian';
export { lbp3DImage, icosphereVertices, sphericalHarmonic, associatedLegendre, type Lbp3DOptions } from './lbp3d';
export { filterMarginVoxels, type FilterSpec } from './margin';
