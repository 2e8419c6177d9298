import { describe, expect, it } from 'vitest';
import type { Verdict, VerdictValue } from './model.ts';
import { mulberry32 } from './random.ts';
import { bootstrapShare, bootstrapShares, cohenKappa, fleissKappa, formatInterval, formatKappa, formatRate, formatShare, kappaLabel, latestByReviewer, positionBiasSuspected, reviewStats } from './review-stats.ts';

let clock = 0;
function verdict(pairKey: string, reviewer: string, value: VerdictValue, extra: Partial<Verdict> = {}): Verdict {
  clock++;
  return {
    id: `v${clock}`,
    pairKey,
    reviewer,
    verdict: value,
    tags: [],
    note: '',
    blind: false,
    swapped: false,
    durationMs: 1000,
    createdAt: new Date(Date.UTC(2026, 10, 23, 12, 0, clock)).toISOString(),
    ...extra,
  };
}

/** Expands count rows (category → how many raters chose it) into rating lists. */
function expand(rows: number[][]): string[][] {
  return rows.map((row) => row.flatMap((count, c) => Array.from({ length: count }, () => `c${c + 1}`)));
}

describe('cohenKappa', () => {
  it('matches the textbook example (p_o 0.7, p_e 0.5 → κ 0.4)', () => {
    // 50 items: both yes 20, A yes / B no 5, A no / B yes 10, both no 15.
    const items: Array<readonly [string, string]> = [
      ...Array.from({ length: 20 }, () => ['yes', 'yes'] as const),
      ...Array.from({ length: 5 }, () => ['yes', 'no'] as const),
      ...Array.from({ length: 10 }, () => ['no', 'yes'] as const),
      ...Array.from({ length: 15 }, () => ['no', 'no'] as const),
    ];
    const { observed, kappa } = cohenKappa(items);
    expect(observed).toBeCloseTo(0.7, 12);
    expect(kappa).toBeCloseTo(0.4, 12);
  });
  it('is 1 for perfect agreement over several categories, negative for systematic disagreement', () => {
    expect(cohenKappa([['a', 'a'], ['b', 'b'], ['a', 'a']]).kappa).toBeCloseTo(1, 12);
    expect(cohenKappa([['a', 'b'], ['b', 'a']]).kappa).toBeCloseTo(-1, 12);
  });
  it('is undefined (null) when both raters always gave the same single answer, and without items', () => {
    expect(cohenKappa([['tie', 'tie'], ['tie', 'tie']])).toEqual({ observed: 1, kappa: null });
    expect(cohenKappa([])).toEqual({ observed: null, kappa: null });
  });
});

describe('fleissKappa', () => {
  it("matches Fleiss' worked example (10 subjects, 14 raters, 5 categories → κ 0.210)", () => {
    const rows = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const { observed, kappa } = fleissKappa(expand(rows));
    expect(observed).toBeCloseTo(0.378, 3);
    expect(kappa).toBeCloseTo(0.21, 3);
  });
  it('allows a varying number of raters: each item agrees over its own rater pairs', () => {
    // Item 1: 3 raters, all "a" (agreement 1). Item 2: 2 raters, "a" and "b" (agreement 0).
    // Shares over all 5 ratings: a 4/5, b 1/5 → p_e = 0.68; P̄ = 0.5 → κ = (0.5 − 0.68) / 0.32.
    const { observed, kappa } = fleissKappa([['a', 'a', 'a'], ['a', 'b']]);
    expect(observed).toBeCloseTo(0.5, 12);
    expect(kappa).toBeCloseTo((0.5 - 0.68) / 0.32, 12);
  });
  it('ignores items with a single rating and is null below two rated items', () => {
    expect(fleissKappa([['a'], ['a', 'a']])).toEqual({ observed: 1, kappa: null });
    expect(fleissKappa([['a'], ['b']])).toEqual({ observed: null, kappa: null });
    expect(fleissKappa([['a', 'b'], ['b', 'a'], ['c']]).kappa).toBeCloseTo(-1, 12);
  });
});

