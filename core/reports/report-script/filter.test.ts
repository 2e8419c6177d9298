import { describe, expect, it } from 'vitest';
import type { PairIndexEntry } from '../pair-index.ts';
import { applyFilter, countLabel, searchTerms } from './filter.ts';

const entry = (id: string, over: Partial<PairIndexEntry> = {}): PairIndexEntry => ({
  id,
  chain: `${id}-chain`,
  group: `${id}-case`,
  category: 'text',
  flags: ['ok', 'noverdict'],
  text: `prompt of ${id}`,
  ...over,
});

const INDEX = [
  entry('p0', { chain: 'c0r1', group: 'c0', text: 'a red poster saying sale' }),
  entry('p1', { chain: 'c0r1', group: 'c0', text: 'turn two: make it blue', flags: ['error', 'noverdict'] }),
  entry('p2', { chain: 'c1r1', group: 'c1', category: 'style', text: 'watercolour poster', flags: ['ok', 'verdict'] }),
];
const ALL = { text: '', category: '', status: '' };

describe('report filter', () => {
  it('splits free text into lower-case terms', () => {
    expect(searchTerms('  Red\tPOSTER  ')).toEqual(['red', 'poster']);
  });

  it('shows everything for an empty query', () => {
    const r = applyFilter(INDEX, ALL);
    expect([...r.pairs]).toEqual(['p0', 'p1', 'p2']);
    expect([...r.groups]).toEqual(['c0', 'c1']);
  });

  it('needs every term, and keeps the chain and case of a match visible', () => {
    const r = applyFilter(INDEX, { ...ALL, text: 'POSTER red' });
    expect([...r.pairs]).toEqual(['p0']);
    expect([...r.chains]).toEqual(['c0r1']);
    expect([...r.groups]).toEqual(['c0']);
  });

  it('filters by category and by status flag', () => {
    expect([...applyFilter(INDEX, { ...ALL, category: 'style' }).pairs]).toEqual(['p2']);
    expect([...applyFilter(INDEX, { ...ALL, status: 'error' }).pairs]).toEqual(['p1']);
    expect([...applyFilter(INDEX, { ...ALL, status: 'verdict', category: 'text' }).pairs]).toEqual([]);
  });

  it('labels the count', () => {
    expect(countLabel(1, 3)).toBe('1 of 3 pairs');
  });
});
