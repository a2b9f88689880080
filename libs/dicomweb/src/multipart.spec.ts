import {
  boundaryOf,
  buildMultipartRelated,
  indexOfBytes,
  MultipartError,
  newBoundary,
  parseMediaType,
  parseMultipart,
} from './multipart';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('parseMediaType / boundaryOf', () => {
  it('reads type and parameters, quoted or not, case-insensitive names', () => {
    expect(parseMediaType('Multipart/Related; Type="application/dicom"; boundary=abc123')).toEqual({
      type: 'multipart/related',
      params: { type: 'application/dicom', boundary: 'abc123' },
    });
    expect(parseMediaType('multipart/related;boundary="a;b \\"c\\""; type=application/dicom').params).toEqual({
      boundary: 'a;b "c"',
      type: 'application/dicom',
    });
    expect(boundaryOf('multipart/related; type="application/dicom"; boundary=XyZ')).toBe('XyZ');
  });

  it('refuses non-multipart types, a missing boundary and garbage', () => {
    expect(() => boundaryOf('application/dicom+json')).toThrow(/expected a multipart response/);
    expect(() => boundaryOf('multipart/related; type="application/dicom"')).toThrow(/no boundary/);
    expect(() => parseMediaType('not a type')).toThrow(MultipartError);
    expect(() => parseMediaType('multipart/related; boundary="open')).toThrow(/unterminated/);
  });
});

describe('indexOfBytes', () => {
  it('finds every occurrence like String.indexOf (randomised)', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let t = 0; t < 300; t++) {
      const hay = Array.from({ length: Math.floor(rnd() * 200) }, () => 'ab-\r\n'[Math.floor(rnd() * 5)]).join('');
      const needle = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => 'ab-\r\n'[Math.floor(rnd() * 5)]).join('');
      const from = Math.floor(rnd() * 20);
      expect(indexOfBytes(enc(hay), enc(needle), from)).toBe(hay.indexOf(needle, from));
    }
  });
});

describe('parseMultipart', () => {
  const body = (s: string) => enc(s);

  it('splits parts, keeps binary bodies byte-exact (including CR/LF and "--" inside), ignores preamble/epilogue', () => {
    const bin = Uint8Array.from([0, 13, 10, 45, 45, 255, 13, 10, 13, 10, 1]);
    const head = enc('preamble text\r\n--BND\r\nContent-Type: application/dicom\r\nX-Extra:  v \r\n\r\n');
    const tail = enc('\r\n--BND\r\ncontent-type: text/plain\r\n\r\nhello\r\n--BND--\r\nepilogue');
    const all = new Uint8Array(head.length + bin.length + tail.length);
    all.set(head);
    all.set(bin, head.length);
    all.set(tail, head.length + bin.length);
    const parts = parseMultipart(all, 'BND');
    expect(parts).toHaveLength(2);
    expect(parts[0]!.headers).toEqual({ 'content-type': 'application/dicom', 'x-extra': 'v' });
    expect(Array.from(parts[0]!.body)).toEqual(Array.from(bin));
    expect(dec(parts[1]!.body)).toBe('hello');
  });

  it('accepts bare LF line breaks and a part without headers', () => {
    const parts = parseMultipart(body('--b\n\nno headers\n--b\nA: 1\n\nx\n--b--'), 'b');
    expect(parts.map((p) => dec(p.body))).toEqual(['no headers', 'x']);
    expect(parts[0]!.headers).toEqual({});
  });

  it('an empty multipart (only the closing delimiter) has no parts', () => {
    expect(parseMultipart(body('--b--\r\n'), 'b')).toEqual([]);
  });

  it('refuses truncated bodies: cut inside a part, or after a part without the closing delimiter', () => {
    const good =
      '--b\r\nContent-Type: application/dicom\r\n\r\nDATA\r\n--b\r\nContent-Type: application/dicom\r\n\r\nMORE\r\n--b--';
    expect(parseMultipart(body(good), 'b')).toHaveLength(2);
    for (const cut of [good.length - 3, good.length - 20, 50]) {
      expect(() => parseMultipart(body(good.slice(0, cut)), 'b')).toThrow(/truncated/);
    }
  });

  it('refuses a body without the boundary and a part without a blank line', () => {
    expect(() => parseMultipart(body('{"not":"multipart"}'), 'b')).toThrow(/no delimiter/);
    expect(() => parseMultipart(body('--b\r\nContent-Type: x/y\r\nDATA\r\n--b--'), 'b')).toThrow(/no blank line/);
    expect(() => parseMultipart(body('--b\r\nbroken header\r\n\r\nDATA\r\n--b--'), 'b')).toThrow(/malformed header/);
  });
});

describe('buildMultipartRelated', () => {
  it('round-trips through parseMultipart with the boundary from its Content-Type', () => {
    const a = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) % 256);
    const b = enc('second\r\n--almost a boundary');
    const mp = buildMultipartRelated([
      { contentType: 'application/dicom', body: a },
      { contentType: 'application/dicom', body: b, headers: { 'Content-Location': '/x' } },
    ]);
    expect(mp.contentType).toMatch(/^multipart\/related; type="application\/dicom"; boundary=[0-9A-Za-z]{40}$/);
    const parts = parseMultipart(mp.body, boundaryOf(mp.contentType));
    expect(parts.map((p) => Array.from(p.body))).toEqual([Array.from(a), Array.from(b)]);
    expect(parts[1]!.headers['content-location']).toBe('/x');
  });

  it('writes the exact RFC 2046 layout', () => {
    const mp = buildMultipartRelated([{ contentType: 'application/dicom', body: enc('X') }], { boundary: 'B1' });
    expect(dec(mp.body)).toBe('--B1\r\nContent-Type: application/dicom\r\n\r\nX\r\n--B1--\r\n');
  });

  it('refuses no parts, a bad boundary and a part that contains the boundary', () => {
    expect(() => buildMultipartRelated([])).toThrow(/at least one part/);
    expect(() =>
      buildMultipartRelated([{ contentType: 'a/b', body: enc('x') }], { boundary: 'bad boundary!' }),
    ).toThrow(/invalid boundary/);
    expect(() => buildMultipartRelated([{ contentType: 'a/b', body: enc('x--B1y') }], { boundary: 'B1' })).toThrow(
      /contains the boundary/,
    );
  });

  it('newBoundary draws 40 characters from the alphabet', () => {
    expect(newBoundary()).toMatch(/^[0-9A-Za-z]{40}$/);
    expect(newBoundary(() => new Uint8Array(40))).toBe('0'.repeat(40));
  });
});
