import { describe, it, expect } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

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
