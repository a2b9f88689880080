import { gunzipSync, gzipSync } from 'node:zlib';

/** true when the bytes start with the gzip magic 1f 8b. */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * Decompresses gzip input (detected by magic, not by file name); other input is returned unchanged.
 * Corrupt or truncated gzip → an Error naming the file and zlib's reason.
 */
export function maybeGunzip(b: Uint8Array, name: string, who: string): Uint8Array {
  if (!isGzip(b)) return b;
  return gunzip(b, name, who);
}

/**
 * gunzip with a clear error message. `maxBytes` bounds the output (gzip bombs): more is an error saying so, before
 * anything larger is allocated.
 */
export function gunzip(b: Uint8Array, name: string, who: string, maxBytes?: number): Uint8Array {
  try {
    const out = maxBytes === undefined ? gunzipSync(b) : gunzipSync(b, { maxOutputLength: Math.max(1, maxBytes) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${who}: ${name} has gzip data that expands beyond the ${maxBytes} bytes its header declares`);
    }
    throw new Error(`${who}: ${name} has corrupt or truncated gzip data (${(e as Error).message})`);
  }
}

/** gzip at the given level (1 fastest … 9 smallest; default 6). */
export function gzip(b: Uint8Array, level = 6): Uint8Array {
  const out = gzipSync(b, { level });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * A plain Uint8Array view of the same bytes (a Node Buffer's `slice` is a view, not a copy; normalising
 * lets readers rely on `Uint8Array.prototype.slice` copying).
 */
export function asUint8(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
