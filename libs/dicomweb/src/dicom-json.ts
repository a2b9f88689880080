/**
 * The DICOM JSON model (PS3.18 §F.2) as returned by QIDO-RS and accepted/returned by STOW-RS, and typed summaries of
 * the study / series / instance results. Pure.
 */

/** One attribute: VR and values (PN values are objects with `Alphabetic`, …; sequences hold nested data sets). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

/** A data set keyed by the 8-hex-digit tag, e.g. `"0020000D"`. */
export type DicomJsonDataset = Record<string, DicomJsonAttribute | undefined>;

/** Tags used here (upper-case hex, as in DICOM JSON). */
export const TAGS = {
  SpecificCharacterSet: '00080005',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  RetrieveURL: '00081190',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  FailureReason: '00081197',
  WarningReason: '00081196',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  PatientAge: '00101010',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
} as const;

/** First value of an attribute as a string (PN → its Alphabetic group), or undefined. */
export function str(ds: DicomJsonDataset | undefined, tag: string): string | undefined {
  const v = ds?.[tag]?.Value?.[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') {
    const a = (v as { Alphabetic?: unknown }).Alphabetic;
    return typeof a === 'string' ? a : undefined;
  }
  return String(v);
}

/** All values of an attribute as strings. */
export function strs(ds: DicomJsonDataset | undefined, tag: string): string[] {
  return (ds?.[tag]?.Value ?? []).filter((v) => v !== null && v !== undefined).map((v) => String(v));
}

/** First value as a number, or undefined when absent or not numeric. */
export function num(ds: DicomJsonDataset | undefined, tag: string): number | undefined {
  const s = str(ds, tag);
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Items of a sequence attribute. */
export function items(ds: DicomJsonDataset | undefined, tag: string): DicomJsonDataset[] {
  return (ds?.[tag]?.Value ?? []).filter((v): v is DicomJsonDataset => typeof v === 'object' && v !== null);
}

/** DICOM DA `YYYYMMDD` → ISO `YYYY-MM-DD` (undefined when malformed). */
export function daToIso(da: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec((da ?? '').trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export interface StudySummary {
  studyInstanceUid: string;
  patientId: string | null;
  patientName: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  /** ISO date (YYYY-MM-DD) or null. */
  studyDate: string | null;
  studyTime: string | null;
  accessionNumber: string | null;
  studyId: string | null;
  description: string | null;
  modalities: string[];
  numberOfSeries: number | null;
  numberOfInstances: number | null;
}

export interface SeriesSummary {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string | null;
  description: string | null;
  seriesNumber: number | null;
  numberOfInstances: number | null;
}

export interface InstanceSummary {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string | null;
  instanceNumber: number | null;
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined || v === '' ? null : v);

/** Throws when a required UID is missing in a QIDO result (the server broke the contract). */
function uid(ds: DicomJsonDataset, tag: string, what: string): string {
  const v = str(ds, tag);
  if (!v) throw new TypeError(`a QIDO-RS ${what} result lacks its ${tag} UID`);
  return v;
}

export function toStudySummary(ds: DicomJsonDataset): StudySummary {
  return {
    studyInstanceUid: uid(ds, TAGS.StudyInstanceUID, 'study'),
    patientId: orNull(str(ds, TAGS.PatientID)),
    patientName: orNull(str(ds, TAGS.PatientName)),
    patientBirthDate: orNull(daToIso(str(ds, TAGS.PatientBirthDate))),
    patientSex: orNull(str(ds, TAGS.PatientSex)),
    studyDate: orNull(daToIso(str(ds, TAGS.StudyDate))),
    studyTime: orNull(str(ds, TAGS.StudyTime)),
    accessionNumber: orNull(str(ds, TAGS.AccessionNumber)),
    studyId: orNull(str(ds, TAGS.StudyID)),
    description: orNull(str(ds, TAGS.StudyDescription)),
    modalities: strs(ds, TAGS.ModalitiesInStudy),
    numberOfSeries: orNull(num(ds, TAGS.NumberOfStudyRelatedSeries)),
    numberOfInstances: orNull(num(ds, TAGS.NumberOfStudyRelatedInstances)),
  };
}

export function toSeriesSummary(ds: DicomJsonDataset, studyInstanceUid?: string): SeriesSummary {
  return {
    studyInstanceUid: str(ds, TAGS.StudyInstanceUID) ?? studyInstanceUid ?? '',
    seriesInstanceUid: uid(ds, TAGS.SeriesInstanceUID, 'series'),
    modality: orNull(str(ds, TAGS.Modality)),
    description: orNull(str(ds, TAGS.SeriesDescription)),
    seriesNumber: orNull(num(ds, TAGS.SeriesNumber)),
    numberOfInstances: orNull(num(ds, TAGS.NumberOfSeriesRelatedInstances)),
  };
}

export function toInstanceSummary(ds: DicomJsonDataset, study?: string, series?: string): InstanceSummary {
  return {
    studyInstanceUid: str(ds, TAGS.StudyInstanceUID) ?? study ?? '',
    seriesInstanceUid: str(ds, TAGS.SeriesInstanceUID) ?? series ?? '',
    sopInstanceUid: uid(ds, TAGS.SOPInstanceUID, 'instance'),
    sopClassUid: orNull(str(ds, TAGS.SOPClassUID)),
    instanceNumber: orNull(num(ds, TAGS.InstanceNumber)),
  };
}

/** The STOW-RS response (PS3.18 §10.5.3): what was stored and what failed, per SOP instance. */
export interface StoreResult {
  /** HTTP status: 200 all stored, 202 stored with warnings or some failed, 409 none stored. */
  status: number;
  retrieveUrl: string | null;
  stored: Array<{
    sopClassUid: string | null;
    sopInstanceUid: string;
    retrieveUrl: string | null;
    warning: number | null;
  }>;
  failed: Array<{ sopClassUid: string | null; sopInstanceUid: string | null; reason: number | null }>;
}

export function toStoreResult(status: number, ds: DicomJsonDataset | undefined): StoreResult {
  return {
    status,
    retrieveUrl: orNull(str(ds, TAGS.RetrieveURL)),
    stored: items(ds, TAGS.ReferencedSOPSequence).map((it) => ({
      sopClassUid: orNull(str(it, TAGS.ReferencedSOPClassUID)),
      sopInstanceUid: str(it, TAGS.ReferencedSOPInstanceUID) ?? '',
      retrieveUrl: orNull(str(it, TAGS.RetrieveURL)),
      warning: orNull(num(it, TAGS.WarningReason)),
    })),
    failed: items(ds, TAGS.FailedSOPSequence).map((it) => ({
      sopClassUid: orNull(str(it, TAGS.ReferencedSOPClassUID)),
      sopInstanceUid: orNull(str(it, TAGS.ReferencedSOPInstanceUID)),
      reason: orNull(num(it, TAGS.FailureReason)),
    })),
  };
}
