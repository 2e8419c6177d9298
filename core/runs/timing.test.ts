import { describe, it, expect } from 'vitest';
import { backoffDelayMs, estimateEtaMs } from './timing.ts';

describe('backoffDelayMs', () => {
  const backoff = { baseMs: 100, maxMs: 1000 };

  it('doubles per retry, half fixed and half jitter', () => {
    expect(backoffDelayMs(1, backoff, () => 0)).toBe(50);
    expect(backoffDelayMs(1, backoff, () => 1)).toBe(100);
    expect(backoffDelayMs(2, backoff, () => 0)).toBe(100);
    expect(backoffDelayMs(3, backoff, () => 0.5)).toBe(300);
  });

  it('is capped at maxMs', () => {
    expect(backoffDelayMs(20, backoff, () => 1)).toBe(1000);
    expect(backoffDelayMs(20, backoff, () => 0)).toBe(500);
  });

  it('stays within [exp/2, exp] with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(2, backoff);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
  });
});

describe('estimateEtaMs', () => {
  it('uses the slower side', () => {
    // A: 10 done in 10 s, 10 left → 10 s. B: 2 done in 10 s, 4 left → 20 s.
    expect(estimateEtaMs([{ remaining: 10, finished: 10 }, { remaining: 4, finished: 2 }], 10_000)).toBe(20_000);
  });

  it('is 0 when nothing is left and null while a busy side has no rate yet', () => {
    expect(estimateEtaMs([{ remaining: 0, finished: 0 }, { remaining: 0, finished: 3 }], 500)).toBe(0);
    expect(estimateEtaMs([{ remaining: 3, finished: 0 }, { remaining: 0, finished: 3 }], 500)).toBeNull();
  });
});
