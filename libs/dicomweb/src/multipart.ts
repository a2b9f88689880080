/**
 * multipart/related (RFC 2387 over RFC 2046 §5.1) — the envelope of WADO-RS responses and STOW-RS requests
 * (DICOM PS3.18 §8.6.1.2). Pure functions over bytes: no I/O, no Node built-ins.
 *
 * Parsing is strict about what matters for medical data: a body without its closing delimiter
 * (`--boundary--`) is truncated and refused, as is a part without a header block. Preamble and epilogue are
 * ignored as the RFC says; a line ending may be CRLF or a bare LF (some servers send LF).
 */

/** One body part: its headers (names lower-cased) and its bytes (a view into the input, not a copy). */
export interface MultipartPart {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A malformed multipart body or Content-Type; `message` says what was wrong. */
export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

/** A parsed media type: `type/subtype` lower-cased and its parameters (names lower-cased, quotes removed). */
export interface MediaType {
  type: string;
  params: Record<string, string>;
}

/**
 * Parses a Content-Type header value, e.g. `multipart/related; type="application/dicom"; boundary=abc`.
 * Quoted parameter values may contain `;` and escaped characters (`\"`).
 */
export function parseMediaType(header: string): MediaType {
  const s = header.trim();
  const semi = s.indexOf(';');
  const type = (semi < 0 ? s : s.slice(0, semi)).trim().toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(type))
    throw new MultipartError(`Content-Type "${header.slice(0, 80)}" is not a media type`);
  const params: Record<string, string> = {};
  let i = semi < 0 ? s.length : semi + 1;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ';')) i++;
    const eq = s.indexOf('=', i);
    if (eq < 0) break;
    const name = s.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let value = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        value += s[i++];
      }
      if (s[i] !== '"')
        throw new MultipartError(`Content-Type "${header.slice(0, 80)}" has an unterminated quoted parameter`);
      i++;
      while (i < s.length && s[i] !== ';') i++;
    } else {
      const end = s.indexOf(';', i);
      value = (end < 0 ? s.slice(i) : s.slice(i, end)).trim();
      i = end < 0 ? s.length : end;
    }
    if (name) params[name] = value;
  }
  return { type, params };
}

/** The boundary of a multipart Content-Type; throws when the type is not multipart or the boundary is absent/invalid. */
export function boundaryOf(contentType: string): string {
  const mt = parseMediaType(contentType);
  if (!mt.type.startsWith('multipart/'))
    throw new MultipartError(`expected a multipart response, got Content-Type ${mt.type}`);
  const b = mt.params['boundary'];
  if (!b) throw new MultipartError(`Content-Type ${mt.type} has no boundary parameter`);
  if (b.length > 70) throw new MultipartError('the multipart boundary is longer than 70 characters (RFC 2046)');
  return b;
}

const enc = new TextEncoder();
const latin1 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
};

/** Index of `needle` in `hay` at or after `from` (Boyer–Moore–Horspool), or −1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const m = needle.length;
  const n = hay.length;
  if (m === 0) return from <= n ? from : -1;
  const shift = new Uint32Array(256).fill(m);
  for (let i = 0; i < m - 1; i++) shift[needle[i]!] = m - 1 - i;
  const last = needle[m - 1]!;
  let i = from;
  while (i <= n - m) {
    const c = hay[i + m - 1]!;
    if (c === last) {
      let j = m - 2;
      while (j >= 0 && hay[i + j] === needle[j]) j--;
      if (j < 0) return i;
    }
    i += shift[c]!;
  }
  return -1;
}

/** Position just after the line break at `i` (CRLF or LF), or −1 if there is none at `i`. */
function afterEol(b: Uint8Array, i: number): number {
  if (b[i] === 0x0d && b[i + 1] === 0x0a) return i + 2;
  if (b[i] === 0x0a) return i + 1;
  return -1;
}

/**
 * Splits a multipart body into its parts. `boundary` comes from the Content-Type (see {@link boundaryOf}).
 * Throws {@link MultipartError} when the first delimiter or the closing delimiter is missing (truncated body),
 * or when a part has no header/body separator.
 */
