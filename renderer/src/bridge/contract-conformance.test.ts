/**
 * One contract, every transport: the same cases run against the real engine (one CoreApp, one dispatcher)
 * reached through
 *   - in-process   core/testing/in-process-api.ts (tests, tools);
 *   - http         the renderer's HTTP bridge (./http.ts) → core/host/http-host.ts (browser mode);
 *   - electron     the renderer's Electron bridge (./electron.ts) → the preload's bridge → a fake ipcMain
 *                  carrying electron/main/ipc.ts's handler and event forwarding (no Electron binary here;
 *                  payloads are structured-cloned as IPC does).
 * They pin what the UI relies on: error codes, per-chain blind swaps, the events a write emits, de-duplicated
 * tags and the engine's version.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreApp } from '../../../core/app/index.ts';
import type { CoreApp } from '../../../core/app/types.ts';
import { startHttpHost, type HttpHost } from '../../../core/host/http-host.ts';
import { createInProcessApi } from '../../../core/testing/in-process-api.ts';
import { seedRun } from '../../../core/testing/seed-run.ts';
import { TEST_SUITE_DIRS, waitUntil } from '../../../core/testing/test-engine.ts';
import { TOOL_VERSION } from '../../../core/version.ts';
import { EVENT_CHANNEL, type RpcReply } from '../../../electron/ipc-channels.ts';
import { forwardEvents, registerRpcHandler, type IpcMainLike } from '../../../electron/main/ipc.ts';
import type { SenderEventLike } from '../../../electron/main/security.ts';
import { createPreloadApi, type IpcRendererLike } from '../../../electron/preload/bridge.ts';
import type { Channel, PairView, ReviewApi, UiEvent } from '../../../shared/contract.ts';
import { createElectronApi } from './electron.ts';
import { createHttpApi } from './http.ts';

let workspace: string;
let app: CoreApp;
let host: HttpHost;

/** Browser mode's host over the shared engine; the one place a host is constructed here. */
async function startBrowserModeHost(engine: CoreApp): Promise<HttpHost> {
  return startHttpHost({ app: engine, staticDir: join(workspace, 'no-ui-here') });
}

/** fetch carrying this launch's access token on every request (RPC and the event stream), as a script would. */
function fetchWithToken(token: string): (input: string, init?: RequestInit) => Promise<Response> {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
}

/** The Electron path with fakes for the two Electron objects: ipcMain in the main process, ipcRenderer in the preload. */
function electronTransport(engine: CoreApp): { api: ReviewApi; close(): void } {
  const APP_FRAME: SenderEventLike = { sender: { id: 7 }, senderFrame: { url: 'omni://app/index.html', parent: null } };
  let rpc: ((event: SenderEventLike, ...args: unknown[]) => Promise<RpcReply>) | null = null;
  const ipcMain: IpcMainLike = {
    handle: (_channel, listener) => void (rpc = listener),
    removeHandler: () => void (rpc = null),
  };
  const removeHandler = registerRpcHandler(ipcMain, { getDispatcher: () => engine.dispatcher, trusted: { has: (id) => id === 7 } });
  const pageListeners = new Set<(event: unknown, ...args: unknown[]) => void>();
  const window = {
    isDestroyed: () => false,
    getURL: () => 'omni://app/index.html',
    send: (channel: string, ...args: unknown[]) => {
      if (channel !== EVENT_CHANNEL) return;
      const copy = structuredClone(args);
      for (const l of pageListeners) l({}, ...copy);
    },
  };
  const stopForwarding = forwardEvents((l) => engine.subscribe(l), () => [window]);
  const ipcRenderer: IpcRendererLike = {
    async invoke(_channel, ...args) {
      if (!rpc) throw new Error('no handler registered');
      return structuredClone(await rpc(APP_FRAME, ...structuredClone(args)));
    },
    on: (_channel, listener) => pageListeners.add(listener),
    removeListener: (_channel, listener) => pageListeners.delete(listener),
  };
  return {
    api: createElectronApi(createPreloadApi(ipcRenderer)),
    close() {
      stopForwarding();
      removeHandler();
    },
  };
}

