import { ssim } from 'ssim.js';
import { describe, expect, it } from 'vitest';
import { weberMssim } from './weber-ssim.ts';

/** Deterministic RGBA noise plus a gradient, so windows have both structure and variance. */
function image(width: number, height: number, seed: number, noise: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const base = ((x * 255) / width + (y * 128) / height) % 256;
      data[i] = Math.min(255, base + rand() * noise);
      data[i + 1] = Math.min(255, 255 - base + rand() * noise);
      data[i + 2] = Math.min(255, (x ^ y) & 255);
      data[i + 3] = 255;
    }
  }
  return data;
}

const viaSsimJs = (a: Uint8Array, b: Uint8Array, width: number, height: number) => {
  const wrap = (d: Uint8Array) => ({ data: new Uint8ClampedArray(d.buffer, d.byteOffset, d.byteLength), width, height });
  return ssim(wrap(a), wrap(b), { downsample: false }).mssim;
};

describe('weberMssim', () => {
  it.each([
    [256, 256],
    [200, 131],
    [11, 11],
    [11, 40],
    [64, 17],
  ])('equals ssim.js (Weber, its defaults) bit for bit at %i×%i', (width, height) => {
    for (const [seedB, noise] of [
      [2, 40],
      [3, 255],
      [1, 0],
    ] as const) {
      const a = image(width, height, 1, 40);
      const b = image(width, height, seedB, noise);
      expect(weberMssim(a, b, width, height)).toBe(viaSsimJs(a, b, width, height));
    }
  });

  it('is exactly 1 for identical images and lower for a changed one', () => {
    const a = image(64, 64, 5, 30);
    expect(weberMssim(a, a, 64, 64)).toBe(1);
    const b = a.slice();
    for (let i = 0; i < 64 * 20 * 4; i += 4) b[i] = 255 - (b[i] as number);
    expect(weberMssim(a, b, 64, 64)).toBeLessThan(0.9);
  });

  it('refuses buffers that do not match the size, and images below one 11×11 window', () => {
    expect(() => weberMssim(new Uint8Array(64), new Uint8Array(64), 4, 4)).toThrow(/at least 11×11/);
    expect(() => weberMssim(new Uint8Array(16), new Uint8Array(20), 2, 2)).toThrow(/2×2 RGBA/);
  });
});
