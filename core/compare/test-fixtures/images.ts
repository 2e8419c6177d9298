/**
 * Synthetic images for the comparison tests: written with sharp into a temp folder, so every expected number
 * (changed pixels, bounds, sizes) is known exactly. Test support only; nothing in the product imports it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export const BASE_WIDTH = 64;
export const BASE_HEIGHT = 48;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Flat background with two blocks: flat regions keep pixelmatch's anti-aliasing heuristic out of the counts. */
export function baseRgba(width = BASE_WIDTH, height = BASE_HEIGHT): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      let px = [40, 80, 120];
      if (x >= 40 && x < 56 && y >= 20 && y < 40) px = [200, 60, 60];
      if (x >= 4 && x < 20 && y >= 30 && y < 44) px = [30, 160, 90];
      data.set([...px, 255], i);
    }
  }
  return data;
}

export function fillRect(data: Uint8Array, width: number, rect: Rect, rgb: readonly [number, number, number]): Uint8Array {
  const out = new Uint8Array(data);
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) out.set([...rgb, 255], (y * width + x) * 4);
  }
  return out;
}

export type Format = 'png' | 'jpeg' | 'webp';

export async function encode(data: Uint8Array, width: number, height: number, format: Format): Promise<Buffer> {
  const img = sharp(data, { raw: { width, height, channels: 4 } });
  if (format === 'png') return img.png().toBuffer();
  if (format === 'jpeg') return img.jpeg({ quality: 95 }).toBuffer();
  return img.webp({ lossless: true }).toBuffer();
}

export interface ImageDir {
  dir: string;
  /** Encode and write; returns the absolute path. */
  write(name: string, data: Uint8Array, width: number, height: number, format?: Format): Promise<string>;
  writeBytes(name: string, bytes: Uint8Array | string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function imageDir(prefix = 'omni-compare-'): Promise<ImageDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    async write(name, data, width, height, format = 'png') {
      const path = join(dir, name);
      await writeFile(path, await encode(data, width, height, format));
      return path;
    },
    async writeBytes(name, bytes) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      return path;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Decode a PNG (a heatmap) to RGBA for assertions. */
export async function decodePng(bytes: Uint8Array): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}