describe('bootstrapShare', () => {
  it('gives the point rate and a 95 % interval close to the binomial one for independent clusters', () => {
    // 200 single-verdict clusters, 60 hits: rate 0.3, normal-approximation interval 0.3 ± 0.0635.
    const clusters = Array.from({ length: 200 }, (_, i) => [i < 60 ? 1 : 0, 1] as const);
    const share = bootstrapShare(clusters, 2000, mulberry32(7));
    expect(share).toMatchObject({ k: 60, n: 200, rate: 0.3 });
    expect(share.lo).toBeGreaterThan(0.3 - 0.0635 - 0.015);
    expect(share.lo).toBeLessThan(0.3 - 0.0635 + 0.015);
    expect(share.hi).toBeGreaterThan(0.3 + 0.0635 - 0.015);
    expect(share.hi).toBeLessThan(0.3 + 0.0635 + 0.015);
  });
  it('is wider when the same evidence comes in correlated clusters (several reviewers of one pair)', () => {
    const independent = Array.from({ length: 120 }, (_, i) => [i % 2, 1] as const);
    const clustered = Array.from({ length: 40 }, (_, i) => [i % 2 ? 3 : 0, 3] as const);
    const a = bootstrapShare(independent, 2000, mulberry32(1));
    const b = bootstrapShare(clustered, 2000, mulberry32(1));
    expect(a.rate).toBe(0.5);
    expect(b.rate).toBe(0.5);
    expect((b.hi as number) - (b.lo as number)).toBeGreaterThan(((a.hi as number) - (a.lo as number)) * 1.4);
  });
  it('gives no interval below five pairs: one verdict is not 100 % certainty', () => {
    expect(bootstrapShare([[1, 1], [2, 2], [0, 1], [1, 1]], 200, mulberry32(3))).toEqual({ k: 4, n: 5, rate: 0.8, lo: null, hi: null });
  });
  it('is the same for the same seed, degenerate when every cluster agrees, and null without data', () => {
    const clusters = [[1, 2], [0, 1], [2, 2], [1, 1], [0, 2]] as const;
    expect(bootstrapShare(clusters, 500, mulberry32(3))).toEqual(bootstrapShare(clusters, 500, mulberry32(3)));
    expect(bootstrapShare([[1, 1], [2, 2], [1, 1], [1, 1], [3, 3]], 200, mulberry32(3))).toEqual({ k: 8, n: 8, rate: 1, lo: 1, hi: 1 });
    expect(bootstrapShare([], 200, mulberry32(3))).toEqual({ k: 0, n: 0, rate: null, lo: null, hi: null });
  });
});

describe('bootstrapShares', () => {
  it('gives every share exactly the interval bootstrapShare gives it alone with the same seed', () => {
    const clusters = Array.from({ length: 40 }, (_, i) => ({ hits: [i % 3 === 0 ? 2 : 0, i % 3 === 1 ? 1 : 0, i % 5 === 0 ? 1 : 0], n: 2 }));
    const together = bootstrapShares(clusters, 3, 500, mulberry32(9));
    for (let s = 0; s < 3; s++) {
      const alone = bootstrapShare(clusters.map((c) => [c.hits[s] as number, c.n] as const), 500, mulberry32(9));
      expect(together[s]).toEqual(alone);
    }
  });
  it('answers one empty share per column without clusters', () => {
    expect(bootstrapShares([], 2, 100, mulberry32(1))).toEqual([
      { k: 0, n: 0, rate: null, lo: null, hi: null },
      { k: 0, n: 0, rate: null, lo: null, hi: null },
    ]);
  });
});

describe('latestByReviewer', () => {
  it("keeps each reviewer's most recent verdict on a pair", () => {
    const first = verdict('p', 'ana', 'A_better');
    const other = verdict('p', 'bo', 'tie');
    const changed = verdict('p', 'ana', 'B_better');
    expect(latestByReviewer([first, other, changed]).map((v) => v.id).sort()).toEqual([changed.id, other.id].sort());
  });
});

