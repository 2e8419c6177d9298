import sharp from 'sharp';
import { describe, it, expect } from 'vitest';
import { inspectImage, inspectImageHeader, InvalidImageError, sniffImageFormat } from './image-file.ts';
import { solidPng } from './testing.ts';

describe('sniffImageFormat', () => {
  it('knows PNG, JPEG and WebP by their magic bytes', () => {
    expect(sniffImageFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.ext).toBe('png');
    expect(sniffImageFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))?.ext).toBe('jpg');
    const webp = new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 ');
    expect(sniffImageFormat(webp)?.mime).toBe('image/webp');
    expect(sniffImageFormat(new TextEncoder().encode('RIFF\x10\x00\x00\x00WAVE'))).toBeNull();
    expect(sniffImageFormat(new Uint8Array())).toBeNull();
  });
});

describe('inspectImageHeader and inspectImage', () => {
  it('reads the size a PNG, a JPEG and a WebP declare, as sharp does', async () => {
    const png = await solidPng(37, 21, [1, 2, 3]);
    const jpeg = new Uint8Array(await sharp(png).jpeg().toBuffer());
    const webp = new Uint8Array(await sharp(png).webp().toBuffer());
    for (const [bytes, ext] of [[png, 'png'], [jpeg, 'jpg'], [webp, 'webp']] as const) {
      expect(await inspectImageHeader(bytes)).toMatchObject({ ext, width: 37, height: 21 });
      expect(await inspectImage(bytes)).toMatchObject({ ext, width: 37, height: 21 });
    }
  });

  it('refuses a PNG whose first chunk is not a readable IHDR, saying the header does not read', async () => {
    const png = await solidPng(8, 8, [1, 2, 3]);
    const broken = png.slice();
    broken[12] = 0x58; // "XHDR"
    await expect(inspectImageHeader(broken)).rejects.toThrow(/PNG but the header does not read/);
    const zero = png.slice();
    zero.fill(0, 16, 20); // width 0
    await expect(inspectImageHeader(zero)).rejects.toBeInstanceOf(InvalidImageError);
  });

  it('passes the header of a truncated PNG, whose pixels then fail the decode check', async () => {
    const png = await solidPng(64, 64, [10, 200, 30]);
    const cut = png.slice(0, Math.floor(png.length * 0.6));
    await expect(inspectImageHeader(cut)).resolves.toMatchObject({ width: 64, height: 64 });
    await expect(inspectImage(cut)).rejects.toThrow(/do not decode/);
  });

  it('holds an output to the size that was asked for, from the header', async () => {
    const png = await solidPng(300, 300, [0, 0, 0]);
    await expect(inspectImageHeader(png, { width: 64, height: 64 })).rejects.toThrow(/image rejected/);
  });
});
