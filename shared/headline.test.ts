import { describe, expect, it } from 'vitest';
import { formatShareBracket, formatTimes, headline } from './headline.ts';
import type { Category, Verdict, VerdictValue } from './model.ts';
import { mulberry32 } from './random.ts';
import { headlineInput, type SummaryPairLike } from './run-summary.ts';

let clock = 0;
function verdict(value: VerdictValue, reviewer = 'ana'): Verdict {
  clock++;
  return {
    id: `v${clock}`,
    pairKey: `p${clock}`,
    reviewer,
    verdict: value,
    tags: [],
    note: '',
    blind: false,
    swapped: false,
    durationMs: 1000,
    createdAt: new Date(Date.UTC(2026, 10, 23, 12, 0, clock)).toISOString(),
  };
}

interface PairSpec {
  a: number | null;
  b: number | null;
  verdict?: VerdictValue;
  stages?: { A: Record<string, number>; B: Record<string, number> };
  category?: Category;
}

function pair(spec: PairSpec): SummaryPairLike {
  const side = (ms: number | null, stages: Record<string, number>) => ({
    status: ms === null ? 'error' : 'ok',
    timings: { e2eMs: ms, stages },
  });
  return {
    category: spec.category ?? 'edit',
    tags: [],
    turn: 1,
    expectedText: [],
    A: side(spec.a, spec.stages?.A ?? {}),
    B: side(spec.b, spec.stages?.B ?? {}),
    diff: null,
    verdicts: spec.verdict ? [verdict(spec.verdict)] : [],
  };
}

/** n pairs with A around aMs and B around bMs (±10 % seeded noise), verdicts drawn from `verdicts` in turn. */
function pairs(n: number, aMs: number, bMs: number, verdicts: VerdictValue[] = []): SummaryPairLike[] {
  const random = mulberry32(7);
  return Array.from({ length: n }, (_, i) => {
    const v = verdicts[i % Math.max(1, verdicts.length)];
    return pair({
      a: aMs * (0.9 + 0.2 * random()),
      b: bMs * (0.9 + 0.2 * random()),
      ...(v === undefined ? {} : { verdict: v }),
      stages: { A: { text_encode: 100, denoise: 800 }, B: { text_encode: 190, denoise: 820 } },
    });
  });
}

describe('headline: speed', () => {
  it('claims a clear win with its interval and the stage that differs most', () => {
    const h = headline(headlineInput(pairs(40, 1000, 1420)));
    expect(h.tone).toBe('a-faster');
    expect(h.speed).toMatch(/^A is 1\.\d\d× faster end to end \(p50 \d[\d,.]* ms vs [\d,.]+ (ms|s), 95 % CI 1\.\d\d×–1\.\d\d×; 1\.90× in text encoding\)\.$/);
  });

  it('says "slower" when A is slower, with the ratio the right way up', () => {
    const h = headline(headlineInput(pairs(40, 2000, 1000)));
    expect(h.tone).toBe('a-slower');
    expect(h.speed).toMatch(/^A is [12]\.\d\d× slower end to end/);
    expect(h.speed).not.toContain('faster end to end');
  });

  it('claims no speed-up when the interval includes 1 (a tie)', () => {
    const h = headline(headlineInput(pairs(40, 1000, 1000)));
    expect(h.tone).toBe('even');
    expect(h.speed).toMatch(/^A and B are about as fast end to end .*includes 1/);
    expect(h.speed).not.toMatch(/A is .* faster/);
  });

  it('names too few pairs instead of claiming', () => {
    const h = headline(headlineInput(pairs(3, 1000, 2000)));
    expect(h.speed).toMatch(/^A looks [12]\.\d\d× faster end to end .*3 pairs are too few for an interval\.$/);
    expect(h.tone).toBe('even');
  });

  it('says there is no comparison when no pair finished on both sides', () => {
    const h = headline(headlineInput([pair({ a: 100, b: null }), pair({ a: null, b: 200 })]));
    expect(h.speed).toBe('No pair finished on both sides yet, so there is no speed comparison.');
    expect(h.tone).toBeNull();
  });
});

