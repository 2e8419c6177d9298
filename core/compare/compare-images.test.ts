import { fileURLToPath } from 'node:url';
import pixelmatch from 'pixelmatch';
import sharp from 'sharp';
import { ssim } from 'ssim.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareImages, decodeImageFile, resizeRaw, type RawImage } from './compare-images.ts';
import { AA_COLOR, boundsOfColor, countMask, DIFF_COLOR, finitePsnr, maskFromDiffImage, meanSquaredError, metricsDimensions } from './metrics.ts';
import { BASE_HEIGHT as H, BASE_WIDTH as W, baseRgba, decodePng, fillRect, imageDir, type ImageDir } from './test-fixtures/images.ts';

const RECT = { x: 22, y: 6, width: 10, height: 7 };

let imgs: ImageDir;
let base: string;
let baseCopy: string;
let changed: string;

beforeAll(async () => {
  imgs = await imageDir();
  const px = baseRgba();
  base = await imgs.write('base.png', px, W, H);
  baseCopy = await imgs.write('base-copy.png', px, W, H);
  changed = await imgs.write('changed.png', fillRect(px, W, RECT, [250, 250, 20]), W, H);
});
afterAll(async () => {
  await imgs.cleanup();
});

describe('compareImages A ↔ B', () => {
  it('reports identical pixels as identical: no changes, SSIM 1, PSNR null', async () => {
    const out = await compareImages({ a: base, b: baseCopy });
    expect(out.ab).toMatchObject({
      pixels: 0,
      ratio: 0,
      bounds: null,
      width: W,
      height: H,
      sizeMismatch: null,
      identical: true,
      ssim: 1,
      psnr: null,
    });
    expect(out.threshold).toBe(0.1);
    expect(out.metricsSize).toBe(256);
    expect(out.vsSource).toEqual({ A: null, B: null });
  });

  it('finds a changed rectangle with its exact pixel count and bounds, and paints it red in the heatmap', async () => {
    const out = await compareImages({ a: base, b: changed });
    expect(out.ab.pixels).toBe(RECT.width * RECT.height);
    expect(out.ab.ratio).toBeCloseTo((RECT.width * RECT.height) / (W * H), 12);
    expect(out.ab.bounds).toEqual(RECT);
    expect(out.ab.identical).toBe(false);
    expect(out.ab.ssim).toBeGreaterThan(0.5);
    expect(out.ab.ssim).toBeLessThan(1);
    expect(out.ab.psnr).toBeGreaterThan(5);
    expect(out.ab.psnr).toBeLessThan(40);

    const heat = await decodePng(out.ab.heatmapPng as Uint8Array);
    expect([heat.width, heat.height]).toEqual([W, H]);
    const mask = maskFromDiffImage(heat.data, W, H, DIFF_COLOR);
    expect(countMask(mask)).toBe(RECT.width * RECT.height);
    expect(mask[(RECT.y + 1) * W + RECT.x + 1]).toBe(1);
    expect(mask[0]).toBe(0);
  });

  it('treats the threshold as pixelmatch YIQ sensitivity: 1 ignores a mild colour shift that 0 counts', async () => {
    const mild = await imgs.write('mild.png', fillRect(baseRgba(), W, RECT, [46, 86, 126]), W, H);
    const strict = await compareImages({ a: base, b: mild, threshold: 0 });
    const lax = await compareImages({ a: base, b: mild, threshold: 1 });
    expect(strict.ab.pixels).toBe(RECT.width * RECT.height);
    expect(lax.ab.pixels).toBe(0);
    expect(lax.ab.identical).toBe(false);
    expect(lax.threshold).toBe(1);
  });

  it('reports a size mismatch instead of crashing, with SSIM and PSNR on a common downsample', async () => {
    const bigger = await imgs.write('bigger.png', baseRgba(80, 60), 80, 60);
    const out = await compareImages({ a: base, b: bigger });
    expect(out.ab).toMatchObject({
      pixels: null,
      ratio: null,
      heatmapPng: null,
      bounds: null,
      width: W,
      height: H,
      sizeMismatch: { first: '64x48', second: '80x60' },
      identical: false,
    });
    expect(out.ab.ssim).toEqual(expect.any(Number));
    expect(out.ab.psnr).toEqual(expect.any(Number));
  });

  it('decodes JPEG and WebP as well as PNG: lossless WebP of the same pixels is identical, JPEG is close', async () => {
    const px = baseRgba();
    const webp = await imgs.write('base.webp', px, W, H, 'webp');
    const jpeg = await imgs.write('base.jpg', px, W, H, 'jpeg');
    const same = await compareImages({ a: base, b: webp });
    expect(same.ab.identical).toBe(true);
    const close = await compareImages({ a: base, b: jpeg });
    expect(close.ab.identical).toBe(false);
    expect(close.ab.sizeMismatch).toBeNull();
    expect(close.ab.ssim).toBeGreaterThan(0.9);
    expect(close.ab.psnr).toBeGreaterThan(30);
  });

  it('runs SSIM/PSNR on a copy no larger than metricsSize', async () => {
    const out = await compareImages({ a: base, b: changed, metricsSize: 32 });
    const full = await compareImages({ a: base, b: changed });
    expect(out.metricsSize).toBe(32);
    expect(out.ab.pixels).toBe(full.ab.pixels); // pixel stats stay at full resolution
    expect(out.ab.psnr).not.toBe(full.ab.psnr);
  });
});

