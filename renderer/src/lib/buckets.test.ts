import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PairView } from '../../../shared/contract.ts';
import { startTestEngine, type TestEngine } from '../../../core/testing/test-engine.ts';
import { computeBuckets } from './buckets.ts';
import { filterPairs, parseFilter } from './filter.ts';

describe('buckets', () => {
  // The real engine's pairs: a seeded run with errors, chains and prior verdicts (every value, a few tags).
  let engine: TestEngine;
  let pairs: PairView[];
  beforeAll(async () => {
    engine = await startTestEngine({ runs: [{ id: 'r1', pairs: 300, errorEvery: 20, reviewedFraction: 0.4, priorReviewer: 'ana', misreadEvery: 7 }] });
    pairs = await engine.api.call('pairs:list', { runId: 'r1' });
  });
  afterAll(() => engine.close());

  it('counts exactly the rows its token shows', () => {
    const buckets = computeBuckets(pairs, 'ana');
    for (const b of buckets) {
      const shown = filterPairs(pairs, parseFilter(b.token), { reviewer: 'ana' });
      expect(shown.length, `bucket ${b.name} (${b.token})`).toBe(b.count);
    }
  });

  it('has the status buckets, every verdict, and tags sorted by count', () => {
    const buckets = computeBuckets(pairs, 'ana');
    const names = buckets.map((b) => b.name);
    expect(names.slice(0, 6)).toEqual(['all', 'unreviewed', 'reviewed', 'errors', 'big-diff', 'text-failures']);
    // Side A misread on every 7th pair (a pair whose A is ok): the "Text failures" bucket holds those.
    expect(buckets.find((b) => b.name === 'text-failures')?.count).toBe(pairs.filter((p) => p.A.text?.pass === false).length);
    expect(buckets.find((b) => b.name === 'text-failures')?.count).toBeGreaterThan(20);
    expect(names).toEqual(expect.arrayContaining(['v-A_better', 'v-B_better', 'v-tie', 'v-both_bad', 'v-skip']));
    const get = (n: string) => buckets.find((b) => b.name === n)!.count;
    expect(get('reviewed') + get('unreviewed')).toBe(pairs.length);
    expect(get('reviewed')).toBeGreaterThan(0);
    expect(get('errors')).toBeGreaterThan(0);
    const tags = buckets.filter((b) => b.group === 'tag');
    expect(tags.length).toBeGreaterThan(0);
    for (let i = 1; i < tags.length; i++) expect(tags[i - 1]!.count).toBeGreaterThanOrEqual(tags[i]!.count);
  });

  it('counts per reviewer: another reviewer sees everything unreviewed', () => {
    const buckets = computeBuckets(pairs, 'bo');
    expect(buckets.find((b) => b.name === 'unreviewed')!.count).toBe(pairs.length);
  });
});
