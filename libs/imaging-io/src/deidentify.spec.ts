import { assembleDicomSeries, parseDicomFile } from './dicom';
import { encodeDicomSeries, type DicomElementSpec } from './dicom-writer';
import { deidentifyDicom, EMPTY, remapUid, REMOVE, shiftDate } from './deidentify';
import { ctVolume } from './test-helpers';

const KEY = 'k'.repeat(40);
const PHI = ['DOE^JANE', 'MRN-12345', '19610203', 'General Hospital', '1 Main Street', 'DR^WHO', 'ACC-777', 'OTHER-ID-9', 'Secret private note', 'Operator^Olga', '+1-555-0100', 'Liver protocol v7'];

/** A slice series carrying the identifying attributes of the profile (values from PHI), private tags and sequences. */
function identifiedSeries() {
  const extra: DicomElementSpec[] = [
    { tag: 0x00080020, vr: 'DA', value: '20250110' },
    { tag: 0x00080021, vr: 'DA', value: '20250110' },
    { tag: 0x0008002a, vr: 'DT', value: '20250110093000' },
    { tag: 0x00080050, vr: 'SH', value: 'ACC-777' },
    { tag: 0x00080080, vr: 'LO', value: 'General Hospital' },
    { tag: 0x00080081, vr: 'ST', value: '1 Main Street' },
    { tag: 0x00080090, vr: 'PN', value: 'DR^WHO' },
    { tag: 0x00081070, vr: 'PN', value: 'Operator^Olga' },
    { tag: 0x00100030, vr: 'DA', value: '19610203' },
    { tag: 0x00101000, vr: 'LO', value: 'OTHER-ID-9' },
    { tag: 0x00101040, vr: 'LO', value: '1 Main Street' },
    { tag: 0x00102154, vr: 'SH', value: '+1-555-0100' },
    { tag: 0x00181030, vr: 'LO', value: 'Liver protocol v7' },
    { tag: 0x00090010, vr: 'LO', value: 'ACME PRIVATE' },
    { tag: 0x00091001, vr: 'LO', value: 'Secret private note' },
    {
      tag: 0x00081140, // ReferencedImageSequence: a UID reference and a name inside a sequence
      vr: 'SQ',
      value: [
        [
          { tag: 0x00081150, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
          { tag: 0x00081155, vr: 'UI', value: '1.2.3.4.5.6.7.8.9' },
          { tag: 0x00401010, vr: 'PN', value: 'DR^WHO' },
        ],
      ],
    },
  ];
  return encodeDicomSeries(ctVolume([6, 5, 4]), {
    patientName: 'DOE^JANE',
    patientId: 'MRN-12345',
    seriesDescription: 'Liver protocol v7',
    studyInstanceUid: '1.2.826.0.1.99.1',
    frameOfReferenceUid: '1.2.826.0.1.99.3',
    seriesInstanceUid: '1.2.826.0.1.99.2',
    extra,
  });
}

type Nat = Record<string, unknown>;
const dcmjs = require('dcmjs') as {
  data: {
    DicomMessage: { readFile(ab: ArrayBuffer): { dict: Record<string, { vr: string; Value?: unknown[] }>; meta: Record<string, { Value?: unknown[] }> } };
    DicomMetaDictionary: { naturalizeDataset(d: unknown): Nat };
  };
};
const read = (b: Uint8Array) => dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);

