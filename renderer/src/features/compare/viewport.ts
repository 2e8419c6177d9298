/**
 * Viewport math for the synchronized panes: pure, DOM-free, unit-tested.
 *
 * Every pane draws its image into one shared *frame* (the output size of the pair, see `pickFrame`), so one
 * view serves all panes and a point under the cursor is the same frame point in each of them. A view is
 * stored as (scale, centre in frame px) rather than as a translation, so it survives pane resizes and mode
 * switches (a split pane and the single swipe stage have different sizes but keep the same centre).
 *
 *   screen = frame × scale + t,   t = pane / 2 − centre × scale
 */

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface View {
  /** Screen (CSS) px per frame px. */
  scale: number;
  /** Frame point shown at the pane centre. */
  cx: number;
  cy: number;
  /** True while the view follows "fit to pane": a resize refits instead of keeping scale and centre. */
  fit: boolean;
}

export interface Transform {
  tx: number;
  ty: number;
  scale: number;
}

/** Largest zoom: 64 screen px per image px is enough to read single pixel values by eye. */
export const MAX_SCALE = 64;

/** Zoom levels the +/- buttons and keys step through (so "+" from fit lands on 1:1 and other round values). */
export const ZOOM_LADDER: readonly number[] = [
  0.05, 0.1, 0.125, 0.167, 0.25, 0.333, 0.5, 0.667, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64,
];

/** Fallback frame when nothing about the pair's size is known yet (the engine's default edit size). */
export const DEFAULT_FRAME: Size = { width: 1024, height: 1024 };

function isUsable(size: Size | null | undefined): size is Size {
  return !!size && Number.isFinite(size.width) && Number.isFinite(size.height) && size.width > 0 && size.height > 0;
}

/**
 * The frame every pane shares: the first usable of the candidates (callers pass A's output, then B's, then
 * the source's natural size), else 1024². The engine diffs A↔B on A's grid and resizes a source to the
 * output's size before diffing it, so stretching every image onto this frame keeps heatmaps, bounds boxes
 * and the images aligned the same way the numbers were computed.
 */
export function pickFrame(candidates: ReadonlyArray<Size | null | undefined>): Size {
  for (const c of candidates) if (isUsable(c)) return { width: c.width, height: c.height };
  return { ...DEFAULT_FRAME };
}

/** Scale at which the whole frame fits in the pane (never 0, never infinite). */
export function fitScale(frame: Size, pane: Size): number {
  if (!isUsable(frame) || !isUsable(pane)) return 1;
  return Math.min(pane.width / frame.width, pane.height / frame.height);
}

/** Smallest zoom: a quarter of fit (so a small image can still be shrunk), capped to [0.01, 1]. */
export function minScale(frame: Size, pane: Size): number {
  return Math.min(1, Math.max(0.01, fitScale(frame, pane) / 4));
}

export function clampScale(scale: number, frame: Size, pane: Size): number {
  if (!Number.isFinite(scale) || scale <= 0) return fitScale(frame, pane);
  return Math.min(MAX_SCALE, Math.max(minScale(frame, pane), scale));
}

export function fitView(frame: Size, pane: Size): View {
  return { scale: fitScale(frame, pane), cx: frame.width / 2, cy: frame.height / 2, fit: true };
}

/**
 * Keep the picture on screen, loosely: per axis, at least a quarter of the pane (or the whole picture, when
 * it is smaller than that) stays covered by it. Loose on purpose: a wheel zoom over the picture can then keep
 * the point under the cursor exactly (the cursor is on the picture, so the picture stays on screen), yet a
 * drag can never lose the image. Fit (double-click, 0, space) brings it back to centre.
 */
export function clampView(view: View, frame: Size, pane: Size): View {
  const scale = clampScale(view.scale, frame, pane);
  const axis = (c: number, frameLen: number, paneLen: number): number => {
    const len = frameLen * scale;
    const margin = Math.min(len, paneLen / 4);
    // tx = paneLen/2 − c·scale must satisfy  margin − len ≤ tx ≤ paneLen − margin.
    const lo = (margin - paneLen / 2) / scale;
    const hi = frameLen + (paneLen / 2 - margin) / scale;
    return Math.min(hi, Math.max(lo, Number.isFinite(c) ? c : frameLen / 2));
  };
  return {
    scale,
    cx: axis(view.cx, frame.width, pane.width),
    cy: axis(view.cy, frame.height, pane.height),
    fit: view.fit,
  };
}

