import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as delay } from 'node:timers/promises';
import { jobId, pairKey, type BackendKind, type JobResult, type RunConfig, type ServerInfo, type Side, type Suite } from '../../shared/model.ts';
import { BackendError, type BackendAdapter, type ImageRequest, type ImageResponse, type SendOptions } from '../backends/types.ts';
import { createComparePool } from '../compare/pool.ts';
import type { CompareOutput, ComparePool, CompareTask } from '../compare/types.ts';
import { reportFromStore } from '../engine/report-from-store.ts';
import { heatmapPaths, imagePaths } from '../reports/html-parts.ts';
import { THUMBNAIL_CACHE_DIR, ThumbnailCache, thumbnailSpecOf } from '../reports/thumbnails.ts';
import { writeReports } from '../reports/write.ts';
import { imageIdOf, openRunStore } from '../store/run-store.ts';
import { backendConfig, sampleRunConfig, solidPng, tempDir } from '../store/testing.ts';
import type { RunStore } from '../store/types.ts';
import { planJobs } from '../engine/plan.ts';
import { connectBackends } from './connect.ts';
import type { RunEvent } from './events.ts';
import { runJobs } from './scheduler.ts';

// ---------------------------------------------------------------------------------------------------------
// Fakes
// ---------------------------------------------------------------------------------------------------------

interface Call {
  request: ImageRequest;
  signal: AbortSignal;
  /** Call number on this adapter, 1-based. */
  n: number;
}

type Behaviour = (call: Call) => Promise<ImageResponse>;

/** A deterministic output: its colour depends on the side, the prompt and the input bytes. */
async function outputFor(side: Side, request: ImageRequest): Promise<ImageResponse> {
  const h = createHash('sha256').update(side).update(request.prompt);
  for (const image of request.images) h.update(image.bytes);
  const d = h.digest();
  const image = await solidPng(16, 16, [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0]);
  return {
    image,
    mime: 'image/png',
    stages: { denoise: 3, vae_decode: 1 },
    e2eMs: 5,
    serverStageDurations: { 'QwenImageEditPipeline.diffuse': 0.003 },
    peakMemoryMb: 1234,
    endpoint: request.images.length ? 'POST /v1/images/edits' : 'POST /v1/images/generations',
  };
}

class FakeAdapter implements BackendAdapter {
  readonly kind: BackendKind;
  readonly baseUrl = 'http://127.0.0.1:9';
  readonly side: Side;
  readonly calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  behaviour: Behaviour;

  constructor(side: Side, behaviour?: Behaviour) {
    this.side = side;
    this.kind = side === 'A' ? 'vllm-omni' : 'diffusers';
    this.behaviour = behaviour ?? (async (call) => {
      await delay(2, undefined, { signal: call.signal });
      return outputFor(side, call.request);
    });
  }

  async connect(): Promise<ServerInfo> {
    return { model: `model-${this.side}`, generation: this.side === 'A' ? 'current' : 'baseline', editPath: '/v1/images/edits', generatePath: '/v1/images/generations', notes: [] };
  }

  async send(request: ImageRequest, options: SendOptions): Promise<ImageResponse> {
    const call = { request, signal: options.signal, n: this.calls.length + 1 };
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.behaviour(call);
    } finally {
      this.inFlight--;
    }
  }
}

function adapters(a?: Behaviour, b?: Behaviour): Record<Side, FakeAdapter> {
  return { A: new FakeAdapter('A', a), B: new FakeAdapter('B', b) };
}

class FakePool implements ComparePool {
  readonly tasks: CompareTask[] = [];
  fail: (task: CompareTask) => boolean = () => false;
  private heatmap: Uint8Array | undefined;

  async compare(task: CompareTask): Promise<CompareOutput> {
    this.tasks.push(task);
    if (this.fail(task)) throw new Error('worker crashed');
    this.heatmap ??= await solidPng(16, 16, [255, 0, 255]);
    const diff = { pixels: 10, ratio: 10 / 256, heatmapPng: this.heatmap, bounds: { x: 1, y: 1, width: 4, height: 4 }, width: 16, height: 16, sizeMismatch: null };
    return {
      ab: { ...diff, ssim: 0.9, psnr: Infinity, identical: false },
      vsSource: { A: task.sourceA ? { ...diff, heatmapPng: null, sourceResizedFrom: '32x24' } : null, B: task.sourceB ? diff : null },
      threshold: 0.1,
      metricsSize: 256,
    };
  }

  async close(): Promise<void> {}
}

// ---------------------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------------------

let root: string;
let cleanup: () => Promise<void>;
let inputBytes: Uint8Array;
const open: RunStore[] = [];

beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('runner'));
  inputBytes ??= await solidPng(32, 24, [10, 200, 30]);
});
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await cleanup();
});

