/**
 * report.html's embedded thumbnails: small AVIF (photos) and WebP (heatmaps) images sized for the figure they
 * fill, made once per image and kept in a cache folder beside the report, so re-rendering a report
 * (`omni-review report DIR`, a verdict saved in the app) reads a few KB per image instead of decoding every
 * 1024² PNG again.
 *
 * Why these formats and sizes (measured on the 100-case scale run, docs/performance.md "Reports that scale"):
 * the page embeds every output of a 500-case run (~1,300 outputs, ~650 heatmaps) and must stay under 8 MB, so
 * each thumbnail gets about 2 KB. At a 160 px longest edge AVIF q35 at encoder effort 0 is 1.75 KB for a photo
 * (WebP q50: 3.2 KB) and encodes as fast as WebP; heatmaps (flat grey with a few red pixels) are smaller as WebP.
 * The figures are drawn at most 240 CSS px wide (html-style.ts), so 160 px is 1.5× at most; clicking opens the
 * full-size file.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { SHARP_LIMITS } from '../store/image-limits.ts';

/** One thumbnail's encoding. Part of the cache key: a change here makes new cache entries. */
export interface ThumbnailSpec {
  /** Longest edge, px. */
  size: number;
  format: 'avif' | 'webp';
  quality: number;
}

export const PHOTO_THUMBNAIL: ThumbnailSpec = { size: 160, format: 'avif', quality: 35 };
/** Heatmaps: the changed region is also drawn as a box over them (html-parts.ts boundsOverlay), so 128 px does. */
export const HEATMAP_THUMBNAIL: ThumbnailSpec = { size: 128, format: 'webp', quality: 40 };

/**
 * Cache folder inside the report's folder (derived data: safe to delete): thumbnails, text crops (html-text.ts)
 * and the CJK font subset (cjk-font.ts).
 */
export const THUMBNAIL_CACHE_DIR = 'report-cache';

export interface EncodedThumbnail {
  mime: 'image/avif' | 'image/webp' | 'font/woff2';
  data: Buffer;
  width: number;
  height: number;
}

const THUMB_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);
/** Bump when the encoding changes in a way the spec does not capture. */
const CACHE_VERSION = 1;
const CACHE_NAME = /^([0-9a-f]{32})-(\d{1,5})x(\d{1,5})-(\d{1,9})\.(avif|webp|woff2)$/;

const MIME = { avif: 'image/avif', webp: 'image/webp', woff2: 'font/woff2' } as const;
const EXT = { 'image/avif': 'avif', 'image/webp': 'webp', 'font/woff2': 'woff2' } as const;

/** Encode `bytes` as a thumbnail, or null when it is not a raster image we show. */
export async function encodeThumbnail(bytes: Buffer, spec: ThumbnailSpec): Promise<EncodedThumbnail | null> {
  const meta = await sharp(bytes).metadata();
  if (!meta.format || !THUMB_FORMATS.has(meta.format)) return null;
  const pipeline = sharp(bytes, SHARP_LIMITS).autoOrient().resize(spec.size, spec.size, { fit: 'inside', withoutEnlargement: true });
  // effort 0: the AVIF encoder's fastest setting, about as fast as WebP at these sizes and ~10 % larger than effort 2.
  const encoded = spec.format === 'avif' ? pipeline.avif({ quality: spec.quality, effort: 0 }) : pipeline.webp({ quality: spec.quality });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { mime: MIME[spec.format], data, width: info.width, height: info.height };
}

/**
 * The cache of one folder. Entries are named `<key>-<w>x<h>-<bytes>.<ext>`: the key hashes the image's
 * path, size and modification time with the spec, the name carries what the page needs (dimensions) and the
 * length a complete file has, so a file cut short (a crash mid-write; entries are not fsynced, they can be made
 * again) is never embedded.
 */
export class ThumbnailCache {
  /** The folder's entries, listed once; a promise, so lookups made while the listing runs wait for it. */
  private entries: Promise<Map<string, string>> | null = null;
  private writable = true;

  private readonly dir: string | null;

  constructor(dir: string | null) {
    this.dir = dir;
  }

