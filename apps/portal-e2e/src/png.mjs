/**
 * Minimal PNG decoder for Chromium screenshots (8-bit greyscale/RGB/RGBA, non-interlaced) and pixel statistics,
 * so the e2e tests can tell a rendered viewport from a blank one without extra dependencies.
 */
import { inflateSync } from 'node:zlib';

/** Decodes a PNG buffer → { width, height, channels, data } (data: Uint8Array, row-major, `channels` per pixel). */
export function decodePng(buf) {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  for (let i = 0; i < 8; i++) if (buf[i] !== sig[i]) throw new Error('decodePng: not a PNG');
  let pos = 8;
  let width = 0, height = 0, depth = 0, colour = 0, interlace = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      depth = body[8];
      colour = body[9];
      interlace = body[12];
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (depth !== 8 || interlace !== 0) throw new Error(`decodePng: unsupported PNG (depth ${depth}, interlace ${interlace})`);
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colour];
  if (!channels) throw new Error(`decodePng: unsupported colour type ${colour}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? out.subarray((y - 1) * stride, y * stride) : null;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? row[x - channels] : 0;
      const b = prev ? prev[x] : 0;
      const c = prev && x >= channels ? prev[x - channels] : 0;
      let v = src[x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[x] = v & 255;
    }
  }
  return { width, height, channels, data: out };
}

/**
 * Luminance statistics of an image: share of pixels brighter than `threshold` (0–255), standard deviation and the
 * number of distinct luminance levels. A blank (black or uniform) viewport has nonDark ≈ 0 or levels ≈ 1.
 */
export function pixelStats(img, threshold = 24) {
  const { width, height, channels, data } = img;
  const n = width * height;
  let bright = 0, sum = 0, sum2 = 0;
  const levels = new Set();
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    const l = channels >= 3 ? 0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2] : data[o];
    if (l > threshold) bright++;
    sum += l;
    sum2 += l * l;
    levels.add(Math.round(l));
  }
  const mean = sum / n;
  return { width, height, nonDark: bright / n, mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), levels: levels.size };
}

/** Share of pixels whose colour is clearly non-grey (e.g. a coloured segmentation overlay). */
export function colourShare(img, minChroma = 60) {
  const { width, height, channels, data } = img;
  if (channels < 3) return 0;
  let c = 0;
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    const mx = Math.max(data[o], data[o + 1], data[o + 2]);
    const mn = Math.min(data[o], data[o + 1], data[o + 2]);
    if (mx - mn > minChroma) c++;
  }
  return c / (width * height);
}
