import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { sniffImageFormat, writeFileAtomic } from './image-file.ts';
import { tempDir } from './testing.ts';

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

describe('writeFileAtomic', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('atomic'));
  });
  afterEach(async () => cleanup());

  it('writes the whole file under its final name, creating folders, leaving no temp file', async () => {
    const file = path.join(dir, 'images', 'ab', 'x.png');
    await writeFileAtomic(file, Uint8Array.from([1, 2, 3]));
    await writeFileAtomic(file, Uint8Array.from([1, 2, 3])); // same content again: replaces atomically
    expect(new Uint8Array(await readFile(file))).toEqual(Uint8Array.from([1, 2, 3]));
    expect(await readdir(path.dirname(file))).toEqual(['x.png']);
  });

  it('leaves no temp file behind when the rename fails', async () => {
    const file = path.join(dir, 'taken');
    await mkdir(path.join(file, 'inside'), { recursive: true }); // a non-empty folder cannot be renamed over
    await expect(writeFileAtomic(file, Uint8Array.from([9]))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
  });
});
