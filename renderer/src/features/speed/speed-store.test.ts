import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../../../../core/testing/test-engine.ts';
import { createSpeedStore } from './speed-store.ts';

// The Speed screen's store over the real engine (in-process transport): the contract's sweeps:* channels.
const engines: TestEngine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function setup() {
  const engine = await startTestEngine();
  engines.push(engine);
  const store = createSpeedStore(engine.api);
  await store.getState().init();
  return { engine, store };
}

describe('speed store', () => {
  it('lists sweeps and specs on a fresh workspace: none open, nothing failed', async () => {
    const { engine, store } = await setup();
    const s = store.getState();
    expect(s).toMatchObject({ loaded: true, sweeps: [], selectedId: null, result: null, error: null });
    expect(engine.calls.map((c) => c.channel)).toEqual(expect.arrayContaining(['sweeps:list', 'sweeps:specs']));
    store.getState().dispose();
  });

  it('says why a sweep did not start or a folder did not open, in the engine\'s words', async () => {
    const { store } = await setup();
    expect(await store.getState().start({ spec: '', A: { target: 'sim', kind: 'vllm-omni' }, B: { target: 'sim', kind: 'diffusers' }, sides: ['A', 'B'] })).toBe(false);
    expect(store.getState().startError).toBe('Pick a sweep spec first.');
    expect(await store.getState().start({ spec: 'fixtures/sweeps/no-such.yaml', A: { target: 'sim', kind: 'vllm-omni' }, B: { target: 'sim', kind: 'diffusers' }, sides: ['A', 'B'] })).toBe(false);
    expect(store.getState().startError).toMatch(/^Sweep not started: \S/);
    expect(store.getState().starting).toBe(false);
    expect(await store.getState().openFolder('  ')).toBe(false);
    expect(store.getState().openError).toMatch(/Type the folder/);
    expect(await store.getState().openFolder('/nonexistent/sweep')).toBe(false);
    expect(store.getState().openError).toMatch(/^Could not open \/nonexistent\/sweep: \S/);
  });

  it('shows a list failure in place', async () => {
    const engine = await startTestEngine();
    engines.push(engine);
    engine.failNext('sweeps:list', { code: 'failed', message: 'workspace is not readable' });
    const store = createSpeedStore(engine.api);
    await store.getState().init();
    expect(store.getState()).toMatchObject({ loaded: true, error: 'Could not list sweeps: workspace is not readable' });
  });
});