describe('headline: verdicts', () => {
  it('no verdicts yet', () => {
    const h = headline(headlineInput(pairs(10, 1000, 1400)));
    expect(h.review).toBe('No verdicts yet.');
    expect(h.text).toBeNull();
    expect(h.full).toBe(`${h.speed} No verdicts yet.`);
  });

  it('a clear win: prefers A with every share bracketed', () => {
    // 60 pairs: 30 A better, 10 B better, 20 tie.
    const v: VerdictValue[] = ['A_better', 'A_better', 'A_better', 'B_better', 'tie', 'tie'];
    const h = headline(headlineInput(pairs(60, 1000, 1000, v)));
    expect(h.review).toMatch(/^Reviewers prefer A in 50 % \[\d+–\d+\] of verdicts, B in 17 % \[\d+–\d+\], tie 33 % \[\d+–\d+\]\.$/);
  });

  it('a win whose interval crosses zero is not claimed', () => {
    // 12 pairs: 5 A better, 4 B better, 3 tie: A leads, but the difference's interval includes 0.
    const v: VerdictValue[] = ['A_better', 'B_better', 'tie', 'A_better', 'B_better', 'A_better', 'tie', 'B_better', 'A_better', 'tie', 'B_better', 'A_better'];
    const input = headlineInput(pairs(12, 1000, 1000, v));
    expect(input.review.preference).not.toBeNull();
    expect(input.review.preference!.lo).toBeLessThan(0);
    expect(input.review.preference!.hi).toBeGreaterThan(0);
    const h = headline(input);
    expect(h.review).toMatch(/^No clear preference: A better 42 % \[\d+–\d+\], B better 33 % \[\d+–\d+\], tie 25 % \[\d+–\d+\] \(the interval of the difference includes 0\)\.$/);
    expect(h.review).not.toMatch(/prefer A/);
  });

  it('a tie: no side preferred when both win as often', () => {
    const v: VerdictValue[] = ['A_better', 'B_better', 'tie', 'tie'];
    const h = headline(headlineInput(pairs(40, 1000, 1000, v)));
    expect(h.review).toMatch(/^No clear preference: A better 25 %.*B better 25 %.*tie 50 %/);
  });

  it('prefers B when B clearly wins, and mentions both bad when there is any', () => {
    const v: VerdictValue[] = ['B_better', 'B_better', 'B_better', 'A_better', 'both_bad'];
    const h = headline(headlineInput(pairs(50, 1000, 1000, v)));
    expect(h.review).toMatch(/^Reviewers prefer B in 60 % \[\d+–\d+\] of verdicts, A in 20 % \[\d+–\d+\], tie 0 %.*, both bad 20 % \[\d+–\d+\]\.$/);
  });

  it('below five judged pairs it gives counts, not shares', () => {
    const h = headline(headlineInput(pairs(3, 1000, 1000, ['A_better', 'A_better', 'tie'])));
    expect(h.review).toBe('Too few verdicts to conclude (3 pairs judged): A better 2, B better 0, tie 1, both bad 0.');
  });
});

describe('headline: text', () => {
  it('is absent without text-check results and present with them', () => {
    const input = headlineInput(pairs(10, 1000, 1000));
    expect(headline(input).text).toBeNull();
    const h = headline({ ...input, text: { A: { pass: 46, total: 50 }, B: { pass: 47, total: 50 } } });
    expect(h.text).toMatch(/^Text misrendered: A 8 % \[3–19\], B 6 % \[2–16\]\.$/);
    expect(h.full.endsWith(h.text as string)).toBe(true);
  });

  it('flows from a textOf seam through headlineInput', () => {
    const ps = pairs(10, 1000, 1000);
    const input = headlineInput(ps, (p) => ({ A: ps.indexOf(p) % 2 === 0, B: true }));
    expect(input.text).toEqual({ A: { pass: 5, total: 10 }, B: { pass: 10, total: 10 } });
  });
});

describe('formatting', () => {
  it('formats ratios and bracketed shares', () => {
    expect(formatTimes(1.4237)).toBe('1.42×');
    expect(formatTimes(12.34)).toBe('12.3×');
    expect(formatShareBracket({ rate: 0.41, lo: 0.33, hi: 0.49 })).toBe('41 % [33–49]');
    expect(formatShareBracket({ rate: 0.41, lo: null, hi: null })).toBe('41 %');
    expect(formatShareBracket({ rate: null, lo: null, hi: null })).toBe('—');
  });
});
