/**
 * Test support: a SweepResult built the way the engine builds one, from per-request records through
 * shared/sweep.ts (summarizeSide, tableRow), with latencies we set, so the Speed screen's tables and charts are
 * checked against figures computed independently in the tests.
 */
import type { Side } from './model.ts';
import {
  sweepPoints,
  summarizeSide,
  tableRow,
  type SweepAxes,
  type SweepPoint,
  type SweepRequestRecord,
  type SweepResult,
  type SweepSpec,
} from './sweep.ts';

export interface FixtureOptions {
  axes?: Partial<SweepAxes>;
  requests?: number;
  /** e2e ms of the i-th measured request of a point and side. */
  latency?: (point: SweepPoint, side: Side, i: number) => number;
  /** Measured requests (by index) that fail. */
  fails?: (point: SweepPoint, side: Side, i: number) => boolean;
  name?: string;
}

export function sweepFixture(options: FixtureOptions = {}): SweepResult {
  const axes: SweepAxes = { batch: [1], promptTokens: [512], concurrency: [1, 2, 4], requestRate: ['inf'], burstiness: 1, ...options.axes };
  const requests = options.requests ?? 4;
  const spec: SweepSpec = {
    name: options.name ?? 'fixture',
    description: null,
    axes,
    requests,
    warmup: 1,
    size: '512x512',
    steps: 4,
    seed: 42,
    images: [],
    timeoutMs: 60_000,
  };
  const latency = options.latency ?? ((p, side, i) => (side === 'A' ? 300 : 700) * p.batch + 50 * p.concurrency + i * 10);
  const fails = options.fails ?? (() => false);
  const points = sweepPoints(axes);
  const records: SweepRequestRecord[] = [];
  for (const p of points) {
    for (const side of ['A', 'B'] as const) {
      let t = 0;
      for (let i = 0; i < requests + 1; i++) {
        const warmup = i === 0;
        const e2e = latency(p, side, warmup ? 0 : i - 1);
        const failed = !warmup && fails(p, side, i - 1);
        const record: SweepRequestRecord = {
          pointId: p.id,
          side,
          index: i,
          warmup,
          session: 0,
          status: failed ? 'error' : 'ok',
          scheduledMs: t,
          sentMs: t,
          clientWaitMs: 0,
          e2eMs: e2e,
          stages: failed ? {} : { upload: 5, text_encode: e2e * 0.2, denoise: e2e * 0.6, vae_decode: e2e * 0.1, download: 5 },
          peakMemoryMb: failed ? null : (side === 'A' ? 20_000 : 30_000) + 2048 * p.batch,
          images: failed ? 0 : p.batch,
          promptTokens: p.promptTokens,
          promptTokensSource: side === 'B' ? 'server' : 'estimate',
          endpoint: '/v1/images/edits',
          finishedAt: '2026-12-02T08:00:00.000Z',
        };
        if (failed) record.error = { kind: 'http', message: 'HTTP 500', retryable: false };
        records.push(record);
        if (!warmup) t += e2e;
      }
    }
  }
  const results = points.map((point) => {
    const A = summarizeSide(point, 'A', records, requests);
    const B = summarizeSide(point, 'B', records, requests);
    return { point, A, B, row: tableRow(point, axes, A, B) };
  });
  const backend = (kind: 'vllm-omni' | 'diffusers', label: string) => ({ kind, label, target: 'sim', simulated: true });
  return {
    summary: {
      id: 'sw-fixture',
      dir: 'sweeps/sw-fixture',
      name: spec.name,
      createdAt: '2026-12-02T08:00:00.000Z',
      state: 'complete',
      message: null,
      backends: { A: backend('vllm-omni', 'vLLM-Omni'), B: backend('diffusers', 'diffusers baseline') },
      progress: { pointsDone: points.length * 2, pointsTotal: points.length * 2, requestsDone: records.length, requestsTotal: records.length, current: null, etaMs: null },
    },
    spec,
    points: results,
  };
}
