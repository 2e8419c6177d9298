import { describe, expect, it } from 'vitest';
import { PaintTracker } from './paint-tracker.ts';

function tracked() {
  const events: boolean[] = [];
  const t = new PaintTracker((p) => events.push(p));
  return { t, events };
}

describe('PaintTracker', () => {
  it('is painted once every shown slot is ready', () => {
    const { t, events } = tracked();
    t.show('left', 'a.png');
    t.show('right', 'b.png');
    t.evaluate();
    t.ready('left', 'a.png');
    expect(events).toEqual([false]);
    t.ready('right', 'b.png');
    expect(events).toEqual([false, true]);
  });

  it('ignores a late ready for the previous image of a slot', () => {
    const { t, events } = tracked();
    t.show('left', 'old.png');
    t.evaluate();
    t.show('left', 'new.png');
    t.ready('left', 'old.png');
    expect(t.isPainted()).toBe(false);
    t.ready('left', 'new.png');
    expect(events).toEqual([false, true]);
  });

  it('a pair switch goes back to not painted until the new images decode', () => {
    const { t, events } = tracked();
    t.show('left', 'p1.png');
    t.ready('left', 'p1.png');
    t.show('left', 'p2.png');
    t.evaluate();
    expect(events).toEqual([true, false]);
  });

  it('hidden slots do not count; nothing to show counts as painted', () => {
    const { t, events } = tracked();
    t.show('diff', 'h.png');
    t.evaluate();
    t.hide('diff');
    t.evaluate();
    expect(events).toEqual([false, true]);
  });

  it('re-showing the same URL keeps it ready; a new listener hears the state', () => {
    const { t } = tracked();
    t.show('left', 'a.png');
    t.ready('left', 'a.png');
    t.show('left', 'a.png');
    expect(t.isPainted()).toBe(true);
    const heard: boolean[] = [];
    t.setListener((p) => heard.push(p));
    t.evaluate();
    expect(heard).toEqual([true]);
  });
});
