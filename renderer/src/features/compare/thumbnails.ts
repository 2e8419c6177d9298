/**
 * Small copies of images for the filmstrip. Drawing a 1024² image into a 48 px box means the browser
 * resamples the full image on every repaint of the strip (each turn switch repaints it); a 96 px copy made
 * once per image keeps those repaints cheap. Copies are made one at a time (no decode storms on 2 cores),
 * kept in a bounded cache by URL, and handed out as blob: URLs (allowed by the renderer's CSP).
 *
 * A cross-origin image (Electron's omni:// images seen from the omni://app page) taints the canvas and
 * cannot be exported: then the original URL is used, which only costs speed.
 */

const THUMB_PX = 96;
const MAX_ENTRIES = 256;

/** url → small blob URL, or null = use the original. Insertion order is recency (oldest first). */
const ready = new Map<string, string | null>();
const pending = new Map<string, Promise<void>>();
let queue: Promise<void> = Promise.resolve();

/** The small copy if made: a URL, null for "use the original", undefined while not made yet. */
export function peekThumbnail(url: string): string | null | undefined {
  return ready.get(url);
}

/** Make (once) the small copy of `url`; resolves when peekThumbnail(url) has an answer. */
export function requestThumbnail(url: string): Promise<void> {
  if (ready.has(url)) return Promise.resolve();
  const existing = pending.get(url);
  if (existing) return existing;
  const job = queue.then(() => makeThumbnail(url)).then(
    (small) => store(url, small),
    () => store(url, null),
  );
  queue = job;
  pending.set(url, job);
  return job;
}

function store(url: string, small: string | null): void {
  pending.delete(url);
  ready.set(url, small);
  while (ready.size > MAX_ENTRIES) {
    const oldest = ready.entries().next().value;
    if (!oldest) break;
    ready.delete(oldest[0]);
    if (oldest[1]) URL.revokeObjectURL(oldest[1]);
  }
}

async function makeThumbnail(url: string): Promise<string | null> {
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  await img.decode();
  const scale = Math.min(1, THUMB_PX / Math.max(img.naturalWidth, img.naturalHeight));
  const w = Math.max(1, Math.round(img.naturalWidth * scale));
  const h = Math.max(1, Math.round(img.naturalHeight * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, 0, 0, w, h);
  return new Promise<string | null>((resolve) => {
    try {
      canvas.toBlob((blob) => resolve(blob ? URL.createObjectURL(blob) : null), 'image/png');
    } catch {
      resolve(null); // tainted canvas (SecurityError): fall back to the original URL
    }
  });
}
