import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatDurationDelta, formatMemory, formatPercent, formatRate } from './units.ts';

describe('formatDuration: ms below 10 s, s above, two to three significant figures', () => {
  it.each([
    [1.234, '1.23 ms'],
    [12.345, '12.3 ms'],
    [355.1, '355 ms'],
    [4210.4, '4,210 ms'],
    [9999.4, '9,999 ms'],
    [10_000, '10.0 s'],
    [12_345, '12.3 s'],
    [125_000, '125 s'],
    [0, '0.00 ms'],
    [-898, '−898 ms'],
  ])('%s → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
  it('never prints NaN', () => {
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
  });
  it('signs a delta', () => {
    expect(formatDurationDelta(1500)).toBe('+1,500 ms');
    expect(formatDurationDelta(-12_000)).toBe('−12.0 s');
  });
});

describe('formatMemory: GB everywhere', () => {
  it.each([
    [23456.7, '22.9 GB'],
    [530, '0.52 GB'],
    [204_800, '200 GB'],
  ])('%s MiB → %s', (mib, text) => {
    expect(formatMemory(mib)).toBe(text);
  });
});

describe('formatPercent', () => {
  it.each([
    [0.41, undefined, '41 %'],
    [0.0123, undefined, '1.2 %'],
    [0.00004, undefined, '< 0.01 %'],
    [0, undefined, '0 %'],
    [0.53894, 2, '53.89 %'],
    [-0.25, undefined, '−25 %'],
  ])('%s (digits %s) → %s', (ratio, digits, text) => {
    expect(formatPercent(ratio, digits)).toBe(text);
  });
  it('groups counts', () => {
    expect(formatCount(12345)).toBe('12,345');
  });
});

describe('formatRate: two decimals as vllm bench serve prints rates', () => {
  it('groups thousands, signs negatives, never prints NaN', () => {
    expect(formatRate(3.9101, 'req/s')).toBe('3.91 req/s');
    expect(formatRate(2502.47, 'tok/s')).toBe('2,502.47 tok/s');
    expect(formatRate(-0.04, 'req/s')).toBe('−0.04 req/s');
    expect(formatRate(Number.NaN, 'req/s')).toBe('—');
  });
});
