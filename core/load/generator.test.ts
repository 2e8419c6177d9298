/**
 * The load generator against a loopback server whose one worker answers each request after a fixed delay D: at
 * client concurrency c with every request released at once, the k-th request answered waits (k + 1)·D for k < c and
 * c·D after, the throughput is 1 / D whatever c is, and the whole point lasts N·D. c warm-up requests open the
 * connections first and are not counted.
 *
 * What is checked is the queueing shape, not the host's timer precision: each figure lies within half a service
 * time D/2 of its model, which still tells every queue position apart (they differ by D). Lateness moves figures
 * both ways: a point runs long when timers fire late (2,581 ms for 2,400 on a busy 2-core machine), and a queued
 * request's latency comes out short by the time its predecessor's answer took to reach the client (its slot opened
 * that much after the server's queue had already moved on: 1,182 ms for 1,200). A tighter bound would be a
 * wall-clock budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeSide, type SweepRequestRecord } from '../../shared/sweep.ts';
import { createAdapter } from '../backends/index.ts';
import { arrivalOffsetsMs, gammaDraw } from './arrivals.ts';
import { runLoad, type LoadItem } from './generator.ts';
import { startLoopbackImageServer, type LoopbackServer } from './testing.ts';
import { mulberry32 } from '../../shared/random.ts';
import { median } from '../../shared/stats.ts';

const D = 600;
const N = 4;

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackImageServer({ delayMs: D, serial: true });
});
afterAll(async () => {
  await server.close();
});

async function measure(concurrency: number, items: LoadItem[]): Promise<SweepRequestRecord[]> {
  const adapter = createAdapter('diffusers', server.url, { healthPollInitialMs: 10, healthPollMaxMs: 50 });
  await adapter.connect();
  const records: SweepRequestRecord[] = [];
  try {
    await runLoad({
      adapter,
      sideLabel: 'B (loopback)',
      timeoutMs: 30_000,
      signal: new AbortController().signal,
      concurrency,
      requestRate: 'inf',
      burstiness: 1,
      seed: 1,
      items,
      build: (item) => ({ prompt: `q${concurrency}-${item.index}`, seed: 1, steps: 1, size: '64x64', images: [] }),
      onResult: (r) => {
        if (r.outcome.status !== 'ok') throw new Error(`request failed: ${r.outcome.error.message}`);
        records.push({
          pointId: 'p',
          side: 'B',
          index: r.item.index,
          warmup: r.item.warmup,
          session: 0,
          status: 'ok',
          scheduledMs: r.scheduledMs,
          sentMs: r.sentMs,
          clientWaitMs: r.clientWaitMs,
          e2eMs: r.outcome.response.e2eMs,
          stages: r.outcome.response.stages,
          peakMemoryMb: null,
          images: 1,
          promptTokens: 1,
          promptTokensSource: 'estimate',
          endpoint: r.outcome.response.endpoint,
          finishedAt: new Date().toISOString(),
        });
      },
    });
  } finally {
    adapter.close();
  }
  return records;
}

/** Measured against the model: off by less than half a service time either way. */
const asQueued = (measured: number, expected: number): void => {
  expect(Math.abs(measured - expected), `measured ${measured.toFixed(2)} vs expected ${expected.toFixed(2)}`).toBeLessThan(D / 2);
};

describe('queueing against a one-worker loopback server (fixed delay)', () => {
  it.each([1, 2, 3])('concurrency %i: throughput, latencies and duration as calculated', async (c) => {
    const items = Array.from({ length: c + N }, (_, index) => ({ index, warmup: index < c }));
    const all = await measure(c, items);
    expect(all).toHaveLength(c + N);
    const records = all.filter((r) => !r.warmup);
    const s = summarizeSide({ id: 'p' }, 'B', all, N);
    expect(s.warmup).toBe(c);
    const expectedLatencies = Array.from({ length: N }, (_, k) => (k < c ? (k + 1) * D : c * D));
    const expectedMean = expectedLatencies.reduce((a, b) => a + b, 0) / N;
    asQueued(s.durationMs!, N * D);
    // Throughput is N over the duration: within the bounds the duration's check allows.
    expect(s.requestThroughput!).toBeGreaterThan(N / ((N * D + D / 2) / 1000));
    expect(s.requestThroughput!).toBeLessThan(N / ((N * D - D / 2) / 1000));
    asQueued(s.e2e.mean!, expectedMean);
    // The median, not the extremes: one request stalled by a busy host's scheduler must not decide the test.
    asQueued(s.e2e.median!, median(expectedLatencies)!);
    // Open loop: every request was released at 0; the ones beyond c waited for a slot of ours, not in e2e.
    expect(records.every((r) => r.scheduledMs === 0)).toBe(true);
    expect(records.filter((r) => r.clientWaitMs > D / 2)).toHaveLength(N - c);
  });

  it('finished requests (skip) are not sent again; the rest are, once', async () => {
    const items = Array.from({ length: 4 }, (_, index) => ({ index, warmup: index === 0 }));
    const adapter = createAdapter('diffusers', server.url, { healthPollInitialMs: 10 });
    await adapter.connect();
    const sent: number[] = [];
    const results: number[] = [];
    try {
      await runLoad({
        adapter,
        sideLabel: 'B',
        timeoutMs: 30_000,
        signal: new AbortController().signal,
        concurrency: 2,
        requestRate: 'inf',
        burstiness: 1,
        seed: 1,
        items,
        skip: new Set([0, 1, 3]),
        build: (item) => ({ prompt: `skip-${item.index}`, seed: 1, steps: 1, size: '64x64', images: [] }),
        onSent: (item) => sent.push(item.index),
        onResult: (r) => void results.push(r.item.index),
      });
    } finally {
      adapter.close();
    }
    expect(sent).toEqual([2]);
    expect(results).toEqual([2]);
    expect(['skip-0', 'skip-1', 'skip-2', 'skip-3'].map((p) => server.received.get(p) ?? 0)).toEqual([0, 0, 1, 0]);
  });
});

describe('arrivals', () => {
  it('inf releases everything at once; a rate gives gaps of mean 1/rate, seeded', () => {
    expect(arrivalOffsetsMs(5, 'inf', 1, 1)).toEqual([0, 0, 0, 0, 0]);
    const t = arrivalOffsetsMs(4001, 4, 1, 7);
    expect(t[0]).toBe(0);
    expect(t.at(-1)! / 4000).toBeGreaterThan(250 * 0.95);
    expect(t.at(-1)! / 4000).toBeLessThan(250 * 1.05);
    expect(arrivalOffsetsMs(10, 4, 1, 7)).toEqual(arrivalOffsetsMs(10, 4, 1, 7));
  });

  it('gamma draws have mean k and variance k (scale 1) for bursty and even shapes', () => {
    for (const k of [0.5, 1, 4]) {
      const u = mulberry32(99);
      const xs = Array.from({ length: 40_000 }, () => gammaDraw(k, u));
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
      expect(Math.abs(m - k) / k).toBeLessThan(0.03);
      expect(Math.abs(v - k) / k).toBeLessThan(0.08);
    }
  });
});
