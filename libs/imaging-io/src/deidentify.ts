import { createHmac } from 'node:crypto';

/**
 * DICOM de-identification for export: PS3.15 Annex E **Basic Application Level Confidentiality Profile** with the
 * **Retain Longitudinal Temporal Information with Modified Dates Option** (dates shifted, not removed), on Part-10
 * bytes (parsed and re-written with dcmjs, any transfer syntax dcmjs reads; pixel data untouched).
 *
 * What happens, by the profile's action codes (Table E.1-1; the attributes that occur in CT/MR/SEG objects):
 * - **D (replace)**: PatientName and PatientID → the caller's pseudonym.
 * - **Z (empty)**: PatientBirthDate, PatientSex, AccessionNumber, ReferringPhysicianName, StudyID.
 * - **X (remove)**: every other attribute of {@link REMOVE} — addresses, telephone numbers, other ids and names, age,
 *   size, weight, institution, department, station, physicians and operators (and their identification sequences),
 *   descriptions and comments, protocol name, device serial number, request/procedure-step attributes, content and
 *   original-attributes sequences; plus **all private attributes** (odd groups) and curve/overlay groups 5xxx/60xx
 *   (overlays may carry burned text).
 * - **U (UIDs)**: every UI value that is not a standard DICOM UID (`1.2.840.10008.*`: SOP classes, transfer syntaxes,
 *   coding schemes) is replaced by `2.25.<decimal of HMAC-SHA256(key, uid)[0..15]>` — the same original UID gives the same
 *   new UID for the same key, so a series keeps its Study/Series/FrameOfReference UIDs consistent across files and
 *   references (ReferencedSOPInstanceUID in sequences) still resolve. Applied in the file meta header too.
 * - **Dates**: every DA value (and the date part of DT values) is shifted back by `dateShiftDays` whole days (times
 *   kept); PatientBirthDate is emptied, not shifted. `LongitudinalTemporalInformationModified` = MODIFIED.
 * - Sequences are processed recursively with the same rules.
 * - Added: PatientIdentityRemoved (0012,0062) = YES, DeidentificationMethod (0012,0063), and
 *   DeidentificationMethodCodeSequence (0012,0064) with DCM 113100 (Basic Application Confidentiality Profile) and
 *   113107 (Retain Longitudinal Temporal Information Modified Dates Option).
 * - Refused (error): `BurnedInAnnotation` = YES — identifying text in the pixels cannot be removed here.
 */

