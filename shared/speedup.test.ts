import { describe, expect, it } from 'vitest';
import { formatDiffMs, formatSpeedup, formatSpeedupWithDiff, speedRatio, speedTone } from './speedup.ts';
import { improvement } from './stats.ts';

describe('speed-ups as ratios, one colour rule', () => {
  it('says how many times faster A is, with the word faster or slower', () => {
    expect(formatSpeedup(1000, 1420)).toBe('A 1.42× faster');
    expect(formatSpeedup(1420, 1000)).toBe('A 0.70× (slower)');
    expect(formatSpeedup(1000, 1002)).toBe('same speed');
    expect(formatSpeedup(100, 1500, 'Right')).toBe('Right 15.0× faster');
    expect(formatSpeedupWithDiff(355.1, 1253.6)).toBe('A 3.53× faster (−898 ms)');
    expect(formatDiffMs(1500, 300)).toBe('+1,200 ms');
    expect(formatDiffMs(20_000, 300)).toBe('+19.7 s');
  });

  it('never divides by nothing: the absurd percentages of a tiny B are ratios with a real difference beside them', () => {
    // (B − A) / B for A 89 ms, B 1 ms is −8800 %; as a ratio it reads A 0.01× (slower), 88 ms.
    expect(improvement(89, 1)).toBeCloseTo(-88, 6);
    expect(formatSpeedupWithDiff(89, 1)).toBe('A 0.01× (slower) (+88.0 ms)');
    expect(speedRatio(0, 10)).toBeNull();
    expect(speedRatio(10, null)).toBeNull();
    expect(formatSpeedup(null, 10)).toBeNull();
  });

  it('colours by one rule: a-faster whenever A is faster, whatever the screen', () => {
    expect(speedTone(700, 900)).toBe('a-faster');
    expect(speedTone(900, 700)).toBe('a-slower');
    expect(speedTone(1000, 1001)).toBe('even');
    // The sign of the improvement and the tone always agree.
    for (const [a, b] of [[1, 2], [2, 1], [355, 1253], [521, 10]] as const) {
      expect(speedTone(a, b) === 'a-faster').toBe((improvement(a, b) ?? 0) > 0);
    }
  });
});
