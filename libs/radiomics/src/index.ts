/**
 * @hepatoscope/radiomics — IBSI radiomics on typed arrays (pure TypeScript, browser-safe).
 */
export * from './types';
export * from './roi';
export * from './processing/discretise';
export * from './features/intensity-statistics';
export * from './features/intensity-histogram';
export * from './features/ivh';
export * from './features/local-intensity';
export * from './features/morphology';
export * from './features/mesh';
export * from './features/convex-hull';
export * from './features/registry';
export * from './processing/resegment';
export * from './processing/resample';
export * from './extract/settings';
export * from './extract/extract';
export { sha256Hex, canonicalJson } from './extract/hash';
export * from './hcc/fractal';
export * from './texture';
export * from './hcc/peritumoural';
export * from './hcc/delta';
export * from './hcc/habitat';
export * from './filters';
export * from './features/pyradiomics';
