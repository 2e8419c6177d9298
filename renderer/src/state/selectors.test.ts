import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../../core/testing/test-engine.ts';
import type { PairView, Settings } from '../../../shared/contract.ts';
import { placement } from '../lib/blind.ts';
import { parseFilter } from '../lib/filter.ts';
import { SORT_ORDERS, sortScore, type SortOrder } from '../lib/sort.ts';
import { derive } from './selectors.ts';

// derive: the visible list is the filter's pairs in the sort's order, over the real engine's pairs (seeded OCR reads,
// A misread on every 3rd case, so CERs differ; diffs and timings vary per pair).
describe('derive (filter, then sort)', () => {
  let engine: TestEngine;
  let pairs: PairView[];
  const settings: Settings = { reviewer: 'ana', blindByDefault: false };
  beforeAll(async () => {
    engine = await startTestEngine({ runs: [{ id: 'r1', pairs: 60, misreadEvery: 3, errorEvery: 11, reviewedFraction: 0.3, priorReviewer: 'ana' }] });
    pairs = await engine.api.call('pairs:list', { runId: 'r1' });
  });
  afterAll(() => engine.close());

  const view = (text: string, sort: SortOrder, blind = false) => ({ filter: parseFilter(text, { blind }), settings, blind, sort });
  const byKey = (key: string) => pairs.find((p) => p.key === key)!;
  const suiteIndex = (key: string) => pairs.findIndex((p) => p.key === key);

  it('keeps suite order by default and sorts the filtered pairs, worst CER first, ties in suite order', () => {
    const suite = derive(pairs, view('', 'suite')).visibleKeys;
    expect(suite).toEqual(pairs.map((p) => p.key));

    const { visibleKeys } = derive(pairs, view('ocr:read', 'text-error'));
    expect(visibleKeys).toHaveLength(derive(pairs, view('ocr:read', 'suite')).visibleKeys.length);
    const scores = visibleKeys.map((k) => sortScore(byKey(k), 'text-error')!);
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores.at(-1)).toBe(0);
    for (let i = 1; i < visibleKeys.length; i++) {
      expect(scores[i - 1]!).toBeGreaterThanOrEqual(scores[i]!);
      if (scores[i - 1] === scores[i]) expect(suiteIndex(visibleKeys[i - 1]!)).toBeLessThan(suiteIndex(visibleKeys[i]!));
    }
    // The misread outputs really differ in CER ("PAIR 3" vs "PAIR 12" with one letter wrong), so the order is not suite order.
    expect(new Set(scores).size).toBeGreaterThan(2);
    expect(visibleKeys).not.toEqual([...visibleKeys].sort((a, b) => suiteIndex(a) - suiteIndex(b)));
  });

  it('puts the pairs without the score last (errored pairs have no diff), and every order keeps the same pairs', () => {
    const { visibleKeys } = derive(pairs, view('', 'diff'));
    const missing = visibleKeys.filter((k) => sortScore(byKey(k), 'diff') === null);
    expect(missing.length).toBeGreaterThan(0);
    expect(visibleKeys.slice(-missing.length)).toEqual(missing);
    for (const order of SORT_ORDERS) expect([...derive(pairs, view('', order)).visibleKeys].sort()).toEqual(pairs.map((p) => p.key).sort());
  });

  it('gives the same order in blind mode: the scores are read from both sides', () => {
    for (const order of SORT_ORDERS) {
      expect(derive(pairs, view('ocr:fail', order, true)).visibleKeys, order).toEqual(derive(pairs, view('ocr:fail', order)).visibleKeys);
    }
  });

  it('in blind mode, filters by position (ocr:left.fail follows each pair\'s swap) and still sorts side-neutrally', () => {
    const { visibleKeys } = derive(pairs, view('ocr:left.fail', 'text-error', true));
    const expected = pairs.filter((p) => p[placement(p, true).left].text?.pass === false).map((p) => p.key);
    expect([...visibleKeys].sort()).toEqual([...expected].sort());
    // A misreads, B never does: blind mode puts A on the right for swapped pairs, so ocr:left.fail is not ocr:a.fail.
    expect(visibleKeys.length).toBeLessThan(derive(pairs, view('ocr:a.fail', 'text-error')).visibleKeys.length);
    for (let i = 1; i < visibleKeys.length; i++) expect(sortScore(byKey(visibleKeys[i - 1]!), 'text-error')!).toBeGreaterThanOrEqual(sortScore(byKey(visibleKeys[i]!), 'text-error')!);
  });

  it('cannot tell a blind reviewer which side is A: mirrored pairs (A and B traded, swap flipped) list the same', () => {
    // What a blind reviewer sees of a pair is identical when A's and B's outputs trade places and the swap flips;
    // the list must then be identical too, or its order would say where A is.
    const mirrored = pairs.map((p) => ({ ...p, A: p.B, B: p.A, blindSwap: !p.blindSwap }));
    for (const order of SORT_ORDERS) {
      for (const text of ['', 'ocr:fail', 'ocr:left.fail', 'ocr:right.fail cer>0.05']) {
        expect(derive(mirrored, view(text, order, true)).visibleKeys, `${order} ${text}`).toEqual(derive(pairs, view(text, order, true)).visibleKeys);
      }
    }
  });
});
