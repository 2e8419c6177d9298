import { describe, expect, it } from 'vitest';
import { boundsToPercent, clampOpacity, displayPreviewSide, isClick, swipeClipPath, swipeFraction, swipeKeyStep } from './geometry.ts';

describe('swipe', () => {
  it('maps the pointer to a clamped fraction of the stage', () => {
    expect(swipeFraction(150, 100, 200)).toBe(0.25);
    expect(swipeFraction(50, 100, 200)).toBe(0);
    expect(swipeFraction(900, 100, 200)).toBe(1);
    expect(swipeFraction(150, 100, 0)).toBe(0.5);
  });

  it('clips the right image left of the divider', () => {
    expect(swipeClipPath(0.25)).toBe('inset(0 0 0 25.000%)');
    expect(swipeClipPath(2)).toBe('inset(0 0 0 100.000%)');
  });

  it('moves with arrow keys, faster with shift', () => {
    expect(swipeKeyStep(0.5, 'ArrowLeft', false)).toBeCloseTo(0.49);
    expect(swipeKeyStep(0.5, 'ArrowRight', true)).toBeCloseTo(0.6);
    expect(swipeKeyStep(0.05, 'ArrowLeft', true)).toBe(0);
    expect(swipeKeyStep(0.5, 'Home', false)).toBe(0);
    expect(swipeKeyStep(0.5, 'j', false)).toBeNull();
  });
});

describe('onion and clicks', () => {
  it('clamps opacity', () => {
    expect(clampOpacity(-1)).toBe(0);
    expect(clampOpacity(0.3)).toBe(0.3);
    expect(clampOpacity(NaN)).toBe(0.5);
  });

  it('tells a click from a drag', () => {
    expect(isClick(1, 2)).toBe(true);
    expect(isClick(6, 0)).toBe(false);
  });
});

describe('boundsToPercent', () => {
  it('turns image pixels into percentages of the image', () => {
    expect(boundsToPercent({ x: 256, y: 512, width: 128, height: 64 }, { width: 1024, height: 1024 })).toEqual({
      left: '25.0000%',
      top: '50.0000%',
      width: '12.5000%',
      height: '6.2500%',
    });
  });

  it('keeps a one-pixel change visible and clamps to the image', () => {
    const box = boundsToPercent({ x: 1000, y: 0, width: 0, height: 5000 }, { width: 1000, height: 100 });
    expect(box).toEqual({ left: '100.0000%', top: '0.0000%', width: '0.1000%', height: '100.0000%' });
  });

  it('is null without bounds or a size', () => {
    expect(boundsToPercent(null, { width: 10, height: 10 })).toBeNull();
    expect(boundsToPercent({ x: 0, y: 0, width: 1, height: 1 }, null)).toBeNull();
  });
});

describe('displayPreviewSide', () => {
  it('uses the 512 copy for a 1024² output shown at fit in a narrow pane', () => {
    expect(displayPreviewSide({ width: 1024, height: 1024 }, 0.46, 1)).toBe(512);
  });
  it('moves to 1024 on a dense display or when zoomed in, then to the original', () => {
    expect(displayPreviewSide({ width: 2048, height: 1536 }, 0.46, 1)).toBe(1024);
    expect(displayPreviewSide({ width: 1024, height: 1024 }, 0.46, 2)).toBeNull(); // 942 device px: only the original is larger
    expect(displayPreviewSide({ width: 4096, height: 4096 }, 0.2, 2)).toBe(2048);
    expect(displayPreviewSide({ width: 1024, height: 1024 }, 1, 1)).toBeNull();
  });
  it('never asks for a copy at least as large as the image', () => {
    expect(displayPreviewSide({ width: 512, height: 384 }, 0.5, 1)).toBeNull();
    expect(displayPreviewSide({ width: 600, height: 400 }, 0.5, 1)).toBe(512);
  });
});
