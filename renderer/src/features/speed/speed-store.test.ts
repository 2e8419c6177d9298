import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestEngine, waitUntil, type TestEngine } from '../../../../core/testing/test-engine.ts';
import { resultRows, teamRows } from './speed-model.ts';
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

  it('starts a sweep from a listed spec, follows it to the end through sweep-updated, and shows its tables', async () => {
    const engine = await startTestEngine();
    engines.push(engine);
    mkdirSync(join(engine.workspace, 'sweep-specs'));
    const spec = 'name: tiny\naxes:\n  batch: [1, 2]\n  concurrency: [1, 2]\nrequests: 2\nwarmup: 0\nsize: 256x256\nsteps: 4\n';
    writeFileSync(join(engine.workspace, 'sweep-specs', 'tiny.yaml'), spec);
    const store = createSpeedStore(engine.api);
    await store.getState().init();
    const entry = store.getState().specs.find((x) => x.name === 'tiny');
    expect(entry).toMatchObject({ points: 4 });
    expect(await store.getState().start({ spec: entry!.path, A: { target: 'sim', kind: 'vllm-omni' }, B: { target: 'sim', kind: 'diffusers' }, sides: ['A', 'B'] })).toBe(true);
    const id = store.getState().selectedId!;
    expect(store.getState().sweeps[0]?.id).toBe(id);
    // The store re-reads the open sweep on its events: wait for the figures of the finished sweep, not a timer.
    await waitUntil(() => store.getState().result?.summary.state === 'complete' && !store.getState().loadingResult, 'the sweep to complete on screen', 120_000);
    const result = store.getState().result!;
    expect(store.getState().sweeps.find((x) => x.id === id)?.state).toBe('complete');
    expect(teamRows(result).map((r) => r.label)).toEqual(['1×64 c1 (n=2)', '1×64 c2 (n=2)', '2×64 c1 (n=2)', '2×64 c2 (n=2)']);
    expect(resultRows(result).filter((r) => r.cells.ok === '2')).toHaveLength(8);
    expect(store.getState().selectedPointId).toBe('b1-p64-c1-rinf');
    store.getState().dispose();
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
