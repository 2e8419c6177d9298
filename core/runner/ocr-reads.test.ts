import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BackendKind, RunConfig, ServerInfo, Side, Suite } from '../../shared/model.ts';
import type { BackendAdapter, ImageRequest, ImageResponse } from '../backends/types.ts';
import type { CompareOutput, ComparePool } from '../compare/types.ts';
import { buildPairViews } from '../app/pair-views.ts';
import { planJobs } from '../engine/plan.ts';
import { reportFromStore } from '../engine/report-from-store.ts';
import { openRunStore } from '../store/run-store.ts';
import { backendConfig, sampleRunConfig, solidPng, tempDir } from '../store/testing.ts';
import type { RunStore } from '../store/types.ts';
import { connectBackends } from './connect.ts';
import type { RunEvent } from './events.ts';
import type { OcrReader } from './ocr-reads.ts';
import { runJobs } from './scheduler.ts';

/** A backend that answers every request with a small solid image whose colour depends on side and prompt. */
class ColourAdapter implements BackendAdapter {
  readonly kind: BackendKind;
  readonly baseUrl = 'http://127.0.0.1:9';
  readonly side: Side;
  constructor(side: Side) {
    this.side = side;
    this.kind = side === 'A' ? 'vllm-omni' : 'diffusers';
  }
  async connect(): Promise<ServerInfo> {
    return { model: null, generation: 'current', editPath: null, generatePath: '/v1/images/generations', notes: [] };
  }
  async send(request: ImageRequest): Promise<ImageResponse> {
    const d = createHash('sha256').update(this.side).update(request.prompt).digest();
    return { image: await solidPng(16, 16, [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0]), mime: 'image/png', stages: {}, e2eMs: 1, peakMemoryMb: null, endpoint: 'POST /v1/images/generations' };
  }
}

class NoPool implements ComparePool {
  async compare(): Promise<CompareOutput> {
    throw new Error('not used: comparisons are not under test here');
  }
  async close(): Promise<void> {}
}

class EngineMissing extends Error {}

/**
 * TEST DOUBLE of an OCR engine: it "reads" the expected text back, misspelled for side A's images when asked,
 * so the runner's scheduling, storing and resuming can be checked without loading a real model.
 */
class ScriptedReader implements OcrReader {
  readonly engine = 'test-double 1';
  readonly paths: string[] = [];
  failOnce = new Set<string>();
  unavailable = false;
  async read(imagePath: string, expected: string) {
    this.paths.push(imagePath);
    if (this.unavailable) throw new EngineMissing('model files not found');
    if (this.failOnce.delete(expected)) throw new Error('worker crashed');
    return { lines: [{ text: expected, confidence: 0.99, box: { x: 1, y: 1, width: 10, height: 4 } }], width: 16, height: 16, ms: 3 };
  }
  isUnavailable(error: unknown): boolean {
    return error instanceof EngineMissing;
  }
}

const SUITE: Suite = {
  name: 'ocr',
  defaults: { steps: 2 },
  cases: [
    { id: 'sign', category: 'text-rendering', inputs: [], turns: [{ prompt: 'a sign that says "OPEN"', expectedText: ['OPEN'] }], params: { size: '64x64' }, tags: [] },
    { id: 'zh', category: 'text-rendering', inputs: [], turns: [{ prompt: '写着「欢迎光临」的招牌', expectedText: ['欢迎光临'] }], params: { size: '64x64' }, tags: [] },
    { id: 'cat', category: 'generation', inputs: [], turns: [{ prompt: 'a cat', expectedText: [] }], params: { size: '64x64' }, tags: [] },
  ],
};

let root: string;
let cleanup: () => Promise<void>;
const opened: RunStore[] = [];

beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('ocr-reads'));
});
afterEach(async () => {
  for (const s of opened.splice(0)) s.close();
  await cleanup();
});

async function setup(suite: Suite = SUITE): Promise<RunStore> {
  const config: RunConfig = sampleRunConfig({ suite, backends: { A: backendConfig('A'), B: backendConfig('B') } });
  const store = await openRunStore(path.join(root, 'run'), { create: config });
  opened.push(store);
  store.addJobs(planJobs(config.suite, config.params, () => ({ width: 64, height: 64 })));
  return store;
}

async function run(store: RunStore, ocr: OcrReader | null, events: RunEvent[] = []) {
  const adapters = { A: new ColourAdapter('A'), B: new ColourAdapter('B') };
  await connectBackends(store, adapters);
  // No comparisons: both sides' outputs differ, so the pool would be asked; NoPool fails them, which only logs.
  return runJobs({ store, adapters, compare: new NoPool(), ocr, onEvent: (e) => events.push(e) });
}

