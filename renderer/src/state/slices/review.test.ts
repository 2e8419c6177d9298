import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, waitUntil, type TestEngine } from '../../../../core/testing/test-engine.ts';
import type { PairView } from '../../../../shared/contract.ts';
import { latestVerdict } from '../../lib/pair-utils.ts';
import { sortScore } from '../../lib/sort.ts';
import { currentPair, neighbourPairs } from '../selectors.ts';
import { createReviewStore } from '../store.ts';
import type { ReviewStore } from '../types.ts';

// The open run's list, filter, buckets and navigation, over the real engine's pairs:list.
const engines: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function open(options: { pairs?: number; reviewedFraction?: number; errorEvery?: number; misreadEvery?: number } = {}) {
  const engine = await startTestEngine({
    runs: [
      {
        id: 'r1',
        pairs: options.pairs ?? 40,
        reviewedFraction: options.reviewedFraction ?? 0,
        priorReviewer: 'ana',
        errorEvery: options.errorEvery ?? 0,
        misreadEvery: options.misreadEvery ?? 0,
      },
    ],
    settings: { reviewer: 'ana' },
  });
  engines.push(engine);
  const store = createReviewStore({ api: engine.api });
  await store.getState().boot();
  await store.getState().openRun('r1');
  return { engine, store };
}

function pairAt(store: ReviewStore, key: string): PairView {
  const s = store.getState();
  return s.pairs[s.pairIndex.get(key)!]!;
}

describe('navigation and filter', () => {
  it('opens a run on its first unreviewed pair and moves with j/k within the visible list', async () => {
    const { store } = await open({ reviewedFraction: 0.5 });
    const s = store.getState();
    expect(s).toMatchObject({ view: 'review', runId: 'r1', pairsLoading: false, pairsError: null });
    const first = currentPair(s)!;
    expect(latestVerdict(first, 'ana')).toBeNull();
    expect(latestVerdict(pairAt(store, s.visibleKeys[0]!), 'ana')).not.toBeNull();
    const at = s.visibleKeys.indexOf(first.key);
    s.handleAction('next');
    expect(store.getState().currentKey).toBe(s.visibleKeys[at + 1]);
    s.handleAction('prev');
    s.handleAction('prev');
    expect(store.getState().currentKey).toBe(s.visibleKeys[Math.max(0, at - 1)]);
  });

  it('says what went wrong when a run cannot be listed', async () => {
    const { store } = await open();
    await store.getState().openRun('no-such-run');
    expect(store.getState()).toMatchObject({ runId: 'no-such-run', pairsLoading: false, pairsError: 'unknown run "no-such-run"; refresh the run list' });
  });

  it('stops at the ends with a notice instead of wrapping', async () => {
    const { store } = await open({ pairs: 3 });
    const s = store.getState();
    s.select(s.visibleKeys[2]!);
    s.move(1);
    expect(store.getState().currentKey).toBe(s.visibleKeys[2]);
    expect(store.getState().notice?.text).toMatch(/Last pair/);
  });

  it('filters the list, reports bad tokens, and keeps the current pair when it still matches', async () => {
    const { store } = await open({ pairs: 60 });
    const s = store.getState();
    s.setFilterText('cat:text-rendering v:bogus');
    let st = store.getState();
    expect(st.filter.errors.map((e) => e.token)).toEqual(['v:bogus']);
    expect(st.visibleKeys.length).toBeGreaterThan(0);
    expect(st.visibleKeys.every((k) => pairAt(store, k).category === 'text-rendering')).toBe(true);
    expect(st.visibleKeys).toContain(st.currentKey);
    const current = st.currentKey;
    st.setFilterText('cat:text-rendering');
    expect(store.getState().currentKey).toBe(current);
    st.setFilterText('cat:style');
    st = store.getState();
    expect(pairAt(store, st.currentKey!).category).toBe('style-transfer');
  });

  it('toggles bucket chips as filter tokens, one per group', async () => {
    const { store } = await open({ pairs: 60, reviewedFraction: 0.5, errorEvery: 7 });
    const s = store.getState();
    s.setFilterText('poster');
    s.toggleBucket('unreviewed');
    expect(store.getState().filterText).toBe('poster is:unreviewed');
    s.toggleBucket('errors');
    expect(store.getState().filterText).toBe('poster status:error');
    s.toggleBucket('v-tie');
    expect(store.getState().filterText).toBe('poster status:error v:tie');
    s.toggleBucket('v-tie');
    expect(store.getState().filterText).toBe('poster status:error');
    s.toggleBucket('all');
    expect(store.getState().filterText).toBe('poster');
    const unreviewed = store.getState().buckets.find((b) => b.name === 'unreviewed')!;
    expect(unreviewed.count).toBeGreaterThan(0);
    s.setFilterText('is:unreviewed');
    expect(store.getState().visibleKeys).toHaveLength(unreviewed.count);
    const errors = store.getState().buckets.find((b) => b.name === 'errors')!;
    expect(errors.count).toBeGreaterThan(0);
    s.setFilterText('status:error');
    expect(store.getState().visibleKeys).toHaveLength(errors.count);
  });

  it('moves between the turns of a multi-turn chain with [ and ]', async () => {
    const { store } = await open({ pairs: 20 });
    const s = store.getState();
    const chainStart = s.pairs.find((p) => p.turns === 3 && p.turn === 1)!;
    s.select(chainStart.key);
    s.handleAction('turn-next');
    expect(pairAt(store, store.getState().currentKey!)).toMatchObject({ caseId: chainStart.caseId, turn: 2 });
    s.handleAction('turn-next');
    s.handleAction('turn-next');
    expect(pairAt(store, store.getState().currentKey!).turn).toBe(3);
    s.handleAction('turn-prev');
    expect(pairAt(store, store.getState().currentKey!).turn).toBe(2);
  });

  it('picks the next pairs and the previous one for preloading', async () => {
    const { store } = await open({ pairs: 20 });
    const s = store.getState();
    s.select(s.visibleKeys[3]!);
    const near = neighbourPairs(store.getState(), 2);
    // The next two in list order and the previous one; never the current pair or anything further away.
    expect(near.next.map((p) => p.key)).toEqual([s.visibleKeys[4]!, s.visibleKeys[5]!]);
    expect(near.previous?.key).toBe(s.visibleKeys[2]!);
    // At the top of the list there is no previous pair.
    s.select(s.visibleKeys[0]!);
    expect(neighbourPairs(store.getState(), 2)).toMatchObject({ previous: null, next: [{ key: s.visibleKeys[1]! }, { key: s.visibleKeys[2]! }] });
  });
});