describe('compareImages vs source', () => {
  it('shows what each backend changed; a source of another size is resized and says so', async () => {
    const upscaled = `${imgs.dir}/upscaled.png`;
    await sharp(base).resize(W * 2, H * 2, { kernel: 'nearest' }).png().toFile(upscaled);
    const out = await compareImages({ a: changed, b: upscaled, sourceA: base, sourceB: base });
    expect(out.vsSource.A).toMatchObject({
      pixels: RECT.width * RECT.height,
      bounds: RECT,
      width: W,
      height: H,
      sizeMismatch: null,
      sourceResizedFrom: null,
    });
    expect(out.vsSource.A?.heatmapPng).toBeInstanceOf(Uint8Array);
    const b = out.vsSource.B;
    expect(b).toMatchObject({ width: W * 2, height: H * 2, sizeMismatch: null, sourceResizedFrom: '64x48' });
    // The upscaled output differs from the resized source at most along resampled edges, never wholesale.
    expect(b?.ratio).toBeLessThan(0.1);
    expect(out.ab.sizeMismatch).toEqual({ first: '64x48', second: '128x96' });
  });
});

describe('compareImages vs source at display size', () => {
  it('diffs a large output against its source on a 512 px grid: bounds cover the change on the full image, the count is scaled to it', async () => {
    const big = { width: 1024, height: 768 };
    const rect = { x: 300, y: 200, width: 240, height: 100 };
    const grey = Buffer.alloc(big.width * big.height * 4, 128);
    const src = `${imgs.dir}/big-source.png`;
    const out = `${imgs.dir}/big-out.png`;
    await sharp(grey, { raw: { ...big, channels: 4 } }).png().toFile(src);
    const painted = Buffer.from(grey);
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      for (let x = rect.x; x < rect.x + rect.width; x++) painted.fill(255, (y * big.width + x) * 4, (y * big.width + x) * 4 + 3);
    }
    await sharp(painted, { raw: { ...big, channels: 4 } }).png().toFile(out);
    const res = await compareImages({ a: out, b: out, sourceA: src });
    const a = res.vsSource.A;
    expect(a).toMatchObject({ width: big.width, height: big.height, sizeMismatch: null, sourceResizedFrom: null });
    // Full-size A↔B stays exact; the vs-source bounds are within one grid pixel (2 output pixels here) of the truth.
    const b = a?.bounds as { x: number; y: number; width: number; height: number };
    expect(Math.abs(b.x - rect.x)).toBeLessThanOrEqual(2);
    expect(Math.abs(b.y - rect.y)).toBeLessThanOrEqual(2);
    expect(Math.abs(b.x + b.width - (rect.x + rect.width))).toBeLessThanOrEqual(2);
    expect(Math.abs(b.y + b.height - (rect.y + rect.height))).toBeLessThanOrEqual(2);
    // The count is off by at most the one-grid-pixel rim around the change (resampled edges).
    const area = rect.width * rect.height;
    const rim = (rect.width + 4) * (rect.height + 4) - area;
    expect(Math.abs((a?.pixels ?? 0) - area)).toBeLessThanOrEqual(rim);
    expect(a?.ratio).toBeCloseTo((a?.pixels ?? 0) / (big.width * big.height), 4);
    const heat = await sharp(a?.heatmapPng as Uint8Array).metadata();
    expect([heat.width, heat.height]).toEqual([512, 384]);
  });
});

