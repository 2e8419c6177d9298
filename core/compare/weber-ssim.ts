/**
 * Mean SSIM of two RGBA images, the "Weber" algorithm of ssim.js (its default: 11×11 windows, k1 0.01, k2 0.03,
 * integer rgb2gray, summed-area tables), computed with the same arithmetic in typed arrays.
 *
 * Why our own: ssim.js spends ~40–60 ms on a 256² pair (a closure and an object per pixel, plain JS arrays),
 * more than the full-size pixelmatch pass; this runs the same operations in a few milliseconds. The result is
 * the same number, bit for bit, as `ssim(a, b, { downsample: false }).mssim` (weber-ssim.test.ts checks it
 * against ssim.js), so SSIM figures already recorded keep their meaning.
 *
 * The Int32Array storage is part of the definition, not an accident: ssim.js keeps every intermediate table in
 * Int32Array, so the variance and covariance terms are truncated to integers (after × 1024) and the sums of
 * squares wrap modulo 2^32 (their window differences stay exact). Both are reproduced here on purpose.
 */

const WINDOW = 11;
const K1 = 0.01;
const K2 = 0.03;
const PEAK = 255;

/** Luma as ssim.js's `rgb2grayInteger` computes it. */
function gray(rgba: Uint8Array, pixels: number): Int32Array {
  const out = new Int32Array(pixels);
  for (let p = 0, i = 0; p < pixels; p++, i += 4) {
    out[p] = (77 * (rgba[i] as number) + 150 * (rgba[i + 1] as number) + 29 * (rgba[i + 2] as number) + 128) >> 8;
  }
  return out;
}

/**
 * Suffix-sum table ((w + 1) × (h + 1), last row and column 0) of `values`: entry (x, y) sums every pixel at or
 * right of x and at or below y, wrapped to int32 exactly as ssim.js stores it.
 */
function suffixSums(values: Int32Array, width: number, height: number): Int32Array {
  const mw = width + 1;
  const table = new Int32Array(mw * (height + 1));
  for (let y = height - 1; y >= 0; y--) {
    const row = y * mw;
    const below = row + mw;
    for (let x = width - 1; x >= 0; x--) {
      table[row + x] = (values[y * width + x] as number) + (table[row + x + 1] as number) + (table[below + x] as number) - (table[below + x + 1] as number);
    }
  }
  return table;
}

/** Window sums of a suffix-sum table: one int32 per top-left corner of an 11×11 window. */
function windowSums(table: Int32Array, width: number, height: number): Int32Array {
  const mw = width + 1;
  const ww = width - WINDOW + 1;
  const wh = height - WINDOW + 1;
  const out = new Int32Array(ww * wh);
  for (let y = 0; y < wh; y++) {
    const top = y * mw;
    const bottom = (y + WINDOW) * mw;
    for (let x = 0; x < ww; x++) {
      out[y * ww + x] = (table[top + x] as number) - (table[top + x + WINDOW] as number) - (table[bottom + x] as number) + (table[bottom + x + WINDOW] as number);
    }
  }
  return out;
}

/**
 * Mean SSIM of two equally sized RGBA images, both sides at least 11 px (the caller checks both). Equal to
 * ssim.js's `ssim(a, b, { downsample: false }).mssim` with its defaults.
 */
export function weberMssim(a: Uint8Array, b: Uint8Array, width: number, height: number): number {
  const pixels = width * height;
  if (a.length !== pixels * 4 || b.length !== pixels * 4) {
    throw new RangeError(`SSIM needs two ${width}×${height} RGBA images, got ${a.length} and ${b.length} bytes`);
  }
  if (width < WINDOW || height < WINDOW) throw new RangeError(`SSIM needs at least ${WINDOW}×${WINDOW} pixels, got ${width}×${height}`);
  const g1 = gray(a, pixels);
  const g2 = gray(b, pixels);
  const sq1 = new Int32Array(pixels);
  const sq2 = new Int32Array(pixels);
  const prod = new Int32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const v1 = g1[p] as number;
    const v2 = g2[p] as number;
    sq1[p] = v1 * v1;
    sq2[p] = v2 * v2;
    prod[p] = v1 * v2;
  }
  const windows = (values: Int32Array) => windowSums(suffixSums(values, width, height), width, height);
  const sum1 = windows(g1);
  const sum2 = windows(g2);
  const wsq1 = windows(sq1);
  const wsq2 = windows(sq2);
  const wprod = windows(prod);

  const n = WINDOW * WINDOW;
  const c1 = K1 * PEAK * (K1 * PEAK);
  const c2 = K2 * PEAK * (K2 * PEAK);
  // ssim.js stores 1024 × (co)variance in an Int32Array (truncating), then divides by 1024 again.
  const scaled = new Int32Array(3);
  let mssim = 0;
  for (let i = 0; i < sum1.length; i++) {
    const s1 = sum1[i] as number;
    const s2 = sum2[i] as number;
    const m1 = s1 / n;
    const m2 = s2 / n;
    scaled[0] = 1024 * ((wsq1[i] as number) / n - m1 * m1);
    scaled[1] = 1024 * ((wsq2[i] as number) / n - m2 * m2);
    scaled[2] = 1024 * ((wprod[i] as number) / n - (s1 / n) * (s2 / n));
    const varx = (scaled[0] as number) / 1024;
    const vary = (scaled[1] as number) / 1024;
    const cov = (scaled[2] as number) / 1024;
    const na = 2 * m1 * m2 + c1;
    const nb = 2 * cov + c2;
    const da = m1 * m1 + m2 * m2 + c1;
    const db = varx + vary + c2;
    const s = (na * nb) / da / db;
    // The running mean ssim.js uses (not sum / count): the last bits of the result depend on it.
    mssim = i === 0 ? s : mssim + (s - mssim) / (i + 1);
  }
  return mssim;
}
