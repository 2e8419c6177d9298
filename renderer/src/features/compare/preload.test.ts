import { describe, expect, it } from 'vitest';
import { fakeId, fakePair, fakeSide } from './pair-fixture.ts';
import { pairImageUrls } from './preload.ts';

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
