import { describe, expect, it } from 'vitest';
import { formatNumber, formatSpeedupLine } from './format.ts';

describe('report number forms', () => {
  it('writes the speed-up line on the one unit rule, as a ratio with faster or slower', () => {
    expect(formatSpeedupLine(355.1, 1253.6)).toBe('A 355 ms vs B 1,254 ms: A 3.53× faster (−898 ms)');
    expect(formatSpeedupLine(3927.2, 5194.5)).toBe('A 3,927 ms vs B 5,195 ms: A 1.32× faster (−1,267 ms)');
    expect(formatSpeedupLine(12_500, 4000)).toBe('A 12.5 s vs B 4,000 ms: A 0.32× (slower) (+8,500 ms)');
    expect(formatSpeedupLine(null, 1000)).toBe('A — vs B 1,000 ms: no speed-up (a side has no time)');
    // No four-decimal seconds, no percent mixed into the line.
    expect(formatSpeedupLine(3927.2, 5194.5)).not.toMatch(/\d\.\d{4} s|%/);
  });
  it('formats plain numbers', () => {
    expect(formatNumber(0.96789, 4)).toBe('0.9679');
    expect(formatNumber(null, 4)).toBe('—');
  });
});
