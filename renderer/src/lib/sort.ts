/**
 * The review list's sort orders (issue 11, requirement 4): suite order, or worst first by a score. Every score is
 * read from both sides without saying which side it came from (the worse CER, the slower end-to-end time, the
 * A↔B diff), so a sorted list tells a blind reviewer nothing about which side is A. A pair without the score goes
 * last; ties keep suite order (the order of the list given, which is the engine's suite order).
 */
import type { PairView } from '../../../shared/contract.ts';
import { SIDES } from '../../../shared/model.ts';

export const SORT_ORDERS = ['suite', 'text-error', 'diff', 'latency'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const SORT_LABELS: Record<SortOrder, string> = {
  suite: 'Suite order',
  'text-error': 'Text error (worst CER first)',
  diff: 'Changed pixels A↔B (most first)',
  latency: 'Slowest end to end first',
};

function finite(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function worseOfSides(pair: PairView, read: (side: PairView['A']) => number | null | undefined): number | null {
  let worst: number | null = null;
  for (const s of SIDES) {
    const v = read(pair[s]);
    if (finite(v) && (worst === null || v > worst)) worst = v;
  }
  return worst;
}

/**
 * The number a sort order ranks a pair by (larger = earlier), or null when the pair has none (it goes last):
 * the worse side's CER (no text check on either side → null), the share of pixels changed A↔B, the slower side's
 * end-to-end time. Suite order has no score.
 */
export function sortScore(pair: PairView, order: SortOrder): number | null {
  switch (order) {
    case 'suite':
      return null;
    case 'text-error':
      return worseOfSides(pair, (s) => s.text?.cer);
    case 'diff': {
      const ratio = pair.diff?.ratio;
      return finite(ratio) ? ratio : null;
    }
    case 'latency':
      return worseOfSides(pair, (s) => s.e2eMs);
  }
}

/** The pairs in this order: a new array; the input's order breaks ties and places the pairs without a score. */
export function sortPairs<T extends PairView>(pairs: readonly T[], order: SortOrder): T[] {
  if (order === 'suite') return pairs.slice();
  const scored = pairs.map((pair, index) => ({ pair, index, score: sortScore(pair, order) }));
  scored.sort((x, y) => {
    if (x.score === null || y.score === null) {
      if (x.score !== y.score) return x.score === null ? 1 : -1;
      return x.index - y.index;
    }
    return y.score - x.score || x.index - y.index;
  });
  return scored.map((s) => s.pair);
}

/** The order after this one (the sort key cycles through them). */
export function nextSortOrder(order: SortOrder): SortOrder {
  return SORT_ORDERS[(SORT_ORDERS.indexOf(order) + 1) % SORT_ORDERS.length]!;
}

export function isSortOrder(value: string): value is SortOrder {
  return (SORT_ORDERS as readonly string[]).includes(value);
}