const closers: Array<() => void> = [];
const transports: Record<string, () => ReviewApi> = {
  'in-process': () => createInProcessApi(app),
  http: () => createHttpApi({ baseUrl: host.url, fetch: fetchWithToken(host.token) }),
  electron: () => {
    const t = electronTransport(app);
    closers.push(() => t.close());
    return t.api;
  },
};

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'omni-review-conformance-'));
  // A seeded run with many 3-turn chains, for the blind-swap and verdict cases.
  await seedRun(join(workspace, 'runs', 'chains'), { id: 'chains', pairs: 60, chainEvery: 2 });
  // The same suite again with A 2× slower and every 10th A picture changed, for runs:compare.
  await seedRun(join(workspace, 'runs', 'chains-slower'), { id: 'chains-slower', pairs: 60, chainEvery: 2, aTimeScale: 2, aImageChangeEvery: 10 });
  app = await createCoreApp({ workspace, mode: 'memory', simTimeScale: 0.002, suiteDirs: TEST_SUITE_DIRS, eventIntervalMs: 20 });
  host = await startBrowserModeHost(app);
});

afterAll(async () => {
  for (const close of closers) close();
  await host?.close();
  await app?.close();
  await rm(workspace, { recursive: true, force: true });
});

/** The error a call fails with (every bridge throws one carrying the engine's code and message). */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('the call succeeded');
}

/** Subscribe and wait until the stream really delivers (an SSE connection opens asynchronously). */
async function subscribed(api: ReviewApi): Promise<{ events: UiEvent[]; off: () => void }> {
  const events: UiEvent[] = [];
  const off = api.subscribe((e) => events.push(e));
  await app.dispatcher.dispatch('settings:set', { reviewer: 'probe' });
  const pairKey = 'case-0000#t1#r1';
  for (let i = 0; events.length === 0; i++) {
    if (i > 200) throw new Error('the event stream never delivered');
    const v = (await app.dispatcher.dispatch('verdicts:set', { runId: 'chains', pairKey, verdict: 'skip', tags: [], note: '', blind: false, swapped: false, durationMs: 0 })) as { id: string };
    await app.dispatcher.dispatch('verdicts:undo', { runId: 'chains', verdictId: v.id });
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 50));
  events.length = 0;
  return { events, off };
}

