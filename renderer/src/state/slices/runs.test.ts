import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { seedRun } from '../../../../core/testing/seed-run.ts';
import { startTestEngine, waitUntil, type TestEngine } from '../../../../core/testing/test-engine.ts';
import { createReviewStore } from '../store.ts';

// The run list and run actions over the real engine: a real simulator run, seeded folders, real reports.
const engines: TestEngine[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function boot(options: Parameters<typeof startTestEngine>[0] = {}) {
  const engine = await startTestEngine({ settings: { reviewer: 'ana' }, ...options });
  engines.push(engine);
  const store = createReviewStore({ api: engine.api });
  await store.getState().boot();
  return { engine, store };
}

describe('runs', () => {
  it('follows a running simulator run: run-updated events update the list, pairs-changed reloads the pairs; cancel and resume', async () => {
    // Slow enough simulators that the run is still going when it is cancelled.
    const { store } = await boot({ simTimeScale: 0.05 });
    const run = await store.getState().startRun({
      suite: { source: 'path', path: 'fixtures/suites/smoke.yaml' },
      A: { target: 'sim', kind: 'vllm-omni', faults: '', concurrency: 1 },
      B: { target: 'sim', kind: 'diffusers', faults: '', concurrency: 1 },
      params: { repeats: 1, size: '256x256' },
    });
    expect(run).not.toBeNull();
    expect(store.getState().runs[0]!.id).toBe(run!.id);
    expect(store.getState().notice?.text).toBe(`Started run ${run!.id} (smoke).`);
    await store.getState().openRun(run!.id);
    expect(store.getState().pairs).toHaveLength(5);
    await waitUntil(() => store.getState().pairs.some((p) => p.A.status === 'ok'), 'a first result to reach the list');
    const s = store.getState();
    expect(s.runs.find((r) => r.id === run!.id)!.progress.A.done).toBeGreaterThan(0);
    await s.cancelRun(run!.id);
    expect(store.getState().runs.find((r) => r.id === run!.id)).toMatchObject({ state: 'cancelled' });
    expect(store.getState().busyRuns).toEqual([]);
    await s.resumeRun(run!.id);
    expect(['starting', 'running']).toContain(store.getState().runs.find((r) => r.id === run!.id)!.state);
    // Resuming a running run is refused by the engine, and the notice names the action.
    await s.resumeRun(run!.id);
    expect(store.getState().notice).toEqual({ kind: 'error', text: `Resume failed: run ${run!.id} is already running` });
  });

  it('reports start errors and opens folders', async () => {
    const { store } = await boot();
    const bad = await store.getState().startRun({
      suite: { source: 'path', path: 'missing.yaml' },
      A: { target: 'sim', kind: 'vllm-omni' },
      B: { target: 'sim', kind: 'diffusers' },
      params: {},
    });
    expect(bad).toBeNull();
    expect(store.getState().startState).toMatchObject({ status: 'error', message: expect.stringMatching(/suite "missing\.yaml" is not in the suite list/) });
    expect(await store.getState().openRunFolder('/d/nothing')).toBeNull();
    expect(store.getState().openState.message).toMatch(/not a run folder \(no run\.sqlite inside\)/);
    const elsewhere = await mkdtemp(join(tmpdir(), 'omni-review-ext-'));
    dirs.push(elsewhere);
    await seedRun(join(elsewhere, 'run'), { id: 'ext', pairs: 4 });
    const opened = await store.getState().openRunFolder(join(elsewhere, 'run'));
    expect(opened).toMatchObject({ id: 'ext', pairs: 4, state: 'complete' });
    expect(store.getState().runs.map((r) => r.id)).toContain('ext');
    expect(store.getState().openState).toEqual({ status: 'idle', message: null });
  });

  it('checks a dropped suite file and keeps its text for starting', async () => {
    const { store } = await boot();
    await store.getState().checkSuite('name: mine\ncases:\n  - id: a\n    category: generation\n    prompt: A poster that reads "HI".\n', 'mine.yaml');
    expect(store.getState().suiteCheck).toMatchObject({ status: 'ok', text: expect.stringContaining('name: mine'), suite: { name: 'mine', cases: 1 } });
    await store.getState().checkSuite('cases: 1', 'bad.yaml');
    expect(store.getState().suiteCheck).toMatchObject({ status: 'error', error: expect.stringMatching(/^bad\.yaml/) });
    store.getState().clearSuiteCheck();
    expect(store.getState().suiteCheck.status).toBe('idle');
  });

  it('exports and gives a link to the file', async () => {
    const { engine, store } = await boot({ runs: [{ id: 'r1', pairs: 4 }] });
    await store.getState().openRun('r1');
    await store.getState().exportRun('csv');
    const state = store.getState().exportState;
    expect(state).toMatchObject({ status: 'done', format: 'csv', file: 'report.csv', path: join(engine.workspace, 'runs', 'r1', 'report.csv') });
    expect(fileURLToPath(state.url!)).toBe(state.path);
  });
});
