import { describe, expect, it } from 'vitest';
import {
  actualSize,
  clampView,
  fitScale,
  fitView,
  formatZoom,
  frameToNative,
  isPixelated,
  MAX_SCALE,
  minScale,
  nextZoomLevel,
  panBy,
  paneToFrame,
  pickFrame,
  toTransform,
  wheelZoomFactor,
  zoomAt,
  zoomStep,
  type View,
} from './viewport.ts';

const frame = { width: 1024, height: 1024 };
const pane = { width: 500, height: 400 };

describe('pickFrame', () => {
  it('takes the first usable size, else 1024²', () => {
    expect(pickFrame([null, { width: 0, height: 10 }, { width: 768, height: 512 }])).toEqual({ width: 768, height: 512 });
    expect(pickFrame([undefined, null])).toEqual({ width: 1024, height: 1024 });
    expect(pickFrame([{ width: NaN, height: 5 }])).toEqual({ width: 1024, height: 1024 });
  });
});

describe('fit', () => {
  it('fits the limiting axis and centres', () => {
    expect(fitScale(frame, pane)).toBeCloseTo(400 / 1024);
    const v = fitView(frame, pane);
    expect(v).toMatchObject({ cx: 512, cy: 512, fit: true });
    const t = toTransform(v, pane);
    // Centred horizontally: (500 − 400) / 2 = 50 px margin on each side; flush vertically.
    expect(t.tx).toBeCloseTo(50);
    expect(t.ty).toBeCloseTo(0);
  });

  it('never divides by zero for an unmeasured pane', () => {
    expect(fitScale(frame, { width: 0, height: 0 })).toBe(1);
  });
});

describe('zoomAt', () => {
  it('keeps the point under the cursor while the picture is still smaller than the pane', () => {
    const wide = { width: 1400, height: 600 };
    const v0 = fitView(frame, wide);
    const anchor = { x: 400 + 0.19 * 600, y: 0.1 * 600 };
    const before = paneToFrame(v0, wide, anchor);
    const v1 = zoomAt(v0, 1.3, anchor, frame, wide); // 0.76: still narrower than the pane
    const after = paneToFrame(v1, wide, anchor);
    expect(after.x).toBeCloseTo(before.x, 6);
  });

  it('keeps the frame point under the cursor fixed', () => {
    const v0 = fitView(frame, pane);
    const anchor = { x: 123, y: 321 };
    const before = paneToFrame(v0, pane, anchor);
    const v1 = zoomAt(v0, 3, anchor, frame, pane);
    expect(v1.scale).toBeCloseTo(v0.scale * 3);
    expect(v1.fit).toBe(false);
    const after = paneToFrame(v1, pane, anchor);
    expect(after.x).toBeCloseTo(before.x, 6);
    expect(after.y).toBeCloseTo(before.y, 6);
  });

  it('clamps the scale to the limits and solves the anchor for the clamped scale', () => {
    const v0: View = { scale: 32, cx: 300, cy: 300, fit: false };
    const anchor = { x: 250, y: 200 };
    const before = paneToFrame(v0, pane, anchor);
    const v1 = zoomAt(v0, 100, anchor, frame, pane);
    expect(v1.scale).toBe(MAX_SCALE);
    const after = paneToFrame(v1, pane, anchor);
    expect(after.x).toBeCloseTo(before.x, 6);
    expect(zoomAt(fitView(frame, pane), 1e-6, anchor, frame, pane).scale).toBeCloseTo(minScale(frame, pane));
  });

  it('ignores nonsense factors', () => {
    const v0 = fitView(frame, pane);
    expect(zoomAt(v0, 0, { x: 1, y: 1 }, frame, pane)).toBe(v0);
    expect(zoomAt(v0, NaN, { x: 1, y: 1 }, frame, pane)).toBe(v0);
  });
});

describe('clampView', () => {
  it('keeps a quarter of the pane covered when zoomed in', () => {
    const far = toTransform(clampView({ scale: 2, cx: -5000, cy: 5000, fit: false }, frame, pane), pane);
    // Dragged far right/up: the picture's left edge stops three quarters across, its bottom a quarter down.
    expect(far.tx).toBeCloseTo(pane.width - pane.width / 4);
    expect(far.ty + 1024 * 2).toBeCloseTo(pane.height / 4);
  });

  it('keeps a picture smaller than a quarter pane wholly on screen', () => {
    const tiny = { width: 100, height: 100 };
    const t = toTransform(clampView({ scale: 1, cx: -9999, cy: 9999, fit: false }, tiny, pane), pane);
    expect(t.tx + 100).toBeCloseTo(pane.width); // right edge on the pane's right edge
    expect(t.ty).toBeCloseTo(0); // top edge on the pane's top edge
  });

  it('leaves a view inside the limits alone', () => {
    const v = { scale: 2, cx: 300, cy: 700, fit: false };
    expect(clampView(v, frame, pane)).toEqual(v);
  });
});

