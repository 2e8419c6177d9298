/**
 * Warm the images of a pair the reviewer is likely to open next (the list's neighbours), so the switch only
 * has to swap URLs on already-decoded images. The app shell calls `preloadPair` for the next and previous
 * pair once the current one is painted; the compare view itself never guesses what comes next.
 *
 * Bounded: a few pairs' images are kept alive (a live, decoded <img> keeps its pixels in the browser's
 * caches); older ones are let go. Decodes run one at a time so they never crowd the visible pair's.
 */
import type { PairView } from '../../../../shared/contract.ts';
import { placeSides, slotsFor, type Position } from './sides.ts';
import type { ViewMode } from './types.ts';

/** About three pairs of four images: enough for next and previous, small enough to not hoard memory. */
const MAX_KEPT = 12;

const kept = new Map<string, HTMLImageElement>();
let chain: Promise<void> = Promise.resolve();

/** The image URLs `mode` shows for `pair` (what the compare view will wait on), in drawing order. */
export function pairImageUrls(
  runId: string,
  pair: PairView,
  mode: ViewMode,
  imageUrl: (runId: string, imageId: string) => string,
  swapped = false,
  preferSource: Position = 'left',
): string[] {
  const places = placeSides(pair, false, swapped);
  return slotsFor(mode, pair, places, preferSource).flatMap((slot) => (slot.imageId ? [imageUrl(runId, slot.imageId)] : []));
}

/** Start decoding the images `mode` would show for `pair`. Safe to call repeatedly; returns at once. */
export function preloadPair(
  runId: string,
  pair: PairView,
  mode: ViewMode,
  imageUrl: (runId: string, imageId: string) => string,
  swapped = false,
): void {
  for (const url of pairImageUrls(runId, pair, mode, imageUrl, swapped)) {
    const existing = kept.get(url);
    if (existing) {
      kept.delete(url);
      kept.set(url, existing);
      continue;
    }
    const img = new Image();
    img.decoding = 'async';
    kept.set(url, img);
    while (kept.size > MAX_KEPT) {
      const oldest = kept.keys().next().value;
      if (oldest === undefined) break;
      kept.delete(oldest);
    }
    chain = chain.then(() => {
      if (kept.get(url) !== img) return; // evicted before its turn
      img.src = url;
      return img.decode().catch(() => undefined);
    });
  }
}
