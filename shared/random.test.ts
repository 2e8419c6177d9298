import { describe, expect, it } from 'vitest';
import { mulberry32, mulberry32Words } from './random.ts';

describe('mulberry32', () => {
  it('is deterministic per seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });
  it('is roughly uniform', () => {
    const r = mulberry32(7);
    const n = 20_000;
    const mean = Array.from({ length: n }, () => r()).reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
  it('keeps the exact sequence the printed bootstrap intervals depend on', () => {
    const r = mulberry32(42);
    expect(Array.from({ length: 3 }, () => r())).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });
});

describe('mulberry32Words', () => {
  it('is the same generator as raw unsigned 32-bit words', () => {
    const w = mulberry32Words(42);
    expect(Array.from({ length: 3 }, () => w())).toEqual([2581720956, 1925393290, 3661312704]);
    const u = mulberry32(99);
    const v = mulberry32Words(99);
    for (let i = 0; i < 100; i++) expect(u()).toBe(v() / 2 ** 32);
  });
});
