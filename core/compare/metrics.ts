/**
 * The pure arithmetic of a comparison, kept apart from decoding so it can be tested without images:
 * changed-pixel masks and bounds, ratios, MSE/PSNR and the size of the downsampled copy SSIM/PSNR run on.
 * Buffers are raw RGBA, 8 bits per channel, row-major (what sharp's `.raw()` and pixelmatch use).
 */
import type { Bounds, Dimensions } from '../../shared/model.ts';

export type Rgb = readonly [number, number, number];

/** pixelmatch paints changed pixels in this colour; the rest of its output is grey (r = g = b) or the AA colour. */
export const DIFF_COLOR: Rgb = [255, 0, 0];
/** Anti-aliased pixels: excluded from the count (includeAA false) but drawn, so a reviewer sees them. */
export const AA_COLOR: Rgb = [255, 200, 0];

export const DEFAULT_THRESHOLD = 0.1;
export const DEFAULT_METRICS_SIZE = 256;
/** Longest edge of the grid output-vs-source diffs (and their heatmaps) are computed on. */
export const SOURCE_DIFF_SIZE = 512;
/** ssim.js slides an 11×11 window: below that the index is not defined. */
export const SSIM_MIN_SIDE = 11;

/**
 * One byte per pixel, 1 where pixelmatch's output shows the diff colour. The colour test is exact, and safe:
 * pixelmatch draws unchanged pixels as a faded grey (r = g = b), which can never equal pure red.
 */
export function maskFromDiffImage(output: Uint8Array, width: number, height: number, color: Rgb = DIFF_COLOR): Uint8Array {
  checkRgba(output, width, height, 'diff image');
  const mask = new Uint8Array(width * height);
  const [r, g, b] = color;
  for (let i = 0, p = 0; p < mask.length; i += 4, p++) {
    if (output[i] === r && output[i + 1] === g && output[i + 2] === b) mask[p] = 1;
  }
  return mask;
}

/** Smallest rectangle holding every non-zero mask pixel; null when the mask is empty. */
export function boundsFromMask(mask: ArrayLike<number>, width: number, height: number): Bounds | null {
  if (mask.length !== width * height) {
    throw new RangeError(`mask has ${mask.length} entries, expected ${width}×${height} = ${width * height}`);
  }
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x]) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * The changed region straight from pixelmatch's output, in one pass and without a mask: the smallest rectangle
 * of pixels painted exactly `color` (see maskFromDiffImage for why the exact test is safe); null when none is.
 */
export function boundsOfColor(output: Uint8Array, width: number, height: number, color: Rgb = DIFF_COLOR): Bounds | null {
  checkRgba(output, width, height, 'diff image');
  const [r, g, b] = color;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      if (output[i] === r && output[i + 1] === g && output[i + 2] === b) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        maxY = y;
      }
    }
  }
  if (maxX < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * Bounds found on a smaller grid, mapped onto the full image: every full-size pixel a changed grid pixel covers
 * is inside (floor of the start, ceiling of the end), clamped to the image.
 */
export function scaleBounds(bounds: Bounds, from: Dimensions, to: Dimensions): Bounds {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  const x0 = Math.max(0, Math.floor(bounds.x * sx));
  const y0 = Math.max(0, Math.floor(bounds.y * sy));
  const x1 = Math.min(to.width, Math.ceil((bounds.x + bounds.width) * sx));
  const y1 = Math.min(to.height, Math.ceil((bounds.y + bounds.height) * sy));
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/**
 * Size of the grid output-vs-source diffs run on: the longest edge at most `maxSide` (aspect kept, never
 * enlarged). They are looked at as a heatmap beside the output, at display size, so a full-size pass is work
 * nobody sees (docs/performance.md).
 */
export function displayDimensions(image: Dimensions, maxSide: number): Dimensions {
  return metricsDimensions(image, maxSide);
}

export function countMask(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) n++;
  return n;
}

/** Changed pixels as a share of the image, 0..1. */
export function diffRatio(pixels: number, width: number, height: number): number {
  const area = width * height;
  if (area <= 0) throw new RangeError(`image area must be positive, got ${width}×${height}`);
  return pixels / area;
}

/**
 * Mean squared error over the colour channels of two equally sized RGBA buffers. Alpha is left out: it
 * is 255 for every output our backends return, and counting it would dilute real colour error by a quarter.
 */
export function meanSquaredError(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`buffers differ in length (${a.length} vs ${b.length})`);
  if (a.length === 0 || a.length % 4 !== 0) throw new RangeError(`expected RGBA data, got ${a.length} bytes`);
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) {
    const dr = (a[i] as number) - (b[i] as number);
    const dg = (a[i + 1] as number) - (b[i + 1] as number);
    const db = (a[i + 2] as number) - (b[i + 2] as number);
    sum += dr * dr + dg * dg + db * db;
  }
  return sum / ((a.length / 4) * 3);
}

/** PSNR in dB for 8-bit data. Identical data (MSE 0) is +Infinity; the record stores that as null. */
export function psnrFromMse(mse: number, peak = 255): number {
  if (!(mse >= 0)) throw new RangeError(`MSE must be ≥ 0, got ${mse}`);
  if (mse === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10((peak * peak) / mse);
}

/** The JSON-safe PSNR: null for infinite (identical) or undefined values. */
export function finitePsnr(mse: number): number | null {
  const p = psnrFromMse(mse);
  return Number.isFinite(p) ? p : null;
}

/**
 * Size of the downsampled copy SSIM and PSNR run on: the longest edge becomes `metricsSize`, the aspect ratio
 * is kept, and an image already smaller is never enlarged (upscaling adds no information, only time).
 * For two images of different sizes both are resized to these dimensions, taken from the first.
 */
export function metricsDimensions(first: Dimensions, metricsSize: number): Dimensions {
  const longest = Math.max(first.width, first.height);
  if (longest <= metricsSize) return { width: first.width, height: first.height };
  const scale = metricsSize / longest;
  return {
    width: Math.max(1, Math.round(first.width * scale)),
    height: Math.max(1, Math.round(first.height * scale)),
  };
}

export function sameDimensions(a: Dimensions, b: Dimensions): boolean {
  return a.width === b.width && a.height === b.height;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Options of a task checked before it reaches a worker, so a bad value fails with a message, not NaN metrics. */
export function checkCompareOptions(threshold: number, metricsSize: number): void {
  if (!(Number.isFinite(threshold) && threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`compare threshold must be a number between 0 and 1 (pixelmatch YIQ), got ${threshold}`);
  }
  if (!(Number.isInteger(metricsSize) && metricsSize >= 16 && metricsSize <= 8192)) {
    throw new RangeError(`compare metricsSize must be an integer between 16 and 8192 pixels, got ${metricsSize}`);
  }
}

function checkRgba(data: Uint8Array, width: number, height: number, what: string): void {
  if (data.length !== width * height * 4) {
    throw new RangeError(`${what} has ${data.length} bytes, expected ${width}×${height}×4 = ${width * height * 4}`);
  }
}
