/**
 * Raw RGB buffers and the few per-pixel operations sharp does not offer (or offers slowly): vignette, posterize,
 * split toning, colour matrices. Pure and deterministic.
 */
import sharp, { type Sharp } from 'sharp';

/** 8-bit RGB, row-major, no alpha. */
export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

export function sharpOf(img: RawRgb): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
}

/** Finish a sharp pipeline as 3-channel raw RGB (greyscale results are expanded, alpha dropped). */
export async function toRawRgb(pipeline: Sharp): Promise<RawRgb> {
  const { data, info } = await pipeline.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels === 3) return { data, width: info.width, height: info.height };
  const out = Buffer.alloc(info.width * info.height * 3);
  for (let p = 0, i = 0; p < info.width * info.height; p++, i += info.channels) {
    const v = data[i] ?? 0;
    out[p * 3] = v;
    out[p * 3 + 1] = v;
    out[p * 3 + 2] = v;
  }
  return { data: out, width: info.width, height: info.height };
}

export function solid(width: number, height: number, rgb: readonly [number, number, number]): RawRgb {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = rgb[0];
    data[i + 1] = rgb[1];
    data[i + 2] = rgb[2];
  }
  return { data, width, height };
}

export type Matrix3 = [[number, number, number], [number, number, number], [number, number, number]];

const LUMA = [0.2126, 0.7152, 0.0722] as const;

/** Saturation as an RGB matrix (1 = unchanged, 0 = grey): cheaper than an LCh round trip. */
export function saturationMatrix(s: number): Matrix3 {
  const [r, g, b] = LUMA;
  const k = 1 - s;
  return [
    [r * k + s, g * k, b * k],
    [r * k, g * k + s, b * k],
    [r * k, g * k, b * k + s],
  ];
}

export function multiplyMatrix(a: Matrix3, b: Matrix3): Matrix3 {
  const row = (r: readonly [number, number, number]): [number, number, number] => [
    r[0] * b[0][0] + r[1] * b[1][0] + r[2] * b[2][0],
    r[0] * b[0][1] + r[1] * b[1][1] + r[2] * b[2][1],
    r[0] * b[0][2] + r[1] * b[1][2] + r[2] * b[2][2],
  ];
  return [row(a[0]), row(a[1]), row(a[2])];
}

const vignetteCache = new Map<string, Uint16Array>();

/** Per-pixel multiplier × 256: 1 in the middle, 1 − strength in the corners (smooth falloff). */
function vignetteMask(width: number, height: number, strength: number): Uint16Array {
  const key = `${width}x${height}@${strength.toFixed(4)}`;
  const cached = vignetteCache.get(key);
  if (cached) return cached;
  const mask = new Uint16Array(width * height);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const maxR = Math.hypot(cx, cy) || 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot(x - cx, y - cy) / maxR;
      const t = Math.min(1, Math.max(0, (r - 0.35) / 0.65));
      const smooth = t * t * (3 - 2 * t);
      mask[y * width + x] = Math.round(256 * (1 - strength * smooth));
    }
  }
  // A handful of sizes recur within a run; keep the cache small.
  if (vignetteCache.size > 8) vignetteCache.clear();
  vignetteCache.set(key, mask);
  return mask;
}

/** Darken towards the corners, in place. */
export function vignette(img: RawRgb, strength: number): RawRgb {
  const mask = vignetteMask(img.width, img.height, strength);
  const d = img.data;
  for (let p = 0, i = 0; p < mask.length; p++, i += 3) {
    const m = mask[p]!;
    d[i] = (d[i]! * m) >> 8;
    d[i + 1] = (d[i + 1]! * m) >> 8;
    d[i + 2] = (d[i + 2]! * m) >> 8;
  }
  return img;
}

/** Quantise every channel to `levels` values, in place. */
export function posterize(img: RawRgb, levels: number): RawRgb {
  const lut = new Uint8Array(256);
  const n = Math.max(2, Math.round(levels));
  for (let v = 0; v < 256; v++) lut[v] = Math.round(Math.round((v / 255) * (n - 1)) * (255 / (n - 1)));
  const d = img.data;
  for (let i = 0; i < d.length; i++) d[i] = lut[d[i]!]!;
  return img;
}

/** Blend shadows towards one colour and highlights towards another, in place. */
export function splitTone(
  img: RawRgb,
  shadow: readonly [number, number, number],
  highlight: readonly [number, number, number],
  amount: number,
): RawRgb {
  const d = img.data;
  const keep = 1 - amount;
  for (let i = 0; i < d.length; i += 3) {
    const t = (0.2126 * d[i]! + 0.7152 * d[i + 1]! + 0.0722 * d[i + 2]!) / 255;
    d[i] = d[i]! * keep + (shadow[0] + (highlight[0] - shadow[0]) * t) * amount;
    d[i + 1] = d[i + 1]! * keep + (shadow[1] + (highlight[1] - shadow[1]) * t) * amount;
    d[i + 2] = d[i + 2]! * keep + (shadow[2] + (highlight[2] - shadow[2]) * t) * amount;
  }
  return img;
}

/** Luma of every pixel (one byte each). */
export function luma(img: RawRgb): Buffer {
  const out = Buffer.alloc(img.width * img.height);
  const d = img.data;
  for (let p = 0, i = 0; p < out.length; p++, i += 3) {
    out[p] = Math.round(0.2126 * d[i]! + 0.7152 * d[i + 1]! + 0.0722 * d[i + 2]!);
  }
  return out;
}
