/**
 * Display-sized copies of run images. A 1024² output shown in a ~470 px pane costs a full decode and a large
 * software raster for pixels nobody sees; a 512 px copy paints several times faster (docs/performance.md).
 * Copies are lossless PNGs, so what a reviewer judges at fit is the model's output, downscaled, never a
 * compression artefact. The pixel inspector and any zoom past the copy's resolution use the original.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { PREVIEW_SIDES } from '../../shared/contract.ts';
import { SHARP_LIMITS } from '../store/image-limits.ts';

export { PREVIEW_SIDES };

/** Only the sizes of the closed set are made, so the cache stays bounded. */
export function isPreviewSide(value: number): boolean {
  return (PREVIEW_SIDES as readonly number[]).includes(value);
}

/** Where the copy of `imageId` at `maxSide` lives inside a run folder (derived data: safe to delete). */
export function previewRelPath(imageId: string, maxSide: number): string {
  return join('previews', String(maxSide), `${imageId}.png`);
}

const inFlight = new Map<string, Promise<void>>();

/**
 * Make (once) the copy of `source` at `target`, longest side `maxSide`. Concurrent requests for the same copy
 * share one job; the file appears atomically (core/fs/atomic-write.ts), so a reader never sees half of it.
 */
export async function ensurePreview(source: string, target: string, maxSide: number): Promise<void> {
  try {
    await stat(target);
    return;
  } catch {
    // not made yet
  }
  let job = inFlight.get(target);
  if (!job) {
    job = (async () => {
      const png = await sharp(source, SHARP_LIMITS).resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true }).png({ compressionLevel: 3 }).toBuffer();
      await writeFileAtomic(target, png);
    })().finally(() => inFlight.delete(target));
    inFlight.set(target, job);
  }
  await job;
}
