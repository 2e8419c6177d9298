import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../../../core/testing/test-engine.ts';
import type { SeedRunOptions } from '../../../../core/testing/seed-run.ts';
import type { Settings } from '../../../../shared/contract.ts';
import { createReviewStore } from '../store.ts';

// The shell and key dispatch, over the real engine (in-process transport, seeded run folders).
const engines: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function boot(runs: SeedRunOptions[], settings?: Partial<Settings>) {
  const engine = await startTestEngine({ runs, ...(settings ? { settings } : {}) });
  engines.push(engine);
  const store = createReviewStore({ api: engine.api });
  await store.getState().boot();
  return { engine, store };
}

describe('boot', () => {
  it('loads info, settings, runs and suites, and asks for a reviewer name on first run', async () => {
    const { engine, store } = await boot([{ id: 'r1', pairs: 3 }]);
    const s = store.getState();
    expect(s.ready).toBe(true);
    expect(s.info).toMatchObject({ mode: 'memory', workspace: engine.workspace });
    expect(s.runs.map((r) => r.id)).toEqual(['r1']);
    expect(s.suites.map((x) => x.name)).toEqual(expect.arrayContaining(['demo', 'smoke', 'tiny']));
    expect(s.overlay).toBe('reviewer');
    // Escape cannot dismiss the prompt while no name is set.
    s.handleAction('escape');
    expect(store.getState().overlay).toBe('reviewer');
    expect(await s.saveSettings({ reviewer: '  ana ' })).toBe(true);
    expect(store.getState().overlay).toBeNull();
    // The engine trims and keeps it.
    expect(store.getState().settings.reviewer).toBe('ana');
    expect((await engine.api.call('settings:get', {})).reviewer).toBe('ana');
  });

  it('shows a boot error a person can act on', async () => {
    const engine = await startTestEngine();
    engines.push(engine);
    engine.failNext('runs:list', { code: 'failed', message: 'workspace /x is not readable' });
    const store = createReviewStore({ api: engine.api });
    await store.getState().boot();
    expect(store.getState()).toMatchObject({ ready: false, bootError: 'workspace /x is not readable' });
  });

  it('starts blind when the setting says so', async () => {
    const { store } = await boot([{ id: 'r1', pairs: 3 }], { reviewer: 'ana', blindByDefault: true });
    expect(store.getState().blind).toBe(true);
  });

  it('shows a setting at once and keeps what the engine answers', async () => {
    const { engine, store } = await boot([], { reviewer: 'ana' });
    const saved = store.getState().saveSettings({ ocr: false });
    // Before the engine has answered: a checkbox bound to it must already show the click.
    expect(store.getState().settings.ocr).toBe(false);
    expect(await saved).toBe(true);
    expect(store.getState().settings.ocr).toBe(false);
    expect((await engine.api.call('settings:get', {})).ocr).toBe(false);
  });

  it('says why settings were not saved', async () => {
    const { store } = await boot([], { reviewer: 'ana' });
    expect(await store.getState().saveSettings({ reviewer: 'x'.repeat(81) })).toBe(false);
    expect(store.getState().notice).toMatchObject({ kind: 'error', text: expect.stringMatching(/^Settings not saved: settings:set: reviewer/) });
    expect(store.getState().settings.reviewer).toBe('ana');
  });
});

describe('key dispatch', () => {
  it('opens help anywhere and ignores review keys elsewhere', async () => {
    const { store } = await boot([{ id: 'r1', pairs: 3 }], { reviewer: 'ana' });
    const s = store.getState();
    s.handleAction('next');
    expect(store.getState().currentKey).toBeNull();
    s.handleAction('help');
    expect(store.getState().overlay).toBe('help');
    s.handleAction('verdict-a');
    s.handleAction('help');
    expect(store.getState().overlay).toBeNull();
  });

  it('routes review keys to the slice that owns them', async () => {
    const { store } = await boot([{ id: 'r1', pairs: 6 }], { reviewer: 'ana' });
    await store.getState().openRun('r1');
    const s = store.getState();
    const first = s.currentKey;
    s.handleAction('next');
    expect(store.getState().currentKey).toBe(s.visibleKeys[s.visibleKeys.indexOf(first!) + 1]);
    s.handleAction('view-diff');
    expect(store.getState().mode).toBe('diff');
    s.handleAction('zoom-in');
    s.handleAction('fit');
    expect(store.getState().zoomCommand).toEqual({ kind: 'fit', seq: 2 });
    s.handleAction('filter');
    expect(store.getState().focusFilterSeq).toBe(1);
    s.handleAction('blind');
    expect(store.getState().blind).toBe(true);
    s.handleAction('tags');
    expect(store.getState().overlay).toBe('tags');
    s.handleAction('escape');
    expect(store.getState().overlay).toBeNull();
    s.handleAction('note');
    expect(store.getState().overlay).toBe('note');
  });

  it('keeps the reviewer prompt when switching screens', async () => {
    const { store } = await boot([{ id: 'r1', pairs: 3 }]);
    store.getState().setView('review');
    expect(store.getState()).toMatchObject({ view: 'review', overlay: 'reviewer' });
    store.getState().handleAction('help');
    expect(store.getState().overlay).toBe('reviewer');
  });
});
