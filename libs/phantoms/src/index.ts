/**
 * @hepatoscope/phantoms — deterministic synthetic multi-phase liver CT phantoms with ground truth
 * (pure TypeScript; every output is marked `synthetic: true`).
 */
export * from './types';
export { generatePhantom, phantomLesions, DEFAULT_DIMS, DEFAULT_SPACING } from './generate';
export { buildManifest, phantomFileNames, type PhantomManifest, type ManifestTimepoint } from './manifest';
export { HU } from './anatomy';
export type { LesionSpec } from './lesions';
export { Rng, valueNoise, fbm, hash32 } from './random';
