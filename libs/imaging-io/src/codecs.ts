/**
 * WebAssembly decoders for compressed DICOM transfer syntaxes, from the Cornerstone codec packages
 * (Emscripten builds that run in Node): CharLS (JPEG-LS), OpenJPEG (JPEG 2000), OpenJPH (High-Throughput
 * JPEG 2000) and libjpeg-turbo (8-bit JPEG baseline). The modules initialise asynchronously, so callers
 * `await loadCodecs(syntaxes)` once (readDicomSeries does) and decoding is then synchronous.
 */

/** A decoder instance as exposed by the Cornerstone codecs. */
interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  delete(): void;
}
type Codec = { name: string; make: () => WasmDecoder };

export const JPEG_LS = ['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81'];
export const JPEG_2000 = ['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91'];
export const JPEG_BASELINE = ['1.2.840.10008.1.2.4.50'];
export const HTJ2K = ['1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203'];

const loaded = new Map<string, Codec>();
/** Emscripten module options: OpenJPEG prints [INFO] lines on stdout otherwise. */
const QUIET = { print: () => undefined, printErr: () => undefined };

async function load(ts: string): Promise<Codec | undefined> {
  if (JPEG_LS.includes(ts)) {
    const m = await (require('@cornerstonejs/codec-charls/decodewasmjs') as (o: object) => Promise<{ JpegLSDecoder: new () => WasmDecoder }>)(QUIET);
    return { name: 'CharLS', make: () => new m.JpegLSDecoder() };
  }
  if (JPEG_2000.includes(ts)) {
    const m = await (require('@cornerstonejs/codec-openjpeg/decodewasmjs') as (o: object) => Promise<{ J2KDecoder: new () => WasmDecoder }>)(QUIET);
    return { name: 'OpenJPEG', make: () => new m.J2KDecoder() };
  }
  if (HTJ2K.includes(ts)) {
    const m = await (require('@cornerstonejs/codec-openjph/wasmjs') as (o: object) => Promise<{ HTJ2KDecoder: new () => WasmDecoder }>)(QUIET);
    return { name: 'OpenJPH', make: () => new m.HTJ2KDecoder() };
  }
  if (JPEG_BASELINE.includes(ts)) {
    const m = await (require('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs') as (o: object) => Promise<{ JPEGDecoder: new () => WasmDecoder }>)(QUIET);
    return { name: 'libjpeg-turbo', make: () => new m.JPEGDecoder() };
  }
  return undefined;
}

/** Loads the decoders needed for these transfer syntaxes (others are ignored). */
export async function loadCodecs(syntaxes: Iterable<string>): Promise<void> {
  for (const ts of new Set(syntaxes)) {
    if (loaded.has(ts)) continue;
    const c = await load(ts);
    if (c) loaded.set(ts, c);
  }
}

/** true when a WebAssembly decoder exists for the syntax (loaded or not). */
export function hasWasmCodec(ts: string): boolean {
  return JPEG_LS.includes(ts) || JPEG_2000.includes(ts) || JPEG_BASELINE.includes(ts) || HTJ2K.includes(ts);
}

/**
 * Decodes one compressed frame with a loaded codec into little-endian sample bytes; checks the decoded
 * size against rows × columns × bytes per sample.
 */
export function decodeWithCodec(ts: string, enc: Uint8Array, rows: number, cols: number, bytesPerSample: number, name: string): Uint8Array {
  const codec = loaded.get(ts);
  if (!codec) {
    throw new Error(`readDicom: ${name}: the ${ts} decoder is not loaded; call "await loadCodecs([...])" (readDicomSeries does this)`);
  }
  const dec = codec.make();
  try {
    dec.getEncodedBuffer(enc.length).set(enc);
    try {
      dec.decode();
    } catch (e) {
      throw new Error(`readDicom: ${name} has corrupt ${codec.name} data (${(e as Error)?.message ?? e})`);
    }
    const fi = dec.getFrameInfo();
    if (fi.width !== cols || fi.height !== rows || fi.componentCount !== 1) {
      throw new Error(`readDicom: ${name}: the ${codec.name} frame is ${fi.width}×${fi.height}×${fi.componentCount}, ${cols}×${rows}×1 expected`);
    }
    const out = dec.getDecodedBuffer();
    const need = rows * cols * bytesPerSample;
    if (out.length < need) throw new Error(`readDicom: ${name}: ${codec.name} decoded ${out.length} bytes, ${need} expected`);
    return out.slice(0, need); // copy out of the WebAssembly heap
  } finally {
    dec.delete();
  }
}