function suite(inputId: string, which: ('edit' | 'chain' | 'gen')[] = ['edit', 'chain', 'gen']): Suite {
  const cases: Suite['cases'] = [];
  if (which.includes('edit')) {
    cases.push({ id: 'edit', category: 'edit', inputs: [inputId], turns: [{ prompt: 'make it blue', expectedText: [] }], params: {}, tags: [] });
  }
  if (which.includes('chain')) {
    cases.push({
      id: 'chain',
      category: 'multi-turn',
      inputs: [inputId],
      turns: [
        { prompt: 'add a hat', expectedText: [] },
        { prompt: 'add a scarf', expectedText: [] },
        { prompt: 'make it night', expectedText: [] },
      ],
      params: {},
      tags: [],
    });
  }
  if (which.includes('gen')) {
    cases.push({ id: 'gen', category: 'generation', inputs: [], turns: [{ prompt: 'a cat', expectedText: [] }], params: { size: '512x512' }, tags: [] });
  }
  return { name: 's', defaults: { steps: 4 }, cases };
}

interface SetupOptions {
  cases?: ('edit' | 'chain' | 'gen')[];
  repeats?: number;
  retries?: number;
  concurrency?: Partial<Record<Side, number>>;
  timeoutMs?: number;
  putInputs?: boolean;
}

async function setup(options: SetupOptions = {}): Promise<RunStore> {
  const inputId = imageIdOf(inputBytes);
  const config: RunConfig = sampleRunConfig({
    suite: suite(inputId, options.cases),
    backends: {
      A: backendConfig('A', { concurrency: options.concurrency?.A ?? 2, timeoutMs: options.timeoutMs ?? 10_000 }),
      B: backendConfig('B', { concurrency: options.concurrency?.B ?? 2, timeoutMs: options.timeoutMs ?? 10_000 }),
    },
    params: { overrides: {}, repeats: options.repeats ?? 1, retries: options.retries ?? 0 },
  });
  const store = await openRunStore(path.join(root, 'run'), { create: config });
  open.push(store);
  if (options.putInputs !== false) await store.putImage(inputBytes);
  store.addJobs(planJobs(config.suite, config.params, () => ({ width: 32, height: 24 })));
  return store;
}

async function reopen(store: RunStore): Promise<RunStore> {
  store.close();
  open.splice(open.indexOf(store), 1);
  const again = await openRunStore(store.dir);
  open.push(again);
  return again;
}

const fastBackoff = { baseMs: 1, maxMs: 4 };

function resultOf(store: RunStore, id: string): JobResult {
  const r = store.results().find((x) => x.jobId === id);
  if (!r) throw new Error(`no result for ${id}`);
  return r;
}

async function imageBytes(store: RunStore, id: string | undefined): Promise<Uint8Array> {
  if (!id) throw new Error('no image id');
  return new Uint8Array(await readFile(store.imagePath(id)));
}

// ---------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------

