import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PairViewSchema, RunSummarySchema, type UiEvent } from '../../../shared/contract.ts';
import { ApiError } from './errors.ts';
import { createMemoryApi, makeSyntheticRun } from './memory.ts';

/** A scheduler the test drives: nothing runs until step(). */
function manualScheduler() {
  const pending: Array<() => void> = [];
  return {
    scheduler: (fn: () => void) => {
      pending.push(fn);
      return () => {
        const i = pending.indexOf(fn);
        if (i >= 0) pending.splice(i, 1);
      };
    },
    get size() {
      return pending.length;
    },
  };
}

const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('makeSyntheticRun', () => {
  it('produces contract-valid pairs and summary, exactly as many as asked', () => {
    const run = makeSyntheticRun({ pairs: 2000, seed: 5, reviewedFraction: 0.3, errorRate: 0.03 });
    expect(run.pairs).toHaveLength(2000);
    expect(() => z.array(PairViewSchema).parse(run.pairs)).not.toThrow();
    expect(() => RunSummarySchema.parse(run.summary)).not.toThrow();
    expect(new Set(run.pairs.map((p) => p.key)).size).toBe(2000);
    // Every image id a pair points at can be drawn.
    for (const p of run.pairs.slice(0, 200)) {
      for (const id of [p.A.imageId, p.B.imageId, p.A.sourceId, p.diff?.heatmapId]) if (id) expect(run.images.has(id)).toBe(true);
    }
  });

  it('covers the shapes the UI must handle', () => {
    const { pairs } = makeSyntheticRun({ pairs: 600, seed: 2, errorRate: 0.03 });
    const cats = new Set(pairs.map((p) => p.category));
    expect(cats).toEqual(new Set(['text-rendering', 'style-transfer', 'edit', 'multi-turn', 'generation']));
    expect(pairs.some((p) => p.turns === 3 && p.turn === 3)).toBe(true);
    expect(pairs.some((p) => p.category === 'generation' && p.A.sourceId === null)).toBe(true);
    expect(pairs.some((p) => p.A.status === 'error' || p.B.status === 'error')).toBe(true);
    expect(pairs.some((p) => p.blindSwap) && pairs.some((p) => !p.blindSwap)).toBe(true);
    // Multi-turn: turn 2 of a side edits that side's own turn-1 output.
    const t2 = pairs.find((p) => p.turn === 2 && p.A.status === 'ok')!;
    const t1 = pairs.find((p) => p.caseId === t2.caseId && p.turn === 1 && p.repeat === t2.repeat)!;
    expect(t2.A.sourceId).toBe(t1.A.imageId);
    expect(t2.B.sourceId).toBe(t1.B.imageId);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(makeSyntheticRun({ pairs: 50, seed: 9 }).pairs)).toBe(JSON.stringify(makeSyntheticRun({ pairs: 50, seed: 9 }).pairs));
  });
});

