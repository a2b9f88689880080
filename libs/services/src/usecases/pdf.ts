/**
 * A minimal, dependency-free PDF 1.4 writer for text reports: A4 pages, Helvetica 10 pt (WinAnsi), lines wrapped at
 * `wrap` characters, `linesPerPage` lines per page, page numbers in the footer. Deterministic: no creation date or
 * random ids, so the same text gives byte-identical PDFs. Characters outside Latin-1 are written as '?'.
 */
export function renderTextPdf(
  text: string,
  opts: { title?: string; wrap?: number; linesPerPage?: number } = {},
): Uint8Array {
  const wrap = opts.wrap ?? 95;
  const perPage = opts.linesPerPage ?? 60;
  const lines: string[] = [];
  for (const raw of text.replace(/\t/g, '  ').split('\n')) {
    let rest = raw.trimEnd();
    if (!rest) {
      lines.push('');
      continue;
    }
    while (rest.length > wrap) {
      let cut = rest.lastIndexOf(' ', wrap);
      if (cut < wrap / 2) cut = wrap;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    lines.push(rest);
  }
  const pages: string[][] = [];
  for (let i = 0; i < Math.max(1, lines.length); i += perPage) pages.push(lines.slice(i, i + perPage));

  const esc = (s: string) =>
    Array.from(s, (ch) => {
      const c = ch.codePointAt(0)!;
      const b =
        c === 0x2014 || c === 0x2013
          ? '-'
          : c === 0x2264
            ? '<='
            : c === 0x2265
              ? '>='
              : c === 0x2212
                ? '-'
                : c <= 0xff
                  ? ch
                  : '?';
      return b.replace(/[\\()]/g, (m) => `\\${m}`);
    }).join('');

  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length; // object number
  };
  const catalog = add(''); // placeholder, filled below
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  pages.forEach((pl, pi) => {
    const ops = ['BT', '/F1 10 Tf', '12 TL', '50 800 Td'];
    for (const l of pl) ops.push(`(${esc(l)}) '`);
    ops.push(
      'ET',
      'BT',
      '/F1 8 Tf',
      '50 30 Td',
      `(${esc(`${opts.title ?? 'Hepatoscope report'} - page ${pi + 1} of ${pages.length}`)}) Tj`,
      'ET',
    );
    const stream = ops.join('\n');
    const content = add(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`,
      ),
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const info = add(`<< /Title (${esc(opts.title ?? 'Hepatoscope report')}) /Producer (Hepatoscope) >>`);

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