export function parseMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  if (!boundary) throw new MultipartError('empty multipart boundary');
  const dash = enc.encode('--' + boundary);
  // The first delimiter may open the body (no preceding line break); later ones follow a line break.
  let pos: number;
  if (indexOfBytes(body.subarray(0, dash.length), dash) === 0) pos = 0;
  else {
    const lf = indexOfBytes(body, enc.encode('\n--' + boundary));
    if (lf < 0)
      throw new MultipartError(
        `the body holds no delimiter --${boundary.slice(0, 70)} (not this multipart message, or empty)`,
      );
    pos = lf + 1;
  }
  const delim = enc.encode('\n--' + boundary);
  const parts: MultipartPart[] = [];
  for (;;) {
    let p = pos + dash.length;
    if (body[p] === 0x2d && body[p + 1] === 0x2d) return parts; // closing delimiter: the epilogue is ignored
    while (body[p] === 0x20 || body[p] === 0x09) p++; // transport padding
    const start = afterEol(body, p);
    if (start < 0) {
      if (p + 2 > body.length)
        throw new MultipartError(
          `truncated multipart body: it ends after part ${parts.length} without the closing delimiter`,
        );
      throw new MultipartError(`malformed delimiter line after part ${parts.length}`);
    }
    const next = indexOfBytes(body, delim, start);
    if (next < 0)
      throw new MultipartError(
        `truncated multipart body: part ${parts.length + 1} has no closing delimiter (received ${body.length} bytes)`,
      );
    const end = next > start && body[next - 1] === 0x0d ? next - 1 : next;
    parts.push(parsePart(body.subarray(start, end), parts.length + 1));
    pos = next + 1;
  }
}

function parsePart(raw: Uint8Array, n: number): MultipartPart {
  let headerEnd = -1;
  let bodyStart = -1;
  if (afterEol(raw, 0) > 0) {
    // no headers at all: an empty line first (RFC 2046 allows it; defaults apply)
    bodyStart = afterEol(raw, 0);
    headerEnd = 0;
  } else {
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] !== 0x0a) continue;
      const e = afterEol(raw, i + 1);
      if (e > 0) {
        headerEnd = i;
        bodyStart = e;
        break;
      }
    }
  }
  if (bodyStart < 0) throw new MultipartError(`part ${n} has no blank line between its headers and its body`);
  const headers: Record<string, string> = {};
  for (const line of latin1(raw.subarray(0, headerEnd)).split(/\r?\n/)) {
    if (!line.trim()) continue;
    const c = line.indexOf(':');
    if (c <= 0) throw new MultipartError(`part ${n} has a malformed header line "${line.slice(0, 60)}"`);
    headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return { headers, body: raw.subarray(bodyStart) };
}

/** A part to send: its media type, optional extra headers, and its bytes. */
export interface OutgoingPart {
  contentType: string;
  body: Uint8Array;
  headers?: Record<string, string>;
}

/** A random boundary (40 characters from the RFC 2046 boundary alphabet). */
export function newBoundary(
  random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(random(40), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * Builds a multipart/related body (CRLF line breaks) and its Content-Type header
 * `multipart/related; type="<type of the root>"; boundary=<boundary>`. Throws when the boundary occurs in a part.
 */
export function buildMultipartRelated(
  parts: OutgoingPart[],
  options: { boundary?: string; type?: string } = {},
): { body: Uint8Array; contentType: string } {
  if (!parts.length) throw new MultipartError('a multipart message needs at least one part');
  const boundary = options.boundary ?? newBoundary();
  if (!/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/.test(boundary))
    throw new MultipartError(`invalid boundary "${boundary.slice(0, 80)}"`);
  const dash = enc.encode('--' + boundary);
  const chunks: Uint8Array[] = [];
  for (const [i, p] of parts.entries()) {
    if (indexOfBytes(p.body, dash) >= 0)
      throw new MultipartError(`part ${i + 1} contains the boundary; choose another`);
    const head = Object.entries({ 'Content-Type': p.contentType, ...(p.headers ?? {}) })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    chunks.push(enc.encode(`--${boundary}\r\n${head}\r\n`), p.body, enc.encode('\r\n'));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const body = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    body.set(c, o);
    o += c.length;
  }
  const type = options.type ?? parseMediaType(parts[0]!.contentType).type;
  return { body, contentType: `multipart/related; type="${type}"; boundary=${boundary}` };
}
