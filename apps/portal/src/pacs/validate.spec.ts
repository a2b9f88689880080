import { validatePacsCriteria, validatePacsSettings } from './validate';

const empty = { patientId: '', patientName: '', dateFrom: '', dateTo: '', modality: '', accessionNumber: '' };
const settings = { url: 'http://pacs:8042/dicom-web', authType: 'none' as const, username: '', secret: '', hasSecret: false, sameType: false, timeoutS: '60' };

describe('PACS search form checks (the API schema from @hepatoscope/domain)', () => {
  it('drops empty fields and trims the rest', () => {
    expect(validatePacsCriteria(empty)).toEqual({ criteria: {} });
    expect(validatePacsCriteria({ ...empty, patientId: ' HCC-1 ', dateFrom: '2025-01-01', dateTo: '2025-01-01', modality: 'CT' })).toEqual({
      criteria: { patientId: 'HCC-1', dateFrom: '2025-01-01', dateTo: '2025-01-01', modality: 'CT' },
    });
  });
  it('names the wrong field', () => {
    expect(validatePacsCriteria({ ...empty, patientName: 'A\\B' })).toEqual({ error: 'Patient name: printable text without backslashes.' });
    expect(validatePacsCriteria({ ...empty, accessionNumber: 'x'.repeat(65) })).toEqual({ error: 'Accession number: at most 64 characters.' });
    expect(validatePacsCriteria({ ...empty, dateTo: '2025-02-30x' })).toEqual({ error: 'To date: use YYYY-MM-DD (an existing day).' });
    expect(validatePacsCriteria({ ...empty, dateFrom: '2025-02-30' })).toEqual({ error: 'From date: use YYYY-MM-DD (an existing day).' });
    expect(validatePacsCriteria({ ...empty, modality: 'ct' })).toEqual({ error: 'Modality: a DICOM modality code such as CT or MR.' });
    expect(validatePacsCriteria({ ...empty, dateFrom: '2025-03-01', dateTo: '2025-02-01' })).toEqual({ error: 'The "from" date is after the "to" date.' });
  });
});

describe('PACS settings form checks', () => {
  it('accepts a plain URL without authentication', () => {
    expect(validatePacsSettings(settings)).toBeNull();
  });
  it('refuses bad URLs, credentials in the URL, missing secrets and timeouts out of range', () => {
    expect(validatePacsSettings({ ...settings, url: 'pacs/dicom-web' })).toMatch(/Enter the DICOMweb URL/);
    expect(validatePacsSettings({ ...settings, url: 'ftp://pacs/dicom-web' })).toMatch(/http:\/\/ or https:\/\//);
    expect(validatePacsSettings({ ...settings, url: 'http://u:p@pacs/dicom-web' })).toMatch(/not in the URL/);
    expect(validatePacsSettings({ ...settings, authType: 'basic' })).toMatch(/user name/);
    expect(validatePacsSettings({ ...settings, authType: 'basic', username: 'u' })).toMatch(/Enter the password/);
    expect(validatePacsSettings({ ...settings, authType: 'bearer' })).toMatch(/bearer token/);
    expect(validatePacsSettings({ ...settings, timeoutS: '0' })).toMatch(/timeout/);
    expect(validatePacsSettings({ ...settings, timeoutS: '2.5' })).toMatch(/timeout/);
  });
  it('keeps a stored secret when the authentication type is unchanged', () => {
    expect(validatePacsSettings({ ...settings, authType: 'basic', username: 'u', hasSecret: true, sameType: true })).toBeNull();
    expect(validatePacsSettings({ ...settings, authType: 'bearer', hasSecret: true, sameType: false })).toMatch(/bearer token/);
  });
});
