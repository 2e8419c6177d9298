import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedThumbnail, encodeThumbnail, HEATMAP_THUMBNAIL, PHOTO_THUMBNAIL, ThumbnailCache } from './thumbnails.ts';

let dir: string;

async function png(width: number, height: number, seed: number): Promise<Buffer> {
  // Noise, so the encoders have real work and two seeds give different bytes.
  const raw = Buffer.alloc(width * height * 3);
  let x = seed;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = x >>> 24;
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omni-thumbs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('encodeThumbnail', () => {
  it('sizes a photo to the display size as AVIF and a heatmap as WebP, keeping the aspect ratio', async () => {
    const photo = await encodeThumbnail(await png(1024, 683, 1), PHOTO_THUMBNAIL);
    expect(photo).toMatchObject({ mime: 'image/avif', width: 160, height: 107 });
    expect((await sharp(photo!.data).metadata()).format).toBe('heif');
    const heat = await encodeThumbnail(await png(512, 512, 2), HEATMAP_THUMBNAIL);
    expect(heat).toMatchObject({ mime: 'image/webp', width: HEATMAP_THUMBNAIL.size, height: HEATMAP_THUMBNAIL.size });
  });

  it('returns null for an image kind we do not show (SVG: it could carry script or external references)', async () => {
    await expect(encodeThumbnail(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), PHOTO_THUMBNAIL)).resolves.toBeNull();
  });
});

describe('cachedThumbnail', () => {
  it('makes a thumbnail once and reads it back from the cache folder on the next render', async () => {
    const image = join(dir, 'a.png');
    await writeFile(image, await png(300, 200, 3));
    const cacheDir = join(dir, 'thumbnails');
    const first = await cachedThumbnail(image, PHOTO_THUMBNAIL, new ThumbnailCache(cacheDir));
    const files = await readdir(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{32}-160x107-\d+\.avif$/);
    // A fresh cache object (a new process): same bytes, served from the file, nothing new written.
    const again = await cachedThumbnail(image, PHOTO_THUMBNAIL, new ThumbnailCache(cacheDir));
    expect(again?.data.equals(first!.data)).toBe(true);
    expect(await readdir(cacheDir)).toEqual(files);
    expect((await readFile(join(cacheDir, files[0]!))).equals(first!.data)).toBe(true);
  });

  it('never embeds a cache file cut short, and makes a new entry when the image changes', async () => {
    const image = join(dir, 'a.png');
    await writeFile(image, await png(300, 200, 4));
    const cacheDir = join(dir, 'thumbnails');
    const first = await cachedThumbnail(image, PHOTO_THUMBNAIL, new ThumbnailCache(cacheDir));
    const [name] = await readdir(cacheDir);
    await truncate(join(cacheDir, name!), 10);
    const remade = await cachedThumbnail(image, PHOTO_THUMBNAIL, new ThumbnailCache(cacheDir));
    expect(remade?.data.equals(first!.data)).toBe(true);
    // Another image at the same path (other size and mtime): another key, another thumbnail.
    await writeFile(image, await png(200, 300, 5));
    const changed = await cachedThumbnail(image, PHOTO_THUMBNAIL, new ThumbnailCache(cacheDir));
    expect(changed).toMatchObject({ width: 107, height: 160 });
  });

  it('works without a cache, and returns null for a missing file', async () => {
    const image = join(dir, 'a.png');
    await writeFile(image, await png(64, 48, 6));
    expect(await cachedThumbnail(image, HEATMAP_THUMBNAIL, new ThumbnailCache(null))).toMatchObject({ width: 64, height: 48 });
    expect(await cachedThumbnail(join(dir, 'gone.png'), PHOTO_THUMBNAIL, new ThumbnailCache(join(dir, 'thumbnails')))).toBeNull();
    await expect(readdir(dir)).resolves.toEqual(['a.png']);
  });
});