describe('panBy', () => {
  it('moves the content with the pointer', () => {
    const v0: View = { scale: 2, cx: 512, cy: 512, fit: false };
    const v1 = panBy(v0, 40, -20, frame, pane);
    const t0 = toTransform(v0, pane);
    const t1 = toTransform(v1, pane);
    expect(t1.tx - t0.tx).toBeCloseTo(40);
    expect(t1.ty - t0.ty).toBeCloseTo(-20);
  });

  it('cannot drag a fitted picture off screen', () => {
    const v0 = fitView(frame, pane); // 400 px square in a 500 × 400 pane
    const t = toTransform(panBy(v0, 10_000, 10_000, frame, pane), pane);
    expect(t.tx).toBeCloseTo(pane.width * 0.75);
    expect(t.ty).toBeCloseTo(pane.height * 0.75);
  });
});

describe('zoom ladder', () => {
  it('steps from fit to round levels and lands on 1:1', () => {
    const fit = fitView(frame, pane); // 0.39
    expect(nextZoomLevel(fit.scale, 'in', frame, pane)).toBe(0.5);
    expect(nextZoomLevel(fit.scale, 'out', frame, pane)).toBeCloseTo(Math.max(0.333, minScale(frame, pane)));
    expect(nextZoomLevel(1, 'in', frame, pane)).toBe(1.5);
    expect(nextZoomLevel(0.9999, 'in', frame, pane)).toBe(1.5);
    expect(nextZoomLevel(MAX_SCALE, 'in', frame, pane)).toBe(MAX_SCALE);
  });

  it('zoomStep zooms around the pane centre', () => {
    const v0: View = { scale: 1, cx: 400, cy: 450, fit: false };
    const v1 = zoomStep(v0, 'in', frame, pane);
    expect(v1.scale).toBe(1.5);
    expect(v1.cx).toBeCloseTo(400);
    expect(v1.cy).toBeCloseTo(450);
  });

  it('actualSize goes to exactly 1', () => {
    expect(actualSize(fitView(frame, pane), frame, pane).scale).toBe(1);
  });
});

describe('wheelZoomFactor', () => {
  it('zooms in on wheel up, out on wheel down, symmetric', () => {
    const up = wheelZoomFactor(-100, 0);
    const down = wheelZoomFactor(100, 0);
    expect(up).toBeGreaterThan(1);
    expect(down).toBeLessThan(1);
    expect(up * down).toBeCloseTo(1);
  });

  it('treats line mode as 16 px per line and caps a flick', () => {
    expect(wheelZoomFactor(3, 1)).toBeCloseTo(wheelZoomFactor(48, 0));
    expect(wheelZoomFactor(-100000, 0)).toBeCloseTo(wheelZoomFactor(-300, 0));
    expect(wheelZoomFactor(NaN, 0)).toBe(1);
  });
});

describe('frameToNative', () => {
  it('maps 1:1 when the image is the frame', () => {
    expect(frameToNative({ x: 10.7, y: 1023.9 }, frame, frame)).toEqual({ x: 10, y: 1023 });
  });

  it('maps proportionally for a stretched image', () => {
    expect(frameToNative({ x: 512, y: 1023.99 }, frame, { width: 768, height: 512 })).toEqual({ x: 384, y: 511 });
  });

  it('is null outside the frame', () => {
    expect(frameToNative({ x: -0.1, y: 5 }, frame, frame)).toBeNull();
    expect(frameToNative({ x: 1024, y: 5 }, frame, frame)).toBeNull();
  });
});

describe('readouts', () => {
  it('pixelates only past 1:1', () => {
    expect(isPixelated(1)).toBe(false);
    expect(isPixelated(1.01)).toBe(true);
  });

  it('formats zoom levels', () => {
    expect(formatZoom(1)).toBe('100%');
    expect(formatZoom(16)).toBe('1600%');
    expect(formatZoom(0.3906)).toBe('39%');
    expect(formatZoom(0.05)).toBe('5.0%');
  });
});
