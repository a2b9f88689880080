/**
 * @hepatoscope/inference — ONNX segmentation models (manifests with checksums, execution-provider
 * selection, 2.5D preprocessing, batched inference, post-processing) and the liver → tumour cascade.
 */
export * from './volume';
export * from './manifest';
export * from './providers';
export * from './model';
export * from './preprocess';
export * from './postprocess';
export * from './runs';
export * from './sliding';
export * from './cascade';
export * from './orientation';
export * from './files';
export { simplePhantom, type SimplePhantom } from './testing/simple-phantom';
