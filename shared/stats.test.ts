import { describe, expect, it } from 'vitest';
import { improvement, max, mean, median, percentile, summarize } from './stats.ts';

describe('mean', () => {
  it('averages finite values and ignores NaN and Infinity', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([1, Number.NaN, 3, Number.POSITIVE_INFINITY])).toBe(2);
  });
  it('is null without data', () => {
    expect(mean([])).toBeNull();
    expect(mean([Number.NaN])).toBeNull();
  });
});

describe('percentile', () => {
  it('interpolates linearly between closest ranks (numpy default)', () => {
    // numpy.percentile([1, 2, 3, 4], 50) == 2.5; ([1..10], 95) == 9.55; ([1..10], 90) == 9.1
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBeCloseTo(9.55, 10);
    expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 90)).toBeCloseTo(9.1, 10);
  });
  it('returns the extremes at 0 and 100 and the only value of a single sample', () => {
    expect(percentile([5, 1, 9], 0)).toBe(1);
    expect(percentile([5, 1, 9], 100)).toBe(9);
    expect(percentile([42], 95)).toBe(42);
  });
  it('is null without data and rejects an out-of-range p', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(/between 0 and 100/);
    expect(() => percentile([1], -1)).toThrow(/between 0 and 100/);
  });
  it('does not reorder the caller array', () => {
    const xs = [3, 1, 2];
    percentile(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
  });
  it('median is the 50th percentile', () => {
    expect(median([1, 100, 3])).toBe(3);
  });
});

describe('max and summarize', () => {
  it('max ignores non-finite values', () => {
    expect(max([1, 7, Number.NaN, 3])).toBe(7);
    expect(max([])).toBeNull();
  });
  it('summarize counts only finite samples', () => {
    expect(summarize([100, 200, Number.NaN, 300])).toEqual({ n: 3, mean: 200, p50: 200, p95: 290 });
    expect(summarize([])).toEqual({ n: 0, mean: null, p50: null, p95: null });
  });
});

describe('improvement', () => {
  it('is (B − A) / B, the way the performance notes write it', () => {
    // 4×2560 (n=2): 0.3551 s vs 1.2536 s → 71.67 % from these rounded means (the notes' 71.68 % used unrounded ones)
    expect(improvement(0.3551, 1.2536)).toBeCloseTo(0.71674, 5);
    expect(improvement(1, 4)).toBe(0.75);
    expect(improvement(2, 1)).toBe(-1);
  });
  it('is null when a side is missing or B is zero', () => {
    expect(improvement(null, 1)).toBeNull();
    expect(improvement(1, null)).toBeNull();
    expect(improvement(1, 0)).toBeNull();
  });
});
