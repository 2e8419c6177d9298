import { describe, expect, it } from 'vitest';
import { improvement } from '../../../shared/stats.ts';
import { formatMb, formatMs, formatRatio } from './format.ts';

describe('format', () => {
  it('formats durations with a unit a person reads at a glance', () => {
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(12_400)).toBe('12.4 s');
    expect(formatMs(125_000)).toBe('2m 05s');
    expect(formatMs(3_700_000)).toBe('1h 01m');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(Number.NaN)).toBe('—');
  });

  it('formats ratios as percents without hiding tiny non-zero values', () => {
    expect(formatRatio(0)).toBe('0%');
    expect(formatRatio(0.00004)).toBe('<0.01%');
    expect(formatRatio(0.0123)).toBe('1.23%');
    expect(formatRatio(0.25)).toBe('25.0%');
    expect(formatRatio(null)).toBe('—');
  });

  it('formats memory and the (B − A) / B improvement of the performance notes', () => {
    expect(formatMb(512)).toBe('512 MB');
    expect(formatMb(58_163)).toBe('56.8 GB');
    // 4×2560 (n=2): 0.3551 s vs 1.2536 s → 71.68 %
    expect(improvement(0.3551, 1.2536)).toBeCloseTo(0.7167, 3);
    expect(improvement(1, 0)).toBeNull();
    expect(improvement(null, 1)).toBeNull();
  });
});
