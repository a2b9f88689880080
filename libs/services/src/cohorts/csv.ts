/**
 * Minimal RFC 4180 CSV parser: comma (or `;` when the header has more semicolons than commas), double-quote
 * quoting with `""` escapes, CRLF/LF line ends, a UTF-8 BOM is ignored, blank lines are skipped.
 * Returns the header and the data rows with their 1-based line numbers (line of the record's first character).
 * Throws on an unterminated quoted field, naming the line.
 */
export interface ParsedCsv {
  header: string[];
  rows: Array<{ line: number; cells: string[] }>;
  delimiter: ',' | ';';
}

export function parseCsv(text: string, maxRows = 100_000): ParsedCsv {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(field);
    field = '';
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
    cells = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      inQuotes = true;
      i++;
    } else if (c === delimiter) {
      cells.push(field);
      field = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      recordLine = line;
      if (records.length > maxRows + 1) throw new Error(`parseCsv: more than ${maxRows} data rows`);
    } else {
      field += c;
      i++;
    }
  }
  if (inQuotes) throw new Error(`parseCsv: unterminated quoted field starting on line ${recordLine}`);
  if (field !== '' || cells.length) endRecord();
  const [head, ...rows] = records;
  if (!head) throw new Error('parseCsv: the file has no header row');
  if (rows.length > maxRows) throw new Error(`parseCsv: more than ${maxRows} data rows`);
  return { header: head.cells.map((h) => h.trim()), rows, delimiter };
}
