/**
 * @hepatoscope/dicomweb — a typed DICOMweb client (QIDO-RS, WADO-RS, STOW-RS) over `fetch`, the DICOM JSON model
 * helpers and the multipart/related codec. Browser-safe: no Node built-ins.
 */
export * from './multipart';
export * from './dicom-json';
export * from './client';
