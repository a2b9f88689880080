import { isCalendarDate, pacsSearchCriteriaSchema, pacsSearchSchema } from './pacs';

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('PACS search schema', () => {
  it('defaults the page, trims the matching texts and keeps the criteria', () => {
    expect(pacsSearchSchema.parse(undefined)).toEqual({ page: 1, pageSize: 25 });
    expect(pacsSearchSchema.parse({ patientId: ' HCC-1 ', dateFrom: '2025-01-01', dateTo: '2025-01-01', modality: 'CT' })).toEqual({
      patientId: 'HCC-1',
      dateFrom: '2025-01-01',
      dateTo: '2025-01-01',
      modality: 'CT',
      page: 1,
      pageSize: 25,
    });
  });

  it('names the field and the rule that failed', () => {
    expect(issues(pacsSearchCriteriaSchema.safeParse({ patientName: 'A\\B' }))).toEqual(['patientName: printable text without backslashes']);
    expect(issues(pacsSearchCriteriaSchema.safeParse({ accessionNumber: 'x'.repeat(65) }))).toEqual(['accessionNumber: at most 64 characters']);
    expect(issues(pacsSearchCriteriaSchema.safeParse({ patientId: 'a\u0001' }))).toEqual(['patientId: printable text without backslashes']);
    expect(issues(pacsSearchCriteriaSchema.safeParse({ dateFrom: '01/02/2026' }))).toEqual(['dateFrom: use YYYY-MM-DD (an existing day)']);
    expect(issues(pacsSearchCriteriaSchema.safeParse({ modality: 'ct' }))).toEqual(['modality: a DICOM modality code such as CT or MR']);
    expect(issues(pacsSearchCriteriaSchema.safeParse({ dateFrom: '2025-03-01', dateTo: '2025-02-01' }))).toEqual(['dateTo: the "from" date is after the "to" date']);
    expect(issues(pacsSearchSchema.safeParse({ dateFrom: '2025-03-01', dateTo: '2025-02-01' }))).toEqual(['dateTo: the "from" date is after the "to" date']);
  });

  it('bounds the page', () => {
    expect(pacsSearchSchema.safeParse({ pageSize: 101 }).success).toBe(false);
    expect(pacsSearchSchema.safeParse({ page: 0 }).success).toBe(false);
    expect(pacsSearchSchema.parse({ page: 3, pageSize: 100 })).toEqual({ page: 3, pageSize: 100 });
  });

  it('accepts only existing calendar days', () => {
    expect(['2024-02-29', '2025-12-31', '1999-01-01'].map(isCalendarDate)).toEqual([true, true, true]);
    expect(['2025-02-29', '2025-02-30', '2025-13-01', '2025-1-01', '2025-01-01T00:00', ''].map(isCalendarDate)).toEqual([false, false, false, false, false, false]);
  });
});