describe('OCR reads during a run', () => {
  it('reads every ok output of a turn with expected text, for A and B, and saves each read', async () => {
    const store = await setup();
    const reader = new ScriptedReader();
    const events: RunEvent[] = [];
    const outcome = await run(store, reader, events);
    expect(outcome.status).toBe('complete');
    const reads = store.ocrReads();
    expect(reads.map((r) => r.expected).sort()).toEqual(['OPEN', 'OPEN', '欢迎光临', '欢迎光临']);
    expect(new Set(reads.map((r) => r.imageId)).size).toBe(4);
    expect(reader.paths).toHaveLength(4);
    expect(events.filter((e) => e.type === 'ocr-done')).toHaveLength(4);
    const last = events.filter((e) => e.type === 'progress').at(-1);
    expect(last?.type === 'progress' && last.progress.ocr).toEqual({ total: 4, done: 4 });
  });

  it('does not read again on resume what it already read; a failed read is read again', async () => {
    const store = await setup();
    const first = new ScriptedReader();
    first.failOnce.add('OPEN');
    await run(store, first);
    expect(store.ocrReads()).toHaveLength(3);
    store.close();
    const again = await openRunStore(store.dir);
    opened.splice(opened.indexOf(store), 1, again);
    const second = new ScriptedReader();
    await run(again, second);
    expect(second.paths).toHaveLength(1);
    expect(again.ocrReads()).toHaveLength(4);
  });

  it('says once that the engine cannot load, and the run goes on', async () => {
    const store = await setup();
    const reader = new ScriptedReader();
    reader.unavailable = true;
    const events: RunEvent[] = [];
    const outcome = await run(store, reader, events);
    expect(outcome.status).toBe('complete');
    expect(outcome.counts.sides.A.ok).toBe(3);
    const warnings = events.filter((e) => e.type === 'log' && e.level === 'warn' && e.message.includes('OCR is not available'));
    expect(warnings).toHaveLength(1);
    expect(store.ocrReads()).toEqual([]);
    const last = events.filter((e) => e.type === 'progress').at(-1);
    expect(last?.type === 'progress' && last.progress.ocr).toBeUndefined();
  });

  it('reads nothing when OCR is off', async () => {
    const store = await setup();
    await run(store, null);
    expect(store.ocrReads()).toEqual([]);
  });
});

/**
 * TEST DOUBLE of an OCR engine for an edit that left the old text: side A's output of the chain's second turn
 * still shows the first turn's text; every other output shows what was asked. It tells the images apart by the
 * run's stored results, as a real engine would by their pixels.
 */
class KeptSourceReader extends ScriptedReader {
  private readonly store: RunStore;
  constructor(store: RunStore) {
    super();
    this.store = store;
  }
  override async read(imagePath: string, expected: string) {
    const out = await super.read(imagePath, expected);
    const result = this.store.results().find((r) => r.imageId !== undefined && this.store.imagePath(r.imageId) === imagePath);
    if (result?.side !== 'A' || result.turn !== 2) return out;
    return { ...out, lines: out.lines.map((l) => ({ ...l, text: 'TODAY FLAT WHITE' })) };
  }
}

describe('the source text of an edit (text.source_kept)', () => {
  const CHAIN: Suite = {
    name: 'chain',
    defaults: { steps: 2 },
    cases: [
      {
        id: 'menu',
        category: 'generation',
        inputs: [],
        turns: [
          { prompt: 'a chalkboard that reads "TODAY FLAT WHITE"', expectedText: ['TODAY FLAT WHITE'] },
          { prompt: 'change the text to "TODAY MOCHA"', expectedText: ['TODAY MOCHA'], sourceText: ['TODAY FLAT WHITE'] },
        ],
        params: { size: '64x64' },
        tags: [],
      },
    ],
  };

  it('suggests text.source_kept for the side whose edit still shows the source text, in the views and the report alike', async () => {
    const store = await setup(CHAIN);
    const outcome = await run(store, new KeptSourceReader(store));
    expect(outcome.status).toBe('complete');
    // One read per output, keyed by the expected text only: the source text changes the scoring, not the read.
    expect(store.ocrReads().map((r) => r.expected).sort()).toEqual(['TODAY FLAT WHITE', 'TODAY FLAT WHITE', 'TODAY MOCHA', 'TODAY MOCHA']);

    const views = buildPairViews({ config: store.config, jobs: store.jobs(), results: store.results(), comparisons: [], verdicts: [], ocrReads: store.ocrReads() });
    const edit = views.find((v) => v.turn === 2);
    expect(edit?.A.text).toMatchObject({ expected: 'TODAY MOCHA', source: 'TODAY FLAT WHITE', recognized: 'TODAY FLAT WHITE', pass: false });
    expect(edit?.A.text?.suggestedTags).toContain('text.source_kept');
    // B rendered the new text: it passes, nothing suggested.
    expect(edit?.B.text).toMatchObject({ source: 'TODAY FLAT WHITE', recognized: 'TODAY MOCHA', pass: true, suggestedTags: [] });
    // The first turn has no source text: no source, no such tag.
    const first = views.find((v) => v.turn === 1);
    expect(first?.A.text).toMatchObject({ pass: true, suggestedTags: [] });
    expect(first?.A.text?.source).toBeUndefined();

    const report = reportFromStore(store);
    const reported = report.pairs.find((p) => p.turn === 2);
    expect(reported?.A.text).toEqual(edit?.A.text);
    expect(reported?.B.text).toEqual(edit?.B.text);
  });

  it('without a source text the same read is only a failed check, not text.source_kept', async () => {
    const [c] = CHAIN.cases;
    const withoutSource: Suite = { ...CHAIN, cases: [{ ...c!, turns: c!.turns.map(({ sourceText: _, ...t }) => t) }] };
    const store = await setup(withoutSource);
    await run(store, new KeptSourceReader(store));
    const views = buildPairViews({ config: store.config, jobs: store.jobs(), results: store.results(), comparisons: [], verdicts: [], ocrReads: store.ocrReads() });
    const edit = views.find((v) => v.turn === 2);
    expect(edit?.A.text?.pass).toBe(false);
    expect(edit?.A.text?.suggestedTags).not.toContain('text.source_kept');
    expect(edit?.A.text?.suggestedTags.length).toBeGreaterThan(0);
  });
});