describe('reviewStats', () => {
  it('counts latest non-skip verdicts per reviewer, with rates that sum to 1 and intervals around them', () => {
    const pairs = [
      { key: 'p1', verdicts: [verdict('p1', 'ana', 'tie'), verdict('p1', 'ana', 'A_better')] },
      { key: 'p2', verdicts: [verdict('p2', 'ana', 'B_better')] },
      { key: 'p3', verdicts: [verdict('p3', 'ana', 'A_better'), verdict('p3', 'bo', 'A_better')] },
      { key: 'p4', verdicts: [verdict('p4', 'ana', 'skip')] },
      { key: 'p5', verdicts: [] },
      { key: 'p6', verdicts: [verdict('p6', 'bo', 'A_better')] },
      { key: 'p7', verdicts: [verdict('p7', 'bo', 'B_better')] },
    ];
    const stats = reviewStats(pairs, { resamples: 300 });
    expect(stats.pairsJudged).toBe(5);
    expect(stats.judgements).toBe(6);
    expect(stats.reviewers).toEqual(['ana', 'bo']);
    expect(stats.rates.A_better).toMatchObject({ k: 4, n: 6 });
    expect(stats.rates.A_better.rate).toBeCloseTo(4 / 6, 12);
    expect(stats.rates.B_better).toMatchObject({ k: 2, n: 6 });
    expect(stats.rates.tie).toMatchObject({ k: 0, rate: 0, lo: 0, hi: 0 });
    const sum = Object.values(stats.rates).reduce((s, r) => s + (r.rate ?? 0), 0);
    expect(sum).toBeCloseTo(1, 12);
    for (const r of Object.values(stats.rates)) {
      expect(r.lo as number).toBeLessThanOrEqual(r.rate as number);
      expect(r.hi as number).toBeGreaterThanOrEqual(r.rate as number);
    }
    expect(stats.bootstrap).toEqual({ resamples: 300, seed: expect.any(Number), level: 0.95 });
  });

  it('measures position bias from blind verdicts: the side shown on the left won', () => {
    const pairs = [
      // Left won: A_better with A on the left, B_better with B on the left (swapped).
      { key: 'p1', verdicts: [verdict('p1', 'ana', 'A_better', { blind: true, swapped: false })] },
      { key: 'p2', verdicts: [verdict('p2', 'ana', 'B_better', { blind: true, swapped: true })] },
      { key: 'p3', verdicts: [verdict('p3', 'ana', 'B_better', { blind: true, swapped: true })] },
      // Right won.
      { key: 'p4', verdicts: [verdict('p4', 'ana', 'A_better', { blind: true, swapped: true })] },
      // Not counted: a tie, and a verdict given with names shown.
      { key: 'p5', verdicts: [verdict('p5', 'ana', 'tie', { blind: true, swapped: true })] },
      { key: 'p6', verdicts: [verdict('p6', 'ana', 'A_better', { blind: false })] },
    ];
    const { leftWins } = reviewStats(pairs, { resamples: 300 });
    expect(leftWins).toMatchObject({ k: 3, n: 4, rate: 0.75 });
    expect(reviewStats([], { resamples: 10 }).leftWins).toEqual({ k: 0, n: 0, rate: null, lo: null, hi: null });
  });

  it("computes Fleiss' κ over pairs with two or more reviewers and Cohen's κ for each two reviewers", () => {
    const pairs = [
      { key: 'p1', verdicts: [verdict('p1', 'ana', 'A_better'), verdict('p1', 'bo', 'A_better'), verdict('p1', 'cy', 'A_better')] },
      { key: 'p2', verdicts: [verdict('p2', 'ana', 'B_better'), verdict('p2', 'bo', 'B_better'), verdict('p2', 'cy', 'tie')] },
      { key: 'p3', verdicts: [verdict('p3', 'ana', 'tie'), verdict('p3', 'bo', 'both_bad')] },
      { key: 'p4', verdicts: [verdict('p4', 'ana', 'tie')] },
    ];
    const { agreement } = reviewStats(pairs, { resamples: 10 });
    expect(agreement.pairs).toBe(3);
    const direct = fleissKappa([
      ['A_better', 'A_better', 'A_better'],
      ['B_better', 'B_better', 'tie'],
      ['tie', 'both_bad'],
    ]);
    expect(agreement.fleissKappa).toBeCloseTo(direct.kappa as number, 12);
    expect(agreement.observed).toBeCloseTo((1 + 1 / 3 + 0) / 3, 12);
    expect(agreement.cohen.map((c) => [c.reviewers.join('+'), c.n])).toEqual([
      ['ana+bo', 3],
      ['ana+cy', 2],
      ['bo+cy', 2],
    ]);
    const anaBo = agreement.cohen[0];
    expect(anaBo?.observed).toBeCloseTo(2 / 3, 12);
    expect(anaBo?.kappa).toBeCloseTo(cohenKappa([['A_better', 'A_better'], ['B_better', 'B_better'], ['tie', 'both_bad']]).kappa as number, 12);
  });

  it('is the same on every call (seeded), so a re-rendered report prints the same intervals', () => {
    const pairs = Array.from({ length: 30 }, (_, i) => ({
      key: `p${i}`,
      verdicts: [verdict(`p${i}`, 'ana', (['A_better', 'B_better', 'tie', 'both_bad'] as const)[i % 4] as VerdictValue)],
    }));
    expect(reviewStats(pairs)).toEqual(reviewStats(pairs));
  });
});

