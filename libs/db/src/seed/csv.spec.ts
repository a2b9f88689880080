import { parseCsv } from './csv';

describe('parseCsv', () => {
  it('parses quoted fields with commas, doubled quotes and newlines, CRLF and a BOM', () => {
    const rows = parseCsv('\ufeffa,b,c\r\n1,"x, y","he said ""hi"""\r\n2,"multi\nline",\n');
    expect(rows).toEqual([
      { a: '1', b: 'x, y', c: 'he said "hi"' },
      { a: '2', b: 'multi\nline', c: '' },
    ]);
  });

  it('handles a missing final newline and ignores blank lines', () => {
    expect(parseCsv('a,b\n\n1,2')).toEqual([{ a: '1', b: '2' }]);
  });

  it('names the row whose field count differs from the header', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n')).toThrow(/data row 2 has 1 fields but the header has 2/);
  });

  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('a\n"open')).toThrow(/unterminated/);
  });
});
