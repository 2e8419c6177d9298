/**
 * Helpers for tests that talk to the simulators over HTTP and look at the pixels they return. No test framework
 * here, so integration tests elsewhere in the project can use them too.
 */
import pixelmatch from 'pixelmatch';
import sharp from 'sharp';
import { ssim } from 'ssim.js';
import type { SimEvent } from './types.ts';

export interface Rgba {
  data: Uint8Array;
  width: number;
  height: number;
}

export async function decodeRgba(bytes: Uint8Array): Promise<Rgba> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function crop(img: Rgba, r: Region): Rgba {
  const out = new Uint8Array(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * img.width + r.x) * 4;
    out.set(img.data.subarray(from, from + r.width * 4), y * r.width * 4);
  }
  return { data: out, width: r.width, height: r.height };
}

/** Share of pixels pixelmatch calls different (anti-aliasing counted as different, as the review app does). */
export function diffRatio(a: Rgba, b: Rgba, threshold = 0.1): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  return pixelmatch(a.data, b.data, undefined, a.width, a.height, { threshold, includeAA: true }) / (a.width * a.height);
}

export function ssimOf(a: Rgba, b: Rgba): number {
  return ssim(
    { data: new Uint8ClampedArray(a.data), width: a.width, height: a.height },
    { data: new Uint8ClampedArray(b.data), width: b.width, height: b.height },
  ).mssim;
}

/** A test input: a fixture image scaled (cover) to width×height, as PNG bytes. */
export async function fixturePng(path: string, width: number, height: number): Promise<Buffer> {
  return sharp(path).resize(width, height, { fit: 'cover' }).removeAlpha().png().toBuffer();
}

export async function flatPng(width: number, height: number, rgb: readonly [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}

export function editForm(fields: Record<string, string | number>, images: ReadonlyArray<{ bytes: Uint8Array; name?: string; field?: string }>): FormData {
  const form = new FormData();
  for (const img of images) {
    form.append(img.field ?? 'image', new Blob([new Uint8Array(img.bytes)], { type: 'image/png' }), img.name ?? 'input.png');
  }
  for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
  return form;
}

export function dataUrl(bytes: Uint8Array, mime = 'image/png'): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}

/**
 * Collects a simulator's events; `next(pred)` resolves at the first matching event (already seen or future).
 * Pass `listener.onEvent` as SimOptions.onEvent.
 */
export class EventLog {
  readonly events: SimEvent[] = [];
  readonly #waiters: Array<{ pred: (e: SimEvent) => boolean; resolve: (e: SimEvent) => void }> = [];

  readonly onEvent = (event: SimEvent): void => {
    this.events.push(event);
    for (const w of [...this.#waiters]) {
      if (w.pred(event)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  };

  next(pred: (e: SimEvent) => boolean): Promise<SimEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ pred, resolve }));
  }
}