export function toTransform(view: View, pane: Size): Transform {
  return { tx: pane.width / 2 - view.cx * view.scale, ty: pane.height / 2 - view.cy * view.scale, scale: view.scale };
}

/** Pane px (relative to the pane's top-left) → frame px (fractional). */
export function paneToFrame(view: View, pane: Size, p: Point): Point {
  const t = toTransform(view, pane);
  return { x: (p.x - t.tx) / t.scale, y: (p.y - t.ty) / t.scale };
}

/**
 * Zoom by `factor` keeping the frame point under `anchor` (pane px) where it is: what a wheel zoom around the
 * cursor means. The scale is clamped first and the anchor solved for the clamped scale, so hitting a limit
 * never makes the picture jump.
 */
export function zoomAt(view: View, factor: number, anchor: Point, frame: Size, pane: Size): View {
  if (!Number.isFinite(factor) || factor <= 0) return view;
  const scale = clampScale(view.scale * factor, frame, pane);
  const under = paneToFrame(view, pane, anchor);
  // Solve pane/2 − c × scale + under × scale = anchor for the new centre c.
  const cx = under.x - (anchor.x - pane.width / 2) / scale;
  const cy = under.y - (anchor.y - pane.height / 2) / scale;
  return clampView({ scale, cx, cy, fit: false }, frame, pane);
}

/** Move the picture by a screen delta (a drag): the content follows the pointer. */
export function panBy(view: View, dx: number, dy: number, frame: Size, pane: Size): View {
  return clampView({ scale: view.scale, cx: view.cx - dx / view.scale, cy: view.cy - dy / view.scale, fit: false }, frame, pane);
}

/** The next ladder level strictly above (`in`) or below (`out`) the current scale, within limits. */
export function nextZoomLevel(scale: number, direction: 'in' | 'out', frame: Size, pane: Size): number {
  // A small epsilon so a scale of 0.99999 (fit of a 1024 frame in a 1024 pane, say) does not "step" to 1.
  const eps = 1e-3;
  const levels = direction === 'in' ? ZOOM_LADDER.filter((l) => l > scale * (1 + eps)) : ZOOM_LADDER.filter((l) => l < scale * (1 - eps));
  const next = direction === 'in' ? levels[0] : levels[levels.length - 1];
  return clampScale(next ?? (direction === 'in' ? MAX_SCALE : minScale(frame, pane)), frame, pane);
}

/** Zoom one ladder step around the pane centre (the +/- keys and buttons). */
export function zoomStep(view: View, direction: 'in' | 'out', frame: Size, pane: Size): View {
  const target = nextZoomLevel(view.scale, direction, frame, pane);
  return zoomAt(view, target / view.scale, { x: pane.width / 2, y: pane.height / 2 }, frame, pane);
}

/** Zoom to exactly 1:1 around the pane centre. */
export function actualSize(view: View, frame: Size, pane: Size): View {
  return zoomAt(view, 1 / view.scale, { x: pane.width / 2, y: pane.height / 2 }, frame, pane);
}

/**
 * Wheel delta → zoom factor. Exponential so trackpads (many small deltas) and mouse wheels (±100 per notch)
 * zoom at the same rate per distance; line-mode deltas (Firefox) count as 16 px; one event is capped so a
 * fast flick cannot jump from fit to 64×.
 */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  if (!Number.isFinite(deltaY)) return 1;
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  const clamped = Math.max(-300, Math.min(300, px));
  return Math.exp(-clamped * 0.002);
}

/** Zoomed in past 1:1: draw pixels as squares so reviewers see real pixels, not the browser's smoothing. */
export function isPixelated(scale: number): boolean {
  return scale > 1 + 1e-6;
}

/**
 * A frame point → the pixel of an image of size `native` stretched onto the frame, or null outside it.
 * Images smaller or larger than the frame (a size mismatch, a source of another size) map proportionally.
 */
export function frameToNative(p: Point, frame: Size, native: Size): Point | null {
  if (!isUsable(frame) || !isUsable(native)) return null;
  if (p.x < 0 || p.y < 0 || p.x >= frame.width || p.y >= frame.height) return null;
  return {
    x: Math.min(native.width - 1, Math.floor((p.x * native.width) / frame.width)),
    y: Math.min(native.height - 1, Math.floor((p.y * native.height) / frame.height)),
  };
}

/** "100%", "33.3%", "1600%": the zoom readout. */
export function formatZoom(scale: number): string {
  const pct = scale * 100;
  if (pct >= 100) return `${Math.round(pct)}%`;
  return `${pct.toFixed(pct < 10 ? 1 : 0)}%`;
}
