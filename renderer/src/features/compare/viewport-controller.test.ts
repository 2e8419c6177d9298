import { describe, expect, it } from 'vitest';
import { ViewportController } from './viewport-controller.ts';

const frame = { width: 1000, height: 1000 };

describe('ViewportController', () => {
  it('fits once the pane is known and writes every layer', () => {
    const c = new ViewportController(frame);
    const seen: number[] = [];
    c.addLayer((t) => seen.push(t.scale));
    expect(seen).toEqual([]); // no pane yet: nothing to draw
    c.setPane({ width: 500, height: 250 });
    expect(seen).toEqual([0.25]);
    expect(c.getView()).toMatchObject({ fit: true, cx: 500, cy: 500 });
  });

  it('refits on resize while fitted, keeps the view once zoomed', () => {
    const c = new ViewportController(frame);
    c.setPane({ width: 500, height: 500 });
    c.setPane({ width: 1000, height: 1000 });
    expect(c.getView().scale).toBe(1);
    c.zoomAround(2, { x: 100, y: 100 });
    const zoomed = c.getView();
    c.setPane({ width: 900, height: 900 });
    expect(c.getView().scale).toBe(zoomed.scale);
    expect(c.getView().fit).toBe(false);
  });

  it('keeps the view between turns of one chain, refits for another case', () => {
    const c = new ViewportController(frame);
    c.setPane({ width: 500, height: 500 });
    c.setPair('case-1#r1', frame);
    c.zoomIn();
    const zoomed = c.getView().scale;
    c.setPair('case-1#r1', frame);
    expect(c.getView().scale).toBe(zoomed);
    c.setPair('case-2#r1', frame);
    expect(c.getView()).toMatchObject({ fit: true, scale: 0.5 });
    c.zoomIn();
    c.setPair('case-2#r1', { width: 2000, height: 1000 });
    expect(c.getView()).toMatchObject({ fit: true, scale: 0.25 });
  });

  it('notifies subscribers and stops after unsubscribe', () => {
    const c = new ViewportController(frame);
    let calls = 0;
    const off = c.subscribe(() => calls++);
    c.setPane({ width: 400, height: 400 });
    c.pan(10, 10); // fitted picture cannot move, but it is still a view change event
    off();
    c.zoomIn();
    expect(calls).toBe(2);
  });

  it('tracks hover without duplicate notifications', () => {
    const c = new ViewportController(frame);
    let calls = 0;
    c.subscribeHover(() => calls++);
    c.setHover({ x: 1, y: 2 });
    c.setHover({ x: 1, y: 2 });
    c.setHover(null);
    c.setHover(null);
    c.refreshHover();
    expect(calls).toBe(3);
    expect(c.getHover().point).toBeNull();
  });

  it('converts pane points to frame points under the current view', () => {
    const c = new ViewportController(frame);
    c.setPane({ width: 500, height: 500 });
    expect(c.toFrame({ x: 250, y: 250 })).toEqual({ x: 500, y: 500 });
    expect(c.toFrame({ x: 0, y: 0 })).toEqual({ x: 0, y: 0 });
  });
});
