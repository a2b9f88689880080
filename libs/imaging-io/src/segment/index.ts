/**
 * Classical segmentation (pure TypeScript, no Node APIs): anisotropic diffusion, morphology, automatic
 * liver/tumour segmentation and click-seeded region growing.
 */
export * from './morphology';
export * from './filters';
export * from './classical';
export * from './regiongrow';
export * from './levelset';
export * from './multiphase';
