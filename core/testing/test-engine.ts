/**
 * The real engine on a throw-away workspace, reached through the in-process transport, for tests of code that
 * talks to a ReviewApi (the renderer's store, the contract conformance suite). Runs are seeded through the run
 * store (./seed-run.ts) or started for real on the embedded simulators (`runs:start` with `target: 'sim'`).
 *
 * Two test-only additions sit on the transport, never in the engine: a log of the calls made, and `failNext`,
 * which makes the next call of a channel fail with a given error body before it reaches the engine (how a test
 * stands in for a locked database or a dead host).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Channel, RequestOf, ResponseOf, ReviewApi, RpcErrorBody, Settings } from '../../shared/contract.ts';
import { createCoreApp } from '../app/index.ts';
import type { CoreApp } from '../app/types.ts';
import { InProcessCallError, createInProcessApi } from './in-process-api.ts';
import { seedRun, type SeedRunOptions } from './seed-run.ts';

/** The repository's suites: the bundled ones and the small test suites (fixtures/suites/testdata). */
export const TEST_SUITE_DIRS = [fileURLToPath(new URL('../../fixtures/suites/', import.meta.url)), fileURLToPath(new URL('../../fixtures/suites/testdata/', import.meta.url))];

export interface RecordedCall {
  channel: Channel;
  request: unknown;
}

export interface TestEngine {
  app: CoreApp;
  /** The in-process transport with the call log and failure injection below. */
  api: ReviewApi;
  workspace: string;
  calls: RecordedCall[];
  failNext(channel: Channel, body: RpcErrorBody): void;
  /** Seed another finished run into the workspace (listed on the next runs:list). */
  seed(options: SeedRunOptions): Promise<string>;
  close(): Promise<void>;
}

export interface TestEngineOptions {
  runs?: SeedRunOptions[];
  settings?: Partial<Settings>;
  /** Simulator speed for runs started through the engine (default 0.002: a 256² job in tens of ms). */
  simTimeScale?: number;
  /** Minimum ms between two run-updated events of one run (default 20). */
  eventIntervalMs?: number;
}

export async function startTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  const workspace = await mkdtemp(join(tmpdir(), 'omni-review-engine-'));
  // The workspace layout every host uses: run folders under <workspace>/runs/<run id>.
  const seed = (run: SeedRunOptions) => seedRun(join(workspace, 'runs', run.id), run);
  for (const run of options.runs ?? []) await seed(run);
  const app = await createCoreApp({
    workspace,
    mode: 'memory',
    simTimeScale: options.simTimeScale ?? 0.002,
    suiteDirs: TEST_SUITE_DIRS,
    eventIntervalMs: options.eventIntervalMs ?? 20,
  });
  if (options.settings) await app.dispatcher.dispatch('settings:set', options.settings);
  const inner = createInProcessApi(app);
  const calls: RecordedCall[] = [];
  const failures = new Map<Channel, RpcErrorBody>();
  const api: ReviewApi = {
    ...inner,
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      calls.push({ channel, request });
      const failure = failures.get(channel);
      if (failure) {
        failures.delete(channel);
        throw new InProcessCallError(failure, channel);
      }
      return inner.call(channel, request);
    },
  };
  let closed = false;
  return {
    app,
    api,
    workspace,
    calls,
    failNext: (channel, body) => void failures.set(channel, body),
    seed,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await rm(workspace, { recursive: true, force: true });
    },
  };
}

/** Bounded polling for a condition an event will bring about; fails with `what` when it does not happen. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
