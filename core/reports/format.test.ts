import { describe, expect, it } from 'vitest';
import { formatSpeedupLine, formatMb, formatMs, formatPercent, formatSeconds } from './format.ts';

describe('report number formats', () => {
  it('writes the speed-up line as a ratio with faster or slower, the difference beside it', () => {
    expect(formatSpeedupLine(355.1, 1253.6)).toBe('0.3551 s vs 1.2536 s → A 3.53× faster (−898 ms)');
    expect(formatSpeedupLine(1253.6, 355.1)).toBe('1.2536 s vs 0.3551 s → A 0.28× (slower) (+898 ms)');
    expect(formatSpeedupLine(null, 1000)).toBe('— vs 1.0000 s → —');
    // The percent improvement stays for the exports.
    expect(formatPercent((1253.6 - 355.1) / 1253.6)).toBe('71.67 %');
  });
  it('formats seconds, milliseconds and memory', () => {
    expect(formatSeconds(1234.5)).toBe('1.2345 s');
    expect(formatSeconds(1234.5, 1)).toBe('1.2 s');
    expect(formatMs(12.345)).toBe('12.3 ms');
    expect(formatMs(25_000)).toBe('25.00 s');
    expect(formatMb(23456.7)).toBe('23,457 MB');
    expect(formatMb(null)).toBe('—');
  });
  it('never shows a real change as 0.00 %, and writes negatives with a minus sign', () => {
    expect(formatPercent(0.7167)).toBe('71.67 %');
    expect(formatPercent(0)).toBe('0.00 %');
    expect(formatPercent(0.00001)).toBe('< 0.01 %');
    expect(formatPercent(-0.1234)).toBe('−12.34 %');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
});
