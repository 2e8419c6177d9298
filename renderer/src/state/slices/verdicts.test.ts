import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, waitUntil, type TestEngine } from '../../../../core/testing/test-engine.ts';
import type { PairView } from '../../../../shared/contract.ts';
import { latestVerdict } from '../../lib/pair-utils.ts';
import { draftFor, draftIsUnsaved } from '../selectors.ts';
import { createReviewStore } from '../store.ts';
import type { ReviewStore } from '../types.ts';

// Judging, drafts, amend and undo, each write checked against what the real engine then holds.
const engines: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function open(options: { reviewer?: string; pairs?: number; reviewedFraction?: number; misreadEvery?: number } = {}) {
  const clock = { t: 1_000_000 };
  const engine = await startTestEngine({
    runs: [{ id: 'r1', pairs: options.pairs ?? 40, reviewedFraction: options.reviewedFraction ?? 0, priorReviewer: 'ana', misreadEvery: options.misreadEvery ?? 0 }],
    settings: { reviewer: options.reviewer ?? 'ana' },
  });
  engines.push(engine);
  const store = createReviewStore({ api: engine.api, now: () => clock.t });
  await store.getState().boot();
  await store.getState().openRun('r1');
  return { engine, store, clock };
}

function pairAt(store: ReviewStore, key: string): PairView {
  const s = store.getState();
  return s.pairs[s.pairIndex.get(key)!]!;
}

async function enginePair(engine: TestEngine, key: string): Promise<PairView> {
  return (await engine.api.call('pairs:list', { runId: 'r1' })).find((p) => p.key === key)!;
}

