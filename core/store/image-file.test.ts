import { describe, it, expect } from 'vitest';
import { sniffImageFormat } from './image-file.ts';

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