describe('deidentifyDicom (PS3.15 E.1 basic profile, modified dates)', () => {
  const src = identifiedSeries();
  const out = src.files.map((f) => deidentifyDicom(f, { pseudonym: 'HS-7F3A', key: KEY, dateShiftDays: 40 }));

  it('leaves none of the identifying values anywhere in the bytes', () => {
    const latin = (b: Uint8Array) => Buffer.from(b).toString('latin1');
    for (const s of PHI) expect(src.files.some((f) => latin(f).includes(s))).toBe(true); // the source has them
    for (const f of out) for (const s of PHI) expect(latin(f)).not.toContain(s);
  });

  it('removes or empties every profile attribute, drops private tags, sets the de-identification attributes', () => {
    for (const f of out) {
      const { dict, meta } = read(f);
      for (const tag of Object.keys(REMOVE)) expect(dict[tag]).toBeUndefined();
      for (const tag of Object.keys(EMPTY)) {
        // zero-length on write; dcmjs reads a zero-length value back as ['']
        expect((dict[tag]?.Value ?? []).filter((v) => v !== '' && v !== null)).toEqual([]);
      }
      expect(Object.keys(dict).filter((t) => parseInt(t.slice(0, 4), 16) % 2 === 1)).toEqual([]);
      const n = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict);
      expect(n.PatientName).toEqual([{ Alphabetic: 'HS-7F3A' }]);
      expect(n.PatientID).toBe('HS-7F3A');
      expect(n.PatientIdentityRemoved).toBe('YES');
      expect(String(n.DeidentificationMethod)).toMatch(/Basic Profile/);
      const codes = (n.DeidentificationMethodCodeSequence as Nat[]).map((c) => c.CodeValue);
      expect(codes).toEqual(['113100', '113107']);
      expect(n.LongitudinalTemporalInformationModified).toBe('MODIFIED');
      // inside sequences: names gone, UID references remapped, standard SOP class UIDs kept
      const ref = (n.ReferencedImageSequence as Nat[] | Nat);
      const item = (Array.isArray(ref) ? ref[0] : ref) as Nat;
      expect(item.ReferencedSOPInstanceUID).toBe(remapUid('1.2.3.4.5.6.7.8.9', KEY));
      expect(item.ReferencedSOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
      expect(item.ScheduledPerformingPhysicianName).toBeUndefined();
      expect(meta['00020003']!.Value![0]).toBe(n.SOPInstanceUID);
    }
  });

  it('remaps UIDs consistently across the series (same study/series/frame, unique SOP instances)', () => {
    const nat = out.map((f) => dcmjs.data.DicomMetaDictionary.naturalizeDataset(read(f).dict));
    expect(new Set(nat.map((n) => n.StudyInstanceUID))).toEqual(new Set([remapUid('1.2.826.0.1.99.1', KEY)]));
    expect(new Set(nat.map((n) => n.SeriesInstanceUID))).toEqual(new Set([remapUid('1.2.826.0.1.99.2', KEY)]));
    expect(new Set(nat.map((n) => n.FrameOfReferenceUID))).toEqual(new Set([remapUid('1.2.826.0.1.99.3', KEY)]));
    expect(nat.map((n) => n.SOPInstanceUID)).toEqual(src.sopInstanceUids.map((u) => remapUid(u, KEY)));
    expect(new Set(nat.map((n) => n.SOPInstanceUID)).size).toBe(src.files.length);
    for (const n of nat) expect(String(n.SOPInstanceUID)).toMatch(/^2\.25\.\d{1,39}$/);
    // another key → other UIDs (the mapping is keyed, not a public hash)
    expect(remapUid('1.2.826.0.1.99.1', 'x'.repeat(40))).not.toBe(remapUid('1.2.826.0.1.99.1', KEY));
  });

  it('shifts dates by the offset and keeps times; the birth date is emptied', () => {
    const n = dcmjs.data.DicomMetaDictionary.naturalizeDataset(read(out[0]!).dict);
    expect(n.StudyDate).toBe('20241201');
    expect(n.SeriesDate).toBe('20241201');
    expect(n.AcquisitionDateTime).toBe('20241201093000');
    expect(n.StudyTime).toBe('120000');
    expect(n.PatientBirthDate ?? '').toBe('');
    expect(shiftDate('20240301', 1)).toBe('20240229');
    expect(shiftDate('garbage', 1)).toBe('');
  });

  it('keeps the image: the de-identified series assembles to the same volume', () => {
    const a = assembleDicomSeries(src.files.map((f, i) => parseDicomFile(f, `a${i}`)));
    const b = assembleDicomSeries(out.map((f, i) => parseDicomFile(f, `b${i}`)));
    expect(b.dims).toEqual(a.dims);
    expect(b.spacing).toEqual(a.spacing);
    expect(b.origin).toEqual(a.origin);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('refuses burned-in annotation, bad options and unreadable input with a clear error', () => {
    const burned = encodeDicomSeries(ctVolume([2, 2, 1]), { extra: [{ tag: 0x00280301, vr: 'CS', value: 'YES' }] }).files[0]!;
    expect(() => deidentifyDicom(burned, { pseudonym: 'P1', key: KEY, dateShiftDays: 1 })).toThrow(/deidentify: BurnedInAnnotation is YES/);
    expect(() => deidentifyDicom(out[0]!, { pseudonym: 'DOE^JANE', key: KEY, dateShiftDays: 1 })).toThrow(/deidentify: pseudonym/);
    expect(() => deidentifyDicom(out[0]!, { pseudonym: 'P1', key: 'short', dateShiftDays: 1 })).toThrow(/at least 32/);
    expect(() => deidentifyDicom(new Uint8Array(10), { pseudonym: 'P1', key: KEY, dateShiftDays: 1 })).toThrow(/deidentify: not a readable DICOM/);
  });
});