describe('verdicts', () => {
  it('saves a verdict with time on pair, advances, and undo brings it back with its tags', async () => {
    const { engine, store, clock } = await open();
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
    expect((await enginePair(engine, first)).verdicts).toEqual([saved]);
    expect(draftIsUnsaved(store.getState(), pairAt(store, first))).toBe(false);

    st.handleAction('undo');
    await flush();
    st = store.getState();
    expect(st.currentKey).toBe(first);
    expect(pairAt(store, first).verdicts).toEqual([]);
    expect((await enginePair(engine, first)).verdicts).toEqual([]);
    expect(draftFor(st, pairAt(store, first))).toEqual({ tags: ['text.missing'], note: 'the second line is gone', sideTags: { A: [], B: [] }, dismissed: { A: [], B: [] } });
    expect(st.notice?.text).toMatch(/Undid "A better"/);
    expect(st.undoStack).toEqual([]);
  });

  it('stores a tag once however often it was added', async () => {
    const { engine, store } = await open();
    const key = store.getState().currentKey!;
    // A draft built elsewhere (e.g. restored) may repeat a tag; the engine de-duplicates.
    store.setState({ drafts: { [key]: { tags: ['text.missing', 'text.missing', 'artifact.blur'], note: '', sideTags: { A: ['text.extra', 'text.extra'], B: [] }, dismissed: { A: [], B: [] } } } });
    await store.getState().judge('tie');
    expect(latestVerdict(pairAt(store, key), 'ana')!.tags).toEqual(['text.missing', 'artifact.blur']);
    expect((await enginePair(engine, key)).verdicts[0]!.tags).toEqual(['text.missing', 'artifact.blur']);
    expect((await enginePair(engine, key)).verdicts[0]!.sideTags).toEqual({ A: ['text.extra'], B: [] });
  });

  it('measures durationMs from when the pair was shown', async () => {
    const { store, clock } = await open();
    const s = store.getState();
    clock.t += 10_000;
    s.move(1); // shown now
    clock.t += 2500;
    const key = store.getState().currentKey!;
    await s.judge('tie');
    expect(latestVerdict(pairAt(store, key), 'ana')!.durationMs).toBe(2500);
  });

  it('maps blind verdicts to the backend actually shown on that side and stores blind/swapped', async () => {
    const { engine, store } = await open({ pairs: 30 });
    const s = store.getState();
    s.handleAction('blind');
    expect(store.getState().blind).toBe(true);
    const swappedPair = s.pairs.find((p) => p.blindSwap && p.A.status === 'ok')!;
    const straightPair = s.pairs.find((p) => !p.blindSwap && p.A.status === 'ok')!;
    s.select(swappedPair.key);
    await s.judge('left');
    expect(latestVerdict(pairAt(store, swappedPair.key), 'ana')).toMatchObject({ verdict: 'B_better', blind: true, swapped: true });
    expect((await enginePair(engine, swappedPair.key)).verdicts.at(-1)).toMatchObject({ verdict: 'B_better', blind: true, swapped: true });
    s.select(straightPair.key);
    await s.judge('left');
    expect(latestVerdict(pairAt(store, straightPair.key), 'ana')).toMatchObject({ verdict: 'A_better', blind: true, swapped: false });
    s.handleAction('blind');
    s.select(swappedPair.key);
    await s.judge('right');
    expect(latestVerdict(pairAt(store, swappedPair.key), 'ana')).toMatchObject({ verdict: 'B_better', blind: false, swapped: false });
  });

  it('keeps the pair and shows the error when the save fails', async () => {
    const { engine, store } = await open();
    const s = store.getState();
    const key = s.currentKey!;
    engine.failNext('verdicts:set', { code: 'failed', message: 'database is locked' });
    await s.judge('right');
    const st = store.getState();
    expect(st.currentKey).toBe(key);
    expect(st.save).toEqual({ status: 'error', pairKey: key, message: 'Not saved: database is locked' });
    expect(pairAt(store, key).verdicts).toEqual([]);
    expect((await enginePair(engine, key)).verdicts).toEqual([]);
    await st.judge('right');
    expect(store.getState().save.status).toBe('saved');
  });

  it('ignores a second verdict key on the same pair while the first is saving', async () => {
    const { engine, store } = await open();
    const s = store.getState();
    const key = s.currentKey!;
    const first = s.judge('left');
    const second = s.judge('right');
    await Promise.all([first, second]);
    expect(engine.calls.filter((c) => c.channel === 'verdicts:set')).toHaveLength(1);
    expect(pairAt(store, key).verdicts).toHaveLength(1);
    expect((await enginePair(engine, key)).verdicts).toHaveLength(1);
  });

  it('asks for a reviewer name instead of saving without one', async () => {
    const { engine, store } = await open({ reviewer: '' });
    const s = store.getState();
    s.setOverlay(null);
    await s.judge('tie');
    expect(store.getState().overlay).toBe('reviewer');
    expect(engine.calls.some((c) => c.channel === 'verdicts:set')).toBe(false);
  });

  it("undoes the reviewer's newest verdict from an earlier session when this one has none", async () => {
    const { engine, store } = await open({ reviewedFraction: 0.5 });
    const s = store.getState();
    let newest: { key: string; createdAt: string } | null = null;
    for (const p of s.pairs) for (const v of p.verdicts) if (!newest || v.createdAt > newest.createdAt) newest = { key: p.key, createdAt: v.createdAt };
    expect(newest).not.toBeNull();
    await s.undo();
    expect(store.getState().currentKey).toBe(newest!.key);
    expect(pairAt(store, newest!.key).verdicts).toEqual([]);
    expect((await enginePair(engine, newest!.key)).verdicts).toEqual([]);
  });

  it('says so when there is nothing to undo, and when the engine refuses', async () => {
    const { engine, store } = await open();
    await store.getState().undo();
    expect(store.getState().notice).toEqual({ kind: 'info', text: 'Nothing to undo.' });
    await store.getState().judge('tie');
    engine.failNext('verdicts:undo', { code: 'not-found', message: 'no verdict x in run r1' });
    await store.getState().undo();
    expect(store.getState().notice).toEqual({ kind: 'error', text: 'Undo failed: no verdict x in run r1' });
    expect(store.getState().undoStack).toHaveLength(1);
  });

  it('amends tags of an already judged pair without moving on', async () => {
    const { store } = await open();
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

  it('accepts a text suggestion on the side that has it with one key, stores it, and undo takes it back', async () => {
    const { engine, store } = await open({ pairs: 12, misreadEvery: 3 });
    const s = store.getState();
    s.setFilterText('ocr:a.fail');
    const failing = store.getState().visibleKeys;
    expect(failing.length).toBe(3); // single-turn cases 2, 5 and 8
    const key = failing[0]!;
    s.select(key);
    expect(pairAt(store, key).A.text?.suggestedTags).toEqual(['text.misspelled']);
    expect(pairAt(store, key).B.text?.pass).toBe(true);

    s.handleAction('suggest-accept');
    await waitUntil(() => latestVerdict(pairAt(store, key), 'ana') !== null, 'the accepted suggestion to be stored');
    let saved = latestVerdict(pairAt(store, key), 'ana')!;
    expect(saved).toMatchObject({ verdict: 'skip', sideTags: { A: ['text.misspelled'], B: [] }, tags: [] });
    expect((await enginePair(engine, key)).verdicts.at(-1)?.sideTags).toEqual({ A: ['text.misspelled'], B: [] });
    expect(store.getState().currentKey).toBe(key); // stays on the pair

    // A verdict afterwards keeps the accepted tag and replaces the placeholder skip.
    await s.judge('right');
    saved = latestVerdict(pairAt(store, key), 'ana')!;
    expect(saved).toMatchObject({ verdict: 'B_better', sideTags: { A: ['text.misspelled'], B: [] } });

    // Undo the verdict, then the acceptance: the pair is back to no verdict and no tag.
    s.handleAction('undo');
    await waitUntil(() => pairAt(store, key).verdicts.length === 1, 'the verdict to be undone');
    s.handleAction('undo');
    await waitUntil(() => pairAt(store, key).verdicts.length === 0, 'the acceptance to be undone');
    expect((await enginePair(engine, key)).verdicts).toEqual([]);
    expect(draftFor(store.getState(), pairAt(store, key)).sideTags).toEqual({ A: [], B: [] });
  });

  it('rejects a suggestion with x, and in blind mode finds it on whichever side A is drawn', async () => {
    const { store } = await open({ pairs: 12, misreadEvery: 3 });
    const s = store.getState();
    s.handleAction('blind');
    const swapped = store.getState().pairs.find((p) => p.blindSwap && p.A.text?.pass === false);
    const target = swapped ?? store.getState().pairs.find((p) => p.A.text?.pass === false)!;
    s.select(target.key);
    s.handleAction('suggest-reject');
    await waitUntil(() => latestVerdict(pairAt(store, target.key), 'ana') !== null, 'the rejection to be stored');
    const saved = latestVerdict(pairAt(store, target.key), 'ana')!;
    expect(saved).toMatchObject({ dismissed: { A: ['text.misspelled'], B: [] }, sideTags: { A: [], B: [] }, blind: true });
    expect(store.getState().notice?.text).toMatch(swapped ? /on Right/ : /on Left/);
    expect(store.getState().notice?.text).not.toMatch(/\bA\b/);
    // Nothing left to decide on this pair.
    s.handleAction('suggest-accept');
    expect(store.getState().notice?.text).toMatch(/No open text suggestion/);
  });
});
