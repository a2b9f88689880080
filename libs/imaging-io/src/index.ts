/**
 * @hepatoscope/imaging-io — the `Volume` type and readers/writers for NIfTI, NRRD, DICOM series and
 * DICOM SEG (Node only).
 *
 * Entry points: `readVolume(path)` / `writeVolume(path, vol)` (by extension; a directory = DICOM series),
 * the in-memory codecs `parseNifti`/`encodeNifti`, `parseNrrd`/`encodeNrrd`, `assembleDicomSeries`,
 * `encodeDicomSeries`, `encodeDicomSeg`/`decodeDicomSeg`, and `detectContrastPhase`.
 */
export * from './types';
export * from './volume';
export * from './geometry';
export { parseNifti, encodeNifti, type EncodeNiftiOptions } from './nifti';
export { parseNrrd, encodeNrrd, parseNrrdHeader, type EncodeNrrdOptions, type ParseNrrdOptions, type NrrdHeader } from './nrrd';
export { isGzip, gzip, gunzip } from './gzip';
export {
  readDicomSeries,
  assembleDicomSeries,
  parseDicomFile,
  loadDicomFiles,
  TRANSFER_SYNTAXES,
  type ReadDicomOptions,
  type DicomFile,
} from './dicom';
export {
  encodeDicom,
  encodeDicomSeries,
  encodeEnhancedCt,
  newUid,
  TS_EXPLICIT_LE,
  TS_IMPLICIT_LE,
  type DicomElementSpec,
  type DicomSeriesOptions,
  type EncodedSeries,
} from './dicom-writer';
export { encodeDicomSeg, decodeDicomSeg, rgbToDicomLab, CODES, LITS_SEGMENTS, type SegmentInfo, type DecodedSeg, type Code, type EncodeSegOptions } from './seg';
export { loadCodecs, hasWasmCodec } from './codecs';
export { deidentifyDicom, remapUid, shiftDate, REMOVE as DEID_REMOVE, EMPTY as DEID_EMPTY, type DeidentifyOptions } from './deidentify';
export { detectContrastPhase, parseDicomTime, phaseFromDelay, type PhaseTags, type PhaseDetection } from './phase';
export { readVolume, writeVolume, formatOf, writeDicomSeries, readDicomSeg, writeDicomSeg, type ReadVolumeOptions, type WriteVolumeOptions, type VolumeFormat } from './io';
export * from './segment';
