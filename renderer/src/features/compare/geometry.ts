/**
 * Geometry of the overlay modes (swipe divider, onion opacity, toggle clicks) and of the changed-bounds boxes.
 * Pure and unit-tested; the components only apply what these return.
 */
import type { Size } from './viewport.ts';
import { PREVIEW_SIDES, type PreviewSide } from '../../../../shared/contract.ts';

export const SWIPE_DEFAULT = 0.5;
export const ONION_DEFAULT = 0.5;
/** Strobe period: ~500 ms per image is slow enough to compare, fast enough that a change "blinks". */
export const STROBE_MS = 500;
/** A press that moves less than this (screen px) is a click, not a pan: the toggle flips only on clicks. */
export const CLICK_SLOP_PX = 4;

function clamp01(value: number): number {
  if (!Number.isFinite(value)) return 0.5;
  return Math.min(1, Math.max(0, value));
}

/** Divider position (0 = left edge, 1 = right edge) for a pointer at `clientX` over a stage at `left`/`width`. */
export function swipeFraction(clientX: number, stageLeft: number, stageWidth: number): number {
  if (!(stageWidth > 0)) return SWIPE_DEFAULT;
  return clamp01((clientX - stageLeft) / stageWidth);
}

/**
 * The clip that shows the right image only to the right of the divider. The clip lives on an untransformed
 * wrapper the size of the stage, so it stays put on screen while the picture underneath zooms and pans.
 */
export function swipeClipPath(fraction: number): string {
  return `inset(0 0 0 ${(clamp01(fraction) * 100).toFixed(3)}%)`;
}

/** Arrow keys on the focused divider: 1 % steps, 10 % with Shift. */
export function swipeKeyStep(fraction: number, key: string, shift: boolean): number | null {
  const step = shift ? 0.1 : 0.01;
  if (key === 'ArrowLeft') return clamp01(fraction - step);
  if (key === 'ArrowRight') return clamp01(fraction + step);
  if (key === 'Home') return 0;
  if (key === 'End') return 1;
  return null;
}

export function clampOpacity(value: number): number {
  return clamp01(value);
}

export function isClick(dx: number, dy: number): boolean {
  return Math.hypot(dx, dy) < CLICK_SLOP_PX;
}

export interface BoxPercent {
  left: string;
  top: string;
  width: string;
  height: string;
}

/**
 * A changed-bounds rectangle in an image's own pixels → CSS percentages of that image. Every image is
 * stretched onto the shared frame, so percentages of the image are percentages of the frame too. Zero-size
 * boxes (one changed pixel) are kept visible with a minimum extent of one pixel. Null when unusable.
 */
export function boundsToPercent(
  bounds: { x: number; y: number; width: number; height: number } | null | undefined,
  image: Size | null | undefined,
): BoxPercent | null {
  if (!bounds || !image || !(image.width > 0) || !(image.height > 0)) return null;
  const x = Math.max(0, Math.min(image.width, bounds.x));
  const y = Math.max(0, Math.min(image.height, bounds.y));
  const w = Math.max(1, Math.min(image.width - x, bounds.width));
  const h = Math.max(1, Math.min(image.height - y, bounds.height));
  if (![x, y, w, h].every(Number.isFinite)) return null;
  const pct = (v: number, of: number): string => `${((v / of) * 100).toFixed(4)}%`;
  return { left: pct(x, image.width), top: pct(y, image.height), width: pct(w, image.width), height: pct(h, image.height) };
}

/**
 * Which display-sized copy to draw: the smallest preview side that still covers the device pixels the frame
 * occupies at this zoom, or null for the original (when no preview is smaller than the image itself). Panes at
 * fit show a 1024² output in ~470 px, so they get the 512 copy; zooming in crosses to 1024, then the original.
 */
export function displayPreviewSide(frame: { width: number; height: number }, scale: number, devicePixelRatio: number): PreviewSide | null {
  const longest = Math.max(frame.width, frame.height);
  const needed = longest * Math.max(0, scale) * Math.max(1, devicePixelRatio);
  const side = PREVIEW_SIDES.find((s) => needed <= s);
  return side !== undefined && side < longest ? side : null;
}
