/**
 * Reads single pixels of the images on screen for the pixel inspector, always from the ORIGINAL image: panes
 * may draw a display-sized copy (a preview), whose pixels are averages, and an inspector must show what the
 * model produced.
 *
 * Nothing is read until the reviewer hovers: the first hover over an image loads its original (CORS mode, so
 * a cross-origin omni://img image stays readable) and draws it once into an offscreen canvas (kept for a few
 * images, least recently used first out); later hovers read one pixel from it. When the browser refuses the
 * read anyway (a tainted canvas), the image is marked unreadable and the inspector hides its values instead of
 * showing garbage.
 */

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

export interface NativeSize {
  width: number;
  height: number;
}

export type Sample =
  | { kind: 'value'; rgba: Rgba; size: NativeSize }
  | { kind: 'outside'; size: NativeSize }
  | { kind: 'unreadable' }
  | { kind: 'loading' };

type Entry =
  | { state: 'ready'; ctx: CanvasRenderingContext2D; width: number; height: number }
  | { state: 'tainted' }
  | { state: 'loading' };

/** Decoded 1024² RGBA is 4 MiB: eight images cover a few pairs of hovering without holding on to much. */
const MAX_ENTRIES = 8;

export class PixelSampler {
  private readonly entries = new Map<string, Entry>();
  private readonly onUpdate: () => void;

  /** `onUpdate` runs when an original finishes loading (or fails), so the readout refreshes. */
  constructor(onUpdate: () => void) {
    this.onUpdate = onUpdate;
  }

  /**
   * The pixel of the original at `url` under the frame point, or why there is none. `toNative` maps the frame
   * point onto the original's own pixel grid once its size is known.
   */
  sample(url: string, toNative: (size: NativeSize) => { x: number; y: number } | null): Sample {
    let entry = this.entries.get(url);
    if (entry) {
      // Refresh recency (Map keeps insertion order).
      this.entries.delete(url);
      this.entries.set(url, entry);
    } else {
      entry = { state: 'loading' };
      this.put(url, entry);
      this.load(url);
    }
    if (entry.state === 'tainted') return { kind: 'unreadable' };
    if (entry.state === 'loading') return { kind: 'loading' };
    const size = { width: entry.width, height: entry.height };
    const p = toNative(size);
    if (!p || p.x < 0 || p.y < 0 || p.x >= entry.width || p.y >= entry.height) return { kind: 'outside', size };
    const d = entry.ctx.getImageData(p.x, p.y, 1, 1).data;
    return { kind: 'value', rgba: { r: d[0] ?? 0, g: d[1] ?? 0, b: d[2] ?? 0, a: d[3] ?? 0 }, size };
  }

  private load(url: string): void {
    const img = new Image();
    img.crossOrigin = 'anonymous';
    img.decoding = 'async';
    const done = (ok: boolean): void => {
      if (this.entries.get(url)?.state !== 'loading') return; // evicted or cleared meanwhile
      this.put(url, ok ? this.capture(img) : { state: 'tainted' });
      this.onUpdate();
    };
    img.onload = () => done(true);
    img.onerror = () => done(false);
    img.src = url;
  }

  private capture(source: HTMLImageElement): Entry {
    const width = source.naturalWidth;
    const height = source.naturalHeight;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    // willReadFrequently keeps the canvas in CPU memory: many 1-pixel reads without GPU read-backs.
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return { state: 'tainted' };
    ctx.drawImage(source, 0, 0);
    try {
      ctx.getImageData(0, 0, 1, 1);
      return { state: 'ready', ctx, width, height };
    } catch {
      return { state: 'tainted' }; // SecurityError: the host sent no CORS header
    }
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