describe('runJobs', () => {
  it('compares pairs with the same images once: repeats with identical outputs reuse the comparison, also after a resume', async () => {
    const store = await setup({ cases: ['edit'], repeats: 3 });
    const pool = new FakePool();
    const outcome = await runJobs({ store, adapters: adapters(), compare: pool, backoff: fastBackoff });
    expect(outcome.counts.comparisons).toEqual({ saved: 3, failed: 0, missing: 0 });
    // The fake backends answer the same prompt and input with the same bytes: one comparison's work for 3 pairs.
    expect(pool.tasks).toHaveLength(1);
    const saved = store.comparisons();
    expect(new Set(saved.map((c) => c.pairKey)).size).toBe(3);
    expect(new Set(saved.map((c) => c.ab.heatmapId)).size).toBe(1);

    // A resume whose missing comparison has the same images as a saved one does no pixel work at all.
    const db = new DatabaseSync(path.join(store.dir, 'run.sqlite'));
    db.prepare('DELETE FROM comparisons WHERE pair_key = ?').run(saved[0]!.pairKey);
    db.close();
    const again = await reopen(store);
    const pool2 = new FakePool();
    const resumed = await runJobs({ store: again, adapters: adapters(), compare: pool2, backoff: fastBackoff });
    expect(resumed.counts.comparisons).toEqual({ saved: 3, failed: 0, missing: 0 });
    expect(pool2.tasks).toHaveLength(0);
  });

  it('runs every job, saves results with timings, compares every pair, and reports progress', async () => {
    const store = await setup({ repeats: 2 });
    const fakes = adapters();
    const pool = new FakePool();
    const events: RunEvent[] = [];
    const outcome = await runJobs({ store, adapters: fakes, compare: pool, onEvent: (e) => events.push(e), backoff: fastBackoff });

    expect(outcome.status).toBe('complete');
    const total = (1 + 3 + 1) * 2; // turns per side × repeats
    expect(outcome.counts.sides.A).toEqual({ total, ok: total, error: 0, skipped: 0, pending: 0 });
    expect(outcome.counts.sides.B).toEqual({ total, ok: total, error: 0, skipped: 0, pending: 0 });
    expect(outcome.counts.comparisons).toEqual({ saved: total, failed: 0, missing: 0 });
    expect(store.jobs().every((j) => j.status === 'ok' && j.attempts === 1)).toBe(true);
    expect(fakes.A.calls).toHaveLength(total);
    expect(fakes.B.calls).toHaveLength(total);

    const r = resultOf(store, jobId('edit', 'A', 1, 1));
    expect(r).toMatchObject({ status: 'ok', width: 16, height: 16, requestedSize: '1184x896', peakMemoryMb: 1234, endpoint: 'POST /v1/images/edits', attempts: 1 });
    expect(r.timings.e2eMs).toBe(5);
    expect(r.timings.stages).toMatchObject({ denoise: 3, vae_decode: 1 });
    expect(r.timings.clientWaitMs).toBeGreaterThanOrEqual(0);
    // Our own slot wait is not backend latency: the fake server reported no queue, so there is none.
    expect(r.timings.stages).not.toHaveProperty('queue');
    expect(r.timings.serverStageDurations).toEqual({ 'QwenImageEditPipeline.diffuse': 0.003 });

    // Requests carry the planned parameters.
    const genCall = fakes.B.calls.find((c) => c.request.prompt === 'a cat');
    expect(genCall?.request).toMatchObject({ seed: 42, steps: 4, size: '512x512', images: [] });

    // Comparisons: heatmaps stored, infinite PSNR stored as null, generation has no source.
    const comparisons = store.comparisons();
    expect(comparisons).toHaveLength(total);
    const gen = comparisons.find((c) => c.pairKey === pairKey('gen', 1, 1));
    expect(gen?.ab.psnr).toBeNull();
    expect(gen?.vsSource).toEqual({ A: null, B: null });
    expect(store.getImage(gen?.ab.heatmapId ?? '')).toBeDefined();
    const edit = comparisons.find((c) => c.pairKey === pairKey('edit', 1, 1));
    expect(edit?.vsSource.A?.heatmapId).toBeNull();
    expect(edit?.vsSource.A?.sourceResizedFrom).toBe('32x24');
    expect(edit?.vsSource.B).not.toHaveProperty('sourceResizedFrom');
    expect(edit?.vsSource.B?.heatmapId).toBe(gen?.ab.heatmapId);

    const started = events.filter((e) => e.type === 'job-started');
    const finished = events.filter((e) => e.type === 'job-finished');
    expect(started).toHaveLength(total * 2);
    expect(finished).toHaveLength(total * 2);
    expect(events.filter((e) => e.type === 'comparison-done')).toHaveLength(total);
    const progress = events.filter((e) => e.type === 'progress');
    const last = progress.at(-1);
    expect(last?.type === 'progress' && last.progress).toMatchObject({
      A: { total, done: total, ok: total, error: 0, running: 0 },
      B: { total, done: total },
      compare: { total, done: total },
      etaMs: 0,
    });
    // Some progress event in the middle had an ETA estimate.
    expect(progress.some((e) => e.type === 'progress' && e.progress.etaMs !== null && e.progress.etaMs > 0)).toBe(true);
  });

  it('respects each side’s concurrency and measures the wait for a slot as client wait', async () => {
    const store = await setup({ cases: ['gen'], repeats: 6, concurrency: { A: 3, B: 1 } });
    const slow: (side: Side) => Behaviour = (side) => async (call) => {
      await delay(15, undefined, { signal: call.signal });
      return outputFor(side, call.request);
    };
    const fakes = adapters(slow('A'), slow('B'));
    await runJobs({ store, adapters: fakes, compare: new FakePool() });
    expect(fakes.A.maxInFlight).toBe(3);
    expect(fakes.B.maxInFlight).toBe(1);
    // With one slot, the last B job waited for at least the five before it.
    const lastB = resultOf(store, jobId('gen', 'B', 1, 6));
    expect(lastB.timings.clientWaitMs).toBeGreaterThanOrEqual(5 * 15 - 5);
    expect(lastB.timings.stages).not.toHaveProperty('queue');
  });

  describe('retries', () => {
    it('retries retryable errors with growing backoff and stores the attempt count', async () => {
      const store = await setup({ cases: ['gen'], retries: 3 });
      const flaky: Behaviour = async (call) => {
        if (call.n <= 2) throw new BackendError('HTTP 503 from http://127.0.0.1:9/v1/images/generations', { kind: 'http', httpStatus: 503, url: 'http://127.0.0.1:9/v1/images/generations', retryable: true });
        return outputFor('A', call.request);
      };
      const fakes = adapters(flaky);
      const events: RunEvent[] = [];
      const outcome = await runJobs({ store, adapters: fakes, compare: new FakePool(), onEvent: (e) => events.push(e), backoff: { baseMs: 4, maxMs: 100 } });
      expect(outcome.status).toBe('complete');
      expect(fakes.A.calls).toHaveLength(3);
      expect(resultOf(store, jobId('gen', 'A', 1, 1))).toMatchObject({ status: 'ok', attempts: 3 });
      expect(store.jobs().find((j) => j.side === 'A')?.attempts).toBe(3);
      const retries = events.flatMap((e) => (e.type === 'job-retry' ? [e] : []));
      expect(retries.map((e) => e.attempt)).toEqual([1, 2]);
      expect(retries[0]).toMatchObject({ errorKind: 'http', jobId: jobId('gen', 'A', 1, 1), reason: expect.stringContaining('HTTP 503') });
      expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(2);
      expect(retries[0]?.delayMs).toBeLessThanOrEqual(4);
      expect(retries[1]?.delayMs).toBeGreaterThanOrEqual(4);
      expect(retries[1]?.delayMs).toBeLessThanOrEqual(8);
    });

    it('gives up after the configured retries and saves the last error', async () => {
      const store = await setup({ cases: ['gen'], retries: 1 });
      const fakes = adapters(async () => {
        throw new BackendError('connection refused: http://127.0.0.1:9', { kind: 'network', url: 'http://127.0.0.1:9/v1/images/generations', retryable: true });
      });
      const outcome = await runJobs({ store, adapters: fakes, compare: new FakePool(), backoff: fastBackoff });
      expect(outcome.counts.sides.A).toMatchObject({ error: 1, ok: 0 });
      expect(fakes.A.calls).toHaveLength(2);
      const r = resultOf(store, jobId('gen', 'A', 1, 1));
      expect(r).toMatchObject({ status: 'error', attempts: 2, endpoint: 'POST /v1/images/generations', error: { kind: 'network', retryable: true } });
      expect(outcome.counts.comparisons).toEqual({ saved: 0, failed: 0, missing: 0 });
    });

    it('never retries a non-retryable error', async () => {
      const store = await setup({ cases: ['gen'], retries: 5 });
      const fakes = adapters(async () => {
        throw new BackendError('HTTP 400: Received multiple input images', { kind: 'http', httpStatus: 400, retryable: false });
      });
      const events: RunEvent[] = [];
      await runJobs({ store, adapters: fakes, compare: new FakePool(), onEvent: (e) => events.push(e), backoff: fastBackoff });
      expect(fakes.A.calls).toHaveLength(1);
      expect(events.some((e) => e.type === 'job-retry')).toBe(false);
      expect(resultOf(store, jobId('gen', 'A', 1, 1))).toMatchObject({ status: 'error', attempts: 1, error: { kind: 'http', httpStatus: 400 } });
    });

    it('records an undecodable image as invalid-image without retrying', async () => {
      const store = await setup({ cases: ['gen'], retries: 3 });
      const fakes = adapters(async (call) => ({ ...(await outputFor('A', call.request)), image: new TextEncoder().encode('{"error": "oops"}') }));
      await runJobs({ store, adapters: fakes, compare: new FakePool(), backoff: fastBackoff });
      expect(fakes.A.calls).toHaveLength(1);
      const r = resultOf(store, jobId('gen', 'A', 1, 1));
      expect(r.error).toMatchObject({ kind: 'invalid-image', retryable: false });
      expect(r.error?.message).toMatch(/^A \(vLLM-Omni \(simulated\)\) returned an unusable image for job gen#t1#r1#A \(POST \/v1\/images\/generations\): image rejected/);
      expect(r.endpoint).toBe('POST /v1/images/generations');
    });

    it('turns an unexpected adapter exception into a non-retryable protocol error', async () => {
      const store = await setup({ cases: ['gen'], retries: 3 });
      const fakes = adapters(async () => {
        throw new TypeError('cannot read properties of undefined');
      });
      await runJobs({ store, adapters: fakes, compare: new FakePool(), backoff: fastBackoff });
      expect(fakes.A.calls).toHaveLength(1);
      expect(resultOf(store, jobId('gen', 'A', 1, 1)).error).toMatchObject({ kind: 'protocol', retryable: false, message: expect.stringContaining('adapter failed unexpectedly') });
    });
  });

  describe('timeouts', () => {
    it('times out an adapter that never answers (even one that ignores its signal) and retries it', async () => {
      const store = await setup({ cases: ['gen'], retries: 1, timeoutMs: 100 });
      const fakes = adapters(() => new Promise<ImageResponse>(() => {}));
      const outcome = await runJobs({ store, adapters: fakes, compare: new FakePool(), backoff: fastBackoff });
      expect(outcome.status).toBe('complete');
      expect(fakes.A.calls).toHaveLength(2);
      expect(fakes.A.calls.every((c) => c.signal.aborted)).toBe(true);
      const r = resultOf(store, jobId('gen', 'A', 1, 1));
      expect(r).toMatchObject({ status: 'error', attempts: 2, error: { kind: 'timeout', retryable: true, url: 'http://127.0.0.1:9' } });
      expect(r.error?.message).toMatch(/did not answer job gen#t1#r1#A within 100 ms/);
      expect(r.timings.e2eMs).toBeGreaterThanOrEqual(95);
    });

    it('classifies an adapter that rejects on abort as a timeout too', async () => {
      const store = await setup({ cases: ['gen'], timeoutMs: 100 });
      const fakes = adapters(async (call) => {
        await delay(60_000, undefined, { signal: call.signal });
        return outputFor('A', call.request);
      });
      await runJobs({ store, adapters: fakes, compare: new FakePool() });
      expect(resultOf(store, jobId('gen', 'A', 1, 1)).error?.kind).toBe('timeout');
    });
  });

  describe('chains', () => {
    it('edits the case input on turn 1 and the same side’s previous output after', async () => {
      const store = await setup({ cases: ['chain'] });
      const fakes = adapters();
      const pool = new FakePool();
      await runJobs({ store, adapters: fakes, compare: pool });

      for (const side of ['A', 'B'] as const) {
        const calls = fakes[side].calls;
        const byPrompt = (p: string) => calls.find((c) => c.request.prompt === p)?.request;
        const t1 = byPrompt('add a hat');
        expect(t1?.images).toHaveLength(1);
        expect(t1?.images[0]?.bytes).toEqual(inputBytes);
        expect(t1?.images[0]).toMatchObject({ mime: 'image/png', name: 'input-0.png' });
        const out1 = await imageBytes(store, resultOf(store, jobId('chain', side, 1, 1)).imageId);
        const out2 = await imageBytes(store, resultOf(store, jobId('chain', side, 2, 1)).imageId);
        expect(byPrompt('add a scarf')?.images.map((i) => i.bytes)).toEqual([out1]);
        expect(byPrompt('add a scarf')?.images[0]?.name).toBe('turn-1.png');
        expect(byPrompt('make it night')?.images.map((i) => i.bytes)).toEqual([out2]);
      }
      // A and B really produced different images, so "same side" is meaningful.
      expect(resultOf(store, jobId('chain', 'A', 1, 1)).imageId).not.toBe(resultOf(store, jobId('chain', 'B', 1, 1)).imageId);

      // Comparison sources: turn 1 the input, turn 2 each side's own turn-1 output.
      const t2 = pool.tasks.find((t) => t.a === store.imagePath(resultOf(store, jobId('chain', 'A', 2, 1)).imageId ?? ''));
      expect(t2?.sourceA).toBe(store.imagePath(resultOf(store, jobId('chain', 'A', 1, 1)).imageId ?? ''));
      expect(t2?.sourceB).toBe(store.imagePath(resultOf(store, jobId('chain', 'B', 1, 1)).imageId ?? ''));
      const t1 = pool.tasks.find((t) => t.a === store.imagePath(resultOf(store, jobId('chain', 'A', 1, 1)).imageId ?? ''));
      expect(t1?.sourceA).toBe(store.imagePath(imageIdOf(inputBytes)));
    });

    it('skips the rest of a side’s chain when a turn fails, and compares ok pairs only', async () => {
      const store = await setup({ cases: ['chain', 'edit'] });
      const failTurn2: Behaviour = async (call) => {
        if (call.request.prompt === 'add a scarf') {
          throw new BackendError('HTTP 500: CUDA out of memory', { kind: 'http', httpStatus: 500, retryable: false });
        }
        return outputFor('A', call.request);
      };
      const fakes = adapters(failTurn2);
      const pool = new FakePool();
      const events: RunEvent[] = [];
      const outcome = await runJobs({ store, adapters: fakes, compare: pool, onEvent: (e) => events.push(e) });

      expect(outcome.status).toBe('complete');
      expect(fakes.A.calls.map((c) => c.request.prompt).sort()).toEqual(['add a hat', 'add a scarf', 'make it blue']);
      expect(fakes.B.calls).toHaveLength(4);
      const skipped = resultOf(store, jobId('chain', 'A', 3, 1));
      expect(skipped).toMatchObject({ status: 'error', error: { kind: 'skipped', retryable: false, message: 'turn 2 failed: HTTP 500: CUDA out of memory' } });
      const statuses = Object.fromEntries(store.jobs().map((j) => [j.id, j.status]));
      expect(statuses[jobId('chain', 'A', 2, 1)]).toBe('error');
      expect(statuses[jobId('chain', 'A', 3, 1)]).toBe('skipped');
      expect(statuses[jobId('chain', 'B', 3, 1)]).toBe('ok');
      expect(outcome.counts.sides.A).toEqual({ total: 4, ok: 2, error: 1, skipped: 1, pending: 0 });

      // Only the two pairs with both sides ok were compared.
      expect(store.comparisons().map((c) => c.pairKey).sort()).toEqual([pairKey('chain', 1, 1), pairKey('edit', 1, 1)]);
      expect(pool.tasks).toHaveLength(2);
      expect(events.some((e) => e.type === 'job-finished' && e.status === 'skipped')).toBe(true);
      const last = events.filter((e) => e.type === 'progress').at(-1);
      expect(last?.type === 'progress' && last.progress.compare).toEqual({ total: 2, done: 2 });
    });
  });

  describe('cancel and resume', () => {
    it('cancels mid-run, returns in-flight jobs to pending, and a resume sends only what is unfinished', async () => {
      let store = await setup({ cases: ['gen', 'chain'], repeats: 3, concurrency: { A: 1, B: 1 } });
      const controller = new AbortController();
      const first = adapters();
      let finished = 0;
      const outcome = await runJobs({
        store,
        adapters: first,
        compare: new FakePool(),
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'job-finished' && ++finished === 4) controller.abort();
        },
      });

      expect(outcome.status).toBe('cancelled');
      const afterCancel = store.jobs();
      expect(afterCancel.some((j) => j.status === 'running')).toBe(false);
      const done = afterCancel.filter((j) => j.status === 'ok');
      const pending = afterCancel.filter((j) => j.status === 'pending');
      expect(done.length).toBeGreaterThanOrEqual(4);
      expect(pending.length).toBeGreaterThan(0);
      expect(done.length + pending.length).toBe(afterCancel.length);
      // Requests in flight at the cancel were aborted, and their attempt was not counted.
      const aborted = [...first.A.calls, ...first.B.calls].filter((c) => c.signal.aborted);
      expect(aborted.length).toBeGreaterThan(0);
      expect(pending.every((j) => j.attempts === 0)).toBe(true);
      expect(store.results()).toHaveLength(done.length);
      expect(outcome.counts.sides.A.pending + outcome.counts.sides.B.pending).toBe(pending.length);
      const savedBefore = store.results();

      store = await reopen(store);
      const second = adapters();
      const pool = new FakePool();
      const resumed = await runJobs({ store, adapters: second, compare: pool });
      expect(resumed.status).toBe('complete');
      expect(second.A.calls.length + second.B.calls.length).toBe(pending.length);
      // Results saved before the cancel are untouched (a re-send would replace them and count a second attempt).
      const after = new Map(store.results().map((r) => [r.jobId, r]));
      for (const r of savedBefore) expect(after.get(r.jobId)).toEqual(r);
      expect(store.jobs().every((j) => j.status === 'ok' && j.attempts === 1)).toBe(true);
      expect(store.comparisons()).toHaveLength((1 + 3) * 3);
      expect(resumed.counts.comparisons.missing).toBe(0);
    });

    it('sends jobs left running by a crash again and counts the lost attempt', async () => {
      let store = await setup({ cases: ['gen'] });
      store.setJobStatus(jobId('gen', 'A', 1, 1), 'running', 1);
      store = await reopen(store);
      const fakes = adapters();
      const events: RunEvent[] = [];
      await runJobs({ store, adapters: fakes, compare: new FakePool(), onEvent: (e) => events.push(e) });
      expect(fakes.A.calls).toHaveLength(1);
      expect(resultOf(store, jobId('gen', 'A', 1, 1)).attempts).toBe(2);
      expect(events.some((e) => e.type === 'log' && /1 job\(s\) were in flight/.test(e.message))).toBe(true);
    });

    it('resumes results staged before a crash (saved, not yet checked) without sending them again; a lost file is sent again', async () => {
      let store = await setup({ cases: ['chain', 'gen'] });
      // The crash: no confirmation (fsync and decode check of a saved image) finishes, and the run dies once all
      // four first turns are staged, as kill -9 at that moment would leave it.
      const confirm = store.confirmStagedResult.bind(store);
      const waiting: Array<(error: Error) => void> = [];
      store.confirmStagedResult = () =>
        new Promise((_resolve, reject) => {
          waiting.push(reject);
          if (waiting.length === 4) for (const die of waiting) die(new Error('killed before the check'));
        });
      const first = adapters();
      await expect(runJobs({ store, adapters: first, compare: new FakePool() })).rejects.toThrow('killed before the check');
      store.confirmStagedResult = confirm;
      const staged = store.stagedResults();
      // Turn 1 of each chain and both generations were received and staged; nothing is ok yet.
      expect(staged.map((r) => r.jobId).sort()).toEqual(
        [jobId('chain', 'A', 1, 1), jobId('chain', 'B', 1, 1), jobId('gen', 'A', 1, 1), jobId('gen', 'B', 1, 1)].sort(),
      );
      expect(store.results()).toEqual([]);
      const lost = staged.find((r) => r.jobId === jobId('gen', 'B', 1, 1))!;
      store = await reopen(store);
      // A power loss took one file before its fsync.
      const { rm } = await import('node:fs/promises');
      const stagedFile = path.join(store.dir, 'images', lost.imageId!.slice(0, 2), `${lost.imageId}.png`);
      await rm(stagedFile);

      const second = adapters();
      const events: RunEvent[] = [];
      const outcome = await runJobs({ store, adapters: second, compare: new FakePool(), onEvent: (e) => events.push(e) });
      expect(outcome.status).toBe('complete');
      expect(outcome.counts.sides.A).toMatchObject({ total: 4, ok: 4 });
      expect(outcome.counts.sides.B).toMatchObject({ total: 4, ok: 4 });
      // Sent again: the chains' turns 2–3 (never sent) and the generation whose file was lost; nothing staged.
      expect(second.A.calls.map((c) => c.request.prompt)).toEqual(['add a scarf', 'make it night']);
      expect(second.B.calls.map((c) => c.request.prompt).sort()).toEqual(['a cat', 'add a scarf', 'make it night']);
      // The staged results became the results, as received (attempts, timings, the same image).
      for (const r of staged.filter((x) => x.jobId !== lost.jobId)) expect(resultOf(store, r.jobId)).toEqual(r);
      // Turn 2 edited turn 1's staged output.
      const turn1 = resultOf(store, jobId('chain', 'A', 1, 1));
      expect(second.A.calls[0]!.request.images[0]!.bytes).toEqual(await imageBytes(store, turn1.imageId));
      expect(resultOf(store, lost.jobId).attempts).toBe(2);
      expect(store.stagedResults()).toEqual([]);
      expect(events.some((e) => e.type === 'log' && /was lost before it reached the disk/.test(e.message))).toBe(true);
    });

    it('does nothing but report when the signal is already aborted', async () => {
      const store = await setup({ cases: ['gen'] });
      const fakes = adapters();
      const controller = new AbortController();
      controller.abort();
      const outcome = await runJobs({ store, adapters: fakes, compare: new FakePool(), signal: controller.signal });
      expect(outcome.status).toBe('cancelled');
      expect(fakes.A.calls).toHaveLength(0);
      expect(outcome.counts.sides.A.pending).toBe(1);
    });

    it('skips on resume the turns after a turn that failed before a crash', async () => {
      let store = await setup({ cases: ['chain'] });
      const first = adapters(async () => {
        throw new BackendError('HTTP 400: bad prompt', { kind: 'http', httpStatus: 400, retryable: false });
      });
      await runJobs({ store, adapters: first, compare: new FakePool() });
      expect(resultOf(store, jobId('chain', 'A', 2, 1)).error?.kind).toBe('skipped');
      // Simulate a crash right after A's turn-1 error was saved: A's turns 2–3 pending again, their results gone.
      store.close();
      open.splice(open.indexOf(store), 1);
      const db = new DatabaseSync(path.join(store.dir, 'run.sqlite'));
      db.exec("DELETE FROM results WHERE job_id IN ('chain#t2#r1#A', 'chain#t3#r1#A')");
      db.exec("UPDATE jobs SET status = 'pending' WHERE id IN ('chain#t2#r1#A', 'chain#t3#r1#A')");
      db.close();
      store = await openRunStore(store.dir);
      open.push(store);
      const second = adapters();
      const outcome = await runJobs({ store, adapters: second, compare: new FakePool() });
      expect(second.A.calls).toHaveLength(0);
      expect(second.B.calls).toHaveLength(0);
      expect(outcome.counts.sides.A).toEqual({ total: 3, ok: 0, error: 1, skipped: 2, pending: 0 });
      expect(resultOf(store, jobId('chain', 'A', 3, 1)).error).toMatchObject({ kind: 'skipped', message: 'turn 1 failed: HTTP 400: bad prompt' });
    });
  });

  describe('comparisons', () => {
    it('reports a failed comparison without stopping, and computes it on resume', async () => {
      let store = await setup({ cases: ['edit', 'gen'] });
      const pool = new FakePool();
      pool.fail = (task) => task.sourceA === undefined; // the generation pair
      const events: RunEvent[] = [];
      const outcome = await runJobs({ store, adapters: adapters(), compare: pool, onEvent: (e) => events.push(e) });
      expect(outcome.status).toBe('complete');
      expect(outcome.counts.comparisons).toEqual({ saved: 1, failed: 1, missing: 1 });
      const failed = events.find((e) => e.type === 'comparison-failed');
      expect(failed).toMatchObject({ pairKey: pairKey('gen', 1, 1), message: expect.stringContaining('worker crashed') });

      store = await reopen(store);
      const fakes = adapters();
      const retryPool = new FakePool();
      const resumed = await runJobs({ store, adapters: fakes, compare: retryPool });
      expect(fakes.A.calls.length + fakes.B.calls.length).toBe(0);
      expect(retryPool.tasks).toHaveLength(1);
      expect(resumed.counts.comparisons).toEqual({ saved: 2, failed: 0, missing: 0 });
    });
  });

  it('stops with a clear error when an input image is missing from the run folder, leaving jobs pending', async () => {
    const store = await setup({ cases: ['edit'], putInputs: false });
    const fakes = adapters();
    await expect(runJobs({ store, adapters: fakes, compare: new FakePool() })).rejects.toThrow(
      /input 1 of case "edit" \(image [0-9a-f]{64}\) is not in the run folder/,
    );
    expect(fakes.A.calls.length + fakes.B.calls.length).toBe(0);
    expect(store.jobs().every((j) => j.status === 'pending')).toBe(true);
  });

  it('keeps running when an event listener throws', async () => {
    const store = await setup({ cases: ['gen'] });
    const outcome = await runJobs({
      store,
      adapters: adapters(),
      compare: new FakePool(),
      onEvent: () => {
        throw new Error('progress bar bug');
      },
    });
    expect(outcome.status).toBe('complete');
    expect(store.results()).toHaveLength(2);
  });
});

