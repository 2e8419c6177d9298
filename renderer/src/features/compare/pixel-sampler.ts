/**
 * Reads single pixels of the images on screen for the pixel inspector.
 *
 * Nothing is read until the reviewer hovers: the first hover over an image draws it once into an offscreen
 * canvas (kept for a few images, least recently used first out), later hovers read one pixel from it.
 * A canvas holding a cross-origin image is "tainted" and refuses reads (Electron serves images from
 * omni://img while the page is omni://app, another origin). Then one CORS-mode reload is tried; if that
 * fails too the image is marked unreadable and the inspector hides its values instead of showing garbage.
 */

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

export type Sample = { kind: 'value'; rgba: Rgba } | { kind: 'unreadable' } | { kind: 'loading' };

type Entry =
  | { state: 'ready'; ctx: CanvasRenderingContext2D; width: number; height: number }
  | { state: 'tainted' }
  | { state: 'retrying' };

/** Decoded 1024² RGBA is 4 MiB: eight images cover a few pairs of hovering without holding on to much. */
const MAX_ENTRIES = 8;

export class PixelSampler {
  private readonly entries = new Map<string, Entry>();
  private readonly onUpdate: () => void;

  /** `onUpdate` runs when a retried (CORS) image becomes readable or is given up on, so the readout refreshes. */
  constructor(onUpdate: () => void) {
    this.onUpdate = onUpdate;
  }

  /** The pixel at native (x, y) of `img` showing `url`, or why there is none. */
  sample(img: HTMLImageElement, url: string, x: number, y: number): Sample {
    let entry = this.entries.get(url);
    if (entry) {
      // Refresh recency (Map keeps insertion order).
      this.entries.delete(url);
      this.entries.set(url, entry);
    } else {
      if (!img.complete || img.naturalWidth === 0) return { kind: 'loading' };
      entry = this.capture(img, url, false);
    }
    if (entry.state === 'tainted') return { kind: 'unreadable' };
    if (entry.state === 'retrying') return { kind: 'loading' };
    if (x < 0 || y < 0 || x >= entry.width || y >= entry.height) return { kind: 'unreadable' };
    const d = entry.ctx.getImageData(x, y, 1, 1).data;
    return { kind: 'value', rgba: { r: d[0] ?? 0, g: d[1] ?? 0, b: d[2] ?? 0, a: d[3] ?? 0 } };
  }

  private capture(source: HTMLImageElement, url: string, isRetry: boolean): Entry {
    const width = source.naturalWidth;
    const height = source.naturalHeight;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    // willReadFrequently keeps the canvas in CPU memory: many 1-pixel reads without GPU read-backs.
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    let entry: Entry;
    if (!ctx) {
      entry = { state: 'tainted' };
    } else {
      ctx.drawImage(source, 0, 0);
      try {
        ctx.getImageData(0, 0, 1, 1);
        entry = { state: 'ready', ctx, width, height };
      } catch {
        // SecurityError: a tainted canvas. Try once with CORS before giving up on this image.
        entry = isRetry ? { state: 'tainted' } : { state: 'retrying' };
        if (!isRetry) this.retryWithCors(url);
      }
    }
    this.put(url, entry);
    return entry;
  }

  private retryWithCors(url: string): void {
    const img = new Image();
    img.crossOrigin = 'anonymous';
    img.decoding = 'async';
    const done = (ok: boolean): void => {
      if (this.entries.get(url)?.state !== 'retrying') return;
      if (ok) this.capture(img, url, true);
      else this.put(url, { state: 'tainted' });
      this.onUpdate();
    };
    img.onload = () => done(true);
    img.onerror = () => done(false);
    img.src = url;
  }

  private put(url: string, entry: Entry): void {
    this.entries.delete(url);
    this.entries.set(url, entry);
    while (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
