import { describe, expect, it } from 'vitest';
import type { PairView } from '../../../shared/contract.ts';
import type { SideTextCheck } from '../../../shared/ocr-view.ts';
import { isSortOrder, nextSortOrder, SORT_ORDERS, sortPairs, sortScore } from './sort.ts';

function text(cer: number): SideTextCheck {
  return {
    engine: 'test',
    ms: 100,
    width: 512,
    height: 512,
    lines: [],
    usedLines: [],
    expected: 'OPEN',
    recognized: 'OPFN',
    lang: 'en',
    cer,
    ned: 1 - Math.min(1, cer),
    wordAccuracy: cer === 0 ? 1 : 0,
    charAccuracy: null,
    bagOfWordsRecall: cer === 0 ? 1 : 0,
    pass: cer === 0,
    suggestedTags: cer === 0 ? [] : ['text.garbled'],
    alignment: [],
  };
}

function side(overrides: Partial<PairView['A']> = {}): PairView['A'] {
  return {
    status: 'ok',
    error: null,
    imageId: 'a'.repeat(64),
    sourceId: null,
    width: 512,
    height: 512,
    e2eMs: 1000,
    stages: {},
    denoiseStepsMs: null,
    peakMemoryMb: null,
    endpoint: null,
    attempts: 1,
    vsSource: null,
    ...overrides,
  };
}

interface Spec {
  cerA?: number;
  cerB?: number;
  ratio?: number | null;
  e2eA?: number | null;
  e2eB?: number | null;
}

function pair(key: string, spec: Spec = {}): PairView {
  return {
    key,
    caseId: key,
    title: null,
    category: 'generation',
    tags: [],
    turn: 1,
    turns: 1,
    repeat: 1,
    prompt: 'A sign that reads "OPEN"',
    negativePrompt: null,
    expectedText: ['OPEN'],
    A: side({ e2eMs: spec.e2eA ?? null, ...(spec.cerA !== undefined ? { text: text(spec.cerA) } : {}) }),
    B: side({ e2eMs: spec.e2eB ?? null, ...(spec.cerB !== undefined ? { text: text(spec.cerB) } : {}) }),
    diff:
      spec.ratio === undefined
        ? null
        : { pixels: null, ratio: spec.ratio, heatmapId: null, bounds: null, ssim: null, psnr: null, identical: spec.ratio === 0, sizeMismatch: null },
    verdicts: [],
    blindSwap: false,
  };
}

const keys = (pairs: PairView[]) => pairs.map((p) => p.key);

describe('sortPairs', () => {
  it('keeps suite order (a copy) by default', () => {
    const pairs = [pair('a', { cerA: 0.1 }), pair('b', { cerA: 0.9 })];
    const sorted = sortPairs(pairs, 'suite');
    expect(keys(sorted)).toEqual(['a', 'b']);
    expect(sorted).not.toBe(pairs);
  });

  it('puts the worst text error first, reading the worse of the two sides, pairs without a check last', () => {
    const pairs = [
      pair('none'),
      pair('a-bad', { cerA: 0.5, cerB: 0 }),
      pair('b-worse', { cerA: 0.2, cerB: 1 }),
      pair('both-ok', { cerA: 0, cerB: 0 }),
      pair('only-b', { cerB: 0.3 }),
    ];
    expect(keys(sortPairs(pairs, 'text-error'))).toEqual(['b-worse', 'a-bad', 'only-b', 'both-ok', 'none']);
    expect(sortScore(pairs[2]!, 'text-error')).toBe(1);
    expect(sortScore(pairs[0]!, 'text-error')).toBeNull();
  });

  it('breaks ties by suite order, also among the pairs without a score', () => {
    const pairs = [pair('n1'), pair('t1', { cerA: 1 }), pair('n2'), pair('t2', { cerB: 1 }), pair('t3', { cerA: 0.5 }), pair('t4', { cerA: 1, cerB: 1 })];
    expect(keys(sortPairs(pairs, 'text-error'))).toEqual(['t1', 't2', 't4', 't3', 'n1', 'n2']);
  });

  it('sorts by the share of changed pixels, most first; no diff last', () => {
    const pairs = [pair('small', { ratio: 0.01 }), pair('none', { ratio: null }), pair('big', { ratio: 0.3 }), pair('same', { ratio: 0 }), pair('missing')];
    expect(keys(sortPairs(pairs, 'diff'))).toEqual(['big', 'small', 'same', 'none', 'missing']);
  });

  it('sorts by the slower side end to end, slowest first; a failed side counts the other, no time last', () => {
    const pairs = [
      pair('fast', { e2eA: 900, e2eB: 1000 }),
      pair('slow-b', { e2eA: 1000, e2eB: 3000 }),
      pair('untimed'),
      pair('slow-a', { e2eA: 2500, e2eB: 1200 }),
      pair('a-failed', { e2eA: null, e2eB: 2000 }),
    ];
    expect(keys(sortPairs(pairs, 'latency'))).toEqual(['slow-b', 'slow-a', 'a-failed', 'fast', 'untimed']);
  });

  it('ranks a pair the same whichever side holds the worse score (nothing tells which side is A)', () => {
    const forward = [pair('x', { cerA: 0.8, cerB: 0, e2eA: 3000, e2eB: 1000 }), pair('y', { cerA: 0.4, cerB: 0.4, e2eA: 2000, e2eB: 2000 })];
    const mirrored = [pair('x', { cerA: 0, cerB: 0.8, e2eA: 1000, e2eB: 3000 }), pair('y', { cerA: 0.4, cerB: 0.4, e2eA: 2000, e2eB: 2000 })];
    for (const order of SORT_ORDERS) expect(keys(sortPairs(mirrored, order)), order).toEqual(keys(sortPairs(forward, order)));
  });

  it('does not reorder its input and ignores non-finite scores', () => {
    const pairs = [pair('nan', { ratio: Number.NaN }), pair('one', { ratio: 0.1 })];
    expect(keys(sortPairs(pairs, 'diff'))).toEqual(['one', 'nan']);
    expect(keys(pairs)).toEqual(['nan', 'one']);
  });
});

describe('sort orders', () => {
  it('cycles through every order and back to suite order', () => {
    const seen: string[] = [];
    let order = nextSortOrder('suite');
    for (let i = 0; i < SORT_ORDERS.length && order !== 'suite'; i++) {
      seen.push(order);
      order = nextSortOrder(order);
    }
    expect(order).toBe('suite');
    expect(['suite', ...seen]).toEqual([...SORT_ORDERS]);
  });

  it('recognises its own names only', () => {
    expect(isSortOrder('text-error')).toBe(true);
    expect(isSortOrder('cer')).toBe(false);
  });
});