describe('runJobs report thumbnails (issue 10)', () => {
  /** Each cache file of the run folder by name, with its inode: a thumbnail made again is a new file (thumbnails.ts put renames). */
  async function cacheFiles(dir: string): Promise<Map<string, number>> {
    const names = await readdir(path.join(dir, THUMBNAIL_CACHE_DIR)).catch(() => []);
    const files = new Map<string, number>();
    for (const name of names) files.set(name, (await stat(path.join(dir, THUMBNAIL_CACHE_DIR, name))).ino);
    return files;
  }

  it('makes every thumbnail of the report while the run goes, so building the report makes none', async () => {
    const store = await setup({ cases: ['edit', 'chain', 'gen'] });
    const pool = createComparePool({ size: 1 });
    let outcome;
    try {
      outcome = await runJobs({ store, adapters: adapters(), compare: pool, backoff: fastBackoff });
    } finally {
      await pool.close();
    }
    expect(outcome.counts.comparisons).toEqual({ saved: 5, failed: 0, missing: 0 });
    const report = reportFromStore(store);
    const heatmaps = heatmapPaths(report);
    const embedded = [...new Set(imagePaths(report))];
    // the input, 2 × 5 outputs (the fake outputs differ per side and prompt) and the heatmaps (solid images: some alike)
    expect(embedded.length).toBeGreaterThan(11);
    expect(embedded.filter((rel) => heatmaps.has(rel)).length).toBeGreaterThan(0);
    const cache = new ThumbnailCache(path.join(store.dir, THUMBNAIL_CACHE_DIR));
    for (const rel of embedded) {
      const spec = thumbnailSpecOf(heatmaps.has(rel));
      const key = await ThumbnailCache.keyOf(path.resolve(store.dir, rel), `${spec.format}|${spec.size}|${spec.quality}`);
      expect(await cache.get(key), rel).not.toBeNull();
    }
    const before = await cacheFiles(store.dir);
    expect(before.size).toBe(embedded.length);
    await writeReports(report, store.dir, ['html']);
    expect(await cacheFiles(store.dir)).toEqual(before);
  });

  it('never fails a comparison or the run when thumbnails cannot be made: the report makes them', async () => {
    const store = await setup({ cases: ['edit'] });
    const real = createComparePool({ size: 1 });
    let asked = 0;
    const pool: ComparePool = {
      compare: (task) => real.compare(task),
      thumbnails: () => {
        asked++;
        return Promise.reject(new Error('worker crashed'));
      },
      close: () => real.close(),
    };
    const events: RunEvent[] = [];
    let outcome;
    try {
      outcome = await runJobs({ store, adapters: adapters(), compare: pool, onEvent: (e) => events.push(e), backoff: fastBackoff });
    } finally {
      await pool.close();
    }
    expect(asked).toBe(1);
    expect(outcome.status).toBe('complete');
    expect(outcome.counts.comparisons).toEqual({ saved: 1, failed: 0, missing: 0 });
    expect(events.filter((e) => e.type === 'log' && e.level === 'warn')).toEqual([]);
    expect((await cacheFiles(store.dir)).size).toBe(0);
    const { html } = await writeReports(reportFromStore(store), store.dir, ['html']);
    // input, both outputs and the heatmap: made by the report, as before
    expect((await cacheFiles(store.dir)).size).toBe(4);
    expect(await readFile(html as string, 'utf8')).toContain('data:image/avif;base64,');
  });
});

describe('connectBackends', () => {
  it('connects both sides and saves what they learned', async () => {
    const store = await setup({ cases: ['gen'] });
    const infos = await connectBackends(store, adapters());
    expect(infos.A.model).toBe('model-A');
    expect(store.serverInfo('B')).toEqual(infos.B);
  });
});