describe('createMemoryApi', () => {
  it('requires a reviewer, appends verdicts, undoes them, and reports unknown ids', async () => {
    const api = createMemoryApi({ runs: [{ id: 'r1', pairs: 10, seed: 1 }], validateResponses: true });
    const [pair] = await api.call('pairs:list', { runId: 'r1' });
    const request = { runId: 'r1', pairKey: pair!.key, verdict: 'A_better' as const, tags: ['text.missing'], note: 'n', blind: true, swapped: true, durationMs: 1200 };
    await expect(api.call('verdicts:set', request)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/reviewer name/) });
    await api.call('settings:set', { reviewer: 'ana' });
    const v1 = await api.call('verdicts:set', request);
    const v2 = await api.call('verdicts:set', { ...request, verdict: 'tie' });
    expect(v1).toMatchObject({ reviewer: 'ana', verdict: 'A_better', blind: true, swapped: true, tags: ['text.missing'] });
    expect(v2.createdAt > v1.createdAt).toBe(true);
    let pairs = await api.call('pairs:list', { runId: 'r1' });
    expect(pairs[0]!.verdicts.map((v) => v.id)).toEqual([v1.id, v2.id]);
    await api.call('verdicts:undo', { runId: 'r1', verdictId: v2.id });
    pairs = await api.call('pairs:list', { runId: 'r1' });
    expect(pairs[0]!.verdicts.map((v) => v.id)).toEqual([v1.id]);
    await expect(api.call('verdicts:undo', { runId: 'r1', verdictId: v2.id })).rejects.toMatchObject({ code: 'not-found' });
    await expect(api.call('verdicts:set', { ...request, pairKey: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
    expect((await api.call('runs:get', { runId: 'r1' })).reviewed).toBe(1);
  });

  it('validates requests like the engine and never hands out its own objects', async () => {
    const api = createMemoryApi({ runs: [{ id: 'r1', pairs: 3 }] });
    await expect(api.call('verdicts:set', { runId: 'r1' } as never)).rejects.toBeInstanceOf(ApiError);
    await expect(api.call('settings:set', { reviewer: 'x'.repeat(81) })).rejects.toMatchObject({ code: 'bad-request', message: /reviewer/ });
    const pairs = await api.call('pairs:list', { runId: 'r1' });
    pairs[0]!.verdicts.push({} as never);
    expect((await api.call('pairs:list', { runId: 'r1' }))[0]!.verdicts).toEqual([]);
  });

  it('checks suite YAML with file and line in the error', async () => {
    const api = createMemoryApi({ runs: [] });
    const ok = await api.call('suites:check', { text: 'name: mine\ncases:\n  - id: a\n    category: edit\n  - id: b\n    category: generation\n', fileName: 'mine.yaml' });
    expect(ok).toEqual({ ok: true, suite: { path: 'mine.yaml', name: 'mine', cases: 2, categories: { edit: 1, generation: 1 }, description: null } });
    const bad = await api.call('suites:check', { text: 'name: x\ncases: [\n', fileName: 'bad.yaml' });
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/^bad\.yaml:\d+: /) });
    const cat = await api.call('suites:check', { text: 'name: x\ncases:\n  - id: a\n    category: poster\n', fileName: 'c.yaml' });
    expect(cat).toMatchObject({ ok: false, error: expect.stringMatching(/cases\[0\]\.category: must be one of/) });
  });

  it('runs a suite with progress events, cancels and resumes to completion', async () => {
    const clock = manualScheduler();
    const api = createMemoryApi({ runs: [], scheduler: clock.scheduler, tickMs: 100 });
    const events: UiEvent[] = [];
    api.subscribe((e) => events.push(e));
    const started = await api.call('runs:start', {
      suite: { source: 'text', text: 'name: tiny\ncases:\n  - id: a\n    category: edit\n  - id: b\n    category: edit\n  - id: c\n    category: edit\n', fileName: 'tiny.yaml' },
      A: { target: 'sim', kind: 'vllm-omni', faults: '', concurrency: 1 },
      B: { target: 'http://gpu:8092', kind: 'diffusers', faults: '', concurrency: 2 },
      params: { repeats: 2 },
    });
    expect(started.state).toBe('starting');
    expect(started.backends.A.simulated).toBe(true);
    expect(started.backends.B).toMatchObject({ simulated: false, url: 'http://gpu:8092' });
    expect(started.progress.A).toMatchObject({ total: 6, done: 0 });

    api.step();
    api.step();
    await flush();
    const mid = await api.call('runs:get', { runId: started.id });
    expect(mid.state).toBe('running');
    expect(mid.progress.A.done).toBeLessThan(mid.progress.B.done); // A runs one job at a time, B two
    expect(mid.progress.etaMs).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'pairs-changed' && e.runId === started.id)).toBe(true);

    const cancelled = await api.call('runs:cancel', { runId: started.id });
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.message).toMatch(/resume/);
    expect(clock.size).toBe(0);
    await expect(api.call('runs:cancel', { runId: started.id })).rejects.toMatchObject({ code: 'conflict' });

    await api.call('runs:resume', { runId: started.id });
    for (let i = 0; i < 20 && clock.size > 0; i++) api.step();
    const done = await api.call('runs:get', { runId: started.id });
    expect(['complete', 'partial']).toContain(done.state);
    expect(done.progress.A.done).toBe(6);
    expect(done.progress.compare.done).toBe(6);
    const pairs = await api.call('pairs:list', { runId: started.id });
    expect(pairs.every((p) => p.A.status !== 'pending' && p.B.status !== 'pending')).toBe(true);
    api.close();
  });

  it('opens known run folders and explains unknown ones', async () => {
    const api = createMemoryApi({ runs: [], openable: { '/data/run-7': { id: 'run-7', pairs: 5 } } });
    const run = await api.call('runs:open', { dir: '/data/run-7/' });
    expect(run).toMatchObject({ id: 'run-7', dir: '/data/run-7' });
    expect((await api.call('runs:list', {})).map((r) => r.id)).toEqual(['run-7']);
    await expect(api.call('runs:open', { dir: '/nowhere' })).rejects.toMatchObject({ code: 'not-found', message: /run\.json/ });
  });

  it('exports and serves the file by URL', async () => {
    const api = createMemoryApi({ runs: [{ id: 'r1', pairs: 4 }] });
    const result = await api.call('runs:export', { runId: 'r1', format: 'csv' });
    expect(result.file).toBe('report.csv');
    expect(result.path).toMatch(/r1\/report\.csv$/);
    const url = api.fileUrl('r1', 'report.csv');
    expect(url).toMatch(/^blob:/);
    const text = await (await fetch(url)).text();
    expect(text.split('\r\n')[0]).toMatch(/^pair,case,category/);
    expect(text.split('\r\n')).toHaveLength(6);
  });

  it('draws images as SVG data URLs', () => {
    const api = createMemoryApi({ runs: [{ id: 'r1', pairs: 2 }] });
    const run = makeSyntheticRun({ id: 'r1', pairs: 2 });
    const url = api.imageUrl('r1', run.pairs[0]!.A.imageId!);
    expect(url).toMatch(/^data:image\/svg\+xml/);
    expect(decodeURIComponent(url)).toContain('<svg');
    expect(api.imageUrl('r1', 'f'.repeat(64))).toMatch(/missing/);
  });

  it('fails the next call on request, once', async () => {
    const api = createMemoryApi({ runs: [] });
    api.failNext('runs:list', { code: 'failed', message: 'disk full' });
    await expect(api.call('runs:list', {})).rejects.toMatchObject({ code: 'failed', message: 'disk full' });
    await expect(api.call('runs:list', {})).resolves.toEqual([]);
  });
});
