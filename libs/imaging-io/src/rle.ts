/**
 * DICOM RLE Lossless decoder (PS3.5 Annex G): a 64-byte header of 16 uint32 (number of segments, then
 * segment offsets); each segment is PackBits-coded and holds one byte plane, most significant byte
 * first; planes are interleaved back into little-endian samples.
 */
export function decodeRle(enc: Uint8Array, rows: number, cols: number, bytesPerSample: number, name: string): Uint8Array {
  const n = rows * cols;
  if (enc.length < 64) throw new Error(`readDicom: ${name} has an RLE frame of ${enc.length} bytes, shorter than its 64-byte header`);
  const view = new DataView(enc.buffer, enc.byteOffset, enc.byteLength);
  const nSeg = view.getUint32(0, true);
  if (nSeg !== bytesPerSample) {
    throw new Error(`readDicom: ${name} has ${nSeg} RLE segments, ${bytesPerSample} expected for greyscale ${bytesPerSample * 8}-bit`);
  }
  // PackBits expands at most 128 bytes per 2 input bytes: refuse a frame size the data cannot hold before allocating
  if (n * bytesPerSample > 64 * enc.length) {
    throw new Error(`readDicom: ${name} declares ${rows}×${cols} pixels but its ${enc.length}-byte RLE frame can hold at most ${64 * enc.length} bytes`);
  }
  const out = new Uint8Array(n * bytesPerSample);
  for (let s = 0; s < nSeg; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < nSeg ? view.getUint32(8 + 4 * s, true) : enc.length;
    if (start < 64 || end > enc.length || start > end) throw new Error(`readDicom: ${name} has a corrupt RLE segment table`);
    // segment 0 is the most significant byte
    const byteIndex = bytesPerSample - 1 - s;
    let o = 0;
    let p = start;
    while (o < n && p < end) {
      const h = (enc[p++] << 24) >> 24; // signed
      if (h >= 0) {
        const count = h + 1;
        for (let t = 0; t < count && o < n; t++) out[(o++) * bytesPerSample + byteIndex] = enc[p++];
      } else if (h > -128) {
        const count = -h + 1;
        const v = enc[p++];
        for (let t = 0; t < count && o < n; t++) out[(o++) * bytesPerSample + byteIndex] = v;
      }
    }
    if (o < n) throw new Error(`readDicom: ${name} has a truncated RLE segment (${o} of ${n} samples)`);
  }
  return out;
}

/** PackBits-encodes one byte plane (for tests and writers). */
export function encodePackBits(plane: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < plane.length) {
    let run = 1;
    while (i + run < plane.length && plane[i + run] === plane[i] && run < 128) run++;
    if (run >= 2) {
      out.push((-(run - 1)) & 0xff, plane[i]);
      i += run;
    } else {
      let lit = 1;
      while (i + lit < plane.length && lit < 128 && !(i + lit + 1 < plane.length && plane[i + lit] === plane[i + lit + 1])) lit++;
      out.push(lit - 1);
      for (let t = 0; t < lit; t++) out.push(plane[i + t]);
      i += lit;
    }
  }
  if (out.length % 2) out.push(0x80); // no-op byte keeps segments even
  return Uint8Array.from(out);
}
