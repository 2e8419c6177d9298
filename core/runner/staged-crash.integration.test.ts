/**
 * Issue 10, the staged state under a real kill -9: a child Node runs a run (fake backends in the child) and is
 * killed with SIGKILL at the moment it would make its first staged image durable (the first fsync of
 * syncFileForRecord), i.e. after a backend's output was received, written and recorded as staged, before its
 * check. A resume in this process must confirm what was staged from its file and send none of it again.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { jobId, type Side, type Suite } from '../../shared/model.ts';
import type { BackendAdapter, ImageRequest, ImageResponse } from '../backends/types.ts';
import type { CompareOutput, ComparePool } from '../compare/types.ts';
import { planJobs } from '../engine/plan.ts';
import { openRunStore } from '../store/run-store.ts';
import { backendConfig, sampleRunConfig, solidPng, tempDir } from '../store/testing.ts';
import { runJobs } from './scheduler.ts';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

/** The child: opens the run, patches the fsync of staged images to kill itself, and runs it with fake backends. */
const CHILD = `
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const realOpen = fs.open;
fs.open = (file, flags, ...rest) => {
  // syncFileForRecord opens the staged image 'r+' to fsync it: die there, as kill -9 would.
  if (flags === 'r+' && String(file).includes('/images/')) process.kill(process.pid, 'SIGKILL');
  return realOpen(file, flags, ...rest);
};
syncBuiltinESMExports();
const [, runDir, storeModule, schedulerModule, testingModule] = process.argv;
const { openRunStore } = await import(storeModule);
const { runJobs } = await import(schedulerModule);
const { solidPng } = await import(testingModule);
const store = await openRunStore(runDir);
const adapter = (side) => ({
  kind: side === 'A' ? 'vllm-omni' : 'diffusers',
  baseUrl: 'http://127.0.0.1:9',
  connect: async () => ({ model: 'm', generation: 'current', editPath: '/e', generatePath: '/g', notes: [] }),
  send: async (request) => ({
    image: await solidPng(16, 16, [side === 'A' ? 200 : 20, request.prompt.length * 7, 99]),
    mime: 'image/png', stages: {}, e2eMs: 3, peakMemoryMb: null, endpoint: 'POST /v1/images/generations',
  }),
});
const pool = { compare: async () => { throw new Error('not reached'); }, close: async () => {} };
await runJobs({ store, adapters: { A: adapter('A'), B: adapter('B') }, compare: pool });
process.exit(3); // not reached: the first fsync of a staged image kills the process
`;

function runChild(args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    const child = execFile(process.execPath, ['--input-type=module', '-e', CHILD, ...args], () => {});
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

class CountingAdapter implements BackendAdapter {
  readonly kind;
  readonly baseUrl = 'http://127.0.0.1:9';
  readonly prompts: string[] = [];
  readonly side: Side;
  constructor(side: Side) {
    this.side = side;
    this.kind = side === 'A' ? ('vllm-omni' as const) : ('diffusers' as const);
  }
  async connect() {
    return { model: 'm', generation: 'current' as const, editPath: '/e', generatePath: '/g', notes: [] };
  }
  async send(request: ImageRequest): Promise<ImageResponse> {
    this.prompts.push(request.prompt);
    return { image: await solidPng(16, 16, [1, request.prompt.length, this.side === 'A' ? 2 : 3]), mime: 'image/png', stages: {}, e2eMs: 1, peakMemoryMb: null, endpoint: 'POST /v1/images/generations' };
  }
}

class StubPool implements ComparePool {
  async compare(): Promise<CompareOutput> {
    const heatmapPng = await solidPng(16, 16, [255, 0, 0]);
    const diff = { pixels: 0, ratio: 0, heatmapPng, bounds: null, width: 16, height: 16, sizeMismatch: null };
    return { ab: { ...diff, ssim: 1, psnr: Infinity, identical: true }, vsSource: { A: null, B: null }, threshold: 0.1, metricsSize: 256 };
  }
  async close(): Promise<void> {}
}

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('staged-crash'));
});
afterEach(async () => cleanup());

it('a run killed with kill -9 after an output was staged, before its check, resumes without sending it again', async () => {
  const suite: Suite = {
    name: 's',
    defaults: {},
    cases: ['one', 'three'].map((id) => ({
      id,
      category: 'generation' as const,
      inputs: [],
      turns: [{ prompt: `a sign that says ${id}`, expectedText: [] }],
      params: { size: '16x16' },
      tags: [],
    })),
  };
  const config = sampleRunConfig({
    suite,
    backends: { A: backendConfig('A', { concurrency: 1 }), B: backendConfig('B', { concurrency: 1 }) },
  });
  const dir = path.join(root, 'run');
  const created = await openRunStore(dir, { create: config });
  created.addJobs(planJobs(config.suite, config.params, () => null));
  created.close();

  const exit = await runChild([dir, here('../store/run-store.ts'), here('./scheduler.ts'), here('../store/testing.ts')]);
  expect(exit.signal, exit.stderr).toBe('SIGKILL');

  const store = await openRunStore(dir);
  try {
    const staged = store.stagedResults();
    // At least the output whose fsync killed the child was staged; nothing is ok yet.
    expect(staged.length).toBeGreaterThanOrEqual(1);
    expect(store.results()).toEqual([]);
    expect(store.jobs().every((j) => j.status === 'pending')).toBe(true);

    const adapters = { A: new CountingAdapter('A'), B: new CountingAdapter('B') };
    const outcome = await runJobs({ store, adapters, compare: new StubPool() });
    expect(outcome.status).toBe('complete');
    expect(outcome.counts.sides.A).toMatchObject({ total: 2, ok: 2 });
    expect(outcome.counts.sides.B).toMatchObject({ total: 2, ok: 2 });
    // Staged outputs were checked from their files and kept as received; only the others were sent.
    for (const r of staged) expect(store.results().find((x) => x.jobId === r.jobId)).toEqual(r);
    const sent = [...adapters.A.prompts.map((p) => `A ${p}`), ...adapters.B.prompts.map((p) => `B ${p}`)];
    expect(sent).toHaveLength(4 - staged.length);
    for (const r of staged) expect(sent).not.toContain(`${r.side} a sign that says ${r.caseId}`);
    expect(store.stagedResults()).toEqual([]);
    expect(store.results().map((r) => r.jobId).sort()).toEqual(
      ['one', 'three'].flatMap((c) => [jobId(c, 'A', 1, 1), jobId(c, 'B', 1, 1)]).sort(),
    );
  } finally {
    store.close();
  }
});
