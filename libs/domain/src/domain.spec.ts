import { BCLC_STAGES, bclcLabel, loginSchema, paginationSchema, patientListQuerySchema, phaseLabel } from './index';

describe('domain', () => {
  it('labels BCLC stages and phases', () => {
    expect(BCLC_STAGES.map(bclcLabel)).toEqual(['0', 'A', 'B', 'C', 'D']);
    expect(phaseLabel('PORTAL_VENOUS')).toBe('Portal venous');
    expect(phaseLabel('ADC')).toBe('ADC');
  });

  it('defaults and bounds pagination', () => {
    expect(paginationSchema.parse({})).toEqual({ page: 1, pageSize: 25 });
    expect(paginationSchema.safeParse({ pageSize: 500 }).success).toBe(false);
    expect(paginationSchema.safeParse({ page: 0 }).success).toBe(false);
  });

  it('validates the patient list query', () => {
    expect(patientListQuerySchema.parse({ bclc: 'B', search: ' TCIA ' })).toMatchObject({ bclc: 'B', search: 'TCIA', page: 1 });
    const bad = patientListQuerySchema.safeParse({ bclc: 'E', cohortId: 'nope' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0]).sort()).toEqual(['bclc', 'cohortId']);
  });

  it('normalises login e-mails and names the bad field', () => {
    expect(loginSchema.parse({ email: ' Admin@Demo.Hepatoscope.org ', password: 'x' }).email).toBe('admin@demo.hepatoscope.org');
    const r = loginSchema.safeParse({ email: 'not-an-email', password: '' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toEqual(expect.arrayContaining(['email must be an e-mail address', 'password is required']));
  });
});
