import { DicomwebError } from '@hepatoscope/dicomweb';
import { parseDicomFile } from '@hepatoscope/imaging-io';
import { DomainError } from '../errors';
import { renderTextPdf } from './pdf';
import {
  buildEncapsulatedPdf,
  pacsError,
  qidoDateRange,
  segmentInfoFor,
  SOP_ENCAPSULATED_PDF,
  uidFromName,
  type EncapsulatedPdfMeta,
} from './pacs';

const meta: EncapsulatedPdfMeta = {
  patientId: 'HS-0042',
  patientName: 'DOE^JANE',
  patientBirthDate: '1960-03-04',
  patientSex: 'F',
  studyInstanceUid: '1.2.826.0.1.3680043.10.1234.7',
  studyDate: '2026-01-01',
  studyTime: '120000',
  accessionNumber: 'ACC1',
  studyId: '1',
  seriesInstanceUid: '2.25.1',
  sopInstanceUid: '2.25.2',
  documentTitle: 'Hepatoscope structured report HS-0042',
  contentDateTime: new Date('2026-02-03T04:05:06Z'),
};

describe('buildEncapsulatedPdf', () => {
  it('writes an Encapsulated PDF object whose document is the PDF byte for byte (odd length padded, length kept)', () => {
    const pdf = renderTextPdf('Report\nLesion 1: 23 mm, APHE + washout', { title: 't' });
    const odd = pdf.length % 2 ? pdf : Uint8Array.from([...pdf, 0x0a]);
    const ds = parseDicomFile(buildEncapsulatedPdf(odd, meta), 'pdf.dcm').dataSet;
    expect(ds.string('x00080016')).toBe(SOP_ENCAPSULATED_PDF);
    expect(ds.string('x00020002')).toBe(SOP_ENCAPSULATED_PDF);
    expect(ds.string('x00080018')).toBe('2.25.2');
    expect(ds.string('x00080060')).toBe('DOC');
    expect(ds.string('x00420012')).toBe('application/pdf');
    expect(ds.string('x00100020')).toBe('HS-0042');
    expect(ds.string('x00100010')).toBe('DOE^JANE');
    expect(ds.string('x00100030')).toBe('19600304');
    expect(ds.string('x00080020')).toBe('20260101');
    expect(ds.string('x00080023')).toBe('20260203');
    expect(ds.string('x00080033')).toBe('040506');
    expect(ds.string('x0020000d')).toBe(meta.studyInstanceUid);
    expect(ds.uint32('x00420015')).toBe(odd.length);
    const el = ds.elements['x00420011']!;
    expect(el.length).toBe(odd.length + 1); // padded to even
    expect(Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + odd.length)).equals(Buffer.from(odd))).toBe(
      true,
    );
  });

  it('refuses bytes that are not a PDF; leaves malformed dates empty instead of writing bad DA values', () => {
    expect(() => buildEncapsulatedPdf(new TextEncoder().encode('<html>'), meta)).toThrow(DomainError);
    const pdf = renderTextPdf('x');
    const ds = parseDicomFile(
      buildEncapsulatedPdf(pdf, { ...meta, studyDate: '1st of May', patientSex: 'X' }),
      'p',
    ).dataSet;
    expect(ds.string('x00080020') ?? '').toBe('');
    expect(ds.string('x00100040') ?? '').toBe('');
  });
});

describe('uidFromName', () => {
  it('is deterministic, distinct per name, a valid 2.25 UID of at most 64 characters with UUID v5 bits', () => {
    const a = uidFromName('report:1');
    expect(uidFromName('report:1')).toBe(a);
    expect(uidFromName('report:2')).not.toBe(a);
    expect(a).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(a.length).toBeLessThanOrEqual(64);
    const hex = BigInt(a.slice(5)).toString(16).padStart(32, '0');
    expect(hex[12]).toBe('5');
    expect(['8', '9', 'a', 'b']).toContain(hex[16]);
  });
});

describe('qidoDateRange', () => {
  it('builds DICOM ranges, open on either side, and refuses bad or reversed dates', () => {
    expect(qidoDateRange()).toBeUndefined();
    expect(qidoDateRange('2025-01-01', '2025-01-31')).toBe('20250101-20250131');
    expect(qidoDateRange('2025-01-01')).toBe('20250101-');
    expect(qidoDateRange(undefined, '2025-01-31')).toBe('-20250131');
    expect(qidoDateRange('2025-01-05', '2025-01-05')).toBe('20250105');
    expect(() => qidoDateRange('2025-02-01', '2025-01-01')).toThrow(/after dateTo/);
    expect(() => qidoDateRange('01/02/2025')).toThrow(/not YYYY-MM-DD/);
  });
});

describe('segmentInfoFor', () => {
  it('codes liver labels as Liver and lesion/tumour labels as Neoplasm; algorithm type from the source', () => {
    expect(segmentInfoFor(1, 'liver', 'LIVER', 'AUTO')).toMatchObject({
      label: 1,
      type: { CodeValue: '10200004' },
      algorithmType: 'AUTOMATIC',
    });
    expect(segmentInfoFor(2, 'tumour', 'LIVER', 'AUTO')).toMatchObject({ type: { CodeValue: '108369006' } });
    expect(segmentInfoFor(1, 'L1 (hcc)', 'LESION', 'MANUAL')).toMatchObject({
      type: { CodeValue: '108369006' },
      algorithmType: 'MANUAL',
    });
    expect(segmentInfoFor(1, 'L1 (hcc)', 'LESION', 'MANUAL')).not.toHaveProperty('algorithmName');
    expect(segmentInfoFor(3, '', 'LESION', 'SEMI_AUTO')).toMatchObject({
      name: 'Label 3',
      algorithmType: 'SEMIAUTOMATIC',
    });
  });
});

describe('pacsError', () => {
  it('maps each client failure to a DomainError code with the cause in the message', () => {
    const m = (e: DicomwebError) => pacsError(e, 'import study 1.2');
    expect(m(new DicomwebError('unreachable', 'the PACS at http://x is unreachable (ECONNREFUSED)'))).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/^PACS unreachable while trying to import study 1\.2: .*ECONNREFUSED/),
    });
    expect(m(new DicomwebError('timeout', 't'))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(m(new DicomwebError('http', 'HTTP 500', 500))).toMatchObject({
      code: 'UNAVAILABLE',
      details: { status: 500 },
    });
    expect(m(new DicomwebError('not-found', 'HTTP 404', 404))).toMatchObject({ code: 'NOT_FOUND' });
    expect(m(new DicomwebError('protocol', 'truncated multipart body'))).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/invalid answer.*truncated multipart body/),
    });
    expect(m(new DicomwebError('too-large', 'big'))).toMatchObject({ code: 'INVALID' });
    const d = new DomainError('CONFLICT', 'x');
    expect(pacsError(d, 'y')).toBe(d);
  });
});
