import { describe, expect, it } from 'vitest';
import { fakeId, fakePair, fakeSide } from './pair-fixture.ts';
import { PreloadQueue, pairImageUrls } from './preload.ts';

const url = (runId: string, id: string): string => `${runId}/${id}`;

describe('pairImageUrls', () => {
  it('lists what each mode will wait on', () => {
    const pair = fakePair();
    expect(pairImageUrls('r', pair, 'split', url)).toEqual([`r/${fakeId('source')}`, `r/${pair.A.imageId}`, `r/${pair.B.imageId}`]);
    expect(pairImageUrls('r', pair, 'swipe', url, true)).toEqual([`r/${pair.B.imageId}`, `r/${pair.A.imageId}`]);
    expect(pairImageUrls('r', pair, 'diff', url)).toEqual([`r/${fakeId('diff')}`]);
  });

  it('skips sides without an image', () => {
    const pair = fakePair({ B: fakeSide('B', { status: 'error', imageId: null }), diff: null });
    expect(pairImageUrls('r', pair, 'onion', url)).toEqual([`r/${pair.A.imageId}`]);
    expect(pairImageUrls('r', pair, 'diff', url)).toEqual([]);
  });
});

describe('PreloadQueue', () => {
  function harness(max = 24) {
    const opened: string[] = [];
    const finish = new Map<string, () => void>();
    const queue = new PreloadQueue<string>((url) => {
      opened.push(url);
      return { handle: url, ready: new Promise<void>((resolve) => finish.set(url, resolve)) };
    }, max);
    const done = async (url: string) => {
      finish.get(url)!();
      await Promise.resolve();
      await Promise.resolve();
    };
    return { queue, opened, done };
  }

  it('decodes one image at a time, most wanted first', async () => {
    const { queue, opened, done } = harness();
    queue.want(['next-a', 'next-b', 'prev-a']);
    expect(opened).toEqual(['next-a']);
    await done('next-a');
    expect(opened).toEqual(['next-a', 'next-b']);
    await done('next-b');
    await done('prev-a');
    expect(queue.stateOf('prev-a')).toBe('done');
  });

  it('drops queued work that is no longer wanted, but finishes what is in flight', async () => {
    const { queue, opened, done } = harness();
    queue.want(['p1-a', 'p1-b', 'p1-c']);
    queue.want(['p2-a', 'p2-b']); // the reviewer moved on before p1 was ready
    expect(queue.stateOf('p1-b')).toBeNull();
    expect(queue.stateOf('p1-a')).toBe('loading');
    await done('p1-a');
    expect(opened).toEqual(['p1-a', 'p2-a']);
  });

  it('never opens an image twice while it is kept', async () => {
    const { queue, opened, done } = harness();
    queue.want(['a']);
    await done('a');
    queue.want(['b', 'a']);
    await done('b');
    expect(opened).toEqual(['a', 'b']);
  });

  it('keeps at most `max`, dropping the least recently wanted and never one in flight', async () => {
    const { queue, done } = harness(3);
    queue.want(['a']);
    await done('a');
    queue.want(['b']);
    await done('b');
    queue.want(['c']);
    await done('c');
    queue.want(['d']); // a is the oldest: gone; d is loading
    expect(queue.size).toBe(3);
    expect(queue.stateOf('a')).toBeNull();
    expect(queue.stateOf('d')).toBe('loading');
  });
});
