import { describe, expect, it } from 'vitest';
import { makeSyntheticRun } from '../bridge/synthetic.ts';
import { computeBuckets } from './buckets.ts';
import { filterPairs, parseFilter } from './filter.ts';

describe('buckets', () => {
  const { pairs } = makeSyntheticRun({ pairs: 300, seed: 3, reviewedFraction: 0.4, priorReviewer: 'ana', errorRate: 0.05 });

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
    expect(names.slice(0, 5)).toEqual(['all', 'unreviewed', 'reviewed', 'errors', 'big-diff']);
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