describe('sort', () => {
  it('re-orders the filtered list, goes to its first pair, and j/k walk the sorted order', async () => {
    const { store } = await open({ pairs: 40, misreadEvery: 3 });
    const s = store.getState();
    s.setFilterText('ocr:read');
    const filtered = store.getState().visibleKeys;
    s.setSort('text-error');
    const st = store.getState();
    expect(st.sort).toBe('text-error');
    expect([...st.visibleKeys].sort()).toEqual([...filtered].sort());
    expect(st.visibleKeys).not.toEqual(filtered);
    const worst = Math.max(...filtered.map((k) => sortScore(pairAt(store, k), 'text-error')!));
    expect(sortScore(pairAt(store, st.visibleKeys[0]!), 'text-error')).toBe(worst);
    expect(st.currentKey).toBe(st.visibleKeys[0]);
    st.handleAction('next');
    st.handleAction('next');
    expect(store.getState().currentKey).toBe(st.visibleKeys[2]);
    st.handleAction('prev');
    expect(store.getState().currentKey).toBe(st.visibleKeys[1]);
    // The preloader's neighbours follow the same order.
    expect(neighbourPairs(store.getState(), 1).next.map((p) => p.key)).toEqual([st.visibleKeys[2]]);
    // Changing the filter keeps the sort.
    s.setFilterText('ocr:fail');
    const failing = store.getState().visibleKeys;
    expect(failing.length).toBeGreaterThan(1);
    for (let i = 1; i < failing.length; i++) {
      expect(sortScore(pairAt(store, failing[i - 1]!), 'text-error')!).toBeGreaterThanOrEqual(sortScore(pairAt(store, failing[i]!), 'text-error')!);
    }
  });

  it('cycles with S, saying which order is on, and keeps it through a verdict and a reload', async () => {
    const { store } = await open({ pairs: 30, misreadEvery: 3 });
    const s = store.getState();
    s.handleAction('sort');
    expect(store.getState()).toMatchObject({ sort: 'text-error', notice: { kind: 'info', text: 'Sorted: Text error (worst CER first).' } });
    s.handleAction('sort');
    expect(store.getState().sort).toBe('diff');
    const order = store.getState().visibleKeys;
    // Seeded diffs grow with the pair index, so most changed pixels first is (about) the suite order reversed.
    expect(sortScore(pairAt(store, order[0]!), 'diff')!).toBeGreaterThan(sortScore(pairAt(store, order.at(-1)!), 'diff')!);
    await s.judge('tie');
    expect(store.getState().visibleKeys).toEqual(order);
    await s.reloadPairs();
    expect(store.getState().visibleKeys).toEqual(order);
    s.handleAction('sort');
    s.handleAction('sort');
    expect(store.getState().sort).toBe('suite');
    expect(store.getState().visibleKeys).toEqual(store.getState().pairs.map((p) => p.key));
  });

  it('starts another run in suite order, like the filter', async () => {
    const { engine, store } = await open({ pairs: 10 });
    await engine.seed({ id: 'r2', pairs: 10 });
    await store.getState().refreshRuns();
    store.getState().setSort('latency');
    await store.getState().openRun('r1');
    expect(store.getState().sort).toBe('latency');
    await store.getState().openRun('r2');
    expect(store.getState()).toMatchObject({ sort: 'suite', filterText: '' });
  });
});

describe('engine events', () => {
  it('does not reload the whole list for its own verdict writes, but does for another reviewer\'s', async () => {
    const { engine, store } = await open();
    const s = store.getState();
    const key = s.currentKey!;
    const lists = () => engine.calls.filter((c) => c.channel === 'pairs:list').length;
    await s.judge('tie');
    await flush();
    // The engine announced our write (pairs-changed for this key); the store kept its local copy.
    const before = lists();
    expect(before).toBe(1);
    // Someone else (another window, the same engine) judges another pair: that is news, so the list reloads.
    const other = s.visibleKeys[5]!;
    const list = store.getState().pairs;
    await engine.app.dispatcher.dispatch('verdicts:set', { runId: 'r1', pairKey: other, verdict: 'B_better', tags: [], note: 'from elsewhere', blind: false, swapped: false, durationMs: 10 });
    await waitUntil(() => store.getState().pairs !== list, 'the list to reload');
    expect(lists()).toBe(before + 1);
    expect(latestVerdict(pairAt(store, other), 'ana')).toMatchObject({ verdict: 'B_better', note: 'from elsewhere' });
    // The local verdict survived the reload.
    expect(latestVerdict(pairAt(store, key), 'ana')?.verdict).toBe('tie');
  });
});