/** Attributes removed (action X) — keys are dcmjs tag strings (GGGGEEEE, upper-case hex). */
export const REMOVE: Readonly<Record<string, string>> = {
  '00080081': 'InstitutionAddress',
  '00080080': 'InstitutionName',
  '00080082': 'InstitutionCodeSequence',
  '00080092': 'ReferringPhysicianAddress',
  '00080094': 'ReferringPhysicianTelephoneNumbers',
  '00080096': 'ReferringPhysicianIdentificationSequence',
  '00080201': 'TimezoneOffsetFromUTC',
  '00081010': 'StationName',
  '00081030': 'StudyDescription',
  '0008103E': 'SeriesDescription',
  '00081040': 'InstitutionalDepartmentName',
  '00081048': 'PhysiciansOfRecord',
  '00081049': 'PhysiciansOfRecordIdentificationSequence',
  '00081050': 'PerformingPhysicianName',
  '00081052': 'PerformingPhysicianIdentificationSequence',
  '00081060': 'NameOfPhysiciansReadingStudy',
  '00081062': 'PhysiciansReadingStudyIdentificationSequence',
  '00081070': 'OperatorsName',
  '00081072': 'OperatorIdentificationSequence',
  '00081080': 'AdmittingDiagnosesDescription',
  '00081084': 'AdmittingDiagnosesCodeSequence',
  '00081120': 'ReferencedPatientSequence',
  '00082111': 'DerivationDescription',
  '00100021': 'IssuerOfPatientID',
  '00100032': 'PatientBirthTime',
  '00100050': 'PatientInsurancePlanCodeSequence',
  '00100101': 'PatientPrimaryLanguageCodeSequence',
  '00101000': 'OtherPatientIDs',
  '00101001': 'OtherPatientNames',
  '00101002': 'OtherPatientIDsSequence',
  '00101005': 'PatientBirthName',
  '00101010': 'PatientAge',
  '00101020': 'PatientSize',
  '00101030': 'PatientWeight',
  '00101040': 'PatientAddress',
  '00101060': 'PatientMotherBirthName',
  '00101080': 'MilitaryRank',
  '00101081': 'BranchOfService',
  '00101090': 'MedicalRecordLocator',
  '00102000': 'MedicalAlerts',
  '00102110': 'Allergies',
  '00102150': 'CountryOfResidence',
  '00102152': 'RegionOfResidence',
  '00102154': 'PatientTelephoneNumbers',
  '00102160': 'EthnicGroup',
  '00102180': 'Occupation',
  '001021A0': 'SmokingStatus',
  '001021B0': 'AdditionalPatientHistory',
  '001021C0': 'PregnancyStatus',
  '001021D0': 'LastMenstrualDate',
  '001021F0': 'PatientReligiousPreference',
  '00104000': 'PatientComments',
  '00181000': 'DeviceSerialNumber',
  '00181030': 'ProtocolName',
  '00204000': 'ImageComments',
  '00321032': 'RequestingPhysician',
  '00321033': 'RequestingService',
  '00321060': 'RequestedProcedureDescription',
  '00324000': 'StudyComments',
  '00380010': 'AdmissionID',
  '00380300': 'CurrentPatientLocation',
  '00380400': 'PatientInstitutionResidence',
  '00380500': 'PatientState',
  '00384000': 'VisitComments',
  '00400006': 'ScheduledPerformingPhysicianName',
  '00400241': 'PerformedStationAETitle',
  '00400242': 'PerformedStationName',
  '00400243': 'PerformedLocation',
  '00400253': 'PerformedProcedureStepID',
  '00400254': 'PerformedProcedureStepDescription',
  '00400275': 'RequestAttributesSequence',
  '00400280': 'CommentsOnThePerformedProcedureStep',
  '00401001': 'RequestedProcedureID',
  '00401400': 'RequestedProcedureComments',
  '00402400': 'ImagingServiceRequestComments',
  '0040A730': 'ContentSequence',
  '04000561': 'OriginalAttributesSequence',
};

/** Attributes emptied (action Z). */
export const EMPTY: Readonly<Record<string, string>> = {
  '00080050': 'AccessionNumber',
  '00080090': 'ReferringPhysicianName',
  '00100030': 'PatientBirthDate',
  '00100040': 'PatientSex',
  '00200010': 'StudyID',
};

/** Replaced by the pseudonym (action D). */
export const PSEUDONYM_TAGS: Readonly<Record<string, string>> = { '00100010': 'PatientName', '00100020': 'PatientID' };

export interface DeidentifyOptions {
  /** The patient's pseudonym (PatientName and PatientID). 1–64 characters of letters, digits, `._:-`. */
  pseudonym: string;
  /** Secret for the UID remapping (≥ 32 characters); the same key maps a UID to the same new UID. */
  key: string;
  /** Whole days subtracted from every date (0 keeps dates; a per-patient offset keeps intervals). */
  dateShiftDays: number;
}

interface DcmElement {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
}
type DcmDataset = Record<string, DcmElement>;
interface DcmDict {
  meta: DcmDataset;
  dict: DcmDataset;
  write(opts?: Record<string, unknown>): ArrayBuffer;
}
interface Dcmjs {
  data: { DicomMessage: { readFile(ab: ArrayBuffer, opts?: Record<string, unknown>): DcmDict } };
}
const dcmjs = (): Dcmjs => require('dcmjs') as Dcmjs;

/** A new UID for `uid` under the 2.25 root, from HMAC-SHA256(key, uid) (≤ 64 characters). */
export function remapUid(uid: string, key: string): string {
  const h = createHmac('sha256', key).update(uid).digest();
  return '2.25.' + BigInt('0x' + h.subarray(0, 16).toString('hex')).toString();
}

/** A DICOM DA (YYYYMMDD) shifted back by `days`; malformed dates are emptied (never passed through). */
export function shiftDate(da: string, days: number): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  if (!m) return '';
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) - days * 86_400_000;
  if (!Number.isFinite(t)) return '';
  const d = new Date(t);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

const isStandardUid = (u: string) => u.startsWith('1.2.840.10008.');

