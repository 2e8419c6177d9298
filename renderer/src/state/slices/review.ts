/**
 * The review slice: the open run's pairs, the filter with its buckets, the sort, and navigation (the current
 * pair, moving through the filtered list in the sort's order).
 * Reloads are serialised and never apply a list that raced a local verdict write (ctx.mutationSeq).
 */
import type { PairView, UiEvent } from '../../../../shared/contract.ts';
import { errorMessage } from '../../bridge/errors.ts';
import { computeBuckets, groupTokens } from '../../lib/buckets.ts';
import { EMPTY_FILTER, parseFilter, toggleToken, tokenize } from '../../lib/filter.ts';
import { chainOf, latestVerdict } from '../../lib/pair-utils.ts';
import { currentPair, derive, reviewerOf } from '../selectors.ts';
import type { ReviewSlice, SliceContext } from '../types.ts';
import { NO_EXPORT } from './runs.ts';

export function createReviewSlice(ctx: SliceContext): ReviewSlice {
  const { api, set, get, now } = ctx;
  let reloading = false;
  let reloadDirty = false;

  function applyPairs(pairs: PairView[], preferUnreviewed: boolean): void {
    const s = get();
    const { visibleKeys, buckets } = derive(pairs, s);
    const pairIndex = new Map(pairs.map((p, i) => [p.key, i]));
    let currentKey = s.currentKey !== null && pairIndex.has(s.currentKey) ? s.currentKey : null;
    if (currentKey === null) {
      const reviewer = reviewerOf(s);
      const firstOpen = preferUnreviewed ? visibleKeys.find((k) => latestVerdict(pairs[pairIndex.get(k)!]!, reviewer) === null) : undefined;
      currentKey = firstOpen ?? visibleKeys[0] ?? null;
    }
    const changedCurrent = currentKey !== s.currentKey;
    set({ pairs, pairIndex, visibleKeys, buckets, currentKey, ...(changedCurrent ? { shownAt: now() } : {}) });
  }

  return {
    runId: null,
    pairs: [],
    pairIndex: new Map(),
    pairsLoading: false,
    pairsError: null,
    filterText: '',
    filter: EMPTY_FILTER,
    sort: 'suite',
    visibleKeys: [],
    buckets: computeBuckets([], null),
    currentKey: null,
    shownAt: 0,

    async openRun(runId) {
      const s = get();
      const sameRun = s.runId === runId;
      set({
        runId,
        view: 'review',
        overlay: s.overlay === 'reviewer' ? 'reviewer' : null,
        pairsLoading: true,
        pairsError: null,
        ...(sameRun
          ? {}
          : {
              pairs: [],
              pairIndex: new Map(),
              visibleKeys: [],
              currentKey: null,
              filterText: '',
              filter: EMPTY_FILTER,
              sort: 'suite',
              drafts: {},
              save: { status: 'idle', pairKey: null, message: null },
              exportState: NO_EXPORT,
            }),
      });
      try {
        const pairs = await api.call('pairs:list', { runId });
        if (get().runId !== runId) return;
        set({ pairsLoading: false });
        applyPairs(pairs, !sameRun);
      } catch (error) {
        if (get().runId !== runId) return;
        set({ pairsLoading: false, pairsError: errorMessage(error) });
      }
    },

    async reloadPairs() {
      if (reloading) {
        reloadDirty = true;
        return;
      }
      reloading = true;
      try {
        do {
          reloadDirty = false;
          const runId = get().runId;
          if (runId === null) return;
          const seq = ctx.mutationSeq;
          let pairs: PairView[];
          try {
            pairs = await api.call('pairs:list', { runId });
          } catch (error) {
            set({ pairsError: errorMessage(error) });
            return;
          }
          if (get().runId !== runId) return;
          // A verdict landed while the list was in flight: the list may predate it, so fetch again.
          if (seq !== ctx.mutationSeq) {
            reloadDirty = true;
            continue;
          }
          set({ pairsError: null });
          applyPairs(pairs, false);
        } while (reloadDirty);
      } finally {
        reloading = false;
      }
    },

    setFilterText(text) {
      const s = get();
      const filter = parseFilter(text, { blind: s.blind });
      const { visibleKeys, buckets } = derive(s.pairs, { ...s, filter });
      const keep = s.currentKey !== null && visibleKeys.includes(s.currentKey);
      const currentKey = keep ? s.currentKey : (visibleKeys[0] ?? s.currentKey);
      set({ filterText: text, filter, visibleKeys, buckets, currentKey, ...(currentKey !== s.currentKey ? { shownAt: now() } : {}) });
    },

    toggleBucket(name) {
      const s = get();
      const bucket = s.buckets.find((b) => b.name === name);
      if (!bucket) return;
      const exclusive = groupTokens(s.buckets, bucket.group);
      // "All" clears its group; any other chip toggles its token and replaces the rest of its group.
      const text =
        bucket.token === ''
          ? tokenize(s.filterText).map((t) => t.raw).filter((t) => !exclusive.includes(t)).join(' ')
          : toggleToken(s.filterText, bucket.token, exclusive);
      get().setFilterText(text);
    },

    setSort(order) {
      const s = get();
      if (order === s.sort) return;
      const { visibleKeys } = derive(s.pairs, { ...s, sort: order });
      set({ sort: order, visibleKeys });
      // A new order is read from the top: the worst pair first is the point of sorting by a score.
      const first = visibleKeys[0];
      if (first !== undefined) get().select(first);
    },

    select(pairKey) {
      const s = get();
      if (!s.pairIndex.has(pairKey)) return;
      if (s.currentKey === pairKey) return;
      set({
        currentKey: pairKey,
        shownAt: now(),
        // The save state names its pair, so it stays visible after moving on ("Saved · poster-001").
        overlay: s.overlay === 'help' || s.overlay === 'reviewer' ? s.overlay : null,
      });
    },

    move(delta) {
      const s = get();
      if (s.visibleKeys.length === 0) return;
      const at = s.currentKey === null ? -1 : s.visibleKeys.indexOf(s.currentKey);
      let target: string | undefined;
      if (at < 0) target = delta > 0 ? s.visibleKeys[0] : s.visibleKeys[s.visibleKeys.length - 1];
      else target = s.visibleKeys[at + delta];
      if (target === undefined) {
        set({ notice: { kind: 'info', text: delta > 0 ? 'Last pair of the list.' : 'First pair of the list.' } });
        return;
      }
      get().select(target);
    },

    selectTurn(delta) {
      const s = get();
      const pair = currentPair(s);
      if (!pair || pair.turns <= 1) return;
      const target = chainOf(s.pairs, pair).find((p) => p.turn === pair.turn + delta);
      if (target) get().select(target.key);
    },
  };
}

/** Replace one pair (a local verdict write or undo) and re-derive the filtered list and buckets. */
export function replacePair(ctx: SliceContext, pair: PairView): void {
  const s = ctx.get();
  const i = s.pairIndex.get(pair.key);
  if (i === undefined) return;
  const pairs = s.pairs.slice();
  pairs[i] = pair;
  ctx.mutationSeq++;
  ctx.set({ pairs, ...derive(pairs, s) });
}

/**
 * A pairs-changed event of the open run reloads the list, unless every pair it names is one of our own recent
 * verdict writes, which already updated the pair locally (a full reload per key press would be waste).
 */
export function handlePairsEvent(ctx: SliceContext, event: Extract<UiEvent, { type: 'pairs-changed' }>): void {
  const s = ctx.get();
  if (event.runId !== s.runId) return;
  const t = ctx.now();
  for (const [k, until] of ctx.ownWrites) if (until < t) ctx.ownWrites.delete(k);
  if (event.pairKeys.length > 0 && event.pairKeys.every((k) => ctx.ownWrites.has(k))) return;
  void s.reloadPairs();
}