describe.each(Object.keys(transports))('contract over %s', (name) => {
  let api: ReviewApi;
  beforeAll(() => {
    api = transports[name]!();
  });

  it("reports the engine's own version and mode", async () => {
    expect(await api.call('app:get-info', {})).toEqual({ version: TOOL_VERSION, workspace, mode: 'memory' });
  });

  it('answers with the same error codes', async () => {
    expect(await failure(api.call('fs:read-file' as Channel, {} as never))).toMatchObject({ code: 'unknown-channel', message: expect.stringContaining('fs:read-file') });
    expect(await failure(api.call('runs:get', { runId: '' }))).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/^runs:get: runId/) });
    expect(await failure(api.call('runs:get', { runId: 'nope' }))).toEqual({ code: 'not-found', message: 'unknown run "nope"; refresh the run list' });
    expect(await failure(api.call('runs:cancel', { runId: 'chains' }))).toEqual({ code: 'conflict', message: 'run chains is not running' });
    expect(await failure(api.call('runs:start', { suite: { source: 'text', text: 'cases: 1', fileName: 'x.yaml' }, A: { target: 'sim', kind: 'vllm-omni' }, B: { target: 'sim', kind: 'diffusers' }, params: {} }))).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/^x\.yaml/) });
    // A verdict without a reviewer name is a bad request (not a conflict), and nothing is stored.
    await api.call('settings:set', { reviewer: '' });
    expect(await failure(api.call('verdicts:set', { runId: 'chains', pairKey: 'case-0000#t1#r1', verdict: 'tie', tags: [], note: '', blind: false, swapped: false, durationMs: 1 }))).toEqual({
      code: 'bad-request',
      message: 'set your reviewer name first (it is stored with every verdict)',
    });
    expect((await api.call('pairs:list', { runId: 'chains' }))[0]!.verdicts).toEqual([]);
  });

  it('compares two runs with the one engine: runs:compare answers the same comparison on every transport', async () => {
    const { comparison, files } = await api.call('runs:compare', { beforeRunId: 'chains', afterRunId: 'chains-slower' });
    expect(comparison.matching.matched).toBe(60);
    expect(comparison.headline).toMatch(/^A got 2\.00× slower end to end/);
    expect(comparison.totals.pictures.A).toEqual({ changed: 6, compared: 60 });
    expect(files.html.endsWith('compare.html')).toBe(true);
    expect(await failure(api.call('runs:compare', { beforeRunId: 'chains', afterRunId: 'chains' }))).toMatchObject({ code: 'bad-request' });
  });

  it('swaps blind sides per chain: every turn of a chain keeps one arrangement', async () => {
    const pairs = await api.call('pairs:list', { runId: 'chains' });
    const chains = new Map<string, PairView[]>();
    for (const p of pairs) chains.set(p.caseId, [...(chains.get(p.caseId) ?? []), p]);
    const multi = [...chains.values()].filter((c) => c.length === 3);
    expect(multi.length).toBeGreaterThanOrEqual(10);
    for (const chain of multi) expect(new Set(chain.map((p) => p.blindSwap)).size, chain[0]!.caseId).toBe(1);
    // …while across chains both arrangements occur.
    expect(new Set(multi.map((c) => c[0]!.blindSwap)).size).toBe(2);
  });

  it('stores tags once and announces a verdict and its undo as pairs-changed of that pair only', async () => {
    const { events, off } = await subscribed(api);
    try {
      await api.call('settings:set', { reviewer: `rev-${name}` });
      const key = 'case-0003#t2#r1';
      const saved = await api.call('verdicts:set', { runId: 'chains', pairKey: key, verdict: 'A_better', tags: ['text.missing', 'artifact.blur', 'text.missing'], note: 'n', blind: true, swapped: true, durationMs: 5 });
      expect(saved).toMatchObject({ pairKey: key, reviewer: `rev-${name}`, verdict: 'A_better', tags: ['text.missing', 'artifact.blur'], blind: true, swapped: true });
      const listed = (await api.call('pairs:list', { runId: 'chains' })).find((p) => p.key === key)!;
      expect(listed.verdicts.find((v) => v.id === saved.id)?.tags).toEqual(['text.missing', 'artifact.blur']);
      await api.call('verdicts:undo', { runId: 'chains', verdictId: saved.id });
      expect(await failure(api.call('verdicts:undo', { runId: 'chains', verdictId: saved.id }))).toMatchObject({ code: 'not-found' });
      await waitUntil(() => events.length >= 2, 'two events');
      await new Promise((r) => setTimeout(r, 50));
      expect(events).toEqual([
        { type: 'pairs-changed', runId: 'chains', pairKeys: [key] },
        { type: 'pairs-changed', runId: 'chains', pairKeys: [key] },
      ]);
    } finally {
      off();
    }
  });

  it('runs a suite on the simulators and announces it: run-updated until complete, pairs-changed for its pairs', async () => {
    const { events, off } = await subscribed(api);
    try {
      const started = await api.call('runs:start', {
        suite: { source: 'path', path: 'fixtures/suites/testdata/tiny.yaml' },
        A: { target: 'sim', kind: 'vllm-omni' },
        B: { target: 'sim', kind: 'diffusers' },
        params: {},
      });
      expect(started).toMatchObject({ suiteName: 'tiny', state: 'starting', pairs: 2 });
      const mine = () => events.filter((e) => (e.type === 'run-updated' ? e.run.id : e.type === 'pairs-changed' ? e.runId : null) === started.id);
      const last = () => mine().filter((e) => e.type === 'run-updated').at(-1);
      await waitUntil(() => {
        const e = last();
        return e?.type === 'run-updated' && e.run.state === 'complete';
        // Bounded, not a budget: the run reads its outputs' text with OCR (issue 11), seconds per image on a busy 2-core machine.
      }, 'the run to complete', 180_000);
      const changed = new Set(mine().flatMap((e) => (e.type === 'pairs-changed' ? e.pairKeys : [])));
      expect([...changed].sort()).toEqual(['tiny-edit#t1#r1', 'tiny-gen#t1#r1']);
      expect(mine().every((e) => e.type === 'pairs-changed' || e.type === 'run-updated')).toBe(true);
      const done = await api.call('runs:get', { runId: started.id });
      expect(done).toMatchObject({ state: 'complete', progress: { A: { total: 2, ok: 2 }, B: { total: 2, ok: 2 }, compare: { total: 2, done: 2 } } });
      // A single-turn run: every pair is its own chain.
      const pairs = await api.call('pairs:list', { runId: started.id });
      expect(pairs.map((p) => [p.key, p.A.status, p.B.status, p.diff !== null])).toEqual([
        ['tiny-edit#t1#r1', 'ok', 'ok', true],
        ['tiny-gen#t1#r1', 'ok', 'ok', true],
      ]);
    } finally {
      off();
    }
  });
});
