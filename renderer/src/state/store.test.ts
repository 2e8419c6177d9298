import { describe, expect, it } from 'vitest';
import type { PairView } from '../../../shared/contract.ts';
import { createMemoryApi, type MemoryApi } from '../bridge/memory.ts';
import { latestVerdict } from '../lib/pair-utils.ts';
import { createReviewStore, currentPair, draftFor, draftIsUnsaved, neighbourPairs, type ReviewStore } from './store.ts';

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

interface Setup {
  api: MemoryApi;
  store: ReviewStore;
  clock: { t: number };
}

async function setup(options: { reviewer?: string; pairs?: number; blindByDefault?: boolean; reviewedFraction?: number } = {}): Promise<Setup> {
  const clock = { t: 1_000_000 };
  const api = createMemoryApi({
    runs: [{ id: 'r1', pairs: options.pairs ?? 40, seed: 4, reviewedFraction: options.reviewedFraction ?? 0, priorReviewer: 'ana' }],
    settings: { reviewer: options.reviewer ?? 'ana', blindByDefault: options.blindByDefault ?? false },
    now: () => clock.t,
  });
  const store = createReviewStore({ api, now: () => clock.t });
  await store.getState().boot();
  await store.getState().openRun('r1');
  return { api, store, clock };
}

function pairAt(store: ReviewStore, key: string): PairView {
  const s = store.getState();
  return s.pairs[s.pairIndex.get(key)!]!;
}

describe('boot', () => {
  it('loads info, settings, runs and suites, and asks for a reviewer name on first run', async () => {
    const api = createMemoryApi({ runs: [{ id: 'r1', pairs: 3 }] });
    const store = createReviewStore({ api });
    await store.getState().boot();
    const s = store.getState();
    expect(s.ready).toBe(true);
    expect(s.info?.mode).toBe('memory');
    expect(s.runs.map((r) => r.id)).toEqual(['r1']);
    expect(s.suites.length).toBeGreaterThan(0);
    expect(s.overlay).toBe('reviewer');
    // Escape cannot dismiss the prompt while no name is set.
    s.handleAction('escape');
    expect(store.getState().overlay).toBe('reviewer');
    expect(await s.saveSettings({ reviewer: 'ana' })).toBe(true);
    expect(store.getState().overlay).toBeNull();
    expect((await api.call('settings:get', {})).reviewer).toBe('ana');
  });

  it('shows a boot error a person can act on', async () => {
    const api = createMemoryApi({ runs: [] });
    api.failNext('runs:list', { code: 'failed', message: 'workspace /x is not readable' });
    const store = createReviewStore({ api });
    await store.getState().boot();
    expect(store.getState()).toMatchObject({ ready: false, bootError: 'workspace /x is not readable' });
  });

  it('starts blind when the setting says so', async () => {
    const { store } = await setup({ blindByDefault: true });
    expect(store.getState().blind).toBe(true);
  });
});

