/**
 * @hepatoscope/imaging-io — the `Volume` type and readers/writers for NIfTI, NRRD, DICOM series and
 * DICOM SEG (Node only).
 */
export * from './types';
export * from './volume';
export * from './geometry';
export { parseNifti, encodeNifti, type EncodeNiftiOptions } from './nifti';
export { parseNrrd, encodeNrrd, parseNrrdHeader, type EncodeNrrdOptions, type ParseNrrdOptions, type NrrdHeader } from './nrrd';
export { isGzip, gzip, gunzip } from './gzip';
