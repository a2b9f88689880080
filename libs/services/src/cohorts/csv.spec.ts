import { parseCsv } from './csv';
import { validatePatientCsv } from './validate';

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, embedded newlines, CRLF, BOM and blank lines', () => {
    const p = parseCsv('\ufeffid,note\r\n1,"a, ""b"""\r\n\r\n2,"line1\nline2"\n');
    expect(p.header).toEqual(['id', 'note']);
    expect(p.rows).toEqual([
      { line: 2, cells: ['1', 'a, "b"'] },
      { line: 4, cells: ['2', 'line1\nline2'] },
    ]);
  });
  it('detects semicolon-separated files', () => {
    expect(parseCsv('a;b\n1;2').delimiter).toBe(';');
  });
  it('names the line of an unterminated quote', () => {
    expect(() => parseCsv('a,b\n1,2\n3,"oops\n')).toThrow(/unterminated quoted field starting on line 3/);
  });
  it('refuses an empty file', () => {
    expect(() => parseCsv('')).toThrow(/no header row/);
  });
});

describe('validatePatientCsv', () => {
  const csv = [
    'ID,Gender,Age,BCLC stage,AFP,OS (months),Death,Centre',
    'P1,M,61,A,12.5,30,0,Leeds',
    'P2,F,200,B,8,12,1,Leeds', // age out of range
    'P3,X,55,E,abc,,1,Oslo', // sex, bclc, afp invalid; event without time
    'P1,M,60,A,1,1,0,Leeds', // duplicate id
    ',M,60,A,1,1,0,Leeds', // empty id
    'P6,f,NA,0,,5.5,yes,Oslo',
    'P7,M,50', // short row
  ].join('\n');
  const mapping = {
    pseudoId: 'ID',
    sex: 'Gender',
    age: 'Age',
    bclc: 'BCLC stage',
    afp: 'AFP',
    osMonths: 'OS (months)',
    osEvent: 'Death',
  } as const;

  it('reports every row with its line and reasons; only valid rows become drafts', () => {
    const r = validatePatientCsv(csv, mapping);
    expect(r.totalRows).toBe(7);
    expect(r.validRows).toBe(2);
    expect(r.unmappedColumns).toEqual(['Centre']);
    const byLine = Object.fromEntries(r.rows.map((x) => [x.line, x]));
    expect(byLine[2]!.ok).toBe(true);
    expect(byLine[3]!.errors).toEqual(['age 200 is outside 0..120']);
    expect(byLine[4]!.errors).toEqual(
      expect.arrayContaining([
        'afp "abc" is not a number',
        'sex "X" is not M/F',
        'bclc "E" is not 0/A/B/C/D',
        'osEvent is given without osMonths',
      ]),
    );
    expect(byLine[5]!.errors).toEqual(['pseudoId P1 repeats line 2']);
    expect(byLine[6]!.errors).toEqual(['pseudoId is empty']);
    expect(byLine[7]!.ok).toBe(true);
    expect(byLine[8]!.errors[0]).toMatch(/has 3 cells but the header has 8/);
    expect(r.drafts).toEqual([
      {
        pseudoId: 'P1',
        sex: 'MALE',
        age: 61,
        bclc: 'A',
        afp: 12.5,
        osMonths: 30,
        osEvent: false,
        extra: { Centre: 'Leeds' },
      },
      { pseudoId: 'P6', sex: 'FEMALE', bclc: 'STAGE_0', osMonths: 5.5, osEvent: true, extra: { Centre: 'Oslo' } },
    ]);
  });

  it('binds the report to the exact CSV and mapping (hash)', () => {
    const a = validatePatientCsv(csv, mapping).reportHash;
    expect(validatePatientCsv(csv, mapping).reportHash).toBe(a);
    expect(validatePatientCsv(csv + '\n', mapping).reportHash).not.toBe(a);
    expect(validatePatientCsv(csv, { ...mapping, age: undefined }).reportHash).not.toBe(a);
  });

  it('refuses a mapping without pseudoId or naming a missing column', () => {
    const r = validatePatientCsv(csv, { sex: 'Gender', age: 'Nope' });
    expect(r.validRows).toBe(0);
    expect(r.rows[0]!.errors).toEqual([
      'mapping: pseudoId must be mapped to a column',
      'mapping: column "Nope" (for age) is not in the header',
    ]);
  });
});