function processDataset(ds: DcmDataset, o: DeidentifyOptions, inSequence: boolean): void {
  for (const tag of Object.keys(ds)) {
    const el = ds[tag]!;
    const group = parseInt(tag.slice(0, 4), 16);
    if (group % 2 === 1 || (group >= 0x5000 && group <= 0x50ff) || (group >= 0x6000 && group <= 0x60ff) || REMOVE[tag]) {
      delete ds[tag];
      continue;
    }
    if (tag === '00280301' && String(el.Value?.[0] ?? '').trim().toUpperCase() === 'YES') {
      throw new Error('deidentify: BurnedInAnnotation is YES — identifying text in the pixel data cannot be removed; the object is not exported');
    }
    if (PSEUDONYM_TAGS[tag] && !inSequence) {
      el.Value = [el.vr === 'PN' ? { Alphabetic: o.pseudonym } : o.pseudonym];
      continue;
    }
    if (EMPTY[tag] || PSEUDONYM_TAGS[tag]) {
      el.Value = [];
      continue;
    }
    if (el.vr === 'SQ') {
      for (const item of (el.Value ?? []) as DcmDataset[]) if (item && typeof item === 'object') processDataset(item, o, true);
      continue;
    }
    if (el.vr === 'UI') {
      el.Value = (el.Value ?? []).map((v) => (typeof v === 'string' && v && !isStandardUid(v) ? remapUid(v.replace(/\0/g, '').trim(), o.key) : v));
    } else if (el.vr === 'DA') {
      el.Value = (el.Value ?? []).map((v) => (typeof v === 'string' ? shiftDate(v, o.dateShiftDays) : v));
    } else if (el.vr === 'DT') {
      el.Value = (el.Value ?? []).map((v) => {
        if (typeof v !== 'string' || v.length < 8) return '';
        const d = shiftDate(v.slice(0, 8), o.dateShiftDays);
        return d ? d + v.slice(8) : '';
      });
    } else if (el.vr === 'PN' || el.vr === 'UN') {
      // person names anywhere else (e.g. in sequences not listed above) and unknown-VR values are not kept
      delete ds[tag];
    }
  }
}

const code = (value: string, meaning: string) => ({
  '00080100': { vr: 'SH', Value: [value] },
  '00080102': { vr: 'SH', Value: ['DCM'] },
  '00080104': { vr: 'LO', Value: [meaning] },
});

/**
 * De-identifies one Part-10 file (see the module comment). Throws an Error starting with `deidentify:` for input
 * dcmjs cannot read, a bad pseudonym/key, or BurnedInAnnotation YES.
 */
export function deidentifyDicom(bytes: Uint8Array, o: DeidentifyOptions): Uint8Array {
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(o.pseudonym)) throw new Error(`deidentify: pseudonym "${o.pseudonym.slice(0, 80)}" must be 1-64 letters, digits or ._:-`);
  if (o.key.length < 32) throw new Error('deidentify: the UID key must be at least 32 characters');
  if (!Number.isInteger(o.dateShiftDays) || Math.abs(o.dateShiftDays) > 36500) throw new Error('deidentify: dateShiftDays must be a whole number of days within ±100 years');
  let file: DcmDict;
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    file = dcmjs().data.DicomMessage.readFile(ab, { ignoreErrors: false });
  } catch (e) {
    throw new Error(`deidentify: not a readable DICOM Part-10 file (${(e as Error)?.message ?? e})`);
  }
  processDataset(file.dict, o, false);
  for (const tag of ['00020003']) {
    const el = file.meta[tag];
    if (el?.Value?.[0] && typeof el.Value[0] === 'string') el.Value = [remapUid(el.Value[0].replace(/\0/g, '').trim(), o.key)];
  }
  // Implementation identity of the writer; the source's (a site's software) is not kept
  delete file.meta['00020016']; // SourceApplicationEntityTitle
  file.dict['00100010'] ??= { vr: 'PN', Value: [{ Alphabetic: o.pseudonym }] };
  file.dict['00100020'] ??= { vr: 'LO', Value: [o.pseudonym] };
  file.dict['00120062'] = { vr: 'CS', Value: ['YES'] };
  file.dict['00120063'] = { vr: 'LO', Value: ['PS3.15 E.1 Basic Profile; Modified Dates (Hepatoscope)'] };
  file.dict['00120064'] = {
    vr: 'SQ',
    Value: [code('113100', 'Basic Application Confidentiality Profile'), code('113107', 'Retain Longitudinal Temporal Information Modified Dates Option')],
  };
  file.dict['00280303'] = { vr: 'CS', Value: [o.dateShiftDays ? 'MODIFIED' : 'UNMODIFIED'] };
  return new Uint8Array(file.write());
}
