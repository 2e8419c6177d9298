import { describe, expect, it } from 'vitest';
import type { Category, Verdict } from './model.ts';
import { languageOf, speedRatioInterval, summaryRows, wilsonShare, type SummaryPairLike } from './run-summary.ts';

function verdict(value: Verdict['verdict'], i: number): Verdict {
  return { id: `v${i}`, pairKey: `p${i}`, reviewer: 'ana', verdict: value, tags: [], note: '', blind: false, swapped: false, durationMs: 1, createdAt: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z` };
}

function pair(category: Category, opts: Partial<SummaryPairLike> & { a?: number | null; b?: number | null; ratio?: number; ssim?: number } = {}): SummaryPairLike {
  const side = (ms: number | null | undefined) => ({ status: ms === null ? 'error' : 'ok', timings: { e2eMs: ms === undefined ? 1000 : ms, stages: {} } });
  return {
    category,
    tags: opts.tags ?? [],
    turn: opts.turn ?? 1,
    expectedText: opts.expectedText ?? [],
    A: side(opts.a),
    B: side(opts.b),
    diff: opts.ratio === undefined ? null : { ratio: opts.ratio, ssim: opts.ssim ?? null },
    verdicts: opts.verdicts ?? [],
  };
}

describe('languageOf', () => {
  it('reads tags first, then the script of the expected text', () => {
    expect(languageOf({ tags: ['sign', 'chinese'], expectedText: [] })).toBe('zh');
    expect(languageOf({ tags: ['english', 'chinese', 'mixed-script'], expectedText: ['OPEN 营业'] })).toBe('zh');
    expect(languageOf({ tags: ['english'], expectedText: [] })).toBe('en');
    expect(languageOf({ tags: [], expectedText: ['春联'] })).toBe('zh');
    expect(languageOf({ tags: [], expectedText: ['LAUNCH DAY'] })).toBe('en');
    expect(languageOf({ tags: ['style'], expectedText: [] })).toBeNull();
  });
});

describe('summaryRows', () => {
  const pairs: SummaryPairLike[] = [
    pair('text-rendering', { tags: ['english'], a: 1000, b: 2000, ratio: 0.02, ssim: 0.9, verdicts: [verdict('A_better', 1)] }),
    pair('text-rendering', { tags: ['english'], a: 1200, b: 2400, ratio: 0.04, ssim: 0.8 }),
    pair('text-rendering', { tags: ['chinese'], a: 3000, b: 3000, ratio: 0.1, ssim: 0.7 }),
    pair('text-rendering', { tags: ['chinese'], a: null, b: 3000 }),
    pair('multi-turn', { turn: 1, a: 500, b: 1000 }),
    pair('multi-turn', { turn: 2, a: 600, b: 600 }),
    pair('style-transfer', { a: 800, b: 400 }),
  ];
  const rows = summaryRows(pairs);
  const byKey = new Map(rows.map((r) => [r.key, r]));

  it('has a row for everything, each category, its languages or turns, then each language', () => {
    expect(rows.map((r) => r.key)).toEqual([
      'all',
      'category:text-rendering',
      'category:text-rendering:en',
      'category:text-rendering:zh',
      'category:style-transfer',
      'category:multi-turn',
      'category:multi-turn:turn-1',
      'category:multi-turn:turn-2',
      'language:en',
      'language:zh',
    ]);
    expect(byKey.get('category:text-rendering:zh')?.label).toBe('Text rendering · ZH');
    expect(byKey.get('category:multi-turn:turn-2')?.label).toBe('Multi-turn · turn 2');
  });

  it('computes latency over pairs where both sides are ok, and the p50 speed-up', () => {
    const en = byKey.get('category:text-rendering:en');
    expect(en?.e2eMs.A).toEqual({ n: 2, p50: 1100, p95: 1190 });
    expect(en?.speedup).toBeCloseTo(2, 10);
    const zh = byKey.get('category:text-rendering:zh');
    expect(zh?.pairs).toBe(2);
    expect(zh?.bothOk).toBe(1);
    expect(zh?.errors).toEqual({ A: 1, B: 0 });
    expect(byKey.get('category:style-transfer')?.speedup).toBeCloseTo(0.5, 10);
  });

  it('takes diff and SSIM medians and verdict shares', () => {
    const tr = byKey.get('category:text-rendering');
    expect(tr?.diffMedian).toBeCloseTo(0.04, 10);
    expect(tr?.ssimMedian).toBeCloseTo(0.8, 10);
    expect(tr?.judged).toBe(1);
    expect(tr?.rates.A_better.rate).toBe(1);
    expect(tr?.rates.A_better.lo).toBeNull();
  });

  it('leaves text null without a text check, and fills it through textOf', () => {
    expect(rows.every((r) => r.text === null)).toBe(true);
    const withText = summaryRows(pairs, (p) => (p.category === 'text-rendering' ? { A: p.A.status === 'ok', B: true } : null));
    const tr = withText.find((r) => r.key === 'category:text-rendering');
    expect(tr?.text?.A.k).toBe(3);
    expect(tr?.text?.A.n).toBe(4);
    expect(tr?.text?.B.rate).toBe(1);
    expect(withText.find((r) => r.key === 'category:style-transfer')?.text).toBeNull();
  });
});

describe('intervals', () => {
  it('Wilson interval brackets the rate and stays inside 0..1', () => {
    const s = wilsonShare(0, 20);
    expect(s.rate).toBe(0);
    expect(s.lo).toBe(0);
    expect(s.hi).toBeGreaterThan(0.1);
    expect(s.hi).toBeLessThan(0.2);
    const half = wilsonShare(50, 100);
    expect(half.lo).toBeCloseTo(0.404, 2);
    expect(half.hi).toBeCloseTo(0.596, 2);
  });

  it('speed ratio interval is deterministic and brackets the point', () => {
    const paired = Array.from({ length: 30 }, (_, i) => [1000 + i * 10, 2000 + i * 15] as const);
    const a = speedRatioInterval(paired);
    expect(a).toEqual(speedRatioInterval(paired));
    expect(a!.lo).toBeLessThan(2.0);
    expect(a!.hi).toBeGreaterThan(1.9);
    expect(speedRatioInterval(paired.slice(0, 4))).toBeNull();
  });
});
