/**
 * Content-addressed image files: naming, format sniffing and the decode check (written by core/fs/atomic-write.ts).
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Dimensions, ImageId } from '../../shared/model.ts';
import { isPixelLimitError, oversizeProblem, SHARP_LIMITS } from './image-limits.ts';

export interface ImageFormat {
  mime: 'image/png' | 'image/jpeg' | 'image/webp';
  ext: 'png' | 'jpg' | 'webp';
  /** sharp's name for the format. */
  sharpFormat: 'png' | 'jpeg' | 'webp';
}

const PNG: ImageFormat = { mime: 'image/png', ext: 'png', sharpFormat: 'png' };
const JPEG: ImageFormat = { mime: 'image/jpeg', ext: 'jpg', sharpFormat: 'jpeg' };
const WEBP: ImageFormat = { mime: 'image/webp', ext: 'webp', sharpFormat: 'webp' };

/** A buffer that is not a decodable PNG, JPEG or WebP. The runner turns it into a job error `invalid-image`. */
export class InvalidImageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidImageError';
  }
}

export function imageIdOf(bytes: Uint8Array): ImageId {
  return createHash('sha256').update(bytes).digest('hex');
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false;
  return prefix.every((b, i) => bytes[offset + i] === b);
}

/** The format from the magic bytes, or null. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPEG;
  // RIFF <size:4> WEBP
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return WEBP;
  return null;
}

export function extForMime(mime: string): string {
  for (const f of [PNG, JPEG, WEBP]) if (f.mime === mime) return f.ext;
  return 'bin';
}

function firstBytesHex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ') || '(empty)';
}

/**
 * Width and height from a PNG's IHDR chunk (it must come first), read here rather than by sharp: a PNG is what
 * backends return, and this saves a round trip through sharp's thread pool on every saved result.
 */
function pngHeaderSize(bytes: Uint8Array): Dimensions | null {
  // signature (8) · length 13 (4) · "IHDR" (4) · width (4) · height (4), big-endian
  if (bytes.length < 33 || !startsWith(bytes, [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52], 8)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * The format and size an image declares, from its header alone (no pixel decoded), checked against the pixel
 * budget and, for a backend's output, the size that was asked for (image-limits.ts): an image too large to decode
 * is refused here. Whether its pixels decode is checkImageDecodes.
 */
export async function inspectImageHeader(bytes: Uint8Array, requested?: Dimensions): Promise<ImageFormat & Dimensions> {
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new InvalidImageError(
      `image rejected: ${bytes.length} bytes that are not a PNG, JPEG or WebP (first bytes: ${firstBytesHex(bytes)})`,
    );
  }
  let size: Dimensions | null = format === PNG ? pngHeaderSize(bytes) : null;
  try {
    if (!size) {
      // No pixel is decoded here, so no limit is needed (and sharp would refuse a bomb's header with a message
      // about pixel limits instead of saying what size it declares).
      const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
      if (meta.format !== format.sharpFormat || !meta.width || !meta.height) {
        throw new Error(`header says ${meta.format ?? 'unknown'} ${meta.width ?? '?'}x${meta.height ?? '?'}`);
      }
      size = { width: meta.width, height: meta.height };
    }
  } catch (error) {
    throw new InvalidImageError(
      `image rejected: ${bytes.length} bytes look like ${format.ext.toUpperCase()} but the header does not read ` +
        `(${(error as Error).message}); the server sent a truncated or corrupt image`,
      { cause: error },
    );
  }
  const oversize = oversizeProblem(size, requested);
  if (oversize) {
    throw new InvalidImageError(`image rejected: ${bytes.length} bytes of ${format.ext.toUpperCase()}, but ${oversize}`);
  }
  return { ...format, width: size.width, height: size.height };
}

/**
 * Check that the pixels of an image whose header passed inspectImageHeader decode: a truncated PNG has a valid
 * header, so they are decoded once (in sharp's thread pool, under the pixel budget).
 */
export async function checkImageDecodes(bytes: Uint8Array, format: ImageFormat): Promise<void> {
  try {
    await sharp(bytes, SHARP_LIMITS).raw().toBuffer();
  } catch (error) {
    if (isPixelLimitError(error)) {
      throw new InvalidImageError(
        `image rejected: ${bytes.length} bytes of ${format.ext.toUpperCase()} that decode to more pixels than the limit allows`,
        { cause: error },
      );
    }
    throw new InvalidImageError(
      `image rejected: ${bytes.length} bytes look like ${format.ext.toUpperCase()} but do not decode ` +
        `(${(error as Error).message}); the server sent a truncated or corrupt image`,
      { cause: error },
    );
  }
}

/**
 * Check that `bytes` is a whole, decodable image and return its format and size: the header first (an image too
 * large to decode is refused without decoding it; `requested` holds a backend's output to the size that was asked
 * for), then the pixels once.
 */
export async function inspectImage(bytes: Uint8Array, requested?: Dimensions): Promise<ImageFormat & Dimensions> {
  const info = await inspectImageHeader(bytes, requested);
  await checkImageDecodes(bytes, info);
  return info;
}

/** images/<first 2 hex>/<sha256>.<ext>, POSIX separators. */
export function imageRelPath(id: ImageId, ext: string): string {
  return `images/${id.slice(0, 2)}/${id}.${ext}`;
}
