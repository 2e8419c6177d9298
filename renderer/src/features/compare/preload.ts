/**
 * Warm the images of the pairs the reviewer is likely to open next (the list's neighbours), so the switch only
 * has to swap URLs on already-decoded images. The review page calls `preloadPairs` once the current pair is
 * painted and the browser is idle; the compare view itself never guesses what comes next.
 *
 * Bounded: a few pairs' images are kept alive (a live, decoded <img> keeps its pixels in the browser's
 * caches); older ones are let go. Decodes run one at a time so they never crowd the visible pair's, and work
 * for pairs the reviewer has already moved past is dropped.
 */
import type { PairView } from '../../../../shared/contract.ts';
import { placeSides, slotsFor, type Position } from './sides.ts';
import type { ViewMode } from './types.ts';

/**
 * Decoded images kept alive: the neighbours of the pair on screen (next, previous, the one after) in split view
 * are ~9 images. Keeping more (24 was measured) did not make revisits faster on a 2-core machine and adds
 * memory (a decoded 1024² image holds ~4 MB): the browser's own decoded-image cache decides what stays.
 */
const MAX_KEPT = 12;

interface Entry<H> {
  handle: H | null;
  state: 'queued' | 'loading' | 'done';
}

/**
 * What to have decoded next, one at a time, in priority order. Pure scheduling (the loader is injected), so it
 * is tested without a DOM. `want` replaces the wish list: queued work that is no longer wanted is dropped before
 * it starts, so fast j/k presses never leave a backlog of stale decodes competing with the pair on screen.
 */
export class PreloadQueue<H> {
  readonly #open: (url: string) => { handle: H; ready: Promise<unknown> };
  readonly #max: number;
  readonly #entries = new Map<string, Entry<H>>();
  #wanted: string[] = [];
  #busy = false;

  constructor(open: (url: string) => { handle: H; ready: Promise<unknown> }, max: number = MAX_KEPT) {
    this.#open = open;
    this.#max = max;
  }

  want(urls: readonly string[]): void {
    this.#wanted = [...new Set(urls)];
    const wanted = new Set(this.#wanted);
    for (const [url, entry] of this.#entries) if (entry.state === 'queued' && !wanted.has(url)) this.#entries.delete(url);
    // Most wanted last in LRU order (least likely to be evicted): walk the list backwards.
    for (const url of [...this.#wanted].reverse()) {
      const entry = this.#entries.get(url) ?? { handle: null, state: 'queued' as const };
      this.#entries.delete(url);
      this.#entries.set(url, entry);
    }
    this.#evict();
    this.#pump();
  }

  /** For tests and diagnostics. */
  stateOf(url: string): Entry<H>['state'] | null {
    return this.#entries.get(url)?.state ?? null;
  }

  get size(): number {
    return this.#entries.size;
  }

  #evict(): void {
    for (const [url, entry] of this.#entries) {
      if (this.#entries.size <= this.#max) break;
      if (entry.state !== 'loading') this.#entries.delete(url);
    }
  }

  #pump(): void {
    if (this.#busy) return;
    const url = this.#wanted.find((u) => this.#entries.get(u)?.state === 'queued');
    if (url === undefined) return;
    const entry = this.#entries.get(url)!;
    const { handle, ready } = this.#open(url);
    entry.handle = handle;
    entry.state = 'loading';
    this.#busy = true;
    const settle = () => {
      entry.state = 'done';
      this.#busy = false;
      this.#evict();
      this.#pump();
    };
    ready.then(settle, settle);
  }
}

let queue: PreloadQueue<HTMLImageElement> | null = null;

function domQueue(): PreloadQueue<HTMLImageElement> {
  queue ??= new PreloadQueue((url) => {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    return { handle: img, ready: img.decode() };
  });
  return queue;
}

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

/**
 * Have the images `mode` shows for these pairs decoded, in this order (most wanted first), replacing the
 * previous wish list. Returns at once; call it when the browser is idle after a paint.
 */
export function preloadPairs(
  runId: string,
  pairs: ReadonlyArray<{ pair: PairView; swapped: boolean }>,
  mode: ViewMode,
  imageUrl: (runId: string, imageId: string) => string,
): void {
  domQueue().want(pairs.flatMap(({ pair, swapped }) => pairImageUrls(runId, pair, mode, imageUrl, swapped)));
}
