/**
 * The sweeps:* channels on the real engine (in process) and the embedded simulators: a small sweep started from a
 * spec's text runs to the end, pushes sweep-updated events, lists, and reads back with every point's per-side
 * figures and its A-vs-B table row; a bad spec is refused with its line and field.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UiEvent } from '../../shared/contract.ts';
import { startTestEngine, waitUntil, type TestEngine } from '../testing/test-engine.ts';

const SPEC = `name: tiny
axes:
  batch: [1, 2]
  concurrency: [1, 2]
requests: 2
warmup: 0
size: 256x256
steps: 4
`;

let engine: TestEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('sweeps channels', () => {
  it('start → sweep-updated until complete → list and get with the A-vs-B table', async () => {
    engine = await startTestEngine();
    const events: UiEvent[] = [];
    engine.api.subscribe((e) => events.push(e));
    const started = await engine.api.call('sweeps:start', {
      spec: { source: 'text', text: SPEC, fileName: 'tiny.yaml' },
      A: { target: 'sim', kind: 'vllm-omni' },
      B: { target: 'sim', kind: 'diffusers' },
    });
    expect(started).toMatchObject({ name: 'tiny', state: 'running', progress: { pointsTotal: 8, requestsTotal: 16 } });
    const done = (): boolean => events.some((e) => e.type === 'sweep-updated' && e.sweep.id === started.id && e.sweep.state === 'complete');
    await waitUntil(done, 'the sweep to complete', 60_000);
    // While it ran, some event named the point and side being sent.
    expect(events.some((e) => e.type === 'sweep-updated' && e.sweep.progress.current !== null)).toBe(true);

    const list = await engine.api.call('sweeps:list', {});
    expect(list.map((s) => s.id)).toContain(started.id);
    const result = await engine.api.call('sweeps:get', { sweepId: started.id });
    expect(result.summary).toMatchObject({ state: 'complete', progress: { requestsDone: 16, requestsTotal: 16, pointsDone: 8 } });
    expect(result.points.map((p) => p.point.id)).toEqual(['b1-p64-c1-rinf', 'b1-p64-c2-rinf', 'b2-p64-c1-rinf', 'b2-p64-c2-rinf']);
    for (const p of result.points) {
      for (const side of [p.A!, p.B!]) {
        expect(side).toMatchObject({ ok: 2, failed: 0, planned: 2 });
        expect(side.e2e.n).toBe(2);
        expect(side.requestThroughput).toBeGreaterThan(0);
        // n images per request come back: image throughput = batch × request throughput.
        expect(side.imageThroughput! / side.requestThroughput!).toBeCloseTo(p.point.batch, 6);
      }
      // The baseline reports text_seq_len; vLLM-Omni's images API reports no count, so A's is an estimate.
      expect(p.B!.promptTokensSource).toBe('server');
      expect(p.A!.promptTokensSource).toBe('estimate');
      expect(p.row.label).toMatch(new RegExp(`^${p.point.batch}×64 c${p.point.concurrency} \\(n=2\\)$`));
      expect(p.row.improvementPercent).toBeCloseTo(((p.row.bSeconds! - p.row.aSeconds!) / p.row.bSeconds!) * 100, 9);
    }
  });

  it('a bad spec is refused with the file, line and field', async () => {
    engine = await startTestEngine();
    const checked = await engine.api.call('sweeps:check', { text: 'name: x\naxes:\n  batchh: [1]\nrequests: 2\n', fileName: 'bad.yaml' });
    expect(checked).toEqual({ ok: false, error: expect.stringContaining('bad.yaml:3:3: axes.batchh: unknown key "batchh". Did you mean batch?') });
    await expect(
      engine.api.call('sweeps:start', {
        spec: { source: 'text', text: 'name: x\naxes: {}\nrequests: 0\n', fileName: 'zero.yaml' },
        A: { target: 'sim', kind: 'vllm-omni' },
        B: { target: 'sim', kind: 'diffusers' },
      }),
    ).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('zero.yaml:3:1: requests: must be at least 1') });
  });
});
