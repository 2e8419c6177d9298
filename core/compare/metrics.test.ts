import { describe, expect, it } from 'vitest';
import {
  boundsFromMask,
  boundsOfColor,
  scaleBounds,
  bytesEqual,
  checkCompareOptions,
  countMask,
  DIFF_COLOR,
  diffRatio,
  finitePsnr,
  maskFromDiffImage,
  meanSquaredError,
  metricsDimensions,
  psnrFromMse,
} from './metrics.ts';

function rgba(width: number, height: number, fill: [number, number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(fill, i);
  return data;
}

function setPixel(data: Uint8Array, width: number, x: number, y: number, px: readonly number[]): void {
  data.set(px, (y * width + x) * 4);
}

describe('maskFromDiffImage + boundsFromMask', () => {
  it('finds the exact rectangle of diff-coloured pixels in a pixelmatch-style output', () => {
    const w = 10;
    const h = 8;
    const out = rgba(w, h, [230, 230, 230, 255]); // faded grey background
    setPixel(out, w, 2, 3, [...DIFF_COLOR, 255]);
    setPixel(out, w, 7, 5, [...DIFF_COLOR, 255]);
    setPixel(out, w, 4, 1, [255, 200, 0, 255]); // anti-aliased pixel: drawn, not counted
    const mask = maskFromDiffImage(out, w, h);
    expect(countMask(mask)).toBe(2);
    expect(boundsFromMask(mask, w, h)).toEqual({ x: 2, y: 3, width: 6, height: 3 });
  });
  it('never mistakes a grey pixel for a change, even a bright one', () => {
    const out = rgba(3, 3, [255, 255, 255, 255]);
    expect(countMask(maskFromDiffImage(out, 3, 3))).toBe(0);
  });
  it('gives a 1×1 rectangle for one pixel and null for none', () => {
    const mask = new Uint8Array(12);
    expect(boundsFromMask(mask, 4, 3)).toBeNull();
    mask[4 * 2 + 3] = 1;
    expect(boundsFromMask(mask, 4, 3)).toEqual({ x: 3, y: 2, width: 1, height: 1 });
  });
  it('rejects buffers whose size does not match the dimensions', () => {
    expect(() => boundsFromMask(new Uint8Array(5), 2, 2)).toThrow(/expected 2×2/);
    expect(() => maskFromDiffImage(new Uint8Array(15), 2, 2)).toThrow(/expected 2×2×4/);
  });
});

describe('diffRatio', () => {
  it('is changed pixels over the area', () => {
    expect(diffRatio(25, 10, 10)).toBe(0.25);
    expect(diffRatio(0, 3, 3)).toBe(0);
  });
  it('rejects an empty image', () => {
    expect(() => diffRatio(0, 0, 5)).toThrow(/positive/);
  });
});

describe('meanSquaredError and PSNR', () => {
  it('averages squared colour error over RGB and ignores alpha', () => {
    const a = new Uint8Array([10, 20, 30, 255, 0, 0, 0, 255]);
    const b = new Uint8Array([13, 20, 26, 0, 0, 0, 0, 255]);
    // (9 + 0 + 16 + 0 + 0 + 0) / 6
    expect(meanSquaredError(a, b)).toBeCloseTo(25 / 6, 12);
  });
  it('PSNR follows 10·log10(255² / MSE)', () => {
    expect(psnrFromMse(255 * 255)).toBeCloseTo(0, 12);
    expect(psnrFromMse(1)).toBeCloseTo(48.1308, 4);
    expect(psnrFromMse(100)).toBeCloseTo(28.1308, 4);
  });
  it('identical data has infinite PSNR, stored as null', () => {
    expect(psnrFromMse(0)).toBe(Number.POSITIVE_INFINITY);
    expect(finitePsnr(0)).toBeNull();
    expect(finitePsnr(1)).toBeCloseTo(48.1308, 4);
  });
  it('rejects mismatched or non-RGBA buffers and negative MSE', () => {
    expect(() => meanSquaredError(new Uint8Array(8), new Uint8Array(4))).toThrow(/differ in length/);
    expect(() => meanSquaredError(new Uint8Array(6), new Uint8Array(6))).toThrow(/RGBA/);
    expect(() => psnrFromMse(-1)).toThrow(/≥ 0/);
    expect(() => psnrFromMse(Number.NaN)).toThrow(/≥ 0/);
  });
});

describe('metricsDimensions', () => {
  it('scales the longest edge to metricsSize and keeps the aspect ratio', () => {
    expect(metricsDimensions({ width: 1024, height: 1024 }, 256)).toEqual({ width: 256, height: 256 });
    expect(metricsDimensions({ width: 1024, height: 768 }, 256)).toEqual({ width: 256, height: 192 });
    expect(metricsDimensions({ width: 600, height: 1000 }, 256)).toEqual({ width: 154, height: 256 });
  });
  it('never enlarges a small image and never rounds a side to zero', () => {
    expect(metricsDimensions({ width: 100, height: 40 }, 256)).toEqual({ width: 100, height: 40 });
    expect(metricsDimensions({ width: 10000, height: 10 }, 256)).toEqual({ width: 256, height: 1 });
  });
});

describe('bytesEqual and option checks', () => {
  it('compares buffers byte by byte', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1]), new Uint8Array([1, 2]))).toBe(false);
  });
  it('names the bad option and its allowed range', () => {
    expect(() => checkCompareOptions(0.1, 256)).not.toThrow();
    expect(() => checkCompareOptions(1.5, 256)).toThrow(/threshold must be a number between 0 and 1/);
    expect(() => checkCompareOptions(Number.NaN, 256)).toThrow(/threshold/);
    expect(() => checkCompareOptions(0.1, 8)).toThrow(/metricsSize must be an integer between 16 and 8192/);
    expect(() => checkCompareOptions(0.1, 100.5)).toThrow(/metricsSize/);
  });
});

describe('boundsOfColor (one pass, no mask)', () => {
  it('agrees with maskFromDiffImage + boundsFromMask', () => {
    const w = 9;
    const h = 7;
    const out = new Uint8Array(w * h * 4).fill(90);
    for (const [x, y] of [[2, 3], [7, 5], [4, 1]] as const) out.set([255, 0, 0], (y * w + x) * 4);
    expect(boundsOfColor(out, w, h)).toEqual(boundsFromMask(maskFromDiffImage(out, w, h), w, h));
    expect(boundsOfColor(out, w, h)).toEqual({ x: 2, y: 1, width: 6, height: 5 });
    expect(boundsOfColor(new Uint8Array(w * h * 4), w, h)).toBeNull();
  });
});

describe('scaleBounds', () => {
  it('maps grid bounds onto the full image, covering every pixel and clamped to it', () => {
    expect(scaleBounds({ x: 1, y: 2, width: 3, height: 1 }, { width: 4, height: 4 }, { width: 10, height: 10 })).toEqual({ x: 2, y: 5, width: 8, height: 3 });
    expect(scaleBounds({ x: 0, y: 0, width: 4, height: 4 }, { width: 4, height: 4 }, { width: 8, height: 8 })).toEqual({ x: 0, y: 0, width: 8, height: 8 });
  });
});
