import { describe, expect, it } from 'vitest';
import { improvement } from '../../../shared/stats.ts';
import { formatWhen } from './format.ts';

describe('format', () => {
  it('formats a time as a person compares runs by it, and keeps what it cannot read', () => {
    expect(formatWhen('not a date')).toBe('not a date');
    expect(formatWhen('2025-03-04T14:05:00')).toBe('2025-03-04 14:05');
  });

  it('computes the (B − A) / B improvement of the performance notes', () => {
    // 4×2560 (n=2): 0.3551 s vs 1.2536 s → 71.68 %
    expect(improvement(0.3551, 1.2536)).toBeCloseTo(0.7167, 3);
    expect(improvement(1, 0)).toBeNull();
    expect(improvement(null, 1)).toBeNull();
  });
});