describe('compareImages failures', () => {
  it('rejects a file that is not an image with a message naming it', async () => {
    const notes = await imgs.writeBytes('notes.txt', 'not an image at all');
    await expect(compareImages({ a: base, b: notes })).rejects.toThrow(/cannot decode image .*notes\.txt.*PNG, JPEG or WebP/);
  });
  it('rejects a missing file with a message naming it', async () => {
    await expect(compareImages({ a: `${imgs.dir}/missing.png`, b: base })).rejects.toThrow(/image file not found: .*missing\.png/);
  });
  it('refuses a vector image rather than rasterising it', async () => {
    const svg = await imgs.writeBytes('logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(compareImages({ a: base, b: svg })).rejects.toThrow(/logo\.svg: it is svg, expected a PNG, JPEG or WebP/);
  });
  it('rejects bad options before decoding anything', async () => {
    await expect(compareImages({ a: base, b: base, threshold: 2 })).rejects.toThrow(/threshold must be/);
  });
});

describe('compareImages keeps the figures of the reference path', () => {
  // The reference: pixelmatch's own output and count, ssim.js (Weber) and MSE on sharp's downsample, each step
  // awaited in turn, as the comparison ran before it was reordered for speed (docs/performance.md).
  it('gives the same count, bounds, heatmap pixels, SSIM and PSNR on a real photo pair', async () => {
    const photo = fileURLToPath(new URL('../../fixtures/images/astronaut.png', import.meta.url));
    const size = { width: 300, height: 200 };
    const aBytes = await sharp(photo).resize(size.width, size.height, { fit: 'cover' }).png().toBuffer();
    const sign = Buffer.from(`<svg width="300" height="200"><rect x="40" y="50" width="150" height="40" fill="#f5d90a"/><text x="50" y="80" font-size="24">EDIT</text></svg>`);
    const bBytes = await sharp(aBytes).modulate({ brightness: 1.03 }).composite([{ input: sign }]).png().toBuffer();
    const a = await imgs.writeBytes('photo-a.png', aBytes);
    const b = await imgs.writeBytes('photo-b.png', bBytes);

    const out = await compareImages({ a, b, sourceA: a, sourceB: b });

    const [ra, rb] = [await decodeImageFile(a), await decodeImageFile(b)];
    const heat = new Uint8Array(ra.data.length);
    const pixels = pixelmatch(ra.data, rb.data, heat, size.width, size.height, { threshold: 0.1, includeAA: false, diffColor: [...DIFF_COLOR], aaColor: [...AA_COLOR] });
    const dims = metricsDimensions(ra, 256);
    const [sa, sb] = [await resizeRaw(ra, dims), await resizeRaw(rb, dims)];
    const wrap = (img: RawImage) => ({ data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength), width: img.width, height: img.height });

    expect(pixels).toBeGreaterThan(1000);
    expect(out.ab.pixels).toBe(pixels);
    expect(out.ab.bounds).toEqual(boundsOfColor(heat, size.width, size.height));
    expect(out.ab.ssim).toBe(ssim(wrap(sa), wrap(sb), { downsample: false }).mssim);
    expect(out.ab.psnr).toBe(finitePsnr(meanSquaredError(sa.data, sb.data)));
    const drawn = await decodePng(out.ab.heatmapPng as Uint8Array);
    expect(Buffer.from(drawn.data).equals(Buffer.from(heat))).toBe(true);
    // Each output against itself as its source: nothing changed, whichever grid it runs on.
    expect(out.vsSource.A).toMatchObject({ pixels: 0, bounds: null, width: size.width, height: size.height });
  });
});