describe('navigation and filter', () => {
  it('opens a run on its first unreviewed pair and moves with j/k within the visible list', async () => {
    const { store } = await setup({ reviewedFraction: 0.5 });
    const s = store.getState();
    const first = currentPair(s)!;
    expect(latestVerdict(first, 'ana')).toBeNull();
    const at = s.visibleKeys.indexOf(first.key);
    s.handleAction('next');
    expect(store.getState().currentKey).toBe(s.visibleKeys[at + 1]);
    s.handleAction('prev');
    s.handleAction('prev');
    expect(store.getState().currentKey).toBe(s.visibleKeys[Math.max(0, at - 1)]);
  });

  it('stops at the ends with a notice instead of wrapping', async () => {
    const { store } = await setup({ pairs: 3 });
    const s = store.getState();
    s.select(s.visibleKeys[2]!);
    s.move(1);
    expect(store.getState().currentKey).toBe(s.visibleKeys[2]);
    expect(store.getState().notice?.text).toMatch(/Last pair/);
  });

  it('filters the list, reports bad tokens, and keeps the current pair when it still matches', async () => {
    const { store } = await setup({ pairs: 120 });
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
    const { store } = await setup({ pairs: 60, reviewedFraction: 0.5 });
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
    s.setFilterText('is:unreviewed');
    expect(store.getState().visibleKeys).toHaveLength(unreviewed.count);
  });

  it('moves between the turns of a multi-turn chain with [ and ]', async () => {
    const { store } = await setup({ pairs: 120 });
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
    const { store } = await setup({ pairs: 20 });
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

describe('verdicts', () => {
  it('saves a verdict with time on pair, advances, and undo brings it back with its tags', async () => {
    const { api, store, clock } = await setup();
    const s = store.getState();
    const first = s.currentKey!;
    clock.t += 4321;
    s.handleAction('tags');
    expect(store.getState().overlay).toBe('tags');
    s.toggleTag('text.missing');
    s.setNote('the second line is gone');
    s.setOverlay(null);
    expect(draftIsUnsaved(store.getState(), pairAt(store, first))).toBe(true);
    await s.judge('left');
    let st = store.getState();
    expect(st.save).toEqual({ status: 'saved', pairKey: first, message: null });
    expect(st.currentKey).toBe(st.visibleKeys[st.visibleKeys.indexOf(first) + 1]);
    const saved = latestVerdict(pairAt(store, first), 'ana')!;
    expect(saved).toMatchObject({ verdict: 'A_better', tags: ['text.missing'], note: 'the second line is gone', durationMs: 4321, blind: false, swapped: false });
    // Durable: the engine has it.
    const engine = (await api.call('pairs:list', { runId: 'r1' })).find((p) => p.key === first)!;
    expect(engine.verdicts.map((v) => v.id)).toEqual([saved.id]);
    expect(draftIsUnsaved(store.getState(), pairAt(store, first))).toBe(false);

    st.handleAction('undo');
    await flush();
    st = store.getState();
    expect(st.currentKey).toBe(first);
    expect(pairAt(store, first).verdicts).toEqual([]);
    expect((await api.call('pairs:list', { runId: 'r1' })).find((p) => p.key === first)!.verdicts).toEqual([]);
    expect(draftFor(st, pairAt(store, first))).toEqual({ tags: ['text.missing'], note: 'the second line is gone' });
    expect(st.notice?.text).toMatch(/Undid "A better"/);
  });

  it('measures durationMs from when the pair was shown', async () => {
    const { store, clock } = await setup();
    const s = store.getState();
    clock.t += 10_000;
    s.move(1); // shown now
    clock.t += 2500;
    const key = store.getState().currentKey!;
    await s.judge('tie');
    expect(latestVerdict(pairAt(store, key), 'ana')!.durationMs).toBe(2500);
  });

  it('maps blind verdicts to the backend actually shown on that side and stores blind/swapped', async () => {
    const { store } = await setup({ pairs: 60 });
    const s = store.getState();
    s.handleAction('blind');
    expect(store.getState().blind).toBe(true);
    const swappedPair = s.pairs.find((p) => p.blindSwap && p.A.status === 'ok')!;
    const straightPair = s.pairs.find((p) => !p.blindSwap && p.A.status === 'ok')!;
    s.select(swappedPair.key);
    await s.judge('left');
    expect(latestVerdict(pairAt(store, swappedPair.key), 'ana')).toMatchObject({ verdict: 'B_better', blind: true, swapped: true });
    s.select(straightPair.key);
    await s.judge('left');
    expect(latestVerdict(pairAt(store, straightPair.key), 'ana')).toMatchObject({ verdict: 'A_better', blind: true, swapped: false });
    s.handleAction('blind');
    s.select(swappedPair.key);
    await s.judge('right');
    expect(latestVerdict(pairAt(store, swappedPair.key), 'ana')).toMatchObject({ verdict: 'B_better', blind: false, swapped: false });
  });

  it('keeps the pair and shows the error when the save fails', async () => {
    const { api, store } = await setup();
    const s = store.getState();
    const key = s.currentKey!;
    api.failNext('verdicts:set', { code: 'failed', message: 'database is locked' });
    await s.judge('right');
    const st = store.getState();
    expect(st.currentKey).toBe(key);
    expect(st.save).toEqual({ status: 'error', pairKey: key, message: 'Not saved: database is locked' });
    expect(pairAt(store, key).verdicts).toEqual([]);
    await st.judge('right');
    expect(store.getState().save.status).toBe('saved');
  });

  it('ignores a second verdict key on the same pair while the first is saving', async () => {
    const { api, store } = await setup();
    const s = store.getState();
    const key = s.currentKey!;
    const first = s.judge('left');
    const second = s.judge('right');
    await Promise.all([first, second]);
    expect(api.calls.filter((c) => c.channel === 'verdicts:set')).toHaveLength(1);
    expect(pairAt(store, key).verdicts).toHaveLength(1);
  });

  it('asks for a reviewer name instead of saving without one', async () => {
    const { api, store } = await setup({ reviewer: '' });
    const s = store.getState();
    s.setOverlay(null);
    await s.judge('tie');
    expect(store.getState().overlay).toBe('reviewer');
    expect(api.calls.some((c) => c.channel === 'verdicts:set')).toBe(false);
  });

  it('undoes the reviewer\'s newest verdict from an earlier session when this one has none', async () => {
    const { store } = await setup({ reviewedFraction: 0.5 });
    const s = store.getState();
    let newest: { key: string; createdAt: string } | null = null;
    for (const p of s.pairs) for (const v of p.verdicts) if (!newest || v.createdAt > newest.createdAt) newest = { key: p.key, createdAt: v.createdAt };
    await s.undo();
    expect(store.getState().currentKey).toBe(newest!.key);
    expect(pairAt(store, newest!.key).verdicts).toEqual([]);
  });

  it('amends tags of an already judged pair without moving on', async () => {
    const { store } = await setup();
    const s = store.getState();
    const key = s.currentKey!;
    await s.judge('both_bad');
    s.select(key);
    s.toggleTag('artifact.blur');
    await s.amend();
    expect(store.getState().currentKey).toBe(key);
    const verdicts = pairAt(store, key).verdicts;
    expect(verdicts).toHaveLength(2);
    expect(latestVerdict(pairAt(store, key), 'ana')).toMatchObject({ verdict: 'both_bad', tags: ['artifact.blur'] });
  });
});

describe('events and runs', () => {
  it('follows a running run: run-updated events update the list, pairs-changed reloads the pairs', async () => {
    const pending: Array<() => void> = [];
    const api = createMemoryApi({
      runs: [],
      settings: { reviewer: 'ana' },
      scheduler: (fn) => {
        pending.push(fn);
        return () => void pending.splice(pending.indexOf(fn), 1);
      },
    });
    const store = createReviewStore({ api });
    await store.getState().boot();
    const run = await store.getState().startRun({
      suite: { source: 'path', path: 'fixtures/suites/demo.yaml' },
      A: { target: 'sim', kind: 'vllm-omni', faults: '', concurrency: 4 },
      B: { target: 'sim', kind: 'diffusers', faults: '', concurrency: 4 },
      params: { repeats: 1 },
    });
    expect(run).not.toBeNull();
    expect(store.getState().runs[0]!.id).toBe(run!.id);
    await store.getState().openRun(run!.id);
    expect(store.getState().pairs.every((p) => p.A.status === 'pending')).toBe(true);
    for (let i = 0; i < 3; i++) api.step();
    await flush();
    await flush();
    const s = store.getState();
    expect(s.runs.find((r) => r.id === run!.id)!.progress.A.done).toBeGreaterThan(0);
    expect(s.pairs.some((p) => p.A.status === 'ok')).toBe(true);
    await s.cancelRun(run!.id);
    expect(store.getState().runs.find((r) => r.id === run!.id)!.state).toBe('cancelled');
    await s.resumeRun(run!.id);
    expect(store.getState().runs.find((r) => r.id === run!.id)!.state).toBe('running');
    api.close();
  });

  it('reports start errors and opens folders', async () => {
    const api = createMemoryApi({ runs: [], settings: { reviewer: 'ana' }, openable: { '/d/run': { id: 'ext', pairs: 4 } } });
    const store = createReviewStore({ api });
    await store.getState().boot();
    const bad = await store.getState().startRun({
      suite: { source: 'path', path: 'missing.yaml' },
      A: { target: 'sim', kind: 'vllm-omni' },
      B: { target: 'sim', kind: 'diffusers' },
      params: {},
    });
    expect(bad).toBeNull();
    expect(store.getState().startState).toMatchObject({ status: 'error', message: expect.stringMatching(/missing\.yaml not found/) });
    expect(await store.getState().openRunFolder('/d/nothing')).toBeNull();
    expect(store.getState().openState.message).toMatch(/run\.json/);
    const opened = await store.getState().openRunFolder('/d/run');
    expect(opened?.id).toBe('ext');
    expect(store.getState().runs.map((r) => r.id)).toContain('ext');
  });

  it('checks a dropped suite file and keeps its text for starting', async () => {
    const { store } = await setup();
    await store.getState().checkSuite('name: mine\ncases:\n  - id: a\n    category: edit\n', 'mine.yaml');
    expect(store.getState().suiteCheck).toMatchObject({ status: 'ok', suite: { name: 'mine', cases: 1 } });
    await store.getState().checkSuite('cases: 1', 'bad.yaml');
    expect(store.getState().suiteCheck).toMatchObject({ status: 'error', error: expect.stringMatching(/^bad\.yaml: name/) });
  });

  it('exports and gives a link to the file', async () => {
    const { store } = await setup();
    await store.getState().exportRun('html');
    expect(store.getState().exportState).toMatchObject({ status: 'done', format: 'html', file: 'report.html', path: expect.stringMatching(/report\.html$/), url: expect.stringMatching(/^blob:/) });
  });

  it('does not reload the whole list for its own verdict writes, but does for others', async () => {
    const { api, store } = await setup();
    const s = store.getState();
    const key = s.currentKey!;
    await s.judge('tie');
    const before = api.calls.filter((c) => c.channel === 'pairs:list').length;
    api.emit({ type: 'pairs-changed', runId: 'r1', pairKeys: [key] });
    await flush();
    expect(api.calls.filter((c) => c.channel === 'pairs:list').length).toBe(before);
    api.emit({ type: 'pairs-changed', runId: 'r1', pairKeys: [s.visibleKeys[5]!] });
    await flush();
    await flush();
    expect(api.calls.filter((c) => c.channel === 'pairs:list').length).toBe(before + 1);
    // The local verdict survived the reload.
    expect(latestVerdict(pairAt(store, key), 'ana')?.verdict).toBe('tie');
  });
});

describe('keys outside the review screen', () => {
  it('opens help anywhere and ignores review keys elsewhere', async () => {
    const api = createMemoryApi({ runs: [{ id: 'r1', pairs: 3 }], settings: { reviewer: 'ana' } });
    const store = createReviewStore({ api });
    await store.getState().boot();
    const s = store.getState();
    s.handleAction('next');
    expect(store.getState().currentKey).toBeNull();
    s.handleAction('help');
    expect(store.getState().overlay).toBe('help');
    s.handleAction('verdict-a');
    s.handleAction('help');
    expect(store.getState().overlay).toBeNull();
  });
});
