import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../shared/contract.ts';
import { createPlainReporter, formatDuration, formatPlainLine } from './progress.ts';

const snap = (done: number, total = 4): RunProgress => ({
  A: { total, done, ok: done, error: 0, running: 0 },
  B: { total, done, ok: done, error: 0, running: 0 },
  compare: { total, done },
  etaMs: (total - done) * 1000,
});

describe('formatDuration', () => {
  it('is short and human', () => {
    expect(formatDuration(null)).toBe('--');
    expect(formatDuration(4_400)).toBe('4s');
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
  });
});

describe('plain reporter', () => {
  it('throttles lines but always prints the final state', () => {
    let t = 0;
    const lines: string[] = [];
    const r = createPlainReporter((l) => lines.push(l), 1000, () => t);
    r.update(snap(0));
    t = 100;
    r.update(snap(1));
    t = 200;
    r.update(snap(2));
    expect(lines).toEqual([formatPlainLine(snap(0))]);
    t = 1500;
    r.update(snap(3));
    r.update(snap(4));
    expect(lines.at(-1)).toBe(formatPlainLine(snap(4)));
    expect(lines).toHaveLength(3);
  });
  it('flushes a pending state on stop', () => {
    let t = 0;
    const lines: string[] = [];
    const r = createPlainReporter((l) => lines.push(l), 1000, () => t);
    r.update(snap(0));
    t = 10;
    r.update(snap(1));
    r.stop();
    expect(lines.at(-1)).toBe(formatPlainLine(snap(1)));
  });
});
