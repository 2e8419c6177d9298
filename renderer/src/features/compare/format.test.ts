import { describe, expect, it } from 'vitest';
import { formatMemory, formatPercent } from '../../../../shared/units.ts';
import { fmtHex, fmtMs, fmtTick } from './format.ts';

describe('format', () => {
  it('formats durations with units', () => {
    // The one unit rule (shared/units.ts): ms below 10 s, s from 10 s up, two to three significant figures.
    expect(fmtMs(0.4)).toBe('0.40 ms');
    expect(fmtMs(4)).toBe('4.00 ms');
    expect(fmtMs(85.4)).toBe('85.4 ms');
    expect(fmtMs(1234)).toBe('1,234 ms');
    expect(fmtMs(61_000)).toBe('61.0 s');
    expect(fmtMs(null)).toBe('—');
    expect(fmtMs(NaN)).toBe('—');
  });

  it('formats ticks compactly', () => {
    expect(fmtTick(0)).toBe('0');
    expect(fmtTick(250)).toBe('250 ms');
    expect(fmtTick(1500)).toBe('1.5 s');
  });

  it('formats ratios, memory, colours', () => {
    expect(formatPercent(0.0123)).toBe('1.2 %');
    expect(formatPercent(0.00001)).toBe('< 0.01 %');
    expect(formatPercent(0)).toBe('0 %');
    expect(formatMemory(812.4)).toBe('0.79 GB');
    expect(formatMemory(58_000)).toBe('56.6 GB');
    expect(fmtHex(255, 0, 16.4)).toBe('#ff0010');
  });
});
