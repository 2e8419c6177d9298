import { describe, expect, it } from 'vitest';
import { formatMb, formatRatio } from '../../lib/format.ts';
import { fmtHex, fmtMs, fmtTick } from './format.ts';

describe('format', () => {
  it('formats durations with units', () => {
    expect(fmtMs(0.4)).toBe('0.40 ms');
    expect(fmtMs(4)).toBe('4.0 ms');
    expect(fmtMs(85.4)).toBe('85 ms');
    expect(fmtMs(1234)).toBe('1.23 s');
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
    expect(formatRatio(0.0123)).toBe('1.23%');
    expect(formatRatio(0.00001)).toBe('<0.01%');
    expect(formatRatio(0)).toBe('0%');
    expect(formatMb(812.4)).toBe('812 MB');
    expect(formatMb(58_000)).toBe('56.6 GB');
    expect(fmtHex(255, 0, 16.4)).toBe('#ff0010');
  });
});