  private list(): Promise<Map<string, string>> {
    // Concurrent callers (makeThumbnails runs 4 lanes) share one listing: they once saw the empty map while it ran
    // and made their first thumbnails again.
    this.entries ??= (async () => {
      const entries = new Map<string, string>();
      if (this.dir === null) return entries;
      try {
        for (const name of await readdir(this.dir)) {
          const m = CACHE_NAME.exec(name);
          if (m) entries.set(m[1] as string, name);
        }
      } catch {
        // no cache yet
      }
      return entries;
    })();
    return this.entries;
  }

  /** Key of what is made from the file at `path` by `recipe` (a spec, a crop box): changes with the file's size or mtime. */
  static async keyOf(path: string, recipe: string): Promise<string> {
    const st = await stat(path);
    return ThumbnailCache.keyOfText(`${path}|${st.size}|${st.mtimeMs}|${recipe}`);
  }

  static keyOfText(text: string): string {
    return createHash('sha256').update(`${CACHE_VERSION}|${text}`).digest('hex').slice(0, 32);
  }

  async get(key: string): Promise<EncodedThumbnail | null> {
    const name = (await this.list()).get(key);
    if (!name || this.dir === null) return null;
    const m = CACHE_NAME.exec(name) as RegExpExecArray;
    try {
      const data = await readFile(join(this.dir, name));
      if (data.length !== Number(m[4])) return null;
      return { mime: MIME[m[5] as keyof typeof MIME], data, width: Number(m[2]), height: Number(m[3]) };
    } catch {
      return null;
    }
  }

  /** Best effort: a folder we cannot write (a read-only report folder) only means no cache. */
  async put(key: string, t: EncodedThumbnail): Promise<void> {
    if (this.dir === null || !this.writable) return;
    const ext = EXT[t.mime];
    const name = `${key}-${t.width}x${t.height}-${t.data.length}.${ext}`;
    // The temp name follows core/fs/atomic-write.ts's pattern, so a kill -9 mid-write leaves a file of a known kind.
    const temp = join(this.dir, `.${name}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, t.data);
      await rename(temp, join(this.dir, name));
      (await this.list()).set(key, name);
    } catch {
      this.writable = false;
      await unlink(temp).catch(() => undefined);
    }
  }
}

/** The thumbnail of the image file at `path` through `cache`, or null when it is missing or not an image. */
export async function cachedThumbnail(path: string, spec: ThumbnailSpec, cache: ThumbnailCache): Promise<EncodedThumbnail | null> {
  let key: string;
  try {
    key = await ThumbnailCache.keyOf(path, `${spec.format}|${spec.size}|${spec.quality}`);
  } catch {
    return null; // missing file
  }
  const hit = await cache.get(key);
  if (hit) return hit;
  let made: EncodedThumbnail | null;
  try {
    made = await encodeThumbnail(await readFile(path), spec);
  } catch {
    return null;
  }
  if (made) await cache.put(key, made);
  return made;
}

/** The spec an image of the report is encoded with: heatmaps and photos differ; `size` overrides the longest edge. */
export function thumbnailSpecOf(heatmap: boolean, size?: number): ThumbnailSpec {
  const base = heatmap ? HEATMAP_THUMBNAIL : PHOTO_THUMBNAIL;
  return size === undefined ? base : { ...base, size };
}

/** One image of a report folder, as the report names it: relative to the folder (POSIX separators). */
export interface ThumbnailItem {
  rel: string;
  heatmap: boolean;
}

/**
 * Thumbnails made ahead of the report, while a run goes (the compare workers, core/compare/protocol.ts): the
 * images of report folder `reportDir` into its cache, exactly as the report would make them (same path, spec and
 * key), so the report at the end only reads them. `ready`: in the cache now (made here or before). Never throws: a thumbnail that cannot be made here is made
 * (or found missing) by the report, as before.
 */
export async function prepareThumbnails(reportDir: string, items: readonly ThumbnailItem[]): Promise<{ ready: number; failed: number }> {
  const cache = new ThumbnailCache(join(reportDir, THUMBNAIL_CACHE_DIR));
  let ready = 0;
  let failed = 0;
  for (const item of items) {
    try {
      if ((await cachedThumbnail(resolve(reportDir, item.rel), thumbnailSpecOf(item.heatmap), cache)) === null) failed++;
      else ready++;
    } catch {
      failed++;
    }
  }
  return { ready, failed };
}