describe('kappaLabel', () => {
  it("uses Landis & Koch's bands", () => {
    expect([-0.1, 0.1, 0.3, 0.5, 0.7, 0.9, null].map(kappaLabel)).toEqual([
      'poor',
      'slight',
      'fair',
      'moderate',
      'substantial',
      'almost perfect',
      'n/a',
    ]);
  });
});

describe('positionBiasSuspected', () => {
  it('is true only when the interval excludes 50 %, never without an interval', () => {
    expect(positionBiasSuspected({ k: 18, n: 20, rate: 0.9, lo: 0.75, hi: 1 })).toBe(true);
    expect(positionBiasSuspected({ k: 2, n: 20, rate: 0.1, lo: 0, hi: 0.25 })).toBe(true);
    expect(positionBiasSuspected({ k: 12, n: 20, rate: 0.6, lo: 0.4, hi: 0.8 })).toBe(false);
    expect(positionBiasSuspected({ k: 1, n: 1, rate: 1, lo: null, hi: null })).toBe(false);
  });
});

describe('formatShare and formatKappa', () => {
  it('print a rate with its interval in whole percent, and a dash or n/a without data', () => {
    expect(formatShare({ k: 31, n: 50, rate: 0.62, lo: 0.484, hi: 0.751 })).toBe('62 % (95 % CI 48–75 %)');
    expect(formatShare({ k: 0, n: 0, rate: null, lo: null, hi: null })).toBe('—');
    expect(formatShare({ k: 1, n: 1, rate: 1, lo: null, hi: null })).toBe('100 % (too few pairs for a CI)');
    expect(formatRate({ k: 31, n: 50, rate: 0.62, lo: 0.484, hi: 0.751 })).toBe('62 %');
    expect(formatRate({ k: 0, n: 0, rate: null, lo: null, hi: null })).toBe('—');
    expect(formatInterval({ k: 31, n: 50, rate: 0.62, lo: 0.484, hi: 0.751 })).toBe('48–75 %');
    expect(formatInterval({ k: 1, n: 1, rate: 1, lo: null, hi: null })).toBe('too few pairs for a CI');
    expect(formatKappa(0.4213)).toBe('κ 0.42, moderate');
    expect(formatKappa(null)).toBe('κ n/a');
  });
});
