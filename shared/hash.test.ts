import { describe, expect, it } from 'vitest';
import { hashString } from './hash.ts';

describe('hashString', () => {
  it('is a stable unsigned 32-bit value (stored blind-mode sides depend on it)', () => {
    expect([hashString(''), hashString('a'), hashString('denoise'), hashString('run-1\nchain#r1')]).toEqual([
      372931385, 2264572058, 13868732, 1986443649,
    ]);
  });

  it('spreads similar keys over both values of the low bit', () => {
    let odd = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) odd += hashString(`run-7\ncase-${i}#r1`) & 1;
    expect(odd / n).toBeGreaterThan(0.45);
    expect(odd / n).toBeLessThan(0.55);
  });
});
