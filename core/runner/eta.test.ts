import { describe, it, expect } from 'vitest';
import { estimateEtaMs } from './eta.ts';

describe('estimateEtaMs', () => {
  it('uses the slower side', () => {
    // A: 10 done in 10 s, 10 left → 10 s. B: 2 done in 10 s, 4 left → 20 s.
    expect(estimateEtaMs([{ remaining: 10, finished: 10 }, { remaining: 4, finished: 2 }], 10_000)).toBe(20_000);
  });

  it('is 0 when nothing is left and null while a busy side has no rate yet', () => {
    expect(estimateEtaMs([{ remaining: 0, finished: 0 }, { remaining: 0, finished: 3 }], 500)).toBe(0);
    expect(estimateEtaMs([{ remaining: 3, finished: 0 }, { remaining: 0, finished: 3 }], 500)).toBeNull();
  });

  it('counts comparisons: a backlog of comparisons keeps the estimate above 0 after the last response', () => {
    // Both sides done; 240 comparisons left at 1 per 1.5 s (400 done in 600 s) → 360 s.
    expect(estimateEtaMs([{ remaining: 0, finished: 650 }, { remaining: 0, finished: 650 }, { remaining: 240, finished: 400 }], 600_000)).toBe(360_000);
  });
});
