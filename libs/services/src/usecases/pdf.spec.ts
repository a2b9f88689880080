import { renderTextPdf } from './pdf';

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('renderTextPdf', () => {
  it('writes a valid PDF 1.4: header, objects at the xref offsets, trailer, EOF', () => {
    const pdf = latin1(renderTextPdf('Structured report — FX-001\nAFP 120 ng/mL (95 % CI 1.2 – 3.4)', { title: 'R' }));
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n/.exec(pdf)![1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe('xref');
    const entries = pdf
      .slice(startxref)
      .split('\n')
      .slice(3)
      .filter((l) => / 00000 n $/.test(l));
    entries.forEach((l, i) => {
      const off = Number(l.slice(0, 10));
      expect(pdf.slice(off, off + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(pdf).toContain("(Structured report - FX-001) '");
    expect(pdf).toMatch(/\/Length (\d+) >>\nstream\n/);
  });

  it('paginates, wraps long lines, escapes parentheses and is deterministic', () => {
    const text = Array.from({ length: 130 }, (_, i) => `line ${i} (x) \\ ${'word '.repeat(i === 5 ? 40 : 1)}`).join(
      '\n',
    );
    const a = renderTextPdf(text);
    expect(Buffer.from(a).equals(Buffer.from(renderTextPdf(text)))).toBe(true);
    const s = latin1(a);
    expect(s).toContain('/Count 3');
    expect(s).toContain('page 3 of 3');
    expect(s).toContain('line 1 \\(x\\) \\\\ word');
    expect(s).not.toMatch(/\(line 5 [^\n]{120,}/); // wrapped
  });
});
